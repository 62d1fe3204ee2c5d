"""Every service that changes a searchable field or a document's stamp reaches the index
(bulk UPDATEs included: counters, activity times, scores), so `flask search check` stays
clean without a reindex; and `flask search sync` repairs whatever `check` reports."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from forum.answers.services import accept_answer, edit_answer, withdraw_acceptance
from forum.comments.services import post_comment
from forum.extensions import db
from forum.models import Question, RevisionKind, User
from forum.moderation.services import hide_post, restore_post
from forum.moderation.threads import close_question, lock_question, reopen_question, unlock_question
from forum.practices.links import pin_practice, record_replication
from forum.practices.services import change_status, edit_practice
from forum.questions.services import edit_question
from forum.revisions.services import roll_back
from forum.users.services import ProfileChange, update_profile
from forum.votes.services import cast_vote
from tests.factories import make_answer, make_practice, make_question, make_user, practice_data


@pytest.fixture
def app_overrides(tmp_path) -> dict:
    """Inline sync into an index in this test's folder."""
    return {"SEARCH_SYNC": "inline", "SEARCH_INDEX_PATH": str(tmp_path / "index")}


def _check(runner) -> str:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_comment_leaves_the_index_current(app, runner):
    question = make_question()
    post_comment(make_user(), question.id, body="Un commento che cambia l'attività.")
    _check(runner)


def test_every_write_service_leaves_check_clean(app, runner):
    asker, other, moderator = make_user(), make_user(), make_user("moderator")
    question = make_question(asker, title="Come organizzare il centro per le famiglie?")
    answer = make_answer(question, other)
    steps = [
        lambda: post_comment(other, question.id, body="Commento sulla domanda."),
        lambda: post_comment(asker, question.id, body="Commento sulla risposta.",
                             answer_id=answer.id),
        lambda: cast_vote(other, "question", question.id, 1),
        lambda: cast_vote(asker, "answer", answer.id, 1),
        lambda: cast_vote(other, "question", question.id, 0),
        lambda: edit_question(asker, question.id, title="Come organizzare il centro famiglie?",
                              body="Testo rivisto della domanda sul centro.",
                              theme_slug="servizi-educativi-0-6"),
        lambda: edit_answer(other, answer.id, body="Risposta rivista con più dettagli utili."),
        lambda: roll_back(other, RevisionKind.ANSWER, answer.id,
                          _first_revision(answer.id)),
        lambda: accept_answer(asker, answer.id),
        lambda: withdraw_acceptance(asker, question.id),
        lambda: accept_answer(asker, answer.id),
        lambda: hide_post(moderator, "answer", answer.id, reason="Contenuto da verificare"),
        lambda: restore_post(moderator, "answer", answer.id),
        lambda: close_question(moderator, question.id, reason="unclear"),
        lambda: reopen_question(moderator, question.id),
        lambda: lock_question(moderator, question.id, reason="Discussione accesa"),
        lambda: unlock_question(moderator, question.id),
        lambda: hide_post(moderator, "question", question.id, reason="Da rivedere"),
        lambda: restore_post(moderator, "question", question.id),
        lambda: make_answer(question, moderator),
        lambda: update_profile(db.session.get(User, asker.id), ProfileChange(
            display_name="Asker", organisation="Comune di Prova", organisation_type="comune",
            region_code="12")),
    ]
    for number, step in enumerate(steps):
        step()
        db.session.expire_all()
        assert runner.invoke(args=["search", "check"]).exit_code == 0, f"after step {number}"


def test_practice_services_leave_check_clean(app, runner):
    author, moderator = make_user(), make_user("moderator")
    practice = make_practice(author, title="Sportello unico per le famiglie in ambito")
    question = make_question()
    steps = [
        lambda: edit_practice(moderator, practice.id,
                              practice_data(title="Sportello unico famiglie d'ambito")),
        lambda: record_replication(make_user(organisation="Comune di Altrove"), practice.id),
        lambda: pin_practice(moderator, question.id, practice.slug),
        lambda: change_status(moderator, practice.id, "archiviata"),
    ]
    for number, step in enumerate(steps):
        step()
        db.session.expire_all()
        assert runner.invoke(args=["search", "check"]).exit_code == 0, f"after step {number}"


def _first_revision(answer_id: int) -> int:
    from sqlalchemy import select

    from forum.models import Revision

    return db.session.scalar(select(Revision.id).where(
        Revision.content_type == RevisionKind.ANSWER,
        Revision.content_id == answer_id).order_by(Revision.id))


def test_sync_repairs_what_check_reports(app, runner):
    question = make_question()
    make_question(title="Un'altra domanda che resta allineata")
    # a change made behind the app's back (another tool, a restore): only the stamp knows
    with db.engine.begin() as conn:
        conn.execute(update(Question).where(Question.id == question.id).values(score=7))
    drift = runner.invoke(args=["search", "check"])
    assert drift.exit_code == 1 and f"question:{question.id}" in drift.output
    from forum.search import service

    service.get_index().apply([], [f"question:{question.id}"])  # and one lost entirely
    repaired = runner.invoke(args=["search", "sync"])
    assert repaired.exit_code == 0, repaired.output
    assert "riallineati: 1" in repaired.output
    assert "Indice allineato" in _check(runner)
