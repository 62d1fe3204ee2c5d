"""The notification centre, the follow controls and the settings page, over HTTP."""

from __future__ import annotations

import html

from sqlalchemy import select

from forum.extensions import db
from forum.models import FollowTarget, Level, Notification, Theme
from forum.moderation.services import hide_post
from forum.notifications.follows import level_of
from tests.factories import make_answer, make_question, make_user


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


def badge(count: int) -> str:
    """The header's unread count as the page spells it."""
    return f'{count}<span class="visually-hidden"> non lette</span>'


def test_three_answers_on_one_thread_are_one_line_and_opening_it_reads_them_all(client, login):
    asker = make_user()
    question = make_question(asker, title="Come finanziare il nido comunale nel 2027?")
    for _ in range(3):
        make_answer(question)
    login(asker)
    page = text(client.get("/notifiche"))
    assert "3 nuove risposte a «Come finanziare il nido comunale nel 2027?»" in page
    assert badge(3) in text(client.get("/domande"))  # the header counts notifications
    newest = db.session.scalars(select(Notification).where(Notification.user_id == asker.id)
                                .order_by(Notification.id.desc())).first()
    response = client.post(f"/notifiche/{newest.id}/apri")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(newest.link)
    db.session.commit()
    assert db.session.scalars(select(Notification.read_at).where(
        Notification.user_id == asker.id)).all().count(None) == 0


def test_someone_else_s_notification_cannot_be_opened(client, login):
    asker = make_user()
    make_answer(make_question(asker))
    note = db.session.scalars(select(Notification)).one()
    login(make_user())
    assert client.post(f"/notifiche/{note.id}/apri").status_code == 404
    db.session.commit()
    assert db.session.get(Notification, note.id).read_at is None


def test_notifications_about_a_thread_hidden_since_disappear_for_those_who_cannot_see_it(
        client, login):
    asker, answerer, watcher = make_user(), make_user(), make_user()
    question = make_question(asker, title="Una domanda che sarà nascosta dalla moderazione")
    login(watcher)
    client.post("/segui", data={"tipo": "question", "id": question.id, "livello": "watching"})
    make_answer(question, answerer)
    assert "sarà nascosta" in text(client.get("/notifiche"))
    hide_post(make_user("moderator"), "question", question.id, reason="Contiene dati personali.")
    assert "sarà nascosta" not in text(client.get("/notifiche"))
    note = db.session.scalars(select(Notification).where(
        Notification.user_id == watcher.id)).one()
    assert client.post(f"/notifiche/{note.id}/apri").status_code == 404


def test_follow_control_changes_the_level_and_comes_back_to_the_page(client, login):
    member = make_user()
    question = make_question()
    login(member)
    page = text(client.get(f"/domande/{question.id}"))
    assert 'name="livello"' in page and "Notifiche di questa discussione" in page
    response = client.post("/segui", data={
        "tipo": "question", "id": question.id, "livello": "watching",
        "next": f"/domande/{question.id}"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/domande/{question.id}")
    db.session.commit()
    assert level_of(member, FollowTarget.QUESTION, question.id) == Level.WATCHING
    page = text(client.get(f"/domande/{question.id}"))
    assert '<option value="watching" selected>' in page


def test_follow_refuses_bad_input_with_a_message_and_never_a_500(client, login):
    question = make_question()
    login(make_user())
    bad_level = client.post("/segui", data={"tipo": "question", "id": question.id,
                                            "livello": "tutto"})
    assert bad_level.status_code == 422 and "livello" in text(bad_level).lower()
    for tipo, target in (("question", "999999"), ("question", "abc"), ("pianeta", "1"),
                         ("question", "-4"), ("practice", "1"), ("question", "9" * 40)):
        response = client.post("/segui", data={"tipo": tipo, "id": target,
                                               "livello": "watching"})
        assert response.status_code == 404, (tipo, target)
    offsite = client.post("/segui", data={"tipo": "question", "id": question.id,
                                          "livello": "muted", "next": "//evil.example/x"})
    assert offsite.status_code == 303
    assert offsite.headers["Location"].endswith(f"/domande/{question.id}")


def test_follow_needs_an_account(client):
    question = make_question()
    response = client.post("/segui", data={"tipo": "question", "id": question.id,
                                           "livello": "watching"})
    assert response.status_code == 302 and "/accedi" in response.headers["Location"]


def test_settings_page_lists_what_the_member_follows(client, login):
    member = make_user()
    make_question(member, title="La mia domanda sulle rette del nido")
    theme = db.session.scalar(select(Theme).where(Theme.slug == "sostegno-economico"))
    login(member)
    client.post("/segui", data={"tipo": "theme", "id": theme.id, "livello": "watching"})
    page = text(client.get("/impostazioni/notifiche"))
    assert "La mia domanda sulle rette del nido" in page  # asked: watching
    assert "Sostegno economico" in page
    assert page.count('name="livello"') == 2
    assert client.get(f"/temi/{theme.slug}").status_code == 200


def test_notification_centre_needs_as_many_queries_for_2_as_for_20_threads(
        client, login, query_counter):
    asker = make_user()
    login(asker)

    def answered(count: int) -> None:
        for _ in range(count):
            make_answer(make_question(asker))

    answered(2)
    with query_counter.counting() as few:
        assert client.get("/notifiche").status_code == 200
    few_count = few.count
    answered(18)
    with query_counter.counting() as many:
        response = client.get("/notifiche")
    assert text(response).count("ha risposto a") == 20
    assert many.count == few_count, many.statements


def test_header_count_is_one_query_whatever_the_number_of_notifications(
        client, login, query_counter):
    asker = make_user()
    question = make_question(asker)
    login(asker)
    with query_counter.counting() as none:
        client.get("/temi")
    for _ in range(5):
        make_answer(question)
    with query_counter.counting() as five:
        page = text(client.get("/temi"))
    assert badge(5) in page
    assert five.count == none.count
