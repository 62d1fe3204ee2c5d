"""Working groups (`/tavoli`): list, a group's page, settings, members, invitations,
documents."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import attachments, permissions
from forum.admin.queries import all_themes
from forum.errors import DomainError
from forum.groups import document_queries, documents, invitations, publication, queries, services
from forum.groups.forms import (
    DocumentEditForm,
    DocumentForm,
    GroupForm,
    InviteForm,
    RequestForm,
    VersionForm,
)
from forum.limits import write_limit
from forum.models import FollowTarget, Group, GroupKind
from forum.notifications.follows import level_of
from forum.taxonomy import REGIONS
from forum.text import clean_line
from forum.views import form_error, page_arg, safe_next

bp = Blueprint("groups", __name__)


def _filters() -> queries.GroupFilters:
    args = request.args
    kind_arg = args.get("tipo") or ""
    if kind_arg and kind_arg not in queries.KIND_ARGS:
        abort(400, description=_("Tipo di tavolo non valido."))
    theme = args.get("tema") or None
    if theme and theme not in {t.slug for t in all_themes()}:
        abort(400, description=_("Tema non valido."))
    region = args.get("regione") or None
    if region and region not in REGIONS:
        abort(400, description=_("Regione non valida."))
    return queries.GroupFilters(q=(args.get("q") or "").strip()[:200], theme=theme,
                                region=region, kind=queries.KIND_ARGS.get(kind_arg),
                                mine=args.get("miei") == "1")


@bp.route("/tavoli")
def index():
    """Working groups, searchable and filtered by theme, region and kind."""
    filters = _filters()
    page = page_arg()
    pagination = queries.list_groups(current_user, filters, page,
                                     current_app.config["QUESTIONS_PER_PAGE"])
    if page > 1 and page > pagination.pages:
        abort(404, description=_("Questa pagina non esiste: l'elenco ha meno pagine."))
    return render_template("groups/index.html", pagination=pagination, filters=filters,
                           themes=all_themes(), regions=REGIONS)


def _form(group: Group | None = None) -> GroupForm:
    form = GroupForm()
    form.themes.choices = [(t.id, _(t.name)) for t in all_themes()]  # type: ignore[assignment]
    if group is not None and request.method == "GET":
        form.name.data = group.name
        form.description.data = group.description
        form.kind.data = group.kind
        form.listed.data = group.listed
        form.region.data = group.region_code
        form.audience.data = group.audience_types
        form.themes.data = [t.id for t in group.themes]
    return form


def _fields(form: GroupForm) -> services.GroupFields:
    return services.GroupFields(
        name=form.name.data or "", description=form.description.data or "",
        kind=form.kind.data or "", listed=bool(form.listed.data),
        region=form.region.data or "", audience=tuple(form.audience.data or ()),
        theme_ids=tuple(form.themes.data or ()))


@bp.route("/tavoli/nuovo", methods=["GET", "POST"])
@login_required
@write_limit("POST_LIMIT", "posting")
def create():
    """Open a working group; its creator becomes its facilitator."""
    if not permissions.can_create_group(current_user):
        abort(403, description=_("Il tuo account non può ancora aprire tavoli di lavoro."))
    form = _form()
    status = 200
    if form.validate_on_submit():
        try:
            group = services.create_group(current_user, _fields(form))
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Tavolo aperto: ora puoi invitare i colleghi."), "success")
            return redirect(url_for("groups.detail", slug=group.slug), code=303)
    elif request.method == "POST":
        status = 422
    return render_template("groups/form.html", form=form, group=None), status


def _page(slug: str, template: str, status: int = 200, **context):  # type: ignore[no-untyped-def]
    group = queries.group_by_slug(current_user, slug)
    return render_template(
        template, group=group, standing=queries.standing(current_user, group),
        reads=permissions.can_read_group_content(current_user, group),
        follow_level=level_of(current_user, FollowTarget.GROUP, group.id),
        **context), status


@bp.route("/tavoli/<slug>")
def detail(slug: str):
    """A group: about, and its discussions for those who may read them."""
    group = queries.group_by_slug(current_user, slug)
    state = request.args.get("stato") or None
    if state not in (None, "risolte", "senza-risposta"):
        abort(400, description=_("Filtro di stato non valido."))
    discussions, events = None, []
    if permissions.can_read_group_content(current_user, group):
        discussions = queries.group_questions(group, page_arg(),
                                              current_app.config["QUESTIONS_PER_PAGE"],
                                              state=state)
        events = queries.group_events(group)
    return _page(slug, "groups/detail.html", discussions=discussions, state=state, events=events,
                 request_form=RequestForm(formdata=None))


@bp.route("/tavoli/<slug>/modifica", methods=["GET", "POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def edit(slug: str):
    """A group's settings (facilitators)."""
    group = queries.group_by_slug(current_user, slug)
    if not permissions.can_manage_group(current_user, group):
        abort(403, description=_("Solo i facilitatori del tavolo possono modificarlo."))
    form = _form(group)
    status = 200
    if form.validate_on_submit():
        try:
            group = services.update_group(current_user, group.id, _fields(form))
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Tavolo aggiornato."), "success")
            return redirect(url_for("groups.detail", slug=group.slug), code=303)
    elif request.method == "POST":
        status = 422
    return render_template("groups/form.html", form=form, group=group), status


