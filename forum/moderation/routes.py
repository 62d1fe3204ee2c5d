"""Flags, the review queue, moderators' actions on posts and threads, and the audit log."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.errors import DomainError
from forum.limits import write_limit
from forum.moderation import flags, queries, services, threads
from forum.moderation import suggestions as edit_suggestions
from forum.moderation.forms import FLAG_REASON_LABELS, ActionForm, CloseForm, FlagForm
from forum.moderation.labels import ACTION_LABELS, TARGET_LABELS
from forum.moderation.posts import load_post
from forum.revisions.diff import diff_html
from forum.taxonomy import N_
from forum.views import form_error, page_arg, safe_next

bp = Blueprint("moderation", __name__)

POST_TYPES = "any(question, answer, comment)"
POST_ACTIONS: dict[str, Any] = {
    "nascondi": services.hide_post,
    "ripristina": services.restore_post,
    "archivia-segnalazioni": services.dismiss_flags,
    "avvisa": services.warn_author,
}
POST_DONE = {
    "nascondi": N_("Contenuto nascosto: l'autore vede il motivo."),
    "ripristina": N_("Contenuto di nuovo visibile."),
    "archivia-segnalazioni": N_("Segnalazioni archiviate."),
    "avvisa": N_("Avviso inviato all'autore."),
}
THREAD_ACTIONS: dict[str, Any] = {
    "riapri": threads.reopen_question,
    "blocca": threads.lock_question,
    "sblocca": threads.unlock_question,
}


def _require_moderator() -> None:
    if not permissions.can_moderate(current_user):
        abort(403, description=_("Questa pagina è riservata alla moderazione."))


def _post_or_404(post_type: str, post_id: int):  # type: ignore[no-untyped-def]
    """The post and its thread; a restricted working group's is "not found" for anyone
    outside the group, moderators included (its existence stays with its members)."""
    ref = load_post(post_type, post_id)
    if not permissions.can_read_group_content(current_user, ref.question.group):
        abort(404, description=_("Contenuto non trovato."))
    return ref


def _moderated_ref(post_type: str, post_id: int):  # type: ignore[no-untyped-def]
    """The post, for whoever moderates its thread: the theme's moderators, or a group's
    facilitators for the group's threads (a thread one cannot read is not found)."""
    ref = load_post(post_type, post_id)
    if not permissions.can_view_question(current_user, ref.question):
        abort(404, description=_("Contenuto non trovato."))
    if not permissions.can_moderate_question(current_user, ref.question):
        _require_moderator()
        abort(403, description=_("Non moderi il tema di questo contenuto."))
    return ref


def _after_action(ref) -> str:  # type: ignore[no-untyped-def]
    """Back where the moderator came from; the queue for moderators, the thread otherwise."""
    return _back(url_for("moderation.queue") if permissions.can_moderate(current_user)
                 else ref.url)


def _back(default: str) -> str:
    return safe_next(request.values.get("next"), default)


@bp.route(f"/segnala/<{POST_TYPES}:post_type>/<int:post_id>", methods=["GET", "POST"])
@login_required
@write_limit("FLAG_LIMIT", "flagging")
def flag(post_type: str, post_id: int):
    """Report a post to the moderators (a page of its own, so it works without JavaScript)."""
    ref = _post_or_404(post_type, post_id)
    if not permissions.can_view_question(current_user, ref.question):
        abort(404, description=_("Contenuto non trovato."))
    form = FlagForm()
    status = 200
    if form.validate_on_submit():
        try:
            flags.flag_post(current_user, post_type, post_id, reason=form.reason.data,
                            note=form.note.data or "", duplicate_of=form.duplicate_of.data)
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Grazie: la segnalazione è arrivata alla moderazione."), "success")
            return redirect(ref.url, code=303)
    elif request.method == "POST":
        status = 422
    return render_template("moderation/flag.html", form=form, ref=ref), status


@bp.route("/moderazione")
@login_required
def queue():
    """Flagged posts awaiting a decision, oldest first, within the moderator's themes."""
    _require_moderator()
    reason = request.args.get("motivo") or None
    if reason is not None and reason not in FLAG_REASON_LABELS:
        abort(400, description=_("Motivo non valido."))
    theme = (request.args.get("tema") or "").strip()[:60] or None
    page = page_arg()
    items, total = queries.review_queue(current_user, page=page, reason=reason, theme=theme)
    return render_template(
        "moderation/queue.html", items=items, total=total, page=page, per_page=20,
        reason=reason, theme=theme, counts=queries.pending_counts(current_user),
        reason_labels=FLAG_REASON_LABELS,
    )


@bp.route(
    f"/moderazione/<{POST_TYPES}:post_type>/<int:post_id>"
    '/<any(nascondi, ripristina, "archivia-segnalazioni", avvisa):action>',
    methods=["GET", "POST"],
)
@login_required
def post_action(post_type: str, post_id: int, action: str):
    """Hide, restore, dismiss flags on, or warn the author of a post."""
    ref = _moderated_ref(post_type, post_id)
    form = ActionForm()
    status = 200
    if form.validate_on_submit():
        try:
            POST_ACTIONS[action](current_user, post_type, post_id, reason=form.reason.data or "")
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_(POST_DONE[action]), "success")
            return redirect(_after_action(ref), code=303)
    elif request.method == "POST":
        status = 422
    return render_template("moderation/action.html", form=form, ref=ref, action=action,
                           next=request.values.get("next", "")), status


