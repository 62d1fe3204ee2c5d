"""Profile changes."""

from __future__ import annotations

from flask_babel import gettext as _

from forum.database import write_intent
from forum.errors import InvalidInput
from forum.extensions import db
from forum.models import User
from forum.taxonomy import ORGANISATION_TYPES, REGIONS
from forum.text import clean_line, clean_text

BIO_MAX = 2_000


def update_profile(
    user: User,
    *,
    display_name: str,
    organisation: str,
    organisation_type: str,
    region_code: str,
    bio: str,
) -> User:
    """Change the public profile of the signed-in user."""
    errors: dict[str, list[str]] = {}
    display_name, organisation = clean_line(display_name), clean_line(organisation)
    bio = clean_text(bio)
    if not 1 <= len(display_name) <= 80:
        errors["display_name"] = [_("Il nome deve avere da 1 a 80 caratteri.")]
    if not 1 <= len(organisation) <= 200:
        errors["organisation"] = [_("L'ente deve avere da 1 a 200 caratteri.")]
    if organisation_type not in ORGANISATION_TYPES:
        errors["organisation_type"] = [_("Tipo di ente non valido.")]
    if region_code not in REGIONS:
        errors["region_code"] = [_("Regione non valida.")]
    if len(bio) > BIO_MAX:
        errors["bio"] = [_("La presentazione può avere al massimo %(n)d caratteri.", n=BIO_MAX)]
    if errors:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
    with write_intent():
        user.display_name = display_name
        user.organisation = organisation
        user.organisation_type = organisation_type
        user.region_code = region_code
        user.bio = bio
        db.session.commit()
    return user


def remember_language(user: User, language: str) -> None:
    """The language a signed-in member picks is also the language of their e-mails."""
    if not getattr(user, "is_authenticated", False) or user.language == language:
        return
    with write_intent():
        db.session.get_one(User, user.id).language = language
        db.session.commit()
