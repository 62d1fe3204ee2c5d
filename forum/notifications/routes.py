"""The notification centre, following, and the notification settings."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.notifications import follows, services
from forum.notifications.messages import LEVEL_LABELS, render_message
from forum.views import safe_next

bp = Blueprint("notifications", __name__)


@bp.route("/notifiche")
@login_required
def index():
    """Latest notifications grouped by thread, unread ones marked; reading changes nothing."""
    lines = services.notification_lines(current_user)
    return render_template("notifications/index.html", lines=lines,
                           render_message=render_message)


@bp.route("/notifiche/lette", methods=["POST"])
@login_required
def mark_read():
    """Mark every notification as read."""
    count = services.mark_all_read(current_user)
    flash(_("Notifiche segnate come lette.") if count else _("Nessuna notifica da leggere."),
          "success")
    return redirect(url_for("notifications.index"), code=303)


@bp.route("/notifiche/<int:notification_id>/apri", methods=["POST"])
@login_required
def open_one(notification_id: int):
    """Mark a notification (and its group) read, then go to what it is about."""
    link = services.open_notification(current_user, notification_id)
    return redirect(safe_next(link, url_for("notifications.index")), code=303)


@bp.route("/segui", methods=["POST"])
@login_required
def follow():
    """Set the member's notification level on a thread, theme, tag, practice or member."""
    kind, target_id = follows.parse_target(request.form.get("tipo", ""),
                                           request.form.get("id", ""))
    level = request.form.get("livello", "")
    target = follows.set_level(current_user, kind, target_id, level)
    flash(_("Notifiche per «%(what)s»: %(level)s.", what=target.label,
            level=_(LEVEL_LABELS[level])), "success")
    return redirect(safe_next(request.form.get("next"), target.url), code=303)


@bp.route("/impostazioni/notifiche")
@login_required
def settings():
    """What the member follows, each with its level, changeable here."""
    return render_template("notifications/settings.html", followed=follows.my_follows(current_user))
