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

# Length limits are checked again by the service; the form's are a little larger so that
# the service's precise message (with the limit) is what the visitor reads.
SLACK = 10


class FeedbackForm(FlaskForm):
    """A report of an accessibility problem; `website` is a honeypot people never see."""

    page_url = StringField(_l("Pagina in cui hai trovato il problema (facoltativo)"),
                           validators=[Optional(), Length(max=PAGE_URL_MAX + SLACK)],
                           render_kw={"inputmode": "url"})
    description = TextAreaField(_l("Descrivi il problema"),
                                validators=[DataRequired(_l("Descrivi il problema.")),
                                            Length(max=DESCRIPTION_MAX + SLACK)])
    name = StringField(_l("Nome e cognome (facoltativo)"),
                       validators=[Optional(), Length(max=REPORTER_NAME_MAX + SLACK)])
    email = StringField(_l("Indirizzo e-mail per la risposta"),
                        validators=[Optional(), Length(max=EMAIL_MAX + SLACK)],
                        render_kw={"type": "email"})
    website = StringField(_l("Non compilare questo campo"), validators=[Optional()])


class AnswerForm(FlaskForm):
    """The answer e-mailed to the reporter."""

    answer = TextAreaField(_l("Risposta a chi ha segnalato"),
                           validators=[DataRequired(_l("Scrivi la risposta.")),
                                       Length(max=ANSWER_MAX + SLACK)])


class CloseForm(FlaskForm):
    """Closing without an answer, with a note for the audit log."""

    note = TextAreaField(_l("Nota per il registro (facoltativa)"),
                         validators=[Optional(), Length(max=1_000 + SLACK)])


class StatementForm(FlaskForm):
    """The values of the accessibility statement."""

    administration = StringField(_l("Amministrazione titolare del sito"),
                                 validators=[DataRequired(), Length(max=NAME_MAX + SLACK)])
    site_name = StringField(_l("Nome del sito"),
                            validators=[DataRequired(), Length(max=NAME_MAX + SLACK)])
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
                                validators=[Optional(), Length(max=URL_MAX + SLACK)],
                                render_kw={"type": "url"})
    contact_email = StringField(_l("E-mail per l'accessibilità (facoltativa)"),
                                validators=[Optional(), Length(max=254)],
                                render_kw={"type": "email"})
