"""Fixtures for the job tests: recording and failing tasks, waiting, a thread runner."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from forum.jobs import task
from forum.jobs.runners import ThreadRunner, get_runner

RAN: list[list] = []


@task("tests.record")
def record(*args: object) -> None:
    """Remember the call: the test reads RAN."""
    RAN.append(list(args))


@task("tests.fail")
def fail(message: str) -> None:
    """Always fails, to exercise retries."""
    raise RuntimeError(message)


@task("tests.record_and_finish")
def record_and_finish(*args: object) -> None:
    """Writes its result and ends its job in one transaction (as the search task does)."""
    from forum.database import write_intent
    from forum.extensions import db
    from forum.jobs.api import finish_in

    with write_intent():
        finish_in(db.session())
        RAN.append(list(args))
        db.session.commit()


@task("tests.finish_then_fail")
def finish_then_fail() -> None:
    """Ends its job in a write, then fails: the failure must still be recorded."""
    from forum.database import write_intent
    from forum.extensions import db
    from forum.jobs.api import finish_in

    with write_intent():
        finish_in(db.session())
        db.session.commit()
    raise RuntimeError("dopo la scrittura")


@pytest.fixture(autouse=True)
def ran() -> Iterator[list[list]]:
    """The calls of "tests.record" made by this test."""
    RAN.clear()
    yield RAN
    RAN.clear()


def wait_for(predicate: Callable[[], object], timeout: float = 15.0) -> None:
    """Poll until `predicate()` is true; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"still false after {timeout} s: {predicate}")
        time.sleep(0.05)


@pytest.fixture
def thread_runner(app: Flask) -> Iterator[ThreadRunner]:
    """The app's thread runner, stopped before the database goes away."""
    runner = get_runner(app, "thread")
    assert isinstance(runner, ThreadRunner)
    yield runner
    runner.stop()
