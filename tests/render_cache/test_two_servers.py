"""Two app servers on one database, each with its own in-process cache: the versions
in the database make one server's change visible on the other at the next request. The
module has an app (and a database file) of its own, so the second app cannot disturb the
shared one."""

from __future__ import annotations

import pytest

from forum.extensions import db
from forum.models import Answer
from tests.conftest import second_app
from tests.factories import make_answer, make_question, make_user
from tests.render_cache.test_shared_pages import _client, _page


@pytest.fixture
def app_overrides() -> dict:
    """An application of this module's own."""
    return {"RENDER_CACHE_SECONDS": 60}


def test_changes_by_another_server_show_at_once(app) -> None:
    """Two app instances on one database, each with its own in-process cache: the
    versions in the database make the second's change visible on the first."""
    question = make_question()
    first = make_answer(question)
    db.session.commit()
    path = f"/domande/{question.id}"
    reader = _client(app, make_user())
    assert "Testo cambiato altrove" not in _page(reader, path)
    answer_id = first.id  # read here: the other app must not load the first's objects
    with second_app(app) as other, other.app_context():
        answer = db.session.get(Answer, answer_id)
        assert answer is not None
        answer.body_html = "<p>Testo cambiato altrove</p>"
        db.session.commit()
    assert "Testo cambiato altrove" in _page(reader, path)
