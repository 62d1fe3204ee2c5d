"""Tasks by stable name: a job row stores the name, so a worker started later, or on
another machine, finds the same callable whatever module path it has today."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

# Modules that define tasks: imported on the first look-up of an unknown name, so an RQ
# worker or `flask jobs worker` knows every task without importing the whole app first.
TASK_MODULES = ("forum.mail", "forum.search.sync", "forum.notifications.activity",
                "forum.routing.services", "forum.conversations.notify",
                "forum.announcements.notify", "forum.newsletters.sending",
                "forum.privacy.export")


@dataclass(frozen=True)
class Task:
    """A registered callable; `batch_seconds` (seconds, or the name of a config key) lets
    the thread runner wait that long before running it, so a burst of commits asking for
    the same keyed job is served by one run."""

    name: str
    func: Callable[..., Any]
    batch_seconds: float | str = 0.0

    def batch_delay(self, config: Mapping[str, Any]) -> float:
        """Seconds to wait before running, read from `config` when a key was given."""
        if isinstance(self.batch_seconds, str):
            return float(config.get(self.batch_seconds) or 0.0)
        return float(self.batch_seconds)


_TASKS: dict[str, Task] = {}


def task(name: str, *, batch_seconds: float | str = 0.0
         ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function under `name` (e.g. "mail.send")."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        known = _TASKS.get(name)
        if known is not None and known.func.__qualname__ != func.__qualname__:
            raise ValueError(f"Task {name!r} already registered by {known.func!r}")
        _TASKS[name] = Task(name, func, batch_seconds)
        return func

    return register


def get_task(name: str) -> Task:
    """The task registered under `name`; KeyError when no task module defines it."""
    if name not in _TASKS:
        for module in TASK_MODULES:
            importlib.import_module(module)
    return _TASKS[name]
