"""Following: set a level by hand, follow automatically when taking part, read levels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, select, update

from forum import permissions
from forum.database import upsert_insert, write_intent
from forum.errors import InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.models import (
    LEVEL_RANK,
    Follow,
    FollowTarget,
    Group,
    Level,
    Organisation,
    Practice,
    Question,
    Tag,
    Theme,
    User,
)
from forum.models.base import utcnow


@dataclass(frozen=True)
class Target:
    """What a follow points at, with the words and the address the pages show."""

    kind: FollowTarget
    id: int
    label: str
    url: str


_MODELS: dict[FollowTarget, type[Question] | type[Theme] | type[Tag] | type[Practice] | type[User]
              | type[Organisation] | type[Group]]
_MODELS = {FollowTarget.QUESTION: Question, FollowTarget.THEME: Theme, FollowTarget.TAG: Tag,
           FollowTarget.PRACTICE: Practice, FollowTarget.MEMBER: User,
           FollowTarget.ORGANISATION: Organisation, FollowTarget.GROUP: Group}


def _visible(viewer: User | None, obj: object) -> bool:
    if isinstance(obj, Question):
        return permissions.can_view_question(viewer, obj)
    if isinstance(obj, Practice):
        return permissions.can_view_practice(viewer, obj)
    if isinstance(obj, User):
        return permissions.can_view_profile(viewer, obj)
    if isinstance(obj, Group):  # a group's news are for its members
        return permissions.is_group_member(viewer, obj)
    return True


def _describe(kind: FollowTarget, obj: object) -> Target:
    if isinstance(obj, Question):
        return Target(kind, obj.id, obj.title, f"/domande/{obj.id}")
    if isinstance(obj, Theme):
        return Target(kind, obj.id, obj.name, f"/temi/{obj.slug}")
    if isinstance(obj, Tag):
        return Target(kind, obj.id, obj.name, f"/domande?tag={obj.name}")
    if isinstance(obj, Practice):
        return Target(kind, obj.id, obj.title, f"/buone-pratiche/{obj.slug}")
    if isinstance(obj, Organisation):
        return Target(kind, obj.id, obj.name, f"/enti/{obj.slug}")
    if isinstance(obj, Group):
        return Target(kind, obj.id, obj.name, f"/tavoli/{obj.slug}")
    assert isinstance(obj, User)
    return Target(kind, obj.id, obj.display_name, f"/utenti/{obj.username}")


def _load_target(viewer: User | None, kind: FollowTarget, target_id: int) -> Target:
    """The target if it exists and the viewer may see it; NotFound otherwise."""
    model = _MODELS.get(kind)
    obj = db.session.get(model, target_id) if model is not None else None
    if obj is None or not _visible(viewer, obj):
        raise NotFound(_("Contenuto non trovato."))
    return _describe(kind, obj)


def parse_target(raw_kind: str, raw_id: str | int) -> tuple[FollowTarget, int]:
    """A target kind and id from a form; 404 for anything else."""
    try:
        kind = FollowTarget(raw_kind)
        target_id = int(raw_id)
    except (TypeError, ValueError):
        raise NotFound(_("Contenuto non trovato.")) from None
    if not 0 < target_id < 2**31:
        raise NotFound(_("Contenuto non trovato."))
    return kind, target_id


def resolve_target(raw_kind: str, key: str) -> tuple[FollowTarget, int]:
    """A target named as in the API's addresses: its id, or its slug (themes, practices,
    organisations, groups), name (tags) or username (members); NotFound otherwise.
    Visibility is checked by `set_level` and `level_of`'s callers, as for the forms."""
    if key.isascii() and key.isdigit():
        return parse_target(raw_kind, key)
    try:
        kind = FollowTarget(raw_kind)
    except ValueError:
        raise NotFound(_("Contenuto non trovato.")) from None
    columns: dict[FollowTarget, Any] = {
        FollowTarget.THEME: Theme.slug, FollowTarget.TAG: Tag.name,
        FollowTarget.PRACTICE: Practice.slug, FollowTarget.MEMBER: User.username,
        FollowTarget.ORGANISATION: Organisation.slug, FollowTarget.GROUP: Group.slug}
    column = columns.get(kind)
    found = (db.session.scalar(select(column.class_.id).where(column == key[:200]))
             if column is not None else None)
    if found is None:
        raise NotFound(_("Contenuto non trovato."))
    return kind, int(found)


