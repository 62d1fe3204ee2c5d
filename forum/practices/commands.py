"""`flask practices import|export`: best practices as open data."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from forum.search.commands import index_changes

practices = AppGroup("practices", help="Buone pratiche: import ed export (dati aperti).")


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
    index_changes()


@practices.command("export")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json",
              show_default=True)


@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File (default: stdout).")
def export_practices(fmt: str, output: str | None) -> None:
    """Export the published practices as JSON or CSV."""
    from forum.practices import transfer

    records = list(transfer.published_records())
    text = transfer.to_json(records) if fmt == "json" else transfer.to_csv(records)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        click.echo(f"Esportate {len(records)} buone pratiche in {output}.", err=True)
    else:
        click.echo(text)


COMMANDS = [practices]
