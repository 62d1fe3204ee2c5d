"""The review queue, the header badges, the audit log and the notifications page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Notification, Theme
from forum.models.base import utcnow
from forum.moderation import services, threads
from forum.moderation.flags import flag_post
from tests.factories import make_answer, make_comment, make_question, make_user
from tests.moderation.helpers import page_text

OTHER_THEME = "centri-famiglia-consultori"


def _theme_id(slug: str) -> int:
    return db.session.execute(select(Theme.id).where(Theme.slug == slug)).scalar_one()


def _badge(count: int, label: str) -> str:
    return f'{count}<span class="visually-hidden"> {label}</span>'


# Review queue ------------------------------------------------------------------------------

def test_queue_shows_flagged_posts_with_reasons_and_reporters(client, login, moderator):
    question = make_question(title="Domanda segnalata per pubblicità di un servizio?")
    answer = make_answer(make_question(), body="Risposta segnalata come offensiva da due.")
    flag_post(make_user(display_name="Rita Segnalatrice"), "question", question.id,
              reason="spam")
    flag_post(make_user(display_name="Piero Attento"), "answer", answer.id,
              reason="attention", note="Contiene un numero di telefono privato.")
    login(moderator)
    response = client.get("/moderazione")
    assert response.status_code == 200
    text = page_text(response)
    assert "2 contenuti segnalati" in text
    assert question.title in text
    assert "Risposta segnalata come offensiva da due." in text
    assert "Spam o pubblicità" in text and "Rita Segnalatrice" in text
    assert "Serve l'intervento della moderazione" in text and "Piero Attento" in text
    assert "Contiene un numero di telefono privato." in text


def test_queue_shows_a_comment_and_a_post_hidden_by_flags(client, login, moderator):
    comment = make_comment(make_question(), make_user(), body="Commento davvero sgarbato.")
    for _ in range(3):  # TestingConfig: every flag is trusted, three hide the post
        flag_post(make_user(), "comment", comment.id, reason="offensive")
    login(moderator)
    text = page_text(client.get("/moderazione"))
    assert "Commento davvero sgarbato." in text
    assert "3 segnalazioni" in text
    assert "Nascosto" in text
    assert "Conferma: nascondi" in text


def test_queue_is_empty_when_flags_are_handled(client, login, moderator):
    question = make_question()
    flag_post(make_user(), "question", question.id, reason="spam")
    services.dismiss_flags(moderator, "question", question.id)
    login(moderator)
    assert "Nessun contenuto segnalato da esaminare." in page_text(client.get("/moderazione"))


def test_queue_filter_by_reason_shows_only_that_reason(client, login, moderator):
    spam = make_question(title="Domanda segnalata soltanto come spam commerciale?")
    off = make_question(title="Domanda segnalata soltanto come fuori tema davvero?")
    flag_post(make_user(), "question", spam.id, reason="spam")
    flag_post(make_user(), "question", off.id, reason="off_topic")
    login(moderator)
    text = page_text(client.get("/moderazione?motivo=spam"))
    assert spam.title in text
    assert off.title not in text


def test_queue_with_an_unknown_reason_is_a_bad_request(client, login, moderator):
    login(moderator)
    assert client.get("/moderazione?motivo=noioso").status_code == 400


def test_queue_filter_by_theme(client, login, moderator):
    here = make_question(title="Domanda segnalata nel tema dei servizi educativi?")
    there = make_question(title="Domanda segnalata nel tema dei centri famiglia?",
                          theme_slug=OTHER_THEME)
    for q in (here, there):
        flag_post(make_user(), "question", q.id, reason="spam")
    login(moderator)
    text = page_text(client.get(f"/moderazione?tema={OTHER_THEME}"))
    assert there.title in text
    assert here.title not in text


def test_moderator_limited_to_a_theme_sees_only_its_flagged_posts(client, login):
    here = make_question(title="Domanda segnalata nel tema dei servizi educativi?")
    there = make_question(title="Domanda segnalata nel tema dei centri famiglia?",
                          theme_slug=OTHER_THEME)
    for q in (here, there):
        flag_post(make_user(), "question", q.id, reason="spam")
    limited = make_user("moderator")
    limited.moderated_theme_ids = str(_theme_id(OTHER_THEME))
    db.session.commit()
    login(limited)
    response = client.get("/moderazione")
    assert response.status_code == 200
    text = page_text(response)
    assert there.title in text
    assert here.title not in text
    assert "1 contenuto segnalato" in text


def test_queue_is_forbidden_to_members(client, login):
    login(make_user())
    response = client.get("/moderazione")
    assert response.status_code == 403
    assert "Questa pagina è riservata alla moderazione." in page_text(response)


def test_queue_needs_sign_in(client, app):
    response = client.get("/moderazione")
    assert response.status_code == 302
    assert "/accedi" in response.headers["Location"]


def _flag_posts(count: int) -> None:
    """`count` flagged posts of every kind in turn (answers and comments first)."""
    for n in range(count):
        question = make_question()
        kind = ("answer", "comment", "question")[n % 3]
        if kind == "question":
            flag_post(make_user(), "question", question.id, reason="spam")
        elif kind == "answer":
            flag_post(make_user(), "answer", make_answer(question).id, reason="off_topic")
        else:
            comment = make_comment(question, make_user())
            flag_post(make_user(), "comment", comment.id, reason="offensive")
            flag_post(make_user(), "comment", comment.id, reason="attention",
                      note="Serve uno sguardo della moderazione.")


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_queue_needs_the_same_number_of_queries_for_2_and_10_flagged_posts(
        client, login, query_counter, role):
    viewer = make_user(role)
    login(viewer)
    _flag_posts(2)
    with query_counter.counting() as few:
        assert client.get("/moderazione").status_code == 200
    few_count = few.count
    _flag_posts(8)
    with query_counter.counting() as many:
        response = client.get("/moderazione")
    assert response.status_code == 200
    assert "10 contenuti segnalati" in page_text(response)
    assert many.count == few_count, many.statements


# Header badges -----------------------------------------------------------------------------

def test_header_badge_counts_flagged_posts_for_moderators(client, login, moderator):
    for _ in range(2):
        flag_post(make_user(), "question", make_question().id, reason="spam")
    login(moderator)
    text = page_text(client.get("/domande"))
    assert _badge(2, "da esaminare") in text


def test_header_badge_counts_only_the_moderators_themes(client, login):
    flag_post(make_user(), "question", make_question().id, reason="spam")
    flag_post(make_user(), "question", make_question(theme_slug=OTHER_THEME).id,
              reason="spam")
    limited = make_user("moderator")
    limited.moderated_theme_ids = str(_theme_id(OTHER_THEME))
    db.session.commit()
    login(limited)
    assert _badge(1, "da esaminare") in page_text(client.get("/domande"))


def test_members_see_no_moderation_link(client, login):
    flag_post(make_user(), "question", make_question().id, reason="spam")
    login(make_user())
    text = page_text(client.get("/domande"))
    assert "da esaminare" not in text
    assert 'href="/moderazione"' not in text


# Audit log ---------------------------------------------------------------------------------

@pytest.fixture
def logged(app, moderator):  # type: ignore[no-untyped-def]
    """Two moderators' actions: a hide by `moderator`, a close by another one."""
    other = make_user("moderator", username="secondamod")
    hidden = make_question()
    services.hide_post(moderator, "question", hidden.id, reason="Pubblicità evidente")
    closed = make_question()
    threads.close_question(other, closed.id, reason="unclear", note="Manca il contesto")
    return {"moderator": moderator, "other": other}


