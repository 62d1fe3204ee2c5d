"""The index follows the database: creates, edits, accepts, publishes; crashes are
repaired from the outbox; rebuild and check."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.answers.services import accept_answer, edit_answer
from forum.extensions import db
from forum.models import SearchOutbox
from forum.practices.services import change_status
from forum.questions.services import edit_question
from forum.search import service
from forum.search.sync import apply_outbox
from tests.factories import make_answer, make_practice, make_question, make_user


@pytest.fixture
def app_overrides(tmp_path) -> dict:
    """Inline sync into an index in this test's folder."""
    return {"SEARCH_SYNC": "inline", "SEARCH_INDEX_PATH": str(tmp_path / "index")}


def titles(q: str, **kw) -> list[str]:
    return [h.title for h in service.search(q, **kw).hits]


def test_new_question_and_answer_are_findable_after_commit(app):
    question = make_question(title="Come gestire la graduatoria del micronido comunale?")
    assert titles("graduatoria micronido") == [question.title]
    make_answer(question, body="Noi usiamo punteggi legati all'ISEE e alla residenza.")
    assert titles("residenza punteggi") == [question.title]
    assert db.session.scalar(select(func.count(SearchOutbox.id))) == 0


def test_edits_and_acceptance_are_reflected(app):
    asker = make_user()
    question = make_question(asker, title="Titolo iniziale sul trasporto scolastico")
    edit_question(asker, question.id, title="Titolo corretto sulle mense scolastiche",
                  body="Testo aggiornato della domanda sulle mense.", theme_slug="giovani")
    assert titles("mense") and not titles("trasporto")
    answer = make_answer(question)
    edit_answer(db.session.get(type(asker), answer.author_id), answer.id,
                body="Risposta modificata: parla di refezione biologica.")
    assert titles("refezione biologica")
    accept_answer(asker, answer.id)
    assert service.search("mense", solved=True).total == 1


def test_only_published_practices_are_findable(app):
    draft = make_practice(status="bozza", title="Sportello caregiver itinerante in montagna")
    assert titles("caregiver itinerante") == []
    change_status(db.session.get(type(make_user()), draft.created_by_id), draft.id,
                  "in-revisione")
    change_status(make_user("moderator"), draft.id, "pubblicata")
    assert titles("caregiver itinerante") == ["Sportello caregiver itinerante in montagna"]


def test_rollback_leaves_no_trace(app):
    from forum.errors import InvalidInput

    with pytest.raises(InvalidInput):
        make_question(title="corto")
    assert db.session.scalar(select(func.count(SearchOutbox.id))) == 0


def test_outbox_repairs_what_a_crash_left_behind(app, monkeypatch):
    index = service.get_index()
    crash = lambda self, *a, **k: (_ for _ in ()).throw(RuntimeError("crash"))  # noqa: E731
    monkeypatch.setattr(type(index), "apply", crash)
    if hasattr(index, "apply_in"):  # PostgreSQL: the write in the user's transaction
        monkeypatch.setattr(type(index), "apply_in", crash)
    question = make_question(title="Centro famiglie aperto il sabato mattina in paese")
    assert db.session.scalar(select(func.count(SearchOutbox.id))) >= 1
    assert titles("sabato mattina") == []
    monkeypatch.undo()
    assert apply_outbox() >= 1
    assert titles("sabato mattina") == [question.title]
    db.session.rollback()  # a fresh snapshot: the outbox was emptied by another session
    assert db.session.scalar(select(func.count(SearchOutbox.id))) == 0


def test_cli_reindex_check_and_sync(app, runner):
    make_question(title="Domanda per la ricostruzione dell'indice di ricerca")
    make_practice(title="Pratica per la ricostruzione dell'indice di ricerca")
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indicizzati 2 documenti" in result.output
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    service.get_index().apply([], ["question:1"])
    drift = runner.invoke(args=["search", "check"])
    assert drift.exit_code == 1 and "mancanti: 1" in drift.output
    assert runner.invoke(args=["search", "sync"]).exit_code == 0


def test_a_question_moved_into_a_restricted_group_leaves_public_search_at_commit(app, runner):
    from dataclasses import replace

    from forum.models import Group, GroupKind, GroupMember
    from forum.search.documents import question_docs

    member = make_user()
    group = Group(name="Tavolo riservato", slug="tavolo-riservato", kind=GroupKind.PRIVATE)
    db.session.add(group)
    db.session.flush()
    db.session.add(GroupMember(group_id=group.id, user_id=member.id))
    db.session.commit()
    question = make_question(title="Regolamento riservato sui voucher di conciliazione")
    assert titles("voucher conciliazione") == [question.title]
    question.group_id = group.id
    db.session.commit()
    assert titles("voucher conciliazione") == []
    assert titles("voucher conciliazione", viewer=member) == [question.title]
    # an entry written before groups existed (no group, old stamp) is stale: sync refiles it
    [doc], _gone = question_docs(db.session(), [question.id])
    service.get_index().apply([replace(doc, group=None, stamp=doc.stamp.rsplit("|", 1)[0])],
                              [])
    assert titles("voucher conciliazione") == [question.title]
    drift = runner.invoke(args=["search", "check"])
    assert drift.exit_code == 1 and "non aggiornati: 1" in drift.output
    assert runner.invoke(args=["search", "sync"]).exit_code == 0
    assert titles("voucher conciliazione") == []
