"""`flask events feedback`: ask attendees of recently ended events to rate them (cron)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

events = AppGroup("events", help="Incontri e formazione.")


@events.command("feedback")
def feedback() -> None:
    """Ask attendees of events ended in the last two days to rate them (safe to rerun)."""
    from forum.certificates.feedback import send_feedback_requests

    sent = send_feedback_requests()
    click.echo(f"Richieste di valutazione inviate: {sent}.")


COMMANDS = [events]
