"""Factory, configuration, migrations, CLI and the demo seed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text

from forum import create_app
from forum.extensions import db
from forum.models import (
    Acceptance,
    Answer,
    AuditEntry,
    Comment,
    Flag,
    Practice,
    PracticeCitation,
    PracticeFacet,
    PracticeReplication,
    Question,
    Theme,
    User,
)
from search_index.postgres.ddl import TABLES as SEARCH_TABLES
from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parent.parent


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("FORUM_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("config.ProductionConfig")


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    app = create_app("config.ProductionConfig", SECRET_KEY="x" * 32,
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.sqlite3'}")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_database_url_comes_from_the_environment(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'env.sqlite3'}"
    monkeypatch.setenv("FORUM_DATABASE_URL", url)
    app = create_app("config.TestingConfig")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == url


@pytest.mark.skipif(PG_URL is not None, reason="SQLite pragmas only")
def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(app):
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10_000


def _migrated_app(tmp_path):
    url = PG_URL or f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    return create_app("config.TestingConfig", SQLALCHEMY_DATABASE_URI=url)


def test_migrations_build_exactly_the_models_schema(tmp_path):
    """Upgrade from empty, compare with the models (no drift), then downgrade cleanly."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from flask_migrate import downgrade, upgrade

    app = _migrated_app(tmp_path)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        with db.engine.connect() as conn:
            # the search backend's own tables are not models (search_index.postgres)
            context = MigrationContext.configure(conn, opts={
                "include_name": lambda name, type_, _parents: not (
                    type_ == "table" and name in SEARCH_TABLES)})
            diff = compare_metadata(context, db.metadata)
        assert diff == []
        if PG_URL:
            assert set(SEARCH_TABLES) <= set(inspect(db.engine).get_table_names())
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_seed_demo_loads_once_with_exact_invariants(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    counts = {m.__name__: db.session.scalar(select(func.count(m.id)))
              for m in (User, Question, Answer, Comment, Theme)}
    assert counts["User"] == 13 and counts["Question"] == 38 and counts["Theme"] == 12
    assert counts["Answer"] >= 30 and counts["Comment"] >= 20
    roles = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    assert roles == {"admin": 1, "moderator": 2, "member": 10}
    statuses = dict(db.session.execute(
        select(User.status, func.count()).group_by(User.status)).all())
    assert statuses == {"active": 12, "pending": 1}
    duplicate = db.session.execute(
        select(Question).where(Question.duplicate_of_id.is_not(None))).scalar_one()
    assert duplicate.close_reason == "duplicate"
    assert db.session.scalar(select(func.count(Flag.id)).where(Flag.status == "open")) == 2
    assert db.session.scalar(select(func.count(AuditEntry.id))) >= 1
    themes_used = db.session.scalar(select(func.count(func.distinct(Question.theme_id))))
    assert themes_used == 12
    solved = db.session.scalar(select(func.count()).where(Question.accepted_answer_id.is_not(None)))
    assert 10 <= solved < 38
    assert db.session.scalar(select(func.count()).where(Acceptance.as_moderator.is_(True))) >= 1
    published = db.session.scalar(
        select(func.count(Practice.id)).where(Practice.status == "pubblicata"))
    assert published >= 14
    assert db.session.scalar(select(func.count(Practice.id))) >= 15
    assert db.session.scalar(select(func.count(PracticeCitation.id))) >= 5
    assert db.session.scalar(select(func.count(PracticeReplication.id))) >= 5
    themes_covered = db.session.scalar(select(func.count(func.distinct(PracticeFacet.value)))
                                       .where(PracticeFacet.facet == "theme"))
    assert themes_covered == 12
    again = runner.invoke(args=["seed-demo"])
    assert "0 utenti, 0 domande" in again.output and "0 buone pratiche" in again.output
    assert db.session.scalar(select(func.count(Question.id))) == 34 + 4  # + events' threads
    from forum.models import Group, GroupRequest

    kinds = sorted(db.session.scalars(select(Group.kind)))
    assert kinds == ["open", "private", "request"]
    assert db.session.scalar(select(func.count()).where(Question.group_id.is_not(None))) == 3
    assert db.session.scalar(select(func.count(GroupRequest.id))) == 1
    from forum.models import GroupDocument, GroupDocumentVersion

    assert db.session.scalar(select(func.count(GroupDocument.id))) == 3
    assert db.session.scalar(select(func.count(GroupDocumentVersion.id))) == 5
    from forum.models import Event, EventMaterial, EventSession, Registration

    events = list(db.session.scalars(select(Event).order_by(Event.starts_at)))
    assert [e.shown_status for e in events] == ["concluso", "pubblicato", "pubblicato",
                                                "pubblicato"]
    assert sorted(e.mode for e in events) == ["ibrida", "in-presenza", "online", "online"]
    assert db.session.scalar(select(func.count(EventSession.id))) == 6
    assert db.session.scalar(select(func.count(EventMaterial.id))) == 2
    assert db.session.scalar(select(func.count(Registration.id)).where(
        Registration.attended_at.is_not(None))) == 3
    from forum.models import PathEnrolment, PathModule, TrainingPath

    assert db.session.scalar(select(TrainingPath.status)) == "pubblicato"
    assert db.session.scalar(select(func.count(PathModule.id))) == 4
    assert db.session.scalar(select(func.count(PathEnrolment.id))) == 2
    assert runner.invoke(args=["check-reputation"]).exit_code == 0


def test_check_reputation_detects_and_repairs_drift(app, runner):
    from tests.factories import make_user

    user = make_user()
    user.reputation = 999
    db.session.commit()
    result = runner.invoke(args=["check-reputation"])
    assert result.exit_code == 1 and "registrata 999, attesa 1" in result.output
    assert runner.invoke(args=["check-reputation", "--repair"]).exit_code == 0
    db.session.refresh(user)
    assert user.reputation == 1


def test_create_admin_promotes_or_creates(app, runner):
    from tests.factories import make_user

    user = make_user()
    assert runner.invoke(args=["create-admin", user.username]).exit_code == 0
    db.session.refresh(user)
    assert user.role == "admin"
    result = runner.invoke(args=["create-admin", "nuovo.admin", "--email", "a@b.example",
                                 "--password", "password-amministratore"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.role).where(User.username == "nuovo.admin")) == "admin"
    bad = runner.invoke(args=["create-admin", "altro.admin", "--email", "c@d.example",
                              "--password", "corta"])
    assert bad.exit_code != 0 and "almeno 12 caratteri" in bad.output


def test_wsgi_module_serves_production_config(tmp_path):
    env = dict(os.environ, FORUM_SECRET_KEY="k" * 40,
               FORUM_DATABASE_URL=f"sqlite:///{tmp_path / 'w.sqlite3'}")
    code = "import wsgi; print(type(wsgi.app).__name__, wsgi.app.config['SESSION_COOKIE_SECURE'])"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "Flask True"


def test_seed_demo_works_with_the_real_privilege_thresholds(app, runner):
    """`make run` seeds under the development config, where privileges need reputation."""
    from config import Config

    for name in ("COMMENT_EVERYWHERE", "VOTE_DOWN", "FLAG_WEIGHT", "SUGGEST_EDIT"):
        app.config[f"PRIVILEGE_{name}"] = getattr(Config, f"PRIVILEGE_{name}")
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert app.config["PRIVILEGE_VOTE_DOWN"] == Config.PRIVILEGE_VOTE_DOWN
    from forum.models import Vote

    assert db.session.scalar(select(func.count(Vote.id)).where(Vote.value < 0)) > 0


def test_revisions_survive_the_move_to_one_table_and_back(tmp_path):
    """The migration to one revisions table copies every old row, and its downgrade too."""
    from flask_migrate import downgrade, upgrade

    from forum.answers.services import edit_answer
    from forum.models import Revision
    from forum.questions.services import edit_question
    from forum.seed.themes import ensure_themes
    from tests.factories import make_answer, make_question, make_user

    app = _migrated_app(tmp_path)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        ensure_themes()
        author = make_user()
        question = make_question(author)
        answerer = make_user()
        answer = make_answer(question, answerer)
        first_answer = answer.body
        edit_question(author, question.id, title="Un titolo cambiato per la prova",
                      body="Un testo cambiato, abbastanza lungo da essere valido.",
                      theme_slug=db.session.get(Theme, question.theme_id).slug, tags="nido, rette")
        edit_answer(answerer, answer.id, body="Una risposta cambiata, lunga abbastanza.")
        def without_files(snapshot: dict) -> dict:  # the old tables had no attachments
            return {k: v for k, v in snapshot.items() if k != "attachments"}

        before = sorted((r.content_type, r.content_id, r.editor_id, without_files(r.snapshot))
                        for r in db.session.scalars(select(Revision)))
        assert [kind for kind, *_rest in before] == ["answer", "question"]
        db.session.remove()
        downgrade(revision="b4c1d2e3f405")  # the step before the one-table move
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM question_revisions")).scalar() == 1
            assert conn.execute(text("SELECT body FROM answer_revisions")).scalar() == (
                first_answer)
        upgrade()
        after = sorted((r.content_type, r.content_id, r.editor_id, without_files(r.snapshot))
                       for r in db.session.scalars(select(Revision)))
        assert after == before
        db.session.remove()
        downgrade(revision="base")
        db.engine.dispose()
