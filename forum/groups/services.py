"""Working groups: opening and editing a group, joining, requests, leaving, roles.

Every change of membership runs in one write transaction that re-reads the rows it
depends on, so two facilitators acting at once cannot leave a group without one, and a
double-clicked "Partecipa" leaves one membership.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from forum import permissions
from forum.database import upsert_insert, write_intent
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.markup import render_markdown
from forum.models import (
    Follow,
    FollowTarget,
    Group,
    GroupKind,
    GroupMember,
    GroupRequest,
    GroupRole,
    Level,
    Theme,
    User,
)
from forum.models.base import utcnow
from forum.notifications.follows import auto_follow
from forum.notifications.services import notify
from forum.taxonomy import ORGANISATION_TYPES, REGIONS
from forum.text import clean_line, clean_text, slugify
from forum.users.standing import require_member

NAME_MIN, NAME_MAX = 5, 120
DESCRIPTION_MAX = 5_000
MESSAGE_MAX = 1_000
MAX_THEMES = 5


@dataclass(frozen=True)
class GroupFields:
    """What a facilitator sets on a group (from the form, checked by `_checked`)."""

    name: str
    description: str = ""
    kind: str = GroupKind.OPEN
    listed: bool = True
    region: str = ""
    audience: tuple[str, ...] = ()
    theme_ids: tuple[int, ...] = ()


def group_link(group: Group) -> str:
    """The group's address, also outside a request (notifications, e-mail)."""
    return f"/tavoli/{group.slug}"


def _checked(fields: GroupFields) -> tuple[GroupFields, dict[str, list[str]]]:
    name = clean_line(fields.name)
    description = clean_text(fields.description)
    errors: dict[str, list[str]] = {}
    if not NAME_MIN <= len(name) <= NAME_MAX:
        errors["name"] = [_("Il nome deve avere da %(min)d a %(max)d caratteri.",
                            min=NAME_MIN, max=NAME_MAX)]
    elif not slugify(name, 120):
        errors["name"] = [_("Il nome deve contenere almeno una lettera o una cifra.")]
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = [_("La descrizione può avere al massimo %(n)d caratteri.",
                                   n=DESCRIPTION_MAX)]
    if fields.kind not in set(GroupKind):
        errors["kind"] = [_("Scegli il tipo di tavolo dall'elenco.")]
    if fields.region and fields.region not in REGIONS:
        errors["region"] = [_("Scegli una regione dall'elenco.")]
    if any(t not in ORGANISATION_TYPES for t in fields.audience):
        errors["audience"] = [_("Scegli i tipi di ente dall'elenco.")]
    if len(set(fields.theme_ids)) > MAX_THEMES:
        errors["themes"] = [_("Al massimo %(n)d temi.", n=MAX_THEMES)]
    clean = GroupFields(name, description, fields.kind,
                        fields.listed or fields.kind != GroupKind.PRIVATE, fields.region,
                        tuple(dict.fromkeys(fields.audience)),
                        tuple(dict.fromkeys(fields.theme_ids)))
    return clean, errors


def _themes(ids: tuple[int, ...], errors: dict[str, list[str]]) -> list[Theme]:
    if not ids:
        return []
    if any(not 0 < i < 2**31 for i in ids):
        errors["themes"] = [_("Scegli i temi dall'elenco.")]
        return []
    themes = list(db.session.scalars(select(Theme).where(Theme.id.in_(ids))))
    if len(themes) != len(ids):
        errors["themes"] = [_("Scegli i temi dall'elenco.")]
    return themes


