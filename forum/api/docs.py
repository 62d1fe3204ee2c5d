"""A readable page of the API documentation, rendered from the OpenAPI document itself
(no third-party viewer: Swagger UI and ReDoc load from CDNs and fail axe)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from forum.extensions import rest_api

bp = Blueprint("api_docs", __name__)

METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(ref: dict[str, Any] | None) -> str:
    if not ref:
        return ""
    target = ref.get("$ref") or ref.get("items", {}).get("$ref", "")
    return str(target).rsplit("/", 1)[-1]


def operations() -> dict[str, list[dict[str, Any]]]:
    """The document's operations grouped by tag, in the order the tags were declared."""
    spec = rest_api.spec.to_dict()
    grouped: dict[str, list[dict[str, Any]]] = {t["name"]: [] for t in spec.get("tags", [])}
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if not operation:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get(
                "application/json", {}).get("schema")
            responses = {code: _schema_name(r.get("content", {}).get(
                "application/json", {}).get("schema")) for code, r in
                operation.get("responses", {}).items() if code != "default"}
            grouped.setdefault((operation.get("tags") or ["api"])[0], []).append({
                "method": method.upper(), "path": path,
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [*item.get("parameters", []), *operation.get("parameters", [])],
                "body": _schema_name(body), "responses": responses,
                "needs_token": operation.get("security") == [{"bearerAuth": []}],
            })
    return {tag: ops for tag, ops in grouped.items() if ops}


@bp.route("/api/v1/docs")
def docs():
    """The API at a glance: authentication, errors, pagination, every operation."""
    spec = rest_api.spec.to_dict()
    return render_template("api/docs.html", groups=operations(),
                           schemas=spec.get("components", {}).get("schemas", {}),
                           description=spec.get("info", {}).get("description", ""))
