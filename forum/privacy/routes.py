"""Privacy: "I miei dati" (export, deletion with a grace period), the privacy notice, and
the admin's view of every request."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.attachments import send_stored
from forum.errors import DomainError
from forum.i18n import long_datetime
from forum.models import RequestStatus
from forum.privacy import labels, notice, queries, services
from forum.privacy.export import export_storage
from forum.privacy.forms import ActionForm, DeletionForm, NoticeForm
from forum.views import form_error, page_arg

bp = Blueprint("privacy", __name__)


@bp.context_processor
def _labels() -> dict[str, object]:
    return {"kind_label": labels.kind_label, "status_label": labels.status_label}


def _actor():  # type: ignore[no-untyped-def]
    return current_user._get_current_object()


def _my_data_page(form: DeletionForm | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    data = queries.my_requests(current_user.id)
    return render_template(
        "privacy/my_data.html", data=data, action_form=ActionForm(),
        deletion_form=form or DeletionForm(),
        needs_password=services.has_usable_password(current_user),
        word=services.CONFIRMATION_WORD, retention=notice.retention()), status


@bp.route("/profilo/dati")
@login_required
def my_data():
    """The member's page for their data: export, deletion, past requests."""
    return _my_data_page()


@bp.route("/profilo/dati/esporta", methods=["POST"])
@login_required
def request_export():
    """Ask for the archive of one's data; asking again returns the same request."""
    if not ActionForm().validate_on_submit():
        abort(400)
    export, created = services.request_export(_actor())
    if created:
        flash(_("Richiesta ricevuta: prepariamo l'archivio e ti avvisiamo (anche per e-mail) "
                "quando è pronto."), "success")
    elif export.status == RequestStatus.READY:
        flash(_("Il tuo archivio è già pronto: scaricalo qui sotto."), "info")
    else:
        flash(_("Stiamo già preparando il tuo archivio: ti avvisiamo quando è pronto."), "info")
    return redirect(url_for("privacy.my_data"), code=303)


@bp.route("/profilo/dati/esportazioni/<int:request_id>.zip")
@login_required
def download(request_id: int):
    """The archive, for its owner only (404 for anyone else, 410 once expired)."""
    export, name = services.download_name(current_user, request_id)
    response = send_stored(name, "application/zip", f"officina-miei-dati-{export.id}.zip",
                           missing=_("Archivio non trovato."), storage=export_storage())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/profilo/dati/elimina", methods=["POST"])
@login_required
def request_deletion():
    """Ask for the account's deletion, effective after the grace period."""
    form = DeletionForm()
    if not form.validate_on_submit():
        return _my_data_page(form, 422)
    try:
        deletion = services.request_deletion(
            _actor(), password=form.password.data or "",
            confirmation=form.confirmation.data or "")
    except DomainError as error:
        return _my_data_page(form, form_error(form, error))
    flash(_("Richiesta registrata: il tuo account sarà eliminato il %(when)s. Fino ad "
            "allora puoi annullarla.", when=long_datetime(deletion.due_at)), "warning")
    return redirect(url_for("privacy.my_data"), code=303)


@bp.route("/profilo/dati/elimina/annulla", methods=["POST"])
@login_required
def cancel_deletion():
    """Withdraw one's deletion request (from the banner or from "I miei dati")."""
    if not ActionForm().validate_on_submit():
        abort(400)
    if services.cancel_deletion(_actor()):
        flash(_("Richiesta di eliminazione annullata: il tuo account resta attivo."), "success")
    else:
        flash(_("Non c'era nessuna richiesta di eliminazione da annullare."), "info")
    return redirect(url_for("privacy.my_data"), code=303)


@bp.route("/privacy")
def notice_page():
    """Informativa sul trattamento dei dati personali."""
    return render_template("privacy/notice.html", notice=notice.get_notice())


@bp.route("/amministrazione/privacy")
@login_required
def admin_requests():
    """Every export and deletion request, with the overdue deletions counted."""
    if not permissions.can_review_privacy_requests(current_user):
        abort(403, description=_("Questa sezione è riservata all'amministrazione del sito."))
    kind = request.args.get("tipo", "")
    if kind not in ("", "export", "deletion"):
        abort(400, description=_("Tipo di richiesta non valido."))
    return render_template("privacy/admin_requests.html",
                           data=queries.all_requests(page_arg(), kind), kind=kind)


@bp.route("/amministrazione/privacy/informativa", methods=["GET", "POST"])
@login_required
def notice_settings():
    """Edit the privacy notice (titolare, RPD, finalità, base giuridica...)."""
    if not permissions.can_edit_privacy_notice(current_user):
        abort(403, description=_("Questa sezione è riservata all'amministrazione del sito."))
    form = NoticeForm(data=notice.notice_values() if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        try:
            notice.save_notice(_actor(), {name: getattr(form, name).data or ""
                                          for name in (*notice.LINES, *notice.TEXTS)})
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Informativa aggiornata."), "success")
            return redirect(url_for("privacy.notice_settings"), code=303)
    elif request.method == "POST":
        status = 422
    return render_template("privacy/notice_settings.html", form=form), status
