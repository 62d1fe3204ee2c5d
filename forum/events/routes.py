"""Meetings and training (`/incontri`): list, month calendar, archive, an event's page with
registration and check-in; the organisers' form, status moves and registrants."""

from __future__ import annotations

import csv
import io
import re

from babel.dates import get_day_names
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.admin.queries import all_themes
from forum.certificates.queries import after_context
from forum.errors import DomainError
from forum.events import attendance, messages, queries, registrations, services
from forum.events.clock import utc_to_rome
from forum.events.forms import (
    KIND_LABELS,
    MIN_SESSION_ROWS,
    MODE_LABELS,
    REGISTRATION_LABELS,
    CheckinForm,
    EventForm,
    MessageForm,
    RegistrationForm,
    StatusForm,
)
from forum.events.queries import PERIODS, EventFilters
from forum.groups import queries as group_queries
from forum.limits import write_limit
from forum.models import Event, RegistrationStatus
from forum.models.base import utcnow
from forum.taxonomy import REGIONS
from forum.text import clean_line, clean_text
from forum.views import form_error, page_arg

bp = Blueprint("events", __name__)


def _filters() -> EventFilters:
    args = request.args
    theme = args.get("tema") or None
    if theme and theme not in {t.slug for t in all_themes()}:
        abort(400, description=_("Tema non valido."))
    kind = args.get("tipo") or None
    if kind and kind not in {k.value for k in KIND_LABELS}:
        abort(400, description=_("Tipologia di incontro non valida."))
    mode = args.get("modalita") or None
    if mode and mode not in MODE_LABELS:
        abort(400, description=_("Modalità non valida: online, in presenza o ibrida."))
    region = args.get("regione") or None
    if region and region not in REGIONS:
        abort(400, description=_("Regione non valida."))
    period = args.get("periodo") or None
    if period and period not in PERIODS:
        abort(400, description=_("Periodo non valido: questo mese o prossimi 3 mesi."))
    return EventFilters(theme=theme, kind=kind, mode=mode, region=region, period=period)


def _list_context() -> dict[str, object]:
    return {"themes": all_themes(), "regions": REGIONS, "kinds": KIND_LABELS,
            "modes": MODE_LABELS}


@bp.route("/incontri")
def index():
    """Upcoming published events, soonest first, with filters."""
    filters = _filters()
    events = queries.upcoming_events(current_user, filters)
    return render_template("events/index.html", events=events, filters=filters,
                           **_list_context())


@bp.route("/incontri/calendario")
def month():
    """The month's events as a calendar grid (Rome time)."""
    raw = request.args.get("mese") or ""
    if raw:
        found = re.fullmatch(r"(\d{4})-(\d{2})", raw)
        if not found or not 1 <= int(found[2]) <= 12 or not 2000 <= int(found[1]) <= 2100:
            abort(400, description=_("Mese non valido: usa il formato AAAA-MM."))
        year, number = int(found[1]), int(found[2])
    else:
        today = utc_to_rome(utcnow())
        year, number = today.year, today.month
    calendar = queries.month_calendar(current_user, year, number)
    locale = get_locale()
    short, wide = get_day_names("abbreviated", locale=locale), get_day_names("wide", locale=locale)
    return render_template("events/calendar.html", calendar=calendar,
                           month_label=format_date(calendar.first, "LLLL y").capitalize(),
                           weekdays=[(short[i], wide[i]) for i in range(7)])


@bp.route("/incontri/archivio")
def archive():
    """Concluded events, the most recent first."""
    page = page_arg()
    pagination = queries.past_events(current_user, page,
                                     current_app.config["QUESTIONS_PER_PAGE"])
    if page > 1 and page > pagination.pages:
        abort(404, description=_("Questa pagina non esiste: l'elenco ha meno pagine."))
    return render_template("events/archive.html", pagination=pagination,
                           with_materials=queries.with_materials(list(pagination.items)))


