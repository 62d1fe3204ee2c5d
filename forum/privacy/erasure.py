"""Erasure of an account at the end of its grace period (GDPR art. 17).

Everything that identifies the person goes, in one transaction: a crash between two steps
leaves the account as it was, and the next `flask privacy purge` starts again. What they
wrote (questions, answers, comments, messages, votes) stays, signed "utente rimosso"; the
moderation audit log is append-only evidence and is kept as it is (it refers to members by
id; GDPR art. 17(3)(b) and (e)), and notifications others received name them no more. Export files
are deleted after the commit (a rolled-back erasure must not have lost them).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import String, cast, delete, or_, select, update
from sqlalchemy.orm import Session

import forum.models as models
from forum.models import (
    ApiToken,
    Avatar,
    Block,
    Certificate,
    DigestSent,
    Draft,
    Expertise,
    ExternalIdentity,
    Follow,
    GroupInvitation,
    GroupMember,
    GroupRequest,
    Job,
    JobStatus,
    MailPreference,
    NewsletterDelivery,
    Notification,
    PathEnrolment,
    PrivacyRequest,
    ProfileField,
    Registration,
    RequestKind,
    RequestStatus,
    RoutingOffer,
    User,
    Visibility,
)
from forum.models.base import utcnow
from forum.taxonomy import N_

# What the erased account is called wherever its contributions are shown (stored in
# Italian, the site's language, like theme names).
ERASED_NAME = N_("utente rimosso")
# Tables whose rows only describe the person: deleted with the account's personal data.
_PERSONAL_ROWS: tuple[tuple[Any, str], ...] = (
    (Notification, "user_id"), (MailPreference, "user_id"), (DigestSent, "user_id"),
    (Follow, "user_id"), (Expertise, "user_id"), (Avatar, "user_id"),
    (RoutingOffer, "user_id"), (GroupMember, "user_id"), (GroupRequest, "user_id"),
    (GroupInvitation, "user_id"), (NewsletterDelivery, "user_id"),
    (PathEnrolment, "user_id"), (Certificate, "user_id"), (Draft, "user_id"),
    (Block, "blocker_id"), (Block, "blocked_id"),
    # the link to a public servant's digital identity: the next SPID/CIE log-in must not
    # find the erased account again
    (ExternalIdentity, "user_id"),
)
_MIN_SCRUB = 4  # shorter names would be replaced inside unrelated words


def identifiers(user: User) -> list[str]:
    """The strings that name the person (what must not remain anywhere)."""
    values = {user.username, user.email, user.display_name, user.contact_email,
              user.contact_phone}
    return sorted((v for v in values if v and len(v) >= _MIN_SCRUB), key=len, reverse=True)


def _scrub(value: Any, names: Iterable[str]) -> Any:
    """The JSON value with every name replaced by "utente rimosso"."""
    if isinstance(value, str):
        for name in names:
            value = value.replace(name, ERASED_NAME)
        return value
    if isinstance(value, list):
        return [_scrub(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, names) for k, v in value.items()}
    return value


def _mentions(column: Any, names: list[str]) -> Any:
    """Rows whose JSON text holds a name, as typed or as JSON escapes it ("Niccol\\u00f2")."""
    text = cast(column, String)
    forms = {form for name in names for form in (name, json.dumps(name)[1:-1])}
    return or_(*(text.contains(form, autoescape=True) for form in sorted(forms)))


def _scrub_json(session: Session, model: Any, column: str, names: list[str]) -> None:
    """Replace the names inside one JSON column, on the rows that contain them."""
    attr = getattr(model, column)
    for row in session.scalars(select(model).where(_mentions(attr, names))):
        setattr(row, column, _scrub(getattr(row, column), names))


def _erase_jobs(session: Session, user: User, names: list[str]) -> None:
    """Finished jobs naming the person go; waiting mail to their address goes too."""
    session.execute(delete(Job).where(
        Job.status.in_((JobStatus.DONE, JobStatus.FAILED)), _mentions(Job.args, names)))
    session.execute(delete(Job).where(
        Job.status == JobStatus.PENDING, Job.task == "mail.send",
        _mentions(Job.args, [user.email])))


def _erase_profile(user: User) -> None:
    user.username = f"rimosso-{secrets.token_hex(6)}"
    user.display_name = ERASED_NAME
    user.email = f"rimosso-{secrets.token_hex(8)}@rimosso.invalid"
    user.password_hash = "!" + secrets.token_hex(16)  # matches no password
    user.session_version += 1  # every session and remembered device ends
    for column in ("organisation", "organisation_type", "region_code", "bio",
                   "level_of_government", "province_code", "job_title", "competences",
                   "languages", "contact_email", "contact_phone", "suspension_reason",
                   "moderated_theme_ids"):
        setattr(user, column, "")
    user.organisation_id = None
    user.open_to_contact = False
    user.avatar_version = 0
    user.calendar_token = None
    user.newsletter_opt_in = False
    user.is_organiser = False
    user.role = models.Role.MEMBER
    user.email_bounced_at = None
    user.language = "it"
    for field in ProfileField:
        setattr(user, f"vis_{field.value}", Visibility.HIDDEN)
    user.deletion_due_at = None
    user.erased_at = utcnow()


def erase_user(session: Session, user: User) -> list[str]:
    """Erase one account in the caller's transaction; returns the archives to delete once it
    commits. Running it again on an erased account changes nothing that matters."""
    names = identifiers(user)
    for model, column in _PERSONAL_ROWS:
        session.execute(delete(model).where(getattr(model, column) == user.id))
    session.execute(update(Registration).where(Registration.user_id == user.id).values(
        organisation="", job_title="", accessibility_needs=""))
    # no script may act for the erased account any more
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    for note in session.scalars(select(Notification).where(Notification.actor_id == user.id)):
        if "actor" in (note.params or {}):
            note.params = {**note.params, "actor": ERASED_NAME}
    if names:
        _scrub_json(session, Notification, "params", names)
        _erase_jobs(session, user, names)
    files = []
    for request in session.scalars(select(PrivacyRequest).where(
            PrivacyRequest.user_id == user.id, PrivacyRequest.kind == RequestKind.EXPORT,
            PrivacyRequest.file_path.is_not(None))):
        files.append(request.file_path or "")
        request.file_path = None
        if request.status in (RequestStatus.PENDING, RequestStatus.READY):
            request.status = RequestStatus.EXPIRED
    _erase_profile(user)
    return files
