"""Profile form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forum.auth.forms import _organisation_choices, _region_choices


class ProfileForm(FlaskForm):
    """What other operators see about you."""

    display_name = StringField(_l("Nome e cognome"), validators=[DataRequired(), Length(1, 80)])
    organisation = StringField(_l("Ente"), validators=[DataRequired(), Length(1, 200)])
    organisation_type = SelectField(
        _l("Tipo di ente"), choices=_organisation_choices, validators=[DataRequired()]
    )
    region_code = SelectField(_l("Regione"), choices=_region_choices, validators=[DataRequired()])
    bio = TextAreaField(_l("Presentazione"), validators=[Optional(), Length(max=2_000)])
