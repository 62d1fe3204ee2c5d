"""Jobs off the request path: `enqueue(task, *args, key=...)` writes an outbox row in the
caller's transaction; after commit a runner (inline, thread or RQ) executes it."""

from forum.jobs.api import enqueue, execute
from forum.jobs.registry import task

__all__ = ["enqueue", "execute", "task"]
