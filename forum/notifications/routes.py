"""The notification centre, following, and the notification settings."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.errors import InvalidInput
from forum.extensions import csrf, limiter, login_manager
from forum.limits import config_limit, member_key
from forum.models import MailCategory
from forum.negotiation import wants_json
from forum.notifications import follows, queries, services
from forum.notifications.mailing import (
    CATEGORY_LABELS,
    DELIVERY_LABELS,
    read_unsubscribe_token,
)
from forum.notifications.messages import LEVEL_LABELS, render_message
from forum.users.standing import require_member
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


@bp.route("/impostazioni/notifiche", methods=["GET", "POST"])
@login_required
def settings():
    """What the member follows, each with its level, and when each kind of notification
    reaches them by e-mail."""
    status, choices, newsletter = 200, None, False
    if request.method == "POST":
        choices = {str(c): request.form.get(f"email-{c}", "") for c in MailCategory}
        newsletter = request.form.get("newsletter") == "1"
        try:
            services.save_mail_settings(current_user, choices, newsletter=newsletter)
        except InvalidInput as error:
            flash(error.message, "danger")
            status = 422
        else:
            flash(_("Preferenze email salvate."), "success")
            return redirect(url_for("notifications.settings"), code=303)
    current = services.mail_choices(current_user)
    shown = {name: (choices or {}).get(name) or value for name, value in current.items()}
    return render_template(
        "notifications/settings.html", followed=follows.my_follows(current_user),
        email_choices=shown, categories=CATEGORY_LABELS, delivery_labels=DELIVERY_LABELS,
        newsletter=newsletter if request.method == "POST" else current_user.newsletter_opt_in,
    ), status


@bp.route("/menzioni/suggerimenti")
@limiter.limit(config_limit("MENTION_SUGGEST_LIMIT"), key_func=member_key)
def mention_suggestions():
    """Members to @mention, for the editor: `?q=<start of a username or of a word of the
    name>[&question=<thread id>]` answers `[{"username", "display_name"}]` (at most 8,
    the thread's participants first). Signed-out scripts get 401, pages the sign-in;
    members who may not write get 403."""
    if not current_user.is_authenticated:
        if wants_json():
            return jsonify(error=_("Accedi per menzionare altri membri.")), 401
        return login_manager.unauthorized()
    require_member(current_user, _("Accedi per menzionare altri membri."))
    found = queries.mention_candidates(current_user, request.args.get("q", ""),
                                       question_id=request.args.get("question", type=int))
    return jsonify([{"username": m.username, "display_name": m.display_name} for m in found])


@bp.route("/disiscriviti/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the credential; mail clients POST without a form (RFC 8058)
def unsubscribe(token: str):
    """Stop e-mails from a link in a message, without signing in. GET asks (link scanners
    open links); POST, from the page or a mail client's one-click button, does it."""
    if request.method == "GET":
        if read_unsubscribe_token(token) is None:
            abort(404, description=_("Il link per annullare l'iscrizione non è valido."))
        return render_template("notifications/unsubscribe.html", token=token, done=False)
    services.unsubscribe(token)
    return render_template("notifications/unsubscribe.html", token=token, done=True)
