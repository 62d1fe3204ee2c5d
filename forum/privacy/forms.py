"""Privacy forms: shape only (the services check passwords and limits)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import Length, Optional


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token (ask for an export, cancel a deletion)."""


class DeletionForm(FlaskForm):
    """Confirm the deletion: the password, or the typed word for accounts without one."""

    password = PasswordField(_l("La tua password"), validators=[Optional(), Length(max=128)])
    confirmation = StringField(_l("Scrivi ELIMINA per confermare"),
                               validators=[Optional(), Length(max=20)])


class NoticeForm(FlaskForm):
    """The privacy notice's fields (limits repeated by the service)."""

    controller_name = StringField(_l("Titolare del trattamento: denominazione"),
                                  validators=[Length(max=200)])
    controller_address = StringField(_l("Titolare: indirizzo"), validators=[Length(max=300)])
    controller_pec = StringField(_l("Titolare: PEC"), validators=[Length(max=254)])
    dpo_name = StringField(_l("Responsabile della protezione dei dati (RPD): nome"),
                           validators=[Length(max=200)])
    dpo_email = StringField(_l("RPD: e-mail"), validators=[Length(max=254)])
    purposes = TextAreaField(_l("Finalità del trattamento (Markdown)"),
                             validators=[Length(max=10_000)])
    legal_basis = TextAreaField(_l("Base giuridica (Markdown)"), validators=[Length(max=10_000)])
    data_categories = TextAreaField(_l("Categorie di dati (Markdown)"),
                                    validators=[Length(max=10_000)])
    recipients = TextAreaField(_l("Destinatari (Markdown)"), validators=[Length(max=10_000)])
