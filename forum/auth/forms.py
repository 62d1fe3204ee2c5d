"""Sign-up and sign-in forms: shape only, rules live in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length

from forum.taxonomy import ORGANISATION_TYPES, REGIONS


def as_choices(pairs) -> list[SelectChoice]:  # type: ignore[no-untyped-def]
    """(value, label) pairs as WTForms options (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]


def _organisation_choices() -> list[SelectChoice]:
    return as_choices([("", _l("Seleziona…")), *ORGANISATION_TYPES.items()])


def _region_choices() -> list[SelectChoice]:
    return as_choices([("", _l("Seleziona…")), *REGIONS.items()])


class RegisterForm(FlaskForm):
    """Who you are and where you work."""

    username = StringField(_l("Nome utente"), validators=[DataRequired(), Length(3, 32)])
    display_name = StringField(_l("Nome e cognome"), validators=[DataRequired(), Length(1, 80)])
    email = EmailField(
        _l("Email di lavoro"),
        validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    organisation = StringField(
        _l("Ente"), validators=[DataRequired(), Length(1, 200)],
        render_kw={"list": "elenco-enti"},  # suggestions from the managed list, free text kept
    )
    organisation_type = SelectField(
        _l("Tipo di ente"), choices=_organisation_choices, validators=[DataRequired()]
    )
    region_code = SelectField(_l("Regione"), choices=_region_choices, validators=[DataRequired()])


class LoginForm(FlaskForm):
    """Username or email, password, and whether to stay signed in."""

    login = StringField(_l("Nome utente o email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField(_l("Ricordami su questo dispositivo"))
    next = HiddenField()


class PasswordChangeForm(FlaskForm):
    """Current password, then the new one twice."""

    current = PasswordField(_l("Password attuale"), validators=[DataRequired(), Length(max=1024)])
    new = PasswordField(_l("Nuova password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(
        _l("Ripeti la nuova password"),
        validators=[DataRequired(), EqualTo("new", message=_l("Le due password non coincidono."))],
    )


class PasswordForgotForm(FlaskForm):
    """The address to send the reset link to."""

    email = EmailField(
        _l("Email dell'account"),
        validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)],
    )


class PasswordResetForm(FlaskForm):
    """The new password, twice."""

    new = PasswordField(_l("Nuova password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(
        _l("Ripeti la nuova password"),
        validators=[DataRequired(), EqualTo("new", message=_l("Le due password non coincidono."))],
    )
