"""The event pages over HTTP: who sees what, registration and cancellation, the
organisers' form, status moves and registrants, attendance, the admin's organiser role."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from forum.events.registrations import Answers, register
from forum.events.services import create_event
from forum.extensions import db
from forum.mail import outbox_messages
from forum.models import Event, Notification, Registration, Theme, User
from forum.models.base import utcnow
from tests.events.helpers import fields, published_event
from tests.factories import make_user


def _form(**overrides: object) -> dict[str, object]:
    day = (utcnow() + timedelta(days=20)).date().isoformat()
    theme = db.session.scalars(select(Theme.id).order_by(Theme.position)).first()
    data: dict[str, object] = {
        "title": "Laboratorio sul nuovo codice degli appalti", "kind": "laboratorio",
        "summary": "Tre ore di esercitazioni sulle procedure sotto soglia.",
        "sessions-0-day": day, "sessions-0-start": "09:30", "sessions-0-end": "12:30",
        "sessions-1-day": "", "sessions-1-start": "", "sessions-1-end": "",
        "sessions-2-day": "", "sessions-2-start": "", "sessions-2-end": "",
        "themes": [str(theme)], "organiser": "Comune di Prova",
        "place_name": "Sala consiliare", "address": "Piazza Garibaldi 1",
        "registration_required": "y", "waiting_list": "y", "capacity": "30"}
    data.update(overrides)
    return data


def test_list_calendar_and_archive_answer_for_everyone(client, app):
    organiser = make_user("moderator")
    event = published_event(organiser)
    page = client.get("/incontri").get_data(as_text=True)
    assert event.title in page
    month = event.starts_at.strftime("%Y-%m")
    assert event.title in client.get(f"/incontri/calendario?mese={month}").get_data(
        as_text=True)
    assert client.get("/incontri/calendario").status_code == 200
    assert client.get("/incontri/archivio").status_code == 200
    for bad in ("tipo=conferenza", "modalita=x", "regione=99", "periodo=anno", "tema=nessuno"):
        response = client.get(f"/incontri?{bad}")
        assert response.status_code == 400, bad
    assert client.get("/incontri/calendario?mese=2026-13").status_code == 400
    assert client.get("/incontri?tipo=webinar&modalita=online&periodo=trimestre") \
        .status_code == 200


def test_the_list_shows_only_what_matches_the_filters(client, app):
    organiser = make_user("moderator")
    online = published_event(organiser, title="Webinar online sulle tariffe")
    present = published_event(organiser, title="Seminario in presenza a Bologna",
                              kind="seminario", online_url="", place_name="Sala Borsa",
                              region="08")
    page = client.get("/incontri?modalita=in-presenza").get_data(as_text=True)
    assert present.title in page and online.title not in page
    page = client.get("/incontri?tipo=webinar").get_data(as_text=True)
    assert online.title in page and present.title not in page


def test_a_draft_is_a_404_except_for_its_organisers(client, login, app):
    organiser = make_user("moderator")
    draft = create_event(organiser, fields())
    assert client.get(f"/incontri/{draft.slug}").status_code == 404
    login(make_user())
    assert client.get(f"/incontri/{draft.slug}").status_code == 404
    login(organiser)
    assert client.get(f"/incontri/{draft.slug}").status_code == 200


def test_the_online_link_is_shown_only_to_confirmed_registrants(client, login, app):
    organiser = make_user("moderator")
    event = published_event(organiser)
    link = "meet.example.org/officina/tariffe"
    page = client.get(f"/incontri/{event.slug}").get_data(as_text=True)
    assert link not in page and "Collegamento disponibile agli iscritti" in page
    member = make_user()
    login(member)
    assert link not in client.get(f"/incontri/{event.slug}").get_data(as_text=True)
    register(member, event.id, Answers())
    assert link in client.get(f"/incontri/{event.slug}").get_data(as_text=True)
    login(organiser)
    assert link in client.get(f"/incontri/{event.slug}").get_data(as_text=True)


def test_register_and_cancel_over_http(client, login, app):
    organiser = make_user("moderator")
    event = published_event(organiser)
    member = make_user()
    login(member)
    page = client.get(f"/incontri/{event.slug}").get_data(as_text=True)
    assert member.organisation in page  # the organisation is prefilled
    response = client.post(f"/incontri/{event.slug}/iscrizione", data={
        "organisation": "Comune di Prova", "job_title": "Istruttore",
        "accessibility_needs": "Sottotitoli"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Iscrizione confermata" in page and "posto confermato" in page
    row = db.session.scalar(select(Registration).where(Registration.user_id == member.id))
    assert row.job_title == "Istruttore" and row.accessibility_needs == "Sottotitoli"
    response = client.post(f"/incontri/{event.slug}/iscrizione/annulla")
    assert response.status_code == 303
    assert "Iscrizione annullata" in client.get(f"/incontri/{event.slug}").get_data(
        as_text=True)
    db.session.refresh(row)
    assert row.status == "cancelled"


def test_waiting_list_position_is_shown(client, login, app):
    event = published_event(make_user("moderator"), capacity=1)
    register(make_user(), event.id, Answers())
    member = make_user()
    login(member)
    client.post(f"/incontri/{event.slug}/iscrizione", data={"organisation": "Ente"})
    assert "in posizione 1" in client.get(f"/incontri/{event.slug}").get_data(as_text=True)


def test_a_full_event_without_waiting_list_is_a_409_keeping_the_text(client, login, app):
    event = published_event(make_user("moderator"), capacity=1, waiting_list=False)
    register(make_user(), event.id, Answers())
    login(make_user())
    response = client.post(f"/incontri/{event.slug}/iscrizione", data={
        "organisation": "Comune di Prova", "job_title": "Responsabile",
        "accessibility_needs": "Interprete LIS per la sessione"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "posti sono esauriti" in page and "Interprete LIS per la sessione" in page


def test_registration_after_the_deadline_is_refused(client, login, app):
    event = published_event(make_user("moderator"),
                            registration_deadline=(utcnow() + timedelta(days=2)).date())
    db.session.execute(Event.__table__.update().values(
        registration_deadline=utcnow() - timedelta(hours=1)))
    db.session.commit()
    login(make_user())
    response = client.post(f"/incontri/{event.slug}/iscrizione", data={"job_title": "X"})
    assert response.status_code == 409
    assert "Le iscrizioni si sono chiuse" in response.get_data(as_text=True)


def test_organiser_creates_edits_and_publishes(client, login, app):
    organiser = make_user()
    organiser.is_organiser = True
    db.session.commit()
    login(organiser)
    page = client.get("/incontri/nuovo").get_data(as_text=True)
    assert page.count('type="date"') >= 3
    response = client.post("/incontri/nuovo", data=_form())
    assert response.status_code == 303, response.get_data(as_text=True)
    event = db.session.scalar(select(Event))
    assert event.status == "bozza" and event.capacity == 30
    response = client.get(f"/incontri/{event.slug}/modifica")
    assert "Sala consiliare" in response.get_data(as_text=True)
    response = client.post(f"/incontri/{event.slug}/modifica", data=_form(capacity=""))
    assert response.status_code == 303
    db.session.refresh(event)
    assert event.capacity is None
    response = client.post(f"/incontri/{event.slug}/stato", data={"to": "pubblicato"})
    assert response.status_code == 303
    db.session.refresh(event)
    assert event.status == "pubblicato" and event.question_id is not None
    response = client.post(f"/incontri/{event.slug}/stato", data={"to": "annullato"})
    assert response.status_code == 422
    response = client.post(f"/incontri/{event.slug}/stato", data={
        "to": "annullato", "reason": "Relatore malato"})
    assert response.status_code == 303
    page = client.get(f"/incontri/{event.slug}").get_data(as_text=True)
    assert "Annullato" in page and "Relatore malato" in page


def test_a_member_cannot_create(client, login, app):
    login(make_user())
    assert client.get("/incontri/nuovo").status_code == 403
    assert client.post("/incontri/nuovo", data=_form()).status_code == 403


def test_form_errors_are_422_with_the_text_kept(client, login, app):
    login(make_user("moderator"))
    day = (utcnow() + timedelta(days=20)).date().isoformat()
    cases = [
        {"sessions-0-start": "12:00", "sessions-0-end": "10:00"},
        {"capacity": "0"},
        {"capacity": "-4"},
        {"sessions-0-day": "", "sessions-0-start": "", "sessions-0-end": ""},
        {"sessions-1-day": day, "sessions-1-start": "soon", "sessions-1-end": "10:00"},
    ]
    for case in cases:
        response = client.post("/incontri/nuovo", data=_form(
            summary="Una sintesi scritta con cura dall'organizzatrice.", **case))
        assert response.status_code == 422, case
        page = response.get_data(as_text=True)
        assert "Una sintesi scritta con cura" in page and "invalid-feedback" in page
    assert db.session.scalar(select(Event)) is None


def test_registrants_page_csv_and_formula_injection(client, login, app):
    organiser = make_user("moderator")
    event = published_event(organiser, requires_approval=True)
    member = make_user(display_name="=HYPERLINK(\"http://x\")")
    register(member, event.id, Answers(organisation="+cmd", job_title="@SUM(A1)",
                                       accessibility_needs="-2+3"))
    login(member)
    assert client.get(f"/incontri/{event.slug}/iscritti").status_code == 403
    assert client.get(f"/incontri/{event.slug}/iscritti.csv").status_code == 403
    login(organiser)
    page = client.get(f"/incontri/{event.slug}/iscritti").get_data(as_text=True)
    assert event.checkin_code in page and "Da approvare (1)" in page
    response = client.get(f"/incontri/{event.slug}/iscritti.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 2
    row = rows[1]
    assert row[1] == "'=HYPERLINK(\"http://x\")"
    assert row[2] == "'+cmd" and row[3] == "'@SUM(A1)" and row[4] == "'-2+3"
    assert row[5] == "Da approvare"
    registration = db.session.scalar(select(Registration))
    response = client.post(f"/incontri/{event.slug}/iscritti/{registration.id}/esito",
                           data={"esito": "approva"})
    assert response.status_code == 303
    db.session.refresh(registration)
    assert registration.status == "confirmed"


def test_message_to_registrants(client, login, app):
    organiser = make_user("moderator")
    event = published_event(organiser)
    members = [make_user() for _ in range(2)]
    for member in members:
        register(member, event.id, Answers())
    login(organiser)
    response = client.post(f"/incontri/{event.slug}/messaggio",
                           data={"subject": "Cambio aula", "body": "Ci vediamo in aula 2."})
    assert response.status_code == 303
    notes = db.session.scalars(select(Notification).where(
        Notification.kind == "event_message")).all()
    assert {n.user_id for n in notes} == {m.id for m in members}
    assert notes[0].params["subject"] == "Cambio aula"
    mails = [m for m in outbox_messages() if "Cambio aula" in m["Subject"]]
    assert {m["To"] for m in mails} == {m.email for m in members}
    response = client.post(f"/incontri/{event.slug}/messaggio",
                           data={"subject": "Solo oggetto", "body": ""})
    assert response.status_code == 422 and "Solo oggetto" in response.get_data(as_text=True)


def _started(event: Event) -> None:
    db.session.execute(Event.__table__.update().where(Event.id == event.id).values(
        starts_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()


def test_attendance_by_code_and_by_organiser(client, login, app):
    organiser = make_user("moderator")
    event = published_event(organiser)
    member, other = make_user(), make_user()
    mine = register(member, event.id, Answers())
    register(other, event.id, Answers())
    _started(event)
    login(member)
    response = client.post(f"/incontri/{event.slug}/presenza", data={"code": "SBAGLIATO"})
    assert response.status_code == 422
    assert "Il codice non è corretto" in response.get_data(as_text=True)
    response = client.post(f"/incontri/{event.slug}/presenza",
                           data={"code": event.checkin_code.lower()})
    assert response.status_code == 303
    db.session.refresh(mine)
    assert mine.attended_at is not None
    assert client.post(f"/incontri/{event.slug}/presenza",
                       data={"code": event.checkin_code}).status_code == 303
    login(organiser)
    theirs = db.session.scalar(select(Registration).where(Registration.user_id == other.id))
    url = f"/incontri/{event.slug}/iscritti/{theirs.id}/presenza"
    assert client.post(url).status_code == 303
    db.session.refresh(theirs)
    assert theirs.attended_at is not None
    assert client.post(url).status_code == 303
    db.session.refresh(theirs)
    assert theirs.attended_at is None


def test_admin_toggles_the_organiser_role(client, login, app):
    admin, member = make_user("admin"), make_user()
    login(member)
    assert client.post(f"/amministrazione/utenti/{member.id}/organizzatore").status_code \
        == 403
    login(admin)
    assert "Nomina organizzatore" in client.get(
        f"/amministrazione/utenti/{member.id}").get_data(as_text=True)
    assert client.post(f"/amministrazione/utenti/{member.id}/organizzatore").status_code \
        == 303
    assert db.session.get(User, member.id).is_organiser is True
    assert 'small">organizzatore</span>' in client.get(
        f"/amministrazione/utenti?q={member.username}").get_data(as_text=True)
    from forum.models import AuditEntry

    assert db.session.scalar(select(AuditEntry.action).order_by(
        AuditEntry.id.desc())) == "toggle_organiser"
    client.post(f"/amministrazione/utenti/{member.id}/organizzatore")
    db.session.expire_all()
    assert db.session.get(User, member.id).is_organiser is False


def _to_the_past(days: int = 30) -> None:
    past = utcnow() - timedelta(days=days)
    db.session.execute(Event.__table__.update().where(Event.starts_at > utcnow()).values(
        starts_at=past, ends_at=past + timedelta(hours=2)))
    db.session.commit()


def test_list_and_archive_statements_do_not_grow_with_events(client, app, query_counter):
    organiser = make_user("moderator")

    def count(url: str) -> int:
        client.get(url)
        with query_counter.counting() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    month = published_event(organiser).starts_at.strftime("%Y-%m")
    urls = ("/incontri", f"/incontri/calendario?mese={month}")
    few = [count(u) for u in urls]
    for n in range(6):
        published_event(organiser, title=f"Altro incontro di prova numero {n}")
    assert [count(u) for u in urls] == few
    _to_the_past()
    published_event(organiser, title="Incontro passato di prova")
    _to_the_past(40)
    archive = count("/incontri/archivio")
    assert "Incontro passato di prova" in client.get("/incontri/archivio").get_data(
        as_text=True)
    past = db.session.scalar(select(Event).where(Event.title == "Incontro passato di prova"))
    page = client.get(f"/incontri/{past.slug}").get_data(as_text=True)
    assert "Concluso" in page and "Le iscrizioni sono chiuse" in page
    for n in range(6):
        published_event(organiser, title=f"Altro incontro passato numero {n}")
    _to_the_past(50)
    assert count("/incontri/archivio") == archive


def test_a_restricted_groups_event_follows_the_group(client, login, app):
    from forum.groups.services import GroupFields, create_group
    from forum.models import GroupKind

    facilitator = make_user()
    facilitator.is_organiser = True
    db.session.commit()
    group = create_group(facilitator, GroupFields(name="Tavolo riservato sugli incontri",
                                                  kind=GroupKind.ON_REQUEST))
    event = published_event(facilitator, title="Incontro riservato del tavolo",
                            group_id=group.id)
    assert client.get(f"/incontri/{event.slug}").status_code == 404
    assert event.title not in client.get("/incontri").get_data(as_text=True)
    login(make_user())
    assert client.get(f"/incontri/{event.slug}").status_code == 404
    login(facilitator)
    assert client.get(f"/incontri/{event.slug}").status_code == 200
    assert event.title in client.get("/incontri").get_data(as_text=True)


def test_the_header_links_the_events(client, app):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/incontri"' in page and "Incontri" in page


def test_the_edit_form_shows_every_session_and_a_blank_row(client, login, app):
    from forum.events.services import SessionFields

    organiser = make_user("moderator")
    day = (utcnow() + timedelta(days=15)).date()
    from datetime import time

    event = published_event(organiser, sessions=tuple(
        SessionFields(day + timedelta(days=n), time(10), time(12), f"Parte {n}")
        for n in range(4)))
    login(organiser)
    page = client.get(f"/incontri/{event.slug}/modifica").get_data(as_text=True)
    assert "Parte 3" in page and 'name="sessions-4-day"' in page
    assert 'value="10:00"' in page
    detail = client.get(f"/incontri/{event.slug}").get_data(as_text=True)
    assert detail.count("dalle 10:00 alle 12:00") == 4  # Rome time, as typed


def test_the_archive_lists_each_past_events_materials(app, client):
    from forum.certificates.materials import add_material
    from tests.certificates.helpers import ended_event

    organiser = make_user("moderator")
    event = ended_event(organiser, present=())
    add_material(organiser, event.id, "Registrazione video", url="https://video.example.org/r")
    page = client.get("/incontri/archivio").get_data(as_text=True)
    assert "Registrazione video" in page and "https://video.example.org/r" in page


def test_an_event_of_a_restricted_group_is_for_its_members_and_listed_on_the_group(
        app, client, login):
    from forum.groups.services import GroupFields, create_group
    from forum.models import GroupKind
    from tests.events.helpers import published_event

    organiser, outsider = make_user("moderator"), make_user()
    group = create_group(organiser, GroupFields(name="Tavolo degli incontri riservati",
                                                kind=GroupKind.PRIVATE))
    login(organiser)
    form = client.get(f"/incontri/nuovo?tavolo={group.slug}").get_data(as_text=True)
    assert f'<option selected value="{group.slug}">' in form or \
        f'value="{group.slug}" selected' in form
    event = published_event(organiser, title="Riunione riservata del tavolo",
                            group_id=group.id)
    assert "Riunione riservata del tavolo" in client.get(
        f"/tavoli/{group.slug}").get_data(as_text=True)
    login(outsider)
    assert client.get(f"/incontri/{event.slug}").status_code == 404
    assert "Riunione riservata" not in client.get("/incontri").get_data(as_text=True)
    assert client.get(f"/incontri/{event.slug}.ics").status_code == 404
