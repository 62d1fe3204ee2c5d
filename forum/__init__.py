"""Application factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: str | type | None = None, **overrides: Any) -> Flask:
    """Build the app: config class, then FORUM_* environment variables, then overrides."""
    from config import config_from_env
    from forum import cli, database, errors, page_cache, security, templating
    from forum.extensions import babel, csrf, db, limiter, login_manager, migrate
    from forum.i18n import select_locale

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=os.environ.get("FORUM_INSTANCE_PATH") or str(ROOT / "instance"),
    )
    app.config.from_object(config or config_from_env())
    app.config.from_prefixed_env("FORUM")
    app.config.update(overrides)
    if app.config.get("DATABASE_URL") and "SQLALCHEMY_DATABASE_URI" not in overrides:
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'officina.sqlite3'}"
        )
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "SECRET_KEY mancante: impostare FORUM_SECRET_KEY prima di avviare Officina."
        )
    from forum.nodes import check_nodes

    check_nodes(app.config)
    app.config.setdefault(
        "BABEL_TRANSLATION_DIRECTORIES", str(Path(__file__).parent / "translations")
    )

    from forum.converters import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    limiter.init_app(app)
    with app.app_context():
        database.configure_engine(app, db.engine)

    from forum.accessibility.routes import bp as accessibility_bp
    from forum.admin.routes import bp as admin_bp
    from forum.announcements.routes import bp as announcements_bp
    from forum.answers.routes import bp as answers_bp
    from forum.assessments.routes import bp as assessments_bp
    from forum.auth.routes import bp as auth_bp
    from forum.calendars.routes import bp as calendars_bp
    from forum.certificates.routes import bp as certificates_bp
    from forum.comments.routes import bp as comments_bp
    from forum.consultations.routes import bp as consultations_bp
    from forum.conversations.routes import bp as conversations_bp
    from forum.dashboard.routes import bp as dashboard_bp
    from forum.directory.routes import bp as directory_bp
    from forum.drafts.routes import bp as drafts_bp
    from forum.events.routes import bp as events_bp
    from forum.feeds.routes import bp as feeds_bp
    from forum.groups.routes import bp as groups_bp
    from forum.guidelines.routes import bp as guidelines_bp
    from forum.identities.routes import bp as identities_bp
    from forum.main.routes import bp as main_bp
    from forum.moderation.routes import bp as moderation_bp
    from forum.newsletters.routes import bp as newsletters_bp
    from forum.notifications.routes import bp as notifications_bp
    from forum.opendata.routes import bp as opendata_bp
    from forum.paths.routes import bp as paths_bp
    from forum.post_attachments.routes import bp as post_attachments_bp
    from forum.practices.routes import bp as practices_bp
    from forum.privacy.routes import bp as privacy_bp
    from forum.questions.routes import bp as questions_bp
    from forum.redactions.routes import bp as redactions_bp
    from forum.revisions.routes import bp as revisions_bp
    from forum.routing.routes import bp as routing_bp
    from forum.search.routes import bp as search_bp
    from forum.themes.routes import bp as themes_bp
    from forum.tokens.routes import bp as tokens_bp
    from forum.users.routes import bp as users_bp
    from forum.votes.routes import bp as votes_bp

    for blueprint in (main_bp, auth_bp, questions_bp, answers_bp, comments_bp, votes_bp,
                      themes_bp, users_bp, practices_bp, search_bp, revisions_bp,
                      moderation_bp, notifications_bp, admin_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(routing_bp)
    app.register_blueprint(directory_bp)
    app.register_blueprint(conversations_bp)
    app.register_blueprint(groups_bp)
    app.register_blueprint(paths_bp)
    app.register_blueprint(calendars_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(consultations_bp)
    app.register_blueprint(assessments_bp)
    app.register_blueprint(guidelines_bp)
    app.register_blueprint(announcements_bp)
    app.register_blueprint(newsletters_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(tokens_bp)
    app.register_blueprint(identities_bp)

    from forum.api.spec import init_api

    init_api(app)  # before the error handlers: ours replace flask-smorest's
    app.register_blueprint(accessibility_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(opendata_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(redactions_bp)
    app.register_blueprint(post_attachments_bp)
    app.register_blueprint(drafts_bp)

    errors.register_error_handlers(app)
    security.init_security(app)
    from forum.privacy.access_log import init_access_log

    init_access_log(app)
    templating.init_templating(app)
    from flask_sqlalchemy.session import Session as AppSession

    from forum.jobs.runners import init_jobs
    from forum.search.sync import init_sync

    init_jobs(app)
    init_sync(app, AppSession)
    from forum.render_cache import init_render_cache

    init_render_cache(app, AppSession)
    cli.init_cli(app)
    page_cache.init_page_cache(app)
    return app
