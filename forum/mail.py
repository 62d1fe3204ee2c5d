"""Outgoing e-mail: an outbox folder by default, SMTP when configured.

`send_mail` only enqueues the "mail.send" job (forum/jobs): an SMTP server that is slow or
down never holds a request, and a message asked for in a transaction is sent only if that
transaction commits. `deliver` is the task that talks to the server.
"""

from __future__ import annotations

import smtplib
import uuid
from email.message import EmailMessage
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from forum.jobs import enqueue, task

# An attachment as the job stores it: file name, MIME type with its parameters
# ("text/calendar; method=REQUEST; charset=utf-8"), and the text itself.
Attachment = tuple[str, str, str]


def send_mail(to: str, subject: str, body: str, *, key: str | None = None,
              html: str | None = None, headers: dict[str, str] | None = None,
              session: Session | None = None,
              attachments: list[Attachment] | None = None) -> int:
    """Queue a message in the current transaction (the caller commits; with no
    transaction open it commits on its own); returns the job id. With `key`, a message of
    that key still waiting is not queued twice. With `html`, the message is
    multipart/alternative (text first, then HTML); `headers` are added as given
    (List-Unsubscribe, say). `attachments`: text files (a calendar invitation) carried
    after the body. `session`: a job's own session, whose transaction it joins."""
    args: list[object] = [to, str(subject), str(body), html, headers or {}]
    if attachments:
        if any(not mime.strip().lower().startswith("text/") for _n, mime, _t in attachments):
            raise ValueError("only text attachments are supported")
        args.append([[str(name), str(mime), str(text)] for name, mime, text in attachments])
    return enqueue("mail.send", *args, key=key, session=session).id


def _attach(message: EmailMessage, name: str, mime: str, text: str) -> None:
    """A text attachment; the MIME type's parameters (method=REQUEST) are kept."""
    kind, *raw_params = (part.strip() for part in mime.split(";"))
    maintype, _slash, subtype = kind.partition("/")
    if maintype != "text" or not subtype:
        raise ValueError(f"only text attachments are supported, not {mime!r}")
    params = {}
    for raw in raw_params:
        key, _eq, value = raw.partition("=")
        if key.strip().lower() != "charset" and value:
            params[key.strip()] = value.strip().strip('"')
    message.add_attachment(text, subtype=subtype, filename=name, params=params)


@task("mail.send")
def deliver(to: str, subject: str, body: str, html: str | None = None,
            headers: dict[str, str] | None = None,
            attachments: list[list[str]] | None = None) -> None:
    """Send now; without MAIL_SMTP_HOST the message lands in instance/outbox."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    for name, mime, text in attachments or ():
        _attach(message, name, mime, text)
    host = config.get("MAIL_SMTP_HOST")
    if not host:
        outbox = Path(current_app.instance_path) / "outbox"
        outbox.mkdir(parents=True, exist_ok=True)
        (outbox / f"{uuid.uuid4().hex}.eml").write_bytes(message.as_bytes())
        current_app.logger.info("Email per %s salvata in %s", to, outbox)
        return
    with smtplib.SMTP(host, int(config["MAIL_SMTP_PORT"]), timeout=15) as smtp:
        if config.get("MAIL_SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("MAIL_SMTP_USER"):
            smtp.login(config["MAIL_SMTP_USER"], config["MAIL_SMTP_PASSWORD"] or "")
        try:
            smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as refused:
            codes = [code for code, _text in refused.recipients.values()]
            if not codes or any(code < 500 for code in codes):
                raise  # a temporary refusal: the job is retried later
            _mark_bounced(to)


def _mark_bounced(address: str) -> None:
    """A permanent refusal (5xx) of the recipient: stop notification mail to it; the
    job ends there (retrying would only be refused again)."""
    from sqlalchemy import func, update

    from forum.database import write_intent
    from forum.extensions import db
    from forum.models import User
    from forum.models.base import utcnow

    current_app.logger.warning("Indirizzo rifiutato in modo permanente: %s", address)
    with write_intent():
        db.session.execute(update(User).where(
            func.lower(User.email) == address.lower(), User.email_bounced_at.is_(None),
        ).values(email_bounced_at=utcnow()))
        db.session.commit()


def outbox_messages() -> list[EmailMessage]:
    """Messages in the outbox, oldest first (used by tests and local development)."""
    from email import policy
    from email.parser import BytesParser

    outbox = Path(current_app.instance_path) / "outbox"
    files = sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(p.read_bytes()) for p in files]  # type: ignore[misc]
