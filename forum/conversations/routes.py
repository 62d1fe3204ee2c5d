"""Private conversations (/messaggi), blocks, and the moderators' queue of reported messages."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.wrappers import Response
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter import RequestLimit
from flask_login import current_user, login_required

from forum.conversations import queries, services
from forum.conversations.forms import BlockForm, NewConversationForm, ReplyForm, ReportForm
from forum.errors import DomainError
from forum.extensions import limiter
from forum.limits import config_limit, member_key
from forum.models import MAX_PARTICIPANTS, ReportStatus
from forum.negotiation import wants_json
from forum.views import form_error, optional_int, personal_data_confirmed, safe_next

bp = Blueprint("conversations", __name__)


def _limit_message(limit: RequestLimit) -> tuple[str, int]:
    wait = max(1, int(limit.reset_at - time.time()))
    minutes = max(1, round(wait / 60))
    return ngettext(
        "Hai inviato troppi messaggi in poco tempo: il testo è rimasto qui, riprova tra "
        "%(num)d minuto.",
        "Hai inviato troppi messaggi in poco tempo: il testo è rimasto qui, riprova tra "
        "%(num)d minuti.", minutes), wait


def _keeping_text(render: Callable[[], Any]) -> Callable[[RequestLimit], Response]:
    """A rate limit that answers 429 with the form re-rendered, the writer's text in it
    (the error handler returns this response as it is)."""

    def breached(limit: RequestLimit) -> Response:
        message, wait = _limit_message(limit)
        flash(message, "danger")
        response = make_response(render())
        response.status_code = 429
        response.headers["Retry-After"] = str(wait)
        return response

    return breached


def _render_new(form: NewConversationForm | None = None, status: int = 200) -> Any:
    return render_template("conversations/new.html", form=form or NewConversationForm(),
                           max_others=MAX_PARTICIPANTS - 1), status


def _render_conversation(conversation_id: int, *, status: int = 200,
                         reply_form: ReplyForm | None = None,
                         report_form: ReportForm | None = None,
                         report_message_id: int | None = None) -> Any:
    """The conversation page; re-rendered with a status and the member's text on errors."""
    page = queries.conversation_page(current_user, conversation_id)
    return render_template(
        "conversations/detail.html", page=page,
        reply_form=reply_form or ReplyForm(formdata=None),
        report_form=report_form or ReportForm(formdata=None),
        report_message_id=report_message_id,
    ), status


def _rerender_reply() -> Any:
    conversation_id = int((request.view_args or {}).get("conversation_id", 0))
    return _render_conversation(conversation_id, reply_form=ReplyForm())[0]


@bp.route("/messaggi")
@login_required
def index():
    """The member's conversations, newest activity first, with unread counts."""
    return render_template("conversations/index.html", rows=queries.inbox(current_user))


@bp.route("/messaggi/nuovo", methods=["GET", "POST"])
@login_required
@limiter.shared_limit(config_limit("CONVERSATION_LIMIT"), scope="conversations",
                      key_func=member_key, methods=["POST"],
                      on_breach=_keeping_text(lambda: _render_new(NewConversationForm())[0]))
def new():
    """Start a conversation; `?a=<username>` fills in the recipient (the "Scrivi" and
    "Contatta l'autore" buttons). Refusals keep the text and say why."""
    form = NewConversationForm()
    if request.method == "GET":
        form.recipients.data = (request.args.get("a") or "")[:64]
        return _render_new(form)
    if not form.validate_on_submit():
        flash(_("Controlla i campi evidenziati."), "danger")
        return _render_new(form, 422)
    try:
        conversation = services.start_conversation(
            current_user, recipients=form.recipients.data or "",
            subject=form.subject.data or "", body=form.body.data or "",
            confirmed_personal_data=personal_data_confirmed())
    except DomainError as error:
        if error.status_code == 404:
            raise
        return _render_new(form, form_error(form, error))
    flash(_("Messaggio inviato."), "success")
    return redirect(url_for("conversations.detail", conversation_id=conversation.id), code=303)


@bp.route("/messaggi/<int:conversation_id>")
@login_required
def detail(conversation_id: int):
    """A conversation, for its participants only; reading it changes nothing (the page
    marks it read with a POST, by script or with its button)."""
    return _render_conversation(conversation_id)


@bp.route("/messaggi/<int:conversation_id>/rispondi", methods=["POST"])
@login_required
@limiter.shared_limit(config_limit("MESSAGE_LIMIT"), scope="messages", key_func=member_key,
                      methods=["POST"], on_breach=_keeping_text(_rerender_reply))
