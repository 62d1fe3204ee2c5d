"""Priorities: who writes them, their validity window, and watchers told once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.announcements import queries
from forum.announcements.services import (
    delete_announcement,
    notify_due,
    update_announcement,
)
from forum.errors import InvalidInput, NotAllowed
from forum.extensions import db
from forum.models import Announcement, FollowTarget, Notification
from forum.notifications.follows import set_level
from tests.announcements.helpers import days, fields, make_priority, theme_id
from tests.concurrency import at_once
from tests.factories import make_user


def _notes(announcement_id: int) -> list[Notification]:
    db.session.commit()
    return list(db.session.scalars(select(Notification).where(
        Notification.subject_type == "announcement",
        Notification.subject_id == announcement_id)))


def test_a_member_or_moderator_may_not_publish_a_priority(app):
    for role in ("member", "moderator"):
        with pytest.raises(NotAllowed):
            make_priority(make_user(role))


def test_the_board_publishes_a_priority_with_markdown_rendered_once(app):
    priority = make_priority(make_user("editor"))
    assert priority.slug == "priorita-2027-posti-nido-nelle-aree-interne"
    assert "<strong>posti nido</strong>" in priority.body_html
    assert make_priority(make_user("admin")).slug.endswith("-2")


def test_an_end_before_the_start_is_refused_on_its_field(app):
    with pytest.raises(InvalidInput) as refused:
        make_priority(make_user("editor"), valid_from=days(5), valid_until=days(4))
    assert "valid_until" in refused.value.field_errors
    assert db.session.scalars(select(Announcement)).all() == []


def test_a_new_priority_may_start_up_to_a_year_ago_but_an_edit_may_go_further(app):
    board = make_user("editor")
    with pytest.raises(InvalidInput) as refused:
        make_priority(board, valid_from=days(-400))
    assert "valid_from" in refused.value.field_errors
    priority = make_priority(board, valid_from=days(-300))
    edited = update_announcement(board, priority.id, fields(valid_from=days(-700)))
    assert edited.valid_from == days(-700)


def test_themes_are_one_to_three_known_ones(app):
    board = make_user("editor")
    for ids in ((), (theme_id(), 999_999), (1, 2, 3, 4)):
        with pytest.raises(InvalidInput) as refused:
            make_priority(board, theme_ids=ids)
        assert "themes" in refused.value.field_errors


def test_validity_includes_both_ends_and_open_ended_priorities(app):
    board = make_user("editor")
    make_priority(board, title="Valida fino a oggi", valid_from=days(-10), valid_until=days(0))
    make_priority(board, title="Valida senza fine", valid_from=days(0))
    make_priority(board, title="Conclusa ieri", valid_from=days(-10), valid_until=days(-1))
    make_priority(board, title="Inizia domani", valid_from=days(1))
    current = {a.title for a in queries.current_announcements()}
    assert current == {"Valida fino a oggi", "Valida senza fine"}
    assert [a.title for a in queries.future_announcements()] == ["Inizia domani"]
    assert [a.title for a in queries.past_announcements(1, 20).items] == ["Conclusa ieri"]
    assert {a.title for a in queries.pinned(theme_id())} == current
    assert queries.pinned(theme_id("giovani")) == []


def test_watchers_of_a_theme_are_told_once_when_a_valid_priority_is_published(app):
    board, watcher, other = make_user("editor"), make_user(), make_user()
    set_level(watcher, FollowTarget.THEME, theme_id(), "watching")
    set_level(board, FollowTarget.THEME, theme_id(), "watching")
    priority = make_priority(board)
    notes = _notes(priority.id)
    assert [n.user_id for n in notes] == [watcher.id]  # not the author, not the others
    assert notes[0].kind == "priority_valid" and notes[0].link == f"/indirizzi/{priority.slug}"
    assert other.id not in {n.user_id for n in notes}
    update_announcement(board, priority.id, fields(title="Titolo cambiato per la prova"))
    assert notify_due() == 0
    assert len(_notes(priority.id)) == 1


def test_a_future_priority_is_told_by_the_command_on_its_first_day_only_once(app):
    board, watcher = make_user("editor"), make_user()
    set_level(watcher, FollowTarget.THEME, theme_id(), "watching")
    priority = make_priority(board, valid_from=days(3))
    assert _notes(priority.id) == [] and notify_due() == 0
    db.session.get(Announcement, priority.id).valid_from = days(0)  # its day has come
    db.session.commit()
    assert notify_due() == 1
    assert notify_due() == 0
    assert [n.user_id for n in _notes(priority.id)] == [watcher.id]


def test_an_edit_that_makes_a_future_priority_valid_tells_the_watchers(app):
    board, watcher = make_user("editor"), make_user()
    set_level(watcher, FollowTarget.THEME, theme_id(), "watching")
    priority = make_priority(board, valid_from=days(10))
    update_announcement(board, priority.id, fields(valid_from=days(0)))
    assert [n.user_id for n in _notes(priority.id)] == [watcher.id]


def test_an_ended_priority_never_notifies(app):
    board, watcher = make_user("editor"), make_user()
    set_level(watcher, FollowTarget.THEME, theme_id(), "watching")
    priority = make_priority(board, valid_from=days(-20), valid_until=days(-2))
    assert notify_due() == 0 and _notes(priority.id) == []


def test_several_notify_runs_at_once_claim_each_priority_once(app):

    board, watcher = make_user("editor"), make_user()
    set_level(watcher, FollowTarget.THEME, theme_id(), "watching")
    ids = [make_priority(board, title=f"Priorità futura numero {n}", valid_from=days(2)).id
           for n in range(3)]
    for announcement_id in ids:
        db.session.get(Announcement, announcement_id).valid_from = days(0)
    db.session.commit()
    assert sum(at_once(app, notify_due, 6)) == 3
    for announcement_id in ids:
        assert [n.user_id for n in _notes(announcement_id)] == [watcher.id]


def test_the_board_deletes_a_priority(app):
    board = make_user("editor")
    priority = make_priority(board)
    with pytest.raises(NotAllowed):
        delete_announcement(make_user(), priority.id)
    delete_announcement(board, priority.id)
    assert db.session.get(Announcement, priority.id) is None


def test_the_notify_command_reports_what_it_claimed(app):
    board, watcher = make_user("editor"), make_user()
    set_level(watcher, FollowTarget.THEME, theme_id(), "watching")
    priority = make_priority(board, valid_from=days(1))
    db.session.get(Announcement, priority.id).valid_from = days(0)
    db.session.commit()
    runner = app.test_cli_runner()
    assert "Priorità notificate: 1." in runner.invoke(args=["announcements", "notify"]).output
    assert "Priorità notificate: 0." in runner.invoke(args=["announcements", "notify"]).output


def test_watchers_get_the_e_mail_their_followed_setting_asks_for(app, inbox):
    from forum.notifications.services import save_mail_settings
    from tests.notifications.test_mail import parts

    board, at_once, weekly = make_user("editor"), make_user(), make_user()
    for member in (at_once, weekly):
        set_level(member, FollowTarget.THEME, theme_id(), "watching")
    save_mail_settings(at_once, {"followed": "immediate"})
    priority = make_priority(board)
    [mail] = inbox.to(at_once.email)
    assert "Nuova priorità di policy su un tema che segui" in mail["Subject"]
    assert f"https://officina.example/indirizzi/{priority.slug}" in parts(mail)[0]
    assert inbox.to(weekly.email) == []  # in their weekly digest instead
    assert {n.user_id for n in _notes(priority.id)} == {at_once.id, weekly.id}
