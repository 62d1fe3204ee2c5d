"""A theme page as a map of knowledge: its sections in order, each short, with what the
viewer may see, in a constant number of statements."""

from __future__ import annotations

from datetime import timedelta

from forum.announcements.queries import today
from forum.answers.services import accept_answer
from forum.extensions import db
from forum.groups.services import GroupFields, create_group
from forum.models import Expertise, GroupKind, GuidelineStatus
from tests.announcements.helpers import THEME, make_priority, theme_id
from tests.events.helpers import published_event
from tests.factories import make_answer, make_guideline, make_practice, make_question, make_user

SECTIONS = ("titolo-priorita-tema", "titolo-linee-guida", "titolo-pratiche-tema",
            "titolo-risolte", "titolo-senza-risposta", "titolo-incontri-tema", "titolo-esperti")


def _fill(n: int) -> None:
    """`n` items of every kind in the theme."""
    board = make_user("editor")
    for i in range(n):
        make_priority(board, title=f"Priorità del tema numero {i}")
        make_guideline(board, title=f"Linea guida del tema numero {i}")
        make_practice(title=f"Buona pratica del tema numero {i}", themes=[THEME])
        published_event(make_user("moderator"), title=f"Incontro del tema numero {i}",
                        theme_ids=(theme_id(),))
        asker = make_user()
        solved = make_question(asker, title=f"Domanda risolta del tema numero {i}")
        accept_answer(asker, make_answer(solved).id)
        make_question(title=f"Domanda in attesa del tema numero {i}")
        expert = make_user()
        db.session.add(Expertise(user_id=expert.id, theme_id=theme_id()))
    db.session.commit()


def test_the_sections_come_in_order_with_their_items(client, login, app):
    _fill(1)
    login(make_user())
    page = client.get(f"/temi/{THEME}").get_data(as_text=True)
    positions = [page.index(f'id="{section}"') for section in SECTIONS]
    assert positions == sorted(positions)
    for text in ("Priorità del tema numero 0", "Linea guida del tema numero 0",
                 "Buona pratica del tema numero 0", "Incontro del tema numero 0",
                 "Domanda risolta del tema numero 0", "Domanda in attesa del tema numero 0"):
        assert text in page, text
    assert f"/domande?tema={THEME}&amp;stato=risolte" in page
    assert f"/domande?tema={THEME}&amp;stato=senza-risposta" in page
    assert f"/buone-pratiche?tema={THEME}" in page and f"/incontri?tema={THEME}" in page
    assert "Priorità del tema" not in client.get("/temi/giovani").get_data(as_text=True)


def test_each_section_is_short(client, app):
    _fill(8)
    page = client.get(f"/temi/{THEME}").get_data(as_text=True)
    assert page.count("Domanda risolta del tema numero") == 6
    assert page.count("Linea guida del tema numero") == 6


def test_the_page_costs_the_same_statements_with_1_or_8_items_of_each(client, login, app,
                                                                    query_counter):
    viewer = make_user()
    login(viewer)
    _fill(1)
    client.get(f"/temi/{THEME}")
    with query_counter.counting() as few:
        assert client.get(f"/temi/{THEME}").status_code == 200
    _fill(7)
    with query_counter.counting() as many:
        assert client.get(f"/temi/{THEME}").status_code == 200
    assert many.count == few.count, many.statements


def test_guidelines_past_their_review_date_are_marked_and_archived_ones_hidden(client, app):
    board = make_user("editor")
    make_guideline(board, title="Linea guida da rivedere",
                   review_by=today() - timedelta(days=1))
    make_guideline(board, title="Linea guida mai pubblicata", published=False)
    archived = make_guideline(board, title="Linea guida archiviata")
    archived.status = GuidelineStatus.ARCHIVED
    db.session.commit()
    page = client.get(f"/temi/{THEME}").get_data(as_text=True)
    assert "Linea guida da rivedere" in page and "Da verificare" in page
    assert "mai pubblicata" not in page and "Linea guida archiviata" not in page


def test_a_restricted_group_s_threads_and_events_stay_inside_it(client, login, app):
    facilitator, outsider = make_user(), make_user()
    facilitator.is_organiser = True
    db.session.commit()
    group = create_group(facilitator, GroupFields(name="Tavolo ristretto del tema",
                                                  kind=GroupKind.PRIVATE))
    asker = make_user()
    question = make_question(asker, title="Discussione riservata del tavolo ristretto")
    accept_answer(asker, make_answer(question).id)
    question.group_id = group.id
    waiting = make_question(facilitator, title="Domanda riservata ancora senza risposta")
    waiting.group_id = group.id
    db.session.commit()
    published_event(facilitator, title="Incontro riservato del tavolo ristretto",
                    group_id=group.id, theme_ids=(theme_id(),))
    for viewer in (None, outsider):
        if viewer is not None:
            login(viewer)
        page = client.get(f"/temi/{THEME}").get_data(as_text=True)
        assert "riservat" not in page.lower()
    login(facilitator)
    page = client.get(f"/temi/{THEME}").get_data(as_text=True)
    assert "Discussione riservata del tavolo ristretto" in page
    assert "Domanda riservata ancora senza risposta" in page
    assert "Incontro riservato del tavolo ristretto" in page


def test_experts_who_hide_their_expertise_are_not_listed(client, login, app):
    shown, hidden = make_user(display_name="Esperta Visibile"), make_user(
        display_name="Esperto Nascosto")
    hidden.vis_expertise = "hidden"
    for user in (shown, hidden):
        db.session.add(Expertise(user_id=user.id, theme_id=theme_id()))
    db.session.commit()
    login(make_user())
    page = client.get(f"/temi/{THEME}").get_data(as_text=True)
    assert "Esperta Visibile" in page and "Esperto Nascosto" not in page


def test_a_guideline_shows_its_published_title_not_the_draft_being_edited(client, app):
    guideline = make_guideline(make_user("editor"), title="Titolo pubblicato della linea")
    guideline.title = "Titolo in lavorazione da non mostrare"
    db.session.commit()
    page = client.get(f"/temi/{THEME}").get_data(as_text=True)
    assert "Titolo pubblicato della linea" in page and "in lavorazione" not in page
