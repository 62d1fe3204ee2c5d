"""Caches for values that are costly to compute and cheap to key.

`shared` goes through the app's cache (`forum.extensions.cache`: Redis when several
servers share it), for values every server should compute once. `TTLCache` stays in the
process, only for pure functions of their key (the same key always gives the same value,
whoever computes it), where sharing would save little and cost a round trip.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from typing import Any

import cachetools

from forum.extensions import cache


def shared(namespace: str, key: Any, compute: Callable[[], Any], timeout: int) -> Any:
    """The value stored for `key` in the app's cache, computed and stored on a miss; the
    key must change when the inputs change (a version, a timestamp), since other servers
    read what this one stored. `compute` must not return None (None means a miss)."""
    name = f"{namespace}:" + hashlib.blake2b(repr(key).encode(), digest_size=20).hexdigest()
    value = cache.get(name)
    if value is None:
        value = compute()
        cache.set(name, value, timeout=timeout)
    return value


class TTLCache:
    """Thread-safe LRU with expiry (cachetools), per process; keys must change when the
    inputs change."""

    def __init__(self, size: int = 1024, ttl: float = 600.0) -> None:
        self.data: cachetools.TTLCache[Any, Any] = cachetools.TTLCache(maxsize=size, ttl=ttl)
        self.lock = threading.Lock()

    def get_or_compute(self, key: Any, compute: Callable[[], Any]) -> Any:
        """The cached value for `key`, computing (outside the lock) on a miss or expiry."""
        with self.lock:
            try:
                return self.data[key]
            except KeyError:
                pass
        value = compute()
        with self.lock:
            self.data[key] = value
        return value

    def clear(self) -> None:
        """Forget everything (tests)."""
        with self.lock:
            self.data.clear()
