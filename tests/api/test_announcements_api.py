"""/api/v1/announcements: priorities valid today, the archive as cursor pages, the coming
ones for the board only."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from forum.announcements.queries import today
from forum.announcements.services import AnnouncementFields, create_announcement
from forum.extensions import db
from forum.models import Announcement, Theme
from tests.api.resource_checks import assert_conditional, assert_problem, bearer, walk
from tests.factories import make_user

_n = iter(range(1, 10_000))


def _ended(days_ago: int) -> Announcement:
    """A priority that ended `days_ago` days ago (written directly: the form takes no
    past dates)."""
    n = next(_n)
    announcement = Announcement(
        slug=f"priorita-conclusa-{n}", title=f"Priorità conclusa {n}", body="Testo.",
        body_html="<p>Testo.</p>", valid_from=today() - timedelta(days=days_ago + 30),
        valid_until=today() - timedelta(days=days_ago))
    db.session.add(announcement)
    db.session.commit()
    return announcement


def _valid(editor, **kw):  # type: ignore[no-untyped-def]
    return create_announcement(editor, AnnouncementFields(
        title=kw.get("title", "Priorità valida di prova"), body="Testo della priorità.",
        theme_ids=(db.session.scalar(select(Theme.id).order_by(Theme.position)),),
        valid_from=kw.get("valid_from", today())))


def test_valid_archive_and_future(client) -> None:
    editor = make_user("editor")
    valid = _valid(editor)
    coming = _valid(editor, title="Priorità futura di prova",
                    valid_from=today() + timedelta(days=5))
    ended = _ended(3)
    now = client.get("/api/v1/announcements").get_json()
    assert [a["id"] for a in now["items"]] == [valid.id] and now["next_cursor"] is None
    assert now["items"][0]["is_valid"] is True
    archive = client.get("/api/v1/announcements?stato=archivio").get_json()["items"]
    assert [a["id"] for a in archive] == [ended.id] and archive[0]["is_valid"] is False
    assert_problem(client.get("/api/v1/announcements?stato=future"), 403)
    assert_problem(client.get(f"/api/v1/announcements/{coming.slug}"), 404)
    board = client.get("/api/v1/announcements?stato=future", headers=bearer(editor))
    assert [a["id"] for a in board.get_json()["items"]] == [coming.id]
    one = client.get(f"/api/v1/announcements/{valid.slug}").get_json()
    assert one["body_html"].startswith("<p>") and one["valid_until"] is None


def test_archive_pages_have_no_duplicates_or_gaps(client) -> None:
    first = [_ended(days).id for days in (1, 1, 2, 5, 9)]

    def more(page: int) -> None:
        if page == 1:
            _ended(0)

    seen = [a["id"] for a in walk(client, "/api/v1/announcements?stato=archivio",
                                  between=more)]
    assert len(seen) == len(set(seen)) and set(first) <= set(seen)


def test_bad_arguments_unknown_item_and_conditional_get(client) -> None:
    assert_problem(client.get("/api/v1/announcements?stato=tutte"), 422)
    assert_problem(client.get("/api/v1/announcements?stato=archivio&cursor=WzEsMV0"), 400)
    assert_problem(client.get("/api/v1/announcements/non-esiste"), 404)
    valid = _valid(make_user("editor"))
    assert_conditional(client, "/api/v1/announcements")
    assert_conditional(client, f"/api/v1/announcements/{valid.slug}")


def test_archive_statements_do_not_grow(client, query_counter) -> None:
    for days in (1, 2):
        _ended(days)

    def count() -> int:
        with query_counter.counting() as counter:
            assert client.get("/api/v1/announcements?stato=archivio&limit=50").status_code \
                == 200
        return counter.count

    few = count()
    for days in range(3, 21):
        _ended(days)
    assert count() == few
