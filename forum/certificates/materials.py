"""An event's materials: slides and documents (files, on the shared mechanism
`forum.attachments`: checked by content, stored under a random name, served as
downloads) and links (a recording). Organisers add and remove them; whoever sees the
event sees them."""

from __future__ import annotations

import re

from flask import Response
from flask_babel import gettext as _
from sqlalchemy import delete, select
from werkzeug.datastructures import FileStorage

from forum import attachments
from forum.database import write_intent
from forum.errors import InvalidInput, NotFound
from forum.events.access import load_event, require_organiser
from forum.extensions import db
from forum.models import Event, EventMaterial, User
from forum.text import clean_line

LABEL_MAX = 200
URL_MAX = 500
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def _label(label: str) -> str:
    label = clean_line(label)
    if not label:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
            "label": [_("Scrivi una descrizione del materiale.")]})
    if len(label) > LABEL_MAX:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
            "label": [_("La descrizione può avere al massimo %(n)d caratteri.", n=LABEL_MAX)]})
    return label


def _link(url: str) -> str:
    url = clean_line(url)
    if not url:
        raise InvalidInput(_("Indica un link o scegli un file da caricare."), field_errors={
            "url": [_("Serve un link oppure un file.")]})
    if len(url) > URL_MAX or not _URL.match(url):
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
            "url": [_("Scrivi un indirizzo web completo (https://…).")]})
    return url


def add_material(actor: User, event_id: int, label: str, *, url: str = "",
                 upload: FileStorage | None = None) -> EventMaterial:
    """A file (when one is chosen) or a link for the event's participants; organisers
    only. The file is checked before the write lock is taken, and removed again if the
    row is not committed."""
    require_organiser(actor, load_event(event_id))
    label = _label(label)
    if upload is None or not upload.filename:
        link = _link(url)
        with write_intent():
            require_organiser(actor, load_event(event_id))
            material = EventMaterial(event_id=event_id, label=label, url=link,
                                     uploaded_by_id=actor.id)
            db.session.add(material)
            db.session.commit()
        return material
    checked = attachments.check_upload(upload)
    with attachments.stored(checked) as stored_name, write_intent():
        require_organiser(actor, load_event(event_id))
        material = EventMaterial(event_id=event_id, label=label, filename=checked.filename,
                                 stored_name=stored_name, mime=checked.mime,
                                 size_bytes=checked.size, uploaded_by_id=actor.id)
        db.session.add(material)
        db.session.commit()
    return material


def _material(event: Event, material_id: int) -> EventMaterial:
    material = db.session.scalar(select(EventMaterial).where(
        EventMaterial.id == material_id, EventMaterial.event_id == event.id))
    if material is None:
        raise NotFound(_("Materiale non trovato."))
    return material


def delete_material(actor: User, event_id: int, material_id: int) -> Event:
    """Remove a material (organisers only); its file goes once the row is gone."""
    with write_intent():
        event = load_event(event_id)
        require_organiser(actor, event)
        material = _material(event, material_id)
        stored_name = material.stored_name
        db.session.execute(delete(EventMaterial).where(EventMaterial.id == material.id))
        db.session.commit()
    if stored_name:
        attachments.remove_stored([stored_name])
    return event


def send_material(event: Event, material_id: int) -> Response:
    """A material's file as a download (the caller checked the event is visible); a link
    material has no file here (404)."""
    material = _material(event, material_id)
    if not material.stored_name:
        raise NotFound(_("Materiale non trovato."))
    return attachments.send_stored(material.stored_name, material.mime, material.filename,
                                   missing=_("Materiale non trovato."))
