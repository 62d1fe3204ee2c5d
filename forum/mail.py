"""Outgoing e-mail: an outbox folder by default, SMTP when configured."""

from __future__ import annotations

import smtplib
import uuid
from email.message import EmailMessage
from pathlib import Path

from flask import current_app


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text message; without MAIL_SMTP_HOST it lands in instance/outbox."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
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
        smtp.send_message(message)


def outbox_messages() -> list[EmailMessage]:
    """Messages in the outbox, oldest first (used by tests and local development)."""
    from email import policy
    from email.parser import BytesParser

    outbox = Path(current_app.instance_path) / "outbox"
    files = sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(p.read_bytes()) for p in files]  # type: ignore[misc]
