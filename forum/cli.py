"""Flask CLI commands: thin wrappers around services."""

from __future__ import annotations

import click
from flask import Flask, current_app

from forum.auth.services import register_user, set_role
from forum.errors import DomainError
from forum.extensions import db
from forum.models import User


def _index_changes() -> None:
    """Bring the search index up to date after a command changed data."""
    from forum.search.sync import drain_outbox

    if current_app.config["SEARCH_SYNC"] == "off":
        return
    try:
        applied = drain_outbox()
    except Exception as error:  # noqa: BLE001 - data is saved; the outbox keeps the work
        click.echo(f"Indice di ricerca non aggiornato ({error}): usa 'flask search sync'.",
                   err=True)
        return
    click.echo(f"Indice di ricerca aggiornato ({applied} documenti).")


def init_cli(app: Flask) -> None:
    """Register the commands on the app."""
    init_search_cli(app)

    @app.cli.command("seed-themes")
    def seed_themes() -> None:
        """Load or refresh the twelve policy themes."""
        from forum.seed.themes import ensure_themes

        click.echo(f"Temi aggiunti: {ensure_themes()}")

    @app.cli.command("seed-demo")
    def seed_demo() -> None:
        """Load the Italian demo content once (re-running adds nothing)."""
        from forum.seed.demo import seed_demo as run

        password = current_app.config.get("DEMO_PASSWORD")
        if not password:
            raise click.ClickException("DEMO_PASSWORD non impostata: niente dati dimostrativi.")
        report = run(password)
        _index_changes()
        click.echo(
            f"Demo: {report.users} utenti, {report.questions} domande, {report.answers} "
            f"risposte, {report.comments} commenti, {report.votes} voti, "
            f"{report.practices} buone pratiche aggiunti."
        )

    @app.cli.command("create-admin")
    @click.argument("username")
    @click.option("--email", help="Email, per un nuovo account.")
    @click.option("--display-name", help="Nome visibile, per un nuovo account.")
    @click.option("--organisation", default="Officina", show_default=True)
    @click.option("--region", default="12", show_default=True, help="Codice ISTAT regione.")
    @click.option("--password", help="Password, per un nuovo account (chiesta se manca).")
    def create_admin(username, email, display_name, organisation, region, password) -> None:
        """Promote an existing user to admin, or create a new admin account."""
        exists = db.session.execute(
            db.select(User.id).where(User.username == username.lower())
        ).scalar_one_or_none()
        try:
            if exists is not None:
                set_role(username.lower(), "admin")
                click.echo(f"{username}: ora è amministratore.")
                return
            if not email:
                raise click.UsageError("Per un nuovo account serve --email.")
            if not password:
                password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
            register_user(
                username=username, display_name=display_name or username, email=email,
                password=password, organisation=organisation, organisation_type="altro",
                region_code=region, role="admin",
            )
        except DomainError as error:
            details = "; ".join(m for ms in error.field_errors.values() for m in ms)
            raise click.ClickException(f"{error.message} {details}".strip()) from None
        click.echo(f"Amministratore {username} creato.")

    practices = click.Group("practices", help="Buone pratiche: import ed export (dati aperti).")
    app.cli.add_command(practices)

    @practices.command("import")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    def import_practices(path: str) -> None:
        """Import practices from JSON or CSV: all rows or none."""
        from pathlib import Path

        from forum.practices import transfer

        file = Path(path)
        try:
            records = transfer.read_records(file.name, file.read_bytes())
        except transfer.ImportFormatError as error:
            raise click.ClickException(f"File non leggibile: {error}.") from None

        def progress(items):  # type: ignore[no-untyped-def]
            with click.progressbar(items, label="Importazione", show_pos=True) as bar:
                yield from bar

        result = transfer.import_practices(records, progress=progress)
        if result.rejected:
            for row in result.rejected:
                click.echo(f"Riga {row.row} ({row.title or 'senza titolo'}):", err=True)
                for reason in row.reasons:
                    click.echo(f"  - {reason}", err=True)
            raise click.ClickException(
                f"{len(result.rejected)} righe non valide su {len(records)}: nulla importato."
            )
        click.echo(f"Importate: {result.created} nuove, {result.updated} aggiornate.")
        _index_changes()

    @practices.command("export")
    @click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json",
                  show_default=True)
    @click.option("--output", "-o", type=click.Path(dir_okay=False), help="File (default: stdout).")
    def export_practices(fmt: str, output: str | None) -> None:
        """Export the published practices as JSON or CSV."""
        from forum.practices import transfer

        records = transfer.published_records()
        text = transfer.to_json(records) if fmt == "json" else transfer.to_csv(records)
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            click.echo(f"Esportate {len(records)} buone pratiche in {output}.", err=True)
        else:
            click.echo(text)

    @app.cli.command("check-reputation")
    @click.option("--repair", is_flag=True, help="Correggi i valori che non tornano.")
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

    # --- backup / restore (forum/backup.py) --------------------------------------------------
    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False))
    @click.option("--force", is_flag=True, help="Sovrascrivi il file se esiste già.")
    def backup_command(path: str, force: bool) -> None:
        """Copy the whole database to PATH, consistently even while the forum is writing."""
        from forum import backup

        try:
            report = backup.backup_database(db.engine.url, path, overwrite=force, echo=click.echo)
        except backup.BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(report.summary())

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(dir_okay=False))
    @click.option("--yes", is_flag=True, help="Non chiedere conferma: i dati attuali vanno persi.")
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
    # --- end backup / restore ----------------------------------------------------------------


def init_search_cli(app: Flask) -> None:
    """`flask search reindex|check|sync`."""
    search = click.Group("search", help="Indice di ricerca: ricostruzione, verifica, allineamento.")
    app.cli.add_command(search)

    @search.command("reindex")
    def reindex() -> None:
        """Rebuild the index from the database aside, then swap it in atomically."""
        import time

        from sqlalchemy.orm import Session

        from forum.search import documents
        from forum.search.service import get_index

        started = time.perf_counter()
        with Session(db.engine) as session:
            total = documents.count_docs(session)
            with click.progressbar(length=total, label="Indicizzazione", show_pos=True) as bar:
                done = get_index().rebuild(documents.all_docs(session),
                                           progress=lambda n: bar.update(n - bar.pos))
        seconds = time.perf_counter() - started
        click.echo(f"Indicizzati {done} documenti in {seconds:.1f} s "
                   f"({done / max(seconds, 1e-9):.0f} doc/s).")

    @search.command("check")
    def check() -> None:
        """Compare database and index; print missing, stale and orphan documents."""
        from forum.search.consistency import find_drift

        drift = find_drift()
        for label, items in (("mancanti", drift.missing), ("non aggiornati", drift.stale),
                             ("orfani", drift.orphans)):
            click.echo(f"Documenti {label}: {len(items)}")
            for doc_id in items[:20]:
                click.echo(f"  {doc_id}")
        if not drift.clean:
            raise SystemExit(1)
        click.echo("Indice allineato al database.")

    @search.command("sync")
    def sync() -> None:
        """Apply the outbox, then repair whatever still differs from the database."""
        from forum.search.consistency import find_drift, repair
        from forum.search.sync import drain_outbox

        click.echo(f"Documenti aggiornati dall'outbox: {drain_outbox()}.")
        drift = find_drift()
        if drift.clean:
            click.echo("Indice allineato al database.")
            return
        click.echo(f"Documenti riallineati: {repair(drift)} "
                   f"({len(drift.missing)} mancanti, {len(drift.stale)} non aggiornati, "
                   f"{len(drift.orphans)} orfani).")
