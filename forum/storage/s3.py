"""Files in an S3-compatible bucket (AWS, MinIO, Ceph...): shared by every server.

Configuration (`STORAGE_*`, FORUM_STORAGE_* in the environment): bucket, endpoint (empty
for AWS), region, keys (empty: boto3's usual chain, e.g. an instance role) and a prefix
for the objects' keys. The bucket is created by whoever deploys, not by the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, cast

from forum.storage.names import check_name

_MISSING = {"NoSuchKey", "404", "NotFound"}


class S3Storage:
    """A bucket through a boto3 client (thread-safe, shared by the process's threads)."""

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> S3Storage:
        """A client built from `STORAGE_S3_*`; no request is sent until a file is used."""
        import boto3
        from botocore.config import Config as BotoConfig

        bucket = config.get("STORAGE_S3_BUCKET")
        if not bucket:
            raise RuntimeError("STORAGE_BACKEND=s3 richiede FORUM_STORAGE_S3_BUCKET.")
        client = boto3.client(
            "s3",
            endpoint_url=config.get("STORAGE_S3_ENDPOINT_URL") or None,
            region_name=config.get("STORAGE_S3_REGION") or None,
            aws_access_key_id=config.get("STORAGE_S3_ACCESS_KEY_ID") or None,
            aws_secret_access_key=config.get("STORAGE_S3_SECRET_ACCESS_KEY") or None,
            config=BotoConfig(connect_timeout=5, read_timeout=30,
                              retries={"max_attempts": 3, "mode": "standard"}),
        )
        return cls(client, str(bucket), str(config.get("STORAGE_S3_PREFIX") or ""))

    def key(self, name: str) -> str:
        """The object key of a stored name."""
        return f"{self.prefix}{check_name(name)}"

    def put(self, name: str, data: bytes) -> None:
        """Upload in one request (files are at most ATTACHMENT_MAX_BYTES)."""
        self.client.put_object(Bucket=self.bucket, Key=self.key(name), Body=data)

    def put_file(self, name: str, source: Path) -> None:
        """Upload a file as boto3 does (in parts when it is large, read as it goes)."""
        self.client.upload_file(str(source), self.bucket, self.key(name))

    def within(self, folder: str) -> S3Storage:
        """The same bucket, its objects' keys under `folder` too (exports beside the
        attachments)."""
        return S3Storage(self.client, self.bucket, f"{self.prefix}{folder}/")

    def open(self, name: str) -> IO[bytes]:
        """The object's body, streamed; FileNotFoundError when there is none."""
        from botocore.exceptions import ClientError

        try:
            found = self.client.get_object(Bucket=self.bucket, Key=self.key(name))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                raise FileNotFoundError(name) from None
            raise
        return cast(IO[bytes], found["Body"])

    def delete(self, name: str) -> None:
        """Remove the object (S3 answers the same when it was already gone)."""
        self.client.delete_object(Bucket=self.bucket, Key=self.key(name))

    def exists(self, name: str) -> bool:
        """One HEAD request."""
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(name))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                return False
            raise
        return True
