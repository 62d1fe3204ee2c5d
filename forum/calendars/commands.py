"""`flask events remind`: the reminders due a day and an hour before events (cron runs it
every few minutes; running it twice, or on two nodes at once, sends each reminder once)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

events = AppGroup("events", help="Incontri e formazione: promemoria agli iscritti.")


@events.command("remind")
def remind() -> None:
    """Send the due reminders (a day and an hour before) to confirmed registrants."""
    from forum.calendars.reminders import send_reminders
    from forum.models.base import utcnow

    report = send_reminders(utcnow())
    click.echo(f"Promemoria inviati: {report.day} (un giorno prima), "
               f"{report.hour} (un'ora prima).")


COMMANDS = [events]
