"""Where uploaded files live: one interface, a folder on this server or an S3 bucket.

Every uploaded file (practice attachments, group documents, files of questions and
answers, course materials) goes through `get_storage()`, under a random name of ours.
`LocalStorage` (the default) keeps them in the instance folder, right for one server;
several servers share an S3-compatible bucket (`S3Storage`, `STORAGE_BACKEND = "s3"`).
Profile photos stay in the database (table `avatars`), which every server already
shares: moving them would need a schema change for no gain.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Protocol

from flask import current_app

from forum.storage.local import LocalStorage
from forum.storage.names import check_name

__all__ = ["LocalStorage", "Storage", "check_name", "get_storage"]


class Storage(Protocol):
    """Files by name; names are ours (random, checked by `check_name`) and never reused."""

    def put(self, name: str, data: bytes) -> None:
        """Store `data` under `name`, replacing whatever was there."""

    def put_file(self, name: str, source: Path) -> None:
        """Store the file at `source` under `name`, read as it is sent (an archive can be
        larger than memory should hold)."""

    def open(self, name: str) -> IO[bytes]:
        """The file to read (the caller closes it); FileNotFoundError when missing."""

    def delete(self, name: str) -> None:
        """Remove the file; nothing happens when it is already gone."""

    def exists(self, name: str) -> bool:
        """Whether a file is stored under `name`."""


def get_storage() -> Storage:
    """The app's storage: the S3 bucket when configured, else the instance folder
    (resolved on each call: tests give each app its own instance folder)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    backend = str(app.config.get("STORAGE_BACKEND") or "local").lower()
    if backend == "local":
        configured = app.config.get("STORAGE_LOCAL_PATH")
        return LocalStorage(Path(configured) if configured
                            else Path(app.instance_path) / "attachments")
    if backend != "s3":
        raise RuntimeError(f"STORAGE_BACKEND sconosciuto: {backend!r} (local o s3).")
    storage: Storage | None = app.extensions.get("storage")
    if storage is None:
        from forum.storage.s3 import S3Storage

        storage = S3Storage.from_config(app.config)  # a client, no request yet
        app.extensions["storage"] = storage
    return storage
