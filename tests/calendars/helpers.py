"""Reading back what the calendars produce: invitations attached to outbox e-mails."""

from __future__ import annotations

from email.message import EmailMessage

import icalendar

from forum.mail import outbox_messages


def mails_to(address: str) -> list[EmailMessage]:
    """The outbox messages sent to `address`, oldest first."""
    return [m for m in outbox_messages() if m["To"] == address]


def invitations(message: EmailMessage) -> list[tuple[str, icalendar.Calendar]]:
    """The message's calendar attachments: (Content-Type header, parsed calendar)."""
    out = []
    for part in message.iter_attachments():
        if part.get_content_type() == "text/calendar":
            out.append((str(part["Content-Type"]), icalendar.Calendar.from_ical(
                part.get_content())))
    return out


def body(message: EmailMessage) -> str:
    """The plain-text body."""
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def vevents(calendar: icalendar.Calendar) -> list[icalendar.Event]:
    return list(calendar.walk("VEVENT"))
