"""`flask create-admin`: promote a member or create an admin account."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from forum.auth.services import register_user, set_role
from forum.errors import DomainError
from forum.extensions import db
from forum.models import Role, User


@click.command("create-admin")
@click.argument("username")
@click.option("--email", help="Email, per un nuovo account.")
@click.option("--display-name", help="Nome visibile, per un nuovo account.")
@click.option("--organisation", default="Officina", show_default=True)
@click.option("--region", default="12", show_default=True, help="Codice ISTAT regione.")
@click.option("--password", help="Password, per un nuovo account (chiesta se manca).")
@with_appcontext
def create_admin(username, email, display_name, organisation, region, password) -> None:
    """Promote an existing user to admin, or create a new admin account."""
    exists = db.session.execute(
        db.select(User.id).where(User.username == username.lower())
    ).scalar_one_or_none()
    try:
        if exists is not None:
            set_role(username.lower(), Role.ADMIN)
            click.echo(f"{username}: ora è amministratore.")
            return
        if not email:
            raise click.UsageError("Per un nuovo account serve --email.")
        if not password:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        register_user(
            username=username, display_name=display_name or username, email=email,
            password=password, organisation=organisation, organisation_type="altro",
            region_code=region, role=Role.ADMIN,
        )
    except DomainError as error:
        details = "; ".join(m for ms in error.field_errors.values() for m in ms)
        raise click.ClickException(f"{error.message} {details}".strip()) from None
    click.echo(f"Amministratore {username} creato.")


COMMANDS = [create_admin]
