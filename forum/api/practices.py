"""Best practices over the API: the faceted list of /buone-pratiche as cursor pages, its
facet counts, and one practice with attachments and the discussions that cite it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from flask_login import current_user
from marshmallow import Schema, fields, validate

from forum.api.blueprints import api_blueprint
from forum.api.common import ItemRefSchema, practice_ref, question_ref
from forum.api.pagination import PageArgs, keyset_page
from forum.api.questions import SECURITY
from forum.api.schemas import AuthorSchema, UtcDateTime, page_schema
from forum.practices import queries
from forum.practices import vocabulary as v
from forum.taxonomy import ORGANISATION_TYPES, REGIONS

blp = api_blueprint("practices-api", __name__,
                    "Buone pratiche pubblicate: elenco con i filtri della pagina "
                    "/buone-pratiche, conteggi per filtro, scheda completa.")

VALUES_MAX = 20


def _many(choices: Any = None, *, description: str) -> fields.List:
    """A facet: repeat the parameter for several values (OR inside a facet)."""
    inner = (fields.String(validate=validate.OneOf(sorted(choices))) if choices is not None
             else fields.String(validate=validate.Length(min=1, max=80)))
    return fields.List(inner, load_default=list, validate=validate.Length(max=VALUES_MAX),
                       metadata={"description": description})


class PracticeFilterArgs(Schema):
    """The filters of /buone-pratiche, with the same names and values."""

    tema = _many(description="slug del tema")
    destinatari = _many(v.TARGET_GROUPS, description="destinatari")
    finanziamento = _many(v.FUNDING_SOURCES, description="fonte di finanziamento")
    regione = _many([*REGIONS, "nazionale"], description="codice ISTAT o «nazionale»")
    livello = _many(v.LEVELS, description="livello di governo")
    tipo = _many(ORGANISATION_TYPES, description="tipo di ente")
    evidenza = _many(v.EVIDENCE_LEVELS, description="livello di evidenza")
    fase = _many(v.STAGES, description="fase")
    anno = fields.List(fields.Integer(validate=validate.Range(min=1900, max=2100)),
                       load_default=list, validate=validate.Length(max=VALUES_MAX),
                       metadata={"description": "anno di avvio"})


class PracticeListArgs(PageArgs, PracticeFilterArgs):
    """Filters, sort and page."""

    ordina = fields.String(load_default="recenti", validate=validate.OneOf(queries.SORTS))


class PracticeSummarySchema(Schema):
    """A published practice as in the list."""

    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    url = fields.String(required=True)
    lead_organisation = fields.String(required=True)
    organisation_type = fields.String(required=True)
    level_of_government = fields.String(required=True)
    region_code = fields.String(allow_none=True, required=True,
                                metadata={"description": "null: ambito nazionale"})
    municipality = fields.String(allow_none=True, required=True)
    main_theme = fields.String(required=True)
    themes = fields.List(fields.String(), required=True, metadata={"description": "slug"})
    target_groups = fields.List(fields.String(), required=True)
    funding_sources = fields.List(fields.String(), required=True)
    start_year = fields.Integer(required=True)
    end_year = fields.Integer(allow_none=True, required=True)
    stage = fields.String(required=True)
    evidence_level = fields.String(required=True)
    status = fields.String(required=True)
    published_at = UtcDateTime(allow_none=True, required=True)


class AttachmentSchema(Schema):
    """An attachment's metadata and its download address."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    filename = fields.String(required=True)
    mime = fields.String(required=True)
    size_bytes = fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    url = fields.String(required=True)


class ContactSchema(Schema):
    """A contact person the record publishes."""

    name = fields.String()
    role = fields.String()
    email = fields.String()
    phone = fields.String()


class LinkSchema(Schema):
    """A link the record publishes."""

    label = fields.String()
    url = fields.String()


class ReplicationSchema(Schema):
    """An administration where the practice worked too."""

    organisation = fields.String(required=True)
    region_code = fields.String(allow_none=True, required=True)
    created_at = UtcDateTime(required=True)


