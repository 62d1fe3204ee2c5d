"""The statement page, the feedback form (anyone, honeypot, text kept on errors, real SMTP),
the moderators' tab (deadline, overdue first, one answer out of 24 at once) and the admin's
settings page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.accessibility import services
from forum.extensions import db
from forum.models import AccessibilityReport, AuditEntry, SiteSetting
from forum.models.base import utcnow
from tests.concurrency import at_once, signed_in_client
from tests.factories import make_user

FORM = {"page_url": "/domande/3", "description": "Il menu non si apre con la tastiera.",
        "name": "Anna Neri", "email": "anna@example.org"}


def _count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(AccessibilityReport.id))) or 0


def test_the_statement_follows_agids_model_and_the_footer_links_it(client):
    page = client.get("/accessibilita")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for heading in ("Dichiarazione di accessibilità", "Stato di conformità",
                    "Contenuti non accessibili", "Redazione della dichiarazione",
                    "Meccanismo di feedback", "Procedura di attuazione"):
        assert heading in text, heading
    assert "Parzialmente conforme" in text
    assert "non è ancora stata pubblicata" in text  # no AgID form URL configured
    assert "Nessuna verifica automatica registrata" in text
    assert "procedura-attuazione" in text and 'href="/privacy"' in text
    assert 'name="website"' in text  # the honeypot
    home = client.get("/").get_data(as_text=True)
    assert 'href="/accessibilita"' in home and "/accessibilita/segnalazione?pagina=/" in home


def test_saved_settings_show_on_the_statement(client, login):
    login(make_user("admin"))
    response = client.post("/amministrazione/accessibilita", data={
        "administration": "Comune di Prova", "site_name": "Officina del Comune",
        "compliance": "non_conforme", "non_accessible": "- Le **mappe** degli enti",
        "statement_date": "2026-09-20", "last_check": "2026-11-30",
        "agid_form_url": "https://form.agid.gov.it/view/abc", "contact_email": ""})
    assert response.status_code == 303
    text = client.get("/accessibilita").get_data(as_text=True)
    assert "Comune di Prova si impegna" in text and "Non conforme" in text
    assert "<strong>mappe</strong>" in text and "20 settembre 2026" in text
    assert "30 novembre 2026" in text and 'href="https://form.agid.gov.it/view/abc"' in text


def test_admin_settings_errors_keep_the_text_and_others_are_refused(client, login):
    login(make_user("moderator"))
    assert client.get("/amministrazione/accessibilita").status_code == 403
    login(make_user("admin"))
    page = client.get("/amministrazione/accessibilita").get_data(as_text=True)
    assert "parzialmente_conforme\" checked" in page or 'checked' in page
    response = client.post("/amministrazione/accessibilita", data={
        "administration": "Comune <b>di</b> Prova", "site_name": "Officina",
        "compliance": "conforme", "statement_date": "ieri", "agid_form_url": "ftp://x"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Comune &lt;b&gt;di&lt;/b&gt; Prova" in text and "ieri" in text
    assert "AAAA-MM-GG" in text
    assert db.session.scalar(select(SiteSetting.key)) is None


def test_anyone_reports_and_gets_the_acknowledgement_by_smtp(client, inbox):
    response = client.post("/accessibilita/segnalazione", data=FORM)
    assert response.status_code == 303 and response.headers["Location"].endswith("/accessibilita")
    report = db.session.scalars(select(AccessibilityReport)).one()
    assert report.due_at.date() == (report.created_at + timedelta(days=30)).date()
    [ack] = inbox.messages
    assert ack["To"] == "anna@example.org" and "n. " in ack["Subject"]
    text = ack.get_body(("plain",)).get_content()
    assert "Il menu non si apre con la tastiera." not in text  # never relayed
    assert "https://officina.example/accessibilita" in text
    page = client.get("/accessibilita").get_data(as_text=True)
    assert f"segnalazione n. {report.id}" in page and "anna@example.org" in page


def test_a_member_may_leave_the_email_empty(client, login):
    member = make_user()
    login(member)
    page = client.get("/accessibilita/segnalazione?pagina=/temi").get_data(as_text=True)
    assert member.email in page and 'value="/temi"' in page
    response = client.post("/accessibilita/segnalazione", data={**FORM, "email": ""})
    assert response.status_code == 303
    assert db.session.scalars(select(AccessibilityReport.email)).one() == member.email


def test_the_honeypot_thanks_the_robot_and_stores_nothing(client):
    response = client.post("/accessibilita/segnalazione", data={**FORM, "website": "http://x"})
    assert response.status_code == 303
    assert _count() == 0


@pytest.mark.parametrize(("data", "field_text"), [
    ({**FORM, "email": ""}, "serve per risponderti"),
    ({**FORM, "email": "anna@"}, "indirizzo e-mail valido"),
    ({**FORM, "description": ""}, "Descrivi il problema"),
    ({**FORM, "description": "breve"}, "almeno 10 caratteri"),
    ({**FORM, "page_url": "javascript:alert(1)"}, "indirizzo della pagina"),
])
def test_errors_answer_422_with_the_text_kept(client, data, field_text):
    response = client.post("/accessibilita/segnalazione", data=data)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert field_text in text and 'aria-invalid="true"' in text
    if data["description"]:
        assert data["description"] in text
    assert "Anna Neri" in text
    assert _count() == 0


def test_a_huge_description_is_refused_with_the_text_kept(client):
    huge = "Non leggo il testo. " * 30_000  # 600 kB
    response = client.post("/accessibilita/segnalazione", data={**FORM, "description": huge})
    assert response.status_code == 422
    assert huge.strip() in response.get_data(as_text=True)
    too_big = client.post("/accessibilita/segnalazione",
                          data={**FORM, "description": "x" * (13 * 1024 * 1024)})
    assert too_big.status_code == 413
    assert _count() == 0


@pytest.mark.parametrize("app_overrides", [{"RATELIMIT_ENABLED": True,
                                             "ACCESSIBILITY_FEEDBACK_LIMIT": "2 per hour"}])
def test_one_address_is_rate_limited(client, app_overrides):
    codes = [client.post("/accessibilita/segnalazione", data=FORM).status_code
             for _ in range(3)]
    assert codes == [303, 303, 429]
    assert _count() == 2
    assert client.get("/accessibilita/segnalazione").status_code == 200  # reading is free


def _open_report(**kw):  # type: ignore[no-untyped-def]
    class Anonymous:
        is_authenticated = False

    return services.submit_report(Anonymous(), description=kw.get(
        "description", "Il contrasto dei pulsanti è troppo basso."), email="rita@example.org")


def test_the_moderation_tab_shows_days_left_overdue_first(client, login):
    fresh, late = _open_report(), _open_report(description="Video senza sottotitoli.")
    db.session.get(AccessibilityReport, late.id).due_at = utcnow() - timedelta(days=3)
    db.session.commit()
    login(make_user())
    assert client.get("/moderazione/accessibilita").status_code == 403
    login(make_user("moderator"))
    text = client.get("/moderazione/accessibilita").get_data(as_text=True)
    assert text.index(f"n. {late.id}<") < text.index(f"n. {fresh.id}<")
    assert "Scaduta da 3 giorni" in text and 'class="table-danger"' in text
    assert "30 giorni rimasti" in text
    assert "Segnalazioni di accessibilità" in client.get("/moderazione").get_data(as_text=True)
    detail = client.get(f"/moderazione/accessibilita/{late.id}").get_data(as_text=True)
    assert "Video senza sottotitoli." in detail and "scaduta da 3 giorni" in detail
    assert client.get("/moderazione/accessibilita/999999").status_code == 404
    assert client.get("/moderazione/accessibilita?page=abc").status_code == 400


def test_a_moderator_answers_by_smtp_and_the_report_leaves_the_queue(client, login, inbox):
    report = _open_report()
    moderator = make_user("moderator")
    login(moderator)
    empty = client.post(f"/moderazione/accessibilita/{report.id}/risposta", data={"answer": ""})
    assert empty.status_code == 422
    response = client.post(f"/moderazione/accessibilita/{report.id}/risposta",
                           data={"answer": "Abbiamo aumentato il contrasto, grazie."})
    assert response.status_code == 303
    answer = inbox.messages[-1]
    assert answer["To"] == "rita@example.org"
    assert "Abbiamo aumentato il contrasto" in answer.get_body(("plain",)).get_content()
    assert "Nessuna segnalazione da gestire" in client.get(
        "/moderazione/accessibilita").get_data(as_text=True)
    closed = client.get("/moderazione/accessibilita?stato=chiuse").get_data(as_text=True)
    assert "Risposta inviata" in closed
    again = client.post(f"/moderazione/accessibilita/{report.id}/risposta",
                        data={"answer": "Ancora"})
    assert again.status_code == 409
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "answer_accessibility_report")) == 1


def test_closing_without_answer(client, login):
    report = _open_report()
    login(make_user("admin"))
    response = client.post(f"/moderazione/accessibilita/{report.id}/chiudi",
                           data={"note": "Pubblicità"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(AccessibilityReport, report.id).status == "closed"
    assert client.post("/moderazione/accessibilita/999999/chiudi").status_code == 404


def test_24_concurrent_answers_to_one_report_make_one_answer(app):
    report = _open_report()
    moderator = make_user("moderator")
    db.session.commit()
    session_id, report_id = moderator.get_id(), report.id
    before = _mails()
    results = at_once(app, lambda: signed_in_client(app, session_id).post(
        f"/moderazione/accessibilita/{report_id}/risposta",
        data={"answer": "Una sola risposta."}).status_code, 24)
    assert sorted(results) == [303] + [409] * 23
    db.session.rollback()
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "answer_accessibility_report")) == 1
    assert _mails() == before + 1


def _mails() -> int:
    from forum.mail import outbox_messages

    return len(outbox_messages())


def test_the_queue_costs_the_same_statements_with_2_or_20_reports(client, login,
                                                                   query_counter):
    login(make_user("moderator"))

    def statements() -> int:
        with query_counter.counting() as counter:
            assert client.get("/moderazione/accessibilita").status_code == 200
        return counter.count

    for _n in range(2):
        _open_report()
    few = statements()
    for _n in range(18):
        _open_report()
    assert statements() == few


def test_line_breaks_sent_as_crlf_count_once(client):
    lines = "\r\n".join(["Riga del problema."] * 260)  # 4,939 characters typed, 5,198 sent
    response = client.post("/accessibilita/segnalazione", data={**FORM, "description": lines})
    assert response.status_code == 303
    assert db.session.scalars(select(AccessibilityReport.description)).one() == \
        lines.replace("\r\n", "\n")
