"""A profile awaiting approval is not public: only its owner and the staff see it."""

from __future__ import annotations

from forum.admin.services import approve_user
from tests.factories import make_user


def test_pending_profile_is_seen_only_by_its_owner_and_staff(client, login, app):
    pending = make_user(status="pending", display_name="Persona In Attesa")
    path = f"/utenti/{pending.username}"
    assert client.get(path).status_code == 404
    login(make_user())
    assert client.get(path).status_code == 404
    login(pending)
    assert "Persona In Attesa" in client.get(path).get_data(as_text=True)
    login(make_user("moderator"))
    assert client.get(path).status_code == 200
    approve_user(make_user("admin"), pending.id)
    client.post("/esci")
    assert client.get(path).status_code == 200
