"""Event forms: shape only (lengths, choices, dates); the rules are in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional

from forum.auth.forms import as_choices
from forum.models import EventKind
from forum.practices.forms import CheckboxesField
from forum.taxonomy import REGIONS

KIND_LABELS = {
    EventKind.WEBINAR: _l("Webinar"),
    EventKind.SEMINAR: _l("Seminario"),
    EventKind.WORKSHOP: _l("Laboratorio"),
    EventKind.COURSE: _l("Formazione"),
}
MODE_LABELS = {
    "online": _l("Online"),
    "in-presenza": _l("In presenza"),
    "ibrida": _l("Ibrida"),
}
STATUS_LABELS = {
    "bozza": _l("Bozza"),
    "pubblicato": _l("Pubblicato"),
    "annullato": _l("Annullato"),
    "concluso": _l("Concluso"),
}
REGISTRATION_LABELS = {
    "confirmed": _l("Confermata"),
    "waiting": _l("In lista d'attesa"),
    "pending": _l("Da approvare"),
    "cancelled": _l("Annullata"),
    "refused": _l("Rifiutata"),
}
MIN_SESSION_ROWS = 3


class SessionForm(Form):
    """One session row: a day, start and end times (Rome), an optional title."""

    day = DateField(_l("Data"), validators=[Optional()])
    start = TimeField(_l("Ora di inizio"), validators=[Optional()])
    end = TimeField(_l("Ora di fine"), validators=[Optional()])
    title = StringField(_l("Titolo dell'incontro (facoltativo)"),
                        validators=[Optional(), Length(max=200)])


class EventForm(FlaskForm):
    """An event's fields; `themes.choices` are set by the view."""

    title = StringField(_l("Titolo"), validators=[DataRequired(), Length(1, 200)])
    kind = SelectField(_l("Tipologia"), default=EventKind.WEBINAR.value,
                       choices=lambda: as_choices((k.value, v) for k, v in KIND_LABELS.items()))
    summary = TextAreaField(_l("Sintesi"), validators=[DataRequired(), Length(1, 600)])
    description = TextAreaField(_l("Programma (Markdown, facoltativo)"),
                                validators=[Optional(), Length(max=20_000)])
    sessions = FieldList(FormField(SessionForm), min_entries=MIN_SESSION_ROWS, max_entries=20)
    themes = CheckboxesField(_l("Temi (da 1 a 3)"), coerce=int)
    organiser = StringField(_l("Ente o ufficio che organizza"),
                            validators=[DataRequired(), Length(1, 200)])
    contact_email = StringField(_l("E-mail di contatto (facoltativa)"),
                                validators=[Optional(), Length(max=254)])
    online_url = StringField(_l("Link per il collegamento (visibile solo agli iscritti)"),
                             validators=[Optional(), Length(max=500)])
    place_name = StringField(_l("Sede (facoltativa)"), validators=[Optional(), Length(max=200)])
    address = StringField(_l("Indirizzo (facoltativo)"), validators=[Optional(), Length(max=200)])
    municipality = StringField(_l("Comune (facoltativo)"),
                               validators=[Optional(), Length(max=120)])
    region = SelectField(_l("Regione (facoltativa)"), validators=[Optional()], default="",
                         choices=lambda: as_choices([("", _l("Nazionale")), *REGIONS.items()]))
    registration_required = BooleanField(_l("Serve l'iscrizione"), default=True)
    registration_url = StringField(_l("Iscrizione su un sito esterno (facoltativa)"),
                                   validators=[Optional(), Length(max=500)])
    registration_deadline = DateField(_l("Iscrizioni aperte fino al (facoltativo)"),
                                      validators=[Optional()])
    capacity = IntegerField(_l("Posti disponibili (vuoto: nessun limite)"),
                            validators=[Optional()])
    waiting_list = BooleanField(_l("Lista d'attesa quando i posti finiscono"), default=True)
    requires_approval = BooleanField(_l("Le iscrizioni vanno approvate"), default=False)
    group = SelectField(_l("Tavolo di lavoro (facoltativo: l'incontro segue la visibilità "
                           "del tavolo)"), validators=[Optional()], default="", choices=[])
    co_organisers = StringField(_l("Co-organizzatori (nomi utente separati da virgole)"),
                                validators=[Optional(), Length(max=500)])
    practices = TextAreaField(_l("Buone pratiche collegate (una per riga: indirizzo o slug)"),
                              validators=[Optional(), Length(max=2_000)])


class RegistrationForm(FlaskForm):
    """The questions asked at registration."""

    organisation = StringField(_l("Ente di appartenenza"),
                               validators=[Optional(), Length(max=200)])
    job_title = StringField(_l("Ruolo"), validators=[Optional(), Length(max=120)])
    accessibility_needs = TextAreaField(
        _l("Esigenze di accessibilità (facoltativo)"),
        validators=[Optional(), Length(max=1_000)])


class StatusForm(FlaskForm):
    """Publish, back to draft, or cancel with a reason."""

    to = RadioField(_l("Nuovo stato"), choices=lambda: as_choices([
        ("pubblicato", _l("Pubblica")), ("bozza", _l("Riporta in bozza")),
        ("annullato", _l("Annulla l'incontro"))]), validators=[DataRequired()])
    reason = TextAreaField(_l("Motivo dell'annullamento (obbligatorio per annullare)"),
                           validators=[Optional(), Length(max=2_000)])


class MessageForm(FlaskForm):
    """A message to every active registrant."""

    subject = StringField(_l("Oggetto"), validators=[DataRequired(), Length(1, 150)])
    body = TextAreaField(_l("Messaggio"), validators=[DataRequired(), Length(1, 5_000)])


class CheckinForm(FlaskForm):
    """The code shown by the organisers during the event."""

    code = StringField(_l("Codice di presenza"), validators=[DataRequired(), Length(1, 12)])
