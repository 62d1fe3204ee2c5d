"""Open-data downloads: public questions with their accepted answers and the practices,
streamed, with the licence, no personal data, formula-safe CSV, a fixed statement count."""

from __future__ import annotations

import csv
import io
import json

from forum.answers.services import accept_answer
from forum.extensions import db
from forum.groups.services import GroupFields, create_group
from forum.models import GroupKind
from forum.moderation.services import hide_post
from forum.opendata.exports import safe_cell, unsafe_cell
from forum.practices import transfer
from tests.factories import make_answer, make_practice, make_question, make_user


def _json(client, path: str) -> dict:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 200
    assert response.is_streamed
    return json.loads(response.get_data(as_text=True))


def _csv(client, path: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'rel="license"' in response.headers["Link"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_questions_export_has_public_threads_and_visible_accepted_answers(client, app):
    asker = make_user(display_name="Nome Riservato", organisation="Comune Segreto",
                      organisation_type="comune")
    answerer = make_user(display_name="Altra Persona", organisation_type="regione")
    solved = make_question(asker, title="Domanda risolta da esportare")
    accept_answer(asker, make_answer(solved, answerer, body="La risposta accettata.").id)
    hidden_answer = make_question(asker, title="Domanda con risposta nascosta")
    answer = make_answer(hidden_answer, answerer, body="Risposta poi nascosta.")
    accept_answer(asker, answer.id)
    moderator = make_user("moderator")
    hide_post(moderator, "answer", answer.id, reason="spam")
    hidden = make_question(asker, title="Domanda nascosta da non esportare")
    hide_post(moderator, "question", hidden.id, reason="spam")
    private = make_question(asker, title="Domanda del tavolo privato da non esportare")
    private.group_id = create_group(make_user(), GroupFields(
        name="Tavolo privato", description="Riservato.", kind=GroupKind.PRIVATE)).id
    db.session.commit()

    document = _json(client, "/dati/domande-risposte.json")
    assert document["dataset"]["license"]["spdx"] == "CC-BY-4.0"
    assert document["dataset"]["dcat"] == "http://localhost/dati/domande-risposte.rdf"
    by_title = {r["title"]: r for r in document["questions"]}
    assert set(by_title) == {"Domanda risolta da esportare", "Domanda con risposta nascosta"}
    record = by_title["Domanda risolta da esportare"]
    assert record["accepted_answer_body"] == "La risposta accettata."
    assert record["asker_organisation_type"] == "comune"
    assert record["answerer_organisation_type"] == "regione"
    assert record["url"] == f"http://localhost/domande/{solved.id}"
    assert by_title["Domanda con risposta nascosta"]["accepted_answer_body"] is None
    text = json.dumps(document, ensure_ascii=False)
    for personal in ("Nome Riservato", "Altra Persona", "Comune Segreto", asker.username,
                     asker.email):
        assert personal not in text

    rows = _csv(client, "/dati/domande-risposte.csv")
    assert [r["title"] for r in rows] == ["Domanda risolta da esportare",
                                          "Domanda con risposta nascosta"]
    assert rows[0]["tags"] == "nido|tariffe"
    assert "Nome Riservato" not in str(rows)


def test_csv_cells_that_look_like_formulas_are_neutralised(client, app):
    for text in ("=HYPERLINK(\"http://x\")", "+SUM(A1)", "-2+3", "@cmd"):
        assert safe_cell(text) == "'" + text
        assert unsafe_cell(safe_cell(text)) == text
    assert safe_cell("Normale") == "Normale" and safe_cell(None) == ""
    make_question(title="=HYPERLINK(\"http://esempio.it\",\"clic\") domanda")
    rows = _csv(client, "/dati/domande-risposte.csv")
    assert rows[0]["title"].startswith("'=HYPERLINK")
    make_practice(title="=1+1 pratica con titolo da formula", summary="+39 sintesi")
    practices = _csv(client, "/buone-pratiche/export.csv")
    assert practices[0]["title"] == "'=1+1 pratica con titolo da formula"
    assert practices[0]["summary"] == "'+39 sintesi"


def test_practice_csv_with_neutralised_cells_imports_back_unchanged(app):
    make_practice(title="-Meno: pratica che inizia con un trattino")
    text = transfer.to_csv(transfer.published_records())
    assert "'-Meno" in text
    records = transfer.read_records("dati.csv", text.encode())
    assert records[0]["title"] == "-Meno: pratica che inizia con un trattino"
    assert transfer.import_practices(records).updated == 1


def test_export_statements_do_not_grow_with_records(client, app, query_counter):
    asker = make_user()
    accept_answer(asker, make_answer(make_question(asker)).id)
    with query_counter.counting() as few:
        client.get("/dati/domande-risposte.json").get_data()
    for _ in range(8):
        question = make_question(asker)
        accept_answer(asker, make_answer(question).id)
    with query_counter.counting() as many:
        data = json.loads(client.get("/dati/domande-risposte.json").get_data(as_text=True))
    assert len(data["questions"]) == 9
    assert many.count == few.count, many.statements


def test_licence_setting_travels_with_the_exports(client, app):
    from forum.opendata.settings import set_open_data_settings

    set_open_data_settings(make_user("admin"), licence="iodl-2.0", publisher_name="Regione X",
                           publisher_ipa="r_x", contact_email="dati@regione.example.it")
    practices = _json(client, "/buone-pratiche/export.json")
    assert practices["dataset"]["license"]["spdx"] == "IODL-2.0"
    assert practices["dataset"]["publisher"] == {"name": "Regione X", "ipa_code": "r_x"}
    assert practices["dataset"]["identifier"] == "r_x:buone-pratiche"
    response = client.get("/dati/domande-risposte.csv")
    response.get_data()
    assert "<https://www.dati.gov.it/iodl/2.0/>" in response.headers["Link"]
