"""Every state-changing route, called as every kind of visitor, answers as the rules say.

One table: a row per route (with the request that would succeed for someone allowed),
a column per role. Each pair runs on a fresh copy of one database holding the world
below (built once per worker: building it for each of the pairs took most of the
suite's time), so one role's success cannot change what the next one sees. A new POST
route fails `test_table_covers_every_route` until it is given a row.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forum import create_app
from forum.extensions import db
from forum.models import (
    Acceptance,
    EditSuggestion,
    Flag,
    Notification,
    Organisation,
    Practice,
    PracticeLink,
    Revision,
    RevisionKind,
    Theme,
    User,
)
from forum.models.base import utcnow
from forum.notifications.mailing import unsubscribe_token
from forum.practices.services import snapshot
from forum.seed.themes import ensure_themes
from tests.factories import make_answer, make_comment, make_practice, make_question, make_user
from tests.practices.test_uploads import pdf

ROLES = ("anonymous", "pending", "member", "author", "moderator", "mod_other", "admin",
         "suspended")
# Working groups add three roles, checked on the group rows (the others treat them as any
# member): the facilitator and a member of the group "Tavolo su richiesta di prova", and a
# member of another, private group.
GROUP_ROLES = ("facilitator", "group_member", "other_group")
# The editorial board (redazione): checked on the rows of guidelines, priorities, the
# newsletter, self-assessment and the dashboard (the others treat it as any member).
BOARD_ROLES = ("editor",)
ALL_ROLES = ROLES + GROUP_ROLES + BOARD_ROLES
PASSWORD = "una-password-robusta-2026"

# Outcomes. LOGIN: redirected to sign in; OK: done (303 redirect, or 200 for pages that
# answer in place); DENY: refused with a message (403).
LOGIN, OK, DENY = 302, 303, 403
# The API answers 401 (problem+json) where a page sends the visitor to the sign-in page.
NO_CREDENTIALS = 401
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass
class World:
    """Everything the table refers to, as committed in the world database."""

    users: dict[str, User]
    ids: dict[str, Any]


@dataclass(frozen=True)
class WorldFile:
    """The world, built once: a SQLite file to copy, and what its rows are called."""

    path: Path
    user_ids: dict[str, int]
    ids: dict[str, Any]


def _user(role: str = "member", **attrs: Any) -> User:
    """A user through the factory, then with the attributes registration does not take."""
    user = make_user(role, username=attrs.pop("username"), password=PASSWORD)
    for name, value in attrs.items():
        setattr(user, name, value)
    return user


def _world() -> World:
    themes = list(db.session.query(Theme).order_by(Theme.position).limit(2))
    author = _user(username="autore", password=PASSWORD)
    answerer = _user(username="rispondente")
    users = {
        "author": author,
        "member": _user(username="membro", password=PASSWORD),
        "moderator": _user("moderator", username="moderatore"),
        "mod_other": _user("moderator", username="moderatore-altro",
                           moderated_theme_ids=str(themes[1].id)),
        "admin": _user("admin", username="amministra"),
        "pending": _user(username="in-attesa", status="pending"),
        "suspended": _user(username="sospeso"),
        "editor": _user("editor", username="redazione"),
    }
    users["suspended"].suspended_until = utcnow() + timedelta(days=7)
    users["suspended"].suspension_reason = "Prova"
    applicant = _user(username="richiedente", status="pending")
    target = _user(username="bersaglio")
    paused = _user(username="fermo")
    paused.suspended_until = utcnow() + timedelta(days=3)
    question = make_question(author=author, theme_slug=themes[0].slug)
    own_answer = make_answer(question, author=author)
    other_answer = make_answer(question, author=answerer)
    comment = make_comment(question, author)
    from forum.answers.services import accept_answer, edit_answer
    from forum.questions.services import edit_question

    accept_answer(author, own_answer.id)
    edit_question(author, question.id, title=question.title + " (rivista)", body=question.body,
                  theme_slug=themes[0].slug)
    edit_answer(author, own_answer.id, body=own_answer.body + " Aggiornata.")
    published = make_practice(author, title="Pratica pubblicata di prova")
    draft = make_practice(author, status="bozza", title="Pratica in bozza di prova")
    draft = db.session.execute(
        select(Practice).where(Practice.id == draft.id)
        .options(selectinload(Practice.facets)).execution_options(populate_existing=True)
    ).scalar_one()
    state = snapshot(draft)
    state["title"] = "Titolo precedente della bozza"
    practice_revision = Revision(content_type=RevisionKind.PRACTICE, content_id=draft.id,
                                 editor_id=author.id, snapshot=state)
    pinned = make_practice(author, title="Pratica collegata di prova")
    db.session.add_all([
        practice_revision,
        PracticeLink(question_id=question.id, practice_id=pinned.id,
                     pinned_by_id=users["moderator"].id),
        Flag(post_type="answer", post_id=other_answer.id, question_id=question.id,
             reporter_id=users["member"].id, reason="spam"),
        EditSuggestion(post_type="question", post_id=question.id, question_id=question.id,
                       author_id=users["member"].id, title=question.title + " bis",
                       body=question.body + " bis"),
        Organisation(name="Comune di Prova", organisation_type="comune", region_code="08"),
    ])
    db.session.commit()
    from forum.models import RoutingOffer  # the member was offered the thread (routing)

    db.session.add(RoutingOffer(question_id=question.id, user_id=users["member"].id))
    db.session.commit()
    from forum.models import EditSuggestion as Suggestion

    ids = {
        "question": question.id, "own_answer": own_answer.id, "other_answer": other_answer.id,
        "comment": comment.id, "published": published.slug, "draft": draft.slug,
        "pinned": pinned.id, "theme_a": themes[0].slug, "theme_b": themes[1].id,
        "question_revision": db.session.query(Revision.id).filter(
            Revision.content_type == RevisionKind.QUESTION).scalar(),
        "answer_revision": db.session.query(Revision.id).filter(
            Revision.content_type == RevisionKind.ANSWER).scalar(),
        "practice_revision": practice_revision.id,
        "suggestion": db.session.query(Suggestion.id).scalar(),
        "organisation": db.session.query(Organisation.id).scalar(),
        "applicant": applicant.id, "target": target.id, "paused": paused.id,
        "accepted": db.session.query(Acceptance.id).scalar(),
        "unsubscribe": unsubscribe_token(author.id, "all"),
        "notification": db.session.query(Notification.id).filter(
            Notification.user_id == author.id).order_by(Notification.id).limit(1).scalar(),
    }
    ids |= _conversation_world(users)
    ids |= _group_world(users)
    ids |= _path_world(users)
    ids |= _after_world(users)
    ids |= _event_world(users)
    ids |= _consultation_world(users)
    ids |= _assessment_world(users)
    ids |= _guidelines_world(users)
    ids |= _priorities_world(users)
    ids |= _api_world(users)
    ids |= _accessibility_world(users)
    return World(users, ids)


def _api_world(users: dict[str, User]) -> dict[str, Any]:
    """A personal access token of the question's author."""
    from forum.tokens.services import create_token

    token, _plain = create_token(users["author"], name="Sito del Comune", scope="write",
                                 days=90)
    return {"token": token.id}



