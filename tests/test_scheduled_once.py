"""Scheduled commands that cron starts on every node at once still run once: two app
instances on one database run the same command together, and each member hears once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.cli import ScriptInfo
from sqlalchemy import func, select, update

from forum.extensions import db
from forum.mail import outbox_messages
from forum.models import DigestSent, Notification
from forum.models.base import utcnow
from tests.certificates.helpers import ended_event
from tests.conftest import second_app
from tests.factories import make_answer, make_question, make_user
from tests.notifications.test_digests import weekly_for_my_threads


@pytest.fixture
def app_overrides() -> dict:
    """An application (and SQLite file) of this module's own, beside the second node."""
    return {"NODES": 1}


@pytest.fixture
def node_b(app: Flask) -> Iterator[Flask]:
    """A second app instance on the same database, instance folder and mail outbox."""
    with second_app(app) as other:
        yield other


def on_both_nodes(apps: list[Flask], args: list[str]) -> None:
    """`flask <args>` on each app, in threads released together, as cron on two nodes."""
    barrier = threading.Barrier(len(apps))
    errors: list[BaseException] = []

    def run(node: Flask) -> None:
        try:
            command = node.cli.get_command(None, args[0])  # type: ignore[arg-type]
            assert command is not None
            barrier.wait(10)
            command.main(args[1:], prog_name=args[0], standalone_mode=False,
                         obj=ScriptInfo(create_app=lambda: node))
        except BaseException as error:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(node,)) for node in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    if errors:
        raise errors[0]


def test_weekly_digests_started_on_two_nodes_go_out_once(app, node_b) -> None:
    members = [make_user() for _ in range(3)]
    for member in members:
        weekly_for_my_threads(member)
        make_answer(make_question(member))
    db.session.execute(update(Notification).values(
        created_at=utcnow() - timedelta(days=7)))  # into the last complete week
    db.session.commit()
    on_both_nodes([app, node_b], ["digests", "send", "--period", "weekly"])
    for member in members:
        assert len([m for m in outbox_messages() if m["To"] == member.email]) == 1
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(DigestSent)) == 3


def test_feedback_requests_started_on_two_nodes_are_sent_once(app, node_b) -> None:
    organiser = make_user("moderator")
    attendees = [make_user() for _ in range(4)]
    ended_event(organiser, confirmed=tuple(attendees))
    on_both_nodes([app, node_b], ["events", "feedback"])
    db.session.commit()
    asked = db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "event_feedback")).all()
    assert sorted(asked) == sorted(a.id for a in attendees)
