"""`flask backup`, `flask restore`: a consistent copy of the database, and back."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from forum.extensions import db


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Sovrascrivi il file se esiste già.")
@with_appcontext
def backup_command(path: str, force: bool) -> None:
    """Copy the whole database to PATH, consistently even while the forum is writing."""
    from forum import backup

    try:
        report = backup.backup_database(db.engine.url, path, overwrite=force, echo=click.echo)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(report.summary())


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Non chiedere conferma: i dati attuali vanno persi.")
@with_appcontext
def restore_command(path: str, yes: bool) -> None:
    """Replace the database content with the backup at PATH; asks first unless --yes."""
    from forum import backup

    target = db.engine.url.render_as_string(hide_password=True)
    if not yes:
        try:
            confirmed = click.confirm(
                f"Il contenuto di {target} sarà sostituito da {path}. Continuare?",
                default=False,
            )
        except click.Abort:
            confirmed = False
        if not confirmed:
            raise click.ClickException(
                "Ripristino annullato, nessuna modifica. Per confermare senza domanda: --yes."
            )
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold the old database open
    try:
        report = backup.restore_database(db.engine.url, path, echo=click.echo)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(report.summary())
    problems = {k: v for k, v in backup.consistency_problems().items() if v}
    if problems:
        click.echo(f"Attenzione, contatori incoerenti nel database ripristinato: {problems}. "
                   "Per la reputazione: flask check-reputation --repair.")
    else:
        click.echo("Controlli: punteggi, conteggi delle risposte e reputazione coerenti.")


COMMANDS = [backup_command, restore_command]
