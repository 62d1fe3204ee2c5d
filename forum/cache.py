"""A small in-process cache for values that are costly to compute and cheap to key."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import cachetools


class TTLCache:
    """Thread-safe LRU with expiry (cachetools); keys must change when the inputs change."""

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
