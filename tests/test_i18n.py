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


def test_fast_dates_read_exactly_as_babel_writes_them(app):
    """The page's relative times and full dates, formatted without Flask-Babel's per-call
    work, say what Babel says, in both languages, from seconds to years, past and future."""
    import random
    from datetime import timedelta

    from flask import session
    from flask_babel import format_datetime, format_timedelta

    from forum.i18n import long_datetime, time_ago
    from forum.models.base import utcnow

    rng = random.Random(2026)
    for lang in ("it", "en"):
        with app.test_request_context():
            session["lang"] = lang
            for _ in range(3000):
                span = rng.choice((90, 7200, 3 * 86400, 40 * 86400, 4 * 365 * 86400))
                moment = utcnow() + timedelta(seconds=rng.randint(-span, span // 10))
                assert long_datetime(moment) == format_datetime(moment, "d MMMM y, HH:mm")
                before = format_timedelta(moment - utcnow(), add_direction=True,
                                          threshold=1.1)
                text = time_ago(moment)
                after = format_timedelta(moment - utcnow(), add_direction=True, threshold=1.1)
                assert text in (before, after), moment  # the clock may tick in between
