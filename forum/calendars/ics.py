"""iCalendar (RFC 5545/5546) for events: one VEVENT per session, in Europe/Rome time with
its VTIMEZONE. Invitations (METHOD:REQUEST or CANCEL) go to one member by e-mail and may
carry the online link; feeds (METHOD:PUBLISH) are public and never do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

import icalendar
from flask import current_app
from flask_babel import gettext as _

from forum.events.clock import as_aware_utc, utc_to_rome
from forum.models import Event, EventStatus, Registration, RegistrationStatus, User
from forum.models.base import utcnow

PRODID = "-//Officina//Incontri e formazione//IT"
CALENDAR_MIME = "text/calendar; charset=utf-8"


def invitation_mime(method: str) -> str:
    """The MIME type of an attached invitation (mail clients read the method there)."""
    return f"text/calendar; method={method}; charset=utf-8"


@dataclass(frozen=True)
class Invitee:
    """Who an invitation is for, and whether it shows the online link."""

    user: User
    registration: Registration

    @property
    def confirmed(self) -> bool:
        return self.registration.status == RegistrationStatus.CONFIRMED


def site_domain() -> str:
    """The host named in UIDs: SERVER_NAME, else the host of SITE_URL."""
    config = current_app.config
    name = config.get("SERVER_NAME") or urlsplit(str(config["SITE_URL"])).hostname
    return str(name or "officina.local").split(":")[0]


def session_uid(event: Event, n: int) -> str:
    """Stable per event and session (1-based, in date order): updates and cancellations
    replace what a calendar already holds."""
    return f"event-{event.id}-{n}@{site_domain()}"


def page_url(event: Event) -> str:
    """The event's page, absolute."""
    return str(current_app.config["SITE_URL"]).rstrip("/") + f"/incontri/{event.slug}"


def _place(event: Event) -> str:
    parts = [event.place_name, event.address, event.municipality]
    return ", ".join(p for p in parts if p)


def _organizer(event: Event) -> icalendar.vCalAddress:
    address = event.contact_email or parseaddr(str(current_app.config["MAIL_SENDER"]))[1]
    organizer = icalendar.vCalAddress(f"mailto:{address}")
    organizer.params["CN"] = icalendar.vText(event.organiser)
    return organizer


def _attendee(invitee: Invitee) -> icalendar.vCalAddress:
    attendee = icalendar.vCalAddress(f"mailto:{invitee.user.email}")
    attendee.params["CN"] = icalendar.vText(invitee.user.display_name)
    attendee.params["ROLE"] = icalendar.vText("REQ-PARTICIPANT")
    attendee.params["PARTSTAT"] = icalendar.vText(
        "ACCEPTED" if invitee.confirmed else "TENTATIVE")
    attendee.params["RSVP"] = icalendar.vText("FALSE")
    return attendee


def _components(event: Event, *, invitee: Invitee | None, cancelled: bool,
                stamp: datetime) -> list[icalendar.Event]:
    """The event's VEVENTs; the online link only for a confirmed invitee."""
    with_link = bool(invitee is not None and invitee.confirmed and event.online_url
                     and not cancelled)
    url = page_url(event)
    place = _place(event)
    location = place or (event.online_url if with_link else "")
    lines = [event.summary]
    if with_link:
        lines.append(_("Collegamento: %(url)s", url=event.online_url))
    elif event.online_url and not place:
        lines.append(_("Online: il collegamento è nell'invito degli iscritti confermati."))
    if cancelled and event.cancel_reason:
        lines.append(_("Annullato: %(reason)s", reason=event.cancel_reason))
    lines.append(url)
    sessions = event.sessions
    out = []
    for n, session in enumerate(sessions, start=1):
        vevent = icalendar.Event()
        vevent.add("uid", session_uid(event, n))
        vevent.add("dtstamp", as_aware_utc(stamp))
        vevent.add("dtstart", utc_to_rome(session.starts_at))
        vevent.add("dtend", utc_to_rome(session.ends_at))
        summary = event.title
        if len(sessions) > 1:
            summary = f"{event.title} ({n}/{len(sessions)})"
            if session.title:
                summary += f": {session.title}"
        vevent.add("summary", summary)
        vevent.add("description", "\n\n".join(lines))
        if location:
            vevent.add("location", location)
        vevent.add("url", url)
        vevent.add("sequence", event.sequence)
        vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        vevent.add("created", as_aware_utc(event.created_at))
        vevent.add("last-modified", as_aware_utc(event.updated_at))
        vevent.add("organizer", _organizer(event))
        if invitee is not None:
            vevent.add("attendee", _attendee(invitee))
        out.append(vevent)
    return out


def _calendar(method: str, events: Iterable[tuple[Event, list[icalendar.Event]]],
              name: str = "") -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", "Europe/Rome")
    first = last = None
    for event, components in events:
        for component in components:
            calendar.add_component(component)
        first = min(first or event.starts_at, event.starts_at)
        last = max(last or event.ends_at, event.ends_at)
    if first is not None and last is not None:
        calendar.add_missing_timezones(first_date=(first - timedelta(days=400)).date(),
                                       last_date=(last + timedelta(days=400)).date())
    return bytes(calendar.to_ical())


def invitation(event: Event, user: User, registration: Registration, *,
               withdrawn: bool = False) -> tuple[str, bytes]:
    """One member's invitation, (method, calendar): REQUEST while the event stands (the
    online link if they are confirmed), CANCEL once it is cancelled or once the member
    gave up their place (`withdrawn`). The event's sessions must be loaded."""
    cancelled = withdrawn or event.status == EventStatus.CANCELLED
    method = "CANCEL" if cancelled else "REQUEST"
    components = _components(event, invitee=Invitee(user, registration), cancelled=cancelled,
                             stamp=utcnow())
    return method, _calendar(method, [(event, components)])


def feed(events: Iterable[Event], name: str) -> bytes:
    """A public or personal feed (METHOD:PUBLISH): no online links, no registrants."""
    items = [(event, _components(event, invitee=None,
                                 cancelled=event.status == EventStatus.CANCELLED,
                                 stamp=event.updated_at)) for event in events]
    return _calendar("PUBLISH", items, name)