@bp.route("/domande/<int:question_id>/moderazione/chiudi", methods=["GET", "POST"])
@login_required
def close(question_id: int):
    """Close a question with a reason (a duplicate points to its original)."""
    ref = _moderated_ref("question", question_id)
    form = CloseForm()
    status = 200
    if form.validate_on_submit():
        try:
            threads.close_question(current_user, question_id, reason=form.reason.data,
                                   note=form.note.data or "",
                                   duplicate_of=form.duplicate_of.data or "")
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Domanda chiusa."), "success")
            return redirect(ref.url, code=303)
    elif request.method == "POST":
        status = 422
    return render_template("moderation/close.html", form=form, ref=ref), status


@bp.route(
    "/domande/<int:question_id>/moderazione/<any(riapri, blocca, sblocca):action>",
    methods=["GET", "POST"],
)
@login_required
def thread_action(question_id: int, action: str):
    """Reopen a closed question, lock or unlock a thread."""
    ref = _moderated_ref("question", question_id)
    form = ActionForm()
    status = 200
    if form.validate_on_submit():
        try:
            THREAD_ACTIONS[action](current_user, question_id, reason=form.reason.data or "")
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash({"riapri": _("Domanda riaperta."), "blocca": _("Discussione bloccata."),
                   "sblocca": _("Discussione sbloccata.")}[action], "success")
            return redirect(ref.url, code=303)
    elif request.method == "POST":
        status = 422
    return render_template("moderation/action.html", form=form, ref=ref, action=action,
                           next=""), status


def _date_arg(name: str) -> date | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        abort(400, description=_("Data non valida: usa il formato AAAA-MM-GG."))


@bp.route("/moderazione/registro")
@login_required
def audit():
    """The audit log: every moderator and admin action, filterable, read-only."""
    _require_moderator()
    action = request.args.get("azione") or None
    target = request.args.get("oggetto") or None
    if (action and action not in ACTION_LABELS) or (target and target not in TARGET_LABELS):
        abort(400, description=_("Filtro non valido."))
    filters = queries.AuditFilters(
        actor=(request.args.get("autore") or "").strip()[:32] or None,
        action=action, target_type=target,
        since=_date_arg("dal"), until=_date_arg("al"),
    )
    entries = queries.audit_log(filters, page_arg(), current_app.config["AUDIT_PER_PAGE"])
    return render_template("moderation/audit.html", entries=entries, filters=filters,
                           action_labels=ACTION_LABELS, target_labels=TARGET_LABELS)


@bp.route("/moderazione/modifiche")
@login_required
def suggestions():
    """Edits proposed by members, with a word diff against the current text."""
    _require_moderator()
    return render_template("moderation/suggestions.html",
                           pairs=edit_suggestions.pending_suggestions(current_user),
                           diff_html=diff_html)


@bp.route("/moderazione/modifiche/<int:suggestion_id>/<any(approva, respingi):decision>",
          methods=["POST"])
@login_required
def decide_suggestion(suggestion_id: int, decision: str):
    """Approve (applied as a normal edit) or reject a proposed edit."""
    _require_moderator()
    try:
        if decision == "approva":
            edit_suggestions.approve_suggestion(current_user, suggestion_id)
        else:
            edit_suggestions.reject_suggestion(current_user, suggestion_id,
                                               reason=request.form.get("reason", ""))
    except DomainError as error:
        if error.status_code in (403, 404):
            raise  # the error handler maps it
        flash(error.message, "danger")
        return render_template("moderation/suggestions.html",
                               pairs=edit_suggestions.pending_suggestions(current_user),
                               diff_html=diff_html), error.status_code
    flash(_("Modifica approvata e applicata.") if decision == "approva"
          else _("Proposta respinta."), "success")
    return redirect(url_for("moderation.suggestions"), code=303)


@bp.route(f"/moderazione/<{POST_TYPES}:post_type>/<int:post_id>/sospendi-autore",
          methods=["GET", "POST"])
@login_required
def suspend_author(post_type: str, post_id: int):
    """Suspend the member who wrote a flagged post (moderators: members only)."""
    from forum.admin.forms import SuspendForm

    _require_moderator()
    ref = _post_or_404(post_type, post_id)
    form = SuspendForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.suspend_author(
                current_user, post_type, post_id, reason=form.reason.data or "",
                days=form.parsed_days(), until=form.parsed_until())
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Account di %(name)s sospeso.", name=user.display_name), "success")
            return redirect(_back(url_for("moderation.queue")), code=303)
    elif request.method == "POST":
        status = 422
    return render_template("moderation/suspend.html", form=form, ref=ref,
                           max_days=current_app.config["SUSPENSION_MAX_DAYS"],
                           next=request.values.get("next", "")), status
