"""Consultation rules without HTTP: the window, the sections, who answers, outcomes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.consultations.queries import consultation_page
from forum.consultations.services import comment_on_section, respond_to_comment
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.models import CommentOutcome, GuidelineStatus, Notification
from tests.consultations.helpers import in_consultation
from tests.factories import make_guideline, make_user


def test_comment_on_a_section_prepares_the_next_version_and_tells_the_owners(app):
    owner = make_user("editor")
    guideline = in_consultation(owner)
    member = make_user()
    comment = comment_on_section(member, guideline.slug, "passi", "Aggiungere **un passo**.")
    assert comment.version == 2 and comment.section_title == "Passi"
    assert "<strong>un passo</strong>" in comment.body_html
    note = db.session.scalar(select(Notification).where(Notification.user_id == owner.id))
    assert note is not None and note.kind == "guideline_comment"
    assert note.link.endswith("/consultazione#passi")


def test_comment_after_the_end_date_is_refused(app):
    guideline = in_consultation(days=-1)
    with pytest.raises(Conflict):
        comment_on_section(make_user(), guideline.slug, "passi", "Troppo tardi?")


def test_comment_on_a_guideline_not_in_consultation_is_refused(app):
    guideline = make_guideline()
    with pytest.raises(Conflict):
        comment_on_section(make_user(), guideline.slug, "passi", "Non è in consultazione.")


def test_comment_on_a_section_the_text_lacks_is_invalid(app):
    guideline = in_consultation()
    with pytest.raises(InvalidInput) as caught:
        comment_on_section(make_user(), guideline.slug, "non-esiste", "Dove?")
    assert "section" in caught.value.field_errors


def test_blank_and_overlong_comments_are_invalid(app):
    guideline = in_consultation()
    with pytest.raises(InvalidInput):
        comment_on_section(make_user(), guideline.slug, "passi", "   \n ")
    with pytest.raises(InvalidInput):
        comment_on_section(make_user(), guideline.slug, "passi", "x" * 5_001)


def test_pending_member_may_not_comment(app):
    guideline = in_consultation()
    pending = make_user()
    pending.status = "pending"
    db.session.commit()
    with pytest.raises(NotAllowed):
        comment_on_section(pending, guideline.slug, "passi", "Vorrei dire...")


def test_a_never_published_draft_is_not_found_for_members(app):
    draft = make_guideline(published=False)
    with pytest.raises(NotFound):
        comment_on_section(make_user(), draft.slug, "passi", "Bozza?")


def test_owner_marks_a_comment_with_a_reason_and_the_author_is_told(app):
    owner = make_user("editor")
    guideline = in_consultation(owner)
    member = make_user()
    comment = comment_on_section(member, guideline.slug, "passi", "Aggiungere i controlli.")
    with pytest.raises(InvalidInput):  # an outcome needs its reason
        respond_to_comment(owner, guideline.slug, comment.id, CommentOutcome.ACCEPTED, " ")
    respond_to_comment(owner, guideline.slug, comment.id, CommentOutcome.ACCEPTED,
                       "Aggiunto il passo 3 sui controlli.")
    db.session.refresh(comment)
    assert comment.outcome == CommentOutcome.ACCEPTED and comment.responded_by_id == owner.id
    kinds = set(db.session.scalars(select(Notification.kind).where(
        Notification.user_id == member.id)))
    assert "guideline_comment_answered" in kinds


def test_only_people_who_edit_the_guideline_answer(app):
    guideline = in_consultation()
    member = make_user()
    comment = comment_on_section(member, guideline.slug, "passi", "Un'osservazione.")
    with pytest.raises(NotAllowed):
        respond_to_comment(member, guideline.slug, comment.id, CommentOutcome.REJECTED, "No.")
    moderator = make_user("moderator")
    respond_to_comment(moderator, guideline.slug, comment.id, CommentOutcome.REJECTED,
                       "Fuori dall'ambito della linea guida.")


def test_unknown_outcome_and_other_guidelines_comment_are_refused(app):
    owner = make_user("editor")
    first, second = in_consultation(owner), in_consultation(owner)
    comment = comment_on_section(make_user(), first.slug, "passi", "Osservazione.")
    with pytest.raises(InvalidInput):
        respond_to_comment(owner, first.slug, comment.id, "forse", "Boh.")
    with pytest.raises(NotFound):
        respond_to_comment(owner, second.slug, comment.id, CommentOutcome.ACCEPTED, "Sì.")


def test_outcome_is_frozen_once_the_version_is_published(app):
    owner = make_user("editor")
    guideline = in_consultation(owner)
    comment = comment_on_section(make_user(), guideline.slug, "passi", "Osservazione.")
    guideline.version, guideline.status = 2, GuidelineStatus.PUBLISHED
    db.session.commit()
    with pytest.raises(Conflict):
        respond_to_comment(owner, guideline.slug, comment.id, CommentOutcome.ACCEPTED, "Sì.")


def test_page_groups_comments_by_section_with_counts(app, query_counter):
    owner = make_user("editor")
    guideline = in_consultation(owner)
    for n in range(3):
        comment_on_section(make_user(), guideline.slug, "passi", f"Commento {n}.")
    comment_on_section(make_user(), guideline.slug, "a-chi-serve", "Anche alle unioni.")
    page = consultation_page(guideline.slug, owner)
    by_anchor = {s.anchor: len(s.comments) for s in page.sections}
    assert by_anchor == {"a-chi-serve": 1, "passi": 3, "errori-frequenti": 0}
    assert page.is_open and page.can_respond and page.counts["in-esame"] == 4
    with query_counter.counting() as few:
        consultation_page(guideline.slug, owner)
    for n in range(10):
        comment_on_section(make_user(), guideline.slug, "errori-frequenti", f"Altro {n}.")
    with query_counter.counting() as many:
        consultation_page(guideline.slug, owner)
    assert many.count == few.count
