"""Writing guidelines: create and edit the working copy, move it along the workflow,
publish a new version. One public call = one commit; the rules are the permission
predicates of `forum.permissions` and the workflow table beside the model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from forum import permissions
from forum.database import commit_or_conflict, write_intent
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.events.clock import rome_to_utc, today_in_rome
from forum.extensions import db
from forum.guidelines.legal import parse_references
from forum.guidelines.sections import render_sections
from forum.models import (
    GUIDELINE_WORKFLOW,
    Event,
    Guideline,
    GuidelineStatus,
    GuidelineVersion,
    Practice,
    PracticeStatus,
    Theme,
    User,
    guideline_events,
    guideline_practices,
)
from forum.models.base import utcnow
from forum.text import clean_line, clean_text, slugify

TITLE_MIN, TITLE_MAX, SUMMARY_MAX, BODY_MAX, NOTE_MAX = 5, 200, 600, 60_000, 1000
MAX_THEMES, MAX_LINKS = 3, 20
RESERVED_SLUGS = frozenset({"nuova"})
FIRST_NOTE = "Prima versione."


@dataclass(frozen=True)
class GuidelineFields:
    """What the form sends: raw text, checked by the service."""

    title: str
    summary: str
    body: str
    theme_ids: tuple[int, ...]
    review_by: date | None
    legal_references: str = ""
    owners: tuple[str, ...] = ()
    practice_slugs: tuple[str, ...] = ()
    event_slugs: tuple[str, ...] = ()


@dataclass
class Checked:
    """Values that passed the shape checks, the rendered body and the errors by field."""

    values: dict[str, Any]
    errors: dict[str, list[str]]
    body_html: str = ""


def _check(fields: GuidelineFields) -> Checked:
    errors: dict[str, list[str]] = {}
    title, summary, body = (clean_line(fields.title), clean_text(fields.summary),
                            clean_text(fields.body))
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        errors["title"] = [_("Il titolo deve avere da %(a)d a %(b)d caratteri.",
                             a=TITLE_MIN, b=TITLE_MAX)]
    if not 1 <= len(summary) <= SUMMARY_MAX:
        errors["summary"] = [_("La sintesi deve avere da 1 a %(n)d caratteri.", n=SUMMARY_MAX)]
    if not 1 <= len(body) <= BODY_MAX:
        errors["body"] = [_("Il testo deve avere da 1 a %(n)d caratteri.", n=BODY_MAX)]
    if not 1 <= len(set(fields.theme_ids)) <= MAX_THEMES:
        errors["themes"] = [_("Scegli da 1 a %(n)d temi.", n=MAX_THEMES)]
    if fields.review_by is None:
        errors["review_by"] = [_("Indica entro quando rivedere la linea guida.")]
    references, ref_errors = parse_references(fields.legal_references)
    if ref_errors:
        errors["legal_references"] = ref_errors
    checked = Checked({"title": title, "summary": summary, "body": body,
                       "legal_references": references, "review_by": fields.review_by}, errors)
    if "body" not in errors:
        try:
            checked.body_html = render_sections(body)  # CPU work before the write lock
        except InvalidInput as error:
            errors["body"] = [error.message]
    return checked


def _themes(ids: tuple[int, ...], errors: dict[str, list[str]]) -> list[Theme]:
    wanted = set(ids)
    if not wanted or any(not 0 < i < 2**31 for i in wanted):
        errors.setdefault("themes", [_("Scegli i temi dall'elenco.")])
        return []
    themes = list(db.session.scalars(select(Theme).where(Theme.id.in_(wanted))
                                     .order_by(Theme.position)))
    if len(themes) != len(wanted):
        errors.setdefault("themes", [_("Scegli i temi dall'elenco.")])
    return themes


def _owners(actor: User, names: tuple[str, ...], current: list[User],
            errors: dict[str, list[str]]) -> list[User]:
    """The actor (when creating) plus the people named; each must be able to write
    guidelines (moderators, the editorial board, admins)."""
    wanted = list(dict.fromkeys(n.strip().lstrip("@").lower() for n in names if n.strip()))
    if len(wanted) > MAX_LINKS:
        errors["owners"] = [_("Al massimo %(n)d responsabili.", n=MAX_LINKS)]
        return current
    found = list(db.session.scalars(select(User).where(func.lower(User.username).in_(wanted)))
                 ) if wanted else []
    missing = sorted(set(wanted) - {u.username.lower() for u in found})
    if missing:
        errors["owners"] = [_("Nomi utente sconosciuti: %(names)s.",
                              names=", ".join(m[:32] for m in missing[:5]))]
    refused = [u.username for u in found if not permissions.can_write_guidelines(u)]
    if refused:
        errors.setdefault("owners", []).append(_(
            "Possono essere responsabili solo moderatori, redazione e amministratori: "
            "%(names)s.", names=", ".join(refused[:5])))
    owners = {u.id: u for u in [*current, *found]}
    return list(owners.values())


def _slugs(raw: tuple[str, ...]) -> list[str]:
    return list(dict.fromkeys(s.strip().rstrip("/").rsplit("/", 1)[-1][:140]
                              for s in raw if s.strip()))


def _practices(raw: tuple[str, ...], errors: dict[str, list[str]]) -> list[Practice]:
    wanted = _slugs(raw)
    if len(wanted) > MAX_LINKS:
        errors["practices"] = [_("Al massimo %(n)d buone pratiche.", n=MAX_LINKS)]
        return []
    found = list(db.session.scalars(select(Practice).where(
        Practice.slug.in_(wanted), Practice.status == PracticeStatus.PUBLISHED))) if wanted else []
    if len(found) != len(wanted):
        errors["practices"] = [_("Indica buone pratiche pubblicate (indirizzo o slug).")]
    return found


def _events(actor: User, raw: tuple[str, ...], errors: dict[str, list[str]]) -> list[Event]:
    wanted = _slugs(raw)
    if len(wanted) > MAX_LINKS:
        errors["events"] = [_("Al massimo %(n)d incontri.", n=MAX_LINKS)]
        return []
    found = list(db.session.scalars(select(Event).where(Event.slug.in_(wanted)))
                 ) if wanted else []
    visible = [e for e in found if e.status != "bozza" and e.group_id is None]
    if len(visible) != len(wanted):
        errors["events"] = [_("Indica incontri pubblicati e pubblici (indirizzo o slug).")]
    return visible


def unique_slug(title: str) -> str:
    """A free slug from the title, suffixed -2, -3... on clashes."""
    base = slugify(title, 110) or "linea-guida"
    if base in RESERVED_SLUGS:
        base = f"{base}-linea-guida"
    taken = set(db.session.scalars(select(Guideline.slug).where(Guideline.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _set_links(guideline: Guideline, practices: list[Practice], events: list[Event]) -> None:
    db.session.execute(guideline_practices.delete().where(
        guideline_practices.c.guideline_id == guideline.id))
    db.session.execute(guideline_events.delete().where(
        guideline_events.c.guideline_id == guideline.id))
    if practices:
        db.session.execute(guideline_practices.insert(), [
            {"guideline_id": guideline.id, "practice_id": p.id} for p in practices])
    if events:
        db.session.execute(guideline_events.insert(), [
            {"guideline_id": guideline.id, "event_id": e.id} for e in events])


def _apply(guideline: Guideline, checked: Checked) -> None:
    values = checked.values
    guideline.title, guideline.summary = values["title"], values["summary"]
    guideline.body, guideline.body_html = values["body"], checked.body_html
    guideline.legal_references = values["legal_references"]
    if guideline.review_by != values["review_by"]:
        guideline.review_reminded_at = None  # a new review date earns a new reminder
    guideline.review_by = values["review_by"]


def create_guideline(actor: User, fields: GuidelineFields) -> Guideline:
    """A new guideline as a draft; its creator is its first owner."""
    if not permissions.can_write_guidelines(actor):
        raise NotAllowed(_("Solo moderatori, redazione e amministratori scrivono linee guida."))
    checked = _check(fields)
    if fields.review_by is not None and fields.review_by < today_in_rome():
        checked.errors["review_by"] = [_("La data di revisione non può essere già passata.")]
    with write_intent():
        themes = _themes(fields.theme_ids, checked.errors)
        owners = _owners(actor, fields.owners, [actor], checked.errors)
        practices = _practices(fields.practice_slugs, checked.errors)
        events = _events(actor, fields.event_slugs, checked.errors)
        if checked.errors:
            raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=checked.errors)
        guideline = Guideline(slug=unique_slug(checked.values["title"]),
                              status=GuidelineStatus.DRAFT, created_by_id=actor.id)
        _apply(guideline, checked)
        guideline.themes, guideline.owners = themes, owners
        db.session.add(guideline)
        db.session.flush()
        _set_links(guideline, practices, events)
        commit_or_conflict(_("Una linea guida con questo titolo è appena stata creata."))
    return guideline


def guideline_for_update(guideline_id: int) -> Guideline:
    """The guideline with its owners and themes, row-locked where supported."""
    guideline = db.session.execute(
        select(Guideline).where(Guideline.id == guideline_id)
        .options(selectinload(Guideline.owners), selectinload(Guideline.themes))
        .with_for_update()
    ).scalar_one_or_none()
    if guideline is None:
        raise NotFound(_("Linea guida non trovata."))
    return guideline


def _require_editor(actor: User, guideline: Guideline) -> None:
    owner_ids = {u.id for u in guideline.owners}
    if not permissions.can_view_guideline(actor, guideline, owner_ids):
        raise NotFound(_("Linea guida non trovata."))
    if not permissions.can_edit_guideline(actor, guideline, owner_ids):
        raise NotAllowed(_("Solo i responsabili della linea guida possono modificarla."))


def edit_guideline(actor: User, guideline_id: int, fields: GuidelineFields) -> Guideline:
    """Change the working copy (the published version stays as it is until the next
    publication); a changed review date may not be in the past."""
    checked = _check(fields)
    with write_intent():
        guideline = guideline_for_update(guideline_id)
        _require_editor(actor, guideline)
        if (fields.review_by is not None and fields.review_by != guideline.review_by
                and fields.review_by < today_in_rome()):
            checked.errors["review_by"] = [_("La nuova data di revisione non può essere già "
                                             "passata.")]
        themes = _themes(fields.theme_ids, checked.errors)
        # the owners named replace the current ones; none named keeps them
        owners = (_owners(actor, fields.owners, [], checked.errors) if fields.owners
                  else list(guideline.owners))
        practices = _practices(fields.practice_slugs, checked.errors)
        events = _events(actor, fields.event_slugs, checked.errors)
        if checked.errors:
            raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=checked.errors)
        _apply(guideline, checked)
        guideline.themes, guideline.owners = themes, owners
        guideline.updated_at = utcnow()
        _set_links(guideline, practices, events)
        db.session.commit()
    return guideline


def last_version(guideline: Guideline) -> GuidelineVersion | None:
    """The last published version of a guideline (None: never published)."""
    if guideline.version < 1:
        return None
    return db.session.scalars(select(GuidelineVersion).where(
        GuidelineVersion.guideline_id == guideline.id,
        GuidelineVersion.version == guideline.version)).one_or_none()


def differs_from(guideline: Guideline, version: GuidelineVersion | None) -> bool:
    """Whether the working copy has changes the published version lacks."""
    if version is None:
        return True
    return ((guideline.title, guideline.summary, guideline.body,
             list(guideline.legal_references or []))
            != (version.title, version.summary, version.body,
                list(version.legal_references or [])))


def consultation_end(day: date) -> datetime:
    """The end of `day` in Rome, as stored (naive UTC)."""
    return rome_to_utc(datetime.combine(day + timedelta(days=1), time(0, 0)))


def _publish(actor: User, guideline: Guideline, change_note: str) -> None:
    previous = last_version(guideline)
    if not differs_from(guideline, previous):
        raise Conflict(_("Nulla è cambiato dall'ultima versione pubblicata: modifica il testo "
                         "prima di pubblicare una nuova versione."))
    note = clean_text(change_note)
    if previous is None:
        note = note or FIRST_NOTE
    if not note:
        raise InvalidInput(_("Scrivi una nota di modifica: cosa cambia in questa versione?"),
                           field_errors={"change_note": [_("La nota di modifica è "
                                                           "obbligatoria.")]})
    if len(note) > NOTE_MAX:
        raise InvalidInput(_("La nota di modifica è troppo lunga."),
                           field_errors={"change_note": [_("Al massimo %(n)d caratteri.",
                                                           n=NOTE_MAX)]})
    now = utcnow()
    number = guideline.version + 1
    db.session.add(GuidelineVersion(
        guideline_id=guideline.id, version=number, title=guideline.title,
        summary=guideline.summary, body=guideline.body, body_html=guideline.body_html,
        legal_references=list(guideline.legal_references or []), change_note=note,
        changed_by_id=actor.id, changed_at=now))
    guideline.version = number
    guideline.published_at = now
    guideline.approved_by_id = actor.id


def change_status(actor: User, guideline_id: int, to: str, *, change_note: str = "",
                  consultation_ends_on: date | None = None) -> Guideline:
    """Move the guideline along GUIDELINE_WORKFLOW. To consultation: an end date after
    today. To published: a new version with its change note (409 if nothing changed)."""
    if not permissions.is_active_member(actor):
        raise NotAllowed(_("Accedi per continuare."))
    with write_intent():
        guideline = guideline_for_update(guideline_id)
        _require_editor(actor, guideline)
        if (guideline.status, to) not in GUIDELINE_WORKFLOW:
            raise Conflict(_("Passaggio di stato non previsto: da «%(a)s» a «%(b)s».",
                             a=guideline.status, b=to[:40]))
        if to == GuidelineStatus.CONSULTATION:
            if consultation_ends_on is None or consultation_ends_on <= today_in_rome():
                message = _("Indica una data di chiusura della consultazione successiva a oggi.")
                raise InvalidInput(message, field_errors={"consultation_ends_at": [message]})
            guideline.consultation_ends_at = consultation_end(consultation_ends_on)
        if to == GuidelineStatus.PUBLISHED:
            _publish(actor, guideline, change_note)
        guideline.status = to
        guideline.updated_at = utcnow()
        commit_or_conflict(_("Un'altra persona ha appena pubblicato questa linea guida: "
                             "ricarica la pagina."))
    return guideline
