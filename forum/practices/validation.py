"""Checking a practice record field by field, for the app and for imports alike.

Every message names the field; nothing is saved unless the whole record passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from forum.models import PracticeStatus
from forum.practices import vocabulary as v
from forum.taxonomy import ORGANISATION_TYPES, REGIONS, THEMES
from forum.text import clean_line, clean_text
from forum.text import slugify as text_slug

THEME_SLUGS = tuple(slug for slug, _name, _desc in THEMES)
MULTI_FIELDS = {
    "themes": ("theme", THEME_SLUGS),
    "target_groups": ("target_group", tuple(v.TARGET_GROUPS)),
    "age_groups": ("age_group", tuple(v.AGE_GROUPS)),
    "funding_sources": ("funding_source", tuple(v.FUNDING_SOURCES)),
}
MARKDOWN_FIELDS = ("description", "results", "evaluation", "transferability_notes", "challenges")


def derive_evidence_level(effectiveness: str | None, transferability: str | None,
                          enduring: str | None) -> str:
    """The EPIC rule: the level follows from the three scores and is never typed in."""
    effective = effectiveness in ("+", "++")
    transferable = transferability in ("+", "++")
    lasting = enduring == "+"
    if not effective:
        return "non-valutata"
    if transferable and lasting:
        return "comprovata"
    if transferable or lasting:
        return "promettente"
    return "emergente"


def slugify(text: str, max_length: int = 80) -> str:
    """A practice's slug; "pratica" when the title has no letter or digit."""
    return text_slug(text, max_length) or "pratica"


@dataclass
class Checked:
    """A validated record: scalar columns, multi-valued lists, and the errors found."""

    values: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    html: dict[str, str] = field(default_factory=dict)  # rendered before the write lock

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def _as_list(raw: Any) -> list:
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        return [p.strip() for p in re.split(r"[|,;\n]", raw) if p.strip()]
    if isinstance(raw, list | tuple):
        return list(raw)
    return [raw]


def _year(raw: Any) -> int | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int):
        return raw
    text = str(raw).strip()
    if not re.fullmatch(r"[0-9]{4}", text):
        raise ValueError
    return int(text)


