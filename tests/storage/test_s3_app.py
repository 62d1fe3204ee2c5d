"""The app with its files in an S3 bucket (moto on 127.0.0.1): uploads land in the bucket,
not in the instance folder, and download with the same safe headers; a file gone from the
bucket is a 404 with a message, never a 500."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import PostAttachment
from tests.factories import make_user
from tests.practices.test_uploads import PNG, pdf
from tests.storage.conftest import BUCKET, KEYS, bucket_keys


@pytest.fixture
def app_overrides(s3_config: dict[str, Any]) -> dict:
    """An app of this module's own, on the bucket."""
    return dict(s3_config)


def _ask(client, files):  # type: ignore[no-untyped-def]
    return client.post("/domande/nuova", data={
        "title": "Regolamento del nido: chi lo ha già aggiornato?",
        "body": "Cerchiamo un regolamento recente da confrontare con il nostro, grazie.",
        "theme": "servizi-educativi-0-6", "tags": "nido",
        "files": [(io.BytesIO(content), name) for name, content in files]},
        content_type="multipart/form-data")


def test_uploads_go_to_the_bucket_and_download_as_attachments(client, login, app) -> None:
    login(make_user())
    document = pdf()
    assert _ask(client, [("Delibera «nido».pdf", document), ("schema.png", PNG)]
                ).status_code == 303
    files = db.session.scalars(select(PostAttachment).order_by(PostAttachment.id)).all()
    assert bucket_keys(app.config) == {f.stored_name for f in files}
    assert not (Path(app.instance_path) / "attachments").exists()
    download = client.get(f"/allegati/{files[0].id}")
    assert download.status_code == 200 and download.get_data() == document
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Delibera" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    download.close()


def test_a_file_missing_from_the_bucket_is_a_404(client, login, app) -> None:
    import boto3

    login(make_user())
    assert _ask(client, [("schema.png", PNG)]).status_code == 303
    attachment = db.session.scalars(select(PostAttachment)).one()
    boto3.client("s3", endpoint_url=app.config["STORAGE_S3_ENDPOINT_URL"],
                 region_name=KEYS["STORAGE_S3_REGION"], aws_access_key_id="test",
                 aws_secret_access_key="test").delete_object(
        Bucket=BUCKET, Key=attachment.stored_name)
    response = client.get(f"/allegati/{attachment.id}")
    assert response.status_code == 404
