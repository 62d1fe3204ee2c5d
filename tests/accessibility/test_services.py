"""The feedback mechanism's rules, without HTTP: the 30-day deadline, e-mail required only
when anonymous, one answer per report, moderators only, the audit log; and the statement's
settings and the `record-check` command."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from forum.accessibility import queries, services, settings
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.mail import outbox_messages
from forum.models import AccessibilityReport, AuditEntry, SiteSetting
from forum.models.base import utcnow
from tests.factories import make_user


class Anonymous:
    """What Flask-Login gives for a visitor who is not signed in."""

    is_authenticated = False


DESCRIPTION = "Il pulsante Invia del modulo non si raggiunge con la tastiera."


def _report(**kw):  # type: ignore[no-untyped-def]
    values = {"description": DESCRIPTION, "email": "cittadina@example.org"} | kw
    return services.submit_report(kw.pop("actor", Anonymous()), **{
        k: v for k, v in values.items() if k != "actor"})


def test_a_report_gets_a_thirty_day_deadline_and_an_acknowledgement(app):
    report = _report(name="Anna Neri", page_url="/domande/3")
    assert report.due_at - report.created_at == timedelta(days=30)
    assert report.status == "open" and report.reporter_id is None
    [mail] = outbox_messages()
    assert mail["To"] == "cittadina@example.org"
    assert f"n. {report.id}" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    assert str(report.due_at.year) in text
    # Nothing the sender typed goes back out: the form cannot relay spam or phishing links
    # to an address someone else typed in.
    assert "Anna Neri" not in text and DESCRIPTION not in text and "/domande/3" not in text


def test_the_deadline_follows_the_configured_days(app):
    app.config["ACCESSIBILITY_ANSWER_DAYS"] = 15
    report = _report()
    assert report.due_at - report.created_at == timedelta(days=15)


def test_an_anonymous_report_needs_an_email_a_member_uses_the_account(app):
    with pytest.raises(InvalidInput) as error:
        _report(email="")
    assert "email" in error.value.field_errors
    member = make_user(display_name="Paola Bianchi")
    report = _report(actor=member, email="")
    assert report.email == member.email and report.name == "Paola Bianchi"
    assert report.reporter_id == member.id


@pytest.mark.parametrize(("field", "value"), [
    ("description", "corta"), ("description", "x" * 5_001), ("email", "non-un-indirizzo"),
    ("page_url", "javascript:alert(1)"), ("page_url", "//altrove.example/x"),
    ("page_url", "/" + "a" * 600), ("name", "n" * 121),
])
def test_bad_fields_are_refused_by_name(app, field, value):
    with pytest.raises(InvalidInput) as error:
        _report(**{field: value})
    assert field in error.value.field_errors
    assert db.session.scalar(select(AccessibilityReport.id)) is None
    assert outbox_messages() == []


def test_a_moderator_answers_once_and_the_answer_is_mailed_and_audited(app):
    report = _report()
    moderator = make_user("moderator")
    services.answer_report(moderator, report.id, answer="Abbiamo corretto il modulo.")
    db.session.expire_all()
    stored = db.session.get(AccessibilityReport, report.id)
    assert stored.status == "answered" and stored.handled_by_id == moderator.id
    answer = outbox_messages()[-1]
    assert answer["To"] == report.email
    assert "Abbiamo corretto il modulo." in answer.get_body(("plain",)).get_content()
    assert "procedura-attuazione" in answer.get_body(("plain",)).get_content()
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "answer_accessibility_report")).one()
    assert entry.target_id == report.id and entry.actor_id == moderator.id
    with pytest.raises(Conflict):
        services.answer_report(moderator, report.id, answer="Di nuovo.")
    with pytest.raises(Conflict):
        services.close_report(moderator, report.id)


def test_members_may_not_answer_and_an_unknown_report_is_not_found(app):
    report = _report()
    with pytest.raises(NotAllowed):
        services.answer_report(make_user(), report.id, answer="Risposta.")
    with pytest.raises(NotFound):
        services.answer_report(make_user("admin"), 999_999, answer="Risposta.")
    with pytest.raises(InvalidInput):
        services.answer_report(make_user("admin"), report.id, answer="   ")


def test_closing_without_answer_sends_nothing_and_is_audited(app):
    report = _report()
    before = len(outbox_messages())
    services.close_report(make_user("moderator"), report.id, note="Pubblicità")
    assert len(outbox_messages()) == before
    assert db.session.scalars(select(AuditEntry.reason).where(
        AuditEntry.action == "close_accessibility_report")).one() == "Pubblicità"


def test_the_queue_puts_overdue_reports_first_with_days_left(app):
    late, soon, fresh = _report(), _report(), _report()
    now = utcnow()
    db.session.get(AccessibilityReport, late.id).due_at = now - timedelta(days=2)
    db.session.get(AccessibilityReport, soon.id).due_at = now + timedelta(days=1)
    db.session.commit()
    lines, total = queries.report_queue()
    assert total == 3
    assert [line.report.id for line in lines] == [late.id, soon.id, fresh.id]
    assert lines[0].overdue and lines[0].days_left == -2
    assert not lines[1].overdue and lines[1].days_left == 1
    assert lines[2].days_left == 30


def test_the_statement_comes_from_config_until_the_admin_saves_it(app):
    statement = settings.get_statement()
    assert statement.compliance == "parzialmente_conforme"
    assert "<li>" in statement.non_accessible_html and statement.agid_form_url == ""
    admin = make_user("admin")
    saved = settings.save_statement(admin, {
        "administration": "Comune di Prova", "site_name": "Officina del Comune",
        "compliance": "conforme", "non_accessible": "", "statement_date": "2026-09-20",
        "last_check": "", "agid_form_url": "https://form.agid.gov.it/view/abc",
        "contact_email": "accessibilita@comune.example.it"})
    assert saved.administration == "Comune di Prova" and saved.compliance == "conforme"
    assert saved.statement_date == date(2026, 9, 20) and saved.non_accessible_html == ""
    assert db.session.scalars(select(AuditEntry.action)).all() == [
        "update_accessibility_statement"]


def test_statement_settings_are_checked_and_for_admins_only(app):
    values = {"administration": "", "site_name": "x", "compliance": "forse",
              "non_accessible": "", "statement_date": "2026-02-30", "last_check": "2999-01-01",
              "agid_form_url": "http://form.agid.gov.it", "contact_email": "no"}
    with pytest.raises(NotAllowed):
        settings.save_statement(make_user("moderator"), values)
    with pytest.raises(InvalidInput) as error:
        settings.save_statement(make_user("admin"), values)
    assert set(error.value.field_errors) == {
        "administration", "compliance", "non_accessible", "statement_date", "last_check",
        "agid_form_url", "contact_email"}
    values |= {"administration": "Ente", "compliance": "non_conforme", "statement_date": "",
               "last_check": "", "agid_form_url": "", "contact_email": ""}
    with pytest.raises(InvalidInput) as error:
        settings.save_statement(make_user("admin"), values)
    assert set(error.value.field_errors) == {"non_accessible"}


def test_an_unknown_saved_compliance_never_claims_compliance(app):
    db.session.add(SiteSetting(key="accessibility_compliance", value="conformissimo"))
    db.session.commit()
    assert settings.get_statement().compliance == "non_conforme"


def test_record_check_command_stores_the_date(app, runner):
    result = runner.invoke(args=["accessibility", "record-check", "--date", "2026-11-30"])
    assert result.exit_code == 0, result.output
    assert "2026-11-30" in result.output
    assert settings.get_statement().last_check == date(2026, 11, 30)
    result = runner.invoke(args=["accessibility", "record-check"])
    assert result.exit_code == 0
    db.session.expire_all()
    assert settings.get_statement().last_check == utcnow().date()
    for bad in ("30/11/2026", "2026-13-01", "2999-01-01"):
        result = runner.invoke(args=["accessibility", "record-check", "--date", bad])
        assert result.exit_code != 0 and "Traceback" not in result.output, bad