def test_audit_page_lists_every_action_with_its_reason(client, login, logged):
    login(logged["moderator"])
    response = client.get("/moderazione/registro")
    assert response.status_code == 200
    text = page_text(response)
    assert "2 azioni registrate" in text
    assert "Contenuto nascosto" in text and "Pubblicità evidente" in text
    assert "Domanda chiusa" in text and "Manca il contesto" in text


def test_audit_page_filters_by_action(client, login, logged):
    login(logged["moderator"])
    text = page_text(client.get("/moderazione/registro?azione=close_question"))
    assert "1 azione registrata" in text
    assert "Manca il contesto" in text
    assert "Pubblicità evidente" not in text


def test_audit_page_filters_by_actor_username(client, login, logged):
    login(logged["moderator"])
    text = page_text(client.get("/moderazione/registro?autore=SecondaMod"))
    assert "1 azione registrata" in text
    assert "Manca il contesto" in text


def test_audit_page_filters_by_dates(client, login, logged):
    login(logged["moderator"])
    today = utcnow().date()
    yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)
    assert "2 azioni registrate" in page_text(
        client.get(f"/moderazione/registro?dal={today}&al={today}"))
    assert "Nessuna azione con questi filtri." in page_text(
        client.get(f"/moderazione/registro?al={yesterday}"))
    assert "Nessuna azione con questi filtri." in page_text(
        client.get(f"/moderazione/registro?dal={tomorrow}"))


