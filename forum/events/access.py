"""Loading an event and checking who runs it: shared by the event and registration
services (kept apart so neither imports the other at load time)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forum import permissions
from forum.errors import NotAllowed, NotFound
from forum.extensions import db
from forum.models import Event, User
from forum.users.standing import require_member

__all__ = ["load_event", "organiser_ids", "require_organiser"]


def load_event(event_id: int, *, for_update: bool = False) -> Event:
    """An event with sessions, themes and organisers; NotFound otherwise."""
    stmt = select(Event).where(Event.id == event_id).options(
        selectinload(Event.sessions), selectinload(Event.themes),
        selectinload(Event.organisers))
    if for_update:
        # the locked read must win over a copy the request loaded before (the page and
        # the API read the event by slug first): stale counters would oversell seats
        stmt = stmt.with_for_update(of=Event).execution_options(populate_existing=True)
    event = db.session.execute(stmt).scalar_one_or_none()
    if event is None:
        raise NotFound(_("Incontro non trovato."))
    return event


def organiser_ids(event: Event) -> set[int]:
    """Co-organisers of an event with its organisers loaded."""
    return {u.id for u in event.organisers}


def require_organiser(actor: User, event: Event) -> None:
    """404 for whoever cannot see the event, 403 for whoever sees it but may not run it."""
    ids = organiser_ids(event)
    if not permissions.can_view_event(actor, event, ids):
        raise NotFound(_("Incontro non trovato."))
    if not permissions.is_event_organiser(actor, event, ids):
        require_member(actor, _("Accedi per gestire l'incontro."))
        raise NotAllowed(_("Solo chi organizza l'incontro può farlo."))