def parse_budget(raw: Any) -> Decimal | None:
    """Euro amounts as numbers or text: '120000', '120.000', '1.234,56', '€ 40 000'."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int | float | Decimal):
        amount = Decimal(str(raw))
    else:
        text = re.sub(r"[€\s\u00a0]", "", str(raw))
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        elif re.fullmatch(r"[0-9]{1,3}(\.[0-9]{3})+", text):
            text = text.replace(".", "")
        if not re.fullmatch(r"-?[0-9]+(\.[0-9]{1,2})?", text):
            raise ValueError
        amount = Decimal(text)
    if not amount.is_finite() or amount >= Decimal("1e10"):
        raise ValueError
    return amount.quantize(Decimal("0.01"))


def _objects(raw: Any, keys: tuple[str, ...]) -> list[dict[str, str]]:
    """A list of small objects, given as dicts or as lines 'a | b | c'."""
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        import json

        text = raw.strip()
        if text.startswith("["):
            raw = json.loads(text)
        else:
            raw = [dict(zip(keys, (p.strip() for p in line.split("|")), strict=False))
                   for line in text.splitlines() if line.strip()]
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise ValueError
    return [{k: clean_line(str(item.get(k) or "")) for k in keys} for item in raw]


def check_practice(data: dict[str, Any], *, for_import: bool = False) -> Checked:
    """Validate one record; `for_import` fills the open-data defaults for missing fields."""
    out = Checked()
    val = out.values
    text = {k: clean_line(str(data.get(k) or "")) for k in (
        "title", "summary", "lead_organisation", "municipality", "budget_notes",
        "organisation_type", "level_of_government", "region_code", "autonomous_province",
        "population_band", "stage", "status", "evidence_assessed_by", "slug", "external_id",
    )}
    val["title"] = text["title"]
    if not 10 <= len(val["title"]) <= 200:
        out.fail("title", _("Il titolo deve avere da 10 a 200 caratteri."))
    val["summary"] = text["summary"]
    if not 1 <= len(val["summary"]) <= 600:
        out.fail("summary", _("La sintesi è obbligatoria (al massimo 600 caratteri)."))
    for name in MARKDOWN_FIELDS:
        val[name] = clean_text(str(data.get(name) or ""))
        if len(val[name]) > 30_000:
            out.fail(name, _("Testo troppo lungo (al massimo 30.000 caratteri)."))
    if not val["description"]:
        if for_import:
            val["description"] = val["summary"]
        else:
            out.fail("description", _("La descrizione è obbligatoria."))
    val["lead_organisation"] = text["lead_organisation"]
    if not 1 <= len(val["lead_organisation"]) <= 200:
        out.fail("lead_organisation", _("Indica l'ente capofila (al massimo 200 caratteri)."))

    org_type = text["organisation_type"] or ("altro" if for_import else "")
    if org_type not in ORGANISATION_TYPES:
        out.fail("organisation_type", _("Tipo di ente sconosciuto: %(v)s.", v=org_type[:40]))
    val["organisation_type"] = org_type

    region = text["region_code"]
    if region and region.isdigit() and len(region) == 1:
        region = "0" + region
    if region and region not in REGIONS:
        out.fail("region_code", _("Codice regione ISTAT sconosciuto: %(v)s.", v=region[:10]))
    val["region_code"] = region or None

    level = text["level_of_government"] or v.DEFAULT_LEVEL.get(org_type) or (
        "regionale" if org_type == "regione" else ("nazionale" if not region else "comunale")
    )
    if level not in v.LEVELS:
        out.fail("level_of_government", _("Livello di governo sconosciuto: %(v)s.", v=level[:30]))
    val["level_of_government"] = level

    province = text["autonomous_province"] or None
    if province is not None and province not in v.AUTONOMOUS_PROVINCES:
        out.fail("autonomous_province", _("Provincia autonoma sconosciuta."))
    elif province is not None and region != "04":
        out.fail("autonomous_province",
                 _("La provincia autonoma si indica solo con la regione Trentino-Alto Adige (04)."))
    val["autonomous_province"] = province

    val["municipality"] = text["municipality"] or None
    if val["municipality"] and len(val["municipality"]) > 120:
        out.fail("municipality", _("Comune o territorio: al massimo 120 caratteri."))
    band = text["population_band"] or None
    if band is not None and band not in v.POPULATION_BANDS:
        out.fail("population_band", _("Fascia di popolazione sconosciuta."))
    val["population_band"] = band

    for name, (_facet, allowed) in MULTI_FIELDS.items():
        items = [clean_line(str(x)) for x in _as_list(data.get(name))]
        items = list(dict.fromkeys(i for i in items if i))
        unknown = [i for i in items if i not in allowed]
        if unknown:
            out.fail(name, _("Valori sconosciuti: %(v)s.", v=", ".join(unknown)[:120]))
        out.lists[name] = [i for i in items if i in allowed]
    if not 1 <= len(out.lists["themes"]) <= 3 and "themes" not in out.errors:
        out.fail("themes", _("Indica da 1 a 3 temi (il primo è il tema principale)."))
    if not out.lists["target_groups"] and "target_groups" not in out.errors:
        if for_import:
            out.lists["target_groups"] = ["tutte-le-famiglie"]
        else:
            out.fail("target_groups", _("Indica almeno un gruppo di destinatari."))
    keywords = list(dict.fromkeys(clean_line(str(k)) for k in _as_list(data.get("keywords"))))
    keywords = [k for k in keywords if k]
    if len(keywords) > 10 or any(len(k) > 40 for k in keywords):
        out.fail("keywords", _("Al massimo 10 parole chiave di 40 caratteri ciascuna."))
    out.lists["keywords"] = keywords[:10]

    this_year = date.today().year
    try:
        start = _year(data.get("start_year"))
        if start is None:
            if not for_import:
                raise ValueError
            start = this_year
        if not 1990 <= start <= this_year + 1:
            raise ValueError
        val["start_year"] = start
    except ValueError:
        out.fail("start_year", _("Anno di avvio non valido (dal 1990 al %(y)d).", y=this_year + 1))
        val["start_year"] = None
    try:
        end = _year(data.get("end_year"))
        if end is not None and val["start_year"] is not None and end < val["start_year"]:
            out.fail("end_year", _("L'anno di conclusione non può precedere l'anno di avvio."))
        elif end is not None and not 1990 <= end <= this_year + 10:
            raise ValueError
        val["end_year"] = end
    except ValueError:
        out.fail("end_year", _("Anno di conclusione non valido."))

    stage = text["stage"] or ("a-regime" if for_import else "")
    if stage not in v.STAGES:
        out.fail("stage", _("Fase sconosciuta: %(v)s.", v=stage[:30]))
    val["stage"] = stage

    try:
        budget = parse_budget(data.get("budget_eur"))
        if budget is not None and budget < 0:
            out.fail("budget_eur", _("Il budget non può essere negativo."))
        val["budget_eur"] = budget
    except (ValueError, InvalidOperation):
        out.fail("budget_eur", _("Budget non valido: scrivi un importo in euro (es. 120.000)."))
    val["budget_notes"] = text["budget_notes"] or None
    if val["budget_notes"] and len(val["budget_notes"]) > 300:
        out.fail("budget_notes", _("Note sul budget: al massimo 300 caratteri."))

    for name, allowed in (("evidence_effectiveness", v.EVIDENCE_SCORES),
                          ("evidence_transferability", v.EVIDENCE_SCORES),
                          ("evidence_enduring_impact", v.ENDURING_SCORES)):
        score = clean_line(str(data.get(name) or "")) or None
        if score is not None and score not in allowed:
            out.fail(name, _("Valore fuori scala: usa %(v)s.", v=" / ".join(allowed)))
        val[name] = score
    val["evidence_level"] = derive_evidence_level(
        val["evidence_effectiveness"], val["evidence_transferability"],
        val["evidence_enduring_impact"],
    )
    assessed = text["evidence_assessed_by"] or None
    if assessed is not None and assessed not in v.EVIDENCE_ASSESSORS:
        out.fail("evidence_assessed_by", _("Valutazione a cura di: valore sconosciuto."))
    val["evidence_assessed_by"] = assessed

    _check_objects(out, data)
    status = text["status"] or (PracticeStatus.PUBLISHED if for_import else PracticeStatus.DRAFT)
    if status not in v.STATUSES:
        out.fail("status", _("Stato sconosciuto: %(v)s.", v=status[:30]))
    val["status"] = status
    val["slug"] = slugify(text["slug"]) if text["slug"] else None
    val["external_id"] = text["external_id"] or None
    return out


def _check_objects(out: Checked, data: dict[str, Any]) -> None:
    try:
        partners = _objects(data.get("partners"), ("name", "organisation_type"))
        if any(p["organisation_type"] and p["organisation_type"] not in ORGANISATION_TYPES
               for p in partners):
            out.fail("partners", _("Partner: tipo di ente sconosciuto."))
        out.values["partners"] = [p for p in partners if p["name"]]
    except (ValueError, TypeError):
        out.fail("partners", _("Partner: una riga per partner, 'Nome | tipo di ente'."))
        out.values["partners"] = []
    try:
        contacts = [c for c in _objects(data.get("contacts"), ("name", "role", "email", "phone"))
                    if any(c.values())]
        for contact in contacts:
            if not contact["name"]:
                out.fail("contacts", _("Referenti: il nome è obbligatorio."))
            if contact["email"]:
                try:
                    validate_email(contact["email"], check_deliverability=False)
                except EmailNotValidError:
                    out.fail("contacts", _("Referenti: email non valida (%(v)s).",
                                           v=contact["email"][:60]))
        out.values["contacts"] = contacts
    except (ValueError, TypeError):
        out.fail("contacts", _("Referenti: una riga per persona, 'Nome | ruolo | email | "
                               "telefono'."))
        out.values["contacts"] = []
    try:
        links = [ln for ln in _objects(data.get("links"), ("label", "url")) if any(ln.values())]
        for link in links:
            if not re.match(r"^https?://[^\s/$.?#][^\s]*$", link["url"], re.I):
                out.fail("links", _("Link: solo indirizzi http o https (%(v)s).",
                                    v=link["url"][:60]))
        out.values["links"] = links
    except (ValueError, TypeError):
        out.fail("links", _("Link: una riga per link, 'Etichetta | https://...'."))
        out.values["links"] = []


def publication_errors(checked: Checked) -> dict[str, list[str]]:
    """What a record made in the app still needs before it can be published."""
    errors: dict[str, list[str]] = {}
    if not checked.lists.get("funding_sources"):
        errors["funding_sources"] = [_("Per pubblicare indica almeno una fonte di finanziamento.")]
    if not checked.values.get("results"):
        errors["results"] = [_("Per pubblicare descrivi i risultati (anche preliminari).")]
    if not checked.values.get("transferability_notes"):
        errors["transferability_notes"] = [_(
            "Per pubblicare spiega cosa serve a un altro ente per replicarla."
        )]
    if not any(c.get("email") for c in checked.values.get("contacts", [])):
        errors["contacts"] = [_("Per pubblicare indica almeno un referente con email.")]
    return errors
