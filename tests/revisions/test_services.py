"""Revision histories and rollbacks, without HTTP."""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup
from sqlalchemy import func, select

from forum.answers.services import edit_answer
from forum.errors import Conflict, NotAllowed, NotFound
from forum.extensions import db
from forum.models import (
    AuditEntry,
    Notification,
    Revision,
    RevisionKind,
    Theme,
)
from forum.models.base import utcnow
from forum.practices.services import edit_practice
from forum.questions.services import edit_question
from forum.revisions import queries
from forum.revisions.diff import diff_html, tokenize
from forum.revisions.services import roll_back
from tests.factories import make_answer, make_practice, make_question, make_user, practice_data

ORIGINAL = "Il nido comunale apre alle sette e chiude alle diciotto ogni giorno."
CHANGED = "Il nido comunale apre alle otto e chiude alle diciotto ogni giorno feriale."


def marked(html: str, tag: str) -> list[str]:
    """The visible text inside each `<ins>` or `<del>` of a diff."""
    inner = re.findall(rf"<{tag} [^>]*>(.*?)</{tag}>", str(html), re.S)
    return [re.sub(r'<span class="visually-hidden">.*?</span>', "", part) for part in inner]


def _edit_body(editor, question, body: str):  # type: ignore[no-untyped-def]
    return edit_question(editor, question.id, title=question.title, body=body,
                         theme_slug="servizi-educativi-0-6", tags="nido, tariffe")


def roll_back_q(actor, question_id, revision_id, **kw):  # type: ignore[no-untyped-def]
    return roll_back(actor, RevisionKind.QUESTION, question_id, revision_id, **kw)


def roll_back_a(actor, answer_id, revision_id, **kw):  # type: ignore[no-untyped-def]
    return roll_back(actor, RevisionKind.ANSWER, answer_id, revision_id, **kw)


def roll_back_p(actor, slug, revision_id, **kw):  # type: ignore[no-untyped-def]
    return roll_back(actor, RevisionKind.PRACTICE, slug, revision_id, **kw)


def _revisions(question_id: int) -> list[Revision]:
    return list(db.session.execute(
        select(Revision).where(Revision.content_type == RevisionKind.QUESTION,
                               Revision.content_id == question_id)
        .order_by(Revision.id)
    ).scalars())


@pytest.fixture
def edited(app):  # type: ignore[no-untyped-def]
    """A question whose body was edited once by its author: one revision, two versions."""
    author = make_user()
    question = make_question(author, body=ORIGINAL)
    _edit_body(author, question, CHANGED)
    return author, question, _revisions(question.id)[0]


def test_tokens_join_back_to_the_text():
    text = "Tariffe ISEE: 1.200 €/anno,\n\n- fascia *A*\t(ridotta)"
    assert "".join(tokenize(text)) == text


def test_diff_marks_removed_and_inserted_words(app):
    html = diff_html(ORIGINAL, CHANGED)
    assert isinstance(html, Markup)
    assert marked(html, "del") == ["sette"]
    assert marked(html, "ins") == ["otto", " feriale"]
    assert '<span class="visually-hidden">[rimosso: </span>' in html
    assert "Il nido comunale apre alle " in html  # unchanged words are plain


def test_diff_escapes_hostile_content(app):
    html = str(diff_html("Testo innocuo.", 'Testo <script>alert(1)</script> e <b onclick="x">'))
    assert "<script>" not in html and "<b " not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b onclick=&#34;x&#34;&gt;" in html


def test_diff_of_identical_texts_marks_nothing(app):
    html = diff_html("Uguale\n\nriga due", "Uguale\n\nriga due")
    assert "<ins" not in html and "<del" not in html


def test_history_lists_versions_newest_first_with_editor_and_diff(edited):
    author, question, revision = edited
    history = queries.history(RevisionKind.QUESTION, question.id, None)
    assert [v.number for v in history.versions] == [2, 1]
    current, original = history.versions
    assert current.is_current and current.revision_id is None
    assert original.revision_id == revision.id and original.editor.id == author.id
    assert [c.name for c in current.changes] == ["body"]
    assert marked(current.changes[0].html, "ins") == ["otto", " feriale"]


def test_author_rolls_back_own_question_as_a_new_revision(edited):
    author, question, revision = edited
    roll_back_q(author, question.id, revision.id)
    db.session.expire_all()
    assert question.body == ORIGINAL
    assert ORIGINAL in question.body_html
    revisions = _revisions(question.id)
    assert len(revisions) == 2 and revisions[-1].snapshot["body"] == CHANGED
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_rollback_restores_title_tags_and_theme(app):
    author = make_user()
    question = make_question(author, title="Titolo originale della domanda", tags="nido")
    other_theme = db.session.scalar(
        select(Theme.slug).where(Theme.id != question.theme_id).limit(1))
    edit_question(author, question.id, title="Titolo cambiato della domanda", body=question.body,
                  theme_slug=other_theme, tags="tariffe, isee")
    roll_back_q(author, question.id, _revisions(question.id)[0].id)
    db.session.expire_all()
    theme = db.session.get(Theme, question.theme_id)
    assert question.title == "Titolo originale della domanda"
    assert theme.slug == "servizi-educativi-0-6"
    history = queries.history(RevisionKind.QUESTION, question.id, None)
    assert [t.name for t in history.post.tags] == ["nido"]


