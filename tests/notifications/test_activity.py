"""Who is notified of what: followers by level, replies, mentions, acceptance; never the
actor, the muted, a refused sign-up, or someone who cannot see the thread."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from forum.answers.services import accept_answer, withdraw_acceptance
from forum.extensions import db
from forum.models import Follow, FollowTarget, Level, Notification, Tag, Theme
from forum.moderation.services import hide_post
from forum.notifications.follows import level_of, set_level
from tests.factories import make_answer, make_comment, make_question, make_user


def kinds(user) -> list[str]:  # type: ignore[no-untyped-def]
    """The kinds of the member's notifications, oldest first."""
    db.session.commit()
    return list(db.session.scalars(select(Notification.kind).where(
        Notification.user_id == user.id).order_by(Notification.id)))


def test_the_asker_hears_of_each_answer_and_the_answerer_not_of_their_own(app):
    asker, answerer = make_user(), make_user()
    question = make_question(asker)
    make_answer(question, answerer)
    assert kinds(asker) == ["new_answer"]
    assert kinds(answerer) == []
    note = db.session.scalars(select(Notification).where(Notification.user_id == asker.id)).one()
    assert note.params["actor"] == answerer.display_name
    assert note.params["title"] == question.title
    assert note.link.startswith(f"/domande/{question.id}#risposta-")


def test_answering_tracks_the_thread_commenting_on_it_does_not_reach_trackers(app):
    asker, first, second = make_user(), make_user(), make_user()
    question = make_question(asker)
    make_answer(question, first)
    assert level_of(first, FollowTarget.QUESTION, question.id) == Level.TRACKING
    make_answer(question, second)
    assert kinds(first) == ["new_answer"]
    make_comment(question, second, body="Un commento sulla domanda.")
    assert kinds(first) == ["new_answer"]  # tracking: answers, not every comment
    assert kinds(asker) == ["new_answer", "new_answer", "new_comment"]  # watching: all


def test_a_reply_to_a_comment_tells_its_author_once_as_a_reply(app):
    asker, commenter, replier = make_user(), make_user(), make_user()
    question = make_question(asker)
    parent = make_comment(question, commenter, body="Avete dati sul 2024?")
    make_comment(question, replier, body="Sì, li pubblichiamo a marzo.", parent_id=parent.id)
    assert kinds(commenter) == ["comment_reply"]
    assert kinds(asker) == ["new_comment", "new_comment"]


def test_mentions_notify_the_named_members_only(app):
    asker, named, other = make_user(), make_user(username="giulia.ferraris"), make_user()
    question = make_question(asker)
    make_answer(question, other, body=(
        "Come ha spiegato @Giulia.Ferraris, serve un regolamento. Scrivete a "
        "uffici@comune.example; `@utente1` nel codice non conta, @sconosciuto.xyz nemmeno."))
    assert kinds(named) == ["mention"]
    assert kinds(asker) == ["new_answer"]  # mentioned or not, a watcher hears once


def test_a_mention_of_someone_who_cannot_see_the_thread_does_not_notify(app):
    asker, moderator, named = make_user(), make_user("moderator"), make_user()
    question = make_question(asker)
    hide_post(moderator, "question", question.id, reason="Dati personali da togliere.")
    make_comment(question, moderator, body=f"@{named.username} guarda qui, per favore.")
    assert kinds(named) == []
    assert "new_comment" in kinds(asker)  # the author still sees their hidden question


def test_a_muted_thread_is_silent_and_a_chosen_level_is_never_raised_again(app):
    asker, member, other = make_user(), make_user(), make_user()
    question = make_question(asker)
    set_level(asker, FollowTarget.QUESTION, question.id, "muted")
    set_level(member, FollowTarget.QUESTION, question.id, "normal")
    make_answer(question, member)  # answering would track; the member chose "normal"
    make_answer(question, other)
    assert kinds(asker) == [] and kinds(member) == []
    assert level_of(member, FollowTarget.QUESTION, question.id) == Level.NORMAL


@pytest.mark.parametrize("target", ["theme", "tag", "member"])
def test_watching_a_theme_a_tag_or_a_colleague_tells_of_their_new_questions(app, target):
    watcher, author = make_user(), make_user()
    theme = db.session.scalar(select(Theme).where(Theme.slug == "servizi-educativi-0-6"))
    make_question(author, tags="nido")  # creates the tag
    tag = db.session.scalar(select(Tag).where(Tag.name == "nido"))
    ids = {"theme": theme.id, "tag": tag.id, "member": author.id}
    set_level(watcher, FollowTarget(target), ids[target], "watching")
    question = make_question(author, tags="nido")
    make_question(author, theme_slug="sostegno-economico", tags="assegno") if target == "tag" \
        else None
    assert kinds(watcher) == ["new_question"]
    note = db.session.scalars(select(Notification).where(
        Notification.user_id == watcher.id)).one()
    assert note.subject_id == question.id


