"""Sending an issue: one e-mail per opted-in member, each member once.

The job (queued once when the board presses "Invia", see `services.start_sending`) walks
the recipients in batches. For each batch, in one write transaction, it claims the
members' delivery rows (INSERT ... ON CONFLICT DO NOTHING on the unique pair
issue+member, RETURNING the rows it really inserted) and queues the e-mails of those
rows only, through the mail job (the digests' way: the claim and the queued mail commit
together or not at all). So a second job, a retry after a crash between two batches, or
a command started by hand next to the job, sends nobody twice and skips nobody.
"""

from __future__ import annotations

from typing import Any, cast

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Table, exists, func, or_, select, update

from forum.database import upsert_insert, write_intent
from forum.extensions import db
from forum.jobs import task
from forum.models import (
    AccountStatus,
    NewsletterDelivery,
    NewsletterIssue,
    NewsletterStatus,
    User,
)
from forum.models.base import utcnow
from forum.newsletters.compose import render_content
from forum.notifications.mailing import (
    NEWSLETTER,
    Outgoing,
    may_receive_mail,
    render_mail,
    site_url,
    unsubscribe_headers,
    unsubscribe_token,
)

SEND = "newsletters.send"
BATCH = 100


def _eligible() -> list[ColumnElement[bool]]:
    """Members who opted in and may receive mail (the SQL form of `may_receive_mail`)."""
    now = utcnow()
    return [User.newsletter_opt_in.is_(True), User.status == AccountStatus.ACTIVE,
            User.email_bounced_at.is_(None),
            or_(User.suspended_until.is_(None), User.suspended_until <= now)]


def _recipients_after(issue_id: int, last_id: int) -> list[User]:
    """The next batch of eligible members with no delivery row for this issue yet (keyset
    pagination on the id)."""
    delivered = exists().where(NewsletterDelivery.issue_id == issue_id,
                               NewsletterDelivery.user_id == User.id)
    return list(db.session.scalars(select(User).where(
        User.id > last_id, *_eligible(), ~delivered).order_by(User.id).limit(BATCH)))


def opted_in_count() -> int:
    """How many members would receive an issue sent now."""
    return db.session.scalar(select(func.count()).select_from(User).where(*_eligible())) or 0


def compose_mail(issue: NewsletterIssue, user: User,
                 bodies: dict[str, tuple[str, str]]) -> Outgoing:
    """The issue as one member's e-mail, in their language, with a one-click link that
    stops the newsletter (and nothing else). `bodies` caches the body per language."""
    language = user.language or "it"
    if language not in bodies:
        bodies[language] = render_content(issue.intro_html, issue.content, language)
    text, html = bodies[language]
    with force_locale(language):
        subject = _("Officina informa: %(title)s", title=issue.title)
    token = unsubscribe_token(user.id, NEWSLETTER)
    mail_text, mail_html = render_mail(
        "newsletter", language, user=user, title=issue.title, body_text=text,
        body_html=html, settings=site_url("/impostazioni/notifiche"),
        unsubscribe=site_url(f"/disiscriviti/{token}"))
    return Outgoing(user.email, subject[:200], mail_text, mail_html,
                    unsubscribe_headers(user.id, NEWSLETTER))


def _claim(issue_id: int, user_ids: list[int]) -> set[int]:
    """Insert the delivery rows; the members whose row this call inserted."""
    insert: Any = upsert_insert(db.session())
    now = utcnow()
    table = cast(Table, NewsletterDelivery.__table__)
    rows = db.session.execute(
        insert(table).values([{"issue_id": issue_id, "user_id": u, "sent_at": now}
                              for u in user_ids])
        .on_conflict_do_nothing(index_elements=["issue_id", "user_id"])
        .returning(table.c.user_id))
    return {int(r.user_id) for r in rows}


def deliver_issue(issue_id: int) -> int:
    """Send the issue to every member still without it, then mark it sent; returns how
    many e-mails this call queued."""
    issue = db.session.get(NewsletterIssue, issue_id)
    if issue is None or issue.status == NewsletterStatus.DRAFT:
        return 0
    bodies: dict[str, tuple[str, str]] = {}
    queued, last_id = 0, 0
    while True:
        batch = _recipients_after(issue_id, last_id)
        if not batch:
            break
        last_id = batch[-1].id
        messages = {u.id: compose_mail(issue, u, bodies) for u in batch
                    if may_receive_mail(u)}
        if not messages:
            continue
        with write_intent():
            for user_id in _claim(issue_id, sorted(messages)):
                messages[user_id].queue()
                queued += 1
            db.session.commit()
    with write_intent():
        count = db.session.scalar(select(func.count()).where(
            NewsletterDelivery.issue_id == issue_id)) or 0
        table = cast(Table, NewsletterIssue.__table__)
        db.session.execute(update(table).where(
            table.c.id == issue_id, table.c.status == NewsletterStatus.SENDING)
            .values(status=NewsletterStatus.SENT, sent_at=utcnow(), recipient_count=count))
        db.session.commit()
    return queued


@task(SEND)
def send_issue_job(issue_id: int) -> int:
    """The job behind "Invia" (retried after a failure: it resumes where it stopped)."""
    return deliver_issue(int(issue_id))