def _unique_slug(name: str, group_id: int | None = None) -> str:
    base = slugify(name, 120) or "tavolo"
    taken = set(db.session.scalars(select(Group.slug).where(
        Group.slug.like(f"{base}%"), Group.id != (group_id or 0))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _name_taken(name: str, group_id: int | None = None) -> bool:
    return db.session.scalar(select(Group.id).where(
        func.lower(Group.name) == name.lower(), Group.id != (group_id or 0))) is not None


def create_group(actor: User, fields: GroupFields) -> Group:
    """Open a group; its creator is its first facilitator and watches it."""
    require_member(actor, _("Accedi per aprire un tavolo di lavoro."))
    fields, errors = _checked(fields)
    html = "" if errors else render_markdown(fields.description)
    with write_intent():
        themes = _themes(fields.theme_ids, errors)
        if not errors and _name_taken(fields.name):
            errors["name"] = [_("Esiste già un tavolo con questo nome.")]
        if errors:
            raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
        group = Group(name=fields.name, slug=_unique_slug(fields.name),
                      description=fields.description, description_html=html,
                      kind=fields.kind, listed=fields.listed, region_code=fields.region,
                      audience=",".join(fields.audience), created_by_id=actor.id,
                      themes=themes, member_count=1)
        db.session.add(group)
        db.session.flush()
        db.session.add(GroupMember(group_id=group.id, user_id=actor.id,
                                   role=GroupRole.FACILITATOR))
        auto_follow(actor.id, FollowTarget.GROUP, group.id, Level.WATCHING)
        permissions.forget_group_roles()
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
                "name": [_("Esiste già un tavolo con questo nome.")]}) from None
    return group


def load_group(group_id: int, *, for_update: bool = False) -> Group:
    """A group by id with its themes (row-locked when asked), NotFound otherwise."""
    stmt = select(Group).where(Group.id == group_id).options(selectinload(Group.themes))
    if for_update:
        stmt = stmt.with_for_update()
    group = db.session.execute(stmt).scalar_one_or_none()
    if group is None:
        raise NotFound(_("Tavolo non trovato."))
    return group


def require_manager(actor: User, group: Group) -> None:
    if not permissions.can_see_group(actor, group):
        raise NotFound(_("Tavolo non trovato."))
    if not permissions.can_manage_group(actor, group):
        require_member(actor, _("Accedi per gestire il tavolo."))
        raise NotAllowed(_("Solo i facilitatori del tavolo possono farlo."))


def update_group(actor: User, group_id: int, fields: GroupFields) -> Group:
    """Change a group's settings; turning it private takes effect on the next request
    (who reads what is decided from the kind at query time)."""
    fields, errors = _checked(fields)
    html = "" if errors else render_markdown(fields.description)
    with write_intent():
        group = load_group(group_id, for_update=True)
        require_manager(actor, group)
        themes = _themes(fields.theme_ids, errors)
        if not errors and _name_taken(fields.name, group.id):
            errors["name"] = [_("Esiste già un tavolo con questo nome.")]
        if errors:
            raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
        if fields.name != group.name:
            group.slug = _unique_slug(fields.name, group.id)
        group.name = fields.name
        group.description, group.description_html = fields.description, html
        group.kind, group.listed = fields.kind, fields.listed
        group.region_code, group.audience = fields.region, ",".join(fields.audience)
        group.themes = themes
        group.updated_at = utcnow()
        if fields.kind != GroupKind.ON_REQUEST:
            _drop_requests(group, approve=fields.kind == GroupKind.OPEN)
        db.session.commit()
    return group


def _drop_requests(group: Group, *, approve: bool) -> None:
    """Pending requests end when the group stops taking them: an open group takes the
    requesters in, a private one turns them down."""
    pending = list(db.session.scalars(select(GroupRequest).where(
        GroupRequest.group_id == group.id)))
    for request in pending:
        if approve:
            _add_member(group, request.user_id)
            notify(request.user_id, "group_request_approved", link=group_link(group),
                   group=group.name)
        db.session.delete(request)