def test_rollback_by_other_member_is_forbidden(edited):
    _author, question, revision = edited
    with pytest.raises(NotAllowed):
        roll_back_q(make_user(), question.id, revision.id)


def test_rollback_in_locked_thread_is_forbidden_to_the_author(edited):
    author, question, revision = edited
    question.locked_at = utcnow()
    db.session.commit()
    with pytest.raises(NotAllowed):
        roll_back_q(author, question.id, revision.id)


def test_rollback_by_moderator_of_another_theme_is_forbidden(edited):
    _author, question, revision = edited
    moderator = make_user("moderator")
    other = db.session.scalar(select(Theme.id).where(Theme.id != question.theme_id).limit(1))
    moderator.moderated_theme_ids = str(other)
    db.session.commit()
    with pytest.raises(NotAllowed):
        roll_back_q(moderator, question.id, revision.id)


def test_rollback_by_moderator_of_the_theme_is_audited_and_notified(app, edited):
    author, question, revision = edited
    moderator = make_user("moderator")
    moderator.moderated_theme_ids = str(question.theme_id)
    db.session.commit()
    with app.test_request_context():
        roll_back_q(moderator, question.id, revision.id, reason="  Vandalismo  ")
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "rollback")
    ).scalar_one()
    assert (entry.actor_id, entry.target_type, entry.target_id) == (
        moderator.id, "question", question.id)
    assert entry.reason == "Vandalismo" and entry.details == {"revision": revision.id}
    note = db.session.execute(select(Notification)).scalar_one()
    assert note.user_id == author.id and note.kind == "post_rolled_back"
    assert note.link == f"/domande/{question.id}/revisioni"
    db.session.expire_all()
    assert question.body == ORIGINAL


def test_refused_rollback_leaves_no_audit_row(app, edited):
    _author, question, revision = edited
    moderator = make_user("moderator")
    with app.test_request_context():
        roll_back_q(moderator, question.id, revision.id)
        with pytest.raises(Conflict):
            roll_back_q(moderator, question.id, revision.id)
    assert db.session.scalar(
        select(func.count(AuditEntry.id)).where(AuditEntry.action == "rollback")) == 1
    assert db.session.scalar(select(func.count(Notification.id))) == 1


def test_unknown_revision_is_not_found(edited):
    author, question, _revision = edited
    with pytest.raises(NotFound):
        roll_back_q(author, question.id, 424242)


def test_revision_of_another_question_is_not_found(edited):
    author, question, _revision = edited
    other = make_question(author)
    _edit_body(author, other, "Un altro testo per un'altra domanda, abbastanza lungo.")
    with pytest.raises(NotFound):
        roll_back_q(author, question.id, _revisions(other.id)[0].id)


def test_rollback_to_a_version_identical_to_the_current_is_a_conflict(edited):
    author, question, revision = edited
    _edit_body(author, question, ORIGINAL)
    with pytest.raises(Conflict):
        roll_back_q(author, question.id, revision.id)
    assert len(_revisions(question.id)) == 2


def test_hidden_question_history_is_for_author_and_moderators(edited):
    author, question, _revision = edited
    question.hidden_at = utcnow()
    db.session.commit()
    with pytest.raises(NotFound):
        queries.history(RevisionKind.QUESTION, question.id, make_user())
    with pytest.raises(NotFound):
        queries.history(RevisionKind.QUESTION, question.id, None)
    assert queries.history(RevisionKind.QUESTION, question.id, author).post.id == question.id
    moderator = make_user("moderator")
    assert queries.history(RevisionKind.QUESTION, question.id, moderator).post.id == question.id


def test_author_rolls_back_an_answer(app):
    author = make_user()
    question = make_question()
    answer = make_answer(question, author, body=ORIGINAL)
    edit_answer(author, answer.id, body=CHANGED)
    revision = db.session.execute(
        select(Revision).where(Revision.content_type == RevisionKind.ANSWER,
                               Revision.content_id == answer.id)
    ).scalar_one()
    with pytest.raises(NotAllowed):
        roll_back_a(make_user(), answer.id, revision.id)
    roll_back_a(author, answer.id, revision.id)
    db.session.expire_all()
    assert answer.body == ORIGINAL
    history = queries.history(RevisionKind.ANSWER, answer.id, None)
    assert [v.number for v in history.versions] == [3, 2, 1]
    assert marked(history.versions[0].changes[0].html, "ins") == ["sette"]


def test_rollback_of_a_practice_restores_fields_and_keeps_status(app):
    author = make_user()
    practice = make_practice(author, status="bozza")
    edit_practice(author, practice.id, practice_data(
        title="Titolo nuovo della pratica di prova", results="Risultati rivisti."))
    revision = db.session.execute(
        select(Revision).where(Revision.content_type == RevisionKind.PRACTICE,
                               Revision.content_id == practice.id)
    ).scalar_one()
    history = queries.history(RevisionKind.PRACTICE, practice.slug, author)
    assert {c.name for c in history.versions[0].changes} >= {"title", "results"}
    roll_back_p(author, practice.slug, revision.id)
    db.session.expire_all()
    assert practice.title == revision.snapshot["title"]
    assert practice.status == "bozza"
    assert db.session.scalar(select(func.count(Revision.id)).where(
        Revision.content_type == RevisionKind.PRACTICE)) == 2
    with pytest.raises(Conflict):
        roll_back_p(author, practice.slug, revision.id)
