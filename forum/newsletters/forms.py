"""Newsletter forms: shape only; the month and the rules are checked by the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class IssueForm(FlaskForm):
    """Title and introduction; `month` (AAAA-MM) only when creating."""

    month = StringField(_l("Mese (AAAA-MM)"), validators=[Optional(), Length(max=7)])
    title = StringField(_l("Titolo"), validators=[DataRequired(), Length(1, 200)])
    intro = TextAreaField(_l("Introduzione della redazione (Markdown, facoltativa)"),
                          validators=[Optional(), Length(max=10_000)])


class SendForm(FlaskForm):
    """The confirmation asked before sending."""

    confirm = BooleanField(_l("Confermo: invia questo numero a tutti gli iscritti"))
