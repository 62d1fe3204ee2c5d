"""Self-assessment pages: who sees what, forms that keep what was typed, one assessment
from simultaneous first saves, privacy (404), the aggregate threshold, bounded statements."""

from __future__ import annotations

import itertools
import re
import threading

from sqlalchemy import func, select

from forum.assessments.services import save_answers
from forum.extensions import db
from forum.models import Assessment, AssessmentAnswer, Criterion
from tests.assessments.helpers import all_scores, checklist
from tests.factories import make_guideline, make_user


def test_the_list_asks_to_sign_in_and_explains_a_missing_organisation(client, login):
    guideline, criteria = checklist()
    response = client.get("/autovalutazione")
    assert response.status_code == 302 and "/accedi" in response.headers["Location"]
    member = make_user(organisation="Comune di Collina")
    save_answers(member, guideline.id, all_scores(criteria[:3], 2))
    page = login(member).get("/autovalutazione").get_data(as_text=True)
    assert guideline.title in page and "Le valutazioni del mio ente" in page
    assert "3 criteri su 8" in page and "Compila per il mio ente" in page
    member.organisation = ""
    db.session.commit()
    page = client.get("/autovalutazione").get_data(as_text=True)
    assert "Il tuo profilo non indica un ente" in page
    assert "Compila per il mio ente" not in page
    assert client.get(f"/autovalutazione/{guideline.slug}").status_code == 403


def test_a_guideline_without_checklist_or_unpublished_is_not_offered(client, login):
    plain = make_guideline()
    draft, _criteria = checklist(published=False)
    login(make_user())
    page = client.get("/autovalutazione").get_data(as_text=True)
    assert plain.title not in page and draft.title not in page
    assert client.get(f"/autovalutazione/{plain.slug}").status_code == 404
    assert client.get(f"/autovalutazione/{draft.slug}").status_code == 404


def test_a_draft_s_criteria_editor_is_unseen_by_members(client, login):
    draft = make_guideline(published=False)
    login(make_user())
    assert client.get(f"/autovalutazione/{draft.slug}/criteri").status_code == 404
    assert draft.title not in client.get("/autovalutazione").get_data(as_text=True)
    login(make_user("editor"))
    assert client.get(f"/autovalutazione/{draft.slug}/criteri").status_code == 200
    page = client.get("/autovalutazione").get_data(as_text=True)
    assert f'href="/autovalutazione/{draft.slug}/criteri"' in page


