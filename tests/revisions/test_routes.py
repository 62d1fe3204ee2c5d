"""History pages and rollbacks over HTTP."""

from __future__ import annotations

from sqlalchemy import func, select

from forum.answers.services import edit_answer
from forum.extensions import db
from forum.models import AuditEntry, Notification, Revision, RevisionKind, Theme
from forum.practices.services import edit_practice
from forum.questions.services import edit_question
from tests.factories import make_answer, make_practice, make_question, make_user, practice_data

ORIGINAL = "Il nido comunale apre alle sette e chiude alle diciotto ogni giorno."
CHANGED = "Il nido comunale apre alle otto e chiude alle diciotto ogni giorno feriale."


def _edit_body(editor, question, body: str) -> None:  # type: ignore[no-untyped-def]
    edit_question(editor, question.id, title=question.title, body=body,
                  theme_slug="servizi-educativi-0-6", tags="nido, tariffe")


def _edited_question(author=None, body: str = ORIGINAL):  # type: ignore[no-untyped-def]
    """A question edited once by its author; returns (author, question, first revision id)."""
    author = author or make_user()
    question = make_question(author, body=body)
    _edit_body(author, question, CHANGED)
    revision_id = db.session.scalar(
        select(Revision.id).where(Revision.content_type == RevisionKind.QUESTION,
                                  Revision.content_id == question.id))
    return author, question, revision_id


def _rollback_url(question_id: int, revision_id: int) -> str:
    return f"/domande/{question_id}/revisioni/{revision_id}/ripristina"


def test_history_page_shows_a_word_diff(client, app):
    _author, question, _rev = _edited_question()
    response = client.get(f"/domande/{question.id}/revisioni")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Cronologia della domanda" in page
    assert "Versione 2" in page and "Versione 1" in page
    assert '<del class="diff-del" title="rimosso"><span class="visually-hidden">[rimosso: </span>'\
        'sette' in page
    assert '<span class="visually-hidden">[aggiunto: </span>otto' in page
    assert "Ripristina questa versione" not in page  # anonymous visitors only read


def test_history_shows_the_rollback_button_to_the_author(client, login, app):
    author, question, revision_id = _edited_question()
    login(author)
    page = client.get(f"/domande/{question.id}/revisioni").get_data(as_text=True)
    assert "Ripristina questa versione" in page
    assert _rollback_url(question.id, revision_id) in page
    assert 'name="motivo"' in page


def test_author_rolls_back_own_question(client, login, app):
    author, question, revision_id = _edited_question()
    login(author)
    response = client.post(_rollback_url(question.id, revision_id))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/domande/{question.id}")
    db.session.expire_all()
    assert question.body == ORIGINAL
    assert db.session.scalar(select(func.count(Revision.id)).where(
        Revision.content_type == RevisionKind.QUESTION)) == 2
    page = client.get(f"/domande/{question.id}/revisioni").get_data(as_text=True)
    assert "Versione 3" in page


def test_rollback_by_other_member_is_403(client, login, app):
    _author, question, revision_id = _edited_question()
    login(make_user())
    assert client.post(_rollback_url(question.id, revision_id)).status_code == 403
    db.session.expire_all()
    assert question.body == CHANGED


def test_anonymous_rollback_is_sent_to_login(client, app):
    _author, question, revision_id = _edited_question()
    response = client.post(_rollback_url(question.id, revision_id))
    assert response.status_code == 302
    assert "/accedi" in response.headers["Location"]


def test_rollback_by_moderator_of_another_theme_is_403(client, login, app):
    _author, question, revision_id = _edited_question()
    moderator = make_user("moderator")
    moderator.moderated_theme_ids = str(db.session.scalar(
        select(Theme.id).where(Theme.id != question.theme_id).limit(1)))
    db.session.commit()
    login(moderator)
    assert client.post(_rollback_url(question.id, revision_id)).status_code == 403


def test_rollback_by_moderator_of_the_theme_is_audited_and_notified(client, login, app):
    author, question, revision_id = _edited_question()
    moderator = make_user("moderator")
    moderator.moderated_theme_ids = str(question.theme_id)
    db.session.commit()
    login(moderator)
    response = client.post(_rollback_url(question.id, revision_id),
                           data={"motivo": "Modifica vandalica"})
    assert response.status_code == 303
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "rollback")).scalar_one()
    assert (entry.actor_id, entry.target_id, entry.reason) == (
        moderator.id, question.id, "Modifica vandalica")
    note = db.session.execute(select(Notification)).scalar_one()
    assert (note.user_id, note.kind) == (author.id, "post_rolled_back")


