"""Open-data import (all or nothing, idempotent) and export."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Practice
from forum.practices import transfer
from tests.factories import make_practice

MINIMAL = {"title": "Centro per le famiglie di quartiere", "summary": "Un centro aperto.",
           "lead_organisation": "Comune di Piana (fittizio)", "region_code": "09",
           "themes": ["centri-famiglia-consultori"]}


def _count() -> int:
    return db.session.scalar(select(func.count(Practice.id)))


def test_minimal_record_imports_and_publishes_with_defaults(app):
    result = transfer.import_practices([MINIMAL, dict(MINIMAL, title="Pratica nazionale minima",
                                                      region_code=None)])
    assert (result.created, result.rejected) == (2, [])
    practice = db.session.scalars(select(Practice).where(Practice.region_code == "09")).one()
    assert practice.status == "pubblicata" and practice.published_at is not None
    assert practice.organisation_type == "altro" and practice.stage == "a-regime"
    national = db.session.scalars(select(Practice).where(Practice.region_code.is_(None))).one()
    assert national.level_of_government == "nazionale"


def test_level_of_government_comes_from_the_organisation_type(app):
    transfer.import_practices([dict(MINIMAL, organisation_type="ambito-sociale")])
    assert db.session.scalars(select(Practice)).one().level_of_government == "intercomunale"


def test_one_bad_row_imports_nothing_and_names_every_reason(app):
    rows = [MINIMAL, dict(MINIMAL, title="Seconda pratica valida per il test"),
            dict(MINIMAL, title="Riga rotta", region_code="77", themes=["boh"],
                 start_year=2020, end_year=2001, budget_eur=-3)]
    result = transfer.import_practices(rows)
    assert _count() == 0
    [bad] = result.rejected
    assert bad.row == 3
    text = " ".join(bad.reasons)
    for field in ("region_code", "themes", "end_year", "budget_eur"):
        assert field in text


def test_second_import_of_the_same_file_updates_not_duplicates(app):
    records = [dict(MINIMAL, external_id="regione-x-001"), dict(MINIMAL, slug="pratica-b",
                                                               title="Pratica B per il test")]
    assert transfer.import_practices(records).created == 2
    changed = [dict(records[0], summary="Sintesi aggiornata."), records[1]]
    result = transfer.import_practices(changed)
    assert (result.created, result.updated) == (0, 2)
    assert _count() == 2
    assert db.session.scalars(select(Practice.summary).where(
        Practice.external_id == "regione-x-001")).one() == "Sintesi aggiornata."


def test_csv_round_trip_and_broken_row(app):
    make_practice(keywords=["nido", "tariffe"], budget_eur="120.000",
                  links=[{"label": "Sito", "url": "https://example.org/x"}])
    make_practice(status="bozza")
    text = transfer.to_csv(transfer.published_records())
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1 and rows[0]["keywords"] == "nido|tariffe"
    assert rows[0]["budget_eur"] == "120000.0"
    records = transfer.read_records("dati.csv", text.encode())
    assert transfer.import_practices(records).updated == 1
    broken = text + 'x,y,"Titolo valido ma riga rotta",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,troppe\n'
    result = transfer.import_practices(transfer.read_records("dati.csv", broken.encode()))
    assert result.rejected and result.rejected[0].row == 2
    assert _count() == 2


def test_unreadable_files_are_reported(app):
    import pytest

    for name, content in (("x.json", b"{rotto"), ("x.json", b'{"a": 1}'), ("x.txt", b"ciao"),
                          ("x.csv", b"\xff\xfe\x00"), ("x.csv", b"nome,cognome\n")):
        with pytest.raises(transfer.ImportFormatError):
            transfer.read_records(name, content)


def test_cli_import_export(app, runner, tmp_path):
    path = tmp_path / "pratiche.json"
    path.write_text(json.dumps({"practices": [MINIMAL]}), encoding="utf-8")
    result = runner.invoke(args=["practices", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 nuove" in result.output
    out = tmp_path / "export.json"
    assert runner.invoke(args=["practices", "export", "--format", "json", "-o",
                               str(out)]).exit_code == 0
    assert json.loads(out.read_text("utf-8"))[0]["title"] == MINIMAL["title"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([dict(MINIMAL, region_code="99")]), encoding="utf-8")
    failed = runner.invoke(args=["practices", "import", str(bad)])
    assert failed.exit_code == 1 and "region_code" in failed.output
