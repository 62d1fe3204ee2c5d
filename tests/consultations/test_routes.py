"""The consultation page over HTTP: reading, commenting a section, the owners' answers,
refusals with the text kept."""

from __future__ import annotations

from sqlalchemy import select

from forum.extensions import db
from forum.models import CommentOutcome, GuidelineComment
from tests.consultations.helpers import in_consultation
from tests.factories import make_guideline, make_user


def test_anyone_reads_the_consultation_with_a_form_under_each_section(client, login, app):
    guideline = in_consultation()
    page = client.get(f"/linee-guida/{guideline.slug}/consultazione")
    assert page.status_code == 200
    assert 'id="passi"' in page.text and "Accedi per commentare" in page.text
    login(make_user())
    page = client.get(f"/linee-guida/{guideline.slug}/consultazione")
    assert page.text.count('/consultazione/sezioni/') == 3
    assert 'id="s-passi-body"' in page.text


def test_member_comments_a_section_and_sees_it_under_that_section(client, login, app):
    guideline = in_consultation()
    login(make_user(display_name="Giulia Verdi"))
    response = client.post(f"/linee-guida/{guideline.slug}/consultazione/sezioni/passi/commenti",
                           data={"s-passi-body": "Serve un passo sui *controlli*."})
    assert response.status_code == 303 and "#commento-" in response.headers["Location"]
    page = client.get(f"/linee-guida/{guideline.slug}/consultazione")
    section = page.text.split('id="passi"')[1].split('id="errori-frequenti"')[0]
    assert "<em>controlli</em>" in section and "Giulia Verdi" in section


def test_closed_consultation_refuses_with_409_and_keeps_the_text(client, login, app):
    guideline = in_consultation(days=-2)
    login(make_user())
    response = client.post(f"/linee-guida/{guideline.slug}/consultazione/sezioni/passi/commenti",
                           data={"s-passi-body": "Il mio testo lungo e pensato."})
    assert response.status_code == 409
    assert "chiusa" in response.text
    assert db.session.scalar(select(GuidelineComment.id)) is None
    page = client.get(f"/linee-guida/{guideline.slug}/consultazione")
    assert "si è chiusa" in page.text and "sezioni/passi/commenti" not in page.text


def test_blank_or_overlong_comment_is_422_with_the_text_kept(client, login, app):
    guideline = in_consultation()
    login(make_user())
    url = f"/linee-guida/{guideline.slug}/consultazione/sezioni/passi/commenti"
    assert client.post(url, data={"s-passi-body": "  "}).status_code == 422
    long_text = "parola " * 800
    response = client.post(url, data={"s-passi-body": long_text})
    assert response.status_code == 422 and "al massimo" in response.text
    assert long_text.strip()[:200] in response.text


def test_unknown_section_is_422_never_500(client, login, app):
    guideline = in_consultation()
    login(make_user())
    url = f"/linee-guida/{guideline.slug}/consultazione/sezioni/non-esiste/commenti"
    assert client.post(url, data={"s-non-esiste-body": "Testo"}).status_code == 422


def test_owner_answers_a_comment_and_outcome_shows(client, login, app):
    owner = make_user("editor")
    guideline = in_consultation(owner)
    login(make_user())
    client.post(f"/linee-guida/{guideline.slug}/consultazione/sezioni/passi/commenti",
                data={"s-passi-body": "Aggiungere i controlli."})
    comment_id = db.session.scalar(select(GuidelineComment.id))
    login(owner)
    url = f"/linee-guida/{guideline.slug}/consultazione/commenti/{comment_id}/risposta"
    refused = client.post(url, data={f"r-{comment_id}-outcome": "recepito",
                                     f"r-{comment_id}-reply": ""})
    assert refused.status_code == 422
    done = client.post(url, data={f"r-{comment_id}-outcome": "recepito",
                                  f"r-{comment_id}-reply": "Aggiunto al passo 6."})
    assert done.status_code == 303
    page = client.get(f"/linee-guida/{guideline.slug}/consultazione")
    assert "Recepito" in page.text and "Aggiunto al passo 6." in page.text
    assert db.session.scalar(select(GuidelineComment.outcome)) == CommentOutcome.ACCEPTED


def test_no_consultation_page_for_a_guideline_never_consulted(client, app):
    guideline = make_guideline()
    assert client.get(f"/linee-guida/{guideline.slug}/consultazione").status_code == 404
    assert client.get("/linee-guida/non-esiste/consultazione").status_code == 404


def test_draft_consultation_is_hidden_from_outsiders(client, login, app):
    draft = make_guideline(published=False)
    assert client.get(f"/linee-guida/{draft.slug}/consultazione").status_code == 404


def test_a_comment_with_personal_data_comes_back_marked_under_its_section_until_confirmed(
        client, login, app):
    guideline = in_consultation()
    login(make_user())
    url = f"/linee-guida/{guideline.slug}/consultazione/sezioni/passi/commenti"
    leaky = "Nel nostro caso la madre di Matteo (in affido) risponde al 333 1234567."
    response = client.post(url, data={"s-passi-body": leaky})
    assert response.status_code == 422
    assert response.text.count('id="controllo-privacy"') == 1
    section = response.text.split('id="passi"')[1].split('id="errori-frequenti"')[0]
    assert 'id="controllo-privacy"' in section and "<mark" in section
    assert 'name="conferma_dati"' in section
    textarea = section.split('id="s-passi-body"')[1].split("</textarea>")[0]
    assert "risponde al 333 1234567." in textarea  # the text is kept in the form
    assert db.session.scalar(select(GuidelineComment.id)) is None
    response = client.post(url, data={"s-passi-body": leaky, "conferma_dati": "1"})
    assert response.status_code == 303
    assert db.session.scalar(select(GuidelineComment.body)) == leaky
