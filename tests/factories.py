"""Builders for test data; entities with invariants go through the services."""

from __future__ import annotations

import itertools

from forum.answers.services import post_answer
from forum.auth.services import register_user
from forum.comments.services import post_comment
from forum.models import Answer, Comment, Question, User
from forum.questions.services import ask_question

PASSWORD = "una-password-lunga-abbastanza"
_seq = itertools.count(1)


def make_user(role: str = "member", **overrides: str) -> User:
    """A registered user with unique username and email."""
    n = next(_seq)
    data = {
        "username": f"utente{n}",
        "display_name": f"Utente {n}",
        "email": f"utente{n}@ente.example",
        "password": PASSWORD,
        "organisation": f"Comune di Prova {n} (fittizio)",
        "organisation_type": "comune",
        "region_code": "08",
    }
    data.update(overrides)
    return register_user(role=role, **data)


def make_question(author: User | None = None, **overrides) -> Question:
    """A question by `author` (a new user if none)."""
    n = next(_seq)
    data = {
        "title": f"Come organizzare il servizio numero {n}?",
        "body": f"Testo della domanda numero {n}, con abbastanza dettagli sul contesto.",
        "theme_slug": "servizi-educativi-0-6",
        "tags": "nido, tariffe",
    }
    data.update(overrides)
    return ask_question(author or make_user(), **data)


def make_answer(question: Question, author: User | None = None, body: str | None = None) -> Answer:
    """An answer to `question` (by a new user if none)."""
    n = next(_seq)
    return post_answer(
        author or make_user(), question.id,
        body=body or f"Risposta numero {n}: ecco come abbiamo fatto nel nostro ente.",
    )


def make_comment(question: Question, author: User, **kw) -> Comment:
    """A comment on the question (or on an answer / in reply, via kw)."""
    return post_comment(author, question.id, body=kw.pop("body", "Un commento utile."), **kw)


def practice_data(**overrides) -> dict:
    """A complete, publishable practice record as the form or an import would give it."""
    n = next(_seq)
    data = {
        "title": f"Sportello unico per le famiglie numero {n}",
        "summary": "Un punto unico di accesso ai servizi per le famiglie del distretto.",
        "description": "Cosa, perché e come: **un solo sportello** per tutte le domande.",
        "lead_organisation": f"Comune di Esempio {n} (fittizio)",
        "organisation_type": "comune",
        "region_code": "08",
        "themes": ["centri-famiglia-consultori"],
        "target_groups": ["tutte-le-famiglie"],
        "start_year": 2021,
        "stage": "a-regime",
        "funding_sources": ["fondi-comunali"],
        "results": "Più di 300 famiglie accolte nel primo anno.",
        "transferability_notes": "Serve un operatore formato e una sede accessibile.",
        "contacts": [{"name": "Anna Verdi", "role": "Responsabile", "email": "anna@ente.example",
                      "phone": ""}],
    }
    data.update(overrides)
    return data


def make_practice(author: User | None = None, *, status: str = "pubblicata", **overrides):
    """A practice proposed by `author` and moved to `status` by a moderator."""
    from forum.practices.services import change_status, propose_practice

    author = author or make_user()
    practice = propose_practice(author, practice_data(**overrides))
    if status == "bozza":
        return practice
    moderator = make_user("moderator")
    change_status(author, practice.id, "in-revisione")
    if status == "pubblicata":
        change_status(moderator, practice.id, "pubblicata")
    elif status == "archiviata":
        change_status(moderator, practice.id, "pubblicata")
        change_status(moderator, practice.id, "archiviata")
    return practice


GUIDELINE_BODY = """Introduzione breve alla linea guida.

## A chi serve

Agli uffici dei comuni che organizzano i servizi per le famiglie.

## Passi

1. Raccogliere i dati.
2. Definire le regole.

## Errori frequenti

- Cambiare le regole a servizio avviato.
"""


def make_guideline(owner: User | None = None, *, published: bool = True,
                   themes=("servizi-educativi-0-6",), **overrides):
    """A guideline owned by `owner` (a new editor if none), published as version 1 unless
    `published` is false; built from the models (the services are tested on their own)."""
    from datetime import date, timedelta

    from sqlalchemy import select

    from forum.extensions import db
    from forum.guidelines.sections import render_sections
    from forum.models import Guideline, GuidelineStatus, GuidelineVersion, Theme
    from forum.models.base import utcnow

    owner = owner or make_user("editor")
    n = next(_seq)
    data = {"slug": f"linea-guida-{n}", "title": f"Linea guida di prova numero {n}",
            "summary": "Sintesi della linea guida di prova.", "body": GUIDELINE_BODY,
            "review_by": date.today() + timedelta(days=365), "legal_references": [
                {"label": "L. 8 novembre 2000, n. 328",
                 "urn": "urn:nir:stato:legge:2000-11-08;328",
                 "url": "https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:legge:2000-11-08;328"}]}
    data.update(overrides)
    guideline = Guideline(**data, body_html=render_sections(data["body"]),
                          created_by_id=owner.id,
                          status=GuidelineStatus.PUBLISHED if published else GuidelineStatus.DRAFT)
    guideline.themes = list(db.session.scalars(select(Theme).where(Theme.slug.in_(themes))))
    guideline.owners = [owner]
    db.session.add(guideline)
    db.session.flush()
    if published:
        guideline.version = 1
        guideline.published_at = utcnow()
        guideline.approved_by_id = owner.id
        db.session.add(GuidelineVersion(
            guideline_id=guideline.id, version=1, title=guideline.title,
            summary=guideline.summary, body=guideline.body, body_html=guideline.body_html,
            legal_references=guideline.legal_references, change_note="Prima versione.",
            changed_by_id=owner.id))
    db.session.commit()
    return guideline