def _form(event: Event | None = None) -> EventForm:
    data = None
    if event is not None and request.method == "GET":
        sessions = [{"day": utc_to_rome(s.starts_at).date(),
                     "start": utc_to_rome(s.starts_at).time(),
                     "end": utc_to_rome(s.ends_at).time(), "title": s.title}
                    for s in event.sessions]
        extra = queries.edit_values(event)
        data = {
            "title": event.title, "kind": event.kind, "summary": event.summary,
            "description": event.description, "sessions": sessions + [{}],
            "themes": [t.id for t in event.themes], "organiser": event.organiser,
            "contact_email": event.contact_email, "online_url": event.online_url,
            "place_name": event.place_name, "address": event.address,
            "municipality": event.municipality, "region": event.region_code,
            "registration_required": event.registration_required,
            "registration_url": event.registration_url,
            "registration_deadline": utc_to_rome(event.registration_deadline).date()
            if event.registration_deadline else None,
            "capacity": event.capacity, "waiting_list": event.waiting_list,
            "requires_approval": event.requires_approval,
            "co_organisers": extra["co_organisers"], "practices": extra["practices"]}
    form = EventForm(data=data)
    groups = group_queries.groups_for_posting(current_user)
    form.group.choices = [("", _("Nessuno: incontro dello spazio pubblico")),  # type: ignore[assignment]
                          *((g.slug, g.name) for g in groups)]
    if event is None and request.method == "GET" and request.args.get("tavolo"):
        form.group.data = request.args["tavolo"][:140]
    while len(form.sessions) < MIN_SESSION_ROWS:
        form.sessions.append_entry()
    form.themes.choices = [(t.id, _(t.name)) for t in all_themes()]  # type: ignore[assignment]
    return form


def _group_id(form: EventForm) -> int | None:
    """The chosen group (one the organiser may post in), None for a public event; an
    unknown slug is reported by the service as a field error."""
    slug = form.group.data or ""
    if not slug:
        return None
    group = next((g for g in group_queries.groups_for_posting(current_user) if g.slug == slug),
                 None)
    return group.id if group is not None else 0


def _fields(form: EventForm) -> services.EventFields:
    sessions = tuple(services.SessionFields(row.day.data, row.start.data, row.end.data,
                                            row.title.data or "")
                     for row in form.sessions)
    return services.EventFields(
        title=form.title.data or "", kind=form.kind.data or "",
        summary=form.summary.data or "", sessions=sessions,
        organiser=form.organiser.data or "", theme_ids=tuple(form.themes.data or ()),
        description=form.description.data or "", online_url=form.online_url.data or "",
        place_name=form.place_name.data or "", address=form.address.data or "",
        municipality=form.municipality.data or "", region=form.region.data or "",
        contact_email=form.contact_email.data or "",
        registration_required=bool(form.registration_required.data),
        registration_url=form.registration_url.data or "",
        registration_deadline=form.registration_deadline.data,
        capacity=form.capacity.data, waiting_list=bool(form.waiting_list.data),
        requires_approval=bool(form.requires_approval.data),
        practice_slugs=tuple(clean_text(form.practices.data).split()),
        co_organisers=tuple(clean_line(form.co_organisers.data).replace(",", " ").split()),
        group_id=_group_id(form))


@bp.route("/incontri/nuovo", methods=["GET", "POST"])
@login_required
@write_limit("POST_LIMIT", "posting")
def create():
    """A new event, saved as a draft."""
    if not permissions.can_organise(current_user):
        abort(403, description=_("Solo organizzatori, moderatori e amministratori creano "
                                 "incontri."))
    form = _form()
    status = 200
    if form.validate_on_submit():
        try:
            event = services.create_event(current_user, _fields(form))
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Incontro salvato in bozza: pubblicalo quando è pronto."), "success")
            return redirect(url_for("events.detail", slug=event.slug), code=303)
    elif request.method == "POST":
        flash(_("Controlla i campi evidenziati."), "danger")
        status = 422
    return render_template("events/form.html", form=form, event=None), status


def _organised(slug: str) -> Event:
    event = queries.event_by_slug(current_user, slug)
    if not permissions.is_event_organiser(current_user, event,
                                          {u.id for u in event.organisers}):
        abort(403, description=_("Solo chi organizza l'incontro può farlo."))
    return event