class PracticeSchema(PracticeSummarySchema):
    """The whole record as its page shows it (HTML already sanitised)."""

    description = fields.String(required=True, metadata={"description": "Markdown"})
    description_html = fields.String(required=True)
    results_html = fields.String(required=True)
    evaluation_html = fields.String(required=True)
    transferability_notes_html = fields.String(required=True)
    challenges_html = fields.String(required=True)
    age_groups = fields.List(fields.String(), required=True)
    keywords = fields.List(fields.String(), required=True)
    partners = fields.List(fields.Raw(), required=True)
    budget_eur = fields.Decimal(as_string=True, allow_none=True, required=True)
    budget_notes = fields.String(allow_none=True, required=True)
    population_band = fields.String(allow_none=True, required=True)
    contacts = fields.List(fields.Nested(ContactSchema), required=True)
    links = fields.List(fields.Nested(LinkSchema), required=True)
    created_by = fields.Nested(AuthorSchema, allow_none=True, required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(allow_none=True, required=True)
    attachments = fields.List(fields.Nested(AttachmentSchema), required=True)
    citing_questions = fields.List(fields.Nested(ItemRefSchema), required=True,
                                   metadata={"description": "discussioni che la citano"})
    source_question = fields.Nested(ItemRefSchema, allow_none=True, required=True,
                                    metadata={"description": "la discussione da cui nasce"})
    replications = fields.List(fields.Nested(ReplicationSchema), required=True)


class FacetCountsSchema(Schema):
    """For each filter, its values and how many practices each would give (with the other
    filters applied), as the list page counts them."""

    counts = fields.Dict(keys=fields.String(),
                         values=fields.Dict(keys=fields.String(), values=fields.Integer()),
                         required=True)


PracticePageSchema = page_schema(PracticeSummarySchema, "PracticePage")


def _filters(args: dict[str, Any], sort: str = "recenti") -> queries.PracticeFilters:
    selected = {name: [str(value) for value in args.get(name) or []]
                for name in queries.FILTERS}
    return queries.PracticeFilters(selected={k: vs for k, vs in selected.items() if vs},
                                   sort=sort)


def _summary(practice: Any) -> dict[str, Any]:
    return {
        **practice_ref(practice), "summary": practice.summary,
        "lead_organisation": practice.lead_organisation,
        "organisation_type": practice.organisation_type,
        "level_of_government": practice.level_of_government,
        "region_code": practice.region_code, "municipality": practice.municipality,
        "main_theme": practice.main_theme, "themes": practice.values("theme"),
        "target_groups": practice.values("target_group"),
        "funding_sources": practice.values("funding_source"),
        "start_year": practice.start_year, "end_year": practice.end_year,
        "stage": practice.stage, "evidence_level": practice.evidence_level,
        "status": practice.status, "published_at": practice.published_at}


def _kinds(sort: str) -> tuple[type, ...]:
    return {"titolo": (str, int), "evidenza": (int, datetime, int)}.get(sort, (datetime, int))


@blp.route("/practices")
@blp.arguments(PracticeListArgs, location="query")
@blp.response(200, PracticePageSchema)
@blp.doc(security=SECURITY)
def list_practices(args: dict[str, Any]) -> Any:
    """Buone pratiche pubblicate con i filtri di /buone-pratiche (più valori dello stesso
    filtro si sommano; filtri diversi si combinano)."""
    filters = _filters(args, args["ordina"])
    return keyset_page(
        args["cursor"], _kinds(filters.sort), args["limit"],
        lambda after, n: queries.practices_after(filters, after, n),
        lambda p: queries.practice_sort_key(p, filters.sort), _summary)


@blp.route("/practice-facets")
@blp.arguments(PracticeFilterArgs, location="query")
@blp.response(200, FacetCountsSchema)
@blp.doc(security=SECURITY)
def practice_facets(args: dict[str, Any]) -> Any:
    """Quante buone pratiche dà ogni valore di ogni filtro, con gli altri filtri applicati."""
    return {"counts": queries.cached_facet_counts(_filters(args))}


@blp.route("/practices/<slug>")
@blp.response(200, PracticeSchema)
@blp.doc(security=SECURITY)
def get_practice(slug: str) -> Any:
    """Una buona pratica: scheda, allegati, discussioni che la citano, repliche. Le bozze
    solo per chi può vederle sul sito."""
    page = queries.practice_page(slug, current_user)
    p = page.practice
    return {
        **_summary(p), "description": p.description, "description_html": p.description_html,
        "results_html": p.results_html, "evaluation_html": p.evaluation_html,
        "transferability_notes_html": p.transferability_notes_html,
        "challenges_html": p.challenges_html, "age_groups": p.values("age_group"),
        "keywords": p.values("keyword"), "partners": list(p.partners or []),
        "budget_eur": p.budget_eur, "budget_notes": p.budget_notes,
        "population_band": p.population_band, "contacts": list(p.contacts or []),
        "links": list(p.links or []), "created_by": p.created_by,
        "created_at": p.created_at, "updated_at": p.updated_at,
        "attachments": [{
            "id": a.id, "title": a.title, "filename": a.filename, "mime": a.mime,
            "size_bytes": a.size_bytes, "created_at": a.created_at,
            "url": url_for("practices.download", slug=p.slug, attachment_id=a.id,
                           _external=True)} for a in page.attachments],
        "citing_questions": [question_ref(q) for q in page.citing_questions],
        "source_question": question_ref(page.source_question) if page.source_question
        else None,
        "replications": [{"organisation": r.organisation, "region_code": r.region_code,
                          "created_at": r.created_at} for r in page.replications],
    }