def _accessibility_world(users: dict[str, User]) -> dict[str, Any]:
    """An open accessibility report from an anonymous visitor."""
    from forum.accessibility.services import submit_report

    class Visitor:
        is_authenticated = False

    report = submit_report(Visitor(), description="Il modulo non funziona con la tastiera.",
                           email="visitatrice@example.org")
    return {"accessibility_report": report.id}


def _assessment_world(users: dict[str, User]) -> dict[str, Any]:
    """A published guideline owned by the editor with a two-criteria checklist; the member's
    organisation answered it (every other role belongs to another organisation)."""
    from forum.assessments.services import CriterionFields, add_criterion, save_answers
    from tests.factories import make_guideline

    guideline = make_guideline(users["editor"])
    first, second = (add_criterion(users["editor"], guideline.id, CriterionFields(
        "Accesso", title)) for title in ("Regole pubblicate", "Graduatorie chiare"))
    save_answers(users["member"], guideline.id, {f"score-{first.id}": "1"})
    return {"checklist": guideline.slug, "criterion": first.id, "criterion_2": second.id}


def _guidelines_world(users: dict[str, User]) -> dict[str, Any]:
    """A published guideline owned by the editor (redazione), with changes not yet
    published, and a solved public thread to propose as a guideline."""
    from forum.guidelines.services import GuidelineFields, edit_guideline
    from tests.factories import make_guideline

    guideline = make_guideline(users["editor"], title="Linea guida della matrice")
    edit_guideline(users["editor"], guideline.id, GuidelineFields(
        title=guideline.title, summary="Sintesi da pubblicare.", body=guideline.body,
        theme_ids=(db.session.scalar(select(Theme.id).order_by(Theme.position)),),
        review_by=guideline.review_by))
    asker = _user(username="chiede-linea-guida")
    question = make_question(author=asker)
    answer = make_answer(question, author=_user(username="risponde-linea-guida"))
    from forum.answers.services import accept_answer

    accept_answer(asker, answer.id)
    return {"guideline": guideline.slug, "guideline_question": question.id}


def _priorities_world(users: dict[str, User]) -> dict[str, Any]:
    """A valid priority and a draft newsletter issue (January 2025), by the board."""
    from forum.announcements.services import AnnouncementFields, create_announcement
    from forum.newsletters.services import IssueFields, create_issue

    theme = db.session.query(Theme.id).order_by(Theme.position).limit(1).scalar()
    priority = create_announcement(users["editor"], AnnouncementFields(
        title="Priorità di prova della redazione", body="Testo della priorità di prova.",
        theme_ids=(theme,), valid_from=utcnow().date()))
    issue = create_issue(users["editor"], IssueFields(
        title="Numero di prova", intro="Introduzione di prova.", year=2025, month=1))
    return {"priority": priority.slug, "priority_theme": theme,
            "issue": f"{issue.year}/{issue.month}"}


def _path_world(users: dict[str, User]) -> dict[str, Any]:
    """A published training path composed by the moderator, the member enrolled."""
    from forum.paths.services import ModuleFields, PathFields, enrol, publish_path, save_path

    path = save_path(users["moderator"], PathFields(title="Percorso di prova", modules=(
        ModuleFields("reading", "Lettura di prova", "https://www.example.org/lettura"),)))
    publish_path(users["moderator"], path.id, published=True)
    enrol(users["member"], path.id)
    from forum.models import PathModule

    return {"path": path.slug, "path_module": db.session.scalar(select(PathModule.id))}


def _after_world(users: dict[str, User]) -> dict[str, Any]:
    """An ended event organised by the moderator, the member marked present, one link
    among its materials."""
    from forum.certificates.materials import add_material
    from tests.certificates.helpers import ended_event

    event = ended_event(users["moderator"], present=(users["member"],))
    material = add_material(users["moderator"], event.id, "Slide",
                            url="https://example.org/slide")
    return {"ended_event": event.slug, "event_material": material.id}


def _event_world(users: dict[str, User]) -> dict[str, Any]:
    """Two published events of the moderator: one on approval (the member and another
    member registered, awaiting approval), one already started (the member confirmed)."""
    from forum.events.registrations import Answers, register
    from forum.models import Event, Registration
    from tests.events.helpers import published_event

    upcoming = published_event(users["moderator"], title="Incontro di prova su approvazione",
                               requires_approval=True)
    register(users["member"], upcoming.id, Answers())
    waiting = register(_user(username="iscritta-in-attesa"), upcoming.id, Answers())
    started = published_event(users["moderator"], title="Incontro di prova iniziato")
    mine = register(users["member"], started.id, Answers())
    db.session.execute(Event.__table__.update().where(Event.id == started.id).values(
        starts_at=utcnow() - timedelta(minutes=10)))
    db.session.commit()
    assert db.session.get(Registration, mine.id) is not None
    return {"event": upcoming.slug, "event_pending": waiting.id, "started_event": started.slug,
            "started_registration": mine.id, "checkin_code": started.checkin_code,
            "theme_id": db.session.scalar(select(Theme.id).order_by(Theme.position))}


def _group_world(users: dict[str, User]) -> dict[str, Any]:
    """An on-request group (a facilitator, a member who asked two solved questions, one of
    them proposed for publication; a pending request and an invitation of the plain member),
    an open group, and a private group of someone else."""
    from forum.answers.services import accept_answer as accept
    from forum.groups import invitations, publication
    from forum.groups.services import (
        GroupFields,
        create_group,
        decide_request,
        request_to_join,
    )
    from forum.models import GroupKind, GroupRequest
    from forum.questions.services import ask_question

    users["facilitator"] = _user(username="facilitatore")
    users["group_member"] = _user(username="membro-tavolo")
    users["other_group"] = _user(username="membro-altro-tavolo")
    db.session.commit()
    group = create_group(users["facilitator"], GroupFields(
        name="Tavolo su richiesta di prova", kind=GroupKind.ON_REQUEST))
    create_group(users["facilitator"], GroupFields(name="Tavolo aperto di prova"))
    create_group(users["other_group"], GroupFields(
        name="Altro tavolo riservato", kind=GroupKind.PRIVATE, listed=False))
    request_to_join(users["group_member"], group.id)
    decide_request(users["facilitator"], group.id,
                   db.session.scalar(select(GroupRequest.id)), approve=True)
    request_to_join(_user(username="richiede"), group.id)
    pending_request = db.session.scalar(select(GroupRequest.id))
    invitations.invite(users["facilitator"], group.id, "membro")
    from forum.mail import outbox_messages

    text = [m for m in outbox_messages() if m["To"] == users["member"].email][-1]
    token = text.get_body(("plain",)).get_content().split("/tavoli/invito/")[1].split()[0]
    from forum.models import GroupInvitation

    invitation = db.session.scalar(select(GroupInvitation.id))
    questions = []
    for title in ("Domanda riservata del tavolo di prova", "Seconda domanda riservata del tavolo"):
        question = ask_question(users["group_member"], title=title,
                                body="Testo riservato ai membri del tavolo di prova.",
                                theme_slug=db.session.scalar(select(Theme.slug)),
                                group_id=group.id)
        accept(users["group_member"],
               make_answer(question, author=users["facilitator"]).id)
        questions.append(question.id)
    publication.request_publication(users["facilitator"], questions[1])
    from werkzeug.datastructures import FileStorage

    from forum.groups.documents import DocumentFields, upload_document

    document = upload_document(users["facilitator"], group.id,
                               DocumentFields(title="Verbale della riunione di prova"),
                               FileStorage(io.BytesIO(pdf()), filename="verbale.pdf"))
    return {"document": document.id, "group": "tavolo-su-richiesta-di-prova",
            "open_group": "tavolo-aperto-di-prova",
            "group_request": pending_request, "group_invitation": invitation,
            "invitation_token": token, "group_question": questions[0],
            "consent_question": questions[1], "group_member": users["group_member"].id}


