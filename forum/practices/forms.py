"""Practice forms: shape only; the record's rules live in validation.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from forum.auth.forms import as_choices
from forum.practices import vocabulary as v
from forum.taxonomy import ORGANISATION_TYPES, REGIONS, THEMES


class ChoiceField(SelectField):
    """A select whose value the service checks (and names the field when it is wrong)."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (works without JavaScript)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:  # type: ignore[no-untyped-def]
        """Unknown values are reported by the service, with the field named."""


def _choices(mapping, empty: str | None = None):  # type: ignore[no-untyped-def]
    items = list(mapping.items())
    return as_choices(([("", empty)] if empty else []) + items)


def _theme_choices():  # type: ignore[no-untyped-def]
    return as_choices((slug, name) for slug, name, _d in THEMES)


def _scores(*values: str):  # type: ignore[no-untyped-def]
    return as_choices([("", _l("Non indicata")), *((v, v) for v in values)])


class PracticeForm(FlaskForm):
    """Every field of the schema; lists of objects are typed one per line."""

    title = StringField(_l("Titolo"), validators=[Length(max=200)])
    summary = TextAreaField(_l("Sintesi"), validators=[Length(max=600)])
    description = TextAreaField(_l("Descrizione"), validators=[Length(max=30_000)])
    lead_organisation = StringField(_l("Ente capofila"), validators=[Length(max=200)])
    organisation_type = ChoiceField(_l("Tipo di ente"),
                                    choices=lambda: _choices(ORGANISATION_TYPES, "—"))
    level_of_government = ChoiceField(_l("Livello di governo"),
                                      choices=lambda: _choices(v.LEVELS, "—"))
    region_code = ChoiceField(_l("Regione"), choices=lambda: as_choices([
        ("", _l("Nessuna (ambito nazionale)")), *REGIONS.items()]))
    autonomous_province = ChoiceField(_l("Provincia autonoma"), choices=lambda: _choices(
        v.AUTONOMOUS_PROVINCES, _l("Nessuna")))
    municipality = StringField(_l("Comune o territorio"), validators=[Length(max=120)])
    population_band = ChoiceField(_l("Fascia di popolazione"), choices=lambda: _choices(
        v.POPULATION_BANDS, _l("Non indicata")))
    main_theme = ChoiceField(_l("Tema principale"),
                             choices=lambda: [*as_choices([("", "—")]), *_theme_choices()])
    other_themes = CheckboxesField(_l("Altri temi (al massimo 2)"), choices=_theme_choices)
    target_groups = CheckboxesField(_l("Destinatari"), choices=lambda: _choices(
        v.TARGET_GROUPS))
    age_groups = CheckboxesField(_l("Fasce d'età"), choices=lambda: _choices(v.AGE_GROUPS))
    keywords = StringField(_l("Parole chiave (separate da virgole)"),
                           validators=[Length(max=500)])
    start_year = StringField(_l("Anno di avvio"), validators=[Length(max=10)])
    end_year = StringField(_l("Anno di conclusione"), validators=[Optional(), Length(max=10)])
    stage = ChoiceField(_l("Fase"), choices=lambda: _choices(v.STAGES, "—"))
    budget_eur = StringField(_l("Budget complessivo (€)"), validators=[Length(max=30)])
    budget_notes = StringField(_l("Note sul budget"), validators=[Length(max=300)])
    funding_sources = CheckboxesField(_l("Fonti di finanziamento"), choices=lambda: _choices(
        v.FUNDING_SOURCES))
    partners = TextAreaField(_l("Partner (una riga ciascuno: Nome | tipo di ente)"),
                             validators=[Length(max=5_000)])
    results = TextAreaField(_l("Risultati"), validators=[Length(max=30_000)])
    evaluation = TextAreaField(_l("Valutazione"), validators=[Length(max=30_000)])
    evidence_effectiveness = ChoiceField(_l("Evidenza di efficacia"),
                                         choices=lambda: _scores("0", "+", "++"))
    evidence_transferability = ChoiceField(_l("Trasferibilità (evidenza)"),
                                           choices=lambda: _scores("0", "+", "++"))
    evidence_enduring_impact = ChoiceField(_l("Impatto duraturo (follow-up di almeno 2 anni)"),
                                           choices=lambda: _scores("0", "+"))
    evidence_assessed_by = ChoiceField(_l("Valutazione dell'evidenza a cura di"),
                                       choices=lambda: _choices(v.EVIDENCE_ASSESSORS,
                                                                _l("Non indicata")))
    transferability_notes = TextAreaField(_l("Trasferibilità e condizioni di successo"),
                                          validators=[Length(max=30_000)])
    challenges = TextAreaField(_l("Criticità e lezioni apprese"),
                               validators=[Length(max=30_000)])
    contacts = TextAreaField(_l("Referenti (una riga ciascuno: Nome | ruolo | email | telefono)"),
                             validators=[Length(max=5_000)])
    links = TextAreaField(_l("Link utili (una riga ciascuno: Etichetta | https://...)"),
                          validators=[Length(max=5_000)])


