"""A restricted group's text never reaches anyone outside it: every GET page and API, as
visitors who are not in the group, with the ids and slugs of the group's own content, and
the e-mails they receive (notifications and digests).

The marker word is in a private group's title, body, tag, answer and comment, and in a
group on request; the group's own member sees it (so the crawl could have found it).
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from forum.comments.services import post_comment
from forum.extensions import db
from forum.groups.services import GroupFields, create_group, join_group
from forum.mail import outbox_messages
from forum.models import Delivery, FollowTarget, Group, GroupKind, Theme, User
from forum.models.base import utcnow
from forum.notifications.digests import send_digests
from forum.notifications.follows import set_level
from forum.questions.services import ask_question
from forum.search.sync import drain_outbox
from forum.seed.demo import seed_demo
from tests.factories import make_answer, make_user

MARKER = "zafferanoriservato"
# Beside the marker in every private text: the marker itself is echoed by pages whose
# address holds it (a search for it), this one never is.
SECOND = "cardamomosegreto"
OPEN_MARKER = "lavandapubblica"

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("FORUM_TEST_DATABASE_URL")),
    reason="what a page shows does not depend on the database: the SQLite run crawls it "
           "(the group clause itself is tested on both databases in test_groups.py)",
)


@pytest.fixture
def app_overrides(tmp_path) -> dict:
    """Search on, so search pages, snippets, suggestions and related lists are crawled too."""
    return {"SEARCH_SYNC": "inline", "SEARCH_INDEX_PATH": str(tmp_path / "index")}


def _sample_url(app: Flask, rule, ids: dict[str, object]) -> str:  # type: ignore[no-untyped-def]
    values: dict[str, object] = {}
    for arg in rule.arguments:
        converter = rule._converters[arg]
        if type(converter).__name__ == "AnyConverter":
            values[arg] = sorted(converter.items)[0]
        elif arg == "slug":
            values[arg] = ids["group_slug"] if rule.endpoint.startswith("groups.") else (
                ids["theme_slug"] if rule.endpoint.startswith("themes.") else "x")
        elif arg in ids:
            values[arg] = ids[arg]
        elif isinstance(converter, IntegerConverter):
            values[arg] = 1
        else:
            values[arg] = "x"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _seed_then_index(app: Flask) -> None:
    """The demo's commits fill the search outbox, applied once at the end: indexed inline,
    each of its ~450 commits rewrote the index, three quarters of the test's time."""
    app.config["SEARCH_SYNC"] = "thread"  # outside a request the outbox keeps the work
    try:
        seed_demo("una-password-robusta-2026")
    finally:
        app.config["SEARCH_SYNC"] = "inline"
    assert drain_outbox() > 0


def _world(app: Flask) -> dict[str, object]:
    _seed_then_index(app)
    theme = db.session.scalars(select(Theme).where(Theme.slug == "servizi-educativi-0-6")).one()
    facilitator, insider = make_user(), make_user(username="persona.interna")
    outsider, other_group, moderator = make_user(), make_user(), make_user("admin")
    for watcher in (outsider, other_group, moderator, insider):
        set_level(watcher, FollowTarget.THEME, theme.id, "watching")
    private = create_group(facilitator, GroupFields(
        name="Tavolo riservato di prova", kind=GroupKind.PRIVATE, listed=False,
        description=f"Descrizione {MARKER} del tavolo {SECOND}."))
    on_request = create_group(facilitator, GroupFields(
        name="Tavolo su richiesta di prova", kind=GroupKind.ON_REQUEST,
        description="Il tavolo si presenta a tutti."))
    elsewhere = create_group(other_group, GroupFields(name="Tavolo aperto altrove"))
    join_group(other_group, elsewhere.id)
    from forum.database import write_intent
    from forum.groups.services import add_member

    with write_intent():
        add_member(db.session.get(Group, private.id), insider)
        add_member(db.session.get(Group, on_request.id), insider)
        db.session.commit()
    question = ask_question(
        insider, title=f"Nido e {MARKER}: tariffe {SECOND} del tavolo",
        body=f"Testo della domanda con {MARKER} e con la parola nido, {SECOND}.",
        theme_slug=theme.slug, tags=f"{MARKER}, nido", group_id=private.id)
    answer = make_answer(question, facilitator,
                         body=f"Risposta {MARKER} con i dettagli {SECOND}.")
    comment = post_comment(facilitator, question.id, body=f"Commento {MARKER} {SECOND}.",
                           answer_id=answer.id)
    second = ask_question(insider, title=f"Seconda domanda {MARKER} {SECOND} su richiesta",
                          body=f"Solo per i membri del tavolo: {MARKER} {SECOND}.",
                          theme_slug=theme.slug, group_id=on_request.id)
    public = ask_question(insider, title=f"Domanda {OPEN_MARKER} nello spazio pubblico",
                          body="Una domanda pubblica sugli asili nido.", theme_slug=theme.slug)
    return {"question_id": question.id, "answer_id": answer.id, "post_id": question.id,
            "comment_id": comment.id, "username": insider.username,
            "group_slug": private.slug, "theme_slug": theme.slug, "second": second.id,
            "public": public.id, "on_request": on_request.slug, "viewers": {
                "anonimo": None, "membro": outsider, "altro tavolo": other_group,
                "amministratore": moderator}, "insider": insider, "facilitator": facilitator}


