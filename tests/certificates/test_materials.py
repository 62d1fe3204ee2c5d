"""Materials of an event: organisers add links and files (checked by content) and remove
them; whoever sees the event downloads them; a draft's materials are a 404."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from forum.certificates.materials import add_material
from forum.errors import InvalidInput, NotAllowed
from forum.extensions import db
from forum.models import EventMaterial
from tests.events.helpers import published_event
from tests.factories import make_user
from tests.practices.test_uploads import pdf


@pytest.fixture
def organiser(app):  # type: ignore[no-untyped-def]
    """A moderator (moderators organise events)."""
    return make_user("moderator")


def test_organiser_adds_a_link(app, client, login, organiser) -> None:
    event = published_event(organiser)
    login(organiser)
    response = client.post(f"/incontri/{event.slug}/materiali", data={
        "label": "Registrazione", "url": "https://video.example.org/incontro"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/incontri/{event.slug}#materiali")
    material = db.session.scalars(select(EventMaterial)).one()
    assert (material.label, material.url, material.stored_name) == (
        "Registrazione", "https://video.example.org/incontro", None)


def test_organiser_uploads_a_file_anyone_downloads_it(app, client, login, organiser) -> None:
    event = published_event(organiser)
    login(organiser)
    response = client.post(f"/incontri/{event.slug}/materiali", data={
        "label": "Slide", "file": (io.BytesIO(pdf()), "slide.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 303
    material = db.session.scalars(select(EventMaterial)).one()
    assert material.filename == "slide.pdf" and material.mime == "application/pdf"
    client.post("/esci")
    download = client.get(f"/incontri/{event.slug}/materiali/{material.id}")
    assert download.status_code == 200
    assert download.data == pdf()
    assert download.headers["Content-Disposition"].startswith("attachment")
    download.close()


def test_organiser_deletes_a_material_and_its_file(app, client, login, organiser) -> None:
    from werkzeug.datastructures import FileStorage

    from forum.storage import get_storage

    event = published_event(organiser)
    material = add_material(organiser, event.id, "Slide",
                            upload=FileStorage(io.BytesIO(pdf()), filename="slide.pdf"))
    assert material.stored_name is not None
    name, material_id = material.stored_name, material.id
    assert get_storage().exists(name)
    login(organiser)
    response = client.post(f"/incontri/{event.slug}/materiali/{material_id}/elimina")
    assert response.status_code == 303
    assert db.session.scalars(select(EventMaterial)).all() == []
    assert not get_storage().exists(name)
    assert client.get(f"/incontri/{event.slug}/materiali/{material_id}").status_code == 404


def test_member_may_not_add_materials(app, client, login, organiser) -> None:
    event = published_event(organiser)
    member = make_user()
    with pytest.raises(NotAllowed):
        add_material(member, event.id, "Slide", url="https://example.org/s")
    login(member)
    response = client.post(f"/incontri/{event.slug}/materiali", data={
        "label": "Slide", "url": "https://example.org/s"})
    assert response.status_code == 403


def test_a_drafts_materials_are_not_found_by_others(app, client, login, organiser) -> None:
    from forum.events.services import create_event
    from tests.events.helpers import fields

    draft = create_event(organiser, fields())
    material = add_material(organiser, draft.id, "Registrazione", url="https://example.org/r")
    from werkzeug.datastructures import FileStorage

    upload = add_material(organiser, draft.id, "Slide",
                          upload=FileStorage(io.BytesIO(pdf()), filename="slide.pdf"))
    for path in (f"/incontri/{draft.slug}/materiali/{upload.id}",
                 f"/incontri/{draft.slug}/materiali/{material.id}"):
        assert client.get(path).status_code == 404
    login(make_user())
    assert client.get(f"/incontri/{draft.slug}/materiali/{upload.id}").status_code == 404
    response = client.post(f"/incontri/{draft.slug}/materiali", data={
        "label": "Altro", "url": "https://example.org/a"})
    assert response.status_code == 404
    login(organiser)
    download = client.get(f"/incontri/{draft.slug}/materiali/{upload.id}")
    assert download.status_code == 200
    download.close()


@pytest.mark.parametrize(("data", "message"), [
    ({"label": "", "url": "https://example.org/r"}, "Scrivi una descrizione"),
    ({"label": "Registrazione", "url": ""}, "Indica un link o scegli un file"),
    ({"label": "Registrazione", "url": "javascript:alert(1)"}, "indirizzo web completo"),
    ({"label": "Registrazione", "url": "ftp://example.org/file"}, "indirizzo web completo"),
    ({"label": "Slide", "file": (io.BytesIO(b"<html><script>x</script></html>"), "s.pdf")},
     "non corrisponde"),
    ({"label": "Slide", "file": (io.BytesIO(b"MZ\x90\x00"), "s.exe")}, "Tipo di file non"),
])
def test_bad_material_is_refused_with_the_form_kept(app, client, login, organiser, data,
                                                    message) -> None:
    event = published_event(organiser)
    login(organiser)
    response = client.post(f"/incontri/{event.slug}/materiali", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    if data["label"]:
        assert f'value="{data["label"]}"' in page
    assert db.session.scalars(select(EventMaterial)).all() == []


def test_service_refuses_a_too_long_label(app, organiser) -> None:
    event = published_event(organiser)
    with pytest.raises(InvalidInput):
        add_material(organiser, event.id, "x" * 201, url="https://example.org/r")


def test_unknown_material_and_event_are_not_found(app, client, organiser) -> None:
    event = published_event(organiser)
    assert client.get(f"/incontri/{event.slug}/materiali/99999").status_code == 404
    assert client.get("/incontri/non-esiste/materiali/1").status_code == 404
    assert client.get(f"/incontri/{event.slug}/materiali/99999999999").status_code == 404
