"""The newsletter: what an issue holds (public things only), drafts, and sending each
member an issue once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.announcements.queries import today
from forum.errors import Conflict, InvalidInput, NotAllowed
from forum.extensions import db
from forum.models import NewsletterDelivery, NewsletterIssue, NewsletterStatus, User
from forum.newsletters.compose import compose_content
from forum.newsletters.sending import deliver_issue
from forum.newsletters.services import IssueFields, start_sending, update_issue
from tests.concurrency import at_once
from tests.factories import make_user
from tests.newsletters.helpers import fill_month, make_issue, opt_in
from tests.notifications.test_mail import parts


def _titles(content: dict, section: str) -> list[str]:
    return [item["title"] for item in content[section]]


def test_an_issue_holds_the_month_s_public_items_only(app):
    month = fill_month()
    day = today()
    content = compose_content(day.year, day.month)
    assert _titles(content, "priorities") == ["Priorità 2027: posti nido nelle aree interne"]
    assert _titles(content, "guidelines") == ["Linea guida pubblicata sulle rette dei nidi"]
    assert content["guidelines"][0]["new"] is True
    assert _titles(content, "solved") == ["Come calcolare le rette del nido con l'ISEE corrente?"]
    assert _titles(content, "practices") == ["Sportello unico per le famiglie della valle"]
    assert _titles(content, "events") == ["Webinar sulle rette dei nidi e ISEE"]
    assert month.secret_title not in str(content) and month.secret_event not in str(content)
    assert all(item["link"].startswith("http") for section in ("priorities", "solved")
               for item in content[section])


def test_a_past_month_holds_nothing_of_this_month(app):
    fill_month()
    day = today()
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    content = compose_content(year, month)
    assert content["solved"] == [] and content["practices"] == [] and content["guidelines"] == []


def test_only_the_board_prepares_an_issue_one_per_month(app):
    board = make_user("editor")
    with pytest.raises(NotAllowed):
        make_issue(make_user())
    make_issue(board)
    with pytest.raises(Conflict) as taken:
        make_issue(board)
    assert "month" in taken.value.field_errors


@pytest.mark.parametrize("year, month", [(2019, 5), (2999, 1), (2026, 13), (None, None)])
def test_a_month_out_of_range_is_refused(app, year, month):
    with pytest.raises(InvalidInput) as refused:
        make_issue(make_user("editor"), year=year, month=month)
    assert "month" in refused.value.field_errors


def test_an_issue_is_edited_while_a_draft_only(app):
    board = make_user("editor")
    issue = make_issue(board)
    update_issue(board, issue.id, IssueFields(title="Titolo cambiato", intro="Nuova intro"))
    assert db.session.get(NewsletterIssue, issue.id).intro_html.strip() == "<p>Nuova intro</p>"
    start_sending(board, issue.id)
    with pytest.raises(Conflict):
        update_issue(board, issue.id, IssueFields(title="Troppo tardi", intro=""))


def test_sending_reaches_each_opted_in_active_member_once_in_their_language(app, inbox):
    fill_month()
    board = make_user("editor")
    reader, english, quiet = make_user(), make_user(), make_user()
    pending = make_user()
    pending.status = "pending"
    db.session.get(User, english.id).language = "en"
    db.session.commit()
    opt_in(reader, english, pending)
    issue = make_issue(board)
    assert start_sending(board, issue.id) is True
    assert start_sending(board, issue.id) is False  # a second click
    db.session.commit()
    sent = db.session.get(NewsletterIssue, issue.id)
    assert sent.status == NewsletterStatus.SENT and sent.recipient_count == 2
    assert "Sportello unico" in sent.body_html and "Sportello unico" in sent.body_text
    [mail] = inbox.to(reader.email)
    text, html = parts(mail)
    assert mail["Subject"] == "Officina informa: Officina informa di questo mese"
    assert "Sportello unico per le famiglie della valle" in text
    assert "<strong>intenso</strong>" in html
    assert "Discussioni risolte" in text and mail["List-Unsubscribe-Post"]
    [english_mail] = inbox.to(english.email)
    assert parts(english_mail)[0].startswith("Hello ")  # the section names follow once
    # the lead's catalogue translates them
    assert inbox.to(quiet.email) == [] and inbox.to(pending.email) == []
    assert deliver_issue(issue.id) == 0  # a retried job sends nobody twice
    assert len(inbox.to(reader.email)) == 1


def test_a_job_retried_after_a_crash_sends_only_to_those_not_yet_served(app, inbox):
    board = make_user("editor")
    first, second = make_user(), make_user()
    opt_in(first, second)
    issue = make_issue(board)
    db.session.get(NewsletterIssue, issue.id).status = NewsletterStatus.SENDING
    db.session.add(NewsletterDelivery(issue_id=issue.id, user_id=first.id))  # claimed before
    db.session.commit()
    assert deliver_issue(issue.id) == 1
    assert inbox.to(first.email) == [] and len(inbox.to(second.email)) == 1
    db.session.commit()
    assert db.session.get(NewsletterIssue, issue.id).recipient_count == 2


def test_an_empty_issue_is_not_sent(app):
    board = make_user("editor")
    issue = make_issue(board, intro="")
    with pytest.raises(InvalidInput):
        start_sending(board, issue.id)


def test_many_senders_at_once_send_each_member_one_copy(app, inbox):

    board = make_user("editor")
    members = [make_user() for _ in range(5)]
    opt_in(*members)
    issue = make_issue(board)
    issue_id = issue.id
    db.session.get(NewsletterIssue, issue_id).status = NewsletterStatus.SENDING
    db.session.commit()
    assert sum(at_once(app, lambda: deliver_issue(issue_id), 6)) == 5
    for member in members:
        assert len(inbox.to(member.email)) == 1
    db.session.commit()
    assert len(db.session.scalars(select(NewsletterDelivery)).all()) == 5


def test_the_send_command_resumes_an_issue_without_sending_twice(app, inbox):
    board, reader = make_user("editor"), make_user()
    opt_in(reader)
    issue = make_issue(board)
    start_sending(board, issue.id)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["newsletter", "send", "--issue", str(issue.id)])
    assert "Email accodate: 0." in result.output
    assert len(inbox.to(reader.email)) == 1