@bp.route("/incontri/<slug>/modifica", methods=["GET", "POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def edit(slug: str):
    """Change an event (its organisers)."""
    event = _organised(slug)
    form = _form(event)
    status = 200
    if form.validate_on_submit():
        try:
            event = services.update_event(current_user, event.id, _fields(form))
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Incontro aggiornato."), "success")
            return redirect(url_for("events.detail", slug=event.slug), code=303)
    elif request.method == "POST":
        flash(_("Controlla i campi evidenziati."), "danger")
        status = 422
    return render_template("events/form.html", form=form, event=event), status


def _detail(event: Event, status: int = 200, **forms):  # type: ignore[no-untyped-def]
    ids = {u.id for u in event.organisers}
    organiser = permissions.is_event_organiser(current_user, event, ids)
    mine = registrations.registration_of(current_user, event)
    position = (queries.waiting_position(mine)
                if mine is not None and mine.status == RegistrationStatus.WAITING else None)
    confirmed = mine is not None and mine.status == RegistrationStatus.CONFIRMED
    register_form = forms.get("register_form")
    if register_form is None:
        register_form = RegistrationForm(formdata=None, organisation=getattr(
            current_user, "organisation", ""))
    now = utcnow()
    after = {k: v for k, v in after_context(current_user, event).items() if k != "event"}
    return render_template(
        "events/detail.html", **after, event=event, organiser=organiser, mine=mine,
        started=event.starts_at <= now,
        checkin_open=confirmed and now >= event.starts_at - attendance.CHECKIN_EARLY,
        position=position, shows_link=organiser or confirmed,
        practices=queries.related_practices(event), register_form=register_form,
        checkin_form=forms.get("checkin_form") or CheckinForm(formdata=None),
        status_form=forms.get("status_form") or StatusForm(formdata=None),
        kinds=KIND_LABELS, modes=MODE_LABELS), status


@bp.route("/incontri/<slug>")
def detail(slug: str):
    """An event: dates, programme, place, seats, registration."""
    return _detail(queries.event_by_slug(current_user, slug))


@bp.route("/incontri/<slug>/iscrizione", methods=["POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def register(slug: str):
    """Register, with the answers to the event's questions."""
    event = queries.event_by_slug(current_user, slug)
    form = RegistrationForm()
    if not form.validate_on_submit():
        return _detail(event, 422, register_form=form)
    try:
        mine = registrations.register(current_user, event.id, registrations.Answers(
            form.organisation.data or "", form.job_title.data or "",
            form.accessibility_needs.data or ""))
    except DomainError as error:
        return _detail(event, form_error(form, error), register_form=form)
    flash({RegistrationStatus.CONFIRMED: _("Iscrizione confermata."),
           RegistrationStatus.WAITING: _("Sei in lista d'attesa: ti avvisiamo se si libera "
                                         "un posto."),
           RegistrationStatus.PENDING: _("Richiesta inviata: gli organizzatori la "
                                         "esamineranno.")}.get(
        RegistrationStatus(mine.status), _("Iscrizione registrata.")), "success")
    return redirect(url_for("events.detail", slug=event.slug), code=303)


@bp.route("/incontri/<slug>/iscrizione/annulla", methods=["POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def cancel(slug: str):
    """Give up your place."""
    event = queries.event_by_slug(current_user, slug)
    registrations.cancel_registration(current_user, event.id)
    flash(_("Iscrizione annullata."), "info")
    return redirect(url_for("events.detail", slug=event.slug), code=303)


@bp.route("/incontri/<slug>/presenza", methods=["POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def checkin(slug: str):
    """A confirmed member enters the check-in code."""
    event = queries.event_by_slug(current_user, slug)
    form = CheckinForm()
    if not form.validate_on_submit():
        return _detail(event, 422, checkin_form=form)
    try:
        attendance.check_in(current_user, event.id, form.code.data or "")
    except DomainError as error:
        return _detail(event, form_error(form, error), checkin_form=form)
    flash(_("Presenza registrata. Grazie per aver partecipato."), "success")
    return redirect(url_for("events.detail", slug=event.slug), code=303)


@bp.route("/incontri/<slug>/stato", methods=["POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def move(slug: str):
    """Publish, back to draft, or cancel with a reason."""
    event = _organised(slug)
    form = StatusForm()
    if not form.validate_on_submit():
        return _detail(event, 422, status_form=form)
    try:
        event = services.move_event(current_user, event.id, form.to.data or "",
                                    reason=form.reason.data or "")
    except DomainError as error:
        return _detail(event, form_error(form, error), status_form=form)
    flash({"pubblicato": _("Incontro pubblicato."), "bozza": _("Incontro riportato in bozza."),
           "annullato": _("Incontro annullato: gli iscritti sono stati avvisati.")}.get(
        event.status, _("Stato aggiornato.")), "success")
    return redirect(url_for("events.detail", slug=event.slug), code=303)


def _registrants(event: Event, status: int = 200, **forms):  # type: ignore[no-untyped-def]
    return render_template(
        "events/registrants.html", event=event, registrants=queries.registrants(event),
        message_form=forms.get("message_form") or MessageForm(formdata=None)), status


@bp.route("/incontri/<slug>/iscritti")
@login_required
def registrants(slug: str):
    """Registrants by status, the check-in code, a message to all (organisers)."""
    return _registrants(_organised(slug))


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.route("/incontri/<slug>/iscritti.csv")
@login_required
def registrants_csv(slug: str):
    """The registrants as CSV (cells that a spreadsheet would run as formulas are escaped)."""
    from forum.i18n import long_datetime

    event = _organised(slug)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Nome utente"), _("Nome"), _("Ente"), _("Ruolo"),
                     _("Esigenze di accessibilità"), _("Stato"), _("Iscrizione"),
                     _("Presente")])
    for row in queries.registrants(event).everyone:
        writer.writerow([_cell(v) for v in (
            row.user.username, row.user.display_name, row.organisation, row.job_title,
            row.accessibility_needs, REGISTRATION_LABELS.get(row.status, row.status),
            long_datetime(row.created_at),
            _("sì") if row.attended_at else _("no"))])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="iscritti-{event.id}.csv"'})


@bp.route("/incontri/<slug>/iscritti/<int:registration_id>/esito", methods=["POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def decide(slug: str, registration_id: int):
    """Approve or refuse a registration awaiting approval."""
    event = _organised(slug)
    verdict = request.form.get("esito")
    if verdict not in ("approva", "rifiuta"):
        abort(400, description=_("Scegli se approvare o rifiutare."))
    registrations.decide_registration(current_user, event.id, registration_id,
                                      approve=verdict == "approva")
    flash(_("Iscrizione approvata.") if verdict == "approva" else _("Iscrizione rifiutata."),
          "success")
    return redirect(url_for("events.registrants", slug=event.slug), code=303)


@bp.route("/incontri/<slug>/iscritti/<int:registration_id>/presenza", methods=["POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def mark_attendance(slug: str, registration_id: int):
    """Mark a confirmed registrant present (or not any more)."""
    event = _organised(slug)
    row = attendance.toggle_attendance(current_user, event.id, registration_id)
    flash(_("Presenza registrata.") if row.attended_at else _("Presenza tolta."), "success")
    return redirect(url_for("events.registrants", slug=event.slug), code=303)


@bp.route("/incontri/<slug>/messaggio", methods=["POST"])
@login_required
@write_limit("POST_LIMIT", "posting")
def message(slug: str):
    """Write to every active registrant."""
    event = _organised(slug)
    form = MessageForm()
    if not form.validate_on_submit():
        return _registrants(event, 422, message_form=form)
    try:
        sent = messages.message_registrants(current_user, event.id, form.subject.data or "",
                                            form.body.data or "")
    except DomainError as error:
        return _registrants(event, form_error(form, error), message_form=form)
    flash(_("Messaggio inviato a %(n)d iscritti.", n=sent), "success")
    return redirect(url_for("events.registrants", slug=event.slug), code=303)
