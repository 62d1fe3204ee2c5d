"""Read paths for working groups: the list with search and filters, a group's page, its
discussions and members. Who sees what comes from `forum.permissions`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from forum import permissions
from forum.errors import NotFound
from forum.extensions import db
from forum.models import (
    Event,
    EventStatus,
    Group,
    GroupKind,
    GroupMember,
    GroupRequest,
    GroupRole,
    Question,
    Theme,
    User,
)
from forum.text import escape_like

KIND_ARGS = {"aperti": GroupKind.OPEN, "su-richiesta": GroupKind.ON_REQUEST,
             "riservati": GroupKind.PRIVATE}


@dataclass(frozen=True)
class GroupFilters:
    """Search and filters of the group list, as parsed from the query string."""

    q: str = ""
    theme: str | None = None
    region: str | None = None
    kind: str | None = None
    mine: bool = False

    def as_args(self) -> dict[str, str]:
        """Non-empty filters, for links that keep them."""
        kind = next((k for k, v in KIND_ARGS.items() if v == self.kind), None)
        args = {"q": self.q, "tema": self.theme, "regione": self.region, "tipo": kind,
                "miei": "1" if self.mine else None}
        return {k: v for k, v in args.items() if v}


def _listed(viewer: Any) -> ColumnElement[bool]:
    """Groups shown in the list: all but private unlisted ones, and the viewer's own."""
    shown = or_(Group.kind != GroupKind.PRIVATE, Group.listed.is_(True))
    if getattr(viewer, "is_authenticated", False):
        shown = or_(shown, Group.id.in_(
            select(GroupMember.group_id).where(GroupMember.user_id == viewer.id)))
    return shown


def _filtered(stmt: Select, viewer: Any, filters: GroupFilters) -> Select:
    stmt = stmt.where(_listed(viewer))
    if filters.q:
        pattern = f"%{escape_like(filters.q.lower())}%"
        stmt = stmt.where(or_(func.lower(Group.name).like(pattern, escape="\\"),
                              func.lower(Group.description).like(pattern, escape="\\")))
    if filters.theme:
        stmt = stmt.where(Group.themes.any(Theme.slug == filters.theme))
    if filters.region:
        stmt = stmt.where(Group.region_code == filters.region)
    if filters.kind:
        stmt = stmt.where(Group.kind == filters.kind)
    if filters.mine:
        if getattr(viewer, "is_authenticated", False):
            stmt = stmt.where(Group.id.in_(
                select(GroupMember.group_id).where(GroupMember.user_id == viewer.id)))
        else:
            stmt = stmt.where(false())
    return stmt


def list_groups(viewer: Any, filters: GroupFilters, page: int, per_page: int) -> Pagination:
    """A page of groups the viewer may see listed, most members first, themes loaded."""
    stmt = _filtered(select(Group).options(selectinload(Group.themes)), viewer, filters)
    return SelectPagination(
        select=stmt.order_by(Group.member_count.desc(), Group.name),
        session=db.session(), page=page, per_page=per_page, max_per_page=None,
        error_out=False)


def group_by_slug(viewer: Any, slug: str) -> Group:
    """A group the viewer may see (a private unlisted one is a 404 for outsiders, with the
    same message as a group that does not exist)."""
    group = db.session.scalar(select(Group).where(Group.slug == slug)
                              .options(selectinload(Group.themes)))
    if group is None or not permissions.can_see_group(viewer, group):
        raise NotFound(_("Tavolo non trovato."))
    return group


@dataclass
class Standing:
    """The viewer's relation to a group: member (and role), request sent, invitation."""

    role: str | None = None
    requested: bool = False
    invitation_token_hash: str | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def is_member(self) -> bool:
        """Whether the viewer belongs to the group."""
        return self.role is not None


def standing(viewer: Any, group: Group) -> Standing:
    """What the group page needs to know about the viewer, in at most two statements."""
    if not getattr(viewer, "is_authenticated", False):
        return Standing()
    role = permissions.group_roles(viewer).get(group.id)
    requested = False
    if role is None and group.kind == GroupKind.ON_REQUEST:
        requested = db.session.scalar(select(GroupRequest.id).where(
            GroupRequest.group_id == group.id, GroupRequest.user_id == viewer.id)) is not None
    return Standing(role=role, requested=requested)


def group_questions(group: Group, page: int, per_page: int, *,
                    state: str | None = None) -> Pagination:
    """The group's visible discussions, most recently active first (the caller has
    checked that the viewer reads the group's content)."""
    stmt = (select(Question).where(Question.group_id == group.id,
                                   Question.hidden_at.is_(None))
            .options(joinedload(Question.author), joinedload(Question.theme),
                     selectinload(Question.tags)))
    if state == "risolte":
        stmt = stmt.where(Question.accepted_answer_id.is_not(None))
    elif state == "senza-risposta":
        stmt = stmt.where(Question.answer_count == 0)
    return SelectPagination(
        select=stmt.order_by(Question.last_activity_at.desc(), Question.id.desc()),
        session=db.session(), page=page, per_page=per_page, max_per_page=None,
        error_out=False)


def members(group: Group) -> list[GroupMember]:
    """Members with their accounts, facilitators first, then by name."""
    return list(db.session.scalars(
        select(GroupMember).join(GroupMember.user).where(GroupMember.group_id == group.id)
        .options(joinedload(GroupMember.user))
        .order_by((GroupMember.role == GroupRole.FACILITATOR).desc(), User.display_name)))


def pending_requests(group: Group) -> list[GroupRequest]:
    """Requests waiting for a facilitator, oldest first."""
    return list(db.session.scalars(
        select(GroupRequest).where(GroupRequest.group_id == group.id)
        .options(joinedload(GroupRequest.user)).order_by(GroupRequest.created_at)))


def groups_for_posting(viewer: Any) -> list[Group]:
    """The groups the viewer may post in from the ask form: their own."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    return list(db.session.scalars(
        select(Group).join(GroupMember, GroupMember.group_id == Group.id)
        .where(GroupMember.user_id == viewer.id).order_by(Group.name)))


def group_events(group: Group, limit: int = 10) -> list[Event]:
    """The group's published events not yet over, soonest first (the caller has checked
    that the viewer reads the group's content)."""
    from forum.models.base import utcnow

    return list(db.session.scalars(
        select(Event).where(Event.group_id == group.id, Event.status == EventStatus.PUBLISHED,
                            Event.ends_at > utcnow())
        .order_by(Event.starts_at).limit(limit)))
