"""Privacy pages: "I miei dati", the download, the deletion banner and its cancel button,
the public notice and the admin's pages; hostile input never answers 5xx."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import PrivacyRequest, RequestStatus, User
from forum.models.base import utcnow
from forum.privacy import services
from forum.privacy.purge import erase_due, expire_exports
from tests.factories import PASSWORD, make_user
from tests.hostile import HOSTILE


def test_my_data_needs_sign_in(client):
    response = client.get("/profilo/dati")
    assert response.status_code == 302 and "/accedi" in response.headers["Location"]


def test_export_request_then_download_by_owner_only(client, login):
    me, other = make_user(), make_user()
    login(me)
    assert client.get("/profilo/dati").status_code == 200
    response = client.post("/profilo/dati/esporta")
    assert response.status_code == 303
    again = client.post("/profilo/dati/esporta", follow_redirects=True)
    assert "già pronto" in again.get_data(as_text=True)
    request = db.session.scalars(select(PrivacyRequest)).one()
    url = f"/profilo/dati/esportazioni/{request.id}.zip"
    page = client.get("/profilo/dati").get_data(as_text=True)
    assert url in page
    download = client.get(url)
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert download.headers["Cache-Control"] == "no-store"
    assert download.data[:2] == b"PK"
    download.close()
    login(other)
    assert client.get(url).status_code == 404
    assert client.get("/profilo/dati/esportazioni/999999.zip").status_code == 404
    login(me)
    expire_exports(utcnow() + timedelta(days=30))
    assert client.get(url).status_code == 410


def test_deletion_wrong_password_keeps_the_form_then_banner_and_cancel(client, login):
    me = make_user()
    login(me)
    refused = client.post("/profilo/dati/elimina", data={"password": "sbagliata"})
    assert refused.status_code == 422
    assert "La password non è corretta." in refused.get_data(as_text=True)
    done = client.post("/profilo/dati/elimina", data={"password": PASSWORD})
    assert done.status_code == 303
    home = client.get("/").get_data(as_text=True)
    assert "Annulla la richiesta" in home and "/profilo/dati/elimina/annulla" in home
    assert client.post("/profilo/dati/elimina/annulla").status_code == 303
    assert "Annulla la richiesta" not in client.get("/").get_data(as_text=True)
    assert db.session.scalars(select(PrivacyRequest)).one().status == RequestStatus.CANCELLED


def test_after_erasure_the_old_session_is_signed_out(client, login):
    me = make_user()
    services.request_deletion(me, password=PASSWORD)
    login(me)
    assert client.get("/profilo/dati").status_code == 200
    erase_due(utcnow() + timedelta(days=15))
    response = client.get("/profilo/dati")
    assert response.status_code == 302 and "/accedi" in response.headers["Location"]
    erased = db.session.get_one(User, me.id)
    sign_in = client.post("/accedi", data={"login": erased.username, "password": PASSWORD})
    assert sign_in.status_code != 303


def test_privacy_notice_defaults_and_links(client, login):
    page = client.get("/privacy").get_data(as_text=True)
    assert "Informativa sul trattamento dei dati personali" in page
    assert "art. 6, par. 1, lett. e)" in page and "2-ter" in page
    assert "Garante per la protezione dei dati personali" in page
    assert "/privacy" in client.get("/").get_data(as_text=True)  # footer
    login(make_user())
    assert "/privacy" in client.get("/domande/nuova").get_data(as_text=True)
    assert "/profilo/dati" in client.get("/privacy").get_data(as_text=True)


def test_admin_edits_the_notice_markdown_is_sanitised(client, login):
    admin = make_user("admin")
    login(admin)
    form = {"controller_name": "Comune di Esempio", "controller_address": "Piazza 1",
            "controller_pec": "comune@pec.example.it", "dpo_name": "Dott.ssa Rossi",
            "dpo_email": "rpd@comune.example.it",
            "purposes": "**Servizio** <script>alert(1)</script>",
            "legal_basis": "Interesse pubblico", "data_categories": "Contatti",
            "recipients": "[x](javascript:alert(1))"}
    assert client.post("/amministrazione/privacy/informativa", data=form).status_code == 303
    page = client.get("/privacy").get_data(as_text=True)
    assert "Comune di Esempio" in page and "<strong>Servizio</strong>" in page
    assert "<script>alert" not in page and "javascript:" not in page
    missing = client.post("/amministrazione/privacy/informativa",
                          data={**form, "controller_name": ""})
    assert missing.status_code == 422
    assert "Piazza 1" in missing.get_data(as_text=True)  # the text is kept


def test_admin_pages_are_for_admins(client, login):
    member = make_user()
    services.request_deletion(member, password=PASSWORD)
    login(member)
    assert client.get("/amministrazione/privacy").status_code == 403
    assert client.get("/amministrazione/privacy/informativa").status_code == 403
    login(make_user("admin"))
    page = client.get("/amministrazione/privacy?tipo=deletion")
    assert page.status_code == 200 and member.username in page.get_data(as_text=True)
    assert client.get("/amministrazione/privacy?tipo=altro").status_code == 400
    assert client.get("/amministrazione/privacy?page=x").status_code == 400


def test_overdue_deletions_are_shown_to_admins(client, login):
    member = make_user()
    request = services.request_deletion(member, password=PASSWORD)
    request.due_at = utcnow() - timedelta(days=1)
    db.session.commit()
    login(make_user("admin"))
    page = client.get("/amministrazione/privacy").get_data(as_text=True)
    assert "in ritardo" in page and "flask privacy purge" in page


@pytest.mark.parametrize("start", [0, 1, 2])
def test_hostile_input_never_fails(client, login, start):
    admin = make_user("admin")
    login(admin)
    codes = set()
    for text in HOSTILE[start::9]:
        response = client.post("/amministrazione/privacy/informativa", data={
            "controller_name": text or "x", "controller_address": text, "controller_pec": text,
            "dpo_name": text, "dpo_email": text or "x", "purposes": text,
            "legal_basis": text, "data_categories": text, "recipients": text})
        codes.add(response.status_code)
        assert "<script>alert" not in client.get("/privacy").get_data(as_text=True)
        response = client.post("/profilo/dati/elimina", data={
            "password": text, "confirmation": text})
        codes.add(response.status_code)
    assert codes <= {303, 422}, codes
    assert client.get("/").status_code == 200


def test_admin_list_statements_do_not_grow_with_requests(client, login, query_counter):
    login(make_user("admin"))

    def statements() -> int:
        with query_counter.counting() as counter:
            assert client.get("/amministrazione/privacy").status_code == 200
        return counter.count

    for _n in range(2):
        services.request_deletion(make_user(), password=PASSWORD)
    few = statements()
    for _n in range(30):
        services.request_deletion(make_user(), password=PASSWORD)
    assert statements() == few
