"""A small in-process cache for values that are costly to compute and cheap to key."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any


class TTLCache:
    """Thread-safe LRU with expiry; keys must change when the inputs change."""

    def __init__(self, size: int = 1024, ttl: float = 600.0) -> None:
        self.size, self.ttl = size, ttl
        self.data: OrderedDict[Any, tuple[float, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get_or_compute(self, key: Any, compute: Callable[[], Any]) -> Any:
        """The cached value for `key`, computing (outside the lock) on a miss or expiry."""
        now = time.monotonic()
        with self.lock:
            hit = self.data.get(key)
            if hit is not None and now - hit[0] < self.ttl:
                self.data.move_to_end(key)
                return hit[1]
        value = compute()
        with self.lock:
            self.data[key] = (now, value)
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget everything (tests)."""
        with self.lock:
            self.data.clear()
