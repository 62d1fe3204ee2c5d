"""`flask routing run`: offer unanswered questions to experts and remind askers to accept
an answer (cron runs it; the delayed jobs do the same, this catches what they missed)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

routing = AppGroup("routing", help="Domande senza risposta: proposte agli esperti, promemoria.")


@routing.command("run")
def run() -> None:
    """Route the due unanswered questions and send the due accept reminders (safe to rerun)."""
    from forum.routing.services import run_routing

    report = run_routing()
    click.echo(f"Domande proposte: {report.routed} ({report.offers} esperti); "
               f"promemoria inviati: {report.reminded}.")


COMMANDS = [routing]
