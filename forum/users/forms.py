"""Profile forms: what other operators see about you, who sees it, your photo."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forum.auth.forms import _organisation_choices, _region_choices, as_choices
from forum.models import ProfileField
from forum.practices.forms import CheckboxesField
from forum.practices.vocabulary import LEVELS
from forum.users.vocabulary import LANGUAGES, PROVINCES

VISIBILITY_LABELS = {
    "public": _l("Tutti"),
    "members": _l("Solo iscritti"),
    "hidden": _l("Nessuno"),
}
# Contact details never reach anonymous visitors, so "Tutti" is not offered for them.
_CONTACT_FIELDS = {ProfileField.EMAIL, ProfileField.PHONE}


def _visibility_choices(field: ProfileField):  # type: ignore[no-untyped-def]
    return lambda: as_choices((value, label) for value, label in VISIBILITY_LABELS.items()
                              if not (field in _CONTACT_FIELDS and value == "public"))


def _visibility_field(label, field: ProfileField) -> SelectField:  # type: ignore[no-untyped-def]
    return SelectField(label, choices=_visibility_choices(field), default="members")


def _province_choices():  # type: ignore[no-untyped-def]
    ordered = sorted(PROVINCES.items(), key=lambda item: item[1][0])
    return as_choices([("", _l("Nessuna")), *((code, name) for code, (name, _r) in ordered)])


class ProfileForm(FlaskForm):
    """The profile; `expertise.choices` are set by the view from the active themes."""

    display_name = StringField(_l("Nome e cognome"), validators=[DataRequired(), Length(1, 80)])
    organisation = StringField(_l("Ente"), validators=[DataRequired(), Length(1, 200)],
                               render_kw={"list": "elenco-enti"})
    organisation_type = SelectField(
        _l("Tipo di ente"), choices=_organisation_choices, validators=[DataRequired()]
    )
    level_of_government = SelectField(
        _l("Livello di governo"),
        choices=lambda: as_choices([("", _l("Dal tipo di ente")), *LEVELS.items()]),
        validators=[Optional()], default="",
    )
    region_code = SelectField(_l("Regione"), choices=_region_choices, validators=[DataRequired()])
    province_code = SelectField(_l("Provincia"), choices=_province_choices,
                                validators=[Optional()], default="")
    job_title = StringField(_l("Ruolo o incarico"), validators=[Optional(), Length(max=120)])
    expertise = CheckboxesField(_l("Temi di competenza (al massimo 5)"), coerce=int)
    competences = TextAreaField(_l("Competenze"), validators=[Optional(), Length(max=2_000)])
    languages = CheckboxesField(_l("Lingue"), choices=lambda: as_choices(LANGUAGES.items()))
    bio = TextAreaField(_l("Presentazione"), validators=[Optional(), Length(max=2_000)])
    contact_email = StringField(_l("Email di contatto pubblica"),
                                validators=[Optional(), Length(max=254)])
    contact_phone = StringField(_l("Telefono di contatto"), validators=[Optional(), Length(max=40)])
    open_to_contact = BooleanField(_l("Disponibile a essere contattato con messaggi privati"))
    vis_organisation = _visibility_field(_l("Chi vede l'ente"), ProfileField.ORGANISATION)
    vis_place = _visibility_field(_l("Chi vede regione e provincia"), ProfileField.PLACE)
    vis_job_title = _visibility_field(_l("Chi vede il ruolo"), ProfileField.JOB_TITLE)
    vis_expertise = _visibility_field(_l("Chi vede i temi di competenza"), ProfileField.EXPERTISE)
    vis_competences = _visibility_field(_l("Chi vede le competenze"), ProfileField.COMPETENCES)
    vis_languages = _visibility_field(_l("Chi vede le lingue"), ProfileField.LANGUAGES)
    vis_bio = _visibility_field(_l("Chi vede la presentazione"), ProfileField.BIO)
    vis_email = _visibility_field(_l("Chi vede l'email di contatto"), ProfileField.EMAIL)
    vis_phone = _visibility_field(_l("Chi vede il telefono"), ProfileField.PHONE)


class AvatarForm(FlaskForm):
    """A photo, checked by content and resized by the server."""

    photo = FileField(_l("Foto (JPEG, PNG o WebP, al massimo 2 MB)"))
