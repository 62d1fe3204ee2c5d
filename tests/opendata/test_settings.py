"""The open-data settings: admins only, checked, audited, kept on re-display; the /dati
page shows what they say."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.errors import InvalidInput, NotAllowed
from forum.extensions import db
from forum.models import AuditEntry
from forum.opendata.settings import get_open_data_settings, set_open_data_settings
from tests.factories import make_user
from tests.hostile import HOSTILE

VALID = {"licence": "cc0-1.0", "publisher_name": "Comune di Valverde",
         "publisher_ipa": "c_v123", "contact_email": "dati@valverde.example.it"}


def test_defaults_come_from_the_configuration(app):
    settings = get_open_data_settings()
    assert settings.licence.key == "cc-by-4.0"
    assert settings.publisher_ipa == app.config["OPEN_DATA_PUBLISHER_IPA"]


def test_only_admins_change_them(app):
    for role in ("member", "moderator", "editor"):
        with pytest.raises(NotAllowed):
            set_open_data_settings(make_user(role), **VALID)
    saved = set_open_data_settings(make_user("admin"), **VALID)
    assert get_open_data_settings() == saved
    assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == \
        "update_open_data_settings"


def test_bad_values_are_refused_field_by_field(app):
    with pytest.raises(InvalidInput) as error:
        set_open_data_settings(make_user("admin"), licence="gpl", publisher_name="x",
                               publisher_ipa="codice con spazi", contact_email="non-email")
    assert set(error.value.field_errors) == {"licence", "publisher_name", "publisher_ipa",
                                             "contact_email"}
    assert get_open_data_settings().licence.key == "cc-by-4.0"


def test_admin_page_saves_and_keeps_bad_input(client, login, app):
    login(make_user("admin"))
    page = client.get("/amministrazione/dati-aperti")
    assert page.status_code == 200 and "CC BY 4.0" in page.get_data(as_text=True)
    bad = client.post("/amministrazione/dati-aperti", data=dict(
        VALID, publisher_ipa="codice non valido!", contact_email="scritto-male"))
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "codice non valido!" in html and "scritto-male" in html
    assert "Il codice IPA" in html
    saved = client.post("/amministrazione/dati-aperti", data=VALID)
    assert saved.status_code == 303
    assert "CC0 1.0" in client.get("/dati").get_data(as_text=True)


def test_admin_form_takes_hostile_input_without_errors(client, login, app):
    login(make_user("admin"))
    codes = set()
    for text in HOSTILE[::5]:
        response = client.post("/amministrazione/dati-aperti", data={
            "licence": text, "publisher_name": text, "publisher_ipa": text,
            "contact_email": text})
        codes.add(response.status_code)
        assert "<script>alert" not in response.get_data(as_text=True)
    assert codes <= {303, 422}, codes


def test_open_data_page_lists_datasets_formats_and_metadata(client, app):
    html = client.get("/dati").get_data(as_text=True)
    for needle in ("/buone-pratiche/export.csv", "/buone-pratiche/export.json",
                   "/dati/domande-risposte.csv", "/dati/domande-risposte.json",
                   "/dati/buone-pratiche.rdf", "/dati/domande-risposte.ttl",
                   "/dati/catalogo.rdf", "https://creativecommons.org/licenses/by/4.0/"):
        assert needle in html, needle
    assert 'href="/dati"' in client.get("/").get_data(as_text=True)


def test_two_dozen_admins_saving_at_once_all_succeed(app):
    from tests.concurrency import at_once

    admin_id = make_user("admin").id

    def save() -> str:
        from forum.models import User

        admin = db.session.get(User, admin_id)
        return set_open_data_settings(admin, **VALID).licence.key

    assert at_once(app, save, 24) == ["cc0-1.0"] * 24
    db.session.rollback()  # end this thread's read snapshot
    assert get_open_data_settings().publisher_ipa == "c_v123"
