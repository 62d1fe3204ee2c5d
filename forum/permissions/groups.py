"""Working groups: memberships, who reads a group's content (as a predicate and as a SQL
clause), who manages it. Part of the one permissions home (`forum.permissions`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import object_session

from forum.extensions import db
from forum.models import Group, GroupKind, GroupMember, GroupRole, Question, User
from forum.permissions.base import _signed_in, can_post, is_active_member, is_admin
from forum.sql import unindexed

_membership_changes = [0]  # bumped by every membership change made in this process


def group_roles(user: Any) -> dict[int, str]:
    """group id -> role of a signed-in member, read once per user object (a request, a job)
    and again after any membership change made in this process since (`forget_group_roles`),
    so a check right after joining in the same request sees the new membership.

    Read in the session the user object came from: a job working in a session of its own
    (notifications, routing) must not open a second one (on SQLite it would wait on the
    job's own write lock)."""
    if not _signed_in(user):
        return {}
    cached: tuple[int, dict[int, str]] | None = user.__dict__.get("_group_roles")
    if cached is None or cached[0] != _membership_changes[0]:
        session = (object_session(user) if isinstance(user, User) else None) or db.session
        roles = {group_id: role for group_id, role in session.execute(
            select(GroupMember.group_id, GroupMember.role).where(GroupMember.user_id == user.id))}
        cached = (_membership_changes[0], roles)
        user.__dict__["_group_roles"] = cached
    return cached[1]


def forget_group_roles() -> None:
    """Memberships changed: every cached reading is stale."""
    _membership_changes[0] += 1


def is_group_member(user: Any, group: Group) -> bool:
    """A member of the group, whatever their role."""
    return group.id in group_roles(user)


def is_facilitator(user: Any, group: Group) -> bool:
    """A facilitator of the group (active: suspended facilitators manage nothing)."""
    return (is_active_member(user)
            and group_roles(user).get(group.id) == GroupRole.FACILITATOR)


def can_read_group_content(user: Any, group: Group | None) -> bool:
    """The public space and open groups are read by everyone; a group joined on request
    or by invitation only by its members."""
    if group is None or group.kind == GroupKind.OPEN:
        return True
    return is_group_member(user, group)


def can_see_group(user: Any, group: Group) -> bool:
    """Open and on-request groups are listed for all; a private group only for its members,
    or by name when it chose to be listed."""
    return group.kind != GroupKind.PRIVATE or group.listed or is_group_member(user, group)


def visible_questions(viewer: Any) -> ColumnElement[bool]:
    """`can_read_group_content` as a WHERE clause on questions, evaluated at query time
    (so a member removed a moment ago no longer matches): public questions, open groups',
    and those of the viewer's groups. Public questions are nearly all: SQLite must not
    look them up by the group index (`unindexed`)."""
    readable = or_(unindexed(Question.group_id).is_(None),
                   Question.group_id.in_(select(Group.id).where(Group.kind == GroupKind.OPEN)))
    if _signed_in(viewer):
        readable = or_(readable, Question.group_id.in_(
            select(GroupMember.group_id).where(GroupMember.user_id == viewer.id)))
    return readable


def group_readers(group: Group | None) -> ColumnElement[bool]:
    """`can_read_group_content` for every user at once, as a WHERE clause on users (who
    may be offered a group's unanswered question, say)."""
    if group is None or group.kind == GroupKind.OPEN:
        return true()
    return User.id.in_(select(GroupMember.user_id).where(GroupMember.group_id == group.id))


def public_questions() -> ColumnElement[bool]:
    """What anyone may read: the clause for a visitor who is signed out (aggregates shown
    to everyone, such as directory counts, use it whoever is looking)."""
    return visible_questions(None)


def readable_group_ids(viewer: Any) -> frozenset[int]:
    """Ids of the groups whose content the viewer reads: open groups and their own (the
    search filter, read fresh on every search)."""
    ids = set(db.session.execute(select(Group.id).where(Group.kind == GroupKind.OPEN)).scalars())
    return frozenset(ids | set(group_roles(viewer)) if _signed_in(viewer) else ids)


def can_create_group(user: Any) -> bool:
    """Active members open a working group and become its first facilitator."""
    return is_active_member(user)


def can_join_group(user: Any, group: Group) -> bool:
    """Anyone active joins an open group; requests and invitations handle the others."""
    return (is_active_member(user) and group.kind == GroupKind.OPEN
            and not is_group_member(user, group))


def can_request_group(user: Any, group: Group) -> bool:
    """Active non-members ask to join a group on request."""
    return (is_active_member(user) and group.kind == GroupKind.ON_REQUEST
            and not is_group_member(user, group))


def can_manage_group(user: Any, group: Group) -> bool:
    """Facilitators manage members, settings and content; admins step in for any group
    they can see (an orphaned or abusive group), without reading a private one."""
    return is_facilitator(user, group) or (is_admin(user) and can_see_group(user, group))


def can_post_in_group(user: Any, group: Group) -> bool:
    """Members who may write post discussions and documents in their group; in an open
    group, any active member."""
    return can_post(user) and (is_group_member(user, group) or group.kind == GroupKind.OPEN)


def can_leave_group(user: Any, group: Group) -> bool:
    """Members leave (the last facilitator is told to hand over first, by the service)."""
    return is_group_member(user, group)


def can_read_group_documents(user: Any, group: Group) -> bool:
    """Documents follow the group's discussions."""
    return can_read_group_content(user, group)


def can_manage_document(user: Any, group: Group, uploader_id: int | None) -> bool:
    """Whoever uploaded a document, or a facilitator, adds versions, moves or deletes it."""
    return (can_post_in_group(user, group)
            and (uploader_id == user.id or can_manage_group(user, group)))


def can_request_publication(user: Any, question: Question) -> bool:
    """A facilitator proposes to publish a solved, visible group thread to the public
    space, once."""
    group = question.group
    return (group is not None and question.is_solved and not question.is_hidden
            and question.published_copy_id is None and can_manage_group(user, group)
            and is_group_member(user, group))
