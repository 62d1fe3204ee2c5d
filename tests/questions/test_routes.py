"""Question pages over HTTP: lists, filters, ask, edit, bad input."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from forum.answers.services import accept_answer
from forum.comments.services import post_comment
from forum.extensions import cache, db
from forum.models import Question, Revision
from tests.factories import make_answer, make_question, make_user


def test_home_lists_recent_questions_and_themes_with_counts(client, app):
    make_question(title="Come calcolare le tariffe del nido con l'ISEE?")
    page = client.get("/").get_data(as_text=True)
    assert "Come calcolare le tariffe del nido con l&#39;ISEE?" in page
    assert "Servizi educativi 0-6 e nidi d&#39;infanzia" in page
    assert "1 domanda" in page


def test_question_list_filters_by_state_theme_and_tag(client, app):
    asker = make_user()
    solved = make_question(asker, title="Domanda risolta sul nido comunale", tags="nido")
    accept_answer(asker, make_answer(solved).id)
    answered = make_question(title="Domanda con risposta ma non risolta", tags="isee",
                             theme_slug="sostegno-economico")
    make_answer(answered)
    make_question(title="Domanda ancora senza nessuna risposta", tags="isee")

    def titles(query: str) -> str:
        return client.get(f"/domande?{query}").get_data(as_text=True)

    assert "Domanda risolta" in titles("stato=risolte")
    assert "senza nessuna" not in titles("stato=risolte")
    assert "Domanda con risposta" in titles("stato=non-risolte")
    assert "Domanda risolta" not in titles("stato=non-risolte")
    page = titles("stato=senza-risposta")
    assert "senza nessuna" in page and "Domanda con risposta" not in page
    page = titles("tema=sostegno-economico")
    assert "Domanda con risposta" in page and "Domanda risolta" not in page
    page = titles("tag=isee")
    assert "senza nessuna" in page and "Domanda risolta" not in page


def test_question_list_sorts_and_paginates(client, app):
    app.config["QUESTIONS_PER_PAGE"] = 2
    for n in range(5):
        make_question(title=f"Domanda di prova numero {n} per la paginazione")
    first = client.get("/domande?ordina=recenti").get_data(as_text=True)
    assert "numero 4" in first and "numero 0" not in first
    last = client.get("/domande?ordina=recenti&page=3").get_data(as_text=True)
    assert "numero 0" in last
    assert client.get("/domande?ordina=voti").status_code == 200


def test_malformed_or_out_of_range_page_is_a_clear_4xx(client, app):
    for bad in ("abc", "0", "-1", "1.5", "9999999999"):
        response = client.get(f"/domande?page={bad}")
        assert response.status_code == 400
        assert "Numero di pagina non valido" in response.get_data(as_text=True)
    assert client.get("/domande?page=5").status_code == 404
    assert client.get("/domande?ordina=caso").status_code == 400
    assert client.get("/domande?stato=boh").status_code == 400
    assert client.get("/domande?tema=inesistente").status_code == 404


def test_theme_page_lists_only_its_questions(client, app):
    make_question(title="Una domanda sui giovani e la casa", theme_slug="giovani")
    make_question(title="Una domanda sul nido e le rette", theme_slug="servizi-educativi-0-6")
    page = client.get("/temi/giovani").get_data(as_text=True)
    assert "giovani e la casa" in page and "nido e le rette" not in page
    assert client.get("/temi/nessuno").status_code == 404


def test_anonymous_user_is_sent_to_login_to_ask(client, app):
    response = client.get("/domande/nuova")
    assert response.status_code == 302
    assert "/accedi" in response.headers["Location"]


def test_ask_question_publishes_and_redirects(client, login, app):
    login(make_user())
    response = client.post("/domande/nuova", data={
        "title": "Come organizzare un centro estivo inclusivo?",
        "body": "Nel nostro comune vorremmo aprire un centro estivo con posti per bambini "
                "con disabilità. Da dove partire?",
        "theme": "disabilita",
        "tags": "centri-estivi, inclusione",
    })
    assert response.status_code == 303
    question = db.session.scalars(select(Question)).one()
    assert response.headers["Location"].endswith(f"/domande/{question.id}")
    page = client.get(f"/domande/{question.id}").get_data(as_text=True)
    assert "centro estivo inclusivo" in page and "centri-estivi" in page


def test_ask_with_bad_input_keeps_text_and_answers_422(client, login, app):
    login(make_user())
    body = "Un testo lungo che l'utente non vuole perdere per nessun motivo al mondo."
    response = client.post("/domande/nuova", data={
        "title": "Corto", "body": body, "theme": "disabilita", "tags": "a, b, c, d, e, f",
    })
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Il titolo deve avere da 15 a 150 caratteri" in page
    assert "Al massimo 5 etichette" in page
    assert "non vuole perdere per nessun motivo" in page
    assert db.session.scalar(select(func.count(Question.id))) == 0


def test_ask_with_unknown_theme_is_refused(client, login, app):
    login(make_user())
    response = client.post("/domande/nuova", data={
        "title": "Una domanda con un tema che non esiste",
        "body": "Corpo della domanda sufficientemente lungo.",
        "theme": "tema-inventato",
    })
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Question.id))) == 0


def test_overlong_title_is_refused_with_message(client, login, app):
    login(make_user())
    response = client.post("/domande/nuova", data={
        "title": "x" * 151, "body": "Corpo della domanda sufficientemente lungo.",
        "theme": "giovani",
    })
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Question.id))) == 0


def test_edit_by_author_keeps_revision_and_stranger_gets_403(client, login, app):
    author = make_user()
    question = make_question(author, title="Titolo originale della domanda")
    login(make_user())
    assert client.get(f"/domande/{question.id}/modifica").status_code == 403
    login(author)
    response = client.post(f"/domande/{question.id}/modifica", data={
        "title": "Titolo corretto della domanda", "body": "Nuovo corpo della domanda, più chiaro.",
        "theme": "giovani", "tags": "casa",
    })
    assert response.status_code == 303
    revision = db.session.scalars(select(Revision)).one()
    assert revision.snapshot["title"] == "Titolo originale della domanda"
    assert revision.editor_id == author.id
    assert "Titolo corretto" in client.get(f"/domande/{question.id}").get_data(as_text=True)


def test_moderator_may_edit_any_question(client, login, app):
    question = make_question()
    login(make_user("moderator"))
    assert client.get(f"/domande/{question.id}/modifica").status_code == 200


def test_missing_question_is_404(client, app):
    assert client.get("/domande/424242").status_code == 404
    assert client.get("/domande/424242/modifica").status_code in (302, 404)


def test_question_page_queries_do_not_grow_with_answers(client, login, app, query_counter):
    """Same number of SQL statements with 2 and with 30 answers, each commented."""
    viewer = make_user()
    login(viewer)

    def build(n_answers: int) -> int:
        question = make_question()
        for _ in range(n_answers):
            answer = make_answer(question)
            post_comment(viewer, question.id, body="Commento sulla risposta", answer_id=answer.id)
        post_comment(viewer, question.id, body="Commento sulla domanda")
        return question.id

    small, large = build(2), build(30)
    counts, hits = [], []
    for question_id in (small, large):
        db.session.expire_all()
        cache.clear()  # a render from scratch, then the same page from the shared cache
        with query_counter.counting() as counter:
            assert client.get(f"/domande/{question_id}").status_code == 200
        counts.append(counter.count)
        with query_counter.counting() as counter:
            assert client.get(f"/domande/{question_id}").status_code == 200
        hits.append(counter.count)
    assert counts[0] == counts[1]
    assert counts[1] <= 18  # with the versions of the authors a member's copy depends on
    assert hits[0] == hits[1] == 0  # the member's own copy: versions read off the ORM


def test_answers_sort_by_votes_newest_or_oldest_with_the_solution_first(client, login, app):
    from forum.answers.services import accept_answer

    asker = make_user()
    question = make_question(asker)
    old = make_answer(question, body="Risposta più vecchia, con la rete dei servizi.")
    new = make_answer(question, body="Risposta più nuova, con la rete dei consultori.")
    solution = make_answer(question, body="Risposta accettata dal Comune che ha chiesto.")
    accept_answer(asker, solution.id)
    db.session.commit()

    def order(query: str) -> list[int]:
        page = client.get(f"/domande/{question.id}{query}").get_data(as_text=True)
        return [int(i) for i in re.findall(r'<article id="risposta-(\d+)"', page)]

    assert order("?ordina=recenti") == [solution.id, new.id, old.id]
    assert order("?ordina=meno-recenti") == [solution.id, old.id, new.id]
    assert order("")[0] == solution.id
    assert order("?ordina=qualsiasi") == order("")  # an unknown order is the default
    page = client.get(f"/domande/{question.id}?ordina=recenti").get_data(as_text=True)
    assert re.search(r'ordina=recenti#titolo-risposte" aria-current="true"', page)


def test_a_member_without_the_privilege_is_told_when_down_votes_unlock(client, login, app):
    app.config["PRIVILEGE_VOTE_DOWN"] = 25
    question = make_question()
    make_answer(question)
    db.session.commit()
    login(make_user())
    page = client.get(f"/domande/{question.id}").get_data(as_text=True)
    assert "Il voto negativo si sblocca con 25 punti di reputazione." in page
    assert 'aria-disabled="true"' in page
    assert client.post(f"/voti/question/{question.id}", data={"voto": "giu"}).status_code == 403
