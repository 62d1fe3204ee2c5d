"""The board's newsletter: a draft per month, edited while a draft, then sent once.
One public call = one commit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from flask_babel import gettext as _
from sqlalchemy import Table, select, update
from sqlalchemy.exc import IntegrityError

from forum import permissions
from forum.announcements.queries import today
from forum.database import write_intent
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.jobs import enqueue
from forum.markup import render_markdown
from forum.models import NewsletterIssue, NewsletterStatus, User
from forum.newsletters.compose import compose_content, is_empty, render_content
from forum.newsletters.sending import SEND
from forum.text import clean_line, clean_text

TITLE_MIN, TITLE_MAX = 5, 200
INTRO_MAX = 10_000
FIRST_YEAR = 2020


@dataclass(frozen=True)
class IssueFields:
    """What the board types: the month (new issues only), a title, an introduction."""

    title: str
    intro: str
    year: int | None = None
    month: int | None = None


def _require_board(actor: object) -> None:
    if not permissions.can_send_newsletter(actor):
        raise NotAllowed(_("Solo la redazione prepara e invia la newsletter."))


def _checked(fields: IssueFields, *, creating: bool) -> tuple[str, str, str]:
    """Cleaned title and intro, and the intro's HTML; InvalidInput with every error."""
    errors: dict[str, list[str]] = {}
    title, intro = clean_line(fields.title), clean_text(fields.intro)
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        errors["title"] = [_("Il titolo deve avere da %(min)d a %(max)d caratteri.",
                             min=TITLE_MIN, max=TITLE_MAX)]
    if len(intro) > INTRO_MAX:
        errors["intro"] = [_("L'introduzione può avere al massimo %(n)d caratteri.",
                             n=INTRO_MAX)]
    if creating:
        day = today()
        year, month = fields.year, fields.month
        if year is None or month is None or not 1 <= month <= 12 \
                or not FIRST_YEAR <= year <= day.year or (year, month) > (day.year, day.month):
            errors["month"] = [_("Scegli un mese dal %(first)d a oggi.", first=FIRST_YEAR)]
    if errors:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
    return title, intro, render_markdown(intro) if intro else ""


def create_issue(actor: User, fields: IssueFields) -> NewsletterIssue:
    """A draft issue for a month (one issue per month)."""
    _require_board(actor)
    title, intro, intro_html = _checked(fields, creating=True)
    taken = _("Esiste già il numero di questo mese: aprilo dall'archivio della newsletter.")
    with write_intent():
        if db.session.scalar(select(NewsletterIssue.id).where(
                NewsletterIssue.year == fields.year, NewsletterIssue.month == fields.month)):
            raise Conflict(taken, field_errors={"month": [taken]})
        issue = NewsletterIssue(year=fields.year, month=fields.month, title=title,
                                intro=intro, intro_html=intro_html, created_by_id=actor.id,
                                status=NewsletterStatus.DRAFT)
        db.session.add(issue)
        try:
            db.session.commit()
        except IntegrityError:  # the same month saved at the same instant by another board
            db.session.rollback()
            raise Conflict(taken, field_errors={"month": [taken]}) from None
    return issue


def update_issue(actor: User, issue_id: int, fields: IssueFields) -> NewsletterIssue:
    """Change the title or the introduction of a draft."""
    _require_board(actor)
    title, intro, intro_html = _checked(fields, creating=False)
    with write_intent():
        issue = db.session.get(NewsletterIssue, issue_id)
        if issue is None:
            raise NotFound(_("Numero della newsletter non trovato."))
        if issue.status != NewsletterStatus.DRAFT:
            raise Conflict(_("Il numero è già stato inviato: non si modifica più."))
        issue.title, issue.intro, issue.intro_html = title, intro, intro_html
        db.session.commit()
    return issue


def start_sending(actor: User, issue_id: int) -> bool:
    """Freeze the draft's content and queue the sending job; False when the issue was
    already on its way (a second click, or 24 at once: one conditional UPDATE wins)."""
    _require_board(actor)
    issue = db.session.get(NewsletterIssue, issue_id)
    if issue is None:
        raise NotFound(_("Numero della newsletter non trovato."))
    if issue.status != NewsletterStatus.DRAFT:
        return False
    content = compose_content(issue.year, issue.month)
    if is_empty(content) and not issue.intro:
        raise InvalidInput(_("Il numero è vuoto: scrivi un'introduzione o aspetta che il "
                             "mese porti qualche novità."))
    text, html = render_content(issue.intro_html, content, "it")
    table = cast(Table, NewsletterIssue.__table__)
    with write_intent():
        claimed = db.session.execute(
            update(table).where(table.c.id == issue_id,
                                table.c.status == NewsletterStatus.DRAFT)
            .values(status=NewsletterStatus.SENDING, content=content, body_html=html,
                    body_text=text, sent_by_id=actor.id).returning(table.c.id)).first()
        if claimed is not None:
            enqueue(SEND, issue_id, key=f"newsletter-send:{issue_id}")
        db.session.commit()
    return claimed is not None
