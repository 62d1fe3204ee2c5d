"""`flask seed-themes`, `flask seed-demo`: the twelve themes and the Italian demo."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from forum.search.commands import index_changes


@click.command("seed-themes")
@with_appcontext
def seed_themes() -> None:
    """Load or refresh the twelve policy themes."""
    from forum.seed.themes import ensure_themes

    click.echo(f"Temi aggiunti: {ensure_themes()}")


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load the Italian demo content once (re-running adds nothing)."""
    from forum.seed.demo import seed_demo as run

    password = current_app.config.get("DEMO_PASSWORD")
    if not password:
        raise click.ClickException("DEMO_PASSWORD non impostata: niente dati dimostrativi.")
    report = run(password)
    index_changes()
    click.echo(
        f"Demo: {report.users} utenti, {report.questions} domande, {report.answers} "
        f"risposte, {report.comments} commenti, {report.votes} voti, "
        f"{report.practices} buone pratiche aggiunti."
    )


COMMANDS = [seed_themes, seed_demo]
