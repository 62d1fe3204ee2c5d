"""Demo priorities (indirizzi) and one sent issue of the newsletter, by natural key (a
second run adds nothing).

The priorities are written through the service by the demo admin (admins are part of the
editorial board): one in force and pinned on the home and its themes' pages, one ended a
few days ago (in the archive). The newsletter issue is last month's, composed from the
demo data and recorded as sent with no recipient: the newsletter is opt-in and no demo
member has opted in, so the seed sends no e-mail and writes no delivery.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select

from forum.announcements.queries import today
from forum.announcements.services import AnnouncementFields, create_announcement
from forum.events.clock import rome_to_utc
from forum.extensions import db
from forum.markup import render_markdown
from forum.models import Announcement, NewsletterIssue, NewsletterStatus, Theme, User
from forum.newsletters.compose import compose_content, render_content

BOARD = "elena.marchetti"  # the demo admin, who curates the community


@dataclass(frozen=True)
class DemoPriority:
    """A demo priority; its validity in days from the seeding day."""

    title: str
    body: str
    themes: tuple[str, ...]
    start: int
    end: int


PRIORITIES = (
    DemoPriority(
        title="Priorità 2027: posti nido nelle aree interne",
        body="Per il 2027 la redazione di Officina segue in particolare l'apertura di **posti "
             "nido nei comuni delle aree interne**, dove la domanda è dispersa e i servizi "
             "costano di più.\n\n"
             "- gestione associata tra comuni vicini e convenzioni con nidi privati;\n"
             "- sezioni primavera e servizi integrativi dove un nido non è sostenibile;\n"
             "- trasporto e orari compatibili con il lavoro dei genitori.\n\n"
             "Raccontate nelle discussioni del tema cosa ha funzionato: le esperienze "
             "migliori diventeranno una linea guida.",
        themes=("servizi-educativi-0-6", "conciliazione-vita-lavoro"), start=-20, end=380),
    DemoPriority(
        title="Rafforzare i centri per la famiglia",
        body="Nei mesi scorsi la priorità è stata fare dei **centri per la famiglia** la porta "
             "d'accesso unica ai servizi per i genitori: accoglienza, orientamento, "
             "mediazione e sostegno alla genitorialità nello stesso luogo, in rete con "
             "consultori e servizi sociali.",
        themes=("centri-famiglia-consultori", "natalita-genitorialita"), start=-120, end=-5),
)
NEWSLETTER_INTRO = (
    "Benvenuti al numero di **Officina informa**: le priorità della redazione, le "
    "discussioni risolte dalla community, le nuove buone pratiche e i prossimi incontri.")


def _priorities(board: User) -> int:
    existing = set(db.session.scalars(select(Announcement.title)))
    themes = {t.slug: t.id for t in db.session.scalars(select(Theme))}
    day, added = today(), 0
    for item in PRIORITIES:
        if item.title in existing:
            continue
        create_announcement(board, AnnouncementFields(
            title=item.title, body=item.body,
            theme_ids=tuple(themes[s] for s in item.themes if s in themes),
            valid_from=day + timedelta(days=item.start),
            valid_until=day + timedelta(days=item.end)))
        added += 1
    return added


def _newsletter(board: User) -> bool:
    """Last month's issue, sent on the first of this month at 9:00 (Rome)."""
    first = today().replace(day=1)
    previous = first - timedelta(days=1)
    if db.session.scalar(select(NewsletterIssue.id).where(
            NewsletterIssue.year == previous.year, NewsletterIssue.month == previous.month)):
        return False
    sent_at = rome_to_utc(datetime.combine(first, time(9)))
    content = compose_content(previous.year, previous.month, now=sent_at)
    intro_html = render_markdown(NEWSLETTER_INTRO)
    text, html = render_content(intro_html, content, "it")
    db.session.add(NewsletterIssue(
        year=previous.year, month=previous.month,
        title=f"Officina informa, {previous:%m/%Y}", intro=NEWSLETTER_INTRO,
        intro_html=intro_html, content=content, body_html=html, body_text=text,
        status=NewsletterStatus.SENT, created_by_id=board.id, sent_by_id=board.id,
        sent_at=sent_at, recipient_count=0))
    db.session.commit()
    return True


def seed_priorities(users: dict[str, User]) -> int:
    """The demo priorities and newsletter issue not there yet; returns how many were
    added."""
    board = users.get(BOARD)
    if board is None:
        return 0
    return _priorities(board) + int(_newsletter(board))
