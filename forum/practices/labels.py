"""Labels for practice fields and the facet groups of the list page (template helpers)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from forum.models import PracticeStatus
from forum.practices import vocabulary as v
from forum.taxonomy import ORGANISATION_TYPES, REGIONS, THEMES

FACET_TITLES = {
    "tema": _l("Tema"),
    "regione": _l("Regione"),
    "livello": _l("Livello di governo"),
    "tipo": _l("Tipo di ente"),
    "destinatari": _l("Destinatari"),
    "evidenza": _l("Livello di evidenza"),
    "finanziamento": _l("Fonte di finanziamento"),
    "fase": _l("Fase"),
    "anno": _l("Anno di avvio"),
}


def _labels(name: str) -> dict[str, str]:
    return {
        "tema": {slug: _(title) for slug, title, _d in THEMES},
        "regione": {**REGIONS, "nazionale": _("Ambito nazionale")},
        "livello": {k: str(x) for k, x in v.LEVELS.items()},
        "tipo": {k: str(x) for k, x in ORGANISATION_TYPES.items()},
        "destinatari": {k: str(x) for k, x in v.TARGET_GROUPS.items()},
        "evidenza": {k: str(x) for k, x in v.EVIDENCE_LEVELS.items()},
        "finanziamento": {k: str(x) for k, x in v.FUNDING_SOURCES.items()},
        "fase": {k: str(x) for k, x in v.STAGES.items()},
    }.get(name, {})


def facet_groups(counts: dict[str, dict[str, int]]) -> list[tuple[str, str, list]]:
    """(parameter, title, [(value, label, count)]) for each facet with something to show."""
    groups = []
    for name, title in FACET_TITLES.items():
        labels = _labels(name)
        values = counts.get(name, {})
        if name == "anno":
            options = [(val, val, n) for val, n in sorted(values.items(), reverse=True)]
        elif name == "evidenza":
            options = [(k, labels[k], values[k]) for k in v.EVIDENCE_LEVELS if k in values]
        else:
            options = sorted(((val, labels.get(val, val), n) for val, n in values.items()),
                             key=lambda o: o[1].casefold())
        if options:
            groups.append((name, str(title), options))
    return groups


def evidence_label(level: str) -> str:
    """'Promettente', 'Comprovata (best practice)'..."""
    return str(v.EVIDENCE_LEVELS.get(level, level))


EVIDENCE_SCORE_WORDS = {"++": _l("alta"), "+": _l("media"), "0": _l("non dimostrata")}
ENDURING_SCORE_WORDS = {"+": _l("dimostrato"), "0": _l("non dimostrato")}


def evidence_score_label(score: str | None, enduring: bool = False) -> str:
    """A score of the EPIC grid in words ('alta' for '++'), so nobody has to decode symbols."""
    if not score:
        return _("non indicata")
    words = ENDURING_SCORE_WORDS if enduring else EVIDENCE_SCORE_WORDS
    return str(words.get(score, score))


def status_label(status: str) -> str:
    """'Bozza', 'In revisione'..."""
    return str(v.STATUSES.get(status, status))


def move_label(to: str) -> str:
    """The button that moves a practice to `to` ('Pubblica', 'Archivia'...)."""
    labels = {
        PracticeStatus.IN_REVIEW: _("Invia in revisione"),
        PracticeStatus.PUBLISHED: _("Pubblica"),
        PracticeStatus.ARCHIVED: _("Archivia"),
        PracticeStatus.DRAFT: _("Rimanda all'autore"),
    }
    return labels.get(PracticeStatus(to), to)


def label_of(kind: str, slug: str | None) -> str:
    """A translated label from one of the practice vocabularies."""
    table = {
        "level": v.LEVELS, "stage": v.STAGES, "target": v.TARGET_GROUPS, "age": v.AGE_GROUPS,
        "funding": v.FUNDING_SOURCES, "assessor": v.EVIDENCE_ASSESSORS,
        "band": v.POPULATION_BANDS, "province": v.AUTONOMOUS_PROVINCES,
        "org": ORGANISATION_TYPES,
    }[kind]
    return str(table.get(slug or "", slug or ""))


def label_for(slug: str, kind: str) -> str:
    """Filter form of `label_of`, for `values|map('label_for', 'target')`."""
    return label_of(kind, slug)


def theme_label(slug: str) -> str:
    """The translated name of a theme slug."""
    for theme_slug, title, _d in THEMES:
        if theme_slug == slug:
            return _(title)
    return slug


def euro(amount: object) -> str:
    """'€ 120.000' or '€ 1.234,50', Italian style whatever the interface language."""
    from decimal import Decimal

    from babel.numbers import format_decimal

    value = Decimal(str(amount))
    pattern = "#,##0" if value == value.to_integral_value() else "#,##0.00"
    return "€ " + format_decimal(value, format=pattern, locale="it_IT")


TEMPLATE_FILTERS = {"label_for": label_for, "euro": euro}

TEMPLATE_HELPERS = {
    "theme_label": theme_label,
    "facet_groups": facet_groups,
    "evidence_label": evidence_label,
    "evidence_score_label": evidence_score_label,
    "status_label": status_label,
    "move_label": move_label,
    "label_of": label_of,
}
