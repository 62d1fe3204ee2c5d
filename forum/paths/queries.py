"""Read paths for training paths: the list, a path with the viewer's progress, and the
organisers' view of progress per member and per organisation (a fixed number of
statements whatever the number of members)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from forum import permissions
from forum.errors import NotFound
from forum.extensions import db
from forum.models import (
    Answer,
    ModuleKind,
    PathEnrolment,
    PathProgress,
    Question,
    Registration,
    TrainingPath,
    User,
)


def list_paths(viewer: Any) -> list[TrainingPath]:
    """Published paths (and the viewer's own drafts), newest first, modules loaded."""
    stmt = select(TrainingPath).options(selectinload(TrainingPath.modules))
    if permissions.can_organise(viewer):
        stmt = stmt.where((TrainingPath.status == "pubblicato")
                          | (TrainingPath.created_by_id == viewer.id))
    else:
        stmt = stmt.where(TrainingPath.status == "pubblicato")
    return list(db.session.scalars(stmt.order_by(TrainingPath.created_at.desc())))


def path_by_slug(viewer: Any, slug: str) -> TrainingPath:
    """A path the viewer may see: drafts only for who manages them."""
    path = db.session.scalar(select(TrainingPath).where(TrainingPath.slug == slug)
                             .options(selectinload(TrainingPath.modules)))
    if path is None or (path.status != "pubblicato"
                        and not permissions.can_manage_path(viewer, path)):
        raise NotFound(_("Percorso non trovato."))
    return path


def _done(path: TrainingPath, enrolments: list[PathEnrolment]) -> dict[int, set[int]]:
    """Module ids done per enrolment id, in four statements."""
    if not enrolments:
        return {}
    by_user = {e.user_id: e for e in enrolments}
    done: dict[int, set[int]] = defaultdict(set)
    for enrolment_id, module_id in db.session.execute(
            select(PathProgress.enrolment_id, PathProgress.module_id).where(
                PathProgress.enrolment_id.in_([e.id for e in enrolments]))):
        done[enrolment_id].add(module_id)
    events = {m.event_id: m.id for m in path.modules
              if m.kind == ModuleKind.EVENT and m.event_id}
    if events:
        for user_id, event_id in db.session.execute(
                select(Registration.user_id, Registration.event_id).where(
                    Registration.event_id.in_(events), Registration.user_id.in_(by_user),
                    Registration.attended_at.is_not(None))):
            done[by_user[user_id].id].add(events[event_id])
    tasks: dict[int, list[int]] = defaultdict(list)
    for module in path.modules:
        if module.kind == ModuleKind.TASK and module.theme_id:
            tasks[module.theme_id].append(module.id)
    if tasks:
        asked = select(Question.author_id.label("user_id"), Question.theme_id,
                       func.max(Question.created_at).label("last")).where(
            Question.author_id.in_(by_user), Question.theme_id.in_(tasks),
            Question.hidden_at.is_(None)).group_by(Question.author_id, Question.theme_id)
        answered = select(Answer.author_id.label("user_id"), Question.theme_id,
                          func.max(Answer.created_at).label("last")).join(
            Question, Question.id == Answer.question_id).where(
            Answer.author_id.in_(by_user), Question.theme_id.in_(tasks),
            Answer.hidden_at.is_(None)).group_by(Answer.author_id, Question.theme_id)
        for user_id, theme_id, last in db.session.execute(asked.union_all(answered)):
            enrolment = by_user[user_id]
            if last is not None and last >= enrolment.enrolled_at:
                done[enrolment.id].update(tasks[theme_id])
    return done


@dataclass
class MyProgress:
    """The viewer's enrolment on a path and the modules they have done."""

    enrolment: PathEnrolment | None
    done: set[int] = field(default_factory=set)
    total: int = 0

    @property
    def complete(self) -> bool:
        """Every module done."""
        return self.enrolment is not None and self.total > 0 and len(self.done) >= self.total


def my_progress(viewer: Any, path: TrainingPath) -> MyProgress:
    """What the viewer has done on the path (nothing when not enrolled)."""
    if not getattr(viewer, "is_authenticated", False):
        return MyProgress(None, total=len(path.modules))
    enrolment = db.session.scalar(select(PathEnrolment).where(
        PathEnrolment.path_id == path.id, PathEnrolment.user_id == viewer.id))
    if enrolment is None:
        return MyProgress(None, total=len(path.modules))
    module_ids = {m.id for m in path.modules}
    done = _done(path, [enrolment]).get(enrolment.id, set()) & module_ids
    return MyProgress(enrolment, done, len(path.modules))


@dataclass
class MemberRow:
    """One enrolled member's progress, for organisers."""

    user: User
    enrolment: PathEnrolment
    done: int


def progress_report(path: TrainingPath) -> tuple[list[MemberRow], list[tuple[str, int, float]]]:
    """Progress per member (most advanced first) and per organisation (members, average
    share of modules done)."""
    enrolments = list(db.session.scalars(
        select(PathEnrolment).where(PathEnrolment.path_id == path.id)
        .order_by(PathEnrolment.enrolled_at)))
    users = {u.id: u for u in db.session.scalars(select(User).where(
        User.id.in_([e.user_id for e in enrolments])))} if enrolments else {}
    module_ids = {m.id for m in path.modules}
    done = _done(path, enrolments)
    rows = [MemberRow(users[e.user_id], e, len(done.get(e.id, set()) & module_ids))
            for e in enrolments if e.user_id in users]
    rows.sort(key=lambda r: (-r.done, r.user.display_name))
    total = max(1, len(module_ids))
    by_org: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        by_org[row.user.organisation].append(row.done)
    orgs = sorted(((org, len(values), sum(values) / (total * len(values)))
                   for org, values in by_org.items()), key=lambda item: (-item[2], item[0]))
    return rows, orgs


def module_targets(path: TrainingPath) -> dict[int, Any]:
    """The event or practice each module points to, in two statements (for links)."""
    from forum.models import Event, Practice, Theme

    out: dict[int, Any] = {}
    events = {m.event_id: m.id for m in path.modules if m.event_id}
    practices = {m.practice_id: m.id for m in path.modules if m.practice_id}
    themes = {m.theme_id: m.id for m in path.modules if m.theme_id}
    if events:
        for event in db.session.scalars(select(Event).where(Event.id.in_(events))):
            out[events[event.id]] = event
    if practices:
        for practice in db.session.scalars(select(Practice).where(Practice.id.in_(practices))):
            out[practices[practice.id]] = practice
    if themes:
        for theme in db.session.scalars(select(Theme).where(Theme.id.in_(themes))):
            out[themes[theme.id]] = theme
    return out
