"""Privacy archives in the bucket when files go to S3: a worker on one server builds the
archive, a server with another instance folder sends it, the purge deletes it there."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from forum.extensions import db
from forum.models import User
from forum.models.base import utcnow
from forum.privacy import services
from forum.privacy.export import export_storage
from forum.privacy.purge import expire_exports
from tests.conftest import second_app
from tests.factories import make_user
from tests.storage.conftest import bucket_keys


@pytest.fixture
def app_overrides(s3_config: dict[str, Any]) -> dict:
    """An app of this module's own, on the bucket."""
    return dict(s3_config)


def test_an_archive_is_kept_in_the_bucket_and_sent_by_any_server(
        app, client, login, s3_config, tmp_path: Path) -> None:
    me = make_user(display_name="Carla Bianchi Esporta")
    request, _created = services.request_export(me)
    db.session.refresh(request)
    name = request.file_path or ""
    assert bucket_keys(app.config) == {f"exports/{name}"}
    assert not (Path(app.instance_path) / "exports").exists()
    login(me)
    download = client.get(f"/profilo/dati/esportazioni/{request.id}.zip")
    assert download.status_code == 200
    assert download.headers["Cache-Control"] == "no-store"
    assert "profilo.json" in zipfile.ZipFile(io.BytesIO(download.get_data())).namelist()
    download.close()
    me_id, request_id = me.id, request.id  # the other server loads its own objects
    with second_app(app, **s3_config) as other:
        other.instance_path = str(tmp_path)  # nothing of the first server's disk
        with other.app_context():
            found, stored = services.download_name(db.session.get(User, me_id), request_id)
            with export_storage().open(stored) as archive:
                assert zipfile.ZipFile(io.BytesIO(archive.read())).testzip() is None
    assert expire_exports(utcnow() + timedelta(days=8)) == 1
    assert bucket_keys(app.config) == set()
    assert client.get(f"/profilo/dati/esportazioni/{request.id}.zip").status_code == 410
