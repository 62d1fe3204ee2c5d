"""Administration (/amministrazione): members, sign-up approvals, themes, organisations,
registration policy. Admins only, except the sign-up queue, which moderators work too."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from forum import permissions
from forum.admin import catalogue, queries, services, settings
from forum.admin.forms import (
    OpenDataForm,
    OrganisationForm,
    RejectForm,
    RoleForm,
    SettingsForm,
    SuspendForm,
    ThemeForm,
)
from forum.errors import DomainError
from forum.extensions import login_manager
from forum.i18n import long_datetime
from forum.opendata.settings import get_open_data_settings, set_open_data_settings
from forum.taxonomy import REGIONS
from forum.views import form_error, page_arg

bp = Blueprint("admin", __name__, url_prefix="/amministrazione")

# Endpoints moderators reach too; every other one is for admins.
MODERATOR_ENDPOINTS = frozenset({"admin.pending_accounts", "admin.approve", "admin.reject"})


@bp.before_request
def _guard():  # type: ignore[no-untyped-def]
    """Signed-out visitors go to sign-in; moderators reach only the sign-up queue (else 403)."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if request.endpoint in MODERATOR_ENDPOINTS:
        allowed = permissions.can_review_accounts(current_user)
    else:
        allowed = permissions.is_admin(current_user)
    if not allowed:
        abort(403, description=_("Questa sezione è riservata all'amministrazione del sito."))
    return None


def _actor():  # type: ignore[no-untyped-def]
    return current_user._get_current_object()


def _not_found_or(error: DomainError) -> None:
    """A missing account is the error handler's 404 page, not a message on this one."""
    if error.status_code == 404:
        raise error


@bp.route("/")
def index():
    """The administration home: the members list."""
    return redirect(url_for("admin.users"))


def _user_filters() -> queries.UserFilters:
    q = request.args.get("q", "").strip()[:100]
    role = request.args.get("ruolo", "")
    status = request.args.get("stato", "")
    region = request.args.get("regione", "")
    if role and role not in queries.ROLE_FILTERS:
        abort(400, description=_("Ruolo non valido."))
    if status and status not in queries.STATUS_FILTERS:
        abort(400, description=_("Stato non valido."))
    if region and region not in REGIONS:
        abort(400, description=_("Regione non valida."))
    return queries.UserFilters(q=q, role=role, status=status, region=region)


@bp.route("/utenti")
def users():
    """Every account, searchable and filtered by role, status and region."""
    filters = _user_filters()
    page = page_arg()
    result = queries.list_users(filters, page, current_app.config["ADMIN_USERS_PER_PAGE"])
    if page > max(1, result.pages):
        abort(404, description=_("Questa pagina non esiste: l'elenco ha meno pagine."))
    return render_template("admin/users.html", pagination=result, filters=filters,
                           role_filters=queries.ROLE_FILTERS, regions=REGIONS)


def _render_user(user_id: int, status: int = 200, **forms):  # type: ignore[no-untyped-def]
    page = queries.user_page(user_id)
    user = page.user
    role_form = forms.get("role_form")
    if role_form is None:
        role_form = RoleForm(formdata=None, role=user.role, themes=sorted(user.theme_scope))
    role_form.set_theme_choices(page.themes)
    return render_template(
        "admin/user.html", user=user, themes=page.themes,
        role_form=role_form,
        suspend_form=forms.get("suspend_form") or SuspendForm(formdata=None),
        max_days=current_app.config["SUSPENSION_MAX_DAYS"],
    ), status


@bp.route("/utenti/<int:user_id>")
def user_detail(user_id: int):
    """One account: its details, role, suspension and sign-up decision."""
    return _render_user(user_id)


@bp.route("/utenti/<int:user_id>/ruolo", methods=["POST"])
def change_role(user_id: int):
    """Give the account a role (and a moderator's themes)."""
    form = RoleForm()
    form.set_theme_choices(queries.all_themes())
    if not form.validate():
        flash(_("Controlla i campi evidenziati."), "danger")
        return _render_user(user_id, 422, role_form=form)
    try:
        services.change_role(_actor(), user_id, form.role.data, theme_ids=form.themes.data or [])
    except DomainError as error:
        _not_found_or(error)
        return _render_user(user_id, form_error(form, error), role_form=form)
    flash(_("Ruolo aggiornato."), "success")
    return redirect(url_for("admin.user_detail", user_id=user_id), code=303)