def test_unknown_revision_is_404(client, login, app):
    author, question, _rev = _edited_question()
    login(author)
    assert client.post(_rollback_url(question.id, 424242)).status_code == 404


def test_revision_of_another_post_is_404(client, login, app):
    author, question, _rev = _edited_question()
    _author, _other, other_revision = _edited_question(author)
    login(author)
    assert client.post(_rollback_url(question.id, other_revision)).status_code == 404


def test_rollback_to_identical_content_is_409_with_a_message(client, login, app):
    author, question, revision_id = _edited_question()
    _edit_body(author, question, ORIGINAL)
    login(author)
    response = client.post(_rollback_url(question.id, revision_id))
    assert response.status_code == 409
    assert "già identico" in response.get_data(as_text=True)


def test_hostile_content_is_escaped_in_the_diff(client, app):
    _author, question, _rev = _edited_question(
        body="Testo con <script>alert(1)</script> e <img src=x onerror=alert(2)> dentro.")
    page = client.get(f"/domande/{question.id}/revisioni").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_missing_question_history_is_404(client, app):
    assert client.get("/domande/424242/revisioni").status_code == 404


def test_hidden_question_history_is_404_for_others(client, login, app):
    from forum.models.base import utcnow

    author, question, _rev = _edited_question()
    question.hidden_at = utcnow()
    db.session.commit()
    assert client.get(f"/domande/{question.id}/revisioni").status_code == 404
    login(make_user())
    assert client.get(f"/domande/{question.id}/revisioni").status_code == 404
    login(author)
    assert client.get(f"/domande/{question.id}/revisioni").status_code == 200


def test_history_queries_do_not_grow_with_revisions(client, login, app, query_counter):
    """Same number of statements with 2 and with 10 revisions, each by a different editor."""
    login(make_user())

    def build(n: int) -> int:
        author = make_user()
        question = make_question(author)
        for i in range(n):
            editor = make_user("moderator")
            _edit_body(editor, question, f"{ORIGINAL} Correzione numero {i} del testo.")
        return question.id

    counts = []
    for question_id in (build(2), build(10)):
        db.session.expire_all()
        with query_counter.counting() as counter:
            assert client.get(f"/domande/{question_id}/revisioni").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_answer_history_and_rollback(client, login, app):
    author = make_user()
    question = make_question()
    answer = make_answer(question, author, body=ORIGINAL)
    edit_answer(author, answer.id, body=CHANGED)
    revision_id = db.session.scalar(
        select(Revision.id).where(Revision.content_type == RevisionKind.ANSWER,
                                  Revision.content_id == answer.id))
    page = client.get(f"/risposte/{answer.id}/revisioni").get_data(as_text=True)
    assert "Cronologia della risposta" in page and question.title in page
    login(make_user())
    url = f"/risposte/{answer.id}/revisioni/{revision_id}/ripristina"
    assert client.post(url).status_code == 403
    login(author)
    response = client.post(url)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#risposta-{answer.id}")
    db.session.expire_all()
    assert answer.body == ORIGINAL


def test_practice_history_and_rollback(client, login, app):
    author = make_user()
    practice = make_practice(author, status="bozza")
    edit_practice(author, practice.id, practice_data(title="Un titolo nuovo per la pratica"))
    page = client.get(f"/buone-pratiche/{practice.slug}/revisioni")
    assert page.status_code == 404  # drafts are visible to their author and moderators only
    login(author)
    page = client.get(f"/buone-pratiche/{practice.slug}/revisioni").get_data(as_text=True)
    assert "Cronologia della buona pratica" in page and "Titolo" in page
    detail = client.get(f"/buone-pratiche/{practice.slug}").get_data(as_text=True)
    assert f'href="/buone-pratiche/{practice.slug}/revisioni"' in detail

    revision_id = db.session.scalar(select(Revision.id).where(
        Revision.content_type == RevisionKind.PRACTICE))
    response = client.post(f"/buone-pratiche/{practice.slug}/revisioni/{revision_id}/ripristina")
    assert response.status_code == 303
    db.session.expire_all()
    assert practice.title != "Un titolo nuovo per la pratica"
