"""`flask announcements notify`: tell theme watchers about priorities that became valid
(cron, daily; safe to start on every node at once)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

announcements = AppGroup("announcements", help="Priorità di policy (indirizzi).")


@announcements.command("notify")
def notify() -> None:
    """Notify the watchers of the priorities that became valid (each once)."""
    from forum.announcements.services import notify_due

    click.echo(f"Priorità notificate: {notify_due()}.")


COMMANDS = [announcements]
