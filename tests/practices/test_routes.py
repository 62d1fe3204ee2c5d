"""Practice pages over HTTP: facets, detail, propose, workflow, uploads, downloads."""

from __future__ import annotations

import html
import io
import json

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Practice, PracticeAttachment, PracticeFacet
from forum.practices.queries import PracticeFilters, facet_counts
from tests.factories import make_practice, make_question, make_user
from tests.practices.test_uploads import pdf

FORM = {
    "title": "Nido aziendale condiviso tra enti", "summary": "Un nido per i dipendenti.",
    "description": "Descrizione della pratica.", "lead_organisation": "Comune di Test (fittizio)",
    "organisation_type": "comune", "region_code": "08", "main_theme": "servizi-educativi-0-6",
    "target_groups": ["famiglie-figli-0-3"], "start_year": "2022", "stage": "avvio",
}


def test_list_filters_and_facet_counts_match_a_direct_query(client, app):
    make_practice(region_code="08", themes=["giovani"], evidence_effectiveness="+")
    make_practice(region_code="08", themes=["giovani", "disabilita"])
    make_practice(region_code="15", themes=["disabilita"])
    make_practice(region_code="15", themes=["giovani"], status="bozza")
    page = client.get("/buone-pratiche?tema=giovani").get_data(as_text=True)
    assert "2 buone pratiche" in page
    counts = facet_counts(PracticeFilters(selected={"tema": ["giovani"]}))
    direct = dict(db.session.execute(
        select(Practice.region_code, func.count(Practice.id))
        .join(PracticeFacet, PracticeFacet.practice_id == Practice.id)
        .where(Practice.status == "pubblicata", PracticeFacet.facet == "theme",
               PracticeFacet.value == "giovani")
        .group_by(Practice.region_code)).all())
    assert counts["regione"] == {"08": 2} == direct
    assert counts["tema"] == {"giovani": 2, "disabilita": 2}
    assert counts["evidenza"] == {"emergente": 1, "non-valutata": 1}
    both = client.get("/buone-pratiche?tema=giovani&tema=disabilita&regione=15")
    assert "1 buona pratica" in both.get_data(as_text=True)


def test_list_rejects_bad_sort_year_and_page(client, app):
    assert client.get("/buone-pratiche?ordina=caso").status_code == 400
    assert client.get("/buone-pratiche?anno=boh").status_code == 400
    assert client.get("/buone-pratiche?page=x").status_code == 400
    assert client.get("/buone-pratiche?page=9").status_code == 404
    assert client.get("/buone-pratiche?tema=inesistente").status_code == 200


def test_drafts_are_private_to_author_and_moderators(client, login, app):
    author = make_user()
    draft = make_practice(author, status="bozza")
    assert client.get(f"/buone-pratiche/{draft.slug}").status_code == 404
    login(make_user())
    assert client.get(f"/buone-pratiche/{draft.slug}").status_code == 404
    login(author)
    assert client.get(f"/buone-pratiche/{draft.slug}").status_code == 200
    login(make_user("moderator"))
    assert client.get(f"/buone-pratiche/{draft.slug}").status_code == 200


def test_propose_keeps_text_on_error_then_saves_a_draft(client, login, app):
    login(make_user())
    bad = client.post("/buone-pratiche/nuova", data=dict(FORM, end_year="2001",
                                                         description="Il mio testo prezioso"))
    assert bad.status_code == 422
    assert "Il mio testo prezioso" in bad.get_data(as_text=True)
    assert "non può precedere" in bad.get_data(as_text=True)
    ok = client.post("/buone-pratiche/nuova", data=FORM)
    assert ok.status_code == 303
    practice = db.session.scalars(select(Practice)).one()
    assert practice.status == "bozza"


def test_member_cannot_publish_but_moderator_can(client, login, app):
    author = make_user()
    practice = make_practice(author, status="bozza")
    login(author)
    assert client.post(f"/buone-pratiche/{practice.slug}/stato",
                       data={"stato": "in-revisione"}).status_code == 303
    assert client.post(f"/buone-pratiche/{practice.slug}/stato",
                       data={"stato": "pubblicata"}).status_code == 403
    login(make_user("moderator"))
    assert client.post(f"/buone-pratiche/{practice.slug}/stato",
                       data={"stato": "pubblicata"}).status_code == 303
    assert client.get(f"/buone-pratiche/{practice.slug}").status_code == 200


def test_detail_page_lays_out_fields_citations_and_replications(client, login, app):
    practice = make_practice(budget_eur="120000", keywords=["nido"])
    question = make_question(title="Una domanda che cita la pratica di prova")
    login(make_user(organisation="Comune di Replica (fittizio)"))
    client.post(f"/domande/{question.id}/risposte",
                data={"body": "Guardate questa pratica, funziona bene.",
                      "practice": f"/buone-pratiche/{practice.slug}"})
    client.post(f"/buone-pratiche/{practice.slug}/replica", data={"note": "Da noi dal 2024."})
    again = client.post(f"/buone-pratiche/{practice.slug}/replica", data={"note": ""})
    assert again.status_code == 409
    page = client.get(f"/buone-pratiche/{practice.slug}").get_data(as_text=True)
    assert "€ 120.000" in page and "Emilia-Romagna" in page
    assert "Una domanda che cita la pratica di prova" in page
    assert "Comune di Replica (fittizio)" in page and "Da noi dal 2024." in page
    thread = client.get(f"/domande/{question.id}").get_data(as_text=True)
    assert "Buona pratica citata" in thread and practice.title in thread