def _extra_urls(ids: dict[str, object]) -> list[str]:
    q = MARKER
    return [
        "/", "/domande", "/domande?ordina=recenti", "/domande?stato=senza-risposta",
        f"/domande?tag={q}", "/domande?tag=nido", f"/temi/{ids['theme_slug']}", "/temi",
        f"/cerca?q={q}", f"/cerca?q={q[:-2]}", "/cerca?q=nido+tariffe",
        "/cerca?q=nido&tipo=discussioni", f"/api/v1/search?q={q}",
        f"/api/v1/search?q={q[:-1]}x", "/api/v1/search?q=tariffe+riservate",
        f"/api/v1/similar-questions?text=Nido+e+{q}+tariffe+riservate+del+tavolo",
        f"/api/v1/related-practices?text=Nido+{q}+tariffe",
        f"/domande/{ids['public']}", f"/domande/{ids['second']}",
        f"/utenti/{ids['username']}", "/rete", f"/rete?q={q}", "/enti", "/tavoli",
        f"/tavoli?q={q}", f"/tavoli/{ids['group_slug']}", f"/tavoli/{ids['on_request']}",
        f"/tavoli/{ids['on_request']}/membri", "/notifiche", "/moderazione",
        "/moderazione/senza-soluzione", "/buone-pratiche",
        f"/domande/{ids['question_id']}/revisioni", f"/segnala/question/{ids['question_id']}",
        f"/domande/nuova?tavolo={ids['group_slug']}",
    ]


def test_no_page_api_or_email_shows_a_restricted_groups_text_to_outsiders(
        app, client, login) -> None:
    ids = _world(app)
    viewers: dict[str, User | None] = ids.pop("viewers")  # type: ignore[assignment]
    insider: User = ids.pop("insider")  # type: ignore[assignment]
    facilitator: User = ids.pop("facilitator")  # type: ignore[assignment]
    login(insider)
    assert MARKER in client.get(f"/domande/{ids['question_id']}").get_data(as_text=True)
    assert MARKER in client.get(f"/cerca?q={MARKER}").get_data(as_text=True)
    client.post("/esci")
    rules = [r for r in app.url_map.iter_rules()
             if "GET" in r.methods and r.endpoint != "static"]
    # Several rules give the same address (and the extra list repeats a few): each
    # address once per viewer, the same pages as before.
    urls = list(dict.fromkeys([_sample_url(app, rule, ids) for rule in rules]
                              + _extra_urls(ids)))
    public_url = f"/domande/{ids['public']}"
    assert public_url in urls
    crawled = 0
    for who, viewer in viewers.items():
        if viewer is not None:
            login(viewer)
        for url in urls:
            response = client.get(url)
            body = response.get_data(as_text=True).lower()
            assert response.status_code < 500, (who, url)
            assert SECOND not in body, (who, url, response.status_code)
            if MARKER not in url.lower():
                assert MARKER not in body, (who, url, response.status_code)
            if url == public_url:
                assert OPEN_MARKER in body  # the crawl reads real pages
            crawled += 1
        if viewer is not None:
            client.post("/esci")
    assert crawled > 2 * len(rules)
    send_digests(Delivery.WEEKLY, utcnow() + timedelta(days=8))
    send_digests(Delivery.DAILY, utcnow() + timedelta(days=2))
    insiders = {insider.email, facilitator.email}
    sent_to = {message["To"] for message in outbox_messages()}
    assert {v.email for v in viewers.values() if v is not None} & sent_to  # digests went out
    for message in outbox_messages():
        if message["To"] in insiders:
            continue
        for part in message.walk():
            if part.get_content_maintype() == "text":
                text = part.get_content().lower()
                assert MARKER not in text and SECOND not in text, (message["To"],
                                                                   message["Subject"])
        assert MARKER not in str(message["Subject"]).lower()
