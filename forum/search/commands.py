"""`flask search reindex|check|sync`, and the index catch-up other commands end with."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from forum.extensions import db


def index_changes() -> None:
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


search = AppGroup("search", help="Indice di ricerca: ricostruzione, verifica, allineamento.")


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


COMMANDS = [search]
