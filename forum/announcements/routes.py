"""Policy priorities (`/indirizzi`): the valid ones, the archive, a priority's page, and
the board's form."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.admin.queries import all_themes
from forum.announcements import queries, services
from forum.announcements.forms import AnnouncementForm
from forum.errors import DomainError
from forum.limits import write_limit
from forum.models import Announcement
from forum.views import form_error, page_arg

bp = Blueprint("announcements", __name__)


def _require_board() -> None:
    if not permissions.can_manage_announcements(current_user):
        abort(403, description=_("Solo la redazione pubblica e modifica le priorità."))


@bp.route("/indirizzi")
def index():
    """Priorities valid today, then the archive (paged); coming ones for the board."""
    page = page_arg()
    archive = queries.past_announcements(page, current_app.config["QUESTIONS_PER_PAGE"])
    if page > 1 and page > archive.pages:
        abort(404, description=_("Questa pagina non esiste: l'elenco ha meno pagine."))
    board = permissions.can_manage_announcements(current_user)
    return render_template(
        "announcements/index.html", current=queries.current_announcements() if page == 1
        else [], future=queries.future_announcements() if board and page == 1 else [],
        archive=archive, today=queries.today())


@bp.route("/indirizzi/<slug>")
def detail(slug: str):
    """One priority."""
    announcement = queries.announcement_by_slug(current_user, slug)
    return render_template("announcements/detail.html", announcement=announcement,
                           valid=queries.is_valid(announcement), today=queries.today())


def _form(announcement: Announcement | None = None) -> AnnouncementForm:
    data = None
    if announcement is not None and request.method == "GET":
        data = {"title": announcement.title, "body": announcement.body,
                "themes": [t.id for t in announcement.themes],
                "valid_from": announcement.valid_from, "valid_until": announcement.valid_until}
    form = AnnouncementForm(data=data)
    form.themes.choices = [(t.id, _(t.name)) for t in all_themes()]  # type: ignore[assignment]
    if announcement is None and request.method == "GET" and not form.valid_from.data:
        form.valid_from.data = queries.today()
    return form


def _fields(form: AnnouncementForm) -> services.AnnouncementFields:
    return services.AnnouncementFields(
        title=form.title.data or "", body=form.body.data or "",
        theme_ids=tuple(form.themes.data or ()), valid_from=form.valid_from.data,
        valid_until=form.valid_until.data)


def _save(announcement: Announcement | None):  # type: ignore[no-untyped-def]
    form = _form(announcement)
    status = 200
    if form.validate_on_submit():
        try:
            if announcement is None:
                saved = services.create_announcement(current_user, _fields(form))
            else:
                saved = services.update_announcement(current_user, announcement.id,
                                                     _fields(form))
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Priorità salvata.") if announcement else _("Priorità pubblicata."),
                  "success")
            return redirect(url_for("announcements.detail", slug=saved.slug), code=303)
    elif request.method == "POST":
        flash(_("Controlla i campi evidenziati."), "danger")
        status = 422
    return render_template("announcements/form.html", form=form,
                           announcement=announcement), status


@bp.route("/indirizzi/nuovo", methods=["GET", "POST"])
@login_required
@write_limit("POST_LIMIT", "posting")
def create():
    """A new priority (the board)."""
    _require_board()
    return _save(None)


@bp.route("/indirizzi/<slug>/modifica", methods=["GET", "POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def edit(slug: str):
    """Change a priority (the board)."""
    _require_board()
    return _save(queries.announcement_by_slug(current_user, slug))


@bp.route("/indirizzi/<slug>/elimina", methods=["POST"])
@login_required
def delete(slug: str):
    """Delete a priority (the board)."""
    _require_board()
    announcement = queries.announcement_by_slug(current_user, slug)
    services.delete_announcement(current_user, announcement.id)
    flash(_("Priorità eliminata."), "success")
    return redirect(url_for("announcements.index"), code=303)
