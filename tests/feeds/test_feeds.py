"""Atom feeds: valid for feedparser, newest first, absolute links, PUBLIC content only
(never a restricted group's thread, a hidden post, a draft, a private event, an unpublished
guideline text or a priority out of its period), cheap (a fixed number of statements) and
conditional (304)."""

from __future__ import annotations

from datetime import timedelta

import feedparser
from sqlalchemy import select

from forum.answers.services import accept_answer
from forum.extensions import db
from forum.groups.services import GroupFields, create_group
from forum.models import Group, GroupKind, Guideline, Question
from forum.moderation.services import hide_post
from tests.announcements.helpers import days, make_priority
from tests.events.helpers import published_event
from tests.factories import make_answer, make_guideline, make_practice, make_question, make_user

ALL_FEEDS = ("/feed/domande.atom", "/feed/domande/senza-risposta.atom",
             "/feed/domande/risolte.atom", "/feed/temi/servizi-educativi-0-6.atom",
             "/feed/tag/nido.atom", "/feed/buone-pratiche.atom", "/feed/incontri.atom",
             "/feed/linee-guida.atom", "/feed/indirizzi.atom")


def parse(client, path: str):  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.get_data())
    assert feed.bozo == 0, (path, feed.get("bozo_exception"))
    assert feed.version == "atom10"
    return feed


def titles(client, path: str) -> list[str]:
    return [e.title for e in parse(client, path).entries]


def _group(kind: str) -> Group:
    return create_group(make_user(), GroupFields(
        name=f"Tavolo {kind} di prova", description="Un tavolo.", kind=kind))


def test_every_feed_is_valid_even_when_empty(client, app):
    for path in ALL_FEEDS[:4] + ALL_FEEDS[5:]:
        feed = parse(client, path)
        assert feed.entries == []
        assert feed.feed.rights.startswith("CC BY 4.0")
        assert any(link.rel == "self" for link in feed.feed.links)


def test_question_feeds_newest_first_with_links_authors_and_categories(client, app):
    asker = make_user(display_name="Giulia Ferraris")
    first = make_question(asker, title="Prima domanda sulle tariffe del nido")
    second = make_question(asker, title="Seconda domanda sulle rette", tags="rette")
    second.created_at = first.created_at + timedelta(minutes=5)
    db.session.commit()
    feed = parse(client, "/feed/domande.atom")
    assert [e.title for e in feed.entries] == [second.title, first.title]
    entry = feed.entries[0]
    assert entry.link == f"http://localhost/domande/{second.id}"
    assert entry.id.startswith("tag:") and entry.id.endswith(f":question/{second.id}")
    assert entry.author == "Giulia Ferraris"
    assert {t.term for t in entry.tags} == {"servizi-educativi-0-6", "rette"}
    assert "<p>Testo della domanda" in entry.content[0].value
    assert titles(client, "/feed/tag/rette.atom") == [second.title]
    assert titles(client, "/feed/temi/servizi-educativi-0-6.atom") == [second.title, first.title]
    assert titles(client, "/feed/temi/giovani.atom") == []


def test_unanswered_and_solved_feeds(client, app):
    asker = make_user()
    open_one = make_question(asker, title="Domanda ancora senza risposta alcuna")
    solved = make_question(asker, title="Domanda risolta con una risposta accettata")
    answered = make_question(asker, title="Domanda con risposta non ancora accettata")
    accept_answer(asker, make_answer(solved).id)
    make_answer(answered)
    assert titles(client, "/feed/domande/senza-risposta.atom") == [open_one.title]
    assert titles(client, "/feed/domande/risolte.atom") == [solved.title]


def test_unknown_theme_or_tag_is_404(client, app):
    assert client.get("/feed/temi/non-esiste.atom").status_code == 404
    assert client.get("/feed/tag/mai-usata.atom").status_code == 404


def test_restricted_threads_and_hidden_posts_never_appear(client, app):
    make_question(title="Domanda pubblica visibile nel feed")
    in_open = make_question(title="Domanda nel tavolo aperto, pubblica anche lei")
    for kind, title in ((GroupKind.PRIVATE, "Domanda segreta del tavolo privato"),
                        (GroupKind.ON_REQUEST, "Domanda riservata del tavolo su richiesta")):
        question = make_question(title=title)
        question.group_id = _group(kind).id
    in_open.group_id = _group(GroupKind.OPEN).id
    hidden = make_question(title="Domanda nascosta dalla moderazione")
    db.session.commit()
    hide_post(make_user("moderator"), "question", hidden.id, reason="spam")
    for path in ("/feed/domande.atom", "/feed/domande/senza-risposta.atom",
                 "/feed/temi/servizi-educativi-0-6.atom", "/feed/tag/nido.atom"):
        found = titles(client, path)
        assert set(found) == {"Domanda pubblica visibile nel feed",
                              "Domanda nel tavolo aperto, pubblica anche lei"}, path