def test_audit_page_shows_automatic_actions_as_the_system(client, login, moderator):
    answer = make_answer(make_question())
    for _ in range(3):
        flag_post(make_user(), "answer", answer.id, reason="spam")
    login(moderator)
    text = page_text(client.get("/moderazione/registro?azione=auto_hide"))
    assert "Sistema (regola automatica)" in text


@pytest.mark.parametrize("query", ["dal=ieri", "al=2026-13-45", "azione=cancella_tutto",
                                   "oggetto=pianeta"])
def test_audit_page_with_a_bad_filter_is_a_bad_request(client, login, moderator, query):
    login(moderator)
    response = client.get(f"/moderazione/registro?{query}")
    assert response.status_code == 400


def test_audit_page_bad_date_says_the_expected_format(client, login, moderator):
    login(moderator)
    response = client.get("/moderazione/registro?dal=31/12/2025")
    assert response.status_code == 400
    assert "AAAA-MM-GG" in page_text(response)


def test_audit_page_is_forbidden_to_members(client, login):
    login(make_user())
    assert client.get("/moderazione/registro").status_code == 403


# Notifications -----------------------------------------------------------------------------

def test_notifications_page_lists_messages_with_unread_badge(client, login, moderator):
    author = make_user()
    question = make_question(author)
    services.hide_post(moderator, "question", question.id, reason="Pubblicità evidente")
    login(author)
    text = page_text(client.get("/notifiche"))
    assert "Un tuo contenuto è stato nascosto dalla moderazione. Motivo: Pubblicità evidente" \
        in text
    note = db.session.scalars(select(Notification).where(
        Notification.user_id == author.id)).one()
    assert note.link == f"/domande/{question.id}#domanda"
    assert f'action="/notifiche/{note.id}/apri"' in text  # "Apri" marks read, then goes there
    assert _badge(1, "non lette") in text
    assert "Segna tutte come lette" in text


def test_reading_the_notifications_page_does_not_mark_them_read(client, login, moderator):
    author = make_user()
    services.warn_author(moderator, "question", make_question(author).id,
                         reason="Tono poco rispettoso")
    login(author)
    client.get("/notifiche")
    assert db.session.execute(select(Notification.read_at)).scalar_one() is None


def test_mark_all_read_clears_the_badge_for_that_member_only(client, login, moderator):
    author, other = make_user(), make_user()
    services.warn_author(moderator, "question", make_question(author).id,
                         reason="Tono poco rispettoso")
    services.warn_author(moderator, "question", make_question(other).id,
                         reason="Tono poco rispettoso")
    login(author)
    response = client.post("/notifiche/lette")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/notifiche")
    text = page_text(client.get("/notifiche"))
    assert "Notifiche segnate come lette." in text
    assert "non lette" not in text
    assert "Segna tutte come lette" not in text
    unread = db.session.execute(
        select(Notification.user_id).where(Notification.read_at.is_(None))).scalars().all()
    assert unread == [other.id]


def test_mark_all_read_with_nothing_unread_says_so(client, login):
    login(make_user())
    client.post("/notifiche/lette")
    assert "Nessuna notifica da leggere." in page_text(client.get("/notifiche"))


def test_members_do_not_see_others_notifications(client, login, moderator):
    author = make_user()
    services.warn_author(moderator, "question", make_question(author).id,
                         reason="Messaggio riservato all'autore")
    login(make_user())
    text = page_text(client.get("/notifiche"))
    assert "Messaggio riservato all'autore" not in text
    assert "Nessuna notifica." in text


def test_notifications_need_sign_in(client, app):
    assert client.get("/notifiche").status_code == 302
    assert client.post("/notifiche/lette").status_code == 302


def test_queue_words_dismissing_flags_apart_from_acting_on_the_post(client, login, moderator):
    question = make_question()
    flag_post(make_user(), "question", question.id, reason="spam")
    login(moderator)
    text = page_text(client.get("/moderazione"))
    assert "Archivia le segnalazioni (il contenuto resta)" in text
    assert "Nascondi il contenuto" in text
    dismiss = text.index("Se le segnalazioni non sono fondate")
    act = text.index("Se serve intervenire")
    hide = text.index("Nascondi il contenuto")
    assert dismiss < text.index("Archivia le segnalazioni") < act < hide
