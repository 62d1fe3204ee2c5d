"""The English catalogue is complete, and switching language really changes the pages."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

PO = Path(__file__).resolve().parent.parent / "forum/translations/en/LC_MESSAGES/messages.po"


def test_every_message_has_an_english_translation():
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id)
    assert missing == []
    assert len(catalog) > 200


def test_english_pages_use_the_catalogue(client, app):
    client.post("/lingua", data={"lingua": "en"})
    page = client.get("/").get_data(as_text=True)
    assert "Sign in" in page and "Accedi" not in page
    assert "Early childhood" in page or "early childhood" in page.lower()