def describe_target(viewer: User, kind: FollowTarget, target_id: int) -> Target:
    """The target with its label and address, if the viewer may see it (else NotFound)."""
    return _load_target(viewer, kind, target_id)


def set_level(user: User, kind: FollowTarget, target_id: int, level: str) -> Target:
    """The member chooses their level on a target; automatic follows will not change it."""
    if not permissions.can_follow(user):
        raise NotAllowed(_("Accedi per seguire i contenuti."))
    try:
        chosen = Level(level)
    except ValueError:
        raise InvalidInput(_("Scegli un livello di notifica dall'elenco."),
                           field_errors={"livello": [_("Livello non valido.")]}) from None
    with write_intent():
        target = _load_target(user, kind, target_id)
        _upsert(user.id, kind, target_id, chosen, chosen=True)
        db.session.commit()
    return target


def auto_follow(user_id: int, kind: FollowTarget, target_id: int, level: Level) -> None:
    """Follow at `level` in the caller's transaction, never lowering a level and never
    changing one the member chose (asking watches a thread, answering tracks it)."""
    _upsert(user_id, kind, target_id, level, chosen=False)


def _upsert(user_id: int, kind: FollowTarget, target_id: int, level: Level, *,
            chosen: bool) -> None:
    """INSERT ... ON CONFLICT, then a conditional UPDATE: safe when two requests of one
    member follow the same target at once."""
    insert = upsert_insert(db.session())
    now = utcnow()
    db.session.execute(insert(Follow).values(
        user_id=user_id, target_type=kind, target_id=target_id, level=level, chosen=chosen,
        created_at=now, updated_at=now,
    ).on_conflict_do_nothing(index_elements=["user_id", "target_type", "target_id"]))
    where = and_(Follow.user_id == user_id, Follow.target_type == kind,
                 Follow.target_id == target_id)
    if not chosen:
        lower = [name for name, rank in LEVEL_RANK.items() if rank < LEVEL_RANK[level]]
        where = and_(where, Follow.chosen.is_(False), Follow.level.in_(lower))
    db.session.execute(update(Follow).where(where).values(
        level=level, chosen=chosen, updated_at=now).execution_options(synchronize_session=False))


def tag_target(name: str) -> Target | None:
    """The tag of that name, to follow from the filtered question list; None if unknown."""
    tag = db.session.scalar(select(Tag).where(Tag.name == name))
    return _describe(FollowTarget.TAG, tag) if tag is not None else None


def level_of(user: User | None, kind: FollowTarget, target_id: int) -> Level:
    """The member's level on a target (normal when they never followed it)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Level.NORMAL
    level = db.session.scalar(select(Follow.level).where(
        Follow.user_id == user.id, Follow.target_type == kind, Follow.target_id == target_id))
    return Level(level) if level else Level.NORMAL


def my_follows(user: User) -> list[tuple[Follow, Target]]:
    """What the member follows at any level but normal, with labels (settings page)."""
    rows = db.session.scalars(select(Follow).where(
        Follow.user_id == user.id, Follow.level != Level.NORMAL)
        .order_by(Follow.target_type, Follow.updated_at.desc())).all()
    loaded = _labels(user, rows)
    return [(row, loaded[(row.target_type, row.target_id)]) for row in rows
            if (row.target_type, row.target_id) in loaded]


def _labels(viewer: User, rows: Sequence[Follow]) -> dict[tuple[str, int], Target]:
    """Labels for many follows in one query per kind (no N+1)."""
    ids: dict[FollowTarget, list[int]] = {}
    for row in rows:
        ids.setdefault(FollowTarget(row.target_type), []).append(row.target_id)
    found: dict[tuple[str, int], Target] = {}
    for kind, wanted in ids.items():
        model: Any = _MODELS.get(kind)
        if model is None:
            continue
        for obj in db.session.scalars(select(model).where(model.id.in_(wanted))):
            if _visible(viewer, obj):
                found[(kind, obj.id)] = _describe(kind, obj)
    return found