def _consultation_world(users: dict[str, User]) -> dict[str, Any]:
    """A guideline owned by the editorial board, in consultation, with one comment."""
    from forum.consultations.services import comment_on_section
    from tests.consultations.helpers import in_consultation

    guideline = in_consultation(users["editor"])
    comment = comment_on_section(users["member"], guideline.slug, "passi", "Un'osservazione.")
    return {"consulted": guideline.slug, "consultation_comment": comment.id}


def _conversation_world(users: dict[str, User]) -> dict[str, Any]:
    """A conversation between the author and a member, the member's reply reported by the
    author (moderators may open the report)."""
    from forum.conversations import services as conversations

    conversation = conversations.start_conversation(
        users["author"], recipients=users["member"].username, subject="Conversazione di prova",
        body="Primo messaggio privato.")
    reply = conversations.post_message(users["member"], conversation.id,
                                       body="Risposta privata da segnalare.")
    report, _created = conversations.report_message(users["author"], reply.id, reason="prova")
    return {"conversation": conversation.id, "member_message": reply.id,
            "message_report": report.id}


@dataclass(frozen=True)
class Row:
    """A route, how to call it successfully, and the expected status per role."""

    endpoint: str
    url: Callable[[dict], str]
    data: Callable[[dict], dict] = lambda ids: {}
    expect: dict[str, int] | None = None
    files: bool = False
    to_login: bool = False  # success sends the visitor on to the sign-in page
    method: str = "POST"  # a few GET routes that answer members only are here too
    group: bool = False  # checked for the group roles too
    board: bool = False  # checked for the editorial board too
    json: bool = False  # an API route: the data goes as a JSON body