def test_the_criteria_editor_keeps_bad_input_and_adds_good_input(client, login):
    guideline = make_guideline()
    url = f"/autovalutazione/{guideline.slug}/criteri"
    login(make_user())
    assert client.get(url).status_code == 403
    login(make_user("editor"))
    assert client.get(url).status_code == 200
    response = client.post(url, data={"area": "Accesso <b>x</b>", "title": " ",
                                      "explanation": "Spiegazione tenuta", "scale_max": "12"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Scrivi il titolo del criterio." in page and "tra 1 e 10" in page
    assert "Spiegazione tenuta" in page and "Accesso &lt;b&gt;x&lt;/b&gt;" in page
    response = client.post(url, data={"area": "Accesso", "title": "Regole pubblicate",
                                      "scale_max": "4", "themes": ["sostegno-economico"]})
    assert response.status_code == 303
    criterion = db.session.scalars(select(Criterion)).one()
    assert criterion.theme_slugs == "sostegno-economico"
    edit = f"{url}/{criterion.id}"
    assert "Regole pubblicate" in client.get(edit).get_data(as_text=True)
    response = client.post(edit, data={"area": "Accesso", "title": "x" * 201,
                                       "scale_max": "4"})
    assert response.status_code == 422 and "x" * 201 in response.get_data(as_text=True)
    assert client.post(edit, data={"area": "Tariffe", "title": "Rette per ISEE",
                                   "scale_max": "10"}).status_code == 303
    db.session.expire_all()
    assert (criterion.area, criterion.scale_max) == ("Tariffe", 10)
    assert client.post(f"{edit}/sposta", data={"verso": "giu"}).status_code == 303
    assert client.post(f"{edit}/elimina").status_code == 303
    assert db.session.scalar(select(func.count(Criterion.id))) == 0
    assert client.get(f"{url}/999999").status_code == 404


def test_filling_shows_every_criterion_by_area_and_saves_partial_answers(client, login):
    guideline, criteria = checklist()
    member = make_user()
    login(member)
    page = client.get(f"/autovalutazione/{guideline.slug}").get_data(as_text=True)
    for area in ("Accesso", "Tariffe", "Qualità", "Partecipazione"):
        assert f">{area}</h2>" in page
    assert page.count('type="radio"') == 8 * 5 and "Pienamente realizzato" in page
    response = client.post(f"/autovalutazione/{guideline.slug}", data={
        f"score-{criteria[0].id}": "3", f"note-{criteria[0].id}": "Bando online da marzo."})
    assert response.status_code == 303
    page = client.get(f"/autovalutazione/{guideline.slug}").get_data(as_text=True)
    assert re.search(rf'id="score-{criteria[0].id}-3" value="3" checked', page)
    assert "Bando online da marzo." in page and member.display_name in page
    assessment = db.session.scalars(select(Assessment)).one()
    assert assessment.completed_at is None


def test_an_out_of_range_score_is_422_with_everything_typed_kept(client, login):
    guideline, criteria = checklist()
    login(make_user())
    data = {**all_scores(criteria, 2), f"score-{criteria[1].id}": "7",
            f"note-{criteria[0].id}": "Nota da non perdere", f"score-{criteria[2].id}": "x"}
    response = client.post(f"/autovalutazione/{guideline.slug}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "niente è stato salvato" in page
    assert "il punteggio deve essere un numero intero da 0 a 4" in page
    assert "Nota da non perdere" in page
    assert re.search(rf'id="score-{criteria[3].id}-2" value="2" checked', page)
    assert 'aria-describedby="errori-' in page or f"errori-{criteria[1].id}" in page
    assert db.session.scalar(select(func.count(Assessment.id))) == 0
    foreign = checklist()[1][0]
    response = client.post(f"/autovalutazione/{guideline.slug}",
                           data={f"score-{foreign.id}": "1"})
    assert response.status_code == 422 and "non fa parte di questa" in response.get_data(
        as_text=True)


def test_completing_leads_to_results_for_the_organisation_only(client, login):
    guideline, criteria = checklist()
    member = make_user(organisation="Comune di Pianura")
    login(member)
    client.post(f"/autovalutazione/{guideline.slug}", data=all_scores(criteria, 1))
    assert db.session.scalars(select(Assessment)).one().completed_at is not None
    page = client.get(f"/autovalutazione/{guideline.slug}/risultati").get_data(as_text=True)
    assert "25%" in page and "Criteri da rafforzare" in page
    assert page.count('class="border rounded p-3 mb-3"') == 8
    colleague = make_user(organisation="comune di pianura ")
    assert login(colleague).get(f"/autovalutazione/{guideline.slug}/risultati"
                                ).status_code == 200
    for outsider in (make_user("admin"), make_user("editor"), make_user("moderator"),
                     make_user()):
        login(outsider)
        assert client.get(f"/autovalutazione/{guideline.slug}/risultati").status_code == 404
        assert "Comune di Pianura" not in client.get("/autovalutazione").get_data(as_text=True)
    with client.session_transaction() as session:
        session.clear()
    response = client.get(f"/autovalutazione/{guideline.slug}/risultati")
    assert response.status_code == 302


def test_twenty_four_colleagues_starting_at_once_make_one_assessment(app, client):
    guideline, criteria = checklist()
    colleagues = [make_user(organisation="Unione dei Monti") for _ in range(24)]
    ids = [c.get_id() for c in colleagues]
    url = f"/autovalutazione/{guideline.slug}"
    barrier, results = threading.Barrier(24), []

    def go(n: int) -> None:
        with app.app_context():
            other = app.test_client()
            with other.session_transaction() as session:
                session["_user_id"] = ids[n]
            barrier.wait(10)
            results.append(other.post(url, data={
                f"score-{criteria[n % 8].id}": str(n % 5)}).status_code)

    threads = [threading.Thread(target=go, args=(n,)) for n in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == [303] * 24
    db.session.rollback()
    assert db.session.scalar(select(func.count(Assessment.id))) == 1
    assert db.session.scalar(select(func.count(AssessmentAnswer.id))) == 8


_orgs = itertools.count(1)


def _complete(guideline, criteria, n: int, region: str, score: int = 2) -> None:  # type: ignore[no-untyped-def]
    for _n in range(n):
        member = make_user(organisation=f"Ente {region} {next(_orgs)}", region_code=region)
        save_answers(member, guideline.id, all_scores(criteria, score))


def test_aggregates_are_the_board_s_and_hide_groups_under_five(client, login):
    guideline, criteria = checklist()
    url = f"/autovalutazione/{guideline.slug}/aggregati"
    _complete(guideline, criteria, 4, "08")
    login(make_user())
    assert client.get(url).status_code == 403
    login(make_user("moderator"))
    assert client.get(url).status_code == 403
    login(make_user("editor"))
    page = client.get(url).get_data(as_text=True)
    assert "Meno di 5 enti: dato non mostrato per tutelare la riservatezza" in page
    assert "Totale non mostrato" in page and "50%" not in page
    _complete(guideline, criteria, 1, "08")
    page = client.get(url).get_data(as_text=True)
    assert "Emilia-Romagna" in page and "50%" in page
    assert "Totale non mostrato" not in page
    _complete(guideline, criteria, 1, "09", score=4)
    page = client.get(url).get_data(as_text=True)
    assert page.count("Meno di 5 enti") == 1 and "Totale non mostrato" in page


def test_the_results_page_runs_the_same_statements_for_few_or_many_weak_criteria(
        client, login, query_counter):
    counts = []
    for weak in (1, 8):
        guideline, criteria = checklist()
        member = make_user()
        save_answers(member, guideline.id, {f"score-{c.id}": "0" if n < weak else "4"
                                            for n, c in enumerate(criteria)})
        login(member)
        url = f"/autovalutazione/{guideline.slug}/risultati"
        client.get(url)
        with query_counter.counting() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
