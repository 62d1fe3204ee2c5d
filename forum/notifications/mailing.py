"""Notifications by e-mail: each member's delivery per category, the messages (text and
HTML, in the member's language), one-click unsubscribe links (RFC 8058) with a signed
token, and who may receive mail at all."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app, g
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum.database import upsert_insert
from forum.extensions import db
from forum.mail import send_mail
from forum.models import (
    DEFAULT_DELIVERY,
    AccountStatus,
    Delivery,
    MailCategory,
    MailPreference,
    Notification,
    User,
)
from forum.models.identity import has_placeholder_email
from forum.notifications.messages import render_message
from forum.taxonomy import N_

CATEGORY_LABELS: dict[MailCategory, str] = {
    MailCategory.MY_THREADS: N_("Risposte e commenti alle mie domande"),
    MailCategory.REPLIES: N_("Risposte ai miei commenti e menzioni"),
    MailCategory.FOLLOWED: N_("Novità in ciò che seguo (discussioni, temi, etichette, colleghi)"),
    MailCategory.SOLUTIONS: N_("Soluzioni: le mie risposte accettate, le mie soluzioni cambiate"),
    MailCategory.ACCOUNT: N_("Avvisi sul mio account e sui miei contenuti"),
    MailCategory.MESSAGES: N_("Messaggi privati che ricevo"),
}
DELIVERY_LABELS: dict[Delivery, str] = {
    Delivery.IMMEDIATE: N_("Subito"),
    Delivery.DAILY: N_("Riepilogo giornaliero"),
    Delivery.WEEKLY: N_("Riepilogo settimanale"),
    Delivery.NONE: N_("Nessuna email"),
}
ALL = "all"  # an unsubscribe token for every category
NEWSLETTER = "newsletter"  # an unsubscribe token that turns the monthly newsletter off


def category_for(kind: str, *, own_thread: bool) -> MailCategory:
    """The e-mail category of a notification kind (answers on my own question or not)."""
    if kind == "private_message":
        return MailCategory.MESSAGES
    if kind in ("new_answer", "new_comment"):
        return MailCategory.MY_THREADS if own_thread else MailCategory.FOLLOWED
    if kind in ("comment_reply", "mention"):
        return MailCategory.REPLIES
    if kind in ("new_question", "routing_offer", "priority_valid"):  # themes I follow
        return MailCategory.FOLLOWED
    if kind == "accept_reminder":
        return MailCategory.MY_THREADS
    if kind in ("answer_accepted", "answer_unaccepted", "solution_changed"):
        return MailCategory.SOLUTIONS
    if kind.startswith("practice_"):  # my practice, or one I follow
        return MailCategory.ACCOUNT if own_thread else MailCategory.FOLLOWED
    return MailCategory.ACCOUNT


def deliveries(session: Session, user_ids: Iterable[int]
               ) -> dict[int, dict[MailCategory, Delivery]]:
    """Each member's delivery per category, defaults filled in (one query)."""
    ids = list(user_ids)
    chosen: dict[int, dict[MailCategory, Delivery]] = {
        user_id: dict(DEFAULT_DELIVERY) for user_id in ids}
    if ids:
        for row in session.scalars(select(MailPreference).where(
                MailPreference.user_id.in_(ids))):
            chosen[row.user_id][MailCategory(row.category)] = Delivery(row.delivery)
    return chosen


def may_receive_mail(user: User) -> bool:
    """No e-mail to accounts awaiting approval, refused or suspended, nor to an address the
    mail server refused for good."""
    return (user.status == AccountStatus.ACTIVE and not user.is_suspended
            and user.email_bounced_at is None and not has_placeholder_email(user))


def set_deliveries(user: User, choices: dict[str, str]) -> None:
    """Save the member's choices (in the caller's write transaction); unknown categories or
    deliveries are refused by `InvalidInput` before anything is written."""
    from forum.errors import InvalidInput

    rows = []
    for raw_category, raw_delivery in choices.items():
        try:
            rows.append((MailCategory(raw_category), Delivery(raw_delivery)))
        except ValueError:
            message = _("Scegli per ogni categoria una delle opzioni in elenco.")
            raise InvalidInput(message, field_errors={raw_category: [message]}) from None
    insert = upsert_insert(db.session())
    for category, delivery in rows:  # a mail client may POST one-click unsubscribe twice at once
        stmt = insert(MailPreference).values(user_id=user.id, category=category,
                                             delivery=delivery)
        db.session.execute(stmt.on_conflict_do_update(
            index_elements=["user_id", "category"], set_={"delivery": stmt.excluded.delivery}))


