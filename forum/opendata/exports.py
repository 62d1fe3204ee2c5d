"""The one way open data leaves the site: CSV and JSON written as a stream (a generator,
so memory stays bounded however many records), formula-safe CSV cells, and the licence
carried with the file (JSON metadata; a `Link: rel="license"` header for CSV).

Practices (`/buone-pratiche/export.*`) and questions (`/dati/domande-risposte.*`) both go
through here.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from flask import Response, stream_with_context

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run: text starting like a formula gets a leading
    apostrophe (OWASP's advice); None is empty."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def unsafe_cell(text: str) -> str:
    """Undo `safe_cell` on import, so an exported file imports back unchanged."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def csv_lines(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The header, then one CSV line per row (missing keys empty), every cell safe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")

    def line(values: Iterable[object]) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow([safe_cell(v) for v in values])
        return out.getvalue()

    yield line(columns)
    for row in rows:
        yield line(row.get(c) for c in columns)


def json_chunks(records: Iterable[dict[str, Any]], *, key: str | None = None,
                metadata: dict[str, Any] | None = None) -> Iterator[str]:
    """A JSON list of records, or `{"dataset": metadata, key: [...]}`, one record at a
    time (UTF-8 characters kept)."""
    if key is not None:
        yield '{"dataset": ' + json.dumps(metadata or {}, ensure_ascii=False) + ",\n"
        yield json.dumps(key) + ": "
    yield "["
    for number, record in enumerate(records):
        yield ("\n" if number == 0 else ",\n") + json.dumps(record, ensure_ascii=False)
    yield "\n]" + ("}\n" if key is not None else "\n")


def download(fmt: str, *, filename: str, columns: Sequence[str],
             records: Callable[[], Iterable[dict[str, Any]]],
             csv_row: Callable[[dict[str, Any]], dict[str, Any]] = dict,
             key: str, metadata: dict[str, Any]) -> Response:
    """A streamed attachment in `fmt` ("csv" or "json"); `records` is called inside the
    stream so the rows are read while they are sent. The licence and the DCAT record
    travel in Link headers, and for JSON in the metadata too."""
    if fmt == "json":
        body = json_chunks(records(), key=key, metadata=metadata)
        mimetype = "application/json"
    else:
        body = csv_lines(columns, (csv_row(r) for r in records()))
        mimetype = "text/csv"
    links = [f'<{metadata["license"]["url"]}>; rel="license"']
    if metadata.get("dcat"):
        links.append(f'<{metadata["dcat"]}>; rel="describedby"; type="application/rdf+xml"')
    return Response(stream_with_context(body), mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}.{fmt}"',
        "Link": ", ".join(links),
    })
