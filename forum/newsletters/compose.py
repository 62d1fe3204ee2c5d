"""What an issue of "Officina informa" holds, drawn from the month's data.

`compose_content` returns plain data (titles, absolute links, ISO dates; no translated
word), frozen on the issue when it is sent, so every reader (each member's e-mail, the
archive page) sees the same items with the headings in their own language. Only what a
signed-out visitor may read goes in: an issue is mailed to everyone and archived
publicly, so a restricted working group's threads and events never appear.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, select

from forum import permissions
from forum.events.clock import rome_to_utc
from forum.extensions import db
from forum.models import (
    Acceptance,
    Announcement,
    Event,
    EventStatus,
    Guideline,
    GuidelineStatus,
    GuidelineVersion,
    Practice,
    PracticeStatus,
    Question,
)
from forum.models.base import utcnow
from forum.notifications.mailing import render_mail, site_url

PER_SECTION = 10
UPCOMING = timedelta(days=45)
SECTIONS = ("priorities", "guidelines", "solved", "practices", "events")


@dataclass(frozen=True)
class Month:
    """A calendar month in Rome: its first and last day, and [start, end) in naive UTC."""

    year: int
    month: int

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, monthrange(self.year, self.month)[1])

    @property
    def start(self) -> datetime:
        return rome_to_utc(datetime(self.year, self.month, 1))

    @property
    def end(self) -> datetime:
        following = self.last + timedelta(days=1)
        return rome_to_utc(datetime(following.year, following.month, 1))


def _in(column: Any, month: Month) -> Any:
    return and_(column >= month.start, column < month.end)


def _priorities(month: Month) -> list[dict[str, Any]]:
    """Valid on at least one day of the month."""
    rows = db.session.execute(select(
        Announcement.slug, Announcement.title, Announcement.valid_from,
        Announcement.valid_until).where(
        Announcement.valid_from <= month.last,
        (Announcement.valid_until.is_(None)) | (Announcement.valid_until >= month.first))
        .order_by(Announcement.valid_from.desc(), Announcement.id.desc()).limit(PER_SECTION))
    return [{"title": r.title, "link": site_url(f"/indirizzi/{r.slug}"),
             "start": r.valid_from.isoformat(),
             "end": r.valid_until.isoformat() if r.valid_until else None} for r in rows]


def _guidelines(month: Month) -> list[dict[str, Any]]:
    """Public guidelines (not archived) with a version published in the month; `new`
    when the month saw their first version. One line per guideline, its latest version."""
    latest = (select(GuidelineVersion.guideline_id,
                     func.max(GuidelineVersion.version).label("version"),
                     func.min(GuidelineVersion.version).label("first"))
              .where(_in(GuidelineVersion.changed_at, month))
              .group_by(GuidelineVersion.guideline_id).subquery())
    rows = db.session.execute(
        select(Guideline.slug, GuidelineVersion.title, GuidelineVersion.summary,
               GuidelineVersion.version, latest.c.first, GuidelineVersion.changed_at)
        .join(latest, latest.c.guideline_id == Guideline.id)
        .join(GuidelineVersion, and_(GuidelineVersion.guideline_id == Guideline.id,
                                     GuidelineVersion.version == latest.c.version))
        .where(Guideline.version > 0, Guideline.status != GuidelineStatus.ARCHIVED)
        .order_by(GuidelineVersion.changed_at.desc()).limit(PER_SECTION))
    return [{"title": r.title, "summary": r.summary,
             "link": site_url(f"/linee-guida/{r.slug}"), "version": r.version,
             "new": r.first == 1} for r in rows]


def _solved(month: Month) -> list[dict[str, Any]]:
    """Public threads whose current accepted answer was accepted in the month."""
    accepted = exists().where(
        Acceptance.question_id == Question.id, Acceptance.withdrawn_at.is_(None),
        Acceptance.answer_id == Question.accepted_answer_id,
        _in(Acceptance.accepted_at, month))
    rows = db.session.execute(select(Question.id, Question.title).where(
        Question.hidden_at.is_(None), Question.accepted_answer_id.is_not(None),
        permissions.public_questions(), accepted)
        .order_by(Question.score.desc(), Question.id.desc()).limit(PER_SECTION))
    return [{"title": r.title, "link": site_url(f"/domande/{r.id}")} for r in rows]


def _practices(month: Month) -> list[dict[str, Any]]:
    rows = db.session.execute(select(Practice.slug, Practice.title, Practice.summary).where(
        Practice.status == PracticeStatus.PUBLISHED, _in(Practice.published_at, month))
        .order_by(Practice.published_at.desc()).limit(PER_SECTION))
    return [{"title": r.title, "summary": r.summary,
             "link": site_url(f"/buone-pratiche/{r.slug}")} for r in rows]


def _events(now: datetime) -> list[dict[str, Any]]:
    """Published public events starting in the next 45 days."""
    rows = db.session.execute(select(Event.slug, Event.title, Event.starts_at).where(
        Event.status == EventStatus.PUBLISHED, Event.group_id.is_(None),
        Event.starts_at >= now, Event.starts_at < now + UPCOMING)
        .order_by(Event.starts_at, Event.id).limit(PER_SECTION))
    return [{"title": r.title, "link": site_url(f"/incontri/{r.slug}"),
             "start": r.starts_at.isoformat()} for r in rows]


def compose_content(year: int, month: int, now: datetime | None = None) -> dict[str, Any]:
    """The month's sections (five statements); upcoming events count from `now`."""
    moment = now or utcnow()
    span = Month(year, month)
    return {"priorities": _priorities(span), "guidelines": _guidelines(span),
            "solved": _solved(span), "practices": _practices(span),
            "events": _events(moment), "composed_at": moment.isoformat()}


def _hydrated(content: dict[str, Any]) -> dict[str, Any]:
    """ISO strings back to dates for the templates' date filters."""
    out: dict[str, Any] = {}
    for name in SECTIONS:
        items = []
        for item in content.get(name) or []:
            item = dict(item)
            for key in ("start", "end"):
                if isinstance(item.get(key), str):
                    item[key] = (datetime.fromisoformat(item[key]) if "T" in item[key]
                                 else date.fromisoformat(item[key]))
            items.append(item)
        out[name] = items
    return out


def render_content(intro_html: str, content: dict[str, Any], language: str
                   ) -> tuple[str, str]:
    """The issue's body (no greeting, no footer) as text and HTML in `language`: the
    archive page, the preview and each member's e-mail all show this."""
    return render_mail("newsletter_content", language, intro_html=intro_html,
                       sections=_hydrated(content))


def is_empty(content: dict[str, Any]) -> bool:
    """Nothing at all to tell."""
    return not any(content.get(name) for name in SECTIONS)