@bp.route("/utenti/<int:user_id>/organizzatore", methods=["POST"])
def toggle_organiser(user_id: int):
    """Give or take away the organiser role (who creates events)."""
    user = services.toggle_organiser(_actor(), user_id)
    flash(_("Ora %(name)s può organizzare incontri.", name=user.username) if user.is_organiser
          else _("%(name)s non è più organizzatore/organizzatrice.", name=user.username),
          "success")
    return redirect(url_for("admin.user_detail", user_id=user_id), code=303)


@bp.route("/utenti/<int:user_id>/sospendi", methods=["POST"])
def suspend(user_id: int):
    """Suspend the account for some days or until a date, with a reason."""
    form = SuspendForm()
    if not form.validate():
        flash(_("Controlla i campi evidenziati."), "danger")
        return _render_user(user_id, 422, suspend_form=form)
    try:
        user = services.suspend_user(_actor(), user_id, reason=form.reason.data,
                                     days=form.parsed_days(), until=form.parsed_until())
    except DomainError as error:
        _not_found_or(error)
        return _render_user(user_id, form_error(form, error), suspend_form=form)
    flash(_("Account sospeso fino al %(until)s.", until=long_datetime(user.suspended_until)),
          "success")
    return redirect(url_for("admin.user_detail", user_id=user_id), code=303)


@bp.route("/utenti/<int:user_id>/riattiva", methods=["POST"])
def reactivate(user_id: int):
    """End the account's suspension now."""
    try:
        services.reactivate_user(_actor(), user_id)
    except DomainError as error:
        _not_found_or(error)
        flash(error.message, "danger")
        return _render_user(user_id, error.status_code)
    flash(_("Sospensione terminata: l'account può di nuovo scrivere."), "success")
    return redirect(url_for("admin.user_detail", user_id=user_id), code=303)


def _back_from_review(user_id: int) -> str:
    if request.form.get("da") == "utente":
        return url_for("admin.user_detail", user_id=user_id)
    return url_for("admin.pending_accounts")


@bp.route("/iscrizioni")
def pending_accounts():
    """Accounts waiting for a moderator's approval, oldest first."""
    return render_template("admin/pending.html", accounts=queries.pending_accounts())


@bp.route("/iscrizioni/<int:user_id>/approva", methods=["POST"])
def approve(user_id: int):
    """Approve a sign-up: the member can write from now on."""
    try:
        user = services.approve_user(_actor(), user_id)
    except DomainError as error:
        _not_found_or(error)
        flash(error.message, "danger")
        return redirect(_back_from_review(user_id), code=303)
    flash(_("Iscrizione di %(name)s approvata.", name=user.display_name), "success")
    return redirect(_back_from_review(user_id), code=303)


@bp.route("/iscrizioni/<int:user_id>/rifiuta", methods=["POST"])
def reject(user_id: int):
    """Refuse a sign-up, with an optional reason the member will read."""
    form = RejectForm()  # the length rule is the service's (checked_reason), said once
    try:
        user = services.reject_user(_actor(), user_id, reason=form.reason.data or "")
    except DomainError as error:
        _not_found_or(error)
        for message in [m for ms in error.field_errors.values() for m in ms] or [error.message]:
            flash(message, "danger")  # the page behind the redirect has no form to mark
        return redirect(_back_from_review(user_id), code=303)
    flash(_("Iscrizione di %(name)s rifiutata.", name=user.display_name), "success")
    return redirect(_back_from_review(user_id), code=303)


@bp.route("/temi", methods=["GET", "POST"])
def themes():
    """The themes, archived ones included, and a form to add one."""
    form = ThemeForm()
    status = 200
    if form.validate_on_submit():
        try:
            theme = catalogue.create_theme(
                _actor(), name=form.name.data, description=form.description.data or "",
                position=form.parsed_position(),
            )
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Tema «%(name)s» creato.", name=theme.name), "success")
            return redirect(url_for("admin.themes"), code=303)
    elif request.method == "POST":
        flash(_("Controlla i campi evidenziati."), "danger")
        status = 422
    return render_template("admin/themes.html", themes=queries.all_themes(), form=form), status


