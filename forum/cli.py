"""Flask CLI: each feature keeps its commands in `forum/<feature>/commands.py`, thin calls
into its services; this module only registers them on the app."""

from __future__ import annotations

from flask import Flask


def init_cli(app: Flask) -> None:
    """Register every feature's commands on the app."""
    from forum.admin import commands as admin
    from forum.auth import commands as auth
    from forum.calendars import commands as calendars
    from forum.jobs import commands as jobs
    from forum.notifications import commands as notifications
    from forum.practices import commands as practices
    from forum.routing import commands as routing
    from forum.search import commands as search
    from forum.seed import commands as seed
    from forum.users import commands as users

    for module in (seed, auth, practices, users, admin, search, jobs, notifications,
                   routing, calendars):
        for command in module.COMMANDS:
            app.cli.add_command(command)
