"""Viewer slots every page may hold: the header's member corner, reputations beside
names, the selected level of a follow control."""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app, request
from flask_login import current_user
from sqlalchemy import select

from forum.extensions import db
from forum.models import Follow, User
from forum.models.follow import Level
from forum.render_cache.slots import slot_kind
from forum.render_cache.versions import user_scope


def _nothing(_args: Sequence[str]) -> None:
    return None


def _always(_prepared: object) -> bool:
    return True


def _not_moderator(_prepared: None) -> bool:
    """The moderation queue's count changes with every flag anywhere: moderators' copies
    are never kept; everyone else's counters follow their own `viewer:ID` scope."""
    from forum.permissions import can_moderate

    return not can_moderate(current_user)


def _user_scopes(args: Sequence[str]) -> tuple[str, ...]:
    """The members named by the markers (their reputation, their openness to contact)."""
    return tuple(user_scope(int(a)) for a in args if a.isdigit())


@slot_kind("user-bar", _nothing, keep=_not_moderator)
def user_bar(_arg: str, _prepared: None) -> str:
    """Counters, name and reputation of the signed-in member: the template alone with
    the header's values, without running every context processor of a page again."""
    from forum.templating import member_header

    template = current_app.jinja_env.get_template("_partials/user_bar.html")
    return template.render(current_user=current_user, request=request, **member_header())


def _reputations(args: Sequence[str]) -> dict[str, int]:
    ids = {int(a) for a in args if a.isdigit()}
    return {str(i): r for i, r in db.session.execute(
        select(User.id, User.reputation).where(User.id.in_(ids))).all()} if ids else {}


@slot_kind("rep", _reputations, scopes=_user_scopes, keep=_always)
def reputation(arg: str, found: dict[str, int]) -> str:
    """Reputation changes with every vote anywhere: read per request, never stored."""
    return str(found.get(arg, ""))


def _levels(args: Sequence[str]) -> dict[tuple[str, int], str]:
    """arg = kind-target-level; one query for every follow control of the page."""
    if not getattr(current_user, "is_authenticated", False):
        return {}
    targets = {(kind, int(target)) for kind, target, _level in (a.split("-", 2) for a in args)}
    rows = db.session.execute(select(Follow.target_type, Follow.target_id, Follow.level).where(
        Follow.user_id == current_user.id,
        Follow.target_id.in_({t for _k, t in targets}),
        Follow.target_type.in_({k for k, _t in targets}))).all()
    return {(str(kind), target): str(level) for kind, target, level in rows}


@slot_kind("follow-sel", _levels, keep=_always)
def follow_selected(arg: str, levels: dict[tuple[str, int], str]) -> str:
    """` selected` on the viewer's level (normal when they never chose one)."""
    kind, target, level = arg.split("-", 2)
    return " selected" if levels.get((kind, int(target)), str(Level.NORMAL)) == level else ""


def _users(args: Sequence[str]) -> dict[str, User]:
    ids = {int(a) for a in args if a.isdigit()}
    return {str(u.id): u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


@slot_kind("contact", _users, scopes=_user_scopes, keep=_always)
def contact(arg: str, users: dict[str, User]) -> str:
    """"Scrivi": depends on blocks between the viewer and the member, so per request."""
    template = current_app.jinja_env.get_template("_partials/contact_slot.html")
    return template.render(current_user=current_user, user=users.get(arg))
