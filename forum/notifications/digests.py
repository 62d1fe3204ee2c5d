"""Daily and weekly digests: what a member chose not to get at once, in one e-mail per
period, plus (weekly) what happened in the themes they watch.

`flask digests send --period weekly` is what cron runs, on any number of nodes at once:
for each member the digest row (unique per member, period and period key) is written in
the same transaction as the mail job, so a digest goes out once even if the sender runs
twice or dies between two members; a second run sends only what the first did not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, case, exists, select

from forum import permissions
from forum.database import upsert_insert, write_intent
from forum.extensions import db
from forum.models import (
    Acceptance,
    Delivery,
    DigestSent,
    Expertise,
    Follow,
    FollowTarget,
    Level,
    Notification,
    Practice,
    PracticeFacet,
    PracticeStatus,
    Question,
    Theme,
    User,
)
from forum.models.base import utcnow
from forum.notifications.mailing import (
    Outgoing,
    deliveries,
    may_receive_mail,
    render_mail,
    site_url,
    unsubscribe_headers,
    unsubscribe_token,
)
from forum.notifications.messages import render_message
from forum.notifications.services import visible_notifications

ROME = ZoneInfo("Europe/Rome")
UNANSWERED_AFTER = timedelta(hours=48)
PER_SECTION = 10
SECTIONS = ("new", "solved", "practices", "unanswered")


@dataclass(frozen=True)
class Window:
    """The period a digest covers: [start, end) in naive UTC, and its stable key."""

    period: Delivery
    key: str
    start: datetime
    end: datetime


def last_complete(period: Delivery, now: datetime | None = None) -> Window:
    """The last whole day or ISO week before `now`, in Italian time (cron may run late or
    twice: the same window, the same key)."""
    local = (now or utcnow()).replace(tzinfo=ZoneInfo("UTC")).astimezone(ROME)
    today = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == Delivery.DAILY:
        start, end = today - timedelta(days=1), today
        key = start.strftime("%Y-%m-%d")
    elif period == Delivery.WEEKLY:
        end = today - timedelta(days=today.weekday())
        start = end - timedelta(days=7)
        iso = start.isocalendar()
        key = f"{iso.year}-W{iso.week:02d}"
    else:
        raise ValueError(f"not a digest period: {period}")

    def utc(moment: datetime) -> datetime:
        # midnight in Rome, across the DST change, as naive UTC like every stored time
        fixed = moment.replace(tzinfo=None).replace(tzinfo=ROME)
        return fixed.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)

    return Window(period, key, utc(start), utc(end))


@dataclass
class Digest:
    """What one member's digest holds."""

    user: User
    notes: list[Notification] = field(default_factory=list)
    themes: list[dict] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.notes and not any(t[key] for t in self.themes for key in SECTIONS)


def _theme_sections(user: User, window: Window) -> list[dict]:
    """Per watched theme: new questions, threads solved and practices published in the
    window; per watched theme and theme of expertise: questions still without an answer
    after two days, the asker's region first (the member may know the answer). Only
    threads the member may read: a restricted working group's reach its members alone."""
    watched = set(db.session.scalars(select(Follow.target_id).where(
        Follow.user_id == user.id, Follow.target_type == FollowTarget.THEME,
        Follow.level == Level.WATCHING)))
    expert = set(db.session.scalars(select(Expertise.theme_id).where(
        Expertise.user_id == user.id)))
    theme_ids = watched | expert
    if not theme_ids:
        return []
    themes = db.session.scalars(select(Theme).where(Theme.id.in_(theme_ids))
                                .order_by(Theme.position)).all()
    readable = permissions.visible_questions(user)
    visible = (Question.hidden_at.is_(None), Question.author_id != user.id, readable)
    new = db.session.scalars(select(Question).where(
        Question.theme_id.in_(watched), *visible,
        Question.created_at >= window.start, Question.created_at < window.end)
        .order_by(Question.created_at.desc())).all() if watched else []
    solved = db.session.scalars(select(Question).where(
        Question.theme_id.in_(watched), Question.hidden_at.is_(None), readable,
        exists().where(and_(Acceptance.question_id == Question.id,
                            Acceptance.withdrawn_at.is_(None),
                            Acceptance.accepted_at >= window.start,
                            Acceptance.accepted_at < window.end)))
        .order_by(Question.last_activity_at.desc())).all() if watched else []
    same_region = case((User.region_code == user.region_code, 0), else_=1)
    unanswered = db.session.scalars(select(Question).join(User, User.id == Question.author_id)
        .where(Question.theme_id.in_(theme_ids), *visible, Question.closed_at.is_(None),
               Question.answer_count == 0, Question.created_at < window.end - UNANSWERED_AFTER)
        .order_by(same_region, Question.created_at.desc())).all()
    slugs = {t.slug: t.id for t in themes if t.id in watched}
    practices = db.session.execute(select(Practice.slug, Practice.title, PracticeFacet.value)
        .join(PracticeFacet, and_(PracticeFacet.practice_id == Practice.id,
                                  PracticeFacet.facet == "theme"))
        .where(PracticeFacet.value.in_(slugs), Practice.status == PracticeStatus.PUBLISHED,
               Practice.published_at >= window.start, Practice.published_at < window.end)
        .order_by(Practice.published_at.desc())).all() if slugs else []
    sections = []
    for theme in themes:
        sections.append({
            "name": theme.name,
            "new": [_link(q) for q in new if q.theme_id == theme.id][:PER_SECTION],
            "solved": [_link(q) for q in solved if q.theme_id == theme.id][:PER_SECTION],
            "practices": [{"text": title, "link": site_url(f"/buone-pratiche/{slug}")}
                          for slug, title, value in practices
                          if slugs.get(value) == theme.id][:PER_SECTION],
            "unanswered": [_link(q) for q in unanswered if q.theme_id == theme.id][:PER_SECTION],
        })
    return sections


