"""The redaction form: shape only (lengths are checked by the service)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class RedactionForm(FlaskForm):
    """The post's text to publish instead, and the reason told to the author."""

    title = StringField(_l("Titolo"), validators=[Optional(), Length(max=150)])
    body = TextAreaField(_l("Testo oscurato"), validators=[DataRequired(), Length(max=30_000)])
    reason = TextAreaField(_l("Motivo (lo legge l'autore)"),
                           validators=[DataRequired(), Length(max=1_000)])