def _add_member(group: Group, user_id: int, role: GroupRole = GroupRole.MEMBER) -> bool:
    """Insert the membership unless it exists (concurrent joins make one row); watch the
    group. Returns whether a row was added."""
    insert = upsert_insert(db.session())
    added = db.session.execute(insert(GroupMember).values(
        group_id=group.id, user_id=user_id, role=str(role), joined_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["group_id", "user_id"])
        .returning(GroupMember.id)).first() is not None  # rowcount is -1 on PostgreSQL
    permissions.forget_group_roles()
    if added:
        db.session.execute(update(Group).where(Group.id == group.id)
                           .values(member_count=Group.member_count + 1))
        auto_follow(user_id, FollowTarget.GROUP, group.id, Level.WATCHING)
    return added


def _visible_or_404(actor: User, group: Group) -> None:
    if not permissions.can_see_group(actor, group):
        raise NotFound(_("Tavolo non trovato."))


def join_group(actor: User, group_id: int) -> Group:
    """Join an open group (a second click changes nothing)."""
    require_member(actor, _("Accedi per partecipare al tavolo."))
    with write_intent():
        group = load_group(group_id, for_update=True)
        _visible_or_404(actor, group)
        if permissions.is_group_member(actor, group):
            return group
        if group.kind == GroupKind.ON_REQUEST:
            raise Conflict(_("Questo tavolo accoglie nuovi membri su richiesta: invia una "
                             "richiesta ai facilitatori."))
        if group.kind == GroupKind.PRIVATE:
            raise NotAllowed(_("Questo tavolo è riservato: si entra solo su invito dei "
                               "facilitatori."))
        _add_member(group, actor.id)
        db.session.commit()
    return group


def request_to_join(actor: User, group_id: int, message: str = "") -> GroupRequest | None:
    """Ask the facilitators of a group on request; they are notified once per request."""
    require_member(actor, _("Accedi per chiedere di partecipare."))
    message = clean_text(message)
    if len(message) > MESSAGE_MAX:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={"message": [
            _("Il messaggio può avere al massimo %(n)d caratteri.", n=MESSAGE_MAX)]})
    with write_intent():
        group = load_group(group_id, for_update=True)
        _visible_or_404(actor, group)
        if permissions.is_group_member(actor, group):
            raise Conflict(_("Fai già parte di questo tavolo."))
        if group.kind == GroupKind.PRIVATE:
            raise NotAllowed(_("Questo tavolo è riservato: si entra solo su invito dei "
                               "facilitatori."))
        if group.kind == GroupKind.OPEN:
            raise Conflict(_("Questo tavolo è aperto: puoi partecipare direttamente."))
        insert = upsert_insert(db.session())
        inserted = db.session.execute(insert(GroupRequest).values(
            group_id=group.id, user_id=actor.id, message=message, created_at=utcnow(),
        ).on_conflict_do_nothing(index_elements=["group_id", "user_id"])
            .returning(GroupRequest.id)).first()
        if inserted is None:
            raise Conflict(_("Hai già chiesto di partecipare: i facilitatori risponderanno "
                             "presto."))
        for facilitator_id in _facilitator_ids(group.id):
            notify(facilitator_id, "group_request", link=group_link(group) + "/membri",
                   group=group.name, actor=actor.display_name)
        db.session.commit()
    return db.session.scalar(select(GroupRequest).where(
        GroupRequest.group_id == group_id, GroupRequest.user_id == actor.id))


def withdraw_request(actor: User, group_id: int) -> None:
    """The requester changes their mind."""
    with write_intent():
        db.session.execute(delete(GroupRequest).where(
            GroupRequest.group_id == group_id, GroupRequest.user_id == actor.id))
        db.session.commit()


def _facilitator_ids(group_id: int) -> list[int]:
    return list(db.session.scalars(select(GroupMember.user_id).where(
        GroupMember.group_id == group_id, GroupMember.role == GroupRole.FACILITATOR)))


