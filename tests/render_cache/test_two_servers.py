"""Two app servers on one database, each with its own in-process cache: the versions
in the database make one server's change visible on the other at the next request. The
module has an app (and a database file) of its own, so the second app cannot disturb the
shared one."""

from __future__ import annotations

import pytest

from forum.extensions import db
from forum.models import Answer
from tests.conftest import PG_URL, _release
from tests.factories import make_answer, make_question, make_user
from tests.render_cache.test_shared_pages import _client, _page


@pytest.fixture
def app_overrides() -> dict:
    """An application of this module's own."""
    return {"RENDER_CACHE_SECONDS": 60}


@pytest.mark.skipif(bool(PG_URL), reason=(
    "PostgreSQL: a second app's ORM write hands a psycopg connection to the garbage "
    "collector (seen without the shared render too); the versions work the same on both "
    "databases and test_shared_pages covers PostgreSQL"))
def test_changes_by_another_server_show_at_once(app) -> None:
    """Two app instances on one database, each with its own in-process cache: the
    versions in the database make the second's change visible on the first."""
    from forum import create_app

    question = make_question()
    first = make_answer(question)
    db.session.commit()
    path = f"/domande/{question.id}"
    reader = _client(app, make_user())
    assert "Testo cambiato altrove" not in _page(reader, path)
    other = create_app("config.TestingConfig",
                       SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                       SEARCH_SYNC="off")
    with other.app_context():
        answer = db.session.get(Answer, first.id)
        assert answer is not None
        answer.body_html = "<p>Testo cambiato altrove</p>"
        db.session.commit()
        db.session.remove()
        _release(other)  # its job runners and index, as the fixture does for `app`
        db.engine.dispose()
    assert "Testo cambiato altrove" in _page(reader, path)
