"""Writing priorities (indirizzi) and telling the watchers of their themes. One public
call = one commit.

A priority's watchers are told once, when it becomes valid: at creation or edit when it
already is, otherwise by `flask announcements notify` (cron, possibly on several nodes at
once). Either way the claim is one conditional UPDATE of `notified_at` (NULL -> now) in
the same transaction as the notifying job, so only one caller ever queues it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import Table, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from forum import permissions
from forum.announcements.queries import is_valid, today, valid_on
from forum.database import write_intent
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.jobs import enqueue
from forum.markup import render_markdown
from forum.models import Announcement, Theme, User
from forum.models.base import utcnow
from forum.text import clean_line, clean_text, slugify

TITLE_MIN, TITLE_MAX = 5, 200
BODY_MIN, BODY_MAX = 10, 20_000
MIN_THEMES, MAX_THEMES = 1, 3
# A new priority may have started up to a year ago: the board records a yearly plan
# already in force (from 1 January, say) when Officina starts publishing it. Further back
# it would only land in the archive, never pinned, and tell nobody: that is a mistake.
MAX_BACKDATE = timedelta(days=366)
# Nor is a priority announced more than two years ahead (a mistyped year, 2207).
MAX_AHEAD = timedelta(days=2 * 366)
RESERVED_SLUGS = frozenset({"nuovo"})  # /indirizzi/nuovo is the form
NOTIFY = "announcements.notify"


@dataclass(frozen=True)
class AnnouncementFields:
    """What the board types."""

    title: str
    body: str
    theme_ids: tuple[int, ...]
    valid_from: date | None
    valid_until: date | None = None


@dataclass(frozen=True)
class _Checked:
    title: str
    body: str
    body_html: str
    valid_from: date
    valid_until: date | None


def _checked(fields: AnnouncementFields, *, creating: bool) -> tuple[_Checked | None,
                                                                    dict[str, list[str]]]:
    """Cleaned values and errors by field; the Markdown is rendered here, before any
    write transaction opens."""
    errors: dict[str, list[str]] = {}
    title, body = clean_line(fields.title), clean_text(fields.body)
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        errors["title"] = [_("Il titolo deve avere da %(min)d a %(max)d caratteri.",
                             min=TITLE_MIN, max=TITLE_MAX)]
    if not BODY_MIN <= len(body) <= BODY_MAX:
        errors["body"] = [_("Il testo deve avere da %(min)d a %(max)d caratteri.",
                            min=BODY_MIN, max=BODY_MAX)]
    if not MIN_THEMES <= len(set(fields.theme_ids)) <= MAX_THEMES:
        errors["themes"] = [_("Scegli da %(min)d a %(max)d temi.", min=MIN_THEMES,
                              max=MAX_THEMES)]
    start, end, day = fields.valid_from, fields.valid_until, today()
    if start is None:
        errors["valid_from"] = [_("Indica da quando vale la priorità.")]
    elif creating and start < day - MAX_BACKDATE:
        errors["valid_from"] = [_("Una nuova priorità può essere iniziata al massimo un anno "
                                  "fa: per una più vecchia controlla l'anno.")]
    elif start > day + MAX_AHEAD:
        errors["valid_from"] = [_("La data di inizio è troppo lontana: al massimo due anni "
                                  "da oggi.")]
    if start is not None and end is not None and end < start:
        errors["valid_until"] = [_("La fine della validità non può venire prima dell'inizio.")]
    if errors or start is None:
        return None, errors
    return _Checked(title, body, render_markdown(body), start, end), errors


def _themes(theme_ids: tuple[int, ...], errors: dict[str, list[str]]) -> list[Theme]:
    wanted = {i for i in theme_ids if 0 < i < 2**31}
    found = list(db.session.scalars(select(Theme).where(Theme.id.in_(wanted)))) if wanted else []
    if len(found) != len(set(theme_ids)) and "themes" not in errors:
        errors["themes"] = [_("Scegli i temi dall'elenco.")]
    return found


def _unique_slug(title: str, exclude_id: int | None = None) -> str:
    base = slugify(title, 110) or "priorita"
    taken = set(db.session.scalars(select(Announcement.slug).where(
        Announcement.slug.like(f"{base}%"), Announcement.id != (exclude_id or 0))))
    taken |= RESERVED_SLUGS
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _require_board(actor: Any) -> None:
    if not permissions.can_manage_announcements(actor):
        raise NotAllowed(_("Solo la redazione pubblica e modifica le priorità."))


def _claim_notification(announcement_id: int) -> bool:
    """Mark the watchers as told and queue the job that tells them, in the caller's write
    transaction; False when another caller already did (the UPDATE matched nothing)."""
    table = cast(Table, Announcement.__table__)
    claimed = db.session.execute(
        update(table).where(table.c.id == announcement_id, table.c.notified_at.is_(None))
        .values(notified_at=utcnow()).returning(table.c.id)).first()
    if claimed is None:
        return False
    enqueue(NOTIFY, announcement_id, key=f"announcement-notify:{announcement_id}")
    return True


def _commit_new(announcement: Announcement) -> None:
    try:
        db.session.commit()
    except IntegrityError:  # two boards saving the same title at the same instant
        db.session.rollback()
        raise Conflict(_("Una priorità con questo titolo è appena stata salvata: "
                         "ricarica l'elenco e controlla.")) from None


def create_announcement(actor: User, fields: AnnouncementFields) -> Announcement:
    """A new priority; if already valid, its themes' watchers are told now."""
    _require_board(actor)
    values, errors = _checked(fields, creating=True)
    with write_intent():
        themes = _themes(fields.theme_ids, errors)
        if errors or values is None:
            raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
        announcement = Announcement(
            slug=_unique_slug(values.title), title=values.title, body=values.body,
            body_html=values.body_html, valid_from=values.valid_from,
            valid_until=values.valid_until, created_by_id=actor.id, themes=themes)
        db.session.add(announcement)
        db.session.flush()
        if is_valid(announcement):
            _claim_notification(announcement.id)
        _commit_new(announcement)
    return announcement


