"""The OpenAPI document tells the truth about the catalogue resources: it is valid, and
real answers (anonymous and with a token, lists and items, writes) match the schemas it
declares, nullable fields included."""

from __future__ import annotations

import re
from typing import Any

import jsonschema
from openapi_spec_validator import validate

from forum.announcements.queries import today
from forum.announcements.services import AnnouncementFields, create_announcement
from forum.extensions import db
from forum.models import Theme
from tests.api.resource_checks import bearer
from tests.certificates.helpers import ended_event
from tests.events.helpers import published_event
from tests.factories import make_guideline, make_practice, make_question, make_user

THEME = "servizi-educativi-0-6"


def _schema_for(spec: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    for template, item in spec["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method in item:
            content = item[method]["responses"][str(status)]["content"]
            return {**content["application/json"]["schema"], "components": spec["components"]}
    raise AssertionError(f"{method.upper()} {path} is not in the document")


def _world() -> tuple[dict[str, str], list[str]]:
    member = make_user()
    practice = make_practice(member)
    make_question(member, tags="nido")
    guideline = make_guideline()
    event = published_event(make_user("moderator"))
    ended_event(make_user("moderator"))
    theme = db.session.query(Theme.id).order_by(Theme.position).limit(1).scalar()
    priority = create_announcement(make_user("editor"), AnnouncementFields(
        title="Priorità del documento", body="Testo **in evidenza**.", theme_ids=(theme,),
        valid_from=today()))
    reads = [f"/api/v1/practices/{practice.slug}", "/api/v1/practices",
             "/api/v1/practice-facets", "/api/v1/themes", f"/api/v1/themes/{THEME}",
             "/api/v1/tags", "/api/v1/tags?ordina=domande", f"/api/v1/events/{event.slug}",
             "/api/v1/events", "/api/v1/events?quando=conclusi",
             f"/api/v1/guidelines/{guideline.slug}", "/api/v1/guidelines",
             f"/api/v1/announcements/{priority.slug}", "/api/v1/announcements",
             f"/api/v1/members/{member.username}"]
    return bearer(member, "write"), reads + [f"/api/v1/events/{event.slug}/registration",
                                             "/api/v1/follows", f"/api/v1/follows/theme/{THEME}"]


def test_document_is_valid_and_answers_match_it(client) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    headers, reads = _world()
    event_registration = reads[-3]
    writes = [("put", event_registration, {"job_title": "Funzionaria"}),
              ("put", "/api/v1/follows/tag/nido", {"level": "tracking"}),
              ("delete", "/api/v1/follows/tag/nido", None)]
    for method, path, body in writes:
        response = client.open(path, method=method.upper(), json=body, headers=headers)
        assert response.status_code == 200, response.text
        jsonschema.validate(response.get_json(), _schema_for(spec, path, method, 200))
    for caller in ({}, headers):
        for path in reads:
            response = client.get(path, headers=caller)
            if not caller and response.status_code == 401:
                continue  # the caller's own things need to know the caller
            assert response.status_code == 200, (path, response.text)
            bare = path.split("?")[0]
            jsonschema.validate(response.get_json(), _schema_for(spec, bare, "get", 200))