def png() -> bytes:
    """A small real PNG photo."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


def _roles(default: int, **by_role: int) -> dict[str, int]:
    table = dict.fromkeys(ALL_ROLES, default)
    table.update(by_role)
    return table


# Who may do what, by kind of action.
ACTIVE = _roles(OK, anonymous=LOGIN, pending=DENY, suspended=DENY)
NOT_OWN = _roles(OK, anonymous=LOGIN, pending=DENY, suspended=DENY, author=DENY)
AUTHOR_OR_MOD = _roles(DENY, anonymous=LOGIN, author=OK, moderator=OK, admin=OK)
MODERATOR = _roles(DENY, anonymous=LOGIN, moderator=OK, admin=OK)
ADMIN = _roles(DENY, anonymous=LOGIN, admin=OK)
SIGNED_IN = _roles(OK, anonymous=LOGIN)
# A moderator of another theme may still propose an edit (as any trusted member would).
EDIT_OR_SUGGEST = _roles(DENY, anonymous=LOGIN, author=OK, moderator=OK, mod_other=OK, admin=OK)
# Practices span several themes and are curated by every moderator; a draft is invisible
# (404) to anyone else.
DRAFT_CURATORS = _roles(404, anonymous=LOGIN, author=OK, moderator=OK, mod_other=OK, admin=OK)
ANYONE = _roles(OK)
# A private conversation exists only for its participants (the author and the member here):
# anyone else, moderators included, gets 404.
PARTICIPANTS = _roles(404, anonymous=LOGIN, author=OK, member=OK)

QUESTION_FORM = {"title": "Come finanziare un nido aziendale tra enti?",
                 "body": "Vorremmo condividere un nido con altri due comuni vicini.",
                 "tags": "nido"}

ROWS = [
    Row("questions.ask", lambda i: "/domande/nuova",
        lambda i: {**QUESTION_FORM, "theme": i["theme_a"]}, ACTIVE),
    Row("questions.edit", lambda i: f"/domande/{i['question']}/modifica",
        lambda i: {**QUESTION_FORM, "theme": i["theme_a"]}, EDIT_OR_SUGGEST),
    Row("answers.create", lambda i: f"/domande/{i['question']}/risposte",
        lambda i: {"body": "Da noi ha funzionato una convenzione tra enti."}, ACTIVE),
    Row("answers.edit", lambda i: f"/risposte/{i['own_answer']}/modifica",
        lambda i: {"body": "Testo aggiornato della risposta con i dettagli."}, EDIT_OR_SUGGEST),
    Row("answers.accept", lambda i: f"/risposte/{i['other_answer']}/accetta",
        expect=AUTHOR_OR_MOD),
    Row("answers.withdraw", lambda i: f"/domande/{i['question']}/accettazione/ritira",
        expect=AUTHOR_OR_MOD),
    Row("comments.create", lambda i: f"/domande/{i['question']}/commenti",
        lambda i: {"body": "Grazie, molto utile."}, ACTIVE),
    Row("votes.cast", lambda i: f"/voti/question/{i['question']}", lambda i: {"voto": "su"},
        NOT_OWN),
    Row("moderation.flag", lambda i: f"/segnala/question/{i['question']}",
        lambda i: {"reason": "off_topic"}, NOT_OWN),
    Row("moderation.post_action",
        lambda i: f"/moderazione/answer/{i['other_answer']}/nascondi",
        lambda i: {"reason": "Pubblicità non richiesta."}, MODERATOR),
    Row("moderation.suspend_author",
        lambda i: f"/moderazione/answer/{i['other_answer']}/sospendi-autore",
        lambda i: {"days": "3", "reason": "Pubblicità ripetuta."}, MODERATOR),
    Row("moderation.close", lambda i: f"/domande/{i['question']}/moderazione/chiudi",
        lambda i: {"reason": "off_topic"}, MODERATOR),
    Row("moderation.thread_action", lambda i: f"/domande/{i['question']}/moderazione/blocca",
        lambda i: {"reason": "Toni accesi."}, MODERATOR),
    Row("moderation.decide_suggestion",
        lambda i: f"/moderazione/modifiche/{i['suggestion']}/respingi", expect=MODERATOR),
    Row("notifications.mark_read", lambda i: "/notifiche/lette", expect=SIGNED_IN),
    Row("drafts.save", lambda i: "/bozze/ask", lambda i: {"body": "Bozza in corso."}, ACTIVE),
    Row("drafts.discard", lambda i: f"/bozze/answer/scarta?domanda={i['question']}",
        expect=ACTIVE),
    Row("notifications.open_one", lambda i: f"/notifiche/{i['notification']}/apri",
        expect=_roles(404, anonymous=LOGIN, author=OK)),
    Row("notifications.settings", lambda i: "/impostazioni/notifiche", lambda i: {
        "email-my_threads": "weekly", "email-replies": "immediate", "email-followed": "none",
        "email-solutions": "daily", "email-account": "weekly", "email-messages": "none"},
        SIGNED_IN),
    Row("notifications.unsubscribe", lambda i: f"/disiscriviti/{i['unsubscribe']}",
        expect=_roles(200)),
    Row("notifications.follow", lambda i: "/segui",
        lambda i: {"tipo": "question", "id": str(i["question"]), "livello": "watching"},
        SIGNED_IN),
    Row("conversations.new", lambda i: "/messaggi/nuovo", lambda i: {
        "recipients": "bersaglio", "subject": "Una domanda sul progetto",
        "body": "Ciao, posso chiederti del vostro centro per le famiglie?"}, ACTIVE),
    Row("conversations.reply", lambda i: f"/messaggi/{i['conversation']}/rispondi",
        lambda i: {"body": "Grazie della risposta."}, PARTICIPANTS),
    Row("conversations.mark_read", lambda i: f"/messaggi/{i['conversation']}/letti",
        expect=PARTICIPANTS),
    Row("conversations.leave", lambda i: f"/messaggi/{i['conversation']}/lascia",
        expect=PARTICIPANTS),
    Row("conversations.report", lambda i: f"/messaggi/segnala/{i['member_message']}",
        lambda i: {"reason": "Toni offensivi", "conversazione": str(i["conversation"])},
        _roles(404, anonymous=LOGIN, author=OK, member=DENY)),
    Row("conversations.blocked", lambda i: "/messaggi/bloccati",
        lambda i: {"username": "bersaglio"}, SIGNED_IN),
    Row("conversations.unblock", lambda i: "/messaggi/bloccati/bersaglio/sblocca",
        expect=SIGNED_IN),
    Row("conversations.open_report", lambda i: f"/moderazione/messaggi/{i['message_report']}/apri",
        expect=_roles(DENY, anonymous=LOGIN, moderator=OK, mod_other=OK, admin=OK)),
    Row("conversations.close_report",
        lambda i: f"/moderazione/messaggi/{i['message_report']}/chiudi",
        expect=_roles(DENY, anonymous=LOGIN, moderator=OK, mod_other=OK, admin=OK)),
    Row("revisions.roll_back_question",
        lambda i: f"/domande/{i['question']}/revisioni/{i['question_revision']}/ripristina",
        expect=AUTHOR_OR_MOD),
    Row("revisions.roll_back_answer",
        lambda i: f"/risposte/{i['own_answer']}/revisioni/{i['answer_revision']}/ripristina",
        expect=AUTHOR_OR_MOD),
    Row("revisions.roll_back_practice",
        lambda i: f"/buone-pratiche/{i['draft']}/revisioni/{i['practice_revision']}/ripristina",
        expect=DRAFT_CURATORS),
    Row("practices.create", lambda i: "/buone-pratiche/nuova", lambda i: {
        "title": "Nido aziendale condiviso tra enti", "summary": "Un nido per i dipendenti.",
        "description": "Descrizione della pratica.",
        "lead_organisation": "Comune di Test (fittizio)", "organisation_type": "comune",
        "region_code": "08", "main_theme": "servizi-educativi-0-6",
        "target_groups": ["famiglie-figli-0-3"], "start_year": "2022", "stage": "avvio"},
        ACTIVE),
    Row("practices.edit", lambda i: f"/buone-pratiche/{i['draft']}/modifica", lambda i: {
        "title": "Pratica in bozza di prova rivista", "summary": "Un nido per i dipendenti.",
        "description": "Descrizione della pratica.",
        "lead_organisation": "Comune di Test (fittizio)", "organisation_type": "comune",
        "region_code": "08", "main_theme": "servizi-educativi-0-6",
        "target_groups": ["famiglie-figli-0-3"], "start_year": "2022", "stage": "avvio"},
        DRAFT_CURATORS),
    Row("practices.change_status", lambda i: f"/buone-pratiche/{i['draft']}/stato",
        lambda i: {"stato": "in-revisione"}, DRAFT_CURATORS),
    Row("practices.upload", lambda i: f"/buone-pratiche/{i['draft']}/allegati",
        lambda i: {"title": "Relazione", "file": (io.BytesIO(pdf()), "r.pdf")},
        DRAFT_CURATORS, files=True),
    Row("practices.replicate", lambda i: f"/buone-pratiche/{i['published']}/replica",
        lambda i: {"note": "Da noi dal 2024."}, ACTIVE),
    Row("practices.from_question", lambda i: f"/domande/{i['question']}/buona-pratica",
        expect=MODERATOR),
    Row("practices.pin", lambda i: f"/domande/{i['question']}/pratiche-collegate",
        lambda i: {"practice": i["published"]}, MODERATOR),
    Row("practices.unpin",
        lambda i: f"/domande/{i['question']}/pratiche-collegate/{i['pinned']}/rimuovi",
        expect=MODERATOR),
    Row("admin.approve", lambda i: f"/amministrazione/iscrizioni/{i['applicant']}/approva",
        expect=_roles(DENY, anonymous=LOGIN, moderator=OK, mod_other=OK, admin=OK)),
    Row("admin.reject", lambda i: f"/amministrazione/iscrizioni/{i['applicant']}/rifiuta",
        lambda i: {"reason": "Ente non riconosciuto."},
        _roles(DENY, anonymous=LOGIN, moderator=OK, mod_other=OK, admin=OK)),
    Row("admin.change_role", lambda i: f"/amministrazione/utenti/{i['target']}/ruolo",
        lambda i: {"role": "moderator"}, ADMIN),
    Row("admin.suspend", lambda i: f"/amministrazione/utenti/{i['target']}/sospendi",
        lambda i: {"days": "3", "reason": "Messaggi offensivi ripetuti."}, ADMIN),
    Row("admin.reactivate", lambda i: f"/amministrazione/utenti/{i['paused']}/riattiva",
        expect=ADMIN),
    Row("admin.themes", lambda i: "/amministrazione/temi",
        lambda i: {"name": "Nuovo tema di prova", "description": "Descrizione", "position": "20"},
        ADMIN),
    Row("admin.edit_theme", lambda i: f"/amministrazione/temi/{i['theme_b']}",
        lambda i: {"name": "Tema rinominato", "description": "Descrizione", "position": "3"},
        ADMIN),
    Row("admin.archive_theme", lambda i: f"/amministrazione/temi/{i['theme_b']}/archivio",
        expect=ADMIN),
    Row("admin.organisations", lambda i: "/amministrazione/enti",
        lambda i: {"name": "Comune di Altrove", "organisation_type": "comune",
                   "region_code": "08"}, ADMIN),
    Row("admin.archive_organisation",
        lambda i: f"/amministrazione/enti/{i['organisation']}/archivio", expect=ADMIN),
    Row("admin.registration_settings", lambda i: "/amministrazione/impostazioni",
        lambda i: {"policy": "approval", "domains": ""}, ADMIN),
    Row("users.edit", lambda i: "/profilo/modifica", lambda i: {
        "display_name": "Nome Nuovo", "organisation": "Comune di Prova",
        "organisation_type": "comune", "region_code": "08", "bio": ""}, SIGNED_IN),
    Row("users.upload_avatar", lambda i: "/profilo/foto",
        lambda i: {"photo": (io.BytesIO(png()), "foto.png")}, SIGNED_IN, files=True),
    Row("users.remove_avatar", lambda i: "/profilo/foto/rimuovi", expect=SIGNED_IN),
    Row("auth.change_password", lambda i: "/profilo/password", lambda i: {
        "current": PASSWORD, "new": "un-altra-password-sicura-2026",
        "confirm": "un-altra-password-sicura-2026"}, SIGNED_IN),
    Row("auth.logout", lambda i: "/esci", expect=_roles(OK, anonymous=LOGIN)),
    Row("main.set_language", lambda i: "/lingua", lambda i: {"lingua": "en"}, ANYONE),
    Row("main.preview", lambda i: "/anteprima", lambda i: {"testo": "**ciao**"},
        _roles(200, anonymous=LOGIN, pending=DENY, suspended=DENY)),
    Row("notifications.mention_suggestions", lambda i: "/menzioni/suggerimenti?q=mem",
        expect=_roles(200, anonymous=LOGIN, pending=DENY, suspended=DENY), method="GET"),
    Row("routing.decline", lambda i: f"/domande/{i['question']}/non-il-mio-campo",
        expect=_roles(404, anonymous=LOGIN, member=OK)),
    Row("routing.unsolved", lambda i: "/moderazione/senza-soluzione",
        expect=_roles(DENY, anonymous=LOGIN, moderator=200, mod_other=200, admin=200),
        method="GET"),
    Row("auth.login", lambda i: "/accedi",
        lambda i: {"login": "membro", "password": PASSWORD}, ANYONE),
    Row("auth.register", lambda i: "/registrati", lambda i: {
        "username": "nuova.persona", "display_name": "Nuova Persona",
        "email": "nuova@comune.esempio.it", "password": "una-password-lunga-e-sicura-2026",
        "confirm": "una-password-lunga-e-sicura-2026", "organisation": "Comune di Prova",
        "organisation_type": "comune", "region_code": "08"}, ANYONE),
    Row("auth.forgot_password", lambda i: "/password/dimenticata",
        lambda i: {"email": "membro@example.org"}, ANYONE, to_login=True),
    Row("auth.reset_password", lambda i: "/password/reimposta/token-non-valido",
        lambda i: {"password": "x", "confirm": "x"}, _roles(400)),
]

PATH_FORM = {"title": "Un percorso nuovo", "module_kind": ["reading"],
             "module_title": ["Lettura"], "module_reference": ["https://www.example.org/x"],
             "module_body": [""]}
ROWS += [
    Row("paths.create", lambda i: "/percorsi/nuovo", lambda i: PATH_FORM,
        _roles(DENY, anonymous=LOGIN, moderator=OK, mod_other=OK, admin=OK)),
    Row("paths.edit", lambda i: f"/percorsi/{i['path']}/modifica", lambda i: PATH_FORM,
        _roles(DENY, anonymous=LOGIN, moderator=OK, admin=OK)),
    Row("paths.publish", lambda i: f"/percorsi/{i['path']}/stato",
        lambda i: {"stato": "bozza"}, _roles(DENY, anonymous=LOGIN, moderator=OK, admin=OK)),
    Row("paths.enrol", lambda i: f"/percorsi/{i['path']}/iscriviti", expect=ACTIVE),
    Row("paths.certificate", lambda i: f"/percorsi/{i['path']}/attestato",
        expect=_roles(DENY, anonymous=LOGIN)),
    Row("paths.mark", lambda i: f"/percorsi/{i['path']}/moduli/{i['path_module']}",
        lambda i: {"fatto": "1"},
        _roles(409, anonymous=LOGIN, pending=DENY, suspended=DENY, member=OK)),
    Row("calendars.reset_token", lambda i: "/profilo/calendario/rigenera", expect=SIGNED_IN),
    Row("calendars.settings", lambda i: "/profilo/calendario", expect=_roles(200, anonymous=LOGIN),
        method="GET"),
]

# After an event (forum/certificates): its organiser (the moderator) and admins manage the
# materials; the member, marked present at the ended event, rates it.
ROWS += [
    Row("certificates.certificate", lambda i: f"/incontri/{i['ended_event']}/attestato",
        expect=_roles(DENY, anonymous=LOGIN, member=200)),
    Row("certificates.add_material", lambda i: f"/incontri/{i['ended_event']}/materiali",
        lambda i: {"label": "Registrazione", "url": "https://video.example.org/incontro"},
        MODERATOR),
    Row("certificates.delete_material",
        lambda i: f"/incontri/{i['ended_event']}/materiali/{i['event_material']}/elimina",
        expect=MODERATOR),
    Row("certificates.give_feedback", lambda i: f"/incontri/{i['ended_event']}/valutazione",
        lambda i: {"rating": "4", "comment": "Utile e concreto."},
        _roles(DENY, anonymous=LOGIN, member=OK)),
]

# Events: moderators (any theme) and admins create; the event's creator (the moderator
# here) and admins run it; a published event is seen by all (so others get 403).
EVENT_ORGANISERS = _roles(DENY, anonymous=LOGIN, moderator=OK, admin=OK)
EVENT_FORM = {"title": "Webinar di prova sulle tariffe", "kind": "webinar",
              "summary": "Due ore di casi reali su ISEE e tariffe.",
              "sessions-0-day": (utcnow() + timedelta(days=30)).date().isoformat(),
              "sessions-0-start": "15:00", "sessions-0-end": "17:00",
              "organiser": "Redazione Officina", "registration_required": "y",
              "online_url": "https://meet.example.org/prova"}

ROWS += [
    Row("events.create", lambda i: "/incontri/nuovo",
        lambda i: {**EVENT_FORM, "themes": [str(i["theme_id"])]},
        _roles(DENY, anonymous=LOGIN, moderator=OK, mod_other=OK, admin=OK)),
    Row("events.edit", lambda i: f"/incontri/{i['event']}/modifica",
        lambda i: {**EVENT_FORM, "themes": [str(i["theme_id"])]}, EVENT_ORGANISERS),
    Row("events.move", lambda i: f"/incontri/{i['event']}/stato",
        lambda i: {"to": "annullato", "reason": "Relatrice assente."}, EVENT_ORGANISERS),
    Row("events.register", lambda i: f"/incontri/{i['event']}/iscrizione",
        lambda i: {"organisation": "Comune di Prova", "job_title": "Istruttrice"}, ACTIVE),
    Row("events.cancel", lambda i: f"/incontri/{i['event']}/iscrizione/annulla",
        expect=_roles(409, anonymous=LOGIN, pending=DENY, suspended=DENY, member=OK)),
    Row("events.checkin", lambda i: f"/incontri/{i['started_event']}/presenza",
        lambda i: {"code": i["checkin_code"]},
        _roles(409, anonymous=LOGIN, pending=DENY, suspended=DENY, member=OK)),
    Row("events.decide", lambda i: f"/incontri/{i['event']}/iscritti/{i['event_pending']}/esito",
        lambda i: {"esito": "approva"}, EVENT_ORGANISERS),
    Row("events.mark_attendance", lambda i: f"/incontri/{i['started_event']}/iscritti/"
        f"{i['started_registration']}/presenza", expect=EVENT_ORGANISERS),
    Row("events.message", lambda i: f"/incontri/{i['event']}/messaggio",
        lambda i: {"subject": "Cambio aula", "body": "Ci vediamo in aula 2."},
        EVENT_ORGANISERS),
    Row("admin.toggle_organiser",
        lambda i: f"/amministrazione/utenti/{i['target']}/organizzatore", expect=ADMIN),
]

# Consultation on a guideline: members comment; whoever edits the guideline answers.
GUIDELINE_EDITORS = _roles(DENY, anonymous=LOGIN, moderator=OK, mod_other=OK, admin=OK,
                           editor=OK)
ROWS += [
    Row("consultations.comment",
        lambda i: f"/linee-guida/{i['consulted']}/consultazione/sezioni/passi/commenti",
        lambda i: {"s-passi-body": "Propongo di aggiungere un esempio."}, ACTIVE, board=True),
    Row("consultations.respond",
        lambda i: (f"/linee-guida/{i['consulted']}/consultazione/commenti/"
                   f"{i['consultation_comment']}/risposta"),
        lambda i: {f"r-{i['consultation_comment']}-outcome": "recepito",
                   f"r-{i['consultation_comment']}-reply": "Aggiunto un esempio."},
        GUIDELINE_EDITORS, board=True),
]

# Self-assessment: who may edit the guideline edits its checklist (its owner the editor,
# moderators, admins); members with an organisation fill it; results are their
# organisation's alone (the member's here: 404 for everyone else, admins included); the
# aggregates are the board's.
CRITERION_FORM = {"area": "Qualità", "title": "Personale formato", "scale_max": "4"}
ROWS += [
    Row("assessments.criteria", lambda i: f"/autovalutazione/{i['checklist']}/criteri",
        lambda i: CRITERION_FORM, GUIDELINE_EDITORS, board=True),
    Row("assessments.edit_criterion",
        lambda i: f"/autovalutazione/{i['checklist']}/criteri/{i['criterion']}",
        lambda i: CRITERION_FORM, GUIDELINE_EDITORS, board=True),
    Row("assessments.move_criterion",
        lambda i: f"/autovalutazione/{i['checklist']}/criteri/{i['criterion']}/sposta",
        lambda i: {"verso": "giu"}, GUIDELINE_EDITORS, board=True),
    Row("assessments.remove_criterion",
        lambda i: f"/autovalutazione/{i['checklist']}/criteri/{i['criterion_2']}/elimina",
        expect=GUIDELINE_EDITORS, board=True),
    Row("assessments.fill", lambda i: f"/autovalutazione/{i['checklist']}",
        lambda i: {f"score-{i['criterion']}": "2"}, ACTIVE, board=True),
    Row("assessments.results", lambda i: f"/autovalutazione/{i['checklist']}/risultati",
        expect=_roles(404, anonymous=LOGIN, member=200), method="GET", board=True),
    Row("assessments.aggregates", lambda i: f"/autovalutazione/{i['checklist']}/aggregati",
        expect=_roles(DENY, anonymous=LOGIN, admin=200, editor=200), method="GET",
        board=True),
]

# Guidelines: moderators, the editorial board (redazione) and admins write them; any of
# them (and the owners) edit, move and publish a guideline; members are refused.
ROWS += [
    Row("guidelines.create", lambda i: "/linee-guida/nuova", lambda i: {
        "title": "Linea guida nuova di prova", "summary": "Sintesi.",
        "body": "## Passi\n\nTesto.", "themes": [str(i["theme_id"])],
        "review_by": (utcnow() + timedelta(days=90)).date().isoformat()},
        GUIDELINE_EDITORS, board=True),
    Row("guidelines.edit", lambda i: f"/linee-guida/{i['guideline']}/modifica", lambda i: {
        "title": "Linea guida della matrice", "summary": "Sintesi rivista.",
        "body": "## Passi\n\nTesto rivisto.", "themes": [str(i["theme_id"])],
        "review_by": (utcnow() + timedelta(days=90)).date().isoformat()},
        GUIDELINE_EDITORS, board=True),
    Row("guidelines.change_status", lambda i: f"/linee-guida/{i['guideline']}/stato",
        lambda i: {"stato": "pubblicata", "change_note": "Sintesi aggiornata."},
        GUIDELINE_EDITORS, board=True),
    Row("guidelines.from_question",
        lambda i: f"/domande/{i['guideline_question']}/linea-guida", expect=GUIDELINE_EDITORS,
        board=True),
]

# Priorities (indirizzi) and the newsletter: the editorial board (the editor role and
# admins) writes, previews and sends; everyone else is refused.
BOARD = _roles(DENY, anonymous=LOGIN, admin=OK, editor=OK)
PRIORITY_FORM = {"title": "Rafforzare i centri per la famiglia",
                 "body": "I centri per la famiglia come porta unica ai servizi.",
                 "valid_from": utcnow().date().isoformat(), "valid_until": ""}
ISSUE_FORM = {"title": "Officina informa di prova", "intro": "Benvenuti."}

ROWS += [
    Row("announcements.create", lambda i: "/indirizzi/nuovo",
        lambda i: {**PRIORITY_FORM, "themes": [str(i["priority_theme"])]}, BOARD, board=True),
    Row("announcements.edit", lambda i: f"/indirizzi/{i['priority']}/modifica",
        lambda i: {**PRIORITY_FORM, "themes": [str(i["priority_theme"])]}, BOARD, board=True),
    Row("announcements.delete", lambda i: f"/indirizzi/{i['priority']}/elimina", expect=BOARD,
        board=True),
    Row("newsletters.create", lambda i: "/newsletter/nuova",
        lambda i: {**ISSUE_FORM, "month": "2025-02"}, BOARD, board=True),
    Row("newsletters.edit", lambda i: f"/newsletter/{i['issue']}/modifica",
        lambda i: ISSUE_FORM, BOARD, board=True),
    Row("newsletters.send", lambda i: f"/newsletter/{i['issue']}/invia",
        lambda i: {"confirm": "y"}, BOARD, board=True),
    Row("newsletters.preview", lambda i: f"/newsletter/{i['issue']}/anteprima",
        expect=_roles(DENY, anonymous=LOGIN, admin=200, editor=200), method="GET",
        board=True),
    Row("newsletters.issue", lambda i: f"/newsletter/{i['issue']}",
        expect=_roles(404, admin=200, editor=200), method="GET", board=True),
]

# The community dashboard (forum/dashboard): moderators, admins and the board read it.
DASHBOARD_READERS = _roles(DENY, anonymous=LOGIN, moderator=200, mod_other=200, admin=200,
                           editor=200)
ROWS += [
    Row("dashboard.index", lambda i: "/cruscotto", expect=DASHBOARD_READERS, method="GET",
        board=True),
    Row("dashboard.export", lambda i: "/cruscotto.csv?tema=giovani", expect=DASHBOARD_READERS,
        method="GET", board=True),
]

# The REST API: the same rules as the pages, with 401 instead of the sign-in page.
API_ACTIVE = _roles(OK, anonymous=NO_CREDENTIALS, pending=DENY, suspended=DENY)
API_NOT_OWN = _roles(OK, anonymous=NO_CREDENTIALS, pending=DENY, suspended=DENY, author=DENY)
API_AUTHOR_OR_MOD = _roles(DENY, anonymous=NO_CREDENTIALS, author=OK, moderator=OK, admin=OK)
API_QUESTION = {"title": "Come finanziare un nido aziendale tra enti?",
                "body": "Vorremmo condividere un nido con altri due comuni vicini.",
                "tags": ["nido"]}

ROWS += [
    Row("tokens.index", lambda i: "/profilo/token",
        lambda i: {"name": "Cruscotto regionale", "scope": "read", "days": "90"},
        _roles(OK, anonymous=LOGIN, pending=DENY, suspended=DENY)),
    Row("tokens.revoke", lambda i: f"/profilo/token/{i['token']}/revoca",
        expect=_roles(404, anonymous=LOGIN, author=OK)),
    Row("questions-api.ask", lambda i: "/api/v1/questions",
        lambda i: {**API_QUESTION, "theme": i["theme_a"]}, API_ACTIVE, json=True),
    Row("questions-api.answer", lambda i: f"/api/v1/questions/{i['question']}/answers",
        lambda i: {"body": "Da noi ha funzionato una convenzione tra enti."}, API_ACTIVE,
        json=True),
    Row("questions-api.comment_question",
        lambda i: f"/api/v1/questions/{i['question']}/comments",
        lambda i: {"body": "Grazie, molto utile."}, API_ACTIVE, json=True),
    Row("questions-api.comment_answer",
        lambda i: f"/api/v1/answers/{i['other_answer']}/comments",
        lambda i: {"body": "Grazie, molto utile."}, API_ACTIVE, json=True),
    Row("questions-api.vote_question", lambda i: f"/api/v1/questions/{i['question']}/vote",
        lambda i: {"value": 1}, API_NOT_OWN, method="PUT", json=True),
    Row("questions-api.vote_answer", lambda i: f"/api/v1/answers/{i['other_answer']}/vote",
        lambda i: {"value": 1}, API_ACTIVE, method="PUT", json=True),
    Row("questions-api.accept", lambda i: f"/api/v1/answers/{i['other_answer']}/accept",
        expect=API_AUTHOR_OR_MOD, json=True),
]

# The accessibility statement (forum/accessibility): anyone reports a problem, signed in
# or not (suspended and pending too: the right is everyone's); every moderator answers.
ACCESSIBILITY_HANDLERS = _roles(DENY, anonymous=LOGIN, moderator=OK, mod_other=OK, admin=OK)
ACCESSIBILITY_FORM = {"description": "Il menu non si apre con la tastiera.",
                      "email": "chiunque@example.org"}
ROWS += [
    Row("accessibility.feedback", lambda i: "/accessibilita/segnalazione",
        lambda i: ACCESSIBILITY_FORM, ANYONE),
    Row("accessibility.answer",
        lambda i: f"/moderazione/accessibilita/{i['accessibility_report']}/risposta",
        lambda i: {"answer": "Abbiamo corretto il menu."}, ACCESSIBILITY_HANDLERS),
    Row("accessibility.close",
        lambda i: f"/moderazione/accessibilita/{i['accessibility_report']}/chiudi",
        lambda i: {"note": "Prova"}, ACCESSIBILITY_HANDLERS),
    Row("accessibility.statement_settings", lambda i: "/amministrazione/accessibilita",
        lambda i: {"administration": "Comune di Prova", "site_name": "Officina",
                   "compliance": "conforme"}, ADMIN),
    Row("accessibility.queue", lambda i: "/moderazione/accessibilita",
        expect=_roles(DENY, anonymous=LOGIN, moderator=200, mod_other=200, admin=200),
        method="GET"),
]

# Open data (forum/opendata): the licence and the publisher are the admins'.
ROWS += [
    Row("admin.open_data_settings", lambda i: "/amministrazione/dati-aperti", lambda i: {
        "licence": "cc-by-4.0", "publisher_name": "Comune di Prova", "publisher_ipa": "c_x000",
        "contact_email": "dati@comune.example.it"}, ADMIN),
]

# Privacy (forum/privacy): every signed-in account, pending or suspended included, asks
# for its data or its deletion; only admins edit the privacy notice.
PRIVACY_NOTICE_FORM = {"controller_name": "Comune di Prova", "controller_address": "Via 1",
                       "controller_pec": "prova@pec.example.it", "dpo_name": "RPD",
                       "dpo_email": "rpd@example.it", "purposes": "Servizio",
                       "legal_basis": "Interesse pubblico", "data_categories": "Contatti",
                       "recipients": "Nessuno"}
ROWS += [
    Row("privacy.request_export", lambda i: "/profilo/dati/esporta", expect=SIGNED_IN),
    Row("privacy.request_deletion", lambda i: "/profilo/dati/elimina",
        lambda i: {"password": PASSWORD}, SIGNED_IN),
    Row("privacy.cancel_deletion", lambda i: "/profilo/dati/elimina/annulla",
        expect=SIGNED_IN),
    Row("privacy.notice_settings", lambda i: "/amministrazione/privacy/informativa",
        lambda i: PRIVACY_NOTICE_FORM, ADMIN),
]

# The API's other resources (part G): event registration and following.
ROWS += [
    Row("events-api.register", lambda i: f"/api/v1/events/{i['event']}/registration",
        lambda i: {"job_title": "Funzionaria"}, API_ACTIVE, method="PUT", json=True),
    Row("events-api.cancel", lambda i: f"/api/v1/events/{i['event']}/registration",
        expect=_roles(409, anonymous=NO_CREDENTIALS, pending=DENY, suspended=DENY, member=OK),
        method="DELETE", json=True),
    Row("follows-api.follow", lambda i: f"/api/v1/follows/theme/{i['theme_a']}",
        lambda i: {"level": "tracking"}, _roles(OK, anonymous=NO_CREDENTIALS), method="PUT",
        json=True),
    Row("follows-api.unfollow", lambda i: f"/api/v1/follows/member/{i['target']}",
        expect=_roles(OK, anonymous=NO_CREDENTIALS), method="DELETE", json=True),
]

# Redacting personal data from a published post (forum/redactions): its moderators only.
ROWS += [
    Row("redactions.redact", lambda i: f"/moderazione/oscura/answer/{i['other_answer']}",
        lambda i: {"body": "Risposta con i dati personali sostituiti da [omissis].",
                   "reason": "Recapito di una famiglia."}, MODERATOR),
]

GROUP_MANAGERS = _roles(DENY, anonymous=LOGIN, facilitator=OK, admin=OK)
# A restricted group's thread is a 404 for whoever is not in the group; writing needs an
# active account first.
GROUP_THREAD = _roles(404, anonymous=LOGIN, pending=DENY, suspended=DENY, facilitator=OK,
                      group_member=OK)

ROWS += [
    Row("groups.create", lambda i: "/tavoli/nuovo",
        lambda i: {"name": "Tavolo nuovo di prova", "kind": "open"}, ACTIVE, group=True),
    Row("groups.edit", lambda i: f"/tavoli/{i['group']}/modifica",
        lambda i: {"name": "Tavolo su richiesta rinominato", "kind": "request"},
        GROUP_MANAGERS, group=True),
    Row("groups.join", lambda i: f"/tavoli/{i['open_group']}/partecipa", expect=ACTIVE,
        group=True),
    Row("groups.request_join", lambda i: f"/tavoli/{i['group']}/richiesta",
        lambda i: {"message": "Vorrei partecipare."},
        _roles(OK, anonymous=LOGIN, pending=DENY, suspended=DENY, facilitator=409,
               group_member=409), group=True),
    Row("groups.withdraw_request", lambda i: f"/tavoli/{i['group']}/richiesta/ritira",
        expect=SIGNED_IN, group=True),
    Row("groups.leave", lambda i: f"/tavoli/{i['group']}/lascia",
        expect=_roles(409, anonymous=LOGIN, group_member=OK), group=True),
    Row("groups.invite", lambda i: f"/tavoli/{i['group']}/membri/invita",
        lambda i: {"target": "nuova.collega@comune.esempio.it"}, GROUP_MANAGERS, group=True),
    Row("groups.decide_request", lambda i: f"/tavoli/{i['group']}/richieste/{i['group_request']}",
        lambda i: {"esito": "approva"}, GROUP_MANAGERS, group=True),
    Row("groups.remove_member",
        lambda i: f"/tavoli/{i['group']}/membri/{i['group_member']}/rimuovi",
        expect=GROUP_MANAGERS, group=True),
    Row("groups.set_role", lambda i: f"/tavoli/{i['group']}/membri/{i['group_member']}/ruolo",
        lambda i: {"ruolo": "facilitator"}, GROUP_MANAGERS, group=True),
    Row("groups.revoke_invitation",
        lambda i: f"/tavoli/{i['group']}/inviti/{i['group_invitation']}/revoca",
        expect=GROUP_MANAGERS, group=True),
    Row("groups.invitation", lambda i: f"/tavoli/invito/{i['invitation_token']}",
        lambda i: {"risposta": "accetta"}, _roles(DENY, anonymous=LOGIN, member=OK),
        group=True),
    Row("groups.request_publication",
        lambda i: f"/domande/{i['group_question']}/pubblicazione",
        expect=_roles(404, anonymous=LOGIN, pending=DENY, suspended=DENY,
                      group_member=DENY, facilitator=OK), group=True),
    Row("groups.answer_publication",
        lambda i: f"/domande/{i['consent_question']}/pubblicazione/consenso",
        lambda i: {"risposta": "si"},
        _roles(404, anonymous=LOGIN, pending=DENY, suspended=DENY, group_member=OK,
               facilitator=DENY), group=True),
    Row("answers.create", lambda i: f"/domande/{i['group_question']}/risposte",
        lambda i: {"body": "Una risposta dentro il tavolo di prova."},
        {**GROUP_THREAD, "pending": 404, "suspended": 404}, group=True),
    Row("votes.cast", lambda i: f"/voti/question/{i['group_question']}",
        lambda i: {"voto": "su"}, {**GROUP_THREAD, "group_member": DENY}, group=True),
    Row("groups.upload_document", lambda i: f"/tavoli/{i['group']}/documenti",
        lambda i: {"title": "Ordine del giorno", "file": (io.BytesIO(pdf()), "odg.pdf")},
        _roles(404, anonymous=LOGIN, facilitator=OK, group_member=OK), files=True, group=True),
    Row("groups.upload_version",
        lambda i: f"/tavoli/{i['group']}/documenti/{i['document']}/versioni",
        lambda i: {"note": "Corretto il punto 2", "file": (io.BytesIO(pdf()), "v2.pdf")},
        _roles(404, anonymous=LOGIN, facilitator=OK, group_member=OK), files=True, group=True),
    Row("groups.edit_document",
        lambda i: f"/tavoli/{i['group']}/documenti/{i['document']}/modifica",
        lambda i: {"title": "Verbale rinominato", "folder": "Verbali"},
        _roles(404, anonymous=LOGIN, facilitator=OK, group_member=DENY), group=True),
    Row("groups.delete_document",
        lambda i: f"/tavoli/{i['group']}/documenti/{i['document']}/elimina",
        expect=_roles(404, anonymous=LOGIN, facilitator=OK, group_member=DENY), group=True),
    Row("questions.ask", lambda i: f"/domande/nuova?tavolo={i['group']}",
        lambda i: {**QUESTION_FORM, "theme": i["theme_a"]},
        _roles(DENY, anonymous=LOGIN, facilitator=OK, group_member=OK), group=True),
]

PAIRS = [pytest.param(row, role, id=f"{row.endpoint}-{role}") for row in ROWS
         for role in (ROLES + (GROUP_ROLES if row.group else ()) + (BOARD_ROLES if row.board
                                                                      else ()))]


def test_table_covers_every_route(app: Flask) -> None:
    """Every route that writes (POST, PUT, PATCH, DELETE: pages and API) has a row (a new
    route needs its expectations)."""
    posting = {rule.endpoint for rule in app.url_map.iter_rules()
               if WRITES & set(rule.methods or ())}
    assert posting == {row.endpoint for row in ROWS if row.method in WRITES}


@pytest.fixture(scope="module")
def world_file(tmp_path_factory: pytest.TempPathFactory) -> WorldFile:
    """The world committed to a SQLite file, once per worker (WAL checkpointed in)."""
    folder = tmp_path_factory.mktemp("world")
    path = folder / "world.sqlite3"
    builder = create_app("config.TestingConfig", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    builder.instance_path = str(folder)
    with builder.app_context():
        db.create_all()
        ensure_themes()
        world = _world()
        user_ids = {role: user.id for role, user in world.users.items()}
        db.session.remove()
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.engine.dispose()
    return WorldFile(path, user_ids, world.ids)


def _enter(world_file: WorldFile) -> World:
    """This test's database becomes a fresh copy of the world."""
    db.session.remove()
    db.engine.dispose()
    target = Path(db.engine.url.database or "")
    for leftover in (target.with_name(target.name + "-wal"),
                     target.with_name(target.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(world_file.path, target)
    users = {role: db.session.get(User, user_id) for role, user_id in world_file.user_ids.items()}
    return World({role: user for role, user in users.items() if user is not None},
                 world_file.ids)


@pytest.mark.skipif(
    bool(os.environ.get("FORUM_TEST_DATABASE_URL")),
    reason="the rules do not depend on the database: the SQLite run checks every pair "
           "(PostgreSQL locking and constraints are covered by the feature and load tests)",
)
@pytest.mark.parametrize(("row", "role"), PAIRS)
def test_route_answers_role_as_the_rules_say(app, client, login, world_file: WorldFile,
                                             row: Row, role: str) -> None:
    world = _enter(world_file)
    if role != "anonymous":
        login(world.users[role])
    kwargs: dict[str, Any] = ({"json": row.data(world.ids)} if row.json
                              else {"data": row.data(world.ids)})
    if row.files:
        kwargs["content_type"] = "multipart/form-data"
    response = client.open(row.url(world.ids), method=row.method, **kwargs)
    expected = (row.expect or {})[role]
    got = response.status_code
    if expected == LOGIN:
        assert got == 302 and "/accedi" in response.headers["Location"], (got, response.text[:300])
    elif expected == OK:
        location = response.headers.get("Location", "")
        assert got in (200, 201, 302, 303), (got, response.text[:500])
        assert row.to_login or "/accedi" not in location, location
    else:
        assert got == expected, (got, response.text[:500])
    assert got < 500
