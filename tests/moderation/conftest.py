"""Shared people for the moderation tests."""

from __future__ import annotations

import pytest

from forum.models import User
from tests.factories import make_user


@pytest.fixture
def moderator(app) -> User:
    """A moderator of every theme."""
    return make_user("moderator", display_name="Mara Moderatrice")
