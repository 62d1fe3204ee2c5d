"""The OpenAPI 3.1 document: valid, complete, readable, and true to the running app
(schemathesis fuzzes every operation against a live server: no 5xx, every response as
documented)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from openapi_spec_validator import validate

from forum import create_app
from forum.answers.services import accept_answer
from forum.extensions import db
from forum.seed.themes import ensure_themes
from forum.tokens.services import create_token
from tests.factories import make_answer, make_comment, make_question, make_user
from tests.live import serving

UNDOCUMENTED = {"/api/v1/openapi.json", "/api/v1/docs"}


def test_document_is_valid_openapi_3_1(app: Flask, client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.1")
    validate(spec)
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_every_api_route_is_documented(app: Flask, client) -> None:
    spec = client.get("/api/v1/openapi.json").json
    documented = {(path, method.upper()) for path, item in spec["paths"].items()
                  for method in item if method in ("get", "post", "put", "patch", "delete")}
    served = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule in UNDOCUMENTED:
            continue
        path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        served |= {(path, m) for m in (rule.methods or ()) if m not in ("HEAD", "OPTIONS")}
    assert served == documented


def test_errors_are_documented_as_problems(app: Flask, client) -> None:
    spec = client.get("/api/v1/openapi.json").json
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "delete"):
                continue
            assert "default" in operation["responses"], (path, method)
    problem = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert list(problem) == ["application/problem+json"]


def test_docs_page_lists_every_operation(app: Flask, client) -> None:
    spec = client.get("/api/v1/openapi.json").json
    page = client.get("/api/v1/docs").get_data(as_text=True)
    for path in spec["paths"]:
        assert f"<code>{path}</code>" in page
    assert "Authorization: Bearer" in page


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A small community (threads with answers, comments and a solution) served by
    werkzeug on a free port, and a write token of one of its members. (The demo seed would
    do, but costs a minute and a half on a loaded machine.)"""
    folder = tmp_path_factory.mktemp("officina-api")
    app = create_app("config.TestingConfig",
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'api.sqlite3'}",
                     RATELIMIT_ENABLED=False, SEARCH_SYNC="inline",
                     SEARCH_INDEX_PATH=str(folder / "search_index"))
    app.instance_path = str(folder)
    with app.app_context():
        db.create_all()
        ensure_themes()
        member, asker = make_user(), make_user()
        for number in range(4):
            question = make_question(asker, tags="nido, tariffe")
            answer = make_answer(question, member)
            make_comment(question, member, body=f"Commento numero {number} sulla domanda.")
            make_comment(question, asker, body="Grazie della risposta.", answer_id=answer.id)
        accept_answer(asker, answer.id)
        _token, plain = create_token(member, name="schemathesis", scope="write", days=30)
        db.session.remove()
    with serving(app) as url:
        yield url, plain


CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_schema_conformance,response_headers_conformance")


@pytest.mark.slow
@pytest.mark.skipif(bool(os.environ.get("FORUM_TEST_DATABASE_URL")),
                    reason="the live server always runs on SQLite: the SQLite run fuzzes it")
@pytest.mark.parametrize("auth", ["anonymous", "token"])
def test_schemathesis_finds_no_5xx_and_no_response_outside_the_document(
        live_api: tuple[str, str], tmp_path: Path, auth: str) -> None:
    base, token = live_api
    command = [str(Path(sys.executable).with_name("st")), "run",
               f"{base}/api/v1/openapi.json", "--checks", CHECKS,
               "--max-examples", os.environ.get("FORUM_FUZZ_EXAMPLES", "12"),
               "--seed", "16", "--workers", "1", "--no-shrink",
               "--generation-deterministic", "--suppress-health-check", "all",
               "--warnings", "off", "--request-timeout", "30"]
    if auth == "token":
        command += ["--header", f"Authorization: Bearer {token}"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "SCHEMATHESIS_HOOKS": ""}, check=False,
                            cwd=tmp_path)  # its reports stay out of the checkout
    summary = result.stdout[-6000:]
    assert result.returncode == 0, summary
