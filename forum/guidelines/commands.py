"""`flask guidelines remind`: tell owners that a guideline's review date has passed."""

from __future__ import annotations

import click
from flask.cli import AppGroup

guidelines = AppGroup("guidelines", help="Linee guida: promemoria di revisione.")


@guidelines.command("remind")
def remind() -> None:
    """Remind owners of guidelines past their review date (once per date; cron-safe)."""
    from forum.guidelines.reminders import remind_owners

    count = remind_owners()
    click.echo(f"Linee guida da rivedere segnalate ai responsabili: {count}.")


COMMANDS = [guidelines]