def test_upload_checks_content_size_and_serves_safely(client, login, app):
    author = make_user()
    practice = make_practice(author, status="bozza")
    login(author)

    def upload(name: str, data: bytes):
        return client.post(f"/buone-pratiche/{practice.slug}/allegati",
                           data={"title": "Doc", "file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")

    assert upload("finto.pdf", b"MZ\x90\x00 eseguibile").status_code == 422
    assert upload("foto.png", b"%PDF-1.7 in realta un pdf").status_code == 422
    assert upload("script.exe", b"MZ").status_code == 422
    app.config["ATTACHMENT_MAX_BYTES"] = 10
    assert upload("grande.pdf", b"%PDF-" + b"x" * 50).status_code == 422
    app.config["ATTACHMENT_MAX_BYTES"] = 10 * 2**20
    real_pdf = pdf()
    assert upload("relazione.pdf", real_pdf).status_code == 303
    attachment = db.session.scalars(select(PracticeAttachment)).one()
    response = client.get(f"/buone-pratiche/{practice.slug}/allegati/{attachment.id}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_data() == real_pdf
    response.close()


def test_public_exports_list_only_published(client, app):
    make_practice(title="Pratica pubblicata per l'export")
    make_practice(title="Pratica in bozza da non esportare", status="bozza")
    data = client.get("/buone-pratiche/export.json")
    assert data.status_code == 200
    document = json.loads(data.get_data(as_text=True))
    assert [r["title"] for r in document["practices"]] == ["Pratica pubblicata per l'export"]
    assert document["dataset"]["license"]["spdx"] == "CC-BY-4.0"
    csv_response = client.get("/buone-pratiche/export.csv")
    assert csv_response.headers["Content-Type"].startswith("text/csv")
    assert "in bozza" not in csv_response.get_data(as_text=True)


def test_theme_page_shows_its_practices(client, app):
    make_practice(title="Pratica sul tema giovani da mostrare", themes=["giovani"])
    page = client.get("/temi/giovani").get_data(as_text=True)
    assert "Pratica sul tema giovani da mostrare" in page


def test_list_page_statements_do_not_grow_with_results(client, app, query_counter):
    make_practice(region_code="08")
    with query_counter.counting() as few:
        client.get("/buone-pratiche?regione=08")
    for _ in range(12):
        make_practice(region_code="08")
    with query_counter.counting() as many:
        client.get("/buone-pratiche?regione=08")
    assert few.count == many.count


def test_practice_page_offers_only_the_moves_its_reader_may_make(client, login, app):
    author = make_user()
    practice = make_practice(author, status="in-revisione")
    page = f"/buone-pratiche/{practice.slug}"
    login(author)
    html = client.get(page).get_data(as_text=True)
    assert 'value="pubblicata"' not in html  # the workflow table gives publishing to curators
    assert "Rimanda all'autore con una nota" not in html
    login(make_user("moderator"))
    html = client.get(page).get_data(as_text=True)
    assert 'value="pubblicata"' in html and ">\n          Pubblica\n" in html
    assert "Rimanda all'autore con una nota" in html
    login(make_user("admin"))
    make_practice(author, status="archiviata", title="Pratica archiviata di prova")
    archived = db.session.scalar(select(Practice).where(Practice.status == "archiviata"))
    html = client.get(f"/buone-pratiche/{archived.slug}").get_data(as_text=True)
    assert 'value="pubblicata"' in html  # only an admin brings an archived record back


def test_detail_says_the_evidence_scores_in_words_with_the_scale(client, app):
    practice = make_practice(evidence_effectiveness="++", evidence_transferability="+",
                             evidence_enduring_impact="0")
    page = html.unescape(client.get(f"/buone-pratiche/{practice.slug}").get_data(as_text=True))
    assert "Efficacia: alta" in page
    assert "Trasferibilità: media" in page
    assert "Impatto duraturo: non dimostrato" in page
    assert "alta (++), media (+), non dimostrata (0)" in page
    assert "++ / + / 0" not in page


def test_list_groups_long_facets_behind_show_all_and_opens_the_chosen_one(client, app):
    for region in ("01", "03", "05", "07", "08", "09", "12", "15"):
        make_practice(region_code=region)
    page = html.unescape(client.get("/buone-pratiche").get_data(as_text=True))
    assert "Mostra tutte (8)" in page
    assert "max-height" not in page
    chosen = html.unescape(client.get("/buone-pratiche?regione=05").get_data(as_text=True))
    # Veneto, last by name, is past the first six: its "Mostra tutte" opens by itself
    assert '<details class="facet-more" open>' in chosen
    assert "1 attivo" in chosen
    assert "Evidenza:" in chosen
