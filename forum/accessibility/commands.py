"""`flask accessibility record-check`: the date of the last automated accessibility check."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from forum.errors import DomainError


@click.group("accessibility")
def accessibility_group() -> None:
    """The accessibility statement."""


@accessibility_group.command("record-check")
@click.option("--date", "day", default=None, metavar="AAAA-MM-GG",
              help="Giorno della verifica (predefinito: oggi).")
@with_appcontext
def record_check_command(day: str | None) -> None:
    """Store the date of the last automated check (run it after the axe suite passes)."""
    from forum.accessibility.settings import parse_day, record_automated_check

    parsed = parse_day(day) if day is not None else None
    if day is not None and parsed is None:
        raise click.BadParameter("usa il formato AAAA-MM-GG, per esempio 2026-12-05",
                                 param_hint="--date")
    try:
        stored = record_automated_check(parsed)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Ultima verifica automatica di accessibilità: {stored.isoformat()}")


COMMANDS = [accessibility_group]
