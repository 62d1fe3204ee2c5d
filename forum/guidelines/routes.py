"""Guideline pages: list, page of the published version, working-copy preview, create and
edit, status moves and publication, versions and their comparison, PDF, and a solved
thread proposed as a guideline."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.errors import DomainError
from forum.events.clock import utc_to_rome
from forum.guidelines import links, queries, services
from forum.guidelines.forms import FIELD_LABELS, GuidelineForm, StatusForm
from forum.guidelines.legal import references_text
from forum.guidelines.pdf import pdf_response
from forum.limits import write_limit
from forum.models import GUIDELINE_WORKFLOW, Guideline, GuidelineStatus
from forum.questions.queries import all_themes
from forum.taxonomy import N_
from forum.text import clean_line, clean_text
from forum.views import attach_errors, form_error, page_arg

bp = Blueprint("guidelines", __name__)

STATUS_LABELS = {
    GuidelineStatus.DRAFT: N_("Bozza"),
    GuidelineStatus.CONSULTATION: N_("In consultazione"),
    GuidelineStatus.PUBLISHED: N_("Pubblicata"),
    GuidelineStatus.OUTDATED: N_("Da aggiornare"),
    GuidelineStatus.ARCHIVED: N_("Archiviata"),
}
MOVE_LABELS = {
    GuidelineStatus.DRAFT: N_("Riporta in bozza"),
    GuidelineStatus.CONSULTATION: N_("Apri la consultazione"),
    GuidelineStatus.PUBLISHED: N_("Pubblica una nuova versione"),
    GuidelineStatus.OUTDATED: N_("Segna da aggiornare"),
    GuidelineStatus.ARCHIVED: N_("Archivia"),
}


@bp.app_template_global()
def guideline_status_label(status: str) -> str:
    """A guideline status as readers see it."""
    return _(STATUS_LABELS.get(status, status))  # type: ignore[call-overload]


@bp.app_template_global()
def guideline_overdue(guideline: Guideline) -> bool:
    """The review date has passed ("Da verificare")."""
    return guideline.review_by < services.today_in_rome()


@bp.app_template_global()
def consultation_last_day(guideline: Guideline) -> date | None:
    """The last day (Rome) on which the consultation takes comments."""
    if guideline.consultation_ends_at is None:
        return None
    return (utc_to_rome(guideline.consultation_ends_at) - timedelta(seconds=1)).date()


def _filters() -> queries.GuidelineFilters:
    theme = (request.args.get("tema") or "").strip()[:80] or None
    status = (request.args.get("stato") or "").strip() or None
    if status is not None and status not in queries.STATUS_FILTERS:
        abort(400, description=_("Stato non valido."))
    return queries.GuidelineFilters(theme=theme, status=status)


@bp.route("/linee-guida")
def index():
    """The guidelines the viewer may see, by theme and status."""
    filters = _filters()
    page = page_arg()
    per_page = int(current_app.config.get("GUIDELINES_PER_PAGE", 20))
    items, total = queries.list_guidelines(filters, current_user, page, per_page)
    pages = max(1, -(-total // per_page))
    if page > pages:
        abort(404, description=_("Questa pagina non esiste: l'elenco ha meno pagine."))
    return render_template("guidelines/index.html", items=items, total=total, page=page,
                           pages=pages, filters=filters, themes=all_themes(),
                           statuses=STATUS_LABELS)


def _form(guideline: Guideline | None = None) -> GuidelineForm:
    data = None
    if guideline is not None and request.method == "GET":
        practices, events = queries.linked_slugs(guideline.id)
        data = {"title": guideline.title, "summary": guideline.summary,
                "body": guideline.body, "themes": [t.id for t in guideline.themes],
                "legal_references": references_text(guideline.legal_references),
                "review_by": guideline.review_by,
                "owners": ", ".join(u.username for u in guideline.owners),
                "practices": "\n".join(practices), "events": "\n".join(events)}
    form = GuidelineForm(data=data)
    form.themes.choices = [(t.id, _(t.name)) for t in all_themes()]  # type: ignore[assignment]
    return form


def _fields(form: GuidelineForm) -> services.GuidelineFields:
    return services.GuidelineFields(
        title=form.title.data or "", summary=form.summary.data or "",
        body=form.body.data or "", theme_ids=tuple(form.themes.data or ()),
        review_by=form.review_by.data, legal_references=form.legal_references.data or "",
        owners=tuple(clean_line(form.owners.data).replace(",", " ").split()),
        practice_slugs=tuple(clean_text(form.practices.data).split()),
        event_slugs=tuple(clean_text(form.events.data).split()))


def _save(guideline: Guideline | None):  # type: ignore[no-untyped-def]
    form = _form(guideline)
    status = 200
    if form.validate_on_submit():
        try:
            if guideline is None:
                saved = services.create_guideline(current_user, _fields(form))
                flash(_("Bozza salvata: quando è pronta, aprila alla consultazione o "
                        "pubblicala."), "success")
            else:
                saved = services.edit_guideline(current_user, guideline.id, _fields(form))
                flash(_("Modifiche salvate nella copia di lavoro."), "success")
        except DomainError as error:
            status = form_error(form, error)
        else:
            return redirect(url_for("guidelines.detail", slug=saved.slug), code=303)
    elif request.method == "POST":
        flash(_("Controlla i campi evidenziati."), "danger")
        status = 422
    return render_template("guidelines/form.html", form=form, guideline=guideline), status


@bp.route("/linee-guida/nuova", methods=["GET", "POST"])
@login_required
@write_limit("POST_LIMIT", "posting")
def create():
    """Write a new guideline (moderators, the editorial board, admins); it starts as a draft."""
    if not permissions.can_write_guidelines(current_user):
        abort(403, description=_("Solo moderatori, redazione e amministratori scrivono linee "
                                 "guida."))
    return _save(None)


@bp.route("/linee-guida/<slug>/modifica", methods=["GET", "POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def edit(slug: str):
    """Edit the working copy (the guideline's owners and those who write guidelines)."""
    guideline = queries.guideline_for_edit(slug)
    owner_ids = {u.id for u in guideline.owners}
    if not permissions.can_view_guideline(current_user, guideline, owner_ids):
        abort(404, description=_("Linea guida non trovata."))
    if not permissions.can_edit_guideline(current_user, guideline, owner_ids):
        abort(403, description=_("Solo i responsabili della linea guida possono modificarla."))
    return _save(guideline)


def _moves(page: queries.GuidelinePage) -> list[tuple[str, str]]:
    if not permissions.can_edit_guideline(current_user, page.guideline, page.owner_ids):
        return []
    return [(str(to), _(label)) for to, label in MOVE_LABELS.items()  # type: ignore[call-overload]
            if (page.guideline.status, to) in GUIDELINE_WORKFLOW]


def _detail(slug: str, status: int = 200, *, working_copy: bool = False,
            status_form: StatusForm | None = None):  # type: ignore[no-untyped-def]
    page = queries.guideline_page(slug, current_user, working_copy=working_copy)
    return render_template(
        "guidelines/detail.html", page=page, g=page.guideline, working_copy=working_copy,
        can_edit=permissions.can_edit_guideline(current_user, page.guideline, page.owner_ids),
        moves=_moves(page), status_form=status_form or StatusForm(formdata=None),
        first_publication=page.guideline.version == 0, today=services.today_in_rome(),
    ), status


@bp.route("/linee-guida/<slug>")
def detail(slug: str):
    """The last published version (or, never published, the working copy for its editors)."""
    return _detail(slug)


@bp.route("/linee-guida/<slug>/bozza")
@login_required
def draft(slug: str):
    """The working copy as it would be published (its editors only)."""
    return _detail(slug, working_copy=True)


@bp.route("/linee-guida/<slug>/stato", methods=["POST"])
@login_required
def change_status(slug: str):
    """Move the guideline along the workflow; publishing writes a new version."""
    form = StatusForm()
    guideline = queries.guideline_for_edit(slug)
    form.validate()  # a malformed date stays None: the service names the missing value
    try:
        services.change_status(current_user, guideline.id, request.form.get("stato", "")[:40],
                               change_note=form.change_note.data or "",
                               consultation_ends_on=form.consultation_ends_at.data)
    except DomainError as error:
        if error.status_code in (403, 404):
            raise
        attach_errors(form, error)
        flash(error.message, "danger")
        for field, messages in error.field_errors.items():
            for message in messages:
                flash(f"{FIELD_LABELS.get(field, field)}: {message}", "danger")
        return _detail(slug, error.status_code, status_form=form)
    flash(_("Stato aggiornato."), "success")
    return redirect(url_for("guidelines.detail", slug=slug), code=303)


@bp.route("/linee-guida/<slug>/versioni")
def versions(slug: str):
    """Every published version, newest first, with its change note and accepted comments."""
    page = queries.versions_page(slug, current_user)
    return render_template("guidelines/versions.html", page=page, g=page.guideline)


def _version_arg(name: str) -> int:
    raw = request.args.get(name, "")
    if not re.fullmatch(r"[0-9]{1,6}", raw):
        abort(400, description=_("Indica il numero delle due versioni da confrontare."))
    return int(raw)


@bp.route("/linee-guida/<slug>/confronta")
def compare(slug: str):
    """The word-level differences between two published versions."""
    old, new = _version_arg("da"), _version_arg("a")
    comparison = queries.compare_versions(slug, current_user, old, new)
    return render_template("guidelines/compare.html", c=comparison, g=comparison.guideline)


@bp.route("/linee-guida/<slug>/pdf")
def pdf(slug: str):
    """The last published version as a PDF."""
    guideline, version = queries.published_version(slug, current_user)
    return pdf_response(guideline, version)


@bp.route("/domande/<int:question_id>/linea-guida", methods=["POST"])
@login_required
def from_question(question_id: int):
    """Propose a solved thread as a guideline: a draft citing it, owned by the actor."""
    try:
        guideline = links.draft_from_question(current_user, question_id)
    except DomainError as error:
        if error.status_code in (403, 404):
            raise
        flash(error.message, "danger")
        return redirect(url_for("questions.detail", question_id=question_id), code=303)
    flash(_("Bozza di linea guida creata dalla discussione: completala."), "success")
    return redirect(url_for("guidelines.edit", slug=guideline.slug), code=303)