# -- links and tokens ------------------------------------------------------------------------

def site_url(path: str) -> str:
    """An absolute address on this site, for e-mails (built outside any request)."""
    return str(current_app.config["SITE_URL"]).rstrip("/") + path


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(str(current_app.config["SECRET_KEY"]), salt="unsubscribe")


def unsubscribe_token(user_id: int, category: str) -> str:
    """A signed token that stops one category (or ALL) for one member; no sign-in needed."""
    return _serializer().dumps({"u": user_id, "c": category})


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(member id, category) from a genuine token; None for a forged or mangled one."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, category = data.get("u"), data.get("c")
    if not isinstance(user_id, int) or category not in {*MailCategory, ALL, NEWSLETTER}:
        return None
    return user_id, str(category)


def unsubscribe_headers(user_id: int, category: str) -> dict[str, str]:
    """RFC 2369 + RFC 8058 headers: mail clients offer a one-click unsubscribe."""
    link = site_url(f"/disiscriviti/{unsubscribe_token(user_id, category)}")
    return {"List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


# -- messages --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outgoing:
    """A message composed and ready to queue (composed before the write transaction)."""

    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str]

    def queue(self, session: Session | None = None) -> None:
        """Queue it in `session`'s transaction (the app's session by default)."""
        send_mail(self.to, self.subject, self.text, html=self.html, headers=self.headers,
                  session=session)


def render_mail(name: str, language: str, **context: Any) -> tuple[str, str]:
    """Text and HTML of `mail/<name>` in `language`. Straight from the Jinja environment:
    the page context processors (the signed-in member, the header counts) would query the
    database, and mail is composed in jobs and commands. The template catalogue is looked
    up again for each language (it is cached per context otherwise)."""
    env = current_app.jinja_env
    with force_locale(language):
        g.pop("_officina_translations", None)
        try:
            text = env.get_template(f"mail/{name}.txt").render(**context)
            html = env.get_template(f"mail/{name}.html").render(**context)
        finally:
            g.pop("_officina_translations", None)
    return text, html


def _items(notes: Sequence[Notification], language: str) -> list[dict[str, str]]:
    with force_locale(language):
        return [{"text": render_message(n.kind, n.params),
                 "link": site_url(n.link or "/notifiche")} for n in notes]


def compose(user: User, notes: Sequence[Notification]) -> Outgoing:
    """One e-mail for notifications the member gets immediately."""
    category = str(notes[0].category) if len({n.category for n in notes}) == 1 else ALL
    items = _items(notes, user.language)
    with force_locale(user.language):
        subject = _("Officina: %(what)s", what=items[0]["text"]) if len(items) == 1 else \
            _("Officina: %(count)d novità per te", count=len(items))
    token = unsubscribe_token(user.id, category)
    text, html = render_mail("notification", user.language, user=user, items=items,
                         settings=site_url("/impostazioni/notifiche"),
                         unsubscribe=site_url(f"/disiscriviti/{token}"))
    return Outgoing(user.email, subject[:200], text, html,
                    unsubscribe_headers(user.id, category))


def compose_immediate(session: Session, notes: Sequence[Notification]) -> list[Outgoing]:
    """The e-mails for notifications whose category the recipient gets at once (one per
    recipient who may receive mail)."""
    by_user: dict[int, list[Notification]] = {}
    for note in notes:
        by_user.setdefault(note.user_id, []).append(note)
    if not by_user:
        return []
    chosen = deliveries(session, by_user)
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(by_user)))}
    out = []
    for user_id, user_notes in by_user.items():
        user = users.get(user_id)
        wanted = [n for n in user_notes
                  if chosen[user_id][MailCategory(n.category)] == Delivery.IMMEDIATE]
        if user is None or not wanted or not may_receive_mail(user):
            continue
        out.append(compose(user, wanted))
    return out



def store_notifications(session: Session, notes: Sequence[Notification],
                        outgoing: Iterable[Outgoing]) -> None:
    """The last write of a notifying job: the notifications, their e-mails and the job's
    own end in one commit (the caller holds the write transaction)."""
    from forum.jobs.api import finish_in

    session.add_all(notes)
    for message in outgoing:
        message.queue(session)
    finish_in(session)
    session.commit()
