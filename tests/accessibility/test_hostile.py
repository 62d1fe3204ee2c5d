"""The feedback, answer and settings forms fed the naughty-string corpus and XSS payloads:
never a 5xx, never a script on a page or in the HTML e-mail, the text kept when refused."""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser
from urllib.parse import quote

from forum.mail import outbox_messages
from tests.factories import make_user
from tests.hostile import HOSTILE, SAMPLE

DESCRIPTION = "Il lettore di schermo non legge le etichette del modulo."


class _Active(HTMLParser):
    """Collects what would run in a mail client or browser: scripts, handlers, js: links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        if tag in ("script", "iframe", "object", "embed"):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith(
                    "javascript:"):
                self.found.append(f"{tag} {name}")


def _active(html: str) -> list[str]:
    parser = _Active()
    parser.feed(html)
    return parser.found


def test_the_feedback_form_takes_any_text(client):
    codes: set[int] = set()
    for text in SAMPLE:
        for data in ({"description": text, "email": "a@example.org", "name": text},
                     {"description": DESCRIPTION, "page_url": text, "email": text}):
            response = client.post("/accessibilita/segnalazione", data=data)
            codes.add(response.status_code)
            body = response.get_data(as_text=True)
            assert response.status_code in (303, 422), (response.status_code, text)
            assert "<script>alert" not in body
            if response.status_code == 422 and text.strip() and "\x00" not in text \
                    and text.isprintable():
                assert escape(text.strip(), quote=False)[:40] in body.replace("&#34;", '"') \
                    .replace("&#39;", "'"), text
    assert codes == {303, 422}
    for message in outbox_messages():
        assert _active(message.get_body(("html",)).get_content()) == []


def test_the_page_parameter_and_report_ids_take_any_text(client, login):
    for text in HOSTILE[::5]:
        response = client.get(f"/accessibilita/segnalazione?pagina={quote(text)}")
        assert response.status_code == 200
        assert "<script>alert" not in response.get_data(as_text=True)
    login(make_user("moderator"))
    for raw in ("0", "-1", "99999999999999999999", "1.5", "%00"):
        assert client.get(f"/moderazione/accessibilita/{raw}").status_code == 404
        assert client.post(f"/moderazione/accessibilita/{raw}/risposta").status_code in (
            404, 405)


def test_answers_and_settings_take_any_text(client, login):
    for _i in range(3):
        client.post("/accessibilita/segnalazione",
                    data={"description": DESCRIPTION, "email": "a@example.org"})
    login(make_user("admin"))
    for text in HOSTILE[::9]:
        response = client.post("/moderazione/accessibilita/1/risposta", data={"answer": text})
        assert response.status_code in (303, 409, 422), text
        response = client.post("/amministrazione/accessibilita", data={
            "administration": text, "site_name": text, "compliance": "non_conforme",
            "non_accessible": text, "statement_date": text[:10], "agid_form_url": text,
            "contact_email": text})
        assert response.status_code in (303, 422), (response.status_code, text)
        page = client.get("/accessibilita").get_data(as_text=True)
        assert [f for f in _active(page) if f != "script"] == []
    for message in outbox_messages():
        assert _active(message.get_body(("html",)).get_content()) == []
