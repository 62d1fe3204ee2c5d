"""`flask privacy purge`: the scheduled privacy sweep (cron, on every node if you like)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from forum.privacy.purge import purge as run_purge

privacy = AppGroup("privacy", help="Dati personali: esportazioni, cancellazioni, conservazione.")


@privacy.command("purge")
def purge() -> None:
    """Expire old exports, erase accounts past their grace period, prune old personal data."""
    report = run_purge()
    click.echo(f"Esportazioni scadute: {report.exports_expired}")
    click.echo(f"Account cancellati: {report.accounts_erased}")
    for kind, count in report.pruned.items():
        click.echo(f"Eliminati ({kind}): {count}")


COMMANDS = [privacy]