def decide_request(actor: User, group_id: int, request_id: int, *, approve: bool) -> None:
    """A facilitator approves (the requester becomes a member) or refuses a request."""
    with write_intent():
        group = load_group(group_id, for_update=True)
        require_manager(actor, group)
        request = db.session.get(GroupRequest, request_id)
        if request is None or request.group_id != group.id:
            raise NotFound(_("Richiesta non trovata: forse un altro facilitatore l'ha già "
                             "gestita."))
        if approve:
            _add_member(group, request.user_id)
        notify(request.user_id,
               "group_request_approved" if approve else "group_request_refused",
               link=group_link(group), group=group.name)
        db.session.delete(request)
        db.session.commit()


def _membership(group_id: int, user_id: int) -> GroupMember | None:
    return db.session.scalar(select(GroupMember).where(
        GroupMember.group_id == group_id, GroupMember.user_id == user_id))


def _require_other_facilitator(group: Group, member: GroupMember, message: str) -> None:
    """A group always keeps a facilitator (checked under the group's row lock)."""
    if member.role != GroupRole.FACILITATOR:
        return
    others = db.session.scalar(select(func.count()).select_from(GroupMember).where(
        GroupMember.group_id == group.id, GroupMember.role == GroupRole.FACILITATOR,
        GroupMember.id != member.id))
    if not others:
        raise Conflict(message)


def _end_membership(group: Group, member: GroupMember) -> None:
    permissions.forget_group_roles()
    db.session.delete(member)
    db.session.execute(update(Group).where(Group.id == group.id)
                       .values(member_count=Group.member_count - 1))
    db.session.execute(delete(Follow).where(
        Follow.user_id == member.user_id, Follow.target_type == FollowTarget.GROUP,
        Follow.target_id == group.id))


def leave_group(actor: User, group_id: int) -> Group:
    """A member leaves; from the next request they read what a non-member reads."""
    with write_intent():
        group = load_group(group_id, for_update=True)
        member = _membership(group.id, getattr(actor, "id", 0))
        if member is None:
            raise Conflict(_("Non fai parte di questo tavolo."))
        _require_other_facilitator(group, member, _(
            "Sei l'unico facilitatore: prima di lasciare il tavolo nomina facilitatore un "
            "altro membro."))
        _end_membership(group, member)
        db.session.commit()
    return group


def _managed_member(actor: User, group_id: int, user_id: int) -> tuple[Group, GroupMember]:
    """The group (row-locked) and one of its members, for a facilitator acting on them."""
    group = load_group(group_id, for_update=True)
    require_manager(actor, group)
    member = _membership(group.id, user_id)
    if member is None:
        raise NotFound(_("Questa persona non fa parte del tavolo."))
    return group, member


def remove_member(actor: User, group_id: int, user_id: int) -> None:
    """A facilitator removes a member (never the last facilitator)."""
    with write_intent():
        group, member = _managed_member(actor, group_id, user_id)
        _require_other_facilitator(group, member, _(
            "Non puoi rimuovere l'ultimo facilitatore: il tavolo resterebbe senza chi lo "
            "gestisce. Nomina prima un altro facilitatore."))
        _end_membership(group, member)
        notify(user_id, "group_removed", link=group_link(group), group=group.name)
        db.session.commit()


def set_member_role(actor: User, group_id: int, user_id: int, role: str) -> None:
    """Make a member facilitator, or back to member (the last facilitator stays)."""
    if role not in set(GroupRole):
        raise InvalidInput(_("Ruolo non valido."))
    with write_intent():
        group, member = _managed_member(actor, group_id, user_id)
        if role == GroupRole.MEMBER:
            _require_other_facilitator(group, member, _(
                "Il tavolo deve avere almeno un facilitatore: nomina prima un altro "
                "facilitatore."))
        member.role = role
        permissions.forget_group_roles()
        db.session.commit()


def add_member(group: Group, user: User, role: GroupRole = GroupRole.MEMBER) -> bool:
    """Insert a membership inside the caller's write transaction (invitations, seed)."""
    return _add_member(group, user.id, role)