def test_acceptance_tells_the_answerer_and_a_moderator_s_choice_tells_the_asker(app):
    asker, answerer, moderator = make_user(), make_user(), make_user("moderator")
    question = make_question(asker)
    answer = make_answer(question, answerer)
    accept_answer(asker, answer.id)
    assert kinds(answerer) == ["answer_accepted"]
    withdraw_acceptance(moderator, question.id)
    assert kinds(answerer) == ["answer_accepted", "answer_unaccepted"]
    assert kinds(asker)[-1] == "solution_changed"


def test_a_refused_sign_up_is_never_notified(app):
    asker = make_user()
    question = make_question(asker)
    asker.status = "rejected"
    db.session.commit()
    make_answer(question)
    assert kinds(asker) == []


def test_24_concurrent_level_changes_by_one_member_leave_one_follow(app):
    member_id, question_id = make_user().id, make_question().id
    barrier = threading.Barrier(24)
    errors: list[BaseException] = []

    def choose(n: int) -> None:
        with app.app_context():
            try:
                from forum.models import User

                barrier.wait(10)  # before any query: the pool has fewer than 24 connections
                user = db.session.get(User, member_id)
                set_level(user, FollowTarget.QUESTION, question_id,
                          ("watching", "muted", "tracking")[n % 3])
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=choose, args=(n,)) for n in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Follow).where(
        Follow.user_id == member_id, Follow.target_id == question_id)) == 1


def test_a_thread_with_many_watchers_notifies_each_once_in_one_job(app):
    asker = make_user()
    question = make_question(asker)
    watchers = [make_user() for _ in range(30)]
    for watcher in watchers:
        set_level(watcher, FollowTarget.QUESTION, question.id, "watching")
    make_answer(question)
    db.session.commit()
    counted = dict(db.session.execute(select(Notification.user_id, func.count()).where(
        Notification.kind == "new_answer").group_by(Notification.user_id)).all())
    assert counted == {user.id: 1 for user in [asker, *watchers]}


def test_a_rolled_back_answer_leaves_no_notification(app):
    from forum.database import write_intent
    from forum.notifications.activity import Event, publish

    asker = make_user()
    question = make_question(asker)
    with write_intent():
        publish(Event.QUESTION_ASKED, asker.id, question=question.id)
        db.session.rollback()
    db.session.commit()
    assert kinds(asker) == []


def test_a_practice_s_author_and_followers_hear_it_is_published_cited_and_replicated(app):
    from forum.practices.links import record_replication
    from forum.practices.services import change_status
    from tests.factories import make_practice

    author, follower, curator = make_user(), make_user(), make_user("moderator")
    practice = make_practice(author, status="in-revisione", title="Sportello famiglie unico")
    change_status(curator, practice.id, "pubblicata")
    assert kinds(author) == ["practice_published"]
    set_level(follower, FollowTarget.PRACTICE, practice.id, "watching")
    question = make_question()
    make_answer(question, body=f"Vedi /buone-pratiche/{practice.slug}: da noi ha funzionato.")
    assert kinds(author)[-1] == "practice_cited" and kinds(follower) == ["practice_cited"]
    record_replication(make_user(organisation="Comune di Altrove (fittizio)"), practice.id)
    assert kinds(author)[-1] == "practice_replicated"
    assert kinds(follower) == ["practice_cited", "practice_replicated"]
    note = db.session.scalars(select(Notification).where(
        Notification.user_id == author.id, Notification.kind == "practice_replicated")).one()
    assert (note.subject_type, note.subject_id) == ("practice", practice.id)
    assert note.link == f"/buone-pratiche/{practice.slug}#replicata"
    assert note.category == "account"  # the author's own practice


def test_editing_an_answer_that_keeps_a_citation_does_not_notify_again(app):
    from forum.answers.services import edit_answer
    from tests.factories import make_practice

    author = make_user()
    practice = make_practice(author, title="Centro estivo condiviso tra comuni")
    answerer = make_user()
    answer = make_answer(make_question(), answerer,
                         body=f"Vedi /buone-pratiche/{practice.slug} per i dettagli.")
    edit_answer(answerer, answer.id,
                body=f"Vedi /buone-pratiche/{practice.slug} per tutti i dettagli.")
    assert kinds(author).count("practice_cited") == 1