@bp.route("/temi/<int:theme_id>", methods=["GET", "POST"])
def edit_theme(theme_id: int):
    """Rename, describe or reorder a theme; the address (slug) does not change."""
    theme = queries.theme_for_admin(theme_id)
    form = ThemeForm(obj=theme if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        try:
            catalogue.update_theme(
                _actor(), theme_id, name=form.name.data, description=form.description.data or "",
                position=form.parsed_position(),
            )
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Tema aggiornato."), "success")
            return redirect(url_for("admin.themes"), code=303)
    elif request.method == "POST":
        flash(_("Controlla i campi evidenziati."), "danger")
        status = 422
    return render_template("admin/theme_edit.html", theme=theme, form=form), status


@bp.route("/temi/<int:theme_id>/archivio", methods=["POST"])
def archive_theme(theme_id: int):
    """Archive a theme (archivia=1) or bring it back (archivia=0)."""
    archived = request.form.get("archivia") == "1"
    theme = catalogue.set_theme_archived(_actor(), theme_id, archived)
    message = (_("Tema «%(name)s» archiviato: le discussioni restano consultabili.",
                 name=theme.name) if archived
               else _("Tema «%(name)s» ripristinato.", name=theme.name))
    flash(message, "success")
    return redirect(url_for("admin.themes"), code=303)


@bp.route("/enti", methods=["GET", "POST"])
def organisations():
    """The administrations suggested at registration, and a form to add one."""
    form = OrganisationForm()
    status = 200
    if form.validate_on_submit():
        try:
            organisation = catalogue.create_organisation(
                _actor(), name=form.name.data, organisation_type=form.organisation_type.data,
                region_code=form.region_code.data,
            )
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Ente «%(name)s» aggiunto.", name=organisation.name), "success")
            return redirect(url_for("admin.organisations"), code=303)
    elif request.method == "POST":
        flash(_("Controlla i campi evidenziati."), "danger")
        status = 422
    return render_template("admin/organisations.html", form=form,
                           organisations=queries.all_organisations()), status


@bp.route("/enti/<int:organisation_id>/archivio", methods=["POST"])
def archive_organisation(organisation_id: int):
    """Archive an administration (archivia=1) or put it back on the list (archivia=0)."""
    archived = request.form.get("archivia") == "1"
    organisation = catalogue.set_organisation_archived(_actor(), organisation_id, archived)
    message = (_("Ente «%(name)s» archiviato.", name=organisation.name) if archived
               else _("Ente «%(name)s» ripristinato.", name=organisation.name))
    flash(message, "success")
    return redirect(url_for("admin.organisations"), code=303)


@bp.route("/impostazioni", methods=["GET", "POST"])
def registration_settings():
    """The registration policy and the e-mail domains approved automatically."""
    form = SettingsForm()
    if request.method == "GET":
        current = settings.get_registration_policy()
        form.policy.data = current.policy
        form.domains.data = "\n".join(current.domains)
    status = 200
    if form.validate_on_submit():
        try:
            settings.set_registration_policy(
                _actor(), policy=form.policy.data, domains_text=form.domains.data or "")
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Regole di iscrizione salvate."), "success")
            return redirect(url_for("admin.registration_settings"), code=303)
    elif request.method == "POST":
        flash(_("Controlla i campi evidenziati."), "danger")
        status = 422
    return render_template("admin/settings.html", form=form), status


@bp.route("/dati-aperti", methods=["GET", "POST"])
def open_data_settings():
    """The licence of the open data and the publisher named in the DCAT-AP_IT records."""
    form = OpenDataForm()
    if request.method == "GET":
        current = get_open_data_settings()
        form.licence.data = current.licence.key
        form.publisher_name.data = current.publisher_name
        form.publisher_ipa.data = current.publisher_ipa
        form.contact_email.data = current.contact_email
    status = 200
    if form.validate_on_submit():
        try:
            set_open_data_settings(
                _actor(), licence=form.licence.data, publisher_name=form.publisher_name.data,
                publisher_ipa=form.publisher_ipa.data, contact_email=form.contact_email.data)
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Impostazioni dei dati aperti salvate."), "success")
            return redirect(url_for("admin.open_data_settings"), code=303)
    elif request.method == "POST":
        flash(_("Controlla i campi evidenziati."), "danger")
        status = 422
    return render_template("admin/open_data.html", form=form), status
