"""Pure permission predicates, shared by services, views and templates.

Thresholds for reputation privileges come from the configuration (`PRIVILEGE_*`), so the
help page, the services and the buttons on a page always agree.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import object_session

from forum.extensions import db
from forum.models import (
    NEVER_PUBLIC,
    PRACTICE_WORKFLOW,
    Answer,
    Group,
    GroupKind,
    GroupMember,
    GroupRole,
    Practice,
    PracticeStatus,
    ProfileField,
    Question,
    Role,
    User,
    Visibility,
)

PRIVILEGES = ("comment_everywhere", "vote_down", "flag_weight", "suggest_edit", "conversations")


def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def can_view_profile(viewer: Any, user: User) -> bool:
    """Approved members' profiles are seen by everyone; one awaiting approval (or refused) is
    seen only by its owner and the staff; a suspended member's only by signed-in members."""
    if user.is_pending:
        return _signed_in(viewer) and (viewer.id == user.id or viewer.is_moderator)
    if user.is_suspended:
        return _signed_in(viewer)
    return True


def is_member_viewer(viewer: Any) -> bool:
    """Signed in and approved: who sees the fields a member shares with "members only"."""
    return _signed_in(viewer) and not viewer.is_pending


def can_see_field(viewer: Any, user: User, field: ProfileField | str) -> bool:
    """A profile field by its owner's choice; contact details never reach anonymous
    visitors whatever was chosen; the owner always sees their own."""
    if _signed_in(viewer) and viewer.id == user.id:
        return True
    chosen = user.visibility(field)
    if chosen == Visibility.HIDDEN:
        return False
    if chosen == Visibility.PUBLIC and field not in NEVER_PUBLIC:
        return True
    return is_member_viewer(viewer)


def can_use_directory(viewer: Any) -> bool:
    """The directory of members ("Chi fa cosa") is for approved members."""
    return is_member_viewer(viewer)


def privilege_threshold(name: str) -> int:
    """Reputation needed for a privilege (`PRIVILEGE_<NAME>` in the configuration)."""
    return int(current_app.config[f"PRIVILEGE_{name.upper()}"])


def has_privilege(user: Any, name: str) -> bool:
    """Active members reach a privilege by reputation; moderators have them all.

    A threshold of 0 or less turns the requirement off (reputation can go below zero).
    """
    if not is_active_member(user):
        return False
    threshold = privilege_threshold(name)
    return user.is_moderator or threshold <= 0 or user.reputation >= threshold


def is_active_member(user: Any) -> bool:
    """Signed in, approved and not suspended: the people who may write."""
    return _signed_in(user) and not user.is_pending and not user.is_suspended


def can_moderate(user: Any, theme_id: int | None = None) -> bool:
    """Moderators and admins; a moderator limited to some themes only moderates those."""
    if not _signed_in(user) or not user.is_moderator or user.is_suspended:
        return False
    if user.is_admin or theme_id is None:
        return True
    scope = user.theme_scope
    return not scope or theme_id in scope


def is_admin(user: Any) -> bool:
    """Admins manage members, roles, themes and settings."""
    return _signed_in(user) and isinstance(user, User) and user.is_admin and not user.is_suspended


def can_view_hidden(user: Any, author_id: int, question: Question) -> bool:
    """A hidden post stays visible to its author (with the reason) and to the moderators
    of its thread."""
    return _signed_in(user) and (user.id == author_id or can_moderate_question(user, question))


def can_moderate_question(user: Any, question: Question) -> bool:
    """Moderators of the theme moderate a thread they can read; a group's facilitators
    moderate its threads (a private group's are moderated by its facilitators alone)."""
    if not can_read_group_content(user, question.group):
        return False
    if question.group is not None and is_facilitator(user, question.group):
        return True
    return can_moderate(user, question.theme_id)


def can_view_question(user: Any, question: Question) -> bool:
    """A question is public unless hidden or in a restricted group; hidden, its author and
    its moderators see it; in a group on request or private, only the group's members."""
    if not can_read_group_content(user, question.group):
        return False
    if not question.is_hidden:
        return True
    return can_view_hidden(user, question.author_id, question)


