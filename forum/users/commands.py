"""`flask check-reputation [--repair]`: reputation recomputed from votes and acceptances."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("check-reputation")
@click.option("--repair", is_flag=True, help="Correggi i valori che non tornano.")
@with_appcontext
def check_reputation(repair: bool) -> None:
    """Recompute every reputation from votes and acceptances; exit 1 on drift."""
    from forum import reputation

    drift = reputation.repair_reputation() if repair else reputation.find_drift()
    for item in drift:
        click.echo(f"{item.username}: registrata {item.stored}, attesa {item.expected}")
    if not drift:
        click.echo("Reputazione coerente per tutti gli utenti.")
    elif not repair:
        raise SystemExit(1)
    else:
        click.echo(f"Corretti {len(drift)} utenti.")


COMMANDS = [check_reputation]