def reply(conversation_id: int):
    """Reply in the conversation; errors re-render the page with the text kept."""
    form = ReplyForm()
    if not form.validate_on_submit():
        flash(_("Controlla i campi evidenziati."), "danger")
        return _render_conversation(conversation_id, status=422, reply_form=form)
    try:
        message = services.post_message(current_user, conversation_id,
                                        body=form.body.data or "",
                                        confirmed_personal_data=personal_data_confirmed())
    except DomainError as error:
        if error.status_code == 404:
            raise
        return _render_conversation(conversation_id, status=form_error(form, error),
                                    reply_form=form)
    url = url_for("conversations.detail", conversation_id=conversation_id)
    return redirect(f"{url}#messaggio-{message.id}", code=303)


@bp.route("/messaggi/<int:conversation_id>/letti", methods=["POST"])
@login_required
def mark_read(conversation_id: int):
    """Mark the conversation read up to the newest message shown (`fino`)."""
    up_to = optional_int(request.form.get("fino"))
    mark = services.mark_read(current_user, conversation_id, up_to=up_to)
    if wants_json():
        return jsonify(read_up_to=mark, unread=queries.unread_total(current_user.id))
    flash(_("Conversazione segnata come letta."), "success")
    return redirect(url_for("conversations.detail", conversation_id=conversation_id), code=303)


@bp.route("/messaggi/<int:conversation_id>/lascia", methods=["POST"])
@login_required
def leave(conversation_id: int):
    """Leave the conversation."""
    services.leave_conversation(current_user, conversation_id)
    flash(_("Hai lasciato la conversazione."), "success")
    return redirect(url_for("conversations.index"), code=303)


@bp.route("/messaggi/segnala/<int:message_id>", methods=["POST"])
@login_required
@limiter.shared_limit(config_limit("FLAG_LIMIT"), scope="flagging", key_func=member_key,
                      methods=["POST"])
def report(message_id: int):
    """Report a message of someone else to the moderators."""
    form = ReportForm()
    conversation_id = optional_int(request.form.get("conversazione")) or 0
    try:
        if not form.validate_on_submit():
            flash(_("Controlla i campi evidenziati."), "danger")
            return _render_conversation(conversation_id, status=422, report_form=form,
                                        report_message_id=message_id)
        _report, created = services.report_message(current_user, message_id,
                                                 reason=form.reason.data or "")
    except DomainError as error:
        if error.status_code == 404 or not conversation_id:
            raise
        return _render_conversation(conversation_id, status=form_error(form, error),
                                    report_form=form, report_message_id=message_id)
    flash(_("Messaggio segnalato alla moderazione: solo chi modera potrà leggerlo.")
          if created else _("Avevi già segnalato questo messaggio: la moderazione lo esaminerà."),
          "success")
    url = url_for("conversations.detail", conversation_id=conversation_id) \
        if conversation_id else url_for("conversations.index")
    return redirect(f"{url}#messaggio-{message_id}", code=303)


@bp.route("/messaggi/bloccati", methods=["GET", "POST"])
@login_required
def blocked():
    """The members I blocked (unblock from here); POST blocks one more."""
    form = BlockForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                member = services.block_member(current_user, form.username.data or "")
            except DomainError as error:
                status = form_error(form, error)
            else:
                flash(_("Hai bloccato %(name)s: non potrà scriverti né scrivere nelle "
                        "conversazioni in cui sei.", name=member.display_name), "success")
                return redirect(safe_next(form.next.data, url_for("conversations.blocked")),
                                code=303)
        else:
            flash(_("Controlla i campi evidenziati."), "danger")
            status = 422
    return render_template("conversations/blocked.html", form=form,
                           rows=queries.blocked_members(current_user)), status


@bp.route("/messaggi/bloccati/<username>/sblocca", methods=["POST"])
@login_required
def unblock(username: str):
    """Lift a block."""
    member = services.unblock_member(current_user, username)
    flash(_("Hai sbloccato %(name)s.", name=member.display_name), "success")
    return redirect(safe_next(request.form.get("next"), url_for("conversations.blocked")),
                    code=303)


# -- moderators -------------------------------------------------------------------------------

@bp.route("/moderazione/messaggi")
@login_required
def reports():
    """Reported private messages: who reported whose message and why; the message itself
    is opened one at a time, each reading written in the audit log."""
    status = ReportStatus.CLOSED if request.args.get("stato") == "chiuse" else ReportStatus.OPEN
    return render_template("conversations/reports.html", status=status,
                           lines=queries.report_queue(current_user, status))


@bp.route("/moderazione/messaggi/<int:report_id>/apri", methods=["POST"])
@login_required
def open_report(report_id: int):
    """Read one reported message (a POST: the reading is recorded before it is shown)."""
    found = services.read_reported_message(current_user, report_id)
    return render_template("conversations/report.html", found=found)


@bp.route("/moderazione/messaggi/<int:report_id>/chiudi", methods=["POST"])
@login_required
def close_report(report_id: int):
    """Close a report, with an optional note for the audit log."""
    services.close_report(current_user, report_id, note=request.form.get("nota", ""))
    flash(_("Segnalazione chiusa."), "success")
    return redirect(url_for("conversations.reports"), code=303)
