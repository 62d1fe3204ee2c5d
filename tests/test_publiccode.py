"""publiccode.yml (Developers Italia's catalogue, standard 0.4 with the Italian extension):
the keys the standard requires, values from its vocabularies, the licence of pyproject."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = {"online-community", "knowledge-management", "collaboration", "event-management",
              "e-learning", "content-management", "communications", "web-collaboration"}


def _load() -> dict:
    return yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))


def test_required_keys_and_values():
    code = _load()
    assert code["publiccodeYmlVersion"] == "0.4"
    for key in ("name", "url", "releaseDate", "platforms", "categories", "developmentStatus",
                "softwareType", "description", "legal", "maintenance", "localisation"):
        assert code.get(key), key
    assert code["url"].startswith("https://") and code["landingURL"].startswith("https://")
    date.fromisoformat(str(code["releaseDate"]))
    assert code["platforms"] == ["web"]
    assert set(code["categories"]) <= CATEGORIES
    assert code["developmentStatus"] in {"concept", "development", "beta", "stable", "obsolete"}
    assert code["softwareType"] == "standalone/web"


def test_descriptions_within_the_limits():
    for language in ("it", "en"):
        description = _load()["description"][language]
        assert len(description["shortDescription"]) <= 150
        assert len(description["longDescription"]) >= 150
        assert len(description["longDescription"]) <= 10_000
        assert description["features"] and all(len(f) <= 100 for f in description["features"])


def test_licence_matches_pyproject():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert _load()["legal"]["license"] == pyproject["project"]["license"]["text"] == "EUPL-1.2"


def test_maintenance_localisation_and_italian_extension():
    code = _load()
    assert code["maintenance"]["type"] in {"internal", "contract", "community", "none"}
    assert all(c["name"] and "@" in c["email"] for c in code["maintenance"]["contacts"])
    assert code["localisation"]["localisationReady"] is True
    assert code["localisation"]["availableLanguages"] == ["it", "en"]
    italy = code["it"]
    assert italy["countryExtensionVersion"] == "1.0"
    assert set(italy["conforme"]) == {"lineeGuidaDesign", "modelloInteroperabilita",
                                      "misureMinimeSicurezza", "gdpr"}
    assert all(isinstance(v, bool) for v in italy["conforme"].values())
    assert set(italy["piattaforme"]) <= {"spid", "cie", "anpr", "pagopa"}
