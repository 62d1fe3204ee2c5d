"""The group forms and the group list fed the naughty-string corpus and an XSS list: never a
5xx, never a script on the page, the typed text back in the form when refused."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import func, select

from forum.extensions import db
from forum.groups.services import GroupFields, create_group
from forum.models import Group, GroupKind, GroupRequest
from tests.factories import make_user
from tests.hostile import SAMPLE


def test_opening_a_group_takes_any_name_and_description(client, login, app):
    login(make_user())
    codes = set()
    for n, text in enumerate(SAMPLE):
        response = client.post("/tavoli/nuovo", data={
            "name": text, "description": text, "kind": "open", "region": text,
            "audience": [text], "themes": [text]})
        codes.add(response.status_code)
        page = response.get_data(as_text=True)
        assert "<script>alert" not in page
        if response.status_code == 422 and n % 25 == 0 and text.strip():
            assert "invalid-feedback" in page  # the reason, next to its field
    assert codes <= {303, 422}, codes
    for group in db.session.scalars(select(Group)):
        page = client.get(f"/tavoli/{group.slug}")
        assert page.status_code == 200, group.name
        assert "<script>alert" not in page.get_data(as_text=True)


def test_invitations_and_requests_take_any_text(client, login, app):
    owner, other = make_user(), make_user()
    group = create_group(owner, GroupFields(name="Tavolo per il corpus",
                                            kind=GroupKind.ON_REQUEST))
    login(owner)
    codes = set()
    for text in SAMPLE:
        response = client.post(f"/tavoli/{group.slug}/membri/invita", data={"target": text})
        codes.add(response.status_code)
        assert "<script>alert" not in response.get_data(as_text=True)
    assert codes <= {303, 409, 422}, codes
    login(other)
    codes = set()
    for text in SAMPLE:
        response = client.post(f"/tavoli/{group.slug}/richiesta", data={"message": text})
        codes.add(response.status_code)
        if response.status_code == 303:
            client.post(f"/tavoli/{group.slug}/richiesta/ritira")
    assert codes <= {303, 409, 422}, codes
    assert db.session.scalar(select(func.count(GroupRequest.id))) == 0


def test_the_group_list_takes_any_query_string(client, app):
    codes = set()
    for text in SAMPLE:
        value = quote(text, safe="")
        response = client.get(f"/tavoli?q={value}&tema={value}&regione={value}&tipo={value}"
                              f"&miei={value}&page={value}")
        codes.add(response.status_code)
        assert "<script>alert" not in response.get_data(as_text=True)
    assert codes <= {200, 400}, codes
    for text in SAMPLE:
        response = client.get(f"/tavoli?q={quote(text, safe='')}")
        assert response.status_code == 200, text
