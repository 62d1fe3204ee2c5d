"""Profile photos: recognised by their content, re-encoded, refused clearly when bad."""

from __future__ import annotations

import gc
import io
import warnings
import zlib

import pytest
from PIL import Image
from werkzeug.test import EnvironBuilder

from forum.extensions import db
from forum.models import Avatar, User
from tests.factories import make_user


def _image(fmt: str, size: tuple[int, int] = (800, 600), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, fmt, **save)
    return out.getvalue()


def _upload(client, data: bytes, name: str = "foto.jpg"):
    return client.post("/profilo/foto", data={"photo": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_photo_is_resized_to_a_square_and_served(client, login, app, fmt):
    member = make_user(username="con.foto")
    login(member)
    assert _upload(client, _image(fmt)).status_code == 303
    db.session.expire_all()
    version = db.session.get(User, member.id).avatar_version
    assert version == 1
    client.post("/esci")
    response = client.get(f"/utenti/con.foto/foto/{version}.jpg")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert "immutable" in response.headers["Cache-Control"]
    with Image.open(io.BytesIO(response.data)) as served:
        assert served.format == "JPEG" and served.size == (256, 256)
    assert client.get(f"/utenti/con.foto/foto/{version + 1}.jpg").status_code == 404
    assert f"/utenti/con.foto/foto/{version}.jpg" in client.get("/utenti/con.foto").text


def test_location_data_in_the_photo_is_dropped(client, login, app):
    member = make_user()
    login(member)
    exif = Image.Exif()
    exif[0x010F] = "Fotocamera Segreta"  # Make
    assert _upload(client, _image("JPEG", exif=exif.tobytes())).status_code == 303
    stored = db.session.get(Avatar, member.id)
    assert b"Fotocamera Segreta" not in stored.image


def _bomb() -> bytes:
    """A PNG header claiming 100,000 x 100,000 pixels, with a tiny body."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (len(body).to_bytes(4, "big") + kind + body
                + zlib.crc32(kind + body).to_bytes(4, "big"))
    header = (100_000).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("data, name, message", [
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
     "logo.svg", "SVG non sono accettate"),
    (b"<svg><script>alert(1)</script></svg>", "finto.png", "SVG non sono accettate"),
    (b"%PDF-1.7 non una foto", "foto.jpg", "immagine leggibile"),
    (b"", "vuoto.jpg", "immagine leggibile"),
    (_bomb(), "bomba.png", "troppi pixel"),
])
def test_bad_files_are_refused_with_a_clear_message_and_the_old_photo_kept(
        client, login, app, data, name, message):
    member = make_user()
    login(member)
    assert _upload(client, _image("PNG")).status_code == 303
    response = _upload(client, data, name)
    assert 400 <= response.status_code < 500
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, member.id).avatar_version == 1


def test_a_10_mb_photo_is_refused_with_a_clear_message(client, login, app):
    member = make_user()
    login(member)
    builder = EnvironBuilder(path="/profilo/foto", method="POST", data={
        "photo": (io.BytesIO(b"\xff\xd8" + b"\x00" * (10 * 1024 * 1024)), "enorme.jpg")})
    response = client.open(builder)
    status, page = response.status_code, response.get_data(as_text=True)
    # The test client spools this body to a temporary file that the response keeps (through
    # its request) and nobody closes: close it here, or its ResourceWarning lands elsewhere.
    response.request.environ["wsgi.input"].close()
    builder.close()
    del response
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    assert status == 422
    assert "troppo grande" in page
    assert db.session.get(Avatar, member.id) is None


def test_a_gif_animation_becomes_a_still_photo(client, login, app):
    member = make_user()
    login(member)
    frames = [Image.new("RGB", (64, 64), color) for color in ((255, 0, 0), (0, 255, 0))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    assert _upload(client, out.getvalue(), "anim.gif").status_code == 303


def test_removing_the_photo_goes_back_to_the_initials(client, login, app):
    member = make_user(username="senza.foto", display_name="Anna Maria Rossi")
    login(member)
    _upload(client, _image("PNG"))
    assert client.post("/profilo/foto/rimuovi").status_code == 303
    assert db.session.get(Avatar, member.id) is None
    page = client.get("/utenti/senza.foto").get_data(as_text=True)
    assert ">AR</span>" in page
    assert client.get("/utenti/senza.foto/foto/1.jpg").status_code == 404


def test_a_pending_members_photo_is_not_served(client, login, app):
    member = make_user(status="pending")
    login(member)
    assert _upload(client, _image("PNG")).status_code == 303
    client.post("/esci")
    assert client.get(f"/utenti/{member.username}/foto/1.jpg").status_code == 404
