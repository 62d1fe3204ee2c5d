"""Files of questions and answers: judged and stored by the shared mechanism, listed under
the post, limited per post, kept in the revisions that listed them, restored by a
rollback; nothing stored when the post is refused."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from forum.answers.services import edit_answer, post_answer
from forum.errors import InvalidInput
from forum.extensions import db
from forum.models import PostAttachment, Question, Revision, RevisionKind
from forum.post_attachments import queries
from forum.questions.services import ask_question, edit_question
from forum.revisions.services import roll_back
from tests.factories import make_question, make_user
from tests.practices.test_uploads import PNG, pdf

QUESTION = {"title": "Come scrivere il regolamento del nido?",
            "body": "Allego la delibera del nostro comune: va bene come base?",
            "theme_slug": "servizi-educativi-0-6", "tags": "nido"}
ANSWER = "Noi abbiamo usato questo modulo, lo trovi in allegato."


def upload(name: str = "delibera.pdf", data: bytes | None = None) -> FileStorage:
    return FileStorage(io.BytesIO(pdf() if data is None else data), filename=name)


def stored_files(app) -> set[str]:
    folder = Path(app.instance_path) / "attachments"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_files_chosen_on_ask_and_answer_are_listed_under_their_post(app):
    question = ask_question(make_user(), **QUESTION,
                            uploads=[upload(), upload("schema.png", PNG), None])
    answer = post_answer(make_user(), question.id, body=ANSWER,
                         uploads=[upload("modulo.pdf")])
    listed = queries.for_posts(question.id, [answer.id])
    assert [f.filename for f in listed[("question", question.id)]] == ["delibera.pdf",
                                                                       "schema.png"]
    assert [f.filename for f in listed[("answer", answer.id)]] == ["modulo.pdf"]
    assert listed[("question", question.id)][1].mime == "image/png"
    assert len(stored_files(app)) == 3


def test_more_files_than_the_limit_are_refused_and_nothing_is_stored(app):
    app.config["POST_ATTACHMENTS_MAX"] = 2
    author = make_user()
    with pytest.raises(InvalidInput) as refused:
        ask_question(author, **QUESTION, uploads=[upload(), upload(), upload()])
    assert "al massimo 2" in refused.value.field_errors["files"][0]
    assert any("scelti di nuovo" in m for m in refused.value.field_errors["files"])
    question = ask_question(author, **QUESTION, uploads=[upload(), upload()])
    with pytest.raises(InvalidInput):  # the limit counts the files already listed
        edit_question(author, question.id, **{**QUESTION, "tags": "nido"},
                      uploads=[upload("terzo.pdf")])
    assert db.session.scalar(select(Question.id).where(Question.id != question.id)) is None
    assert len(stored_files(app)) == 2


def test_a_refused_file_or_text_keeps_nothing_and_says_to_choose_files_again(app):
    author = make_user()
    with pytest.raises(InvalidInput) as refused:
        ask_question(author, **QUESTION, uploads=[upload("finto.pdf", b"MZ\x90 eseguibile")])
    assert refused.value.field_errors["files"][-1] == (
        "Il testo è stato conservato, ma i file vanno scelti di nuovo.")
    with pytest.raises(InvalidInput) as short:
        ask_question(author, **{**QUESTION, "title": "Corto"}, uploads=[upload()])
    assert "title" in short.value.field_errors and "files" in short.value.field_errors
    with pytest.raises(InvalidInput):
        ask_question(author, **{**QUESTION, "theme_slug": "nessuno"}, uploads=[upload()])
    assert db.session.scalars(select(PostAttachment)).all() == []
    assert stored_files(app) == set()


def test_a_removed_file_stays_in_the_revision_that_listed_it_and_a_rollback_brings_it_back(
        app):
    author = make_user()
    question = ask_question(author, **QUESTION, uploads=[upload("vecchia.pdf")])
    old = db.session.scalars(select(PostAttachment)).one()
    edit_question(author, question.id, **QUESTION, remove_attachments={old.id, 999},
                  uploads=[upload("nuova.pdf")])
    assert [f.filename for f in queries.listed_on(question_id=question.id)] == ["nuova.pdf"]
    revision = db.session.scalars(select(Revision)).one()
    assert [f["filename"] for f in revision.snapshot["attachments"]] == ["vecchia.pdf"]
    db.session.refresh(old)
    assert old.is_removed and old.stored_name in stored_files(app)  # still downloadable
    roll_back(author, RevisionKind.QUESTION, question.id, revision.id)
    assert [f.filename for f in queries.listed_on(question_id=question.id)] == ["vecchia.pdf"]


def test_answers_keep_their_files_through_edits(app):
    question = make_question()
    author = make_user()
    answer = post_answer(author, question.id, body=ANSWER, uploads=[upload("a.pdf")])
    first = queries.listed_on(answer_id=answer.id)[0]
    edit_answer(author, answer.id, body=ANSWER + " Aggiornato.", remove_attachments=[first.id])
    assert queries.listed_on(answer_id=answer.id) == []
    revision = db.session.scalars(select(Revision)).one()
    roll_back(author, RevisionKind.ANSWER, answer.id, revision.id)
    assert [f.id for f in queries.listed_on(answer_id=answer.id)] == [first.id]


def test_another_posts_file_ids_are_ignored_on_removal(app):
    author = make_user()
    mine = ask_question(author, **QUESTION, uploads=[upload("mio.pdf")])
    other = ask_question(make_user(), **QUESTION, uploads=[upload("altrui.pdf")])
    theirs = queries.listed_on(question_id=other.id)[0]
    edit_question(author, mine.id, **QUESTION, remove_attachments=[theirs.id])
    assert queries.listed_on(question_id=other.id) == [theirs]
