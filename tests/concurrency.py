"""Running the same work from many threads at once, for the "24 requests together" tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from flask import Flask
from flask.testing import FlaskClient

from forum.extensions import db

T = TypeVar("T")


def at_once(app: Flask, work: Callable[[], T], count: int, *, timeout: float = 120) -> list[T]:
    """Run `work()` in `count` threads, each in its own app context, released together by
    a barrier; return what each returned (any order). An error in any thread fails the
    test with that error."""
    barrier = threading.Barrier(count)
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                barrier.wait(10)
                results.append(work())
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if errors:
        raise errors[0]
    assert len(results) == count, f"{count - len(results)} threads did not finish"
    return results


def signed_in_client(app: Flask, session_id: str) -> FlaskClient:
    """A client of its own (for one thread) signed in as the member with this session id
    (`user.get_id()`)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True
    return client
