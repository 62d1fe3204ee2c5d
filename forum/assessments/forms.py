"""Self-assessment forms: shape only (the service checks the values and names the field).

The answers form is read from the request as `score-<id>` / `note-<id>` pairs: its fields
are the checklist's criteria, known only at request time.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from forum.auth.forms import as_choices
from forum.practices.forms import CheckboxesField
from forum.taxonomy import THEMES


def _theme_choices():  # type: ignore[no-untyped-def]
    return as_choices((slug, name) for slug, name, _d in THEMES)


class CriterionForm(FlaskForm):
    """A criterion of a checklist."""

    area = StringField(_l("Area (per esempio Accesso, Tariffe, Qualità, Partecipazione)"))
    title = StringField(_l("Criterio"))
    explanation = TextAreaField(_l("Spiegazione breve"))
    scale_max = StringField(_l("Punteggio massimo della scala (da 1 a 10; la scala parte da 0)"),
                            default="4")
    themes = CheckboxesField(_l("Temi delle pratiche e discussioni da suggerire (se nessuno: "
                                "i temi della linea guida)"), choices=_theme_choices)


class AnswersForm(FlaskForm):
    """Only the CSRF token: the answers are read field by field."""
