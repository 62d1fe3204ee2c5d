"""A group's document library in the browser: no axe finding on the library, on a
document's page, or on the library re-shown with a refused upload."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from forum.extensions import db
from forum.groups.documents import DocumentFields, upload_document
from forum.groups.services import GroupFields, create_group
from forum.models import GroupKind, User
from tests.browser.conftest import LiveServer
from tests.browser.helpers import DEMO_MEMBER, sign_in, unique
from tests.browser.test_accessibility import no_violations
from tests.practices.test_uploads import PNG


def _library(app: Flask) -> tuple[str, int]:
    """An open group facilitated by the demo member, with documents in two folders and
    one outside any; returns its slug and one document's id."""
    with app.app_context():
        giulia = db.session.scalars(select(User).where(User.username == DEMO_MEMBER)).one()
        group = create_group(giulia, GroupFields(name=unique("Tavolo documenti "),
                                                 kind=GroupKind.OPEN))
        document_id = 0
        for title, folder in (("Regolamento dei nidi 2026", "Regolamenti"),
                              ("Modello di domanda di iscrizione", "Modelli"),
                              ("Appunti della riunione di marzo", "")):
            document = upload_document(
                giulia, group.id, DocumentFields(title, folder, "Versione approvata."),
                FileStorage(io.BytesIO(PNG), filename="schema.png"))
            document_id = document_id or document.id
        return group.slug, document_id


@pytest.fixture(scope="module")
def library(live: LiveServer) -> tuple[str, int]:
    """The group's slug and a document id, created once for the module."""
    return _library(live.app)


def test_group_library_has_no_axe_violations(page: Page, library: tuple[str, int]) -> None:
    slug, _document_id = library
    sign_in(page)
    page.goto(f"/tavoli/{slug}/documenti")
    expect(page.get_by_role("link", name="Documenti", exact=True)).to_have_attribute(
        "aria-current", "page")
    expect(page.get_by_role("table", name="Cartella «Regolamenti»")).to_be_visible()
    expect(page.get_by_role("heading", name="Carica un documento")).to_be_visible()
    no_violations(page, "biblioteca del tavolo")


def test_document_page_and_refused_upload_have_no_axe_violations(
        page: Page, library: tuple[str, int]) -> None:
    slug, document_id = library
    sign_in(page)
    page.goto(f"/tavoli/{slug}/documenti/{document_id}")
    expect(page.get_by_role("table", name="Versioni")).to_be_visible()
    no_violations(page, "documento del tavolo")
    page.goto(f"/tavoli/{slug}/documenti")
    page.get_by_label("Titolo del documento").fill("Titolo scritto senza file")
    page.get_by_role("button", name="Carica il documento").click()
    expect(page.get_by_text("Nessun file scelto.")).to_be_visible()
    expect(page.get_by_label("Titolo del documento")).to_have_value("Titolo scritto senza file")
    no_violations(page, "biblioteca con caricamento rifiutato")
