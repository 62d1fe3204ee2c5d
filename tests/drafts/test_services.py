"""Drafts: one per member and form (and question, for answers), replaced on every save,
limited like the post, dropped on publication or discard, private to their member,
exported with their data and erased with their account; 24 saves at once leave one row."""

from __future__ import annotations

import json
import zipfile

import pytest
from sqlalchemy import func, select

from forum.answers.services import post_answer
from forum.drafts import queries
from forum.drafts.services import discard_draft, draft_kind, save_draft
from forum.errors import InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.models import Draft, DraftKind, GroupKind, User
from forum.questions.services import ask_question
from tests.concurrency import at_once
from tests.factories import make_question, make_user
from tests.groups.test_documents import make_group

QUESTION = {"title": "Come scrivere il regolamento del nido?",
            "body": "Allego la delibera del nostro comune: va bene come base?",
            "theme_slug": "servizi-educativi-0-6", "tags": "nido"}


def rows() -> int:
    return db.session.scalar(select(func.count()).select_from(Draft)) or 0


def test_saving_again_replaces_the_draft_and_an_empty_text_drops_it(app):
    me = make_user()
    save_draft(me, DraftKind.ASK, title="Prima", body="Bozza iniziale")
    saved = save_draft(me, DraftKind.ASK, title="Seconda", body="Bozza corretta",
                       tags="nido")
    assert saved is not None and rows() == 1
    draft = queries.draft_of(me, DraftKind.ASK)
    assert draft is not None and (draft.title, draft.body, draft.tags) == (
        "Seconda", "Bozza corretta", "nido")
    assert save_draft(me, DraftKind.ASK, title="  ", body="\n") is None
    assert rows() == 0


def test_answer_drafts_are_one_per_question_and_carry_only_a_body(app):
    me = make_user()
    first, second = make_question(), make_question()
    save_draft(me, DraftKind.ANSWER, question_id=first.id, title="ignorato", body="Uno")
    save_draft(me, DraftKind.ANSWER, question_id=second.id, body="Due")
    save_draft(me, DraftKind.ASK, body="Domanda")
    assert rows() == 3
    draft = queries.draft_of(me, DraftKind.ANSWER, first.id)
    assert draft is not None and (draft.title, draft.body) == ("", "Uno")
    assert queries.as_json(queries.draft_of(me, DraftKind.ANSWER, second.id))["body"] == "Due"


def test_publishing_the_post_drops_its_draft_only(app):
    me = make_user()
    question = make_question()
    save_draft(me, DraftKind.ASK, body="Bozza della domanda")
    save_draft(me, DraftKind.ANSWER, question_id=question.id, body="Bozza della risposta")
    post_answer(me, question.id, body="Risposta pubblicata con tutti i dettagli utili.")
    assert queries.draft_of(me, DraftKind.ANSWER, question.id) is None
    assert queries.draft_of(me, DraftKind.ASK) is not None
    ask_question(me, **QUESTION)
    assert rows() == 0


def test_discard_drops_the_draft_and_discarding_none_is_fine(app):
    me, other = make_user(), make_user()
    save_draft(me, DraftKind.ASK, body="Mia")
    save_draft(other, DraftKind.ASK, body="Altrui")
    discard_draft(me, DraftKind.ASK)
    discard_draft(me, DraftKind.ASK)
    assert queries.draft_of(me, DraftKind.ASK) is None
    assert queries.draft_of(other, DraftKind.ASK) is not None


def test_limits_unknown_kinds_unreadable_questions_and_visitors_are_refused(app):
    me = make_user()
    with pytest.raises(InvalidInput) as too_long:
        save_draft(me, DraftKind.ASK, body="x" * 30_001)
    assert "body" in too_long.value.field_errors
    with pytest.raises(InvalidInput):
        save_draft(me, DraftKind.ASK, title="t" * 151)
    with pytest.raises(NotFound):
        draft_kind("comment")
    with pytest.raises(NotFound):
        save_draft(me, DraftKind.ANSWER, question_id=99999, body="x")
    with pytest.raises(NotFound):
        save_draft(me, DraftKind.ANSWER, question_id=None, body="x")
    facilitator = make_user()
    group = make_group(facilitator, kind=GroupKind.PRIVATE)
    private = ask_question(facilitator, **QUESTION, group_id=group.id)
    with pytest.raises(NotFound):
        save_draft(me, DraftKind.ANSWER, question_id=private.id, body="x")
    from flask_login import AnonymousUserMixin

    with pytest.raises(NotAllowed):
        save_draft(AnonymousUserMixin(), DraftKind.ASK, body="x")  # type: ignore[arg-type]
    assert queries.draft_of(AnonymousUserMixin(), DraftKind.ASK) is None
    assert rows() == 0


def test_the_same_draft_saved_24_times_at_once_leaves_one_row(app):
    me = make_user()
    question = make_question()
    user_id, question_id = me.id, question.id
    db.session.remove()
    counter = iter(range(1000))

    def save(kind: DraftKind, target: int | None) -> None:
        member = db.session.get_one(User, user_id)
        save_draft(member, kind, question_id=target, body=f"Versione {next(counter)}")

    at_once(app, lambda: save(DraftKind.ASK, None), 24)
    at_once(app, lambda: save(DraftKind.ANSWER, question_id), 24)
    assert db.session.scalar(select(func.count()).select_from(Draft).where(
        Draft.user_id == user_id)) == 2


def test_drafts_and_attached_files_are_exported_and_drafts_erased_with_the_account(app, tmp_path):
    import io

    from werkzeug.datastructures import FileStorage

    from forum.privacy.erasure import erase_user
    from forum.privacy.export import write_archive
    from tests.practices.test_uploads import PNG

    me = make_user()
    save_draft(me, DraftKind.ASK, title="Bozza personale", body="Testo della bozza")
    ask_question(me, **{**QUESTION, "title": "Una domanda con uno schema allegato"},
                 uploads=[FileStorage(io.BytesIO(PNG), filename="schema.png")])
    save_draft(me, DraftKind.ASK, title="Bozza personale", body="Testo della bozza")
    write_archive(db.session(), me, tmp_path / "a.zip")
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        section = {n.split("/")[-1].removesuffix(".json"): json.loads(archive.read(n))
                   for n in archive.namelist() if n.endswith(".json")}
    assert [d["body"] for d in section["bozze"]] == ["Testo della bozza"]
    assert [f["filename"] for f in section["allegati"]] == ["schema.png"]
    assert "stored_name" not in section["allegati"][0]
    erase_user(db.session(), me)
    db.session.commit()
    assert rows() == 0
