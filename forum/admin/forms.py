"""Administration forms: shape only (types, lengths, formats); the rules live in the services."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, Optional

from forum.admin.settings import POLICIES
from forum.auth.forms import _organisation_choices, _region_choices, as_choices
from forum.opendata.settings import LICENCES
from forum.taxonomy import ROLE_LABELS


class RoleForm(FlaskForm):
    """The role, and for a moderator the themes they are limited to (none ticked = all)."""

    role = RadioField(_l("Ruolo"), choices=lambda: as_choices(ROLE_LABELS.items()),
                      validators=[DataRequired()])
    themes = SelectMultipleField(_l("Temi moderati"), coerce=int, validate_choice=True)

    def set_theme_choices(self, themes) -> None:  # type: ignore[no-untyped-def]
        """Offer every theme (archived ones too: a moderator may still tend their threads)."""
        self.themes.choices = as_choices((t.id, _(t.name)) for t in themes)


class SuspendForm(FlaskForm):
    """How long (days, or until a date) and why; exactly one of the two durations."""

    days = StringField(_l("Durata in giorni"), validators=[Optional(), Length(max=10)],
                       render_kw={"inputmode": "numeric"})
    until = StringField(_l("Oppure fino al giorno"), validators=[Optional(), Length(max=10)],
                        render_kw={"type": "date"})
    reason = TextAreaField(_l("Motivo"), validators=[DataRequired(), Length(max=1_000)])

    def validate_days(self, field: StringField) -> None:
        """A whole number of days, written with digits only."""
        if field.data and not re.fullmatch(r"\s*[0-9]{1,6}\s*", field.data):
            raise ValidationError(_l("Scrivi un numero intero di giorni, per esempio 7."))

    def validate_until(self, field: StringField) -> None:
        """A calendar date as the date picker sends it (AAAA-MM-GG)."""
        if field.data and self.parsed_until() is None:
            raise ValidationError(_l("Scrivi una data valida nel formato AAAA-MM-GG."))

    def parsed_days(self) -> int | None:
        """The days as an integer, None when left empty."""
        return int(self.days.data) if (self.days.data or "").strip() else None

    def parsed_until(self) -> date | None:
        """The end date, None when left empty or malformed."""
        raw = (self.until.data or "").strip()
        if not raw:
            return None
        try:
            return date.fromisoformat(raw) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) else None
        except ValueError:
            return None


class RejectForm(FlaskForm):
    """An optional reason the member reads with the refusal."""

    reason = TextAreaField(_l("Motivo (facoltativo)"), validators=[Optional(), Length(max=1_000)])


class ThemeForm(FlaskForm):
    """Name, description and menu position of a theme."""

    name = StringField(_l("Nome"), validators=[DataRequired(), Length(2, 120)])
    description = TextAreaField(_l("Descrizione"), validators=[Optional(), Length(max=2_000)])
    position = StringField(_l("Posizione nel menu"), validators=[Optional(), Length(max=6)])

    def validate_position(self, field: StringField) -> None:
        """A non-negative whole number (empty: after the last theme)."""
        if field.data and not re.fullmatch(r"\s*[0-9]{1,4}\s*", field.data):
            raise ValidationError(_l("Scrivi un numero intero da 0 a 9999."))

    def parsed_position(self) -> int | None:
        """The position as an integer, None when left empty."""
        return int(self.position.data) if (self.position.data or "").strip() else None


class OrganisationForm(FlaskForm):
    """An administration for the suggestions offered at registration."""

    name = StringField(_l("Nome dell'ente"), validators=[DataRequired(), Length(2, 200)])
    organisation_type = SelectField(_l("Tipo di ente"), choices=_organisation_choices,
                                    validators=[DataRequired()])
    region_code = SelectField(_l("Regione"), choices=_region_choices, validators=[DataRequired()])


class SettingsForm(FlaskForm):
    """The registration policy and the e-mail domains approved automatically."""

    policy = RadioField(_l("Regola di iscrizione"), choices=lambda: as_choices(POLICIES.items()),
                        validators=[DataRequired()])
    domains = TextAreaField(_l("Domini approvati automaticamente"),
                            validators=[Optional(), Length(max=20_000)])


class OpenDataForm(FlaskForm):
    """The licence of the open data and feeds, and the publisher of the DCAT-AP_IT records."""

    licence = RadioField(_l("Licenza dei dati aperti"),
                         choices=lambda: [(k, v.name) for k, v in LICENCES.items()],
                         validators=[DataRequired()])
    publisher_name = StringField(_l("Ente titolare dei dati"),
                                 validators=[DataRequired(), Length(max=200)])
    publisher_ipa = StringField(_l("Codice IPA dell'ente"),
                                validators=[DataRequired(), Length(max=40)])
    contact_email = StringField(_l("E-mail di contatto per i dati"),
                                validators=[DataRequired(), Length(max=254)],
                                render_kw={"type": "email", "autocomplete": "email"})
