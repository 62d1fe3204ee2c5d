"""A redacted post leaves the search index through the normal sync."""

from __future__ import annotations

import pytest

from forum.redactions.services import redact_post
from forum.search import service as search_service
from tests.factories import make_question, make_user
from tests.privacy.test_redaction import SECRET


@pytest.fixture
def app_overrides(tmp_path) -> dict:
    """Inline search sync into an index in this test's folder."""
    return {"SEARCH_SYNC": "inline", "SEARCH_INDEX_PATH": str(tmp_path / "index")}


def test_search_no_longer_finds_the_redacted_text(app):
    asker = make_user()
    question = make_question(asker, body=f"Domanda su {SECRET}, in affido da tre anni.",
                             confirmed_personal_data=True)
    assert search_service.search(SECRET).total == 1
    redact_post(make_user("moderator"), "question", question.id, title=question.title,
                body="Domanda su [omissis], in affido da tre anni.", reason="Nome di un minore")
    assert search_service.search(SECRET).total == 0
