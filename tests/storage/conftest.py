"""A local S3 server (moto in server mode on 127.0.0.1, a random port) and its bucket."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

BUCKET = "officina-allegati"
KEYS = {"STORAGE_S3_ACCESS_KEY_ID": "test", "STORAGE_S3_SECRET_ACCESS_KEY": "test",
        "STORAGE_S3_REGION": "eu-south-1"}


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """One moto server for the run, never an outside host."""
    server_module = pytest.importorskip("moto.server")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_config(s3_endpoint: str) -> dict[str, Any]:
    """Settings of an empty bucket, made anew for each test."""
    import boto3

    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=KEYS["STORAGE_S3_REGION"],
                          aws_access_key_id="test", aws_secret_access_key="test")
    existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
    if BUCKET in existing:
        for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
    else:
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={
            "LocationConstraint": KEYS["STORAGE_S3_REGION"]})
    return {"STORAGE_BACKEND": "s3", "STORAGE_S3_BUCKET": BUCKET,
            "STORAGE_S3_ENDPOINT_URL": s3_endpoint, **KEYS}


def bucket_keys(config: dict[str, Any]) -> set[str]:
    """The object keys in the test bucket."""
    import boto3

    client = boto3.client("s3", endpoint_url=config["STORAGE_S3_ENDPOINT_URL"],
                          region_name=KEYS["STORAGE_S3_REGION"],
                          aws_access_key_id="test", aws_secret_access_key="test")
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}