def test_practices_feed_lists_only_published(client, app):
    make_practice(title="Pratica pubblicata da annunciare")
    make_practice(title="Pratica in bozza da tacere", status="bozza")
    make_practice(title="Pratica in revisione da tacere", status="in-revisione")
    feed = parse(client, "/feed/buone-pratiche.atom")
    assert [e.title for e in feed.entries] == ["Pratica pubblicata da annunciare"]
    assert feed.entries[0].link.startswith("http://localhost/buone-pratiche/")
    assert "<strong>un solo sportello</strong>" in feed.entries[0].content[0].value


def test_events_feed_skips_drafts_and_restricted_groups(client, app):
    from forum.events.services import create_event
    from tests.events.helpers import fields

    organiser = make_user("moderator")
    published_event(organiser, title="Webinar pubblico sulle tariffe")
    create_event(organiser, fields(title="Webinar ancora in bozza"))
    private = published_event(organiser, title="Incontro del tavolo privato")
    private.group_id = _group(GroupKind.PRIVATE).id
    db.session.commit()
    assert titles(client, "/feed/incontri.atom") == ["Webinar pubblico sulle tariffe"]


def test_guidelines_feed_shows_the_published_version_not_the_draft(client, app):
    published = make_guideline(title="Linea guida pubblicata sui nidi")
    make_guideline(title="Linea guida mai pubblicata", published=False)
    guideline = db.session.get(Guideline, published.id)
    guideline.title = "Titolo della bozza di lavoro non pubblicata"
    guideline.body = "Testo di lavoro segreto."
    db.session.commit()
    feed = parse(client, "/feed/linee-guida.atom")
    assert [e.title for e in feed.entries] == ["Linea guida pubblicata sui nidi"]
    assert "segreto" not in feed.entries[0].content[0].value
    assert feed.entries[0].author == "Redazione di Officina"


def test_announcements_feed_lists_priorities_valid_today(client, app):
    board = make_user("editor")
    make_priority(board, title="Priorità in vigore oggi")
    make_priority(board, title="Priorità futura", valid_from=days(3))
    make_priority(board, title="Priorità conclusa", valid_from=days(-30), valid_until=days(-1))
    assert titles(client, "/feed/indirizzi.atom") == ["Priorità in vigore oggi"]


def test_feed_statements_do_not_grow_with_entries(client, app, query_counter):
    make_question(tags="nido, rette")
    with query_counter.counting() as few:
        client.get("/feed/domande.atom").get_data()
    for n in range(10):
        make_question(tags=f"nido, etichetta{n}")
    with query_counter.counting() as many:
        feed = feedparser.parse(client.get("/feed/domande.atom").get_data())
    assert len(feed.entries) == 11
    assert many.count == few.count, many.statements


def test_feed_is_limited_cached_and_conditional(client, app):
    app.config["FEED_ENTRIES"] = 3
    for _ in range(5):
        make_question()
    response = client.get("/feed/domande.atom")
    assert len(feedparser.parse(response.get_data()).entries) == 3
    assert "public" in response.headers["Cache-Control"]
    assert "max-age=300" in response.headers["Cache-Control"]
    etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
    again = client.get("/feed/domande.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    since = client.get("/feed/domande.atom", headers={"If-Modified-Since": modified})
    assert since.status_code == 304


def test_licence_setting_shows_in_the_feed_rights(client, app):
    from forum.opendata.settings import set_open_data_settings

    set_open_data_settings(make_user("admin"), licence="cc0-1.0", publisher_name="Comune",
                           publisher_ipa="c_h501", contact_email="dati@comune.example.it")
    feed = parse(client, "/feed/buone-pratiche.atom")
    assert feed.feed.rights.startswith("CC0 1.0")
    assert any(link.rel == "license" and "publicdomain/zero" in link.href
               for link in feed.feed.links)


def test_pages_announce_their_feeds(client, app):
    make_question(tags="nido")
    expected = {
        "/domande": "/feed/domande.atom",
        "/domande?stato=senza-risposta": "/feed/domande/senza-risposta.atom",
        "/domande?stato=risolte": "/feed/domande/risolte.atom",
        "/domande?tag=nido": "/feed/tag/nido.atom",
        "/domande?tema=giovani": "/feed/temi/giovani.atom",
        "/temi/giovani": "/feed/temi/giovani.atom",
        "/buone-pratiche": "/feed/buone-pratiche.atom",
        "/incontri": "/feed/incontri.atom",
        "/linee-guida": "/feed/linee-guida.atom",
        "/indirizzi": "/feed/indirizzi.atom",
    }
    for page, feed in expected.items():
        html = client.get(page).get_data(as_text=True)
        head = html.split("</head>")[0]
        assert 'type="application/atom+xml"' in head and f'href="{feed}"' in head, page
    assert db.session.scalar(select(Question.id)) is not None
