"""Best-practice pages: faceted list, detail, propose/edit, workflow, replication,
attachments, open-data downloads."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.errors import DomainError
from forum.extensions import db
from forum.limits import write_limit
from forum.models import FollowTarget, Practice, PracticeAttachment, PracticeStatus
from forum.notifications.follows import level_of
from forum.opendata import datasets
from forum.practices import attachments, links, queries, services
from forum.practices.forms import (
    AttachmentForm,
    PracticeForm,
    ReplicationForm,
    StatusForm,
    field_label,
    fill_form,
    form_data,
)
from forum.render_cache.pages import render_shared
from forum.render_cache.versions import PRACTICES
from forum.search import service as search_service
from forum.views import attach_errors, form_error, page_arg

bp = Blueprint("practices", __name__)


def _filters() -> queries.PracticeFilters:
    selected = {}
    for name in queries.FILTERS:
        values = [v.strip()[:80] for v in request.args.getlist(name) if v.strip()]
        if values:
            selected[name] = values[:20]
    sort = request.args.get("ordina") or "recenti"
    if sort not in queries.SORTS:
        abort(400, description=_("Ordinamento non valido."))
    if any(not v.isdigit() for v in selected.get("anno", [])):
        abort(400, description=_("Anno non valido."))
    return queries.PracticeFilters(selected=selected, sort=sort)


@bp.route("/buone-pratiche")
def index():
    """Published practices with facets; every filter lives in the URL."""
    filters = _filters()
    page = page_arg()
    per_page = current_app.config["PRACTICES_PER_PAGE"]

    def context() -> dict:
        items, total = queries.list_practices(filters, page, per_page)
        pages = max(1, -(-total // per_page))
        if page > pages:
            abort(404, description=_("Questa pagina non esiste: l'elenco ha meno pagine."))
        pending = (queries.pending_review() if permissions.can_curate_practices(current_user)
                   else [])
        return {"items": items, "total": total, "page": page, "pages": pages,
                "filters": filters, "counts": queries.cached_facet_counts(filters),
                "pending": pending}

    return render_shared("practices/index.html", page="practices", scopes=(PRACTICES,),
                         context=context)


@bp.route("/buone-pratiche/export.<any(csv, json):fmt>")
@datasets.export_limit
def export(fmt: str):
    """Open data: every published practice, as CSV or JSON, streamed with its licence
    (the shared open-data mechanism, forum/opendata)."""
    return datasets.download(datasets.DATASETS["buone-pratiche"], fmt)


@bp.route("/buone-pratiche/suggerimenti.json")
def suggestions():
    """Published practices matching a title fragment (citation picker)."""
    found = queries.suggest(request.args.get("q", ""))
    return jsonify(results=[{"slug": p.slug, "title": p.title,
                             "url": url_for("practices.detail", slug=p.slug)} for p in found])


def _save_form(practice=None):  # type: ignore[no-untyped-def]
    form = PracticeForm()
    if practice is not None and request.method == "GET":
        fill_form(form, practice)
    status = 200
    if form.validate_on_submit():
        try:
            if practice is None:
                saved = services.propose_practice(current_user, form_data(form))
                flash(_("Bozza salvata. Quando è completa, inviala in revisione."), "success")
            else:
                saved = services.edit_practice(current_user, practice.id, form_data(form))
                flash(_("Buona pratica aggiornata."), "success")
        except DomainError as error:
            status = form_error(form, error)
        else:
            return redirect(url_for("practices.detail", slug=saved.slug), code=303)
    elif request.method == "POST":
        flash(_("Controlla i campi evidenziati."), "danger")
        status = 422
    return render_template("practices/form.html", form=form, practice=practice), status


@bp.route("/buone-pratiche/nuova", methods=["GET", "POST"])
@login_required
@write_limit("POST_LIMIT", "posting")
def create():
    """Propose a practice; it starts as a draft."""
    return _save_form()


@bp.route("/buone-pratiche/<slug>/modifica", methods=["GET", "POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def edit(slug: str):
    """Edit a practice (author while draft or under review, moderators always)."""
    practice = queries.practice_for_edit(slug)
    if not permissions.can_view_practice(current_user, practice):
        abort(404, description=_("Buona pratica non trovata."))
    if not permissions.can_edit_practice(current_user, practice):
        abort(403, description=_("Non puoi modificare questa buona pratica."))
    return _save_form(practice)


def _render_detail(slug: str, status: int = 200, **forms):  # type: ignore[no-untyped-def]
    page = queries.practice_page(slug, current_user)
    similar = search_service.related_to_practice(page.practice,
                                                 [q.id for q in page.citing_questions],
                                                 current_user)
    return render_template(
        "practices/detail.html", page=page, similar_questions=similar,
        replication_form=forms.get("replication_form") or ReplicationForm(formdata=None),
        attachment_form=forms.get("attachment_form") or AttachmentForm(formdata=None),
        status_form=forms.get("status_form") or StatusForm(formdata=None),
        can_edit=permissions.can_edit_practice(current_user, page.practice),
        moves=permissions.practice_moves(current_user, page.practice),
        returning=PracticeStatus.DRAFT,
        follow_level=level_of(current_user, FollowTarget.PRACTICE, page.practice.id),
    ), status


@bp.route("/buone-pratiche/id/<int:practice_id>")
def detail_by_id(practice_id: int):
    """Stable link by number (search results); redirects to the slug URL."""
    practice = db.session.get(Practice, practice_id)
    if practice is None or not permissions.can_view_practice(current_user, practice):
        abort(404, description=_("Buona pratica non trovata."))
    return redirect(url_for("practices.detail", slug=practice.slug), code=301)


@bp.route("/buone-pratiche/<slug>")
def detail(slug: str):
    """A practice laid out for reading, with its discussions and replications."""
    return _render_detail(slug)


def _practice_id(slug: str) -> int:
    return queries.practice_for_edit(slug).id


@bp.route("/buone-pratiche/<slug>/stato", methods=["POST"])
@login_required
def change_status(slug: str):
    """Move the practice along the workflow (send for review, publish, archive...)."""
    form = StatusForm()
    practice_id = _practice_id(slug)
    try:
        services.change_status(current_user, practice_id, request.form.get("stato", ""),
                               note=form.note.data or "")
    except DomainError as error:
        attach_errors(form, error)
        flash(error.message, "danger")
        for field, messages in error.field_errors.items():
            for message in messages:
                flash(f"{field_label(field)}: {message}", "danger")
        if error.status_code == 404:
            abort(404)
        return _render_detail(slug, error.status_code, status_form=form)
    flash(_("Stato aggiornato."), "success")
    return redirect(url_for("practices.detail", slug=slug), code=303)


@bp.route("/buone-pratiche/<slug>/replica", methods=["POST"])
@login_required
def replicate(slug: str):
    """"Ha funzionato anche da noi": record the user's administration."""
    form = ReplicationForm()
    practice_id = _practice_id(slug)
    try:
        links.record_replication(current_user, practice_id, note=form.note.data or "")
    except DomainError as error:
        if error.status_code == 404:
            raise  # the error handler answers 404 with the message
        return _render_detail(slug, form_error(form, error), replication_form=form)
    flash(_("Grazie: la tua amministrazione è ora tra quelle che l'hanno replicata."), "success")
    return redirect(url_for("practices.detail", slug=slug) + "#replicata", code=303)


