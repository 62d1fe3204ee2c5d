"""Who a verified OpenID Connect identity is in Officina: the rules of the first log-in.

- A known (issuer, subject) signs in as its linked account.
- First log-in with an e-mail the provider says is verified (`email_verified` true) and that
  belongs to an account: the identity is linked to that account.
- Otherwise a new account is created, awaiting a moderator's approval, with no usable
  password. An e-mail the provider did not verify is never stored nor matched: linking on it
  would hand an existing account to whoever typed its address at the provider, and storing
  it would let them occupy the address of someone who has not signed up yet.
- Suspended accounts are refused here as everywhere a suspension applies.

Fiscal codes (`fiscal_number`, sent by SPID/CIE proxies) are not stored: the subject
identifies the person at the provider, and a fiscal code (birth date, sex, place of birth)
would be personal data Officina does not need (GDPR data minimisation).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from forum.database import write_intent
from forum.errors import Conflict, InvalidRequest, NotAllowed
from forum.extensions import db
from forum.models import AccountStatus, ExternalIdentity, Role, User
from forum.models.base import utcnow
from forum.models.identity import PLACEHOLDER_EMAIL_DOMAIN, UNUSABLE_PASSWORD
from forum.text import clean_line

# A concurrent first log-in may take the username or e-mail this one chose: try again.
MAX_ATTEMPTS = 5
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s]{2,63}$")


class Outcome(StrEnum):
    """How the log-in found its account."""

    RETURNING = "returning"  # the identity was already linked
    LINKED = "linked"  # linked now to the account with the same verified e-mail
    CREATED = "created"  # a new account, awaiting approval


@dataclass(frozen=True)
class SignIn:
    """The account to sign in, how it was found, and whether an unverified e-mail was
    left aside (the member is told why their existing account was not used)."""

    user: User
    outcome: Outcome
    email_ignored: bool = False


def _text(value: Any, limit: int) -> str:
    """A claim as one clean line, or "" when it is missing, not a string or too long."""
    if not isinstance(value, str):
        return ""
    line = clean_line(value)
    return line if len(line) <= limit else ""


def _email(claims: Mapping[str, Any]) -> tuple[str, bool]:
    """The normalised e-mail (as `register_user` stores it) and whether it is verified."""
    email = _text(claims.get("email"), 254).lower()
    if not EMAIL_RE.match(email) or email.endswith("@" + PLACEHOLDER_EMAIL_DOMAIN):
        return "", False
    verified = claims.get("email_verified")
    return email, verified is True or verified == "true"


def sign_in_with_identity(issuer: str, claims: Mapping[str, Any]) -> SignIn:
    """The account for a verified ID token, linking or creating it on the first log-in.

    Simultaneous first log-ins of one person race on the unique (issuer, subject): the
    losers roll back and find the winner's link on their next attempt.
    """
    subject = _text(claims.get("sub"), 255)
    if not subject:
        raise InvalidRequest(_(
            "Il servizio di accesso non ha indicato un identificativo valido: l'accesso "
            "non è avvenuto."
        ))
    email, verified = _email(claims)
    for attempt in range(MAX_ATTEMPTS):
        try:
            with write_intent():
                result = _sign_in_once(issuer, subject, claims, email, verified)
                db.session.commit()
            return result
        except IntegrityError:
            if attempt == MAX_ATTEMPTS - 1:
                break
    raise Conflict(_("Troppi accessi contemporanei con la stessa identità: riprova."))


def _sign_in_once(issuer: str, subject: str, claims: Mapping[str, Any], email: str,
                  verified: bool) -> SignIn:
    identity = db.session.execute(
        select(ExternalIdentity).options(joinedload(ExternalIdentity.user)).where(
            ExternalIdentity.issuer == issuer, ExternalIdentity.subject == subject)
    ).scalar_one_or_none()
    if identity is not None:
        _refuse_suspended(identity.user)
        identity.last_login_at = utcnow()
        return SignIn(identity.user, Outcome.RETURNING)
    user = None
    if email and verified:
        user = db.session.execute(
            select(User).where(func.lower(User.email) == email)).scalar_one_or_none()
    if user is not None:
        _refuse_suspended(user)
        outcome = Outcome.LINKED
    else:
        user = _new_account(issuer, subject, claims, email if verified else "")
        outcome = Outcome.CREATED
    db.session.add(ExternalIdentity(user=user, issuer=issuer, subject=subject))
    db.session.flush()
    return SignIn(user, outcome, email_ignored=bool(email) and not verified)


def _refuse_suspended(user: User) -> None:
    if user.is_suspended and user.suspended_until is not None:
        raise NotAllowed(_(
            "Il tuo account è sospeso fino al %(date)s: non è possibile accedere.",
            date=format_date(user.suspended_until, "long"),
        ))


def _new_account(issuer: str, subject: str, claims: Mapping[str, Any], email: str) -> User:
    """A member awaiting approval, named from the claims, with no usable password."""
    given, family = _text(claims.get("given_name"), 80), _text(claims.get("family_name"), 80)
    preferred = _text(claims.get("preferred_username"), 254)
    username = _free_username(
        _username_base(preferred.partition("@")[0] or f"{given}.{family}".strip(".")))
    display = (_text(claims.get("name"), 80) or clean_line(f"{given} {family}")[:80]
               or preferred[:80] or username)
    if not email:
        digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()[:32]
        email = f"{digest}@{PLACEHOLDER_EMAIL_DOMAIN}"
    user = User(
        username=username, display_name=display, email=email,
        password_hash=UNUSABLE_PASSWORD, organisation="", organisation_type="",
        region_code="", role=Role.MEMBER, status=AccountStatus.PENDING,
    )
    db.session.add(user)
    return user


def _username_base(raw: str) -> str:
    """Lower-case ASCII letters, digits, dots, hyphens: e.g. "Niccolò D'Amico" ->
    "niccolo.damico"; "utente" when nothing usable is left."""
    ascii_text = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[\s]+", ".", ascii_text)
    base = re.sub(r"[^a-z0-9._-]", "", base)
    base = re.sub(r"[._-]{2,}", ".", base).strip("._-")[:28].rstrip("._-")
    return base if len(base) >= 3 else "utente"


def _free_username(base: str) -> str:
    """`base`, or `base2`, `base3`... the first one nobody has (read in the write lock)."""
    taken = set(db.session.scalars(select(User.username).where(
        User.username.like(f"{base}%"))))
    if base not in taken:
        return base
    number = 2
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"
