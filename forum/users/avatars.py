"""Profile photos: recognised by content with Pillow, re-encoded server-side as a square JPEG.

Re-encoding drops everything but the pixels (EXIF with GPS positions, scripts, trailing
data); the size and pixel limits are checked before decoding, so a decompression bomb is
refused without being expanded.

The photos stay in the database (table `avatars`), not in `forum.storage`: every server
already shares the database, and each photo is a few kilobytes after re-encoding.
"""

from __future__ import annotations

import io
import warnings

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

from forum.database import write_intent
from forum.errors import InvalidInput
from forum.extensions import db
from forum.models import Avatar, User
from forum.models.base import utcnow

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
SIDE = 256
MAX_PIXELS = 40_000_000


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, field_errors={"photo": [message]})


def _read_limited(upload: FileStorage, limit: int) -> bytes:
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise _refuse(_("La foto è troppo grande: al massimo %(mb)d MB.", mb=limit // 1_000_000))
    return data


def normalise(data: bytes) -> bytes:
    """The uploaded bytes as a SIDE x SIDE JPEG, or a clear refusal."""
    head = data[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head:
        raise _refuse(_("Le immagini SVG non sono accettate: carica una foto JPEG, PNG o WebP."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise _refuse(_("Formato non accettato: carica una foto JPEG, PNG o WebP."))
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise _refuse(_("L'immagine ha troppi pixel: riducila e riprova."))
                image.seek(0)
                upright = ImageOps.exif_transpose(image)
                square = ImageOps.fit(upright.convert("RGB"), (SIDE, SIDE),
                                      Image.Resampling.LANCZOS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(_("L'immagine ha troppi pixel: riducila e riprova.")) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise _refuse(_("Il file non è un'immagine leggibile: carica una foto JPEG, PNG "
                        "o WebP.")) from None
    out = io.BytesIO()
    square.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def set_avatar(user: User, upload: FileStorage | None) -> User:
    """Replace the member's photo with the uploaded one, once checked and resized."""
    if upload is None or not upload.filename:
        raise _refuse(_("Scegli una foto da caricare."))
    try:
        data = _read_limited(upload, int(current_app.config["AVATAR_MAX_BYTES"]))
    finally:
        upload.close()  # a large upload is a temporary file: closed even when refused
    image = normalise(data)
    with write_intent():
        member = db.session.get_one(User, user.id, with_for_update=True)  # one upload at a time
        avatar = db.session.get(Avatar, user.id)
        if avatar is None:
            db.session.add(Avatar(user_id=user.id, image=image, content_type="image/jpeg"))
        else:
            avatar.image, avatar.updated_at = image, utcnow()
        member.avatar_version = member.avatar_version + 1
        db.session.commit()
    return user


def remove_avatar(user: User) -> User:
    """Back to the initials avatar."""
    with write_intent():
        avatar = db.session.get(Avatar, user.id)
        if avatar is not None:
            db.session.delete(avatar)
        db.session.get_one(User, user.id).avatar_version = 0
        db.session.commit()
    return user


def avatar_image(user_id: int) -> Avatar | None:
    """The stored photo, if any."""
    return db.session.get(Avatar, user_id)


def initials(display_name: str) -> str:
    """Up to two initials for the avatar drawn when there is no photo."""
    words = [w for w in display_name.replace("-", " ").split() if w[:1].isalnum()]
    letters = "".join(w[0] for w in words[:1] + words[1:][-1:])
    return letters.upper() or "?"
