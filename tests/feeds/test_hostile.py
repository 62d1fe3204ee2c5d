"""Hostile text never breaks a feed: the naughty-string corpus, XSS payloads, control
characters and lone surrogates in titles, bodies and names still give a well-formed Atom
document that feedparser reads without complaint, with no live script in it."""

from __future__ import annotations

from datetime import UTC, datetime

import feedparser
from sqlalchemy import update

from forum.extensions import db
from forum.feeds import atom
from forum.models import Event, Practice, Question, User
from forum.opendata.settings import LICENCES
from forum.text import xml_text
from tests.events.helpers import published_event
from tests.factories import make_practice, make_question, make_user
from tests.hostile import SAMPLE

CONTROLS = "".join(chr(c) for c in range(32) if c not in (9, 10, 13)) + "\ufffe\uffff"
SURROGATES = "\ud800 solo \udfff"


def _valid(client, path: str) -> feedparser.FeedParserDict:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 200, path
    feed = feedparser.parse(response.get_data())
    assert feed.bozo == 0, (path, feed.get("bozo_exception"))
    return feed


def test_xml_text_drops_what_xml_refuses():
    assert xml_text(f"a{CONTROLS}b{SURROGATES}\tc\n") == "ab solo \tc\n"
    assert xml_text(None) == ""


def test_builder_survives_controls_and_lone_surrogates(app):
    moment = datetime(2026, 5, 1, tzinfo=UTC)
    hostile = f"Titolo{CONTROLS}{SURROGATES}"
    with app.test_request_context():
        body = atom.build(key="prova", title=hostile, subtitle=hostile, self_url="http://x/f",
                          page_url="http://x/", licence=LICENCES["cc-by-4.0"], entries=[
                              atom.Entry(key="q/1", title=hostile, link="http://x/1",
                                         published=moment, updated=moment, author=hostile,
                                         html=f"<p>{hostile}</p>", summary=hostile,
                                         categories=(atom.Category(hostile, hostile),))])
    feed = feedparser.parse(body)
    assert feed.bozo == 0
    assert feed.entries[0].title == "Titolo solo"


def test_naughty_strings_in_stored_content_keep_every_feed_valid(client, app):
    author = make_user()
    questions = [make_question(author, tags="nido") for _ in range(4)]
    practice = make_practice()
    event = published_event(make_user("moderator"))
    stored = CONTROLS.replace("\x00", "")  # PostgreSQL refuses NUL in text columns
    corpus = [*SAMPLE, stored, "<script>alert(1)</script>" + stored]
    corpus += corpus[:(-len(corpus)) % 4]
    for start in range(0, len(corpus), 4):
        chunk = corpus[start:start + 4]
        for question, text in zip(questions, chunk, strict=False):
            db.session.execute(update(Question).where(Question.id == question.id).values(
                title=text[:150], body_html=f"<p>{text}</p>"))
        db.session.execute(update(User).where(User.id == author.id).values(
            display_name=chunk[0][:80]))
        db.session.execute(update(Practice).where(Practice.id == practice.id).values(
            title=chunk[-1][:200], summary=chunk[0][:600], description_html=chunk[1]))
        db.session.execute(update(Event).where(Event.id == event.id).values(
            title=chunk[-1][:200], organiser=chunk[0][:200], description_html=chunk[1]))
        db.session.commit()
        for path in ("/feed/domande.atom", "/feed/tag/nido.atom", "/feed/buone-pratiche.atom",
                     "/feed/incontri.atom"):
            feed = _valid(client, path)
            assert len(feed.entries) >= 1
    raw = client.get("/feed/domande.atom").get_data(as_text=True)
    assert "<script>" not in raw


def test_hostile_theme_and_tag_names_in_the_address_are_404(client, app):
    from urllib.parse import quote

    codes = set()
    for text in SAMPLE:
        name = quote(text[:80], safe="") or "x"
        for path in (f"/feed/tag/{name}.atom", f"/feed/temi/{name}.atom", f"/dati/{name}.rdf"):
            response = client.get(path)
            response.get_data()
            codes.add(response.status_code)
    assert codes <= {404, 308}, codes
