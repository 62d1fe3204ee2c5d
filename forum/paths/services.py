"""Training paths: composing a path, enrolling, marking modules done, completing.

A module's progress is read from what the member did where it can be (an event attended,
a question or answer posted on the task's theme after enrolling) and from the member's own
"fatto" for practices and readings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from forum import permissions
from forum.database import upsert_insert, write_intent
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.markup import render_markdown
from forum.models import (
    Certificate,
    Event,
    ModuleKind,
    PathEnrolment,
    PathModule,
    PathProgress,
    Practice,
    PracticeStatus,
    Theme,
    TrainingPath,
    User,
)
from forum.models.base import utcnow
from forum.text import clean_line, clean_text, slugify
from forum.users.standing import require_member

MAX_MODULES = 12
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


@dataclass(frozen=True)
class ModuleFields:
    """One module row of the form; `reference` is an event or practice slug, a link, or a
    theme slug, by kind."""

    kind: str = ""
    title: str = ""
    reference: str = ""
    body: str = ""


@dataclass(frozen=True)
class PathFields:
    """A path as an organiser composes it."""

    title: str
    summary: str = ""
    description: str = ""
    modules: tuple[ModuleFields, ...] = ()


def _last_segment(reference: str) -> str:
    return reference.strip().rstrip("/").rsplit("/", 1)[-1]


def _module(n: int, fields: ModuleFields, errors: dict[str, list[str]]) -> PathModule | None:
    kind, title = fields.kind, clean_line(fields.title)[:200]
    reference, body = clean_line(fields.reference)[:500], clean_text(fields.body)[:5_000]
    if not (kind or title or reference or body):
        return None
    problems = errors.setdefault("modules", [])
    if kind not in set(ModuleKind):
        problems.append(_("Modulo %(n)d: scegli il tipo.", n=n))
        return None
    if not title:
        problems.append(_("Modulo %(n)d: scrivi un titolo.", n=n))
        return None
    module = PathModule(kind=kind, title=title, body=body)
    if kind == ModuleKind.EVENT:
        event = db.session.scalar(select(Event).where(Event.slug == _last_segment(reference)))
        if event is None or not event.is_public:
            problems.append(_("Modulo %(n)d: indica un incontro pubblicato (indirizzo o slug).",
                              n=n))
            return None
        module.event_id = event.id
    elif kind == ModuleKind.PRACTICE:
        practice = db.session.scalar(select(Practice).where(
            Practice.slug == _last_segment(reference),
            Practice.status == PracticeStatus.PUBLISHED))
        if practice is None:
            problems.append(_("Modulo %(n)d: indica una buona pratica pubblicata.", n=n))
            return None
        module.practice_id = practice.id
    elif kind == ModuleKind.READING:
        if not _URL.match(reference):
            problems.append(_("Modulo %(n)d: indica il link della lettura (https://…).", n=n))
            return None
        module.url = reference
    else:
        theme = db.session.scalar(select(Theme).where(Theme.slug == _last_segment(reference)))
        if theme is None:
            problems.append(_("Modulo %(n)d: indica il tema del compito.", n=n))
            return None
        module.theme_id = theme.id
    return module


def _checked(fields: PathFields) -> tuple[dict[str, str], list[PathModule],
                                          dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    title = clean_line(fields.title)
    if not 5 <= len(title) <= 200:
        errors["title"] = [_("Il titolo deve avere da %(min)d a %(max)d caratteri.",
                             min=5, max=200)]
    summary, description = clean_line(fields.summary)[:600], clean_text(fields.description)
    if len(description) > 20_000:
        errors["description"] = [_("Il testo può avere al massimo %(n)d caratteri.",
                                   n=20_000)]
    modules = [m for n, f in enumerate(fields.modules[:MAX_MODULES], start=1)
               if (m := _module(n, f, errors)) is not None]
    if not errors.get("modules"):
        errors.pop("modules", None)
        if not modules:
            errors["modules"] = [_("Aggiungi almeno un modulo.")]
    return {"title": title, "summary": summary, "description": description}, modules, errors


def _unique_slug(title: str, path_id: int | None = None) -> str:
    base = slugify(title, 200) or "percorso"
    taken = set(db.session.scalars(select(TrainingPath.slug).where(
        TrainingPath.slug.like(f"{base}%"), TrainingPath.id != (path_id or 0))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def save_path(actor: User, fields: PathFields, path_id: int | None = None) -> TrainingPath:
    """Create (a draft) or change a path; its modules are replaced in the given order
    (members' progress on a module that stays keeps its row)."""
    require_member(actor, _("Accedi per comporre un percorso."))
    with write_intent():
        path = load_path(path_id, for_update=True) if path_id is not None else None
        if not (permissions.can_organise(actor) if path is None
                else permissions.can_manage_path(actor, path)):
            raise NotAllowed(_("Solo chi organizza può comporre i percorsi formativi."))
        values, modules, errors = _checked(fields)
        if errors:
            raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
        if path is None:
            path = TrainingPath(slug=_unique_slug(values["title"]), created_by_id=actor.id)
            db.session.add(path)
        elif values["title"] != path.title:
            path.slug = _unique_slug(values["title"], path.id)
        path.title, path.summary = values["title"], values["summary"]
        path.description = values["description"]
        path.description_html = render_markdown(path.description) if path.description else ""
        path.updated_at = utcnow()
        kept = {(m.kind, m.event_id, m.practice_id, m.url, m.theme_id): m
                for m in (path.modules if path.id else [])}
        ordered = []
        for position, module in enumerate(modules):
            key = (module.kind, module.event_id, module.practice_id, module.url or "",
                   module.theme_id)
            existing = kept.pop(key, None)
            target = existing or module
            target.position, target.title, target.body = position, module.title, module.body
            ordered.append(target)
        path.modules = ordered
        db.session.commit()
    return path


def load_path(path_id: int, *, for_update: bool = False) -> TrainingPath:
    """A path with its modules; NotFound otherwise."""
    stmt = select(TrainingPath).where(TrainingPath.id == path_id).options(
        selectinload(TrainingPath.modules))
    if for_update:
        stmt = stmt.with_for_update(of=TrainingPath)
    path = db.session.scalar(stmt)
    if path is None:
        raise NotFound(_("Percorso non trovato."))
    return path


def publish_path(actor: User, path_id: int, *, published: bool) -> TrainingPath:
    """Open a path to enrolment, or take it back to draft."""
    with write_intent():
        path = load_path(path_id, for_update=True)
        if not permissions.can_manage_path(actor, path):
            raise NotAllowed(_("Solo chi organizza il percorso può farlo."))
        path.status = "pubblicato" if published else "bozza"
        db.session.commit()
    return path


def enrol(actor: User, path_id: int) -> PathEnrolment:
    """Enrol in a published path (once: enrolling again changes nothing)."""
    require_member(actor, _("Accedi per iscriverti al percorso."))
    with write_intent():
        path = load_path(path_id)
        if path.status != "pubblicato":
            raise NotFound(_("Percorso non trovato."))
        insert = upsert_insert(db.session())
        db.session.execute(insert(PathEnrolment).values(
            path_id=path.id, user_id=actor.id, enrolled_at=utcnow(),
        ).on_conflict_do_nothing(index_elements=["path_id", "user_id"]))
        db.session.commit()
    enrolment = db.session.scalar(select(PathEnrolment).where(
        PathEnrolment.path_id == path_id, PathEnrolment.user_id == actor.id))
    assert enrolment is not None
    return enrolment


def _enrolment(actor: User, path_id: int) -> PathEnrolment:
    enrolment = db.session.scalar(select(PathEnrolment).where(
        PathEnrolment.path_id == path_id, PathEnrolment.user_id == actor.id))
    if enrolment is None:
        raise Conflict(_("Iscriviti al percorso per segnare i moduli."))
    return enrolment


def mark_done(actor: User, path_id: int, module_id: int, *, done: bool) -> None:
    """The member marks a practice or a reading done (or not); events and tasks count
    by themselves."""
    require_member(actor, _("Accedi per segnare i moduli."))
    with write_intent():
        enrolment = _enrolment(actor, path_id)
        module = db.session.get(PathModule, module_id)
        if module is None or module.path_id != path_id:
            raise NotFound(_("Modulo non trovato."))
        if module.kind not in (ModuleKind.PRACTICE, ModuleKind.READING):
            raise Conflict(_("Questo modulo si completa da solo: partecipando all'incontro o "
                             "scrivendo sul tema."))
        if done:
            insert = upsert_insert(db.session())
            db.session.execute(insert(PathProgress).values(
                enrolment_id=enrolment.id, module_id=module.id, done_at=utcnow(),
            ).on_conflict_do_nothing(index_elements=["enrolment_id", "module_id"]))
        else:
            db.session.execute(delete(PathProgress).where(
                PathProgress.enrolment_id == enrolment.id, PathProgress.module_id == module.id))
        db.session.commit()


def issue_path_certificate(actor: User, path_id: int) -> Certificate:
    """The completion certificate of a path, once every module is done (403 before);
    issued once, like an attendance certificate."""
    from forum.certificates.services import issue_once
    from forum.events.clock import utc_to_rome
    from forum.paths.queries import my_progress

    require_member(actor, _("Accedi per ottenere l'attestato."))
    path = load_path(path_id)
    if path.status != "pubblicato":
        raise NotFound(_("Percorso non trovato."))
    progress = my_progress(actor, path)
    if not progress.complete or progress.enrolment is None:
        raise NotAllowed(_("L'attestato del percorso si ottiene dopo aver completato tutti i "
                           "moduli."))
    enrolled = progress.enrolment.enrolled_at

    def details() -> dict[str, object]:
        return {"kind": "path", "name": actor.display_name, "organisation": actor.organisation,
                "event": path.title, "path_slug": path.slug,
                "modules": [m.title for m in path.modules],
                "organiser": _("Officina, percorsi formativi"),
                "enrolled_on": f"{utc_to_rome(enrolled):%d/%m/%Y}",
                "issued_on": f"{utc_to_rome(utcnow()):%d/%m/%Y}"}

    return issue_once(actor, {"path_id": path.id}, details)