@bp.route("/buone-pratiche/<slug>/allegati", methods=["POST"])
@login_required
def upload(slug: str):
    """Attach a file whose content matches its name, within the size limit."""
    form = AttachmentForm()
    practice_id = _practice_id(slug)
    if not form.validate_on_submit():
        flash(_("Controlla i campi dell'allegato."), "danger")
        return _render_detail(slug, 422, attachment_form=form)
    try:
        attachments.add_attachment(current_user, practice_id, form.file.data,
                                   form.title.data or "")
    except DomainError as error:
        return _render_detail(slug, form_error(form, error), attachment_form=form)
    flash(_("Allegato aggiunto."), "success")
    return redirect(url_for("practices.detail", slug=slug) + "#allegati", code=303)


@bp.route("/buone-pratiche/<slug>/allegati/<int:attachment_id>")
def download(slug: str, attachment_id: int):
    """Serve an attachment as a download with the type recognised at upload."""
    page = queries.practice_page(slug, current_user)
    attachment = db.session.get(PracticeAttachment, attachment_id)
    if attachment is None or attachment.practice_id != page.practice.id:
        abort(404, description=_("Allegato non trovato."))
    return attachments.send_attachment(attachment)


@bp.route("/domande/<int:question_id>/buona-pratica", methods=["POST"])
@login_required
def from_question(question_id: int):
    """A moderator turns a solved thread into a practice draft, pre-filled."""
    try:
        practice = links.draft_from_question(current_user, question_id)
    except DomainError as error:
        if error.status_code in (403, 404):
            raise  # the error handler maps it
        flash(error.message, "danger")
        return redirect(url_for("questions.detail", question_id=question_id), code=303)
    flash(_("Bozza creata dalla discussione: completala e pubblicala."), "success")
    return redirect(url_for("practices.edit", slug=practice.slug), code=303)


@bp.route("/domande/<int:question_id>/pratiche-collegate", methods=["POST"])
@login_required
def pin(question_id: int):
    """A moderator pins a practice to a discussion (shown first among related ones)."""
    try:
        links.pin_practice(current_user, question_id, request.form.get("practice", ""))
    except DomainError as error:
        if error.status_code in (403, 404):
            raise  # the error handler maps it
        from forum.questions.routes import render_question

        flash(error.message, "danger")
        return render_question(question_id, status=error.status_code)
    flash(_("Buona pratica collegata alla discussione."), "success")
    return redirect(url_for("questions.detail", question_id=question_id), code=303)


@bp.route("/domande/<int:question_id>/pratiche-collegate/<int:practice_id>/rimuovi",
          methods=["POST"])
@login_required
def unpin(question_id: int, practice_id: int):
    """Remove a pinned practice from a discussion."""
    links.unpin_practice(current_user, question_id, practice_id)
    flash(_("Collegamento rimosso."), "success")
    return redirect(url_for("questions.detail", question_id=question_id), code=303)
