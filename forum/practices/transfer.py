"""Open data: import practices from JSON or CSV (all or nothing) and export them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forum.database import write_intent
from forum.errors import InvalidInput
from forum.extensions import db
from forum.models import Practice, PracticeStatus
from forum.models.base import utcnow
from forum.opendata.exports import csv_lines, json_chunks, unsafe_cell
from forum.practices.services import apply_checked, render_checked, unique_slug
from forum.practices.validation import MULTI_FIELDS, Checked, check_practice

COLUMNS = (
    "external_id", "slug", "title", "summary", "description", "lead_organisation",
    "organisation_type", "level_of_government", "region_code", "autonomous_province",
    "municipality", "population_band", "themes", "target_groups", "age_groups", "keywords",
    "start_year", "end_year", "stage", "budget_eur", "budget_notes", "funding_sources",
    "partners", "results", "evaluation", "evidence_effectiveness", "evidence_transferability",
    "evidence_enduring_impact", "evidence_level", "evidence_assessed_by",
    "transferability_notes", "challenges", "contacts", "links", "status", "published_at",
    "updated_at",
)
LIST_COLUMNS = ("themes", "target_groups", "age_groups", "keywords", "funding_sources")
OBJECT_COLUMNS = ("partners", "contacts", "links")


class ImportFormatError(ValueError):
    """The file cannot be read as a list of records at all."""


@dataclass
class Rejected:
    """One row that failed validation, with every reason."""

    row: int
    title: str
    reasons: list[str]


@dataclass
class ImportResult:
    """What an import did (nothing at all when `rejected` is not empty)."""

    created: int = 0
    updated: int = 0
    rejected: list[Rejected] | None = None


def read_records(name: str, content: bytes) -> list[dict[str, Any]]:
    """Records from a .json (a list, or {"practices": [...]}) or .csv file."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFormatError("il file non è in UTF-8") from error
    if name.lower().endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ImportFormatError(f"JSON non valido (riga {error.lineno})") from error
        if isinstance(data, dict) and isinstance(data.get("practices"), list):
            data = data["practices"]
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise ImportFormatError("il JSON deve essere un elenco di oggetti")
        return data
    if name.lower().endswith(".csv"):
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or "title" not in reader.fieldnames:
            raise ImportFormatError("il CSV deve avere una riga di intestazione con 'title'")
        records = []
        for row in reader:
            if None in row:
                extra = row.pop(None)
                row["__extra__"] = extra
            records.append({k: unsafe_cell(v) if isinstance(v, str) else v
                            for k, v in row.items()})
        return records
    raise ImportFormatError("formato sconosciuto: usa un file .json o .csv")


def _validate(records: list[dict[str, Any]]) -> tuple[list[Checked], list[Rejected]]:
    checked, rejected = [], []
    seen: dict[str, int] = {}
    for number, record in enumerate(records, start=1):
        if record.get("__extra__"):
            rejected.append(Rejected(number, str(record.get("title") or "")[:80],
                                     ["riga con più colonne dell'intestazione"]))
            continue
        result = check_practice(record, for_import=True)
        key = result.values.get("external_id") or result.values.get("slug") or ""
        if key and key in seen:
            result.fail("external_id", f"duplicato della riga {seen[key]}")
        elif key:
            seen[key] = number
        if not result.errors:
            try:
                render_checked(result)  # Markdown before the write lock, bounded in time
            except InvalidInput as error:
                for name, messages in error.field_errors.items():
                    for message in messages:
                        result.fail(name, message)
        if result.errors:
            reasons = [f"{field}: {m}" for field, ms in result.errors.items() for m in ms]
            rejected.append(Rejected(number, result.values.get("title", "")[:80], reasons))
        checked.append(result)
    return checked, rejected


def import_practices(records: list[dict[str, Any]], *,
                     progress: Callable[[Iterable], Iterable] | None = None) -> ImportResult:
    """Validate every record first; import all of them in one transaction, or none.

    A record matches an existing practice by `external_id`, else by `slug`: it is
    updated rather than duplicated, so importing the same file twice changes nothing.
    """
    checked, rejected = _validate(records)
    if rejected:
        return ImportResult(rejected=rejected)
    result = ImportResult(rejected=[])
    with write_intent():
        items: Iterable[Checked] = progress(checked) if progress else checked
        for item in items:
            practice = _match(item)
            if practice is None:
                practice = Practice(slug=unique_slug(item.values["title"], item.values["slug"]),
                                    external_id=item.values["external_id"])
                db.session.add(practice)
                result.created += 1
            else:
                practice.updated_at = utcnow()
                result.updated += 1
            apply_checked(practice, item)
            if practice.status != item.values["status"] or practice.published_at is None:
                practice.status = item.values["status"]
                if practice.status == PracticeStatus.PUBLISHED and practice.published_at is None:
                    practice.published_at = utcnow()
            db.session.flush()
        db.session.commit()
    return result


def _match(item: Checked) -> Practice | None:
    options = selectinload(Practice.facets)
    if item.values["external_id"]:
        found = db.session.execute(
            select(Practice).where(Practice.external_id == item.values["external_id"])
            .options(options)
        ).scalar_one_or_none()
        if found is not None:
            return found
    if item.values["slug"]:
        return db.session.execute(
            select(Practice).where(Practice.slug == item.values["slug"]).options(options)
        ).scalar_one_or_none()
    return None


def published_records() -> Iterator[dict[str, Any]]:
    """Every published practice as a plain record with the schema's field names, read in
    batches (memory stays bounded for a large export)."""
    practices = db.session.execute(
        select(Practice).where(Practice.status == PracticeStatus.PUBLISHED)
        .options(selectinload(Practice.facets)).order_by(Practice.slug)
        .execution_options(yield_per=200)
    ).scalars()
    for practice in practices:
        yield as_record(practice)


def as_record(practice: Practice) -> dict[str, Any]:
    """One practice with the schema's field names (lists as lists)."""
    record: dict[str, Any] = {}
    for column in COLUMNS:
        if column in MULTI_FIELDS:
            record[column] = practice.values(MULTI_FIELDS[column][0])
        elif column == "keywords":
            record[column] = practice.values("keyword")
        else:
            value = getattr(practice, column)
            if isinstance(value, Decimal):
                value = float(value)
            elif hasattr(value, "isoformat"):
                value = value.isoformat() + "Z"
            record[column] = value
    return record


def to_json(records: Iterable[dict[str, Any]]) -> str:
    """A JSON list, UTF-8 characters kept (the command-line export)."""
    return "".join(json_chunks(records))


def csv_row(record: dict[str, Any]) -> dict[str, Any]:
    """One record flattened for CSV: lists joined with '|', objects as JSON."""
    row = dict(record)
    for column in LIST_COLUMNS:
        row[column] = "|".join(row[column])
    for column in OBJECT_COLUMNS:
        row[column] = json.dumps(row[column], ensure_ascii=False) if row[column] else ""
    return row


def to_csv(records: Iterable[dict[str, Any]]) -> str:
    """CSV with one column per field (formula-like cells neutralised, see `safe_cell`)."""
    return "".join(csv_lines(COLUMNS, (csv_row(r) for r in records)))
