"""The priority form: shape only (lengths, dates that parse); the rules are in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forum.practices.forms import CheckboxesField


class AnnouncementForm(FlaskForm):
    """Title, Markdown body, themes and validity; `themes.choices` are set by the view."""

    title = StringField(_l("Titolo"), validators=[DataRequired(), Length(1, 200)])
    body = TextAreaField(_l("Testo (Markdown)"), validators=[DataRequired(), Length(1, 20_000)])
    themes = CheckboxesField(_l("Temi (da 1 a 3)"), coerce=int)
    valid_from = DateField(_l("Valida dal"), validators=[DataRequired()])
    valid_until = DateField(_l("Valida fino al (facoltativo)"), validators=[Optional()])
