"""Ask/edit, answer and comment forms: shape only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class QuestionForm(FlaskForm):
    """Title, Markdown body, one theme and free tags."""

    title = StringField(_l("Titolo"), validators=[DataRequired(), Length(max=150)])
    body = TextAreaField(
        _l("Descrivi il problema"), validators=[DataRequired(), Length(max=30_000)]
    )
    theme = SelectField(_l("Tema"), validators=[DataRequired()], choices=[])
    # Existing tags are suggested while typing (static/js/tag-suggestions.js).
    tags = StringField(_l("Etichette"), validators=[Optional(), Length(max=200)],
                       render_kw={"data-tag-suggestions": ""})
    files = MultipleFileField(_l("Allegati (facoltativi)"))


class AnswerForm(FlaskForm):
    """The Markdown body of an answer."""

    body = TextAreaField(_l("La tua risposta"), validators=[DataRequired(), Length(max=30_000)])
    files = MultipleFileField(_l("Allegati (facoltativi)"))


class CommentForm(FlaskForm):
    """A short comment, optionally on an answer or in reply to another comment."""

    body = TextAreaField(_l("Commento"), validators=[DataRequired(), Length(max=1_000)])
    answer_id = HiddenField()
    parent_id = HiddenField()
