"""`flask newsletter send --issue ID`: finish sending an issue by hand (the job does it
after "Invia"; this resumes one whose job failed for good). Sends nobody twice."""

from __future__ import annotations

import click
from flask.cli import AppGroup

newsletter = AppGroup("newsletter", help="Newsletter mensile Officina informa.")


@newsletter.command("send")
@click.option("--issue", "issue_id", type=int, required=True, help="Id del numero.")
def send(issue_id: int) -> None:
    """Send an issue already started from the site to whoever has not received it."""
    from forum.newsletters.sending import deliver_issue

    click.echo(f"Email accodate: {deliver_issue(issue_id)}.")


COMMANDS = [newsletter]
