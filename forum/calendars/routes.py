"""Calendar feeds (.ics) of events, the member's personal feed and its secret address.

Feeds are METHOD:PUBLISH without online links or registrants; public ones may be kept
a few minutes by browsers and proxies, the personal one is private to whoever has the
address."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from forum.calendars import feeds
from forum.calendars.ics import CALENDAR_MIME, feed
from forum.models import Event
from forum.notifications.mailing import site_url

bp = Blueprint("calendars", __name__)

PUBLIC_MAX_AGE = 300


def _calendar(events: list[Event], name: str, filename: str, *, public: bool) -> Response:
    response = Response(feed(events, name), content_type=CALENDAR_MIME)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = (f"public, max-age={PUBLIC_MAX_AGE}" if public
                                         else "private, no-store")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/incontri/calendario.ics")
def all_events():
    """Every published event, upcoming and recent."""
    return _calendar(feeds.public_events(), _("Officina: incontri e formazione"),
                     "incontri.ics", public=True)


@bp.route("/incontri/<slug>.ics")
def event(slug: str):
    """One event's sessions (a restricted group's event only for who may see it)."""
    found = feeds.event_for_feed(slug, current_user)
    public = found.group_id is None
    return _calendar([found], found.title, "incontro.ics", public=public)


@bp.route("/temi/<slug>/incontri.ics")
def theme(slug: str):
    """A theme's published events."""
    found, events = feeds.theme_events(slug)
    return _calendar(events, _("Officina: incontri su %(theme)s", theme=_(found.name)),
                     "incontri-tema.ics", public=True)


@bp.route("/calendario/<token>.ics")
def personal(token: str):
    """The member's own calendar: registrations and events of watched themes."""
    owner = feeds.owner_of_token(token)
    return _calendar(feeds.personal_events(owner), _("Officina: il mio calendario"),
                     "calendario.ics", public=False)


@bp.route("/profilo/calendario")
@login_required
def settings():
    """The personal feed's address and the button that makes a new one."""
    token = current_user.calendar_token
    address = site_url(url_for("calendars.personal", token=token)) if token else ""
    subscribe = "webcal://" + address.split("://", 1)[1] if address else ""
    return render_template("calendars/settings.html", address=address, subscribe=subscribe,
                           form=FlaskForm())


@bp.route("/profilo/calendario/rigenera", methods=["POST"])
@login_required
def reset_token():
    """Create the personal feed's address, or replace it (the old one stops working)."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    had = bool(current_user.calendar_token)
    feeds.reset_calendar_token(current_user)
    flash(_("Nuovo indirizzo creato: quello precedente non funziona più.") if had
          else _("Indirizzo del tuo calendario creato."), "success")
    return redirect(url_for("calendars.settings"), code=303)
