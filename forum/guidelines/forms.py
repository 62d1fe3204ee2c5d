"""Guideline forms: shape only (lengths, types); the rules are in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forum.practices.forms import CheckboxesField


class GuidelineForm(FlaskForm):
    """The working copy's fields; `themes.choices` are set by the view."""

    title = StringField(_l("Titolo"), validators=[DataRequired(), Length(1, 200)])
    summary = TextAreaField(_l("Sintesi"), validators=[DataRequired(), Length(1, 600)])
    body = TextAreaField(_l("Testo"), validators=[DataRequired(), Length(1, 60_000)])
    themes = CheckboxesField(_l("Temi (da 1 a 3)"), coerce=int)
    legal_references = TextAreaField(
        _l("Riferimenti normativi (uno per riga: descrizione | URN Normattiva facoltativo)"),
        validators=[Optional(), Length(max=10_000)])
    review_by = DateField(_l("Da rivedere entro"), validators=[Optional()])
    owners = StringField(_l("Altri responsabili (nomi utente separati da virgole)"),
                         validators=[Optional(), Length(max=1_000)])
    practices = TextAreaField(_l("Buone pratiche collegate (una per riga: indirizzo o slug)"),
                              validators=[Optional(), Length(max=4_000)])
    events = TextAreaField(_l("Incontri collegati (uno per riga: indirizzo o slug)"),
                           validators=[Optional(), Length(max=4_000)])


class StatusForm(FlaskForm):
    """A move along the workflow: the change note (publishing) and the consultation's end."""

    change_note = TextAreaField(_l("Nota di modifica"), validators=[Optional(),
                                                                    Length(max=1_000)])
    consultation_ends_at = DateField(_l("Consultazione aperta fino al"),
                                     validators=[Optional()])


FIELD_LABELS = {
    "title": _l("Titolo"), "summary": _l("Sintesi"), "body": _l("Testo"),
    "themes": _l("Temi"), "legal_references": _l("Riferimenti normativi"),
    "review_by": _l("Da rivedere entro"), "owners": _l("Responsabili"),
    "practices": _l("Buone pratiche"), "events": _l("Incontri"),
    "change_note": _l("Nota di modifica"), "consultation_ends_at": _l("Fine consultazione"),
}