# -- working groups (forum/groups) --------------------------------------------------------------

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
    and those of the viewer's groups."""
    readable = or_(Question.group_id.is_(None),
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


def can_consent_publication(user: Any, question: Question) -> bool:
    """The asker agrees (or not) to the publication a facilitator proposed."""
    return (question.publication_requested_at is not None
            and question.published_copy_id is None and is_active_member(user)
            and user.id == question.author_id and can_view_question(user, question))


def can_follow(user: Any) -> bool:
    """Any signed-in member whose sign-up was not refused may follow and be notified
    (reading is all it takes: pending and suspended members still read)."""
    return _signed_in(user) and not user.is_rejected


def can_be_offered(user: Any, question: Question) -> bool:
    """An unanswered question is offered to active members (approved, not suspended) who
    did not ask it and may see it (routing; expertise and muting are chosen by the query)."""
    return (is_active_member(user) and user.id != question.author_id
            and can_view_question(user, question))


def can_decline_offer(user: Any, offer: Any) -> bool:
    """Only the member a question was offered to (a RoutingOffer) says "Non è il mio
    campo"."""
    return _signed_in(user) and offer.user_id == user.id


def can_edit_question(user: Any, question: Question) -> bool:
    """The author (unless the thread is locked) or a moderator of its theme."""
    if can_moderate_question(user, question):
        return True
    return (
        is_active_member(user) and user.id == question.author_id and not question.is_locked
        and can_read_group_content(user, question.group)
    )


def can_edit_answer(user: Any, answer: Answer, question: Question) -> bool:
    """The author (unless the thread is locked) or a moderator of the question's theme."""
    if can_moderate_question(user, question):
        return True
    return (is_active_member(user) and user.id == answer.author_id and not question.is_locked
            and can_read_group_content(user, question.group))


def can_suggest_edit(user: Any, author_id: int, question: Question) -> bool:
    """Members with enough reputation propose edits to others' posts; a moderator decides."""
    return (
        has_privilege(user, "suggest_edit")
        and can_read_group_content(user, question.group)
        and user.id != author_id
        and not question.is_locked
        and not can_moderate_question(user, question)
    )


class EditMode(StrEnum):
    """What the edit page does for its reader: change the post, or propose a change."""

    EDIT = "edit"
    SUGGEST = "suggest"


def edit_mode(user: Any, post: Question | Answer, question: Question) -> EditMode | None:
    """Edit directly (author, moderator), suggest (enough reputation), or neither (None).

    The one place that decides: the edit pages ask it to answer 403 early, and
    `edit_or_suggest` asks it again to choose the service, which enforces its own
    predicate inside its transaction (a post locked in between is refused there)."""
    if isinstance(post, Question):
        if can_edit_question(user, post):
            return EditMode.EDIT
    elif can_edit_answer(user, post, question):
        return EditMode.EDIT
    if not post.is_hidden and not question.is_hidden and can_suggest_edit(
            user, post.author_id, question):
        return EditMode.SUGGEST
    return None


def can_accept(user: Any, question: Question) -> bool:
    """The asker (unless locked) or a moderator of the theme marks, changes or withdraws."""
    if can_moderate_question(user, question):
        return True
    return (
        is_active_member(user) and user.id == question.author_id and not question.is_locked
        and can_read_group_content(user, question.group)
    )


def can_vote(user: Any, author_id: int, value: int = 1, question: Question | None = None) -> bool:
    """Active members vote, never on their own posts nor in locked threads; down needs rep."""
    if not is_active_member(user) or user.id == author_id:
        return False
    if question is not None and (question.is_locked
                                 or not can_read_group_content(user, question.group)):
        return False
    return value >= 0 or has_privilege(user, "vote_down")


def can_post(user: Any) -> bool:
    """Active members ask, answer and comment; pending and suspended accounts only read."""
    return is_active_member(user)


def can_answer(user: Any, question: Question) -> bool:
    """Open, unlocked, visible questions take answers from active members (who can read
    them: a group's members when the group is restricted)."""
    return (
        is_active_member(user)
        and can_read_group_content(user, question.group)
        and not question.is_closed
        and not question.is_locked
        and not question.is_hidden
    )


def can_comment(user: Any, question: Question, post_author_id: int) -> bool:
    """Comment on your own posts and your question's answers; elsewhere it takes reputation."""
    if not is_active_member(user) or not can_read_group_content(user, question.group):
        return False
    if question.is_locked:
        return can_moderate_question(user, question)
    return user.id in (post_author_id, question.author_id) or has_privilege(
        user, "comment_everywhere"
    )


def can_flag(user: Any, author_id: int) -> bool:
    """Active members flag others' posts."""
    return is_active_member(user) and user.id != author_id


def can_curate_practices(user: Any) -> bool:
    """Moderators and admins curate practices (review, publish, link, edit any): a practice
    spans several themes, so a moderator's theme limits do not apply here."""
    return can_moderate(user)


def can_view_practice(user: Any, practice: Practice) -> bool:
    """Published practices are public; drafts only for their author and the curators."""
    if practice.is_public:
        return True
    if not _signed_in(user):
        return False
    return can_curate_practices(user) or practice.created_by_id == user.id


def can_edit_practice(user: Any, practice: Practice) -> bool:
    """Curators edit anything; authors edit their own drafts and records under review."""
    if not is_active_member(user):
        return False
    if can_curate_practices(user):
        return True
    return practice.created_by_id == user.id and practice.status in (
        PracticeStatus.DRAFT, PracticeStatus.IN_REVIEW)


def can_move_practice(user: Any, practice: Practice, to: str) -> bool:
    """The workflow table says who may make each move: the author (or a curator), a
    curator, or only an admin (bringing an archived record back)."""
    rule = PRACTICE_WORKFLOW.get((practice.status, to))
    if rule is None or not is_active_member(user):
        return False
    if rule == "admin":
        return is_admin(user)
    if rule == "moderator":
        return can_curate_practices(user)
    return can_curate_practices(user) or practice.created_by_id == user.id


def practice_moves(user: Any, practice: Practice) -> list[str]:
    """The statuses this reader may move the practice to, in workflow order."""
    return [to for (frm, to) in PRACTICE_WORKFLOW
            if frm == practice.status and can_move_practice(user, practice, to)]


def can_suspend(actor: Any, user: User) -> bool:
    """Admins suspend anyone but admins; moderators suspend members; nobody themself."""
    if not _signed_in(actor) or user.id == actor.id or user.role == Role.ADMIN:
        return False
    return is_admin(actor) or (can_moderate(actor) and user.role == Role.MEMBER)


def can_review_accounts(user: Any) -> bool:
    """Moderators (of any theme) and admins approve or reject new accounts."""
    return can_moderate(user)


def can_roll_back(user: Any, kind: str, post: Any, question: Question | None) -> bool:
    """Whoever may edit a post now may restore one of its versions."""
    if kind == "question":
        return can_edit_question(user, post)
    if kind == "answer":
        return question is not None and can_edit_answer(user, post, question)
    return can_edit_practice(user, post)


# -- private conversations (forum/conversations) ----------------------------------------------

def may_receive_messages(user: User) -> bool:
    """Approved, not suspended, and open to contact (the switch on the profile form)."""
    return (not user.is_pending and not user.is_suspended and bool(user.open_to_contact))


def can_contact(viewer: Any, user: User, blocked: Collection[int] = ()) -> bool:
    """An active member may start a conversation with another member who receives
    messages, unless either blocked the other (`blocked`: ids blocked by the viewer or
    blocking the viewer, loaded by the caller)."""
    return (is_active_member(viewer) and viewer.id != user.id
            and may_receive_messages(user) and user.id not in blocked)


def can_read_conversation(user: Any, member: Any) -> bool:
    """Only its participants (a ConversationMember row of `user`) who have not left read a
    conversation; moderators included: they read reported messages only."""
    return (_signed_in(user) and member is not None and member.user_id == user.id
            and member.left_at is None)


def can_write_message(user: Any, member: Any, blocked: bool = False) -> bool:
    """Participants who may write (active members) reply, unless a block stands between
    them and another participant (`blocked`, worked out by the caller)."""
    return can_read_conversation(user, member) and is_active_member(user) and not blocked


def can_report_message(user: Any, member: Any, author_id: int | None) -> bool:
    """A participant reports someone else's message to the moderators."""
    return can_read_conversation(user, member) and author_id != user.id


def can_review_message_reports(user: Any) -> bool:
    """Moderators and admins open reported messages (each reading is written in the audit
    log) and close the reports; no one else reads a conversation they are not in."""
    return can_moderate(user)


# -- events and training (forum/events) -----------------------------------------------------------

def can_organise(user: Any) -> bool:
    """Moderators, admins and members given the organiser role create events and paths."""
    return is_active_member(user) and (user.is_moderator or bool(user.is_organiser))


def is_event_organiser(user: Any, event: Any, organiser_ids: Collection[int] = ()) -> bool:
    """The event's creator or a co-organiser (`organiser_ids`, loaded by the caller), or an
    admin; they edit the event, see registrants, mark attendance."""
    if not is_active_member(user):
        return False
    return is_admin(user) or user.id == event.created_by_id or user.id in organiser_ids


def can_view_event(user: Any, event: Any, organiser_ids: Collection[int] = ()) -> bool:
    """Published, ended and cancelled events are public (a group's event follows the
    group); drafts only for their organisers."""
    if event.group is not None and not can_read_group_content(user, event.group):
        return False
    if event.status != "bozza":
        return True
    return is_event_organiser(user, event, organiser_ids)


def can_register(user: Any, event: Any) -> bool:
    """Active members register to a published event that takes registrations here, before
    it starts and its deadline; capacity is the service's business."""
    from forum.models.base import utcnow

    if not is_active_member(user) or event.status != "pubblicato":
        return False
    if not event.registration_required or event.registration_url:
        return False
    now = utcnow()
    if event.starts_at <= now:
        return False
    return event.registration_deadline is None or now <= event.registration_deadline


def can_manage_path(user: Any, path: Any) -> bool:
    """Who composed a training path (still an organiser), or an admin, edits it and sees
    its members' progress."""
    return is_admin(user) or (can_organise(user) and path.created_by_id == user.id)


def _has_ended(event: Any) -> bool:
    return str(event.shown_status) == "concluso"


def can_get_certificate(user: Any, event: Any, registration: Any) -> bool:
    """The attendance certificate is for whoever was marked present (`registration` is
    theirs), once the event has ended; a suspension does not take a past attendance away."""
    return (bool(getattr(user, "is_authenticated", False)) and registration is not None
            and registration.user_id == user.id and registration.attended_at is not None
            and _has_ended(event))


def can_give_feedback(user: Any, event: Any, registration: Any) -> bool:
    """After the event, active members who held a confirmed seat (or were marked present)
    rate it, once (a second rating replaces theirs)."""
    if not is_active_member(user) or registration is None or registration.user_id != user.id:
        return False
    return _has_ended(event) and (registration.status == "confirmed"
                                  or registration.attended_at is not None)

TEMPLATE_PREDICATES = {
    "can_edit_practice": can_edit_practice,
    "can_view_practice": can_view_practice,
    "can_see_field": can_see_field,
    "can_use_directory": can_use_directory,
    "can_curate_practices": can_curate_practices,
    "can_suspend": can_suspend,
    "can_edit_question": can_edit_question,
    "can_edit_answer": can_edit_answer,
    "can_suggest_edit": can_suggest_edit,
    "can_accept": can_accept,
    "can_vote": can_vote,
    "can_post": can_post,
    "can_answer": can_answer,
    "can_comment": can_comment,
    "can_flag": can_flag,
    "can_follow": can_follow,
    "can_moderate": can_moderate,
    "can_moderate_question": can_moderate_question,
    "can_view_hidden": can_view_hidden,
    "has_privilege": has_privilege,
    "is_admin": is_admin,
    "privilege_threshold": privilege_threshold,
    "can_contact": can_contact,
    "can_review_message_reports": can_review_message_reports,
    "can_write_message": can_write_message,
    "can_join_group": can_join_group,
    "can_request_group": can_request_group,
    "can_manage_group": can_manage_group,
    "can_post_in_group": can_post_in_group,
    "can_leave_group": can_leave_group,
    "can_manage_document": can_manage_document,
    "can_request_publication": can_request_publication,
    "can_consent_publication": can_consent_publication,
    "is_group_member": is_group_member,
    "can_create_group": can_create_group,
    "can_organise": can_organise,
    "is_event_organiser": is_event_organiser,
    "can_view_event": can_view_event,
    "can_register": can_register,
    "can_manage_path": can_manage_path,
    "can_get_certificate": can_get_certificate,
    "can_give_feedback": can_give_feedback,
}
