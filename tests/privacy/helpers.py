"""Shared helpers for the privacy tests."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, select, text

from forum.extensions import db
from forum.models import PrivacyRequest
from forum.privacy.export import export_storage


def archive(request: PrivacyRequest) -> dict[str, Any]:
    """The archive's JSON files by name (and LEGGIMI.txt as text), wherever it is kept."""
    out: dict[str, Any] = {}
    with export_storage().open(request.file_path or "") as stored, \
            zipfile.ZipFile(io.BytesIO(stored.read())) as zf:
        for name in zf.namelist():
            data = zf.read(name).decode()
            out[name] = json.loads(data) if name.endswith(".json") else data
    return out


def database_text() -> str:
    """Every row of every table as text: what a "nothing of the person left" check greps."""
    metadata = MetaData()
    metadata.reflect(bind=db.engine)
    parts = []
    for table in metadata.tables.values():
        for row in db.session.execute(select(table)):
            parts.append(" ".join(str(v) for v in row))
    db.session.execute(text("SELECT 1"))
    return "\n".join(parts)


def folder_text(folder: Path) -> bytes:
    """All bytes of the files under `folder` (the search index)."""
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