def _link(question: Question) -> dict[str, str]:
    return {"text": question.title, "link": site_url(f"/domande/{question.id}")}


def build(user: User, window: Window) -> Digest:
    """The member's digest for the window (nothing is recorded)."""
    chosen = deliveries(db.session(), [user.id])[user.id]
    categories = [str(c) for c, d in chosen.items() if d == window.period]
    digest = Digest(user)
    if categories:
        notes = db.session.scalars(select(Notification).where(
            Notification.user_id == user.id, Notification.category.in_(categories),
            Notification.created_at >= window.start, Notification.created_at < window.end)
            .order_by(Notification.created_at)).all()
        digest.notes = visible_notifications(user, list(notes))
    if window.period == Delivery.WEEKLY:
        digest.themes = _theme_sections(user, window)
    return digest


def compose(digest: Digest, window: Window) -> Outgoing:
    """The digest as an e-mail in the member's language."""
    user = digest.user
    with force_locale(user.language):
        items = [{"text": render_message(n.kind, n.params),
                  "link": site_url(n.link or "/notifiche")} for n in digest.notes]
        subject = (_("Officina: il tuo riepilogo settimanale")
                   if window.period == Delivery.WEEKLY
                   else _("Officina: il tuo riepilogo giornaliero"))
        themes = [dict(t, name=_(str(t["name"]))) for t in digest.themes]
    token = unsubscribe_token(user.id, "all")
    text, html = render_mail("digest", user.language, user=user, items=items, themes=themes,
                         weekly=window.period == Delivery.WEEKLY,
                         settings=site_url("/impostazioni/notifiche"),
                         unsubscribe=site_url(f"/disiscriviti/{token}"))
    return Outgoing(user.email, subject, text, html, unsubscribe_headers(user.id, "all"))


def _candidates(window: Window) -> list[int]:
    """Members with something for this period: notifications in the window, or (weekly)
    a watched theme."""
    with_notes = select(Notification.user_id).where(
        Notification.created_at >= window.start, Notification.created_at < window.end)
    ids = set(db.session.scalars(with_notes.distinct()))
    if window.period == Delivery.WEEKLY:
        ids |= set(db.session.scalars(select(Follow.user_id).where(
            Follow.target_type == FollowTarget.THEME, Follow.level == Level.WATCHING).distinct()))
        ids |= set(db.session.scalars(select(Expertise.user_id).distinct()))
    return sorted(ids)


def _claim(user_id: int, window: Window, count: int) -> bool:
    """Write the digest row; False when this member's digest for the window exists."""
    insert = upsert_insert(db.session())
    result = db.session.execute(insert(DigestSent).values(
        user_id=user_id, period=window.period, period_key=window.key,
        notification_count=count, sent_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["user_id", "period", "period_key"])
        .returning(DigestSent.id))
    return result.first() is not None


def send_digests(period: Delivery, now: datetime | None = None) -> tuple[int, int]:
    """Send the digests of the last complete period; returns (sent, skipped as already
    sent). Each member is one transaction: digest row and mail job together."""
    window = last_complete(period, now)
    sent = skipped = 0
    for user_id in _candidates(window):
        user = db.session.get(User, user_id)
        if user is None or not may_receive_mail(user):
            continue
        if db.session.scalar(select(DigestSent.id).where(
                DigestSent.user_id == user_id, DigestSent.period == period,
                DigestSent.period_key == window.key)) is not None:
            skipped += 1
            continue
        digest = build(user, window)
        if digest.empty:
            continue
        message = compose(digest, window)  # before the write lock
        with write_intent():
            if _claim(user_id, window, len(digest.notes)):
                message.queue()
                sent += 1
            else:
                skipped += 1
            db.session.commit()
    return sent, skipped


def current(period: Delivery, now: datetime | None = None) -> Window:
    """The day or week under way, up to `now` (what the next digest will hold so far)."""
    moment = now or utcnow()
    upcoming = last_complete(period, moment + (timedelta(days=1) if period == Delivery.DAILY
                                               else timedelta(days=7)))
    return Window(period, upcoming.key, upcoming.start, moment + timedelta(seconds=1))


def preview(username: str, period: Delivery) -> str:
    """The text of a member's digest for the period under way: neither sent nor recorded."""
    user = db.session.scalar(select(User).where(User.username == username.lower()))
    if user is None:
        raise LookupError(username)
    window = current(period)
    return compose(build(user, window), window).text
