"""Profile changes: the fields other operators see, who may see each, expertise."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from forum.database import write_intent
from forum.errors import InvalidInput
from forum.extensions import db
from forum.models import (
    MAX_EXPERTISE,
    Expertise,
    Organisation,
    ProfileField,
    Theme,
    User,
    Visibility,
)
from forum.practices.vocabulary import DEFAULT_LEVEL, LEVELS
from forum.taxonomy import ORGANISATION_TYPES, REGIONS
from forum.text import clean_line, clean_text
from forum.users.vocabulary import LANGUAGES, PROVINCES

BIO_MAX = 2_000
COMPETENCES_MAX = 2_000
_PHONE = re.compile(r"^\+?[0-9][0-9 ./-]{4,38}$")


@dataclass
class ProfileChange:
    """What the member typed in the profile form (already shaped by the form)."""

    display_name: str
    organisation: str
    organisation_type: str
    region_code: str
    bio: str = ""
    level_of_government: str = ""
    province_code: str = ""
    job_title: str = ""
    competences: str = ""
    languages: list[str] = field(default_factory=list)
    expertise: list[int] = field(default_factory=list)
    contact_email: str = ""
    contact_phone: str = ""
    open_to_contact: bool = True
    visibility: dict[str, str] = field(default_factory=dict)


def organisation_on_list(name: str) -> Organisation | None:
    """The managed organisation with this name (case-insensitive), if the name is on the list."""
    return db.session.execute(
        select(Organisation).where(func.lower(Organisation.name) == name.lower(),
                                   Organisation.is_archived.is_(False))
    ).scalar_one_or_none()


def _check(change: ProfileChange) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def fail(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not 1 <= len(change.display_name) <= 80:
        fail("display_name", _("Il nome deve avere da 1 a 80 caratteri."))
    if not 1 <= len(change.organisation) <= 200:
        fail("organisation", _("L'ente deve avere da 1 a 200 caratteri."))
    if change.organisation_type not in ORGANISATION_TYPES:
        fail("organisation_type", _("Tipo di ente non valido."))
    if change.level_of_government and change.level_of_government not in LEVELS:
        fail("level_of_government", _("Livello di governo non valido."))
    if change.region_code not in REGIONS:
        fail("region_code", _("Regione non valida."))
    province_region = PROVINCES.get(change.province_code, ("", ""))[1]
    if change.province_code and province_region != change.region_code:
        fail("province_code", _("La provincia non appartiene alla regione scelta."))
    if len(change.job_title) > 120:
        fail("job_title", _("Il ruolo può avere al massimo %(n)d caratteri.", n=120))
    if len(change.bio) > BIO_MAX:
        fail("bio", _("La presentazione può avere al massimo %(n)d caratteri.", n=BIO_MAX))
    if len(change.competences) > COMPETENCES_MAX:
        fail("competences", _("Le competenze possono avere al massimo %(n)d caratteri.",
                              n=COMPETENCES_MAX))
    if any(code not in LANGUAGES for code in change.languages):
        fail("languages", _("Lingua non valida."))
    if len(set(change.expertise)) > MAX_EXPERTISE:
        fail("expertise", _("Scegli al massimo %(n)d temi di competenza.", n=MAX_EXPERTISE))
    if change.contact_email:
        try:
            validate_email(change.contact_email, check_deliverability=False)
        except EmailNotValidError:
            fail("contact_email", _("Indirizzo email non valido."))
    if change.contact_phone and not _PHONE.match(change.contact_phone):
        fail("contact_phone",
             _("Numero di telefono non valido: solo cifre, spazi e il prefisso +."))
    for name, value in change.visibility.items():
        if name not in set(ProfileField) or value not in set(Visibility):
            fail(f"vis_{name}", _("Scelta di visibilità non valida."))
    return errors


def update_profile(user: User, change: ProfileChange) -> User:
    """Change the profile of the signed-in member: checked whole, written in one commit."""
    change.display_name = clean_line(change.display_name)
    change.organisation = clean_line(change.organisation)
    change.job_title = clean_line(change.job_title)
    change.bio, change.competences = clean_text(change.bio), clean_text(change.competences)
    change.contact_email = clean_line(change.contact_email)
    change.contact_phone = clean_line(change.contact_phone)
    errors = _check(change)
    if any(not 0 < theme_id < 2**31 for theme_id in change.expertise):
        change.expertise = []
        errors.setdefault("expertise", []).append(_("Tema non valido."))
    themes = set(db.session.execute(
        select(Theme.id).where(Theme.id.in_(set(change.expertise)))
    ).scalars()) if change.expertise else set()
    if themes != set(change.expertise):
        errors.setdefault("expertise", []).append(_("Tema non valido."))
    if errors:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
    listed = organisation_on_list(change.organisation)
    with write_intent():
        # The row lock makes simultaneous saves of one profile queue (PostgreSQL): the
        # expertise rows are replaced, and two replacements at once would collide.
        member = db.session.get_one(User, user.id, with_for_update=True)
        member.display_name = change.display_name
        member.organisation = listed.name if listed else change.organisation
        member.organisation_id = listed.id if listed else None
        member.organisation_type = change.organisation_type
        member.level_of_government = (change.level_of_government
                                      or DEFAULT_LEVEL.get(change.organisation_type, ""))
        member.region_code = change.region_code
        member.province_code = change.province_code
        member.job_title = change.job_title
        member.bio = change.bio
        member.competences = change.competences
        member.languages = ",".join(dict.fromkeys(change.languages))
        member.contact_email = change.contact_email
        member.contact_phone = change.contact_phone
        member.open_to_contact = change.open_to_contact
        for name, value in change.visibility.items():
            setattr(member, f"vis_{name}", value)
        db.session.execute(delete(Expertise).where(Expertise.user_id == user.id))
        db.session.add_all(Expertise(user_id=user.id, theme_id=t) for t in sorted(themes))
        db.session.commit()
    return user


def remember_language(user: User, language: str) -> None:
    """The language a signed-in member picks is also the language of their e-mails."""
    if not getattr(user, "is_authenticated", False) or user.language == language:
        return
    with write_intent():
        db.session.get_one(User, user.id).language = language
        db.session.commit()