def _back(group: Group) -> str:
    return safe_next(request.form.get("next"), url_for("groups.detail", slug=group.slug))


@bp.route("/tavoli/<slug>/partecipa", methods=["POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def join(slug: str):
    """Join an open group."""
    group = queries.group_by_slug(current_user, slug)
    services.join_group(current_user, group.id)
    flash(_("Ora fai parte del tavolo «%(name)s».", name=group.name), "success")
    return redirect(_back(group), code=303)


@bp.route("/tavoli/<slug>/richiesta", methods=["POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def request_join(slug: str):
    """Ask the facilitators of a group on request to let you in."""
    group = queries.group_by_slug(current_user, slug)
    form = RequestForm()
    if not form.validate_on_submit():
        return _page(slug, "groups/detail.html", 422, discussions=None, state=None,
                     request_form=form)
    try:
        services.request_to_join(current_user, group.id, form.message.data or "")
    except DomainError as error:
        return _page(slug, "groups/detail.html", form_error(form, error), discussions=None,
                     state=None, request_form=form)
    flash(_("Richiesta inviata: i facilitatori la esamineranno e riceverai una notifica."),
          "success")
    return redirect(url_for("groups.detail", slug=group.slug), code=303)


@bp.route("/tavoli/<slug>/richiesta/ritira", methods=["POST"])
@login_required
def withdraw_request(slug: str):
    """Withdraw your request to join."""
    group = queries.group_by_slug(current_user, slug)
    services.withdraw_request(current_user, group.id)
    flash(_("Richiesta ritirata."), "info")
    return redirect(url_for("groups.detail", slug=group.slug), code=303)


@bp.route("/tavoli/<slug>/lascia", methods=["POST"])
@login_required
def leave(slug: str):
    """Leave a group."""
    group = queries.group_by_slug(current_user, slug)
    services.leave_group(current_user, group.id)
    flash(_("Hai lasciato il tavolo «%(name)s».", name=group.name), "info")
    return redirect(url_for("groups.index"), code=303)


def _members_page(slug: str, status: int = 200, invite_form: InviteForm | None = None):  # type: ignore[no-untyped-def]
    group = queries.group_by_slug(current_user, slug)
    if not permissions.can_read_group_content(current_user, group):
        abort(404, description=_("Tavolo non trovato."))
    manages = permissions.can_manage_group(current_user, group)
    return _page(
        slug, "groups/members.html", status, members=queries.members(group),
        requests=queries.pending_requests(group) if manages else [],
        invitations=invitations.pending_invitations(group) if manages else [],
        invite_form=invite_form or InviteForm(formdata=None), manages=manages)


@bp.route("/tavoli/<slug>/membri")
def members(slug: str):
    """Who takes part; facilitators also see requests and invitations."""
    return _members_page(slug)


@bp.route("/tavoli/<slug>/membri/invita", methods=["POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def invite(slug: str):
    """Invite a member by username, or anyone by e-mail."""
    group = queries.group_by_slug(current_user, slug)
    if not permissions.can_manage_group(current_user, group):
        abort(403, description=_("Solo i facilitatori del tavolo possono invitare."))
    form = InviteForm()
    if not form.validate_on_submit():
        return _members_page(slug, 422, form)
    try:
        sent = invitations.invite(current_user, group.id, form.target.data or "")
    except DomainError as error:
        return _members_page(slug, form_error(form, error), form)
    flash(_("Invito inviato a %(who)s.", who=sent.shown_as), "success")
    return redirect(url_for("groups.members", slug=group.slug), code=303)


@bp.route("/tavoli/<slug>/richieste/<int:request_id>", methods=["POST"])
@login_required
def decide_request(slug: str, request_id: int):
    """Approve or refuse a request to join."""
    group = queries.group_by_slug(current_user, slug)
    approve = request.form.get("esito") == "approva"
    services.decide_request(current_user, group.id, request_id, approve=approve)
    flash(_("Richiesta approvata.") if approve else _("Richiesta respinta."), "success")
    return redirect(url_for("groups.members", slug=group.slug), code=303)


@bp.route("/tavoli/<slug>/membri/<int:user_id>/rimuovi", methods=["POST"])
@login_required
def remove_member(slug: str, user_id: int):
    """Remove a member (facilitators)."""
    group = queries.group_by_slug(current_user, slug)
    services.remove_member(current_user, group.id, user_id)
    flash(_("Membro rimosso dal tavolo."), "info")
    return redirect(url_for("groups.members", slug=group.slug), code=303)


@bp.route("/tavoli/<slug>/membri/<int:user_id>/ruolo", methods=["POST"])
@login_required
def set_role(slug: str, user_id: int):
    """Make a member facilitator, or back to member."""
    group = queries.group_by_slug(current_user, slug)
    services.set_member_role(current_user, group.id, user_id, request.form.get("ruolo", ""))
    flash(_("Ruolo aggiornato."), "success")
    return redirect(url_for("groups.members", slug=group.slug), code=303)


@bp.route("/tavoli/<slug>/inviti/<int:invitation_id>/revoca", methods=["POST"])
@login_required
def revoke_invitation(slug: str, invitation_id: int):
    """Withdraw an invitation not yet answered."""
    group = queries.group_by_slug(current_user, slug)
    invitations.revoke_invitation(current_user, group.id, invitation_id)
    flash(_("Invito ritirato."), "info")
    return redirect(url_for("groups.members", slug=group.slug), code=303)


@bp.route("/tavoli/invito/<token>", methods=["GET", "POST"])
@write_limit("EDIT_LIMIT", "editing")
def invitation(token: str):
    """An invitation from its e-mail link: sign in or register, then accept or decline."""
    found = invitations.invitation_by_token(token)
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.path))
        if request.form.get("risposta") == "rifiuta":
            invitations.decline_invitation(current_user, token)
            flash(_("Invito rifiutato."), "info")
            return redirect(url_for("groups.index"), code=303)
        group = invitations.accept_invitation(current_user, token)
        flash(_("Benvenuta/o nel tavolo «%(name)s».", name=group.name), "success")
        return redirect(url_for("groups.detail", slug=group.slug), code=303)
    return render_template("groups/invitation.html", invitation=found, token=token,
                           private=found.group.kind == GroupKind.PRIVATE)


@bp.route("/domande/<int:question_id>/pubblicazione", methods=["POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def request_publication(question_id: int):
    """A facilitator proposes to publish a solved group thread to the public space."""
    question = publication.request_publication(current_user, question_id)
    if question.published_copy_id is not None:
        flash(_("Discussione pubblicata nello spazio pubblico."), "success")
        return redirect(url_for("questions.detail", question_id=question.published_copy_id),
                        code=303)
    flash(_("Proposta inviata: serve il consenso di chi ha fatto la domanda."), "success")
    return redirect(url_for("questions.detail", question_id=question_id), code=303)


@bp.route("/domande/<int:question_id>/pubblicazione/consenso", methods=["POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def answer_publication(question_id: int):
    """The asker agrees to (or declines) the publication a facilitator proposed."""
    agree = request.form.get("risposta") == "si"
    question = publication.answer_publication(current_user, question_id, agree=agree)
    if agree and question.published_copy_id is not None:
        flash(_("Grazie: la discussione è ora pubblica."), "success")
        return redirect(url_for("questions.detail", question_id=question.published_copy_id),
                        code=303)
    flash(_("La discussione resta riservata al tavolo."), "info")
    return redirect(url_for("questions.detail", question_id=question_id), code=303)


# -- documents --

# Ids beyond a 32-bit integer match no route (a 404), instead of overflowing the database's
# integer in the query (a 500).
DOCUMENT = "/tavoli/<slug>/documenti/<int(max=2147483647):document_id>"

def _documents_group(slug: str) -> Group:
    """The group if the viewer reads its documents: the same 404 as a missing group
    otherwise, for every document address."""
    group = queries.group_by_slug(current_user, slug)
    if not permissions.can_read_group_documents(current_user, group):
        abort(404, description=_("Tavolo non trovato."))
    return group


def _folder_arg() -> str | None:
    folder = clean_line(request.args.get("cartella"))
    if len(folder) > documents.FOLDER_MAX:
        abort(400, description=_("Cartella non valida."))
    return folder or None


def _library_page(slug: str, status: int = 200, form: DocumentForm | None = None):  # type: ignore[no-untyped-def]
    group = _documents_group(slug)
    return _page(slug, "groups/documents.html", status,
                 library=document_queries.library(group, _folder_arg()),
                 upload_form=form or DocumentForm(formdata=None), accept=attachments.ACCEPT)


def _document_fields(form: DocumentEditForm) -> documents.DocumentFields:
    return documents.DocumentFields(title=form.title.data or "", folder=form.folder.data or "",
                                    description=form.description.data or "")


@bp.route("/tavoli/<slug>/documenti", endpoint="documents")
def documents_library(slug: str):
    """The group's documents by folder, each with its latest version (`?cartella=`)."""
    return _library_page(slug)


@bp.route("/tavoli/<slug>/documenti", methods=["POST"])
@login_required
@write_limit("POST_LIMIT", "posting")
def upload_document(slug: str):
    """A new document (version 1) in the group's library."""
    group = _documents_group(slug)
    form = DocumentForm()
    if not form.validate_on_submit():
        flash(_("Controlla i campi del documento."), "danger")
        return _library_page(slug, 422, form)
    try:
        created = documents.upload_document(current_user, group.id, _document_fields(form),
                                            form.file.data)
    except DomainError as error:
        return _library_page(slug, form_error(form, error), form)
    flash(_("Documento caricato."), "success")
    return redirect(url_for("groups.document", slug=group.slug, document_id=created.id),
                    code=303)


def _document_page(slug: str, document_id: int, status: int = 200,  # type: ignore[no-untyped-def]
                   version_form: VersionForm | None = None,
                   edit_form: DocumentEditForm | None = None):
    group = _documents_group(slug)
    page = document_queries.document_page(group, document_id)
    return _page(slug, "groups/document.html", status, page=page, accept=attachments.ACCEPT,
                 version_form=version_form or VersionForm(formdata=None),
                 edit_form=edit_form or DocumentEditForm(formdata=None, obj=page.document))


@bp.route(DOCUMENT)
def document(slug: str, document_id: int):
    """A document: its versions (who uploaded each, when, why) and what one may do."""
    return _document_page(slug, document_id)


@bp.route(f"{DOCUMENT}/versioni", methods=["POST"])
@login_required
@write_limit("POST_LIMIT", "posting")
def upload_version(slug: str, document_id: int):
    """A new version of a document, numbered after the last."""
    group = _documents_group(slug)
    form = VersionForm()
    if not form.validate_on_submit():
        flash(_("Controlla i campi della nuova versione."), "danger")
        return _document_page(slug, document_id, 422, version_form=form)
    try:
        version = documents.upload_version(current_user, group.id, document_id,
                                           form.file.data, form.note.data or "")
    except DomainError as error:
        if error.status_code == 404:
            raise
        return _document_page(slug, document_id, form_error(form, error), version_form=form)
    flash(_("Versione %(n)d caricata.", n=version.number), "success")
    return redirect(url_for("groups.document", slug=group.slug, document_id=document_id),
                    code=303)


@bp.route(f"{DOCUMENT}/versioni/<int(max=2147483647):number>")
def download_version(slug: str, document_id: int, number: int):
    """One version's file, as a download with the type recognised at upload."""
    group = _documents_group(slug)
    version = document_queries.version_for_download(group, document_id, number)
    return attachments.send_stored(version.stored_name, version.mime, version.filename,
                                   missing=_("Versione non trovata."))


@bp.route(f"{DOCUMENT}/modifica", methods=["POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def edit_document(slug: str, document_id: int):
    """Rename a document or move it to another folder."""
    group = _documents_group(slug)
    form = DocumentEditForm()
    if not form.validate_on_submit():
        flash(_("Controlla i campi del documento."), "danger")
        return _document_page(slug, document_id, 422, edit_form=form)
    try:
        documents.update_document(current_user, group.id, document_id, _document_fields(form))
    except DomainError as error:
        if error.status_code == 404:
            raise
        return _document_page(slug, document_id, form_error(form, error), edit_form=form)
    flash(_("Documento aggiornato."), "success")
    return redirect(url_for("groups.document", slug=group.slug, document_id=document_id),
                    code=303)


@bp.route(f"{DOCUMENT}/elimina", methods=["POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def delete_document(slug: str, document_id: int):
    """Delete a document with all its versions and files."""
    group = _documents_group(slug)
    documents.delete_document(current_user, group.id, document_id)
    flash(_("Documento eliminato."), "info")
    return redirect(url_for("groups.documents", slug=group.slug), code=303)
