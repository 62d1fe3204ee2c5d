"""A month of community life for the newsletter tests, and issues through the services."""

from __future__ import annotations

from dataclasses import dataclass

from forum.announcements.queries import today
from forum.answers.services import accept_answer
from forum.extensions import db
from forum.groups.services import GroupFields, create_group
from forum.models import GroupKind, GuidelineStatus, NewsletterIssue, User
from forum.newsletters.services import IssueFields, create_issue
from tests.announcements.helpers import make_priority
from tests.events.helpers import published_event
from tests.factories import make_answer, make_guideline, make_practice, make_question, make_user


@dataclass
class Month:
    """What this month holds, public and restricted."""

    board: User
    secret_title: str = "Discussione riservata del tavolo sulle rette"
    secret_event: str = "Incontro riservato del tavolo sulle rette"


def solved(title: str, group_id: int | None = None) -> None:
    asker = make_user()
    question = make_question(asker, title=title)
    accept_answer(asker, make_answer(question).id)
    if group_id is not None:  # moved into the group once solved
        question.group_id = group_id
        db.session.commit()


def fill_month() -> Month:
    """Priorities, guidelines, solved threads, practices and events of the current month,
    with restricted or unpublished ones that must stay out."""
    board = make_user("editor")
    month = Month(board)
    make_priority(board, title="Priorità 2027: posti nido nelle aree interne")
    make_guideline(board, title="Linea guida pubblicata sulle rette dei nidi")
    make_guideline(board, title="Linea guida ancora in bozza", published=False)
    archived = make_guideline(board, title="Linea guida archiviata sulle rette")
    archived.status = GuidelineStatus.ARCHIVED
    db.session.commit()
    solved("Come calcolare le rette del nido con l'ISEE corrente?")
    facilitator = make_user()
    facilitator.is_organiser = True
    db.session.commit()
    group = create_group(facilitator, GroupFields(name="Tavolo riservato sulle rette",
                                                  kind=GroupKind.PRIVATE))
    solved(month.secret_title, group.id)
    make_practice(title="Sportello unico per le famiglie della valle")
    make_practice(title="Pratica ancora in bozza da non mostrare", status="bozza")
    published_event(make_user("moderator"), title="Webinar sulle rette dei nidi e ISEE")
    published_event(facilitator, title=month.secret_event, group_id=group.id)
    return month


def make_issue(board: User, **overrides) -> NewsletterIssue:  # type: ignore[no-untyped-def]
    day = today()
    values = dict(title="Officina informa di questo mese", intro="Un mese **intenso**.",
                  year=day.year, month=day.month)
    values.update(overrides)
    return create_issue(board, IssueFields(**values))  # type: ignore[arg-type]


def opt_in(*users: User) -> None:
    for user in users:
        db.session.get(User, user.id).newsletter_opt_in = True
    db.session.commit()
