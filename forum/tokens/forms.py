"""The form that creates a personal access token (shape only; rules in the service)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from forum.auth.forms import as_choices
from forum.tokens.services import LIFETIMES, NAME_MAX


def _lifetimes():  # type: ignore[no-untyped-def]
    return as_choices((str(days), _l("%(num)d giorni", num=days)) for days in LIFETIMES)


def _scopes():  # type: ignore[no-untyped-def]
    return as_choices([
        ("read", _l("Sola lettura: legge domande, buone pratiche, eventi come li vedi tu")),
        ("write", _l("Lettura e scrittura: può anche chiedere, rispondere, commentare, votare "
                     "e iscriverti agli eventi a tuo nome")),
    ])


class TokenForm(FlaskForm):
    """Name (to recognise it later), scope and lifetime of a new token."""

    name = StringField(_l("Nome del token"), validators=[DataRequired(), Length(max=NAME_MAX)])
    scope = RadioField(_l("Ambito"), default="read", choices=_scopes)
    days = SelectField(_l("Scadenza"), default="90", choices=_lifetimes)
