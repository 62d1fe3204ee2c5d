"""Every text field fed the naughty-string corpus plus Markdown XSS: never a 5xx, and
accepted text comes back unchanged (after trimming and control-character removal) in the
editor. The whole corpus (tests.hostile.HOSTILE) on purpose: this is where every string
meets every text field, so the per-feature loops can take its SAMPLE."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Comment, User
from forum.text import clean_line, clean_text
from tests.factories import make_answer, make_question, make_user
from tests.hostile import HOSTILE

LONG_BODY = "Un testo di contorno abbastanza lungo da essere accettato dal servizio."


class _FormValues(HTMLParser):
    """Values of inputs and textareas by name, as the browser would fill the editor."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.values[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self.values[self._textarea] = ""

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._textarea:
            self.values[self._textarea] += data


def form_values(html: str) -> dict[str, str]:
    parser = _FormValues()
    parser.feed(html)
    return parser.values


def _editor_text(value: str) -> str:
    """HTML drops one line break right after <textarea>: compare what the user would see."""
    for prefix in ("\r\n", "\n"):
        if value.startswith(prefix):
            return value[len(prefix):]
    return value


@pytest.fixture
def tally():
    stats = {"tried": 0, "accepted": 0, "5xx": 0}
    yield stats
    print(f"hostile inputs: {stats}")


def _check(response, stats) -> bool:
    stats["tried"] += 1
    assert response.status_code < 500, response.status_code
    return response.status_code in (200, 302, 303)


def test_question_title_body_and_tags(app, client, login, tally):
    author = make_user()
    login(author)
    question = make_question(author)
    for text in HOSTILE:
        for field in ("title", "body", "tags"):
            data = {"title": "Titolo di prova sufficientemente lungo", "body": LONG_BODY,
                    "theme": "giovani", "tags": "prova", field: text}
            response = client.post(f"/domande/{question.id}/modifica", data=data)
            if not _check(response, tally):
                continue
            tally["accepted"] += 1
            editor = form_values(client.get(f"/domande/{question.id}/modifica").get_data(
                as_text=True))
            if field == "title":
                assert editor["title"] == clean_line(text)
            elif field == "body":
                assert _editor_text(editor["body"]) == clean_text(text)
    assert client.get(f"/domande/{question.id}").status_code == 200


def test_answer_and_comment_bodies(app, client, login, tally):
    user = make_user()
    login(user)
    question = make_question()
    answer = make_answer(question, user)
    for text in HOSTILE:
        response = client.post(f"/risposte/{answer.id}/modifica", data={"body": text})
        if _check(response, tally):
            tally["accepted"] += 1
            editor = form_values(client.get(f"/risposte/{answer.id}/modifica").get_data(
                as_text=True))
            assert _editor_text(editor["body"]) == clean_text(text)
        response = client.post(f"/domande/{question.id}/commenti",
                               data={"body": text, "answer_id": str(answer.id)})
        if _check(response, tally):
            tally["accepted"] += 1
            stored = db.session.scalars(select(Comment).order_by(Comment.id.desc())).first()
            assert stored.body == clean_text(text)
    assert client.get(f"/domande/{question.id}").status_code == 200


def test_registration_fields(app, client, tally):
    for n, text in enumerate(HOSTILE):
        for field in ("username", "display_name", "organisation"):
            data = {"username": f"ostile{n}{field[:3]}", "display_name": "Nome Prova",
                    "email": f"ostile{n}{field[:3]}@ente.example",
                    "password": "una frase lunga e sicura", "organisation": "Comune (fittizio)",
                    "organisation_type": "comune", "region_code": "08", field: text}
            response = client.post("/registrati", data=data)
            if _check(response, tally):
                tally["accepted"] += 1
                client.post("/esci")
    assert db.session.scalar(select(User.id).limit(1)) is not None


def test_profile_free_text_fields(app, client, login, tally):
    """Name, role, presentation and competences in one form: refused whole with a 4xx, or
    each field back in the editor exactly as cleaned."""
    user = make_user()
    login(user)
    lines, texts = ("display_name", "job_title"), ("bio", "competences")
    for text in HOSTILE:
        data = {"organisation": "Ente (fittizio)", "organisation_type": "comune",
                "region_code": "08", **dict.fromkeys(lines + texts, text)}
        response = client.post("/profilo/modifica", data=data)
        if not _check(response, tally):
            continue
        tally["accepted"] += 1
        editor = form_values(client.get("/profilo/modifica").get_data(as_text=True))
        for field in lines:
            assert editor[field] == clean_line(text)
        for field in texts:
            assert _editor_text(editor[field]) == clean_text(text)
    assert client.get(f"/utenti/{user.username}").status_code == 200


def test_query_string_filters_and_login_never_crash(app, client, tally):
    for text in HOSTILE:
        for url, params in (("/domande", {"tag": text}), ("/domande", {"page": text}),
                            ("/domande", {"tema": text}), ("/temi/giovani", {"ordina": text})):
            _check(client.get(url, query_string=params), tally)
        _check(client.post("/accedi", data={"login": text, "password": text}), tally)


def test_moderation_texts_never_crash_and_stay_in_the_form(app, client, login, tally):
    """Flag notes, close notes, duplicate links and warnings: 4xx with the text kept, or
    stored and shown escaped in the author's notifications and the audit log."""
    from tests.factories import make_comment

    author = make_user()
    question = make_question(author)
    answer = make_answer(question, author)
    comment = make_comment(question, author)
    member, moderator = make_user(), make_user("moderator")
    for text in HOSTILE:
        login(member)
        response = client.post(f"/segnala/comment/{comment.id}",
                               data={"reason": "attention", "note": text})
        _check(response, tally)
        if response.status_code == 422 and clean_text(text):
            assert "note" in form_values(response.get_data(as_text=True))
        response = client.post(f"/segnala/question/{question.id}",
                               data={"reason": "duplicate", "duplicate_of": text})
        if not _check(response, tally) and response.status_code == 422 and (
                text == clean_line(text) and "\r" not in text and len(text) <= 300):
            assert form_values(response.get_data(as_text=True))["duplicate_of"] == text
        login(moderator)
        response = client.post(f"/moderazione/answer/{answer.id}/avvisa",
                               data={"reason": text})
        if _check(response, tally):
            tally["accepted"] += 1
        response = client.post(f"/domande/{question.id}/moderazione/chiudi",
                               data={"reason": "duplicate", "duplicate_of": text, "note": text})
        _check(response, tally)
    for path in ("/moderazione/registro", "/moderazione"):
        page = client.get(path)
        assert page.status_code == 200
        assert "<script>alert" not in page.get_data(as_text=True)
    login(author)
    notifications = client.get("/notifiche")
    assert notifications.status_code == 200
    assert "<script>alert" not in notifications.get_data(as_text=True)
