"""Entry point for gunicorn: `gunicorn wsgi:app` serves the production configuration."""

import os

from forum import create_app

app = create_app(os.environ.get("FORUM_CONFIG", "config.ProductionConfig"))
