"""The profile form, the photo upload and the directory fed the naughty-string corpus and
an XSS list: never a 5xx, never a script on the page, nothing half-saved."""

from __future__ import annotations

import io
from urllib.parse import quote

from forum.extensions import db
from forum.models import User
from tests.factories import make_user
from tests.hostile import SAMPLE

BASE = {"display_name": "Nome Sicuro", "organisation": "Comune di Prova",
        "organisation_type": "comune", "region_code": "08"}


def test_profile_choices_and_contacts_take_any_string_and_show_it_escaped(client, login, app):
    """The free-text fields are in tests/security/test_hostile_input.py; here the lists,
    the visibility choices, the contacts and the organisation, and the page that shows them."""
    member = make_user(username="ostile")
    login(member)
    codes = set()
    for text in SAMPLE:
        chosen = dict.fromkeys(("province_code", "vis_bio", "languages", "expertise",
                                "level_of_government", "organisation_type", "contact_email",
                                "contact_phone", "organisation"), text)
        response = client.post("/profilo/modifica", data={**BASE, **chosen})
        codes.add(response.status_code)
        assert "<script>alert" not in response.get_data(as_text=True)
    assert codes <= {303, 422}, codes
    client.post("/profilo/modifica", data={**BASE, "bio": "<script>alert(1)</script>",
                                           "vis_bio": "public"})
    page = client.get("/utenti/ostile").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    db.session.expire_all()
    assert db.session.get(User, member.id).vis_bio == "public"


def test_the_directory_takes_any_query_string(client, login, app):
    login(make_user())
    codes = set()
    for text in SAMPLE:
        value = quote(text, safe="")
        query = "&".join(f"{name}={value}" for name in (
            "q", "regione", "tipo", "livello", "tema", "risposto", "reputazione", "ordina",
            "page"))
        response = client.get(f"/rete?{query}")
        codes.add(response.status_code)
        assert "<script>alert" not in response.get_data(as_text=True)
    assert codes == {200}, codes


def test_photo_uploads_take_any_bytes_and_any_name(client, login, app):
    login(make_user())
    codes = set()
    for text in SAMPLE:
        data = text.encode("utf-8", "surrogatepass")
        response = client.post("/profilo/foto", data={"photo": (io.BytesIO(data), text or "x")},
                               content_type="multipart/form-data")
        codes.add(response.status_code)
    assert codes <= {303, 400, 422}, codes
