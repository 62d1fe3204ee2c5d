"""Members over the API: a public profile with only the fields its owner shows the caller
(`can_see_field`); a profile the caller may not view (`can_view_profile`) is a 404."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_login import current_user
from marshmallow import Schema, fields

from forum import permissions
from forum.api.blueprints import api_blueprint
from forum.api.common import ItemRefSchema, question_ref, theme_ref
from forum.api.questions import SECURITY
from forum.api.schemas import ThemeRefSchema, UtcDateTime
from forum.models import ProfileField
from forum.users import queries

blp = api_blueprint("members-api", __name__,
                    "Profili pubblici dei membri: solo i campi che ciascuno mostra "
                    "a chi chiama.")


class ThemeActivitySchema(Schema):
    """The member's questions, answers and accepted answers under one theme."""

    theme = fields.Nested(ThemeRefSchema, required=True)
    questions = fields.Integer(required=True)
    answers = fields.Integer(required=True)
    accepted = fields.Integer(required=True)


class MemberSchema(Schema):
    """A profile; a field the member does not show the caller is null."""

    username = fields.String(required=True)
    display_name = fields.String(required=True)
    url = fields.String(required=True)
    reputation = fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    is_suspended = fields.Boolean(required=True)
    organisation = fields.String(allow_none=True, required=True)
    organisation_type = fields.String(allow_none=True, required=True)
    level_of_government = fields.String(allow_none=True, required=True)
    region_code = fields.String(allow_none=True, required=True)
    province_code = fields.String(allow_none=True, required=True)
    job_title = fields.String(allow_none=True, required=True)
    bio = fields.String(allow_none=True, required=True)
    competences = fields.String(allow_none=True, required=True)
    languages = fields.List(fields.String(), allow_none=True, required=True)
    expertise = fields.List(fields.Nested(ThemeRefSchema), allow_none=True, required=True)
    contact_email = fields.String(allow_none=True, required=True)
    contact_phone = fields.String(allow_none=True, required=True)
    question_count = fields.Integer(required=True)
    answer_count = fields.Integer(required=True)
    accepted_count = fields.Integer(required=True)
    activity = fields.List(fields.Nested(ThemeActivitySchema), required=True)
    recent_questions = fields.List(fields.Nested(ItemRefSchema), required=True)


def _shown(user: Any, field: ProfileField, value: Any) -> Any:
    """The value if its owner shows the field to the caller, else None."""
    return value if permissions.can_see_field(current_user, user, field) else None


@blp.route("/members/<username>")
@blp.response(200, MemberSchema)
@blp.doc(security=SECURITY)
def get_member(username: str) -> Any:
    """Il profilo di un membro, con i soli campi che mostra a chi chiama."""
    profile = queries.profile(username[:32], current_user)
    user = profile.user
    return {
        "username": user.username, "display_name": user.display_name,
        "url": url_for("users.profile", username=user.username, _external=True),
        "reputation": user.reputation, "created_at": user.created_at,
        "is_suspended": bool(user.is_suspended),
        "organisation": _shown(user, ProfileField.ORGANISATION, user.organisation),
        "organisation_type": _shown(user, ProfileField.ORGANISATION, user.organisation_type),
        "level_of_government": _shown(user, ProfileField.ORGANISATION,
                                      user.level_of_government or None),
        "region_code": _shown(user, ProfileField.PLACE, user.region_code or None),
        "province_code": _shown(user, ProfileField.PLACE, user.province_code or None),
        "job_title": _shown(user, ProfileField.JOB_TITLE, user.job_title or None),
        "bio": _shown(user, ProfileField.BIO, user.bio or None),
        "competences": _shown(user, ProfileField.COMPETENCES, user.competences or None),
        "languages": _shown(user, ProfileField.LANGUAGES,
                            [c for c in user.languages.split(",") if c]),
        "expertise": _shown(user, ProfileField.EXPERTISE,
                            [theme_ref(t) for t in profile.expertise]),
        "contact_email": _shown(user, ProfileField.EMAIL, user.contact_email or None),
        "contact_phone": _shown(user, ProfileField.PHONE, user.contact_phone or None),
        "question_count": profile.question_count, "answer_count": profile.answer_count,
        "accepted_count": profile.accepted_count,
        "activity": [{"theme": theme_ref(a.theme), "questions": a.questions,
                      "answers": a.answers, "accepted": a.accepted}
                     for a in profile.activity],
        "recent_questions": [question_ref(q) for q in profile.questions],
    }
