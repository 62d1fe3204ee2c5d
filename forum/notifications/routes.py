"""The member's notifications page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.notifications import services
from forum.notifications.messages import render_message

bp = Blueprint("notifications", __name__)


@bp.route("/notifiche")
@login_required
def index():
    """Latest notifications, unread ones marked; reading the page changes nothing."""
    items = services.recent_notifications(current_user.id)
    return render_template("notifications/index.html", items=items, render_message=render_message)


@bp.route("/notifiche/lette", methods=["POST"])
@login_required
def mark_read():
    """Mark every notification as read."""
    count = services.mark_all_read(current_user)
    flash(_("Notifiche segnate come lette.") if count else _("Nessuna notifica da leggere."),
          "success")
    return redirect(url_for("notifications.index"), code=303)
