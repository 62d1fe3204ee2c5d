"""The JSON endpoints the ask and answer forms' script saves, reads and discards drafts
with (`static/js/drafts.js`); signed-in members only, CSRF-protected like every write."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from forum.drafts import queries, services
from forum.limits import write_limit
from forum.views import optional_int

bp = Blueprint("drafts", __name__)


def _field(name: str) -> str:
    """A text field of the request, from a JSON object or a form."""
    data = request.get_json(silent=True) if request.is_json else request.form
    value = data.get(name, "") if isinstance(data, dict) or data is request.form else ""
    return value if isinstance(value, str) else ""


def _question_id() -> int | None:
    raw = request.args.get("domanda") or _field("question_id")
    return optional_int(raw)


@bp.route("/bozze/<kind>", methods=["GET"])
def read(kind: str):
    """The member's draft of a form, or null."""
    draft_kind = services.draft_kind(kind)
    return jsonify(draft=queries.as_json(queries.draft_of(current_user, draft_kind,
                                                          _question_id())))


@bp.route("/bozze/<kind>", methods=["PUT", "POST"])
@login_required
@write_limit("DRAFT_LIMIT", "drafts", methods=("PUT", "POST"))
def save(kind: str):
    """Save (create or replace) the member's draft of a form."""
    draft = services.save_draft(current_user, services.draft_kind(kind),
                                question_id=_question_id(), title=_field("title"),
                                body=_field("body"), tags=_field("tags"))
    return jsonify(draft=queries.as_json(draft))


@bp.route("/bozze/<kind>/scarta", methods=["POST"])
@login_required
@write_limit("DRAFT_LIMIT", "drafts")
def discard(kind: str):
    """Discard the member's draft of a form."""
    services.discard_draft(current_user, services.draft_kind(kind), _question_id())
    return jsonify(draft=None)