def update_announcement(actor: User, announcement_id: int,
                        fields: AnnouncementFields) -> Announcement:
    """Change a priority (its address stays: it was linked in mails and newsletters). A
    start already in the past is allowed (the priority has been in force). Becoming valid
    by this edit tells the watchers, once."""
    _require_board(actor)
    values, errors = _checked(fields, creating=False)
    with write_intent():
        announcement = db.session.scalar(select(Announcement).options(
            selectinload(Announcement.themes)).where(Announcement.id == announcement_id))
        if announcement is None:
            raise NotFound(_("Priorità non trovata."))
        themes = _themes(fields.theme_ids, errors)
        if errors or values is None:
            raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
        announcement.title, announcement.body = values.title, values.body
        announcement.body_html = values.body_html
        announcement.valid_from, announcement.valid_until = values.valid_from, values.valid_until
        announcement.themes = themes
        announcement.updated_at = utcnow()
        db.session.flush()
        if announcement.notified_at is None and is_valid(announcement):
            _claim_notification(announcement.id)
        db.session.commit()
    return announcement


def delete_announcement(actor: User, announcement_id: int) -> None:
    """Remove a priority (a mistake: an ended one stays in the archive by itself)."""
    _require_board(actor)
    with write_intent():
        announcement = db.session.get(Announcement, announcement_id)
        if announcement is None:
            raise NotFound(_("Priorità non trovata."))
        db.session.delete(announcement)
        db.session.commit()


def notify_due() -> int:
    """Tell the watchers of every priority that became valid since the last run; returns
    how many this call claimed. Safe on several nodes at once: each claim is its own
    conditional UPDATE, and a priority claimed elsewhere is simply skipped."""
    due = list(db.session.scalars(select(Announcement.id).where(
        valid_on(today()), Announcement.notified_at.is_(None)).order_by(Announcement.id)))
    db.session.rollback()  # end the read before taking the write lock
    claimed = 0
    for announcement_id in due:
        with write_intent():
            if _claim_notification(announcement_id):
                claimed += 1
            db.session.commit()
    return claimed
