"""Following over the API: what the caller follows, and their notification level on a
theme, tag, thread, practice, organisation, member or group (the service of the «Segui»
buttons: the same levels and visibility rules)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_login import current_user
from marshmallow import Schema, fields, validate

from forum.api.blueprints import api_blueprint
from forum.api.common import require_signed_in
from forum.api.questions import WRITE_SECURITY
from forum.models import FollowTarget, Level
from forum.notifications import follows

blp = api_blueprint("follows-api", __name__,
                    "Seguire temi, tag, discussioni, buone pratiche, enti, membri e "
                    "tavoli: livelli di notifica di chi chiama.")

KINDS = [k.value for k in FollowTarget]
LEVELS = [level.value for level in Level]
TARGET_DOC = {"parameters": [
    {"in": "path", "name": "kind", "required": True,
     "schema": {"type": "string", "enum": KINDS}},
    {"in": "path", "name": "target", "required": True,
     "description": "id numerico, o slug (temi, buone pratiche, enti, tavoli), nome (tag), "
                    "username (membri)",
     "schema": {"type": "string"}},
]}


class FollowSchema(Schema):
    """The caller's level on one target: watching (everything), tracking (answers),
    normal (only what is addressed to them: not following), muted (nothing)."""

    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    id = fields.Integer(required=True)
    label = fields.String(required=True)
    url = fields.String(required=True)
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))


class FollowListSchema(Schema):
    """Everything the caller follows or muted (levels other than normal), by kind."""

    items = fields.List(fields.Nested(FollowSchema), required=True)


class FollowInSchema(Schema):
    """The level to set; following means `watching` unless said otherwise."""

    level = fields.String(load_default=Level.WATCHING.value, validate=validate.OneOf(LEVELS))


def _follow(target: follows.Target, level: str) -> dict[str, Any]:
    return {"kind": target.kind.value, "id": target.id, "label": target.label,
            "url": request.host_url.rstrip("/") + target.url, "level": str(level)}


@blp.route("/follows")
@blp.response(200, FollowListSchema)
@blp.doc(security=WRITE_SECURITY)
def list_follows() -> Any:
    """Ciò che segui (o hai silenziato), con il livello di notifica."""
    require_signed_in()
    return {"items": [_follow(target, row.level)
                      for row, target in follows.my_follows(current_user)]}


@blp.route("/follows/<kind>/<target>")
@blp.response(200, FollowSchema)
@blp.doc(security=WRITE_SECURITY, **TARGET_DOC)
def get_follow(kind: str, target: str) -> Any:
    """Il tuo livello di notifica su un contenuto (normal se non lo segui)."""
    require_signed_in()
    found_kind, target_id = follows.resolve_target(kind, target)
    described = follows.describe_target(current_user, found_kind, target_id)
    return _follow(described, follows.level_of(current_user, found_kind, target_id))


@blp.route("/follows/<kind>/<target>", methods=["PUT"])
@blp.arguments(FollowInSchema)
@blp.response(200, FollowSchema)
@blp.doc(security=WRITE_SECURITY, **TARGET_DOC)
def follow(data: dict[str, Any], kind: str, target: str) -> Any:
    """Segui un contenuto (watching, o il livello indicato)."""
    found_kind, target_id = follows.resolve_target(kind, target)
    return _follow(follows.set_level(current_user, found_kind, target_id, data["level"]),
                   data["level"])


@blp.route("/follows/<kind>/<target>", methods=["DELETE"])
@blp.response(200, FollowSchema)
@blp.doc(security=WRITE_SECURITY, **TARGET_DOC)
def unfollow(kind: str, target: str) -> Any:
    """Smetti di seguire: torni al livello normal (solo ciò che ti riguarda)."""
    found_kind, target_id = follows.resolve_target(kind, target)
    return _follow(follows.set_level(current_user, found_kind, target_id, Level.NORMAL),
                   Level.NORMAL)
