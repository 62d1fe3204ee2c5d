"""/newsletter: the public archive, issue pages, the board's draft, preview and send, the
opt-in on the settings page and the one-click opt-out in the e-mail."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import select

from forum.announcements.queries import today
from forum.extensions import db
from forum.models import (
    DEFAULT_DELIVERY,
    NewsletterDelivery,
    NewsletterIssue,
    NewsletterStatus,
    User,
)
from forum.newsletters.services import start_sending
from tests.concurrency import at_once, signed_in_client
from tests.factories import make_user
from tests.hostile import SAMPLE
from tests.newsletters.helpers import fill_month, make_issue, opt_in
from tests.notifications.test_mail import parts

SETTINGS = {f"email-{c}": str(d) for c, d in DEFAULT_DELIVERY.items()}


def _month_path(issue: NewsletterIssue) -> str:
    return f"/newsletter/{issue.year}/{issue.month}"


def test_the_archive_lists_sent_issues_and_drafts_stay_with_the_board(client, login, app):
    board = make_user("editor")
    draft = make_issue(board, title="Numero ancora in bozza")
    day = today()
    sent = make_issue(board, title="Numero già inviato", year=day.year - 1, month=day.month)
    start_sending(board, sent.id)
    page = client.get("/newsletter").get_data(as_text=True)
    assert "Numero già inviato" in page and "Numero ancora in bozza" not in page
    assert "impostazioni delle notifiche" in page
    assert client.get(_month_path(sent)).status_code == 200
    assert client.get(_month_path(draft)).status_code == 404
    login(make_user())
    assert client.get(_month_path(draft)).status_code == 404
    login(board)
    assert "Numero ancora in bozza" in client.get("/newsletter").get_data(as_text=True)
    assert client.get(_month_path(draft)).status_code == 200


def test_a_month_that_does_not_exist_is_404(client, app):
    for path in ("/newsletter/2027/13", "/newsletter/2027/0", "/newsletter/0/5",
                 "/newsletter/2027/99999999999", "/newsletter/2027/3"):
        assert client.get(path).status_code == 404, path


def test_the_board_creates_a_draft_for_the_current_month_by_default(client, login, app):
    login(make_user())
    assert client.get("/newsletter/nuova").status_code == 403
    login(make_user("editor"))
    page = client.get("/newsletter/nuova").get_data(as_text=True)
    assert today().strftime("%Y-%m") in page
    response = client.post("/newsletter/nuova", data={
        "month": today().strftime("%Y-%m"), "title": "Officina informa di dicembre",
        "intro": "Benvenuti."})
    assert response.status_code == 303 and "/anteprima" in response.headers["Location"]
    again = client.post("/newsletter/nuova", data={
        "month": today().strftime("%Y-%m"), "title": "Un altro numero dello stesso mese",
        "intro": "Testo da tenere nel modulo."})
    assert again.status_code == 409 and "Testo da tenere nel modulo" in again.get_data(
        as_text=True)
    bad = client.post("/newsletter/nuova", data={"month": "2027-13", "title": "Titolo valido",
                                                 "intro": "Testo da non perdere."})
    assert bad.status_code == 422 and "Testo da non perdere" in bad.get_data(as_text=True)


def test_the_preview_shows_the_mail_as_html_and_plain_text(client, login, app):
    month = fill_month()
    issue = make_issue(month.board)
    login(month.board)
    page = client.get(f"{_month_path(issue)}/anteprima").get_data(as_text=True)
    assert "Sportello unico per le famiglie della valle" in page
    assert "<strong>intenso</strong>" in page and "Versione solo testo" in page
    assert month.secret_title not in page and month.secret_event not in page
    login(make_user())
    assert client.get(f"{_month_path(issue)}/anteprima").status_code == 403


def test_the_board_edits_a_draft_only(client, login, app):
    board = make_user("editor")
    issue = make_issue(board)
    login(board)
    response = client.post(f"{_month_path(issue)}/modifica",
                           data={"title": "Titolo rivisto del numero", "intro": "Nuova"})
    assert response.status_code == 303
    start_sending(board, issue.id)
    response = client.post(f"{_month_path(issue)}/modifica",
                           data={"title": "Titolo troppo tardi", "intro": "Testo tenuto"})
    assert response.status_code == 409 and "Testo tenuto" in response.get_data(as_text=True)


def test_sending_asks_for_confirmation_then_mails_each_member_once(client, login, app, inbox):
    fill_month()
    board, reader = make_user("editor"), make_user()
    opt_in(reader)
    issue = make_issue(board)
    login(board)
    refused = client.post(f"{_month_path(issue)}/invia", data={})
    assert refused.status_code == 422 and "Spunta la conferma" in refused.get_data(as_text=True)
    for _ in range(2):
        assert client.post(f"{_month_path(issue)}/invia",
                           data={"confirm": "y"}).status_code == 303
    db.session.commit()
    sent = db.session.get(NewsletterIssue, issue.id)
    assert sent.status == NewsletterStatus.SENT and sent.recipient_count == 1
    assert len(inbox.to(reader.email)) == 1
    page = client.get(_month_path(issue)).get_data(as_text=True)
    assert "Sportello unico per le famiglie della valle" in page


def test_24_simultaneous_sends_mail_each_member_once(app, inbox):
    board = make_user("editor")
    members = [make_user() for _ in range(3)]
    opt_in(*members)
    issue = make_issue(board)
    path, board_id = f"{_month_path(issue)}/invia", board.get_id()
    codes = at_once(app, lambda: signed_in_client(app, board_id).post(
        path, data={"confirm": "y"}).status_code, 24)
    assert codes == [303] * 24
    for member in members:
        assert len(inbox.to(member.email)) == 1
    db.session.commit()
    assert len(db.session.scalars(select(NewsletterDelivery)).all()) == 3


def test_members_opt_in_on_the_settings_page_and_out_from_the_mail(client, login, app, inbox):
    board, reader = make_user("editor"), make_user()
    login(reader)
    page = client.get("/impostazioni/notifiche").get_data(as_text=True)
    assert "Ricevi la newsletter mensile Officina informa" in page
    assert 'name="newsletter" value="1" aria' in page  # off by default
    assert client.post("/impostazioni/notifiche",
                       data={**SETTINGS, "newsletter": "1"}).status_code == 303
    db.session.commit()
    assert db.session.get(User, reader.id).newsletter_opt_in is True
    issue = make_issue(board)
    start_sending(board, issue.id)
    [mail] = inbox.to(reader.email)
    link = re.fullmatch(r"<(.+)>", mail["List-Unsubscribe"]).group(1)
    assert urlsplit(link).path in parts(mail)[0]
    response = client.post(urlsplit(link).path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.commit()
    assert db.session.get(User, reader.id).newsletter_opt_in is False
    client.post("/impostazioni/notifiche", data=SETTINGS)  # the box left unticked
    db.session.commit()
    assert db.session.get(User, reader.id).newsletter_opt_in is False


def test_the_forms_take_any_text(client, login, app):
    board = make_user("editor")
    login(board)
    codes = set()
    for n, text in enumerate(SAMPLE):
        data = {"title": text, "intro": text, "month": text if n % 2 else "2026-01"}
        response = client.post("/newsletter/nuova", data=data)
        codes.add(response.status_code)
        assert "<script>alert" not in response.get_data(as_text=True)
    assert codes <= {303, 409, 422}, codes
    issue = db.session.scalars(select(NewsletterIssue)).first() or make_issue(board)
    for text in SAMPLE:
        response = client.post(f"{_month_path(issue)}/modifica", data={"title": text,
                                                                       "intro": text})
        assert response.status_code in {303, 409, 422}  # 409: edited after sending
        response = client.post(f"{_month_path(issue)}/invia", data={"confirm": text})
        assert response.status_code in {303, 422}
        assert "<script>alert" not in response.get_data(as_text=True)
    assert client.get(_month_path(issue)).status_code == 200
