"""Guideline rules without HTTP: writing, versioning, publication, reminders, threads."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from forum.answers.services import accept_answer, edit_answer
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.guidelines import links, queries, services
from forum.guidelines.legal import parse_references, valid_urn
from forum.guidelines.reminders import remind_owners
from forum.models import (
    Guideline,
    GuidelineCitation,
    GuidelineStatus,
    GuidelineVersion,
    Notification,
    Theme,
    guideline_sources,
)
from tests.concurrency import at_once
from tests.factories import make_answer, make_guideline, make_question, make_user


def fields(**overrides) -> services.GuidelineFields:
    theme_id = db.session.scalar(select(Theme.id).order_by(Theme.position))
    data = {"title": "Tariffe dei nidi con l'ISEE", "summary": "Come fissare le rette.",
            "body": "## Passi\n\nUno, due, tre.\n\n## Errori\n\nNon cambiarle a metà anno.",
            "theme_ids": (theme_id,), "review_by": date.today() + timedelta(days=200),
            "legal_references": "L. 8 novembre 2000, n. 328 | urn:nir:stato:legge:2000-11-08;328"
                                "\nD.P.C.M. 159/2013"}
    data.update(overrides)
    return services.GuidelineFields(**data)


def test_create_guideline_makes_a_draft_owned_by_its_creator(app):
    editor = make_user("editor")
    guideline = services.create_guideline(editor, fields())
    assert guideline.status == GuidelineStatus.DRAFT and guideline.version == 0
    assert guideline.slug == "tariffe-dei-nidi-con-l-isee"
    assert [u.id for u in queries.guideline_for_edit(guideline.slug).owners] == [editor.id]
    assert 'id="passi"' in guideline.body_html
    assert guideline.legal_references == [
        {"label": "L. 8 novembre 2000, n. 328", "urn": "urn:nir:stato:legge:2000-11-08;328",
         "url": "https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:legge:2000-11-08;328"},
        {"label": "D.P.C.M. 159/2013", "urn": None, "url": None}]
    again = services.create_guideline(editor, fields())
    assert again.slug == "tariffe-dei-nidi-con-l-isee-2"


def test_members_may_not_write_guidelines(app):
    with pytest.raises(NotAllowed):
        services.create_guideline(make_user(), fields())


def test_review_by_in_the_past_at_creation_is_refused(app):
    with pytest.raises(InvalidInput) as error:
        services.create_guideline(make_user("moderator"),
                                  fields(review_by=date.today() - timedelta(days=1)))
    assert "review_by" in error.value.field_errors
    assert db.session.scalar(select(func.count(Guideline.id))) == 0


def test_unknown_urn_form_is_refused_with_the_line(app):
    with pytest.raises(InvalidInput) as error:
        services.create_guideline(make_user("editor"), fields(
            legal_references="Legge | urn:nir:stato:legge:2000-13-45;328\nAltro | urn:xyz"))
    messages = error.value.field_errors["legal_references"]
    assert len(messages) == 2 and "Riga 1" in messages[0] and "Normattiva" in messages[1]


def test_urn_forms_seen_on_normattiva_are_accepted():
    assert valid_urn("urn:nir:stato:legge:2000-11-08;328")
    assert valid_urn("urn:nir:stato:decreto.legge:2006-07-04;223~art19")
    assert valid_urn("urn:nir:stato:decreto.legislativo:2017-07-03;117!vig=")
    assert not valid_urn("urn:nir:stato:legge:2000-11-08")
    assert not valid_urn("https://www.normattiva.it/")
    refs, errors = parse_references(" | urn:nir:stato:legge:2000-11-08;328")
    assert refs == [] and errors


def test_owners_must_be_people_who_write_guidelines(app):
    make_user(username="semplice")
    make_user("moderator", username="moderatrice")
    with pytest.raises(InvalidInput) as error:
        services.create_guideline(make_user("editor"), fields(owners=("semplice", "nessuno")))
    assert "owners" in error.value.field_errors
    guideline = services.create_guideline(make_user("editor"), fields(owners=("@moderatrice",)))
    owners = queries.guideline_for_edit(guideline.slug).owners
    assert {u.username for u in owners} >= {"moderatrice"}


def test_themes_are_one_to_three(app):
    ids = tuple(db.session.scalars(select(Theme.id).order_by(Theme.position).limit(4)))
    with pytest.raises(InvalidInput):
        services.create_guideline(make_user("editor"), fields(theme_ids=ids))
    with pytest.raises(InvalidInput):
        services.create_guideline(make_user("editor"), fields(theme_ids=()))


def test_publish_writes_versions_and_needs_a_change_note_after_the_first(app):
    editor = make_user("editor")
    guideline = services.create_guideline(editor, fields())
    services.change_status(editor, guideline.id, GuidelineStatus.PUBLISHED)
    first = db.session.scalars(select(GuidelineVersion)).one()
    assert (first.version, first.change_note) == (1, services.FIRST_NOTE)
    assert guideline.version == 1 and guideline.approved_by_id == editor.id
    services.edit_guideline(editor, guideline.id, fields(body="## Passi\n\nQuattro passi."))
    with pytest.raises(InvalidInput):
        services.change_status(editor, guideline.id, GuidelineStatus.PUBLISHED)
    services.change_status(editor, guideline.id, GuidelineStatus.PUBLISHED,
                           change_note="Passi rivisti.")
    versions = db.session.scalars(select(GuidelineVersion).order_by(GuidelineVersion.version))
    assert [(v.version, v.body) for v in versions] == [
        (1, fields().body), (2, "## Passi\n\nQuattro passi.")]


def test_publishing_with_nothing_changed_is_a_conflict(app):
    owner = make_user("editor")
    guideline = make_guideline(owner)
    with pytest.raises(Conflict):
        services.change_status(owner, guideline.id, GuidelineStatus.PUBLISHED,
                               change_note="Di nuovo.")


def test_editing_keeps_the_published_version_on_the_page(app):
    owner = make_user("editor")
    guideline = make_guideline(owner)
    services.edit_guideline(owner, guideline.id, fields(title="Titolo della bozza nuova"))
    page = queries.guideline_page(guideline.slug, make_user())
    assert page.title.startswith("Linea guida di prova")
    assert page.has_unpublished_changes
    preview = queries.guideline_page(guideline.slug, owner, working_copy=True)
    assert preview.title == "Titolo della bozza nuova"
    with pytest.raises(NotFound):
        queries.guideline_page(guideline.slug, make_user(), working_copy=True)


def test_who_may_edit_a_guideline(app):
    owner = make_user("editor")
    guideline = make_guideline(owner)
    for outsider in (make_user(), make_user()):
        with pytest.raises(NotAllowed):
            services.edit_guideline(outsider, guideline.id, fields())
    services.edit_guideline(make_user("moderator"), guideline.id, fields())


def test_a_never_published_draft_is_hidden_from_members(app):
    draft = make_guideline(published=False)
    with pytest.raises(NotFound):
        queries.guideline_page(draft.slug, make_user())
    with pytest.raises(NotFound):
        services.change_status(make_user(), draft.id, GuidelineStatus.PUBLISHED)


def test_consultation_needs_an_end_date_after_today(app):
    owner = make_user("editor")
    guideline = make_guideline(owner)
    with pytest.raises(InvalidInput):
        services.change_status(owner, guideline.id, GuidelineStatus.CONSULTATION,
                               consultation_ends_on=services.today_in_rome())
    services.change_status(owner, guideline.id, GuidelineStatus.CONSULTATION,
                           consultation_ends_on=services.today_in_rome() + timedelta(days=10))
    assert guideline.status == GuidelineStatus.CONSULTATION
    assert guideline.consultation_ends_at is not None


def test_moves_outside_the_workflow_are_refused(app):
    owner = make_user("editor")
    draft = make_guideline(owner, published=False)
    with pytest.raises(Conflict):
        services.change_status(owner, draft.id, GuidelineStatus.ARCHIVED)
    with pytest.raises(Conflict):
        services.change_status(owner, draft.id, "inventato")


def test_compare_versions_marks_words_and_unknown_numbers_are_not_found(app):
    owner = make_user("editor")
    guideline = make_guideline(owner)
    services.edit_guideline(owner, guideline.id, fields(title="Linea guida con titolo nuovo"))
    services.change_status(owner, guideline.id, GuidelineStatus.PUBLISHED, change_note="Titolo.")
    comparison = queries.compare_versions(guideline.slug, None, 1, 2)
    labels = [c.name for c in comparison.changes]
    assert "title" in labels
    assert "<ins" in str(comparison.changes[0].html)
    with pytest.raises(NotFound):
        queries.compare_versions(guideline.slug, None, 1, 7)


def test_reminder_is_sent_once_per_review_date(app):
    owner = make_user("editor")
    guideline = make_guideline(owner, review_by=date.today() - timedelta(days=2))
    assert remind_owners() == 1
    assert remind_owners() == 0
    notes = db.session.scalars(select(Notification).where(
        Notification.kind == "guideline_review_due")).all()
    assert [n.user_id for n in notes] == [owner.id]
    services.edit_guideline(owner, guideline.id, fields(
        review_by=date.today() + timedelta(days=30)))
    assert db.session.get(Guideline, guideline.id).review_reminded_at is None
    assert remind_owners(date.today() + timedelta(days=31)) == 1


def test_reminder_mails_an_owner_who_wants_account_notices_at_once(app):
    from forum.database import write_intent
    from forum.mail import outbox_messages
    from forum.notifications.mailing import set_deliveries

    owner = make_user("editor")
    with write_intent():
        set_deliveries(owner, {"account": "immediate"})
        db.session.commit()
    make_guideline(owner, title="Linea guida da rivedere subito",
                   review_by=date.today() - timedelta(days=1))
    assert remind_owners() == 1
    [mail] = [m for m in outbox_messages() if m["To"] == owner.email]
    assert "Linea guida da rivedere subito" in mail.get_body(("plain",)).get_content()


def test_reminder_claims_once_when_started_on_several_nodes(app):
    owner = make_user("editor")
    make_guideline(owner, review_by=date.today() - timedelta(days=2))
    assert sum(at_once(app, remind_owners, 4)) == 1
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.kind == "guideline_review_due")) == 1


def _solved_question():
    asker = make_user()
    question = make_question(asker)
    answer = make_answer(question, body="Applicate l'art. 7 del D.P.C.M. 159/2013 alle rette.")
    accept_answer(asker, answer.id)
    return question


def test_propose_from_a_solved_thread_makes_a_draft_citing_it(app):
    question = _solved_question()
    editor = make_user("editor")
    guideline = links.draft_from_question(editor, question.id)
    assert guideline.status == GuidelineStatus.DRAFT
    assert "art. 7" in guideline.body and "art. 7" in guideline.summary
    assert [u.id for u in queries.guideline_for_edit(guideline.slug).owners] == [editor.id]
    assert db.session.execute(select(guideline_sources.c.question_id)).scalars().all() == [
        question.id]
    with pytest.raises(Conflict):
        links.draft_from_question(editor, question.id)


def test_propose_needs_a_writer_and_an_accepted_answer(app):
    question = _solved_question()
    with pytest.raises(NotAllowed):
        links.draft_from_question(make_user(), question.id)
    open_question = make_question()
    with pytest.raises(Conflict):
        links.draft_from_question(make_user("moderator"), open_question.id)


def test_answers_cite_published_guidelines_and_their_sections(app):
    guideline = make_guideline()
    draft = make_guideline(published=False)
    question = make_question()
    author = make_user()
    answer = make_answer(question, author, body=(
        f"Vedi /linee-guida/{guideline.slug}#a-chi-serve e anche "
        f"https://officina.example/linee-guida/{draft.slug} e /linee-guida/{guideline.slug}"
        "#sezione-inesistente"))
    rows = db.session.scalars(select(GuidelineCitation)).all()
    assert sorted((r.guideline_id, r.section_anchor) for r in rows) == [
        (guideline.id, ""), (guideline.id, "a-chi-serve")]
    cited = queries.guidelines_for_question(question.id, [answer.id], None)[0][answer.id]
    assert {c.section_title for c in cited} == {"A chi serve", ""}
    edit_answer(author, answer.id, body="Nessuna citazione, ora, in questo testo.")
    assert db.session.scalars(select(GuidelineCitation)).all() == []


def test_a_restricted_group_s_thread_is_not_proposed_as_a_guideline(app):
    from tests.groups.test_visibility import into_group, make_group

    editor = make_user("editor")
    question = _solved_question()
    into_group(question, make_group("Tavolo privato", "private", {editor: "member"}))
    with pytest.raises(Conflict):
        links.draft_from_question(editor, question.id)
    with pytest.raises(NotFound):
        links.draft_from_question(make_user("moderator"), question.id)


def test_a_changed_review_date_in_the_past_is_refused_on_edit(app):
    owner = make_user("editor")
    guideline = make_guideline(owner, review_by=date.today() - timedelta(days=5))
    services.edit_guideline(owner, guideline.id, fields(review_by=guideline.review_by))
    with pytest.raises(InvalidInput):
        services.edit_guideline(owner, guideline.id, fields(
            review_by=date.today() - timedelta(days=1)))
