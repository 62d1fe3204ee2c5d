"""The migration that adds the 'messages' e-mail category to the database's check."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from forum.extensions import db
from tests.test_app import _migrated_app


def test_the_messages_category_is_accepted_after_upgrade_and_removed_on_downgrade(tmp_path):
    from flask_migrate import downgrade, upgrade

    app = _migrated_app(tmp_path)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade(revision="5c0a9e3f71d2")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO users (username, display_name, email, password_hash, organisation,"
                " organisation_type, region_code, bio, role, reputation, session_version,"
                " created_at) VALUES ('m', 'M', 'm@x.it', 'x', 'o', 'comune', '08', '',"
                " 'member', 1, 1, CURRENT_TIMESTAMP)"))
            conn.execute(text("INSERT INTO mail_preferences (user_id, category, delivery) "
                              "SELECT id, 'messages', 'none' FROM users"))
        downgrade(revision="37d98c2a324e")
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM mail_preferences")).scalar() == 0
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(text("INSERT INTO mail_preferences (user_id, category, delivery) "
                              "SELECT id, 'messages', 'none' FROM users"))
        downgrade(revision="base")
        db.engine.dispose()
