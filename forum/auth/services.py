"""Registration and sign-in rules."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from forum.admin.settings import get_registration_policy
from forum.auth.password_rules import check_password_strength
from forum.database import commit_or_conflict, write_intent
from forum.errors import Conflict, InvalidInput
from forum.extensions import db
from forum.models import AccountStatus, Role, User
from forum.models.identity import UNUSABLE_PASSWORD
from forum.practices.vocabulary import DEFAULT_LEVEL
from forum.taxonomy import ORGANISATION_TYPES, REGIONS
from forum.text import clean_line
from forum.users.services import organisation_on_list

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
# A real hash to compare against when the account does not exist, so both paths cost the same.
_DUMMY_HASH: dict[str, str] = {}


def hash_password(password: str) -> str:
    """Hash with werkzeug's current default (scrypt) unless the config pins a method."""
    method = current_app.config.get("PASSWORD_HASH_METHOD")
    return generate_password_hash(password, method=method) if method else generate_password_hash(
        password
    )


def register_user(
    *,
    username: str,
    display_name: str,
    email: str,
    password: str,
    organisation: str,
    organisation_type: str,
    region_code: str,
    role: str = Role.MEMBER,
    bio: str = "",
    status: str | None = None,
) -> User:
    """Create an account; refuses duplicates and values outside the fixed lists.

    A member's status follows the registration policy (open, approval, allowed domains)
    unless `status` is given; accounts created with a higher role (create-admin) are active.
    """
    username = clean_line(username).lower()
    email = clean_line(email).lower()
    display_name, organisation = clean_line(display_name), clean_line(organisation)
    errors: dict[str, list[str]] = {}
    if not USERNAME_RE.match(username):
        errors["username"] = [_(
            "Il nome utente deve avere da 3 a 32 caratteri: lettere minuscole, cifre, "
            "punto, trattino o trattino basso."
        )]
    if organisation_type not in ORGANISATION_TYPES:
        errors["organisation_type"] = [_("Tipo di ente non valido.")]
    if region_code not in REGIONS:
        errors["region_code"] = [_("Regione non valida.")]
    if not 1 <= len(display_name) <= 80:
        errors["display_name"] = [_("Indica il nome da mostrare.")]
    if not 1 <= len(organisation) <= 200:
        errors["organisation"] = [_("Indica l'ente di appartenenza.")]
    if problems := check_password_strength(password, hints=(username, email, display_name)):
        errors["password"] = problems
    if errors:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)

    password_hash = hash_password(password)  # the slow part, before the write lock
    listed = organisation_on_list(organisation)
    with write_intent():
        taken = db.session.execute(
            select(User.username, User.email).where(
                (User.username == username) | (func.lower(User.email) == email)
            )
        ).all()
        if taken:
            _raise_duplicate(username, taken)
        if status is None:
            status = (AccountStatus.ACTIVE if role != Role.MEMBER
                      else get_registration_policy().status_for(email))
        user = User(
            username=username,
            display_name=display_name,
            email=email,
            password_hash=password_hash,
            organisation=listed.name if listed else organisation,
            organisation_id=listed.id if listed else None,
            organisation_type=organisation_type,
            level_of_government=DEFAULT_LEVEL.get(organisation_type, ""),
            region_code=region_code,
            role=role,
            bio=bio,
            status=status,
        )
        db.session.add(user)
        commit_or_conflict(_("Nome utente o email già in uso."))
    return user


def _raise_duplicate(username: str, taken: Sequence[Any]) -> None:
    errors: dict[str, list[str]] = {}
    if any(row.username == username for row in taken):
        errors["username"] = [_("Questo nome utente è già in uso: scegline un altro.")]
    else:
        errors["email"] = [_(
            "Non è possibile registrarsi con questo indirizzo. Se hai già un account, accedi."
        )]
    raise Conflict(_("Controlla i campi evidenziati."), field_errors=errors)


def normalise_login(login: str) -> str:
    """A login as typed, the way accounts are looked up (trimmed, lower case)."""
    return clean_line(login).lower()[:254]


def find_account(login: str) -> User | None:
    """The account whose username or e-mail is `login` (normalised), if any."""
    login = normalise_login(login)
    return db.session.execute(
        select(User).where((User.username == login) | (func.lower(User.email) == login))
    ).scalar_one_or_none()


def authenticate(login: str, password: str) -> User | None:
    """The user matching username or email and password, else None (same cost either way).

    The attempt is counted before the password is checked (`throttle.begin_attempt`),
    once per account whatever spelling was typed; a success gives its place back.
    """
    from forum.auth import throttle

    user = find_account(login)
    attempt = throttle.begin_attempt(str(user.id) if user else "?" + normalise_login(login))
    if user is None or user.password_hash == UNUSABLE_PASSWORD:  # no password: same cost
        authenticate_dummy(password)
        return None
    if check_password_hash(user.password_hash, password or ""):
        attempt.succeeded()
        return user
    return None


def authenticate_dummy(password: str = "") -> None:
    """Spend the time of one password check, so unknown accounts answer as slowly."""
    if "hash" not in _DUMMY_HASH:
        _DUMMY_HASH["hash"] = hash_password("officina-dummy-password")
    check_password_hash(_DUMMY_HASH["hash"], password or "")


def load_user(session_id: str) -> User | None:
    """Flask-Login loader: '<id>:<session_version>'; a bumped version logs the session out."""
    user_id, _sep, version = session_id.partition(":")
    if not (re.fullmatch(r"[0-9]{1,12}", user_id) and re.fullmatch(r"[0-9]{1,9}", version)):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def set_role(username: str, role: str) -> User:
    """Give an existing account a role (used by the admin CLI); staff accounts are active."""
    with write_intent():
        user = db.session.execute(
            select(User).where(User.username == username)).scalar_one_or_none()
        if user is None:
            raise InvalidInput(_("Utente inesistente."))
        user.role = role
        if role != Role.MEMBER:
            user.status = AccountStatus.ACTIVE
        db.session.commit()
    return user
