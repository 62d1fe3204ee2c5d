"""/indirizzi: pages, the board's form (422 keeps the text), pinning on home and theme."""

from __future__ import annotations

from sqlalchemy import select

from forum.extensions import db
from forum.models import Announcement
from tests.announcements.helpers import THEME, days, make_priority, theme_id
from tests.factories import make_user
from tests.hostile import SAMPLE


def form(**overrides) -> dict:  # type: ignore[no-untyped-def]
    data = {"title": "Rafforzare i centri per la famiglia",
            "body": "I centri per la famiglia come porta d'accesso unica ai servizi.",
            "themes": [str(theme_id())], "valid_from": days(0).isoformat(), "valid_until": ""}
    data.update(overrides)
    return data


def test_only_the_board_opens_the_form(client, login, app):
    assert client.get("/indirizzi/nuovo").status_code == 302  # to sign in
    login(make_user())
    assert client.get("/indirizzi/nuovo").status_code == 403
    assert client.post("/indirizzi/nuovo", data=form()).status_code == 403
    login(make_user("editor"))
    page = client.get("/indirizzi/nuovo")
    assert page.status_code == 200 and days(0).isoformat() in page.get_data(as_text=True)


def test_the_board_publishes_and_the_priority_is_pinned_on_home_and_theme(client, login, app):
    login(make_user("editor"))
    response = client.post("/indirizzi/nuovo", data=form())
    assert response.status_code == 303
    slug = db.session.scalars(select(Announcement.slug)).one()
    assert response.headers["Location"].endswith(f"/indirizzi/{slug}")
    for path in ("/", f"/temi/{THEME}", "/indirizzi", f"/indirizzi/{slug}"):
        page = client.get(path).get_data(as_text=True)
        assert "Rafforzare i centri per la famiglia" in page, path
    assert "Rafforzare i centri" not in client.get("/temi/giovani").get_data(as_text=True)
    assert "pinned-priorities" in client.get("/").get_data(as_text=True)


def test_an_end_before_the_start_answers_422_and_keeps_the_text(client, login, app):
    login(make_user("editor"))
    response = client.post("/indirizzi/nuovo", data=form(
        body="Testo da non perdere per nessun motivo.", valid_from=days(5).isoformat(),
        valid_until=days(1).isoformat()))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "non può venire prima dell" in page and "Testo da non perdere" in page
    response = client.post("/indirizzi/nuovo", data=form(valid_from="31/02/2027"))
    assert response.status_code == 422
    assert db.session.scalars(select(Announcement)).all() == []


def test_future_priorities_are_for_the_board_only_and_past_ones_are_archived(client, login,
                                                                            app):
    board = make_user("editor")
    future = make_priority(board, title="Priorità che inizia tra poco", valid_from=days(7))
    make_priority(board, title="Priorità già conclusa", valid_from=days(-60),
                  valid_until=days(-1))
    page = client.get("/indirizzi").get_data(as_text=True)
    assert "Priorità già conclusa" in page and "tra poco" not in page
    assert "Priorità già conclusa" not in client.get("/").get_data(as_text=True)
    assert client.get(f"/indirizzi/{future.slug}").status_code == 404
    login(make_user())
    assert client.get(f"/indirizzi/{future.slug}").status_code == 404
    login(board)
    assert "tra poco" in client.get("/indirizzi").get_data(as_text=True)
    assert client.get(f"/indirizzi/{future.slug}").status_code == 200


def test_the_archive_is_paged(client, app):
    board = make_user("editor")
    for n in range(app.config["QUESTIONS_PER_PAGE"] + 1):
        make_priority(board, title=f"Priorità conclusa numero {n}", valid_from=days(-90),
                      valid_until=days(-1 - n))
    assert "Priorità conclusa numero 0" in client.get("/indirizzi").get_data(as_text=True)
    assert client.get("/indirizzi?page=2").status_code == 200
    assert client.get("/indirizzi?page=9").status_code == 404


def test_the_board_edits_and_deletes(client, login, app):
    board = make_user("editor")
    slug = make_priority(board).slug
    login(make_user())
    assert client.get(f"/indirizzi/{slug}/modifica").status_code == 403
    assert client.post(f"/indirizzi/{slug}/elimina").status_code == 403
    login(board)
    page = client.get(f"/indirizzi/{slug}/modifica").get_data(as_text=True)
    assert "posti nido" in page
    response = client.post(f"/indirizzi/{slug}/modifica",
                           data=form(title="Titolo nuovo della priorità"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/indirizzi/{slug}")  # stable
    assert client.post(f"/indirizzi/{slug}/elimina").status_code == 303
    assert client.get(f"/indirizzi/{slug}").status_code == 404


def test_a_slug_that_is_a_route_word_is_not_given(client, login, app):
    priority = make_priority(make_user("editor"), title="Nuovo")
    assert priority.slug == "nuovo-2"


def test_the_home_page_costs_one_statement_more_whatever_the_priorities(client, app,
                                                                      query_counter):
    board = make_user("editor")
    make_priority(board, title="Prima priorità in vigore")
    client.get("/")
    with query_counter.counting() as few:
        client.get("/")
    for n in range(5):
        make_priority(board, title=f"Altra priorità in vigore {n}", theme_ids=(
            theme_id(), theme_id("giovani")))
    with query_counter.counting() as many:
        client.get("/")
    assert many.count == few.count


def test_the_form_takes_any_text(client, login, app):
    login(make_user("editor"))
    codes = set()
    for n, text in enumerate(SAMPLE):
        names = ("title", "body", "valid_from", "valid_until", "themes") if n % 2 else (
            "title", "body")
        response = client.post("/indirizzi/nuovo", data=form(**dict.fromkeys(names, text)))
        codes.add(response.status_code)
        page = response.get_data(as_text=True)
        assert "<script>alert" not in page
    assert codes <= {303, 409, 422}, codes
    assert 303 in codes and 422 in codes
    for priority in db.session.scalars(select(Announcement)):
        page = client.get(f"/indirizzi/{priority.slug}")
        assert page.status_code == 200, priority.title
        assert "<script>alert" not in page.get_data(as_text=True)
    assert client.get("/").status_code == 200 and client.get("/indirizzi").status_code == 200
