"""Self-assessment (`/autovalutazione`): the checklists, my organisation's assessments, the
checklist editor, filling, results and the board's aggregates."""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.assessments import aggregates as agg
from forum.assessments import queries, services
from forum.assessments.forms import AnswersForm, CriterionForm
from forum.assessments.scale import scale_labels
from forum.assessments.suggestions import criterion_themes, suggestions_for
from forum.errors import DomainError
from forum.guidelines.queries import owner_ids
from forum.limits import write_limit
from forum.models import Criterion, Guideline
from forum.views import form_error

bp = Blueprint("assessments", __name__)


@bp.route("/autovalutazione")
@login_required
def index():
    """The checklists available and my organisation's assessments."""
    return render_template("assessments/index.html", checklists=queries.checklists(),
                           mine=queries.my_assessments(current_user),
                           editable=queries.editable_guidelines(current_user))


def _editable(slug: str) -> Guideline:
    guideline = queries.guideline_by_slug(slug)
    owners = owner_ids(guideline.id)
    if not permissions.can_view_guideline(current_user, guideline, owners):
        abort(404, description=_("Linea guida non trovata."))  # a draft stays unseen
    if not permissions.can_edit_guideline(current_user, guideline, owners):
        abort(403, description=_("Solo chi cura la linea guida ne modifica i criteri di "
                                 "autovalutazione."))
    return guideline


def _fields(form: CriterionForm) -> services.CriterionFields:
    return services.CriterionFields(
        area=(form.area.data or "")[:1_000], title=(form.title.data or "")[:1_000],
        explanation=(form.explanation.data or "")[:20_000],
        scale_max=(form.scale_max.data or "")[:20],
        themes=tuple(str(t)[:80] for t in (form.themes.data or [])[:20]))


@bp.route("/autovalutazione/<slug>/criteri", methods=["GET", "POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def criteria(slug: str):
    """The checklist editor: the criteria in order, and a form to add one."""
    guideline = _editable(slug)
    form = CriterionForm()
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.add_criterion(current_user, guideline.id, _fields(form))
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Criterio aggiunto."), "success")
            return redirect(url_for("assessments.criteria", slug=guideline.slug) + "#criteri",
                            code=303)
    elif request.method == "POST":
        status = 422
    return render_template("assessments/criteria.html", guideline=guideline, form=form,
                           criteria=queries.criteria_of(guideline.id)), status


def _criterion(guideline: Guideline, criterion_id: int) -> Criterion:
    found = next((c for c in queries.criteria_of(guideline.id) if c.id == criterion_id), None)
    if found is None:
        abort(404, description=_("Criterio non trovato."))
    return found


@bp.route("/autovalutazione/<slug>/criteri/<int(max=2147483647):criterion_id>",
          methods=["GET", "POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def edit_criterion(slug: str, criterion_id: int):
    """Change one criterion."""
    guideline = _editable(slug)
    criterion = _criterion(guideline, criterion_id)
    form = CriterionForm(obj=criterion) if request.method == "GET" else CriterionForm()
    if request.method == "GET":
        form.scale_max.data = str(criterion.scale_max)
        form.themes.data = [t for t in criterion.theme_slugs.split(",") if t]
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.edit_criterion(current_user, guideline.id, criterion.id, _fields(form))
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Criterio aggiornato."), "success")
            return redirect(url_for("assessments.criteria", slug=guideline.slug)
                            + f"#criterio-{criterion.id}", code=303)
    elif request.method == "POST":
        status = 422
    return render_template("assessments/criterion.html", guideline=guideline,
                           criterion=criterion, form=form), status


@bp.route("/autovalutazione/<slug>/criteri/<int(max=2147483647):criterion_id>/elimina",
          methods=["POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def remove_criterion(slug: str, criterion_id: int):
    """Remove a criterion (and its answers)."""
    guideline = _editable(slug)
    services.remove_criterion(current_user, guideline.id, criterion_id)
    flash(_("Criterio eliminato."), "success")
    return redirect(url_for("assessments.criteria", slug=guideline.slug) + "#criteri",
                    code=303)


@bp.route("/autovalutazione/<slug>/criteri/<int(max=2147483647):criterion_id>/sposta",
          methods=["POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def move_criterion(slug: str, criterion_id: int):
    """Move a criterion up or down the list."""
    guideline = _editable(slug)
    services.move_criterion(current_user, guideline.id, criterion_id,
                            up=request.form.get("verso") != "giu")
    return redirect(url_for("assessments.criteria", slug=guideline.slug)
                    + f"#criterio-{criterion_id}", code=303)


def _require_assessor() -> None:
    if not permissions.can_assess(current_user):
        abort(403, description=_("L'autovalutazione si compila per il proprio ente: indica "
                                 "nel profilo l'ente per cui lavori."))


@bp.route("/autovalutazione/<slug>", methods=["GET", "POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def fill(slug: str):
    """Fill (or continue) my organisation's assessment of the current version."""
    _require_assessor()
    guideline = queries.assessable_by_slug(slug)
    form = AnswersForm()
    status, errors = 200, {}
    posted: dict[str, str] | None = None
    if request.method == "POST" and form.validate_on_submit():
        posted = {k: v[:20_000] for k, v in request.form.items()
                  if k.startswith(("score-", "note-"))}
        try:
            services.save_answers(current_user, guideline.id, posted)
        except DomainError as error:
            status, errors = form_error(form, error), error.field_errors
        else:
            flash(_("Risposte salvate."), "success")
            return redirect(url_for("assessments.fill", slug=guideline.slug), code=303)
    elif request.method == "POST":
        status = 400
    assessment = queries.my_assessment(current_user, guideline)
    criteria = queries.criteria_of(guideline.id)
    return render_template(
        "assessments/fill.html", guideline=guideline, form=form, assessment=assessment,
        areas=queries.by_area(criteria), total=len(criteria),
        answers=queries.answers_of(assessment), posted=posted, errors=errors,
        scale_labels=scale_labels), status


@bp.route("/autovalutazione/<slug>/risultati")
@login_required
def results(slug: str):
    """My organisation's results, with what the community offers for weak criteria."""
    guideline = queries.guideline_by_slug(slug)
    version = request.args.get("versione", "")
    wanted = int(version) if re.fullmatch(r"[0-9]{1,5}", version) else None
    found = queries.results(current_user, guideline, wanted)
    return render_template("assessments/results.html", guideline=guideline, results=found,
                           suggestions=suggestions_for(found.weak, guideline),
                           themes={c.id: criterion_themes(c, guideline) for c in found.weak})


@bp.route("/autovalutazione/<slug>/aggregati")
@login_required
def aggregates(slug: str):
    """The board's aggregate figures (groups of 5 organisations or more)."""
    if not permissions.can_view_assessment_aggregates(current_user):
        abort(403, description=_("I dati aggregati dell'autovalutazione sono riservati alla "
                                 "redazione."))
    guideline = queries.assessable_by_slug(slug)
    figures = agg.aggregates(guideline, (_("Per regione"), _("Per tipo di ente")))
    return render_template("assessments/aggregates.html", guideline=guideline,
                           figures=figures, threshold=agg.THRESHOLD)
