"""Invitations to a group: to a member by username or e-mail, or to an address not yet
registered (the e-mail's link leads through the normal sign-up, then back here).

The link carries a random token; only its SHA-256 is stored with the invitation. A
member's invitation also reaches them as a notification whose link holds the token, but
that token only works for their own account.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from forum.database import write_intent
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.groups.services import add_member, load_group, require_manager
from forum.mail import send_mail
from forum.models import Group, GroupInvitation, GroupRequest, User
from forum.models.base import utcnow
from forum.notifications.mailing import render_mail, site_url
from forum.notifications.services import notify
from forum.text import clean_line
from forum.users.standing import require_member

VALID_DAYS = 14


@dataclass(frozen=True)
class Sent:
    """What the facilitator is told: whom the invitation went to."""

    invitation: GroupInvitation
    shown_as: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _target(raw: str) -> tuple[User | None, str]:
    """(member, "") for a username or a registered address; (None, address) otherwise."""
    text = clean_line(raw)[:254]
    if not text:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={"target": [
            _("Scrivi il nome utente di un membro o un indirizzo e-mail.")]})
    if "@" in text:
        try:
            address = validate_email(text, check_deliverability=False).normalized
        except EmailNotValidError:
            raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={"target": [
                _("«%(value)s» non è un indirizzo e-mail valido.", value=text[:80])]}) from None
        user = db.session.scalar(select(User).where(func.lower(User.email) == address.lower()))
        return user, ("" if user is not None else address)
    user = db.session.scalar(select(User).where(func.lower(User.username) == text.lower()))
    if user is None:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={"target": [
            _("Nessun membro ha il nome utente «%(value)s». Per invitare chi non è ancora "
              "iscritto, scrivi il suo indirizzo e-mail.", value=text[:40])]})
    return user, ""


def invite(actor: User, group_id: int, raw_target: str) -> Sent:
    """A facilitator invites a member or an address; the invitee gets an e-mail with a
    link (and a notification, when a member)."""
    require_member(actor, _("Accedi per invitare."))
    token = secrets.token_urlsafe(32)
    with write_intent():
        group = load_group(group_id, for_update=True)
        require_manager(actor, group)
        user, address = _target(raw_target)
        if user is not None and user.is_rejected:
            raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={"target": [
                _("Questo account non è stato approvato: non può essere invitato.")]})
        if user is not None and user.id in _member_ids(group.id, [user.id]):
            raise Conflict(_("%(name)s fa già parte del tavolo.", name=user.display_name))
        if _open_invitation(group.id, user, address) is not None:
            raise Conflict(_("C'è già un invito in attesa di risposta per questa persona."))
        invitation = GroupInvitation(
            group_id=group.id, invited_by_id=actor.id,
            user_id=user.id if user is not None else None, email=address,
            token_hash=_hash(token), expires_at=utcnow() + timedelta(days=VALID_DAYS))
        db.session.add(invitation)
        db.session.flush()
        link = f"/tavoli/invito/{token}"
        if user is not None:
            notify(user.id, "group_invited", link=link, group=group.name,
                   actor=actor.display_name)
        to = user.email if user is not None else address
        language = user.language if user is not None else actor.language
        _send_invitation_mail(to, language, group, actor, link, registered=user is not None)
        db.session.commit()
    return Sent(invitation, user.display_name if user is not None else address)


def _member_ids(group_id: int, user_ids: list[int]) -> set[int]:
    from forum.models import GroupMember

    return set(db.session.scalars(select(GroupMember.user_id).where(
        GroupMember.group_id == group_id, GroupMember.user_id.in_(user_ids))))


def _open_invitation(group_id: int, user: User | None, address: str) -> GroupInvitation | None:
    stmt = select(GroupInvitation).where(
        GroupInvitation.group_id == group_id, GroupInvitation.accepted_at.is_(None),
        GroupInvitation.declined_at.is_(None), GroupInvitation.expires_at > utcnow())
    if user is not None:
        stmt = stmt.where(GroupInvitation.user_id == user.id)
    else:
        stmt = stmt.where(func.lower(GroupInvitation.email) == address.lower())
    return db.session.scalars(stmt.limit(1)).first()


def _send_invitation_mail(to: str, language: str, group: Group, actor: User, link: str,
                          *, registered: bool) -> None:
    context = {"group": group, "actor": actor, "link": site_url(link),
               "registered": registered, "lang": language, "days": VALID_DAYS,
               "register": site_url(f"/registrati?next={link}")}
    text, html = render_mail("group_invitation", language, **context)
    with force_locale(language):
        subject = _("Officina: %(actor)s ti invita al tavolo «%(group)s»",
                    actor=actor.display_name, group=group.name)
    send_mail(to, subject[:200], text, html=html)


def invitation_by_token(token: str) -> GroupInvitation:
    """The invitation a link carries (with its group and inviter); a forged or mangled
    token is a 404 that says so, and reveals nothing of any group."""
    if not token or len(token) > 200:
        raise NotFound(_("Invito non valido: controlla di aver copiato tutto il link."))
    invitation = db.session.scalar(
        select(GroupInvitation).where(GroupInvitation.token_hash == _hash(token))
        .options(joinedload(GroupInvitation.group), joinedload(GroupInvitation.invited_by)))
    if invitation is None:
        raise NotFound(_("Invito non valido: controlla di aver copiato tutto il link."))
    return invitation


def _usable(invitation: GroupInvitation, user: User) -> None:
    if invitation.accepted_at is not None:
        raise Conflict(_("Questo invito è già stato accettato."))
    if invitation.declined_at is not None:
        raise Conflict(_("Questo invito è stato rifiutato."))
    if invitation.expires_at <= utcnow():
        raise Conflict(_("Questo invito è scaduto: chiedi ai facilitatori di inviarne un "
                         "altro."))
    if invitation.user_id is not None and invitation.user_id != user.id:
        raise NotAllowed(_("Questo invito è per un altro account: accedi con l'account "
                           "invitato."))


def accept_invitation(actor: User, token: str) -> Group:
    """Join the group the invitation is for (once: a second click changes nothing)."""
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("Accedi o registrati per accettare l'invito."))
    if actor.is_rejected:
        raise NotAllowed(_("Il tuo account non è stato approvato: non puoi accettare "
                           "l'invito."))
    with write_intent():
        found = invitation_by_token(token)
        invitation = db.session.execute(select(GroupInvitation).where(
            GroupInvitation.id == found.id).with_for_update()).scalar_one()
        _usable(invitation, actor)
        group = load_group(invitation.group_id, for_update=True)
        add_member(group, actor)
        invitation.accepted_at = utcnow()
        invitation.user_id = actor.id
        db.session.execute(delete(GroupRequest).where(
            GroupRequest.group_id == group.id, GroupRequest.user_id == actor.id))
        db.session.commit()
    return group


def decline_invitation(actor: User, token: str) -> GroupInvitation:
    """Say no; the facilitators may invite again later."""
    with write_intent():
        invitation = invitation_by_token(token)
        _usable(invitation, actor)
        invitation.declined_at = utcnow()
        db.session.commit()
    return invitation


def pending_invitations(group: Group) -> list[GroupInvitation]:
    """Invitations still waiting for an answer, newest first (the members page)."""
    return list(db.session.scalars(
        select(GroupInvitation).where(
            GroupInvitation.group_id == group.id, GroupInvitation.accepted_at.is_(None),
            GroupInvitation.declined_at.is_(None), GroupInvitation.expires_at > utcnow())
        .options(joinedload(GroupInvitation.invited_by))
        .order_by(GroupInvitation.created_at.desc())))


def revoke_invitation(actor: User, group_id: int, invitation_id: int) -> None:
    """A facilitator withdraws an invitation not yet answered."""
    with write_intent():
        group = load_group(group_id, for_update=True)
        require_manager(actor, group)
        deleted = db.session.execute(delete(GroupInvitation).where(
            GroupInvitation.id == invitation_id, GroupInvitation.group_id == group.id,
            GroupInvitation.accepted_at.is_(None)))
        if not getattr(deleted, "rowcount", 0):
            raise NotFound(_("Invito non trovato."))
        db.session.commit()
