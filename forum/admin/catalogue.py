"""The lists the admin curates: policy themes and the administrations offered at sign-up."""

from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _
from sqlalchemy import func, select

from forum import permissions
from forum.database import commit_or_conflict, write_intent
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.models import Organisation, Theme, User
from forum.moderation.audit import record_action
from forum.taxonomy import ORGANISATION_TYPES, REGIONS
from forum.text import clean_line, clean_text

THEME_NAME_MAX = 120
THEME_DESCRIPTION_MAX = 2_000
POSITION_MAX = 9_999
SLUG_MAX = 60


def _require_admin(actor: User) -> None:
    if not permissions.is_admin(actor):
        raise NotAllowed(_("Solo gli amministratori gestiscono temi ed enti."))


def slug_for(name: str) -> str:
    """ASCII, lower-case, hyphenated slug of a theme name (accents folded)."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_MAX - 4].rstrip("-") or "tema"


def _unique_theme_slug(name: str) -> str:
    base = slug_for(name)
    taken = set(db.session.execute(
        select(Theme.slug).where(Theme.slug.like(f"{base}%"))
    ).scalars())
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _theme_fields(name: str, description: str, position: int | None) -> tuple[str, str, int]:
    name, description = clean_line(name), clean_text(description)
    errors: dict[str, list[str]] = {}
    if not 2 <= len(name) <= THEME_NAME_MAX:
        errors["name"] = [_("Il nome deve avere da 2 a %(n)d caratteri.", n=THEME_NAME_MAX)]
    if len(description) > THEME_DESCRIPTION_MAX:
        errors["description"] = [_(
            "La descrizione può avere al massimo %(n)d caratteri.", n=THEME_DESCRIPTION_MAX)]
    if position is not None and not 0 <= position <= POSITION_MAX:
        errors["position"] = [_("La posizione va da 0 a %(n)d.", n=POSITION_MAX)]
    if errors:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
    if position is None:
        position = (db.session.scalar(select(func.max(Theme.position))) or 0) + 1
    return name, description, position


def _refuse_duplicate_name(name: str, exclude_id: int | None = None) -> None:
    stmt = select(Theme.id).where(func.lower(Theme.name) == name.lower())
    if exclude_id is not None:
        stmt = stmt.where(Theme.id != exclude_id)
    if db.session.execute(stmt).first() is not None:
        raise Conflict(_("Controlla i campi evidenziati."),
                       field_errors={"name": [_("Esiste già un tema con questo nome.")]})


def create_theme(
    actor: User, *, name: str, description: str = "", position: int | None = None
) -> Theme:
    """Add a theme; its slug (the URL key) comes from the name and never clashes."""
    _require_admin(actor)
    with write_intent():
        name, description, position = _theme_fields(name, description, position)
        _refuse_duplicate_name(name)
        theme = Theme(slug=_unique_theme_slug(name), name=name, description=description,
                      position=position)
        db.session.add(theme)
        db.session.flush()
        record_action(actor, "create_theme", "theme", theme.id, slug=theme.slug, name=name)
        commit_or_conflict(_("Esiste già un tema con questo indirizzo: riprova."))
    return theme


def _theme(theme_id: int) -> Theme:
    theme = db.session.get(Theme, theme_id)
    if theme is None:
        raise NotFound(_("Tema non trovato."))
    return theme


def update_theme(
    actor: User, theme_id: int, *, name: str, description: str, position: int | None
) -> Theme:
    """Rename, describe or reorder a theme; the slug stays, so links keep working."""
    _require_admin(actor)
    with write_intent():
        theme = _theme(theme_id)
        name, description, position = _theme_fields(
            name, description, theme.position if position is None else position)
        _refuse_duplicate_name(name, exclude_id=theme.id)
        changes = {
            field: {"from": getattr(theme, field), "to": value}
            for field, value in (("name", name), ("description", description),
                                 ("position", position))
            if getattr(theme, field) != value
        }
        if not changes:
            return theme
        theme.name, theme.description, theme.position = name, description, position
        record_action(actor, "update_theme", "theme", theme.id, changes=changes)
        db.session.commit()
    return theme


def set_theme_archived(actor: User, theme_id: int, archived: bool) -> Theme:
    """Archive (no new questions, out of the menus; threads stay) or bring a theme back."""
    _require_admin(actor)
    with write_intent():
        theme = _theme(theme_id)
        if theme.is_archived == archived:
            return theme
        theme.is_archived = archived
        record_action(actor, "archive_theme" if archived else "unarchive_theme", "theme",
                      theme.id, slug=theme.slug)
        db.session.commit()
    return theme


def create_organisation(
    actor: User, *, name: str, organisation_type: str, region_code: str
) -> Organisation:
    """Add an administration to the list suggested at registration; names are unique."""
    _require_admin(actor)
    name = clean_line(name)
    errors: dict[str, list[str]] = {}
    if not 2 <= len(name) <= 200:
        errors["name"] = [_("Il nome dell'ente deve avere da 2 a 200 caratteri.")]
    if organisation_type not in ORGANISATION_TYPES:
        errors["organisation_type"] = [_("Tipo di ente non valido.")]
    if region_code not in REGIONS:
        errors["region_code"] = [_("Regione non valida.")]
    if errors:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
    duplicate = _("Controlla i campi evidenziati.")
    duplicate_errors = {"name": [_("Questo ente è già nell'elenco.")]}
    with write_intent():
        if db.session.execute(select(Organisation.id).where(
            func.lower(Organisation.name) == name.lower()
        )).first() is not None:
            raise Conflict(duplicate, field_errors=duplicate_errors)
        organisation = Organisation(name=name, organisation_type=organisation_type,
                                    region_code=region_code)
        db.session.add(organisation)
        db.session.flush()
        record_action(actor, "create_organisation", "organisation", organisation.id,
                      name=name, organisation_type=organisation_type, region_code=region_code)
        commit_or_conflict(_("Questo ente è già nell'elenco."))
    return organisation


def set_organisation_archived(actor: User, organisation_id: int, archived: bool) -> Organisation:
    """Take an administration off the suggestions (or put it back); accounts are untouched."""
    _require_admin(actor)
    with write_intent():
        organisation = db.session.get(Organisation, organisation_id)
        if organisation is None:
            raise NotFound(_("Ente non trovato."))
        if organisation.is_archived == archived:
            return organisation
        organisation.is_archived = archived
        record_action(actor, "archive_organisation" if archived else "unarchive_organisation",
                      "organisation", organisation.id, name=organisation.name)
        db.session.commit()
    return organisation
