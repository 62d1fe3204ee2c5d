"""Feedback, answer and statement-settings forms: shape only (lengths, formats); the rules
(e-mail required when anonymous, dates, URLs) live in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forum.accessibility.settings import COMPLIANCE, NAME_MAX, NON_ACCESSIBLE_MAX, URL_MAX
from forum.auth.forms import as_choices
from forum.models.accessibility import (
    ANSWER_MAX,
    DESCRIPTION_MAX,
    EMAIL_MAX,
    PAGE_URL_MAX,
)
from forum.models.accessibility import NAME_MAX as REPORTER_NAME_MAX

# The long texts have no Length validator: browsers send line breaks as CRLF (two
# characters) while `maxlength` counts one, so the service checks the length after
# normalising them, with its own message.


class FeedbackForm(FlaskForm):
    """A report of an accessibility problem; `website` is a honeypot people never see."""

    page_url = StringField(_l("Pagina in cui hai trovato il problema (facoltativo)"),
                           validators=[Optional(), Length(max=PAGE_URL_MAX)],
                           render_kw={"inputmode": "url"})
    description = TextAreaField(_l("Descrivi il problema"),
                                validators=[DataRequired(_l("Descrivi il problema."))],
                                render_kw={"maxlength": DESCRIPTION_MAX})
    name = StringField(_l("Nome e cognome (facoltativo)"),
                       validators=[Optional(), Length(max=REPORTER_NAME_MAX)])
    email = StringField(_l("Indirizzo e-mail per la risposta"),
                        validators=[Optional(), Length(max=EMAIL_MAX)],
                        render_kw={"type": "email"})
    website = StringField(_l("Non compilare questo campo"), validators=[Optional()])


class AnswerForm(FlaskForm):
    """The answer e-mailed to the reporter."""

    answer = TextAreaField(_l("Risposta a chi ha segnalato"),
                           validators=[DataRequired(_l("Scrivi la risposta."))],
                           render_kw={"maxlength": ANSWER_MAX})


class CloseForm(FlaskForm):
    """Closing without an answer, with a note for the audit log."""

    note = TextAreaField(_l("Nota per il registro (facoltativa)"),
                         validators=[Optional(), Length(max=1_000)])


class StatementForm(FlaskForm):
    """The values of the accessibility statement."""

    administration = StringField(_l("Amministrazione titolare del sito"),
                                 validators=[DataRequired(), Length(max=NAME_MAX)])
    site_name = StringField(_l("Nome del sito"),
                            validators=[DataRequired(), Length(max=NAME_MAX)])
    compliance = RadioField(_l("Stato di conformità"),
                            choices=lambda: as_choices(COMPLIANCE.items()),
                            validators=[DataRequired()])
    non_accessible = TextAreaField(_l("Contenuti non accessibili (Markdown)"),
                                   validators=[Optional(), Length(max=NON_ACCESSIBLE_MAX)])
    statement_date = StringField(_l("Data della dichiarazione"),
                                 validators=[Optional(), Length(max=10)])
    last_check = StringField(_l("Data dell'ultima verifica automatica"),
                             validators=[Optional(), Length(max=10)])
    agid_form_url = StringField(_l("Indirizzo della dichiarazione pubblicata su "
                                   "form.agid.gov.it"),
                                validators=[Optional(), Length(max=URL_MAX)],
                                render_kw={"type": "url"})
    contact_email = StringField(_l("E-mail per l'accessibilità (facoltativa)"),
                                validators=[Optional(), Length(max=254)],
                                render_kw={"type": "email"})
