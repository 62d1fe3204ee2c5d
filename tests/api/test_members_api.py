"""/api/v1/members/{username}: only the fields the member shows the caller; profiles the
caller may not view are a 404."""

from __future__ import annotations

from datetime import timedelta

from forum.extensions import db
from forum.models.base import utcnow
from tests.api.resource_checks import assert_conditional, assert_problem, bearer
from tests.factories import make_question, make_user


def _member():  # type: ignore[no-untyped-def]
    user = make_user(bio="Mi occupo di nidi.")
    user.job_title = "Funzionaria servizi educativi"
    user.contact_email = "contatti@ente.example"
    user.languages = "it,en"
    user.vis_bio = "public"
    user.vis_job_title = "members"
    user.vis_organisation = "hidden"
    user.vis_email = "public"  # contacts never reach anonymous callers anyway
    db.session.commit()
    return user


def test_fields_follow_the_members_choices(client) -> None:
    user = _member()
    make_question(user)
    anonymous = client.get(f"/api/v1/members/{user.username}").get_json()
    assert anonymous["bio"] == "Mi occupo di nidi."
    assert anonymous["job_title"] is None and anonymous["organisation"] is None
    assert anonymous["contact_email"] is None
    assert anonymous["question_count"] == 1
    assert anonymous["recent_questions"][0]["url"].endswith("/domande/1")
    member = client.get(f"/api/v1/members/{user.username}",
                        headers=bearer(make_user())).get_json()
    assert member["job_title"] == "Funzionaria servizi educativi"
    assert member["contact_email"] == "contatti@ente.example"
    assert member["organisation"] is None and member["languages"] == ["it", "en"]
    own = client.get(f"/api/v1/members/{user.username}", headers=bearer(user)).get_json()
    assert own["organisation"] == user.organisation


def test_pending_and_suspended_profiles(client) -> None:
    pending = make_user(status="pending")
    assert_problem(client.get(f"/api/v1/members/{pending.username}"), 404)
    assert_problem(client.get(f"/api/v1/members/{pending.username}",
                              headers=bearer(make_user())), 404)
    suspended = make_user()
    reader = bearer(make_user())
    suspended.suspended_until = utcnow() + timedelta(days=3)
    db.session.commit()
    assert_problem(client.get(f"/api/v1/members/{suspended.username}"), 404)
    seen = client.get(f"/api/v1/members/{suspended.username}", headers=reader).get_json()
    assert seen["is_suspended"] is True


def test_unknown_member_and_conditional_get(client) -> None:
    assert_problem(client.get("/api/v1/members/nessuno"), 404)
    assert_problem(client.get("/api/v1/members/" + "x" * 300), 404)
    user = _member()
    assert_conditional(client, f"/api/v1/members/{user.username}")


def test_statements_do_not_grow_with_activity(client, query_counter) -> None:
    user = _member()
    for _ in range(2):
        make_question(user)

    def count() -> int:
        with query_counter.counting() as counter:
            assert client.get(f"/api/v1/members/{user.username}").status_code == 200
        return counter.count

    few = count()
    for theme in ("disabilita", "affido-adozione", "anziani-caregiver"):
        make_question(user, theme_slug=theme)
    assert count() == few
