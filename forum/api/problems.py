"""Errors of the API as `application/problem+json` (RFC 9457), in the request's language."""

from __future__ import annotations

import http
from typing import Any

from flask import Response, json, request
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields

PROBLEM_MIMETYPE = "application/problem+json"
LOCATIONS = frozenset({"json", "query", "form", "path", "headers", "view_args"})


class FindingSchema(Schema):
    """A passage the privacy guard took for personal data of a family or a child."""

    field = fields.String(required=True)
    kind = fields.String(required=True)
    start = fields.Integer(required=True)
    end = fields.Integer(required=True)
    text = fields.String(required=True)


class ProblemSchema(Schema):
    """RFC 9457 problem details; `errors` lists invalid fields and their messages."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    instance = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    findings = fields.List(fields.Nested(FindingSchema), metadata={
        "description": "Passaggi che sembrano dati personali (422 del controllo privacy): "
                       "correggi il testo o rimanda con confirm_personal_data=true."})


class ProblemApi(Api):
    """flask-smorest documenting every error response as application/problem+json, the
    type our error handler really sends (schemathesis compares the two)."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MIMETYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Errore (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_MIMETYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def is_api_request() -> bool:
    """Requests to /api/ answer problems, never HTML error pages."""
    return request.path.startswith("/api/")


def problem(status: int, title: str, detail: str, *,
            errors: dict[str, list[str]] | None = None,
            extra: dict[str, Any] | None = None) -> Response:
    """One problem document: `type` stays about:blank, so `title` is the status's phrase."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status,
                            "detail": detail, "instance": request.path}
    if errors:
        body["errors"] = errors
    body.update(extra or {})
    response = Response(json.dumps(body, ensure_ascii=False), status=status,
                        mimetype=PROBLEM_MIMETYPE)
    response.headers["Content-Language"] = _language()
    return response


def _language() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "it")


def flatten_messages(messages: Any) -> dict[str, list[str]]:
    """webargs/marshmallow messages ({"json": {"body": [...]}}) as {field: [messages]}, each
    translated when we know it (marshmallow speaks English)."""
    flat: dict[str, list[str]] = {}

    def walk(path: list[str], value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk([*path, str(key)], inner)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(path, item)
        else:
            if path and path[0] in LOCATIONS:
                path = path[1:]
            flat.setdefault(".".join(path) or "_", []).append(translate_message(str(value)))

    walk([], messages)
    return flat


def translate_message(message: str) -> str:
    """The marshmallow messages a client meets, in the request's language."""
    from flask_babel import gettext as _

    known = {
        "Missing data for required field.": lambda: _("Campo obbligatorio."),
        "Unknown field.": lambda: _("Campo non previsto."),
        "Not a valid integer.": lambda: _("Non è un numero intero valido."),
        "Not a valid string.": lambda: _("Non è un testo valido."),
        "Not a valid boolean.": lambda: _("Non è un valore vero/falso valido."),
        "Not a valid list.": lambda: _("Non è un elenco valido."),
        "Field may not be null.": lambda: _("Il campo non può essere vuoto (null)."),
        "Invalid input type.": lambda: _("Tipo di dato non valido."),
        "Invalid value.": lambda: _("Valore non valido."),
        "Must be one of:": lambda: _("Valore non ammesso."),
        "Must be greater than or equal to": lambda: _("Valore fuori dall'intervallo ammesso."),
        "Length must be between": lambda: _("Lunghezza fuori dall'intervallo ammesso."),
        "Longer than maximum length": lambda: _("Testo troppo lungo."),
        "Shorter than minimum length": lambda: _("Testo troppo corto."),
        "Invalid JSON body.": lambda: _("Il corpo della richiesta non è JSON valido."),
    }
    for prefix, translated in known.items():
        if message.startswith(prefix):
            return translated()
    return message
