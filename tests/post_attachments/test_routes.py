"""Documents in discussions, through the forms: attached on ask, answer and edit, listed
under the post, served as downloads only to who may see the post, kept in the history;
refusals keep the text and say the files must be chosen again; hostile names never 500."""

from __future__ import annotations

import io

from sqlalchemy import select

from forum.extensions import db
from forum.models import GroupKind, PostAttachment
from forum.moderation.services import hide_post
from forum.post_attachments import queries
from forum.questions.services import ask_question
from tests.factories import make_answer, make_question, make_user
from tests.groups.test_documents import make_group
from tests.hostile import SAMPLE
from tests.post_attachments.test_services import QUESTION, stored_files, upload
from tests.practices.test_uploads import PNG, pdf

ANSWER = "Ecco il regolamento che abbiamo approvato l'anno scorso, in allegato."


def ask(client, *, files=(), **fields):
    data = {"title": QUESTION["title"], "body": QUESTION["body"],
            "theme": QUESTION["theme_slug"], "tags": "nido", **fields,
            "files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post("/domande/nuova", data=data, content_type="multipart/form-data")


def answer(client, question_id: int, *, files=(), body: str = ANSWER):
    return client.post(f"/domande/{question_id}/risposte", data={
        "body": body, "files": [(io.BytesIO(content), name) for name, content in files]},
        content_type="multipart/form-data")


def test_a_file_attached_on_ask_is_listed_and_downloads_safely(client, login, app):
    login(make_user())
    document = pdf()
    response = ask(client, files=[("Delibera GC 12-2025.pdf", document)])
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    attachment = db.session.scalars(select(PostAttachment)).one()
    assert "Delibera GC 12-2025.pdf" in page
    assert f'href="/allegati/{attachment.id}"' in page
    download = client.get(f"/allegati/{attachment.id}")
    assert download.status_code == 200 and download.get_data() == document
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    download.close()


def test_a_refused_file_keeps_the_text_and_says_to_choose_the_files_again(client, login,
                                                                          app):
    login(make_user())
    cases = [("pagina.png", PNG + b"<html><script>alert(1)</script>"),
             ("programma.exe", b"MZ\x90\x00"), ("vuoto.pdf", b"")]
    for name, content in cases:
        response = ask(client, files=[(name, content)], body="Testo scritto con cura: "
                       "il regolamento del nido comunale.")
        html = response.get_data(as_text=True)
        assert response.status_code == 422, name
        assert "Testo scritto con cura" in html and 'value="nido"' in html
        assert "i file vanno scelti di nuovo" in html
    app.config["POST_ATTACHMENTS_MAX"] = 1
    too_many = ask(client, files=[("a.pdf", pdf()), ("b.pdf", pdf())])
    assert too_many.status_code == 422
    assert "Troppi file: al massimo 1 per messaggio." in too_many.get_data(as_text=True)
    assert db.session.scalars(select(PostAttachment)).all() == []
    assert stored_files(app) == set()


def test_answers_take_files_and_the_edit_form_removes_them_keeping_the_history(
        client, login, app):
    question = make_question()
    author = make_user()
    login(author)
    response = answer(client, question.id, files=[("modulo.pdf", pdf())])
    assert response.status_code == 303
    attachment = db.session.scalars(select(PostAttachment)).one()
    assert attachment.answer_id is not None
    edit_url = f"/risposte/{attachment.answer_id}/modifica"
    form = client.get(edit_url).get_data(as_text=True)
    assert 'name="rimuovi_allegato"' in form and "Rimuovi «modulo.pdf»" in form
    edited = client.post(edit_url, data={"body": ANSWER + " Tolto il modulo.",
                                         "rimuovi_allegato": str(attachment.id)},
                         content_type="multipart/form-data")
    assert edited.status_code == 303
    page = client.get(f"/domande/{question.id}").get_data(as_text=True)
    assert f"/allegati/{attachment.id}" not in page
    history = client.get(f"/risposte/{attachment.answer_id}/revisioni").get_data(as_text=True)
    assert f'href="/allegati/{attachment.id}"' in history and "modulo.pdf" in history
    old_file = client.get(f"/allegati/{attachment.id}")
    assert old_file.status_code == 200
    old_file.close()
    bad = client.post(edit_url, data={"body": "corto", "files": [(io.BytesIO(PNG), "x.png")]},
                      content_type="multipart/form-data")
    assert bad.status_code == 422 and "i file vanno scelti di nuovo" in bad.get_data(
        as_text=True)


def test_files_follow_their_posts_visibility(client, login, app):
    author, moderator, outsider = make_user(), make_user("moderator"), make_user()
    question = make_question()
    hidden_answer = make_answer(question, author)
    from forum.answers.services import edit_answer

    edit_answer(author, hidden_answer.id, body=ANSWER, uploads=[upload("nascosto.pdf")])
    hide_post(moderator, "answer", hidden_answer.id, reason="Fuori tema.")
    facilitator = make_user()
    group = make_group(facilitator, kind=GroupKind.PRIVATE)
    private = ask_question(facilitator, **QUESTION, group_id=group.id,
                           uploads=[upload("riservato.pdf")])
    files = {f.filename: f.id for f in db.session.scalars(select(PostAttachment))}
    assert private.group_id == group.id
    for viewer in (None, outsider):
        if viewer is not None:
            login(viewer)
        for name in ("nascosto.pdf", "riservato.pdf"):
            response = client.get(f"/allegati/{files[name]}")
            assert response.status_code == 404, (viewer, name)
            assert name not in response.get_data(as_text=True)
    assert client.get("/allegati/99999999").status_code == 404
    assert client.get("/allegati/" + "9" * 25).status_code == 404
    for viewer, name in ((author, "nascosto.pdf"), (moderator, "nascosto.pdf"),
                         (facilitator, "riservato.pdf")):
        login(viewer)
        response = client.get(f"/allegati/{files[name]}")
        assert response.status_code == 200, name
        response.close()


def test_the_question_page_costs_the_same_statements_with_files_on_2_or_12_answers(
        client, app, query_counter):
    from forum.answers.services import post_answer

    def thread(n: int) -> int:
        question = ask_question(make_user(), **QUESTION, uploads=[upload()])
        for _ in range(n):
            post_answer(make_user(), question.id, body=ANSWER, uploads=[upload("x.png", PNG)])
        return question.id

    counts = []
    for question_id in (thread(2), thread(12)):
        db.session.expire_all()
        with query_counter.counting() as counter:
            page = client.get(f"/domande/{question_id}")
        assert page.status_code == 200 and page.get_data(as_text=True).count("x.png") >= 2
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_hostile_file_names_never_give_a_server_error(client, login, app):
    """Each corpus string as a file name, on the edit form that replaces an answer's file
    (one post, so the thread stays small): refused with a 4xx, or stored, listed and
    offered as a download with the name in its header."""
    author = make_user()
    reply = make_answer(make_question(), author, body=ANSWER)
    login(author)
    url, listed, accepted = f"/risposte/{reply.id}/modifica", [], 0
    for text in SAMPLE:
        response = client.post(url, data={"body": ANSWER, "rimuovi_allegato": listed,
                                          "files": [(io.BytesIO(PNG), f"{text[:150]}.png")]},
                               content_type="multipart/form-data")
        assert response.status_code in (303, 422), (text, response.status_code)
        if response.status_code != 303:
            continue
        current = queries.listed_on(answer_id=reply.id)
        listed = [str(f.id) for f in current]
        if not current:  # a name the multipart encoding loses: no file was sent
            continue
        accepted += 1
        download = client.get(f"/allegati/{current[0].id}")
        assert download.status_code == 200 and download.get_data() == PNG, text
        download.close()
    assert accepted > len(SAMPLE) // 3
    page = client.get(f"/domande/{reply.question_id}").get_data(as_text=True)
    assert all(f"/allegati/{file_id}" in page for file_id in listed)


def test_the_api_lists_files_with_name_size_type_and_download_address(client, app):
    from forum.answers.services import post_answer

    question = ask_question(make_user(), **QUESTION, uploads=[upload("delibera.pdf")])
    post_answer(make_user(), question.id, body=ANSWER, uploads=[upload("schema.png", PNG)])
    body = client.get(f"/api/v1/questions/{question.id}").get_json()
    [on_question] = body["attachments"]
    assert on_question["filename"] == "delibera.pdf" and on_question["mime"] == "application/pdf"
    assert on_question["size_bytes"] > 0
    assert on_question["url"].endswith(f"/allegati/{on_question['id']}")
    [on_answer] = body["answers"][0]["attachments"]
    assert (on_answer["filename"], on_answer["mime"], on_answer["size_bytes"]) == (
        "schema.png", "image/png", len(PNG))
