"""`flask digests send|preview`: the daily and weekly e-mail digests (cron runs `send`)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from forum.models import DIGEST_PERIODS, Delivery

digests = AppGroup("digests", help="Riepiloghi email giornalieri e settimanali.")
PERIOD = click.Choice([str(p) for p in DIGEST_PERIODS])


@digests.command("send")
@click.option("--period", type=PERIOD, required=True, help="daily o weekly.")
def send(period: str) -> None:
    """Send the digests of the last complete day or week (safe to run twice)."""
    from forum.notifications.digests import send_digests

    sent, skipped = send_digests(Delivery(period))
    click.echo(f"Riepiloghi inviati: {sent}; già inviati prima: {skipped}.")


@digests.command("preview")
@click.argument("username")
@click.option("--period", type=PERIOD, default="weekly", show_default=True)
def preview(username: str, period: str) -> None:
    """Print a member's digest for the period under way, without sending it."""
    from forum.notifications.digests import preview as build_preview

    try:
        click.echo(build_preview(username, Delivery(period)))
    except LookupError:
        raise click.ClickException(f"Utente sconosciuto: {username}") from None


COMMANDS = [digests]