class ReplicationForm(FlaskForm):
    """An optional note on how the practice worked in the user's administration."""

    note = TextAreaField(_l("Come è andata da voi? (facoltativo)"),
                         validators=[Length(max=1_000)])


class AttachmentForm(FlaskForm):
    """A document or image for the practice."""

    title = StringField(_l("Titolo dell'allegato"), validators=[Length(max=200)])
    file = FileField(_l("File (PDF, ODT, DOCX, XLSX, CSV, PNG, JPEG)"))


class StatusForm(FlaskForm):
    """A workflow move, with a note when sending back to the author."""

    note = TextAreaField(_l("Nota per l'autore"), validators=[Length(max=2_000)])


def field_label(name: str) -> str:
    """The form's label of a record field (in the user's language), for messages that name
    a field away from the form; the name itself if the form has no such field."""
    unbound = getattr(PracticeForm, name, None)
    args = getattr(unbound, "args", ())
    return str(args[0]) if args else name


def _lines(items: list[dict], keys: tuple[str, ...]) -> str:
    return "\n".join(" | ".join(item.get(k) or "" for k in keys) for item in items)


def form_data(form: PracticeForm) -> dict:
    """The form as a record with the schema's field names, for the services."""
    data = {name: form[name].data for name in (
        "title", "summary", "description", "lead_organisation", "organisation_type",
        "level_of_government", "region_code", "autonomous_province", "municipality",
        "population_band", "target_groups", "age_groups", "keywords", "start_year", "end_year",
        "stage", "budget_eur", "budget_notes", "funding_sources", "partners", "results",
        "evaluation", "evidence_effectiveness", "evidence_transferability",
        "evidence_enduring_impact", "evidence_assessed_by", "transferability_notes",
        "challenges", "contacts", "links",
    )}
    main = form.main_theme.data or ""
    data["themes"] = [t for t in [main, *(form.other_themes.data or [])] if t]
    return data


def fill_form(form: PracticeForm, practice) -> None:  # type: ignore[no-untyped-def]
    """Put a saved practice into the form for editing."""
    for name in ("title", "summary", "description", "lead_organisation", "organisation_type",
                 "level_of_government", "municipality", "population_band", "stage",
                 "budget_notes", "results", "evaluation", "evidence_effectiveness",
                 "evidence_transferability", "evidence_enduring_impact",
                 "evidence_assessed_by", "transferability_notes", "challenges"):
        form[name].data = getattr(practice, name) or ""
    form.region_code.data = practice.region_code or ""
    form.autonomous_province.data = practice.autonomous_province or ""
    themes = practice.values("theme")
    form.main_theme.data = themes[0] if themes else ""
    form.other_themes.data = themes[1:]
    form.target_groups.data = practice.values("target_group")
    form.age_groups.data = practice.values("age_group")
    form.funding_sources.data = practice.values("funding_source")
    form.keywords.data = ", ".join(practice.values("keyword"))
    form.start_year.data = str(practice.start_year or "")
    form.end_year.data = str(practice.end_year or "")
    form.budget_eur.data = format(practice.budget_eur, "f") if practice.budget_eur else ""
    form.partners.data = _lines(practice.partners or [], ("name", "organisation_type"))
    form.contacts.data = _lines(practice.contacts or [], ("name", "role", "email", "phone"))
    form.links.data = _lines(practice.links or [], ("label", "url"))
