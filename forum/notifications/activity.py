"""Who hears about what: activity in threads becomes notifications, off the request path.

A service that changes a thread calls `publish(event, ...)` inside its write transaction;
that writes one "notifications.fan_out" job in the same transaction, so the notifications
exist exactly when the change does. The job finds the recipients (followers by level,
mentions, the people replied to), drops the actor, the muted, the refused and whoever
cannot see the post, and writes one notification per recipient in one transaction, the
same one that ends the job. A thread with hundreds of watchers costs the request nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum import permissions
from forum.database import write_intent
from forum.jobs import enqueue, task
from forum.models import (
    AccountStatus,
    Answer,
    Comment,
    Follow,
    FollowTarget,
    Level,
    Notification,
    Practice,
    Question,
    User,
    Visibility,
    question_tags,
)
from forum.models.base import utcnow
from forum.notifications.mailing import category_for, compose_immediate, store_notifications
from forum.notifications.mentions import mentioned_usernames

FAN_OUT = "notifications.fan_out"


class Event(StrEnum):
    """What happened (stored in the job's arguments)."""

    QUESTION_ASKED = "question_asked"
    ANSWER_POSTED = "answer_posted"
    COMMENT_POSTED = "comment_posted"
    ANSWER_ACCEPTED = "answer_accepted"
    ACCEPTANCE_WITHDRAWN = "acceptance_withdrawn"
    PRACTICE_PUBLISHED = "practice_published"
    PRACTICE_CITED = "practice_cited"
    PRACTICE_REPLICATED = "practice_replicated"


# When one event concerns a member in several ways, the most personal kind wins.
PRIORITY = ("comment_reply", "mention", "answer_accepted", "answer_unaccepted",
            "solution_changed", "new_answer", "new_comment", "new_question",
            "practice_published", "practice_cited", "practice_replicated")


def publish(event: Event, actor_id: int, **ids: int) -> None:
    """Notify about `event` once the caller's transaction commits (call it inside it)."""
    enqueue(FAN_OUT, str(event), actor_id, ids)


@dataclass
class _Plan:
    """The notifications one event produces: a kind per member, then shared details.

    The subject is a question (thread events) or a practice; `practice` is set for the
    practice events (a citation has both: the thread it was cited in, and the practice)."""

    question: Question | None
    link: str
    actor: User | None
    practice: Practice | None = None
    kinds: dict[int, str] = field(default_factory=dict)

    @property
    def subject(self) -> tuple[str, int, str, int | None]:
        """(type, id, title, author id) of what the notifications are about."""
        if self.practice is not None:
            return ("practice", self.practice.id, self.practice.title,
                    self.practice.created_by_id)
        assert self.question is not None
        return ("question", self.question.id, self.question.title, self.question.author_id)

    def visible_to(self, user: User) -> bool:
        """The recipient may see the thread (and the practice)."""
        if self.question is not None and not permissions.can_view_question(user, self.question):
            return False
        return self.practice is None or permissions.can_view_practice(user, self.practice)

    def offer(self, user_ids: Iterable[int], kind: str) -> None:
        for user_id in user_ids:
            known = self.kinds.get(user_id)
            if known is None or PRIORITY.index(kind) < PRIORITY.index(known):
                self.kinds[user_id] = kind


def _followers(session: Session, kind: FollowTarget, target_ids: Iterable[int],
               levels: Iterable[Level]) -> set[int]:
    ids = list(target_ids)
    if not ids:
        return set()
    return set(session.scalars(select(Follow.user_id).where(
        Follow.target_type == kind, Follow.target_id.in_(ids),
        Follow.level.in_([str(level) for level in levels]))))


def _mentioned(session: Session, body: str) -> set[int]:
    names = mentioned_usernames(body)
    if not names:
        return set()
    return set(session.scalars(select(User.id).where(User.username.in_(names),
                                                       User.erased_at.is_(None))))


def _shown_organisation(session: Session, user_id: int) -> list[int]:
    """The author's organisation, unless they keep it hidden (followers are members)."""
    return [org for org in session.scalars(select(User.organisation_id).where(
        User.id == user_id, User.vis_organisation != Visibility.HIDDEN)) if org is not None]


def _question_plan(session: Session, plan: _Plan, question: Question) -> None:
    tag_ids = session.scalars(select(question_tags.c.tag_id).where(
        question_tags.c.question_id == question.id)).all()
    watchers = (_followers(session, FollowTarget.THEME, [question.theme_id], [Level.WATCHING])
                | _followers(session, FollowTarget.TAG, tag_ids, [Level.WATCHING])
                | _followers(session, FollowTarget.MEMBER, [question.author_id],
                             [Level.WATCHING])
                | _followers(session, FollowTarget.ORGANISATION,
                             _shown_organisation(session, question.author_id), [Level.WATCHING])
                | _followers(session, FollowTarget.GROUP,
                             [question.group_id] if question.group_id else [],
                             [Level.WATCHING]))
    plan.offer(watchers - _followers(session, FollowTarget.THEME, [question.theme_id],
                                     [Level.MUTED]), "new_question")
    plan.offer(_mentioned(session, question.body), "mention")


def _answer_plan(session: Session, plan: _Plan, answer: Answer) -> None:
    plan.offer(_followers(session, FollowTarget.QUESTION, [answer.question_id],
                          [Level.WATCHING, Level.TRACKING]), "new_answer")
    plan.offer(_mentioned(session, answer.body), "mention")


def _comment_plan(session: Session, plan: _Plan, comment: Comment, question: Question) -> None:
    plan.offer(_followers(session, FollowTarget.QUESTION, [comment.question_id],
                          [Level.WATCHING]), "new_comment")
    if comment.answer_id is not None:
        post_author = session.scalar(select(Answer.author_id).where(
            Answer.id == comment.answer_id))
    else:
        post_author = question.author_id
    if post_author is not None:
        plan.offer([post_author], "new_comment")
    if comment.parent_id is not None:
        parent_author = session.scalar(select(Comment.author_id).where(
            Comment.id == comment.parent_id))
        if parent_author is not None:
            plan.offer([parent_author], "comment_reply")
    plan.offer(_mentioned(session, comment.body), "mention")


def _plan(session: Session, event: Event, actor_id: int, ids: dict[str, int]) -> _Plan | None:
    """The recipients of one event, or None when its post is gone or hidden (in a hidden
    thread, only those who still see it, its author and moderators, hear of it)."""
    actor = session.get(User, actor_id)
    if event == Event.QUESTION_ASKED:
        question = session.get(Question, ids["question"])
        if question is None or question.is_hidden:
            return None
        plan = _Plan(question, f"/domande/{question.id}#domanda", actor)
        _question_plan(session, plan, question)
        return plan
    if event == Event.COMMENT_POSTED:
        comment = session.get(Comment, ids["comment"])
        question = session.get(Question, comment.question_id) if comment else None
        if comment is None or question is None or comment.hidden_at:
            return None
        plan = _Plan(question, f"/domande/{question.id}#commento-{comment.id}", actor)
        _comment_plan(session, plan, comment, question)
        return plan
    if event in (Event.PRACTICE_PUBLISHED, Event.PRACTICE_REPLICATED, Event.PRACTICE_CITED):
        return _practice_plan(session, event, actor, ids)
    answer = session.get(Answer, ids["answer"])
    question = session.get(Question, answer.question_id) if answer else None
    if answer is None or question is None or answer.is_hidden:
        return None
    plan = _Plan(question, f"/domande/{question.id}#risposta-{answer.id}", actor)
    if event == Event.ANSWER_POSTED:
        _answer_plan(session, plan, answer)
    else:
        accepted = event == Event.ANSWER_ACCEPTED
        plan.offer([answer.author_id], "answer_accepted" if accepted else "answer_unaccepted")
        if actor_id != question.author_id:  # a moderator changed the asker's solution
            plan.offer([question.author_id], "solution_changed")
    return plan


def _practice_plan(session: Session, event: Event, actor: User | None,
                   ids: dict[str, int]) -> _Plan | None:
    """A practice published, cited in an answer, or replicated: its author and the members
    who follow it hear of it."""
    practice = session.get(Practice, ids["practice"])
    if practice is None:
        return None
    question = None
    link = f"/buone-pratiche/{practice.slug}"
    if event == Event.PRACTICE_CITED:
        answer = session.get(Answer, ids["answer"])
        question = session.get(Question, answer.question_id) if answer else None
        if answer is None or question is None or answer.is_hidden:
            return None
        link = f"/domande/{question.id}#risposta-{answer.id}"
    elif event == Event.PRACTICE_REPLICATED:
        link += "#replicata"
    plan = _Plan(question, link, actor, practice)
    kind = str(event)
    plan.offer(_followers(session, FollowTarget.PRACTICE, [practice.id],
                          [Level.WATCHING, Level.TRACKING]), kind)
    if practice.created_by_id is not None:
        plan.offer([practice.created_by_id], kind)
    return plan


def _deliverable(session: Session, plan: _Plan, actor_id: int) -> list[User]:
    """Recipients who may see the subject: never the actor, the muted, or a refused
    sign-up."""
    wanted = set(plan.kinds) - {actor_id}
    subject_type, subject_id, _title, _author = plan.subject
    muted_kind = FollowTarget.PRACTICE if subject_type == "practice" else FollowTarget.QUESTION
    wanted -= _followers(session, muted_kind, [subject_id], [Level.MUTED])
    if not wanted:
        return []
    # a restricted group's thread: only its members, chosen in SQL (not one check each)
    readers = permissions.group_readers(plan.question.group if plan.question else None)
    users = session.scalars(select(User).where(
        User.id.in_(wanted), User.status != AccountStatus.REJECTED, readers)).all()
    return [user for user in users if plan.visible_to(user)]


@task(FAN_OUT, batch_seconds="NOTIFICATIONS_DELAY")
def fan_out(event: str, actor_id: int, ids: dict[str, Any]) -> int:
    """The job: write the event's notifications and queue their immediate e-mails;
    returns how many. Recipients and messages are worked out first; only the writes hold
    the write lock."""
    from forum.extensions import db

    with Session(db.engine) as session:
        plan = _plan(session, Event(event), actor_id, {k: int(v) for k, v in ids.items()})
        recipients = _deliverable(session, plan, actor_id) if plan is not None else []
        notes: list[Notification] = []
        if plan is not None and recipients:
            now = utcnow()
            subject_type, subject_id, title, author_id = plan.subject
            params = {"title": title, "actor": plan.actor.display_name if plan.actor else ""}
            notes = [Notification(
                user_id=user.id, kind=plan.kinds[user.id], params=params, link=plan.link,
                actor_id=actor_id, subject_type=subject_type, subject_id=subject_id,
                category=category_for(plan.kinds[user.id], own_thread=user.id == author_id),
                created_at=now) for user in recipients]
        outgoing = compose_immediate(session, notes)
        with write_intent(session):
            store_notifications(session, notes, outgoing)
    return len(notes)
