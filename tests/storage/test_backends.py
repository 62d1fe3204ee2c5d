"""Both storages keep the same promises: a put file opens with its bytes, exists until
deleted, deleting twice is harmless, a missing file is FileNotFoundError, and a name that
could reach outside the storage is refused before anything is touched."""

from __future__ import annotations

from pathlib import Path

import pytest

from forum.storage import LocalStorage
from forum.storage.s3 import S3Storage

HOSTILE_NAMES = ["../fuori.pdf", "a/b.pdf", ".nascosto", "", "x" * 300, "..", "a\\b.pdf",
                 "nome con spazi.pdf", "a..pdf"]


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "local":
        return LocalStorage(tmp_path / "allegati")
    return S3Storage.from_config({**request.getfixturevalue("s3_config"),
                                  "STORAGE_S3_PREFIX": "allegati/"})


def test_a_file_put_opens_with_its_bytes_until_deleted(storage) -> None:
    data = b"%PDF-1.7\n" + bytes(range(256)) * 64
    assert not storage.exists("abc123.pdf")
    storage.put("abc123.pdf", data)
    assert storage.exists("abc123.pdf")
    with storage.open("abc123.pdf") as handle:
        assert handle.read() == data
    storage.put("abc123.pdf", b"nuovo")
    with storage.open("abc123.pdf") as handle:
        assert handle.read() == b"nuovo"
    storage.delete("abc123.pdf")
    storage.delete("abc123.pdf")
    assert not storage.exists("abc123.pdf")
    with pytest.raises(FileNotFoundError):
        storage.open("abc123.pdf")


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_names_that_could_leave_the_storage_are_refused(storage, name: str) -> None:
    for action in (lambda: storage.put(name, b"x"), lambda: storage.open(name),
                   lambda: storage.delete(name), lambda: storage.exists(name)):
        with pytest.raises(ValueError):
            action()


def test_local_writes_leave_no_half_file_behind(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "allegati")
    storage.put("uno.png", b"\x89PNG")
    assert [p.name for p in (tmp_path / "allegati").iterdir()] == ["uno.png"]


def test_s3_objects_go_under_the_prefix(s3_config) -> None:  # type: ignore[no-untyped-def]
    from tests.storage.conftest import bucket_keys

    S3Storage.from_config({**s3_config, "STORAGE_S3_PREFIX": "officina/"}).put("due.csv", b"a")
    assert bucket_keys(s3_config) == {"officina/due.csv"}
