"""Training path forms: shape only; module rows are read as lists by the view."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

MODULE_ROWS = 8
MODULE_KINDS = {
    "event": _l("Incontro da seguire"),
    "practice": _l("Buona pratica da studiare"),
    "reading": _l("Lettura (link)"),
    "task": _l("Compito pratico su un tema"),
}


class PathForm(FlaskForm):
    """A path's title, summary and description; the modules come as repeated rows."""

    title = StringField(_l("Titolo del percorso"), validators=[DataRequired(), Length(1, 200)])
    summary = StringField(_l("Sintesi"), validators=[Optional(), Length(max=600)])
    description = TextAreaField(_l("Presentazione (Markdown)"),
                                validators=[Optional(), Length(max=20_000)])
