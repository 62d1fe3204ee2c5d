"""Attendance certificates: only for members marked present at an ended event, issued
once with a code; the PDF says who, what, when, how long, by whom; the public page
confirms it; any other code is a clear 404, never a 500."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from forum.certificates.pdf import latin1
from forum.certificates.services import (
    ALPHABET,
    CODE_LENGTH,
    issue_certificate,
    new_code,
    normalised_code,
)
from forum.errors import NotAllowed
from forum.extensions import db
from forum.models import Certificate
from tests.certificates.helpers import ended_event
from tests.events.helpers import published_event
from tests.factories import make_user
from tests.hostile import SAMPLE

NOT_FOUND = "Attestato non trovato: controlla il codice"


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def organiser(app):  # type: ignore[no-untyped-def]
    """A moderator (moderators organise events)."""
    return make_user("moderator")


def test_member_present_at_an_ended_event_gets_the_pdf(app, client, login, organiser) -> None:
    member = make_user(display_name="Lucia Bàrberi Società")
    event = ended_event(organiser, present=(member,), organiser="Comune di Città di Prova")
    login(member)
    response = client.post(f"/incontri/{event.slug}/attestato")
    assert response.status_code == 200, response.text[:300]
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    certificate = db.session.scalars(select(Certificate)).one()
    assert len(certificate.code) == CODE_LENGTH
    assert certificate.code in response.headers["Content-Disposition"]
    text = _text(response.data)
    for expected in ("Lucia Bàrberi Società", certificate.code, event.title,
                     "Comune di Città di Prova", f"Ente di {member.display_name}", "5,5",
                     f"/attestati/{certificate.code}"):
        assert expected in text, (expected, text)
    assert certificate.details["hours"] == "5,5"
    assert len(certificate.details["sessions"]) == 2
    assert certificate.details["sessions"][0].endswith("09:00-11:00")  # Rome time


def test_issuing_twice_keeps_one_certificate_and_one_code(app, client, login,
                                                          organiser) -> None:
    member = make_user()
    event = ended_event(organiser, present=(member,))
    first = issue_certificate(member, event.id)
    code, details = first.code, dict(first.details)
    event.title = "Un titolo cambiato dopo il rilascio"
    db.session.commit()
    login(member)
    response = client.post(f"/incontri/{event.slug}/attestato")
    assert response.status_code == 200
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
    again = db.session.scalars(select(Certificate)).one()
    assert (again.code, again.details) == (code, details)
    assert code in _text(response.data)


def test_registered_but_not_present_is_refused(app, client, login, organiser) -> None:
    member = make_user()
    event = ended_event(organiser, confirmed=(member,))
    with pytest.raises(NotAllowed):
        issue_certificate(member, event.id)
    login(member)
    response = client.post(f"/incontri/{event.slug}/attestato")
    assert response.status_code == 403
    assert "è per chi risulta presente all" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Certificate.id))) == 0


def test_no_certificate_before_the_event_ends_or_for_strangers(app, client, login,
                                                               organiser) -> None:
    member, stranger = make_user(), make_user()
    upcoming = published_event(organiser)
    from forum.models import Registration
    from forum.models.base import utcnow

    db.session.add(Registration(event_id=upcoming.id, user_id=member.id, status="confirmed",
                                attended_at=utcnow()))
    db.session.commit()
    ended = ended_event(organiser, present=(member,))
    login(member)
    assert client.post(f"/incontri/{upcoming.slug}/attestato").status_code == 403
    login(stranger)
    assert client.post(f"/incontri/{ended.slug}/attestato").status_code == 403
    client.post("/esci")
    response = client.post(f"/incontri/{ended.slug}/attestato")
    assert response.status_code == 302 and "/accedi" in response.headers["Location"]


def test_verification_page_shows_the_frozen_details(app, client, organiser) -> None:
    member = make_user(display_name="Marco Rossi")
    event = ended_event(organiser, present=(member,), organiser="Regione di Prova")
    code = issue_certificate(member, event.id).code
    event.title = "Titolo cambiato dopo"
    db.session.commit()
    for typed in (code, code.lower(), f"{code[:4]}-{code[4:8]}-{code[8:]}"):
        response = client.get(f"/attestati/{typed}")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        for expected in ("Marco Rossi", "Tariffe dei nidi e ISEE: casi pratici",
                         "Regione di Prova", "5,5", code, "09:00-11:00"):
            assert expected in page
        assert "Titolo cambiato dopo" not in page


@pytest.mark.parametrize("code", ["", "x", "ABCDEFGHJKMN", "ABCDEFGHJKM0", "abc/def",
                                  "A" * 5000, "%00", "..%2F..%2Fetc%2Fpasswd"])
def test_forged_and_malformed_codes_are_not_found(app, client, code) -> None:
    response = client.get(f"/attestati/{code}")
    assert response.status_code == 404
    if code:
        assert NOT_FOUND in response.get_data(as_text=True)


def test_hostile_codes_never_answer_500(app, client, organiser) -> None:
    member = make_user()
    issue_certificate(member, ended_event(organiser, present=(member,)).id)
    for text in SAMPLE:
        response = client.get("/attestati/" + quote(text, safe=""))
        assert response.status_code in (404, 308), (text, response.status_code)
        if response.status_code == 404 and text.strip():
            assert NOT_FOUND in response.get_data(as_text=True) or "non esiste" in \
                response.get_data(as_text=True), text


def test_codes_use_only_the_unambiguous_alphabet() -> None:
    codes = {new_code() for _n in range(200)}
    assert len(codes) == 200
    assert all(set(c) <= set(ALPHABET) and len(c) == CODE_LENGTH for c in codes)
    assert not set("01IOL") & set(ALPHABET)
    assert normalised_code("abcd efgh jkmn") == "ABCDEFGHJKMN"
    assert normalised_code("ABCDEFGHJKMNP") is None


def test_pdf_text_is_reduced_to_latin1_never_an_error() -> None:
    assert latin1("àèéìòù ÀÈÉÌÒÙ «»") == "àèéìòù ÀÈÉÌÒÙ «»"
    assert latin1("Łódź “citazione” – €5 …") == "Lódz \"citazione\" - EUR5 ..."
    assert latin1("漢字\x00\u200b") == "??" + "?"


def test_a_get_never_issues_a_certificate_it_only_downloads_one(app, client, login,
                                                                organiser) -> None:
    member = make_user()
    event = ended_event(organiser, present=(member,))
    login(member)
    before = client.get(f"/incontri/{event.slug}/attestato")
    assert before.status_code == 404 and "non ancora emesso" in before.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Certificate.id))) == 0
    issued = client.post(f"/incontri/{event.slug}/attestato")
    again = client.get(f"/incontri/{event.slug}/attestato")
    assert again.status_code == 200 and again.data.startswith(b"%PDF")
    assert issued.headers["Content-Disposition"] == again.headers["Content-Disposition"]
