"""Pure permission predicates, shared by services, views and templates: the one home of
every rule on who may do what. The basics, working groups and events live in submodules
(`base`, `groups`, `events`) re-exported here, so callers keep `permissions.can_x`.

Thresholds for reputation privileges come from the configuration (`PRIVILEGE_*`), so the
help page, the services and the buttons on a page always agree.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from typing import Any

from forum.models import (
    PRACTICE_WORKFLOW,
    Answer,
    Practice,
    PracticeStatus,
    Question,
    Role,
    User,
)
from forum.permissions.accessibility import (
    can_handle_accessibility_reports,
)
from forum.permissions.base import (
    PRIVILEGES,
    _signed_in,
    can_follow,
    can_moderate,
    can_post,
    can_see_field,
    can_use_directory,
    can_view_profile,
    has_privilege,
    is_active_member,
    is_admin,
    is_member_viewer,
    privilege_threshold,
)
from forum.permissions.events import (
    _has_ended,
    can_get_certificate,
    can_give_feedback,
    can_manage_path,
    can_organise,
    can_register,
    can_view_event,
    is_event_organiser,
    public_events,
)
from forum.permissions.groups import (
    can_create_group,
    can_join_group,
    can_leave_group,
    can_manage_document,
    can_manage_group,
    can_post_in_group,
    can_read_group_content,
    can_read_group_documents,
    can_request_group,
    can_request_publication,
    can_see_group,
    forget_group_roles,
    group_readers,
    group_roles,
    is_facilitator,
    is_group_member,
    public_questions,
    readable_group_ids,
    visible_questions,
)
from forum.permissions.knowledge import (
    can_assess,
    can_comment_guideline,
    can_edit_guideline,
    can_manage_announcements,
    can_propose_guideline,
    can_send_newsletter,
    can_view_assessment,
    can_view_assessment_aggregates,
    can_view_dashboard,
    can_view_guideline,
    can_write_guidelines,
    consultation_open,
    is_board,
    is_guideline_owner,
    same_organisation,
)
from forum.permissions.platform import can_create_token, can_revoke_token, token_allows
from forum.permissions.privacy import (
    can_cancel_deletion,
    can_download_export,
    can_edit_privacy_notice,
    can_request_privacy,
    can_review_privacy_requests,
)


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


def can_consent_publication(user: Any, question: Question) -> bool:
    """The asker agrees (or not) to the publication a facilitator proposed."""
    return (question.publication_requested_at is not None
            and question.published_copy_id is None and is_active_member(user)
            and user.id == question.author_id and can_view_question(user, question))


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


def can_redact(user: Any, question: Question) -> bool:
    """Moderators of a thread may redact personal data from its question, answers and
    comments (private messages are never visible to them, so never redacted)."""
    return can_moderate_question(user, question)


def can_see_redacted(user: Any) -> bool:
    """Only admins see the versions a redaction hid (to audit it or undo a mistake)."""
    return is_admin(user)


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


TEMPLATE_PREDICATES = {
    "can_handle_accessibility_reports": can_handle_accessibility_reports,
    "can_cancel_deletion": can_cancel_deletion,
    "can_review_privacy_requests": can_review_privacy_requests,
    "can_redact": can_redact,
    "can_see_redacted": can_see_redacted,
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
    "can_assess": can_assess,
    "can_comment_guideline": can_comment_guideline,
    "can_edit_guideline": can_edit_guideline,
    "can_manage_announcements": can_manage_announcements,
    "can_propose_guideline": can_propose_guideline,
    "can_send_newsletter": can_send_newsletter,
    "can_view_assessment": can_view_assessment,
    "can_view_assessment_aggregates": can_view_assessment_aggregates,
    "can_view_dashboard": can_view_dashboard,
    "can_view_guideline": can_view_guideline,
    "can_write_guidelines": can_write_guidelines,
    "consultation_open": consultation_open,
    "is_board": is_board,
    "is_guideline_owner": is_guideline_owner,
}

__all__ = [
    "can_create_token",
    "can_revoke_token",
    "token_allows",
    "can_handle_accessibility_reports",
    "can_cancel_deletion",
    "can_download_export",
    "can_edit_privacy_notice",
    "can_request_privacy",
    "can_review_privacy_requests",
    "can_assess",
    "can_comment_guideline",
    "can_edit_guideline",
    "can_manage_announcements",
    "can_propose_guideline",
    "can_send_newsletter",
    "can_view_assessment",
    "can_view_assessment_aggregates",
    "can_view_dashboard",
    "can_view_guideline",
    "can_write_guidelines",
    "consultation_open",
    "is_board",
    "is_guideline_owner",
    "same_organisation",
    "_has_ended",
    "_signed_in",
    "can_create_group",
    "can_follow",
    "can_get_certificate",
    "can_give_feedback",
    "can_join_group",
    "can_leave_group",
    "can_manage_document",
    "can_manage_group",
    "can_manage_path",
    "can_moderate",
    "can_organise",
    "can_post",
    "can_post_in_group",
    "can_read_group_content",
    "can_read_group_documents",
    "can_register",
    "can_request_group",
    "can_request_publication",
    "can_see_field",
    "can_see_group",
    "can_use_directory",
    "can_view_event",
    "can_view_profile",
    "forget_group_roles",
    "group_readers",
    "group_roles",
    "has_privilege",
    "is_active_member",
    "is_admin",
    "is_event_organiser",
    "is_facilitator",
    "is_group_member",
    "is_member_viewer",
    "privilege_threshold",
    "PRIVILEGES",
    "public_events",
    "can_redact",
    "can_see_redacted",
    "public_questions",
    "readable_group_ids",
    "visible_questions",
]
