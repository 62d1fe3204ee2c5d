"""Flask CLI: each feature keeps its commands in `forum/<feature>/commands.py`, thin calls
into its services; this module only registers them on the app."""

from __future__ import annotations

import click
from flask import Flask


def init_cli(app: Flask) -> None:
    """Register every feature's commands on the app."""
    from forum.accessibility import commands as accessibility
    from forum.admin import commands as admin
    from forum.announcements import commands as announcements
    from forum.auth import commands as auth
    from forum.calendars import commands as calendars
    from forum.certificates import commands as certificates
    from forum.guidelines import commands as guidelines
    from forum.jobs import commands as jobs
    from forum.newsletters import commands as newsletters
    from forum.notifications import commands as notifications
    from forum.practices import commands as practices
    from forum.privacy import commands as privacy
    from forum.routing import commands as routing
    from forum.search import commands as search
    from forum.seed import commands as seed
    from forum.users import commands as users

    for module in (seed, auth, practices, users, admin, search, jobs, notifications,
                   routing, calendars, certificates, guidelines, announcements, newsletters,
                   accessibility, privacy):
        for command in module.COMMANDS:
            _add(app, command)


def _add(app: Flask, command: click.Command) -> None:
    """Register a command; a group whose name is taken (`events`, shared by several
    features) joins its subcommands to the group already there."""
    existing = app.cli.commands.get(command.name or "")  # type: ignore[attr-defined]
    if isinstance(existing, click.Group) and isinstance(command, click.Group):
        for sub in command.commands.values():
            existing.add_command(sub)
        return
    app.cli.add_command(command)
