"""Training paths (`/percorsi`): list, a path with the member's progress, composing a
path, enrolling and marking modules, organisers' progress report."""

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
from forum.errors import DomainError
from forum.limits import write_limit
from forum.models import TrainingPath
from forum.paths import queries, services
from forum.paths.forms import MODULE_KINDS, MODULE_ROWS, PathForm
from forum.views import form_error

bp = Blueprint("paths", __name__)


@bp.route("/percorsi")
def index():
    """Published training paths."""
    return render_template("paths/index.html", paths=queries.list_paths(current_user))


def _modules_from_form() -> tuple[services.ModuleFields, ...]:
    form = request.form
    rows = zip(form.getlist("module_kind"), form.getlist("module_title"),
               form.getlist("module_reference"), form.getlist("module_body"), strict=False)
    return tuple(services.ModuleFields(k[:16], t[:300], r[:600], b[:6_000])
                 for k, t, r, b in list(rows)[:services.MAX_MODULES])


def _rows(path: TrainingPath | None) -> list[dict[str, str]]:
    """Module rows for the form: what was posted, else the path's, plus blank rows."""
    if request.method == "POST":
        rows = [{"kind": m.kind, "title": m.title, "reference": m.reference, "body": m.body}
                for m in _modules_from_form()]
    elif path is not None:
        targets = queries.module_targets(path)
        rows = [{"kind": m.kind, "title": m.title, "body": m.body,
                 "reference": m.url or getattr(targets.get(m.id), "slug", "")}
                for m in path.modules]
    else:
        rows = []
    return rows + [{"kind": "", "title": "", "reference": "", "body": ""}] * max(
        0, MODULE_ROWS - len(rows))


def _compose(path: TrainingPath | None):  # type: ignore[no-untyped-def]
    form = PathForm()
    if path is not None and request.method == "GET":
        form.title.data, form.summary.data = path.title, path.summary
        form.description.data = path.description
    status = 200
    if form.validate_on_submit():
        try:
            saved = services.save_path(current_user, services.PathFields(
                title=form.title.data or "", summary=form.summary.data or "",
                description=form.description.data or "", modules=_modules_from_form()),
                path.id if path is not None else None)
        except DomainError as error:
            status = form_error(form, error)
            module_errors = error.field_errors.get("modules", [])
        else:
            flash(_("Percorso salvato."), "success")
            return redirect(url_for("paths.detail", slug=saved.slug), code=303)
    elif request.method == "POST":
        status, module_errors = 422, []
    else:
        module_errors = []
    return render_template("paths/form.html", form=form, path=path, rows=_rows(path),
                           kinds=MODULE_KINDS, module_errors=module_errors), status


@bp.route("/percorsi/nuovo", methods=["GET", "POST"])
@login_required
@write_limit("POST_LIMIT", "posting")
def create():
    """Compose a new path (organisers)."""
    if not permissions.can_organise(current_user):
        abort(403, description=_("Solo chi organizza può comporre i percorsi formativi."))
    return _compose(None)


@bp.route("/percorsi/<slug>/modifica", methods=["GET", "POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def edit(slug: str):
    """Change a path and its modules."""
    path = queries.path_by_slug(current_user, slug)
    if not permissions.can_manage_path(current_user, path):
        abort(403, description=_("Solo chi organizza il percorso può modificarlo."))
    return _compose(path)


@bp.route("/percorsi/<slug>")
def detail(slug: str):
    """A path: its modules in order and, for an enrolled member, what is done."""
    path = queries.path_by_slug(current_user, slug)
    return render_template("paths/detail.html", path=path,
                           progress=queries.my_progress(current_user, path),
                           targets=queries.module_targets(path), kinds=MODULE_KINDS)


@bp.route("/percorsi/<slug>/stato", methods=["POST"])
@login_required
def publish(slug: str):
    """Open the path to enrolment, or back to draft."""
    path = queries.path_by_slug(current_user, slug)
    published = request.form.get("stato") == "pubblicato"
    services.publish_path(current_user, path.id, published=published)
    flash(_("Percorso pubblicato.") if published else _("Percorso riportato in bozza."),
          "success")
    return redirect(url_for("paths.detail", slug=path.slug), code=303)


@bp.route("/percorsi/<slug>/iscriviti", methods=["POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def enrol(slug: str):
    """Enrol in a path."""
    path = queries.path_by_slug(current_user, slug)
    services.enrol(current_user, path.id)
    flash(_("Sei iscritto/a al percorso."), "success")
    return redirect(url_for("paths.detail", slug=path.slug), code=303)


@bp.route("/percorsi/<slug>/moduli/<int(max=2147483647):module_id>", methods=["POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def mark(slug: str, module_id: int):
    """Mark a practice or reading done, or not done."""
    path = queries.path_by_slug(current_user, slug)
    services.mark_done(current_user, path.id, module_id,
                       done=request.form.get("fatto") == "1")
    return redirect(url_for("paths.detail", slug=path.slug) + f"#modulo-{module_id}",
                    code=303)


@bp.route("/percorsi/<slug>/progressi")
@login_required
def report(slug: str):
    """Progress per member and per organisation (who manages the path)."""
    path = queries.path_by_slug(current_user, slug)
    if not permissions.can_manage_path(current_user, path):
        abort(403, description=_("Solo chi organizza il percorso vede i progressi."))
    rows, organisations = queries.progress_report(path)
    return render_template("paths/report.html", path=path, rows=rows,
                           organisations=organisations)


@bp.route("/percorsi/<slug>/attestato", methods=["POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def certificate(slug: str):
    """The completion certificate (PDF), issued once the path is complete."""
    from forum.certificates.pdf import pdf_response

    path = queries.path_by_slug(current_user, slug)
    issued = services.issue_path_certificate(current_user, path.id)
    return pdf_response(issued)
