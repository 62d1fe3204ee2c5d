"""On-disk layout: generations of Whoosh indexes behind an atomically replaced pointer.

    <root>/CURRENT            name of the live generation; replaced with os.replace()
    <root>/gen-<ns>-<pid>/    a complete Whoosh index (the live one and the previous one kept)
    <root>/REBUILD            while a rebuild runs: the name of the generation being built
    <root>/<gen>.journal      updates applied while that rebuild ran, replayed before the swap
    <root>/init.lock, rebuild.lock

A reader resolves CURRENT, opens that folder and keeps using it; it notices a new CURRENT
(a new inode) on its next search and reopens. Old generations are deleted two rebuilds
later, so a reader in another process never loses its files mid-query (and on POSIX an
open file stays readable even after deletion). ``REBUILD`` only counts while its owner
holds ``rebuild.lock`` (an flock, released by the kernel if that process dies).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import pickle
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["FileLock", "Layout"]

POINTER = "CURRENT"
MARKER = "REBUILD"
GEN_PREFIX = "gen-"


class FileLock:
    """An exclusive ``flock`` on a file, with a polling timeout (works across processes and
    across threads of one process, since every acquire opens its own descriptor)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self, timeout: float = 0.0, delay: float = 0.02) -> bool:
        deadline = time.monotonic() + timeout
        fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o644)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(delay)
                continue
            self._fd = fd
            return True

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{time.time_ns()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


class Layout:
    """The generations folder of one search index."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)

    # -- pointer -------------------------------------------------------------------------

    def signature(self) -> tuple[int, int] | None:
        """(inode, mtime) of CURRENT: changes whenever a new generation is published."""
        try:
            st = os.stat(self.root / POINTER)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    def current(self) -> str | None:
        """Name of the live generation, or None when there is none (or it vanished)."""
        try:
            name = (self.root / POINTER).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        if not name.startswith(GEN_PREFIX) or not (self.root / name).is_dir():
            return None
        return name

    def path(self, name: str) -> Path:
        return self.root / name

    def new_generation(self) -> str:
        """Create an empty folder for a new generation and return its name."""
        name = f"{GEN_PREFIX}{time.time_ns():020d}-{os.getpid()}"
        (self.root / name).mkdir(parents=True)
        return name

    def publish(self, name: str) -> None:
        """Make ``name`` the live generation (atomic for every reader)."""
        _write_atomic(self.root / POINTER, name + "\n")

    def ensure(self, create: Any) -> str:
        """The live generation, creating the first one with ``create(path)`` if needed."""
        self.root.mkdir(parents=True, exist_ok=True)
        name = self.current()
        if name:
            return name
        lock = FileLock(self.root / "init.lock")
        if not lock.acquire(timeout=60.0):
            raise TimeoutError(f"could not create the search index in {self.root}")
        try:
            name = self.current()
            if name:
                return name
            name = self.new_generation()
            create(self.root / name)
            self.publish(name)
            return name
        finally:
            lock.release()

    def prune(self) -> None:
        """Delete generations other than the live one and the newest older one, and stale
        journals. Call it only while holding ``rebuild_lock()``."""
        live = self.current()
        gens = sorted(p.name for p in self.root.iterdir()
                      if p.is_dir() and p.name.startswith(GEN_PREFIX))
        older = [g for g in gens if live and g < live]
        keep = {live, older[-1] if older else None}
        for g in gens:
            if g not in keep:
                shutil.rmtree(self.root / g, ignore_errors=True)
        for p in self.root.glob("*.journal"):  # only called with rebuild.lock held
            with contextlib.suppress(OSError):
                p.unlink()

    # -- rebuild marker and journal ------------------------------------------------------

    def rebuild_lock(self) -> FileLock:
        return FileLock(self.root / "rebuild.lock")

    def begin_rebuild(self, name: str) -> None:
        _write_atomic(self.root / MARKER, name + "\n")

    def end_rebuild(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.root / MARKER).unlink()
        with contextlib.suppress(FileNotFoundError):
            (self.root / f"{name}.journal").unlink()

    def active_rebuild(self) -> str | None:
        """The generation a live rebuild is building, or None (a stale marker is removed)."""
        try:
            name = (self.root / MARKER).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        probe = self.rebuild_lock()
        if probe.acquire(timeout=0.0):  # nobody holds it: the rebuild died
            try:
                with contextlib.suppress(FileNotFoundError):
                    (self.root / MARKER).unlink()
            finally:
                probe.release()
            return None
        return name or None

    def journal_append(self, name: str, upserts: list[dict], deletes: list[str]) -> None:
        with open(self.root / f"{name}.journal", "ab") as f:
            pickle.dump((upserts, deletes), f, protocol=pickle.HIGHEST_PROTOCOL)
            f.flush()
            os.fsync(f.fileno())

    def journal_read(self, name: str) -> Iterator[tuple[list[dict], list[str]]]:
        try:
            f = open(self.root / f"{name}.journal", "rb")
        except FileNotFoundError:
            return
        with f:
            while True:
                try:
                    yield pickle.load(f)
                except EOFError:
                    return
