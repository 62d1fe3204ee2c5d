"""One way to declare an API resource's blueprint, with what every API route shares.

The limit and the CSRF exemption are attached here, once, when the module is imported:
attached in the factory they piled up on these module-level blueprints with every app
the process builds (each request then counted twice against the limit).
"""

from __future__ import annotations

from flask_smorest import Blueprint

from forum.api.auth import rate_key
from forum.extensions import csrf, limiter
from forum.limits import config_limit

API_PREFIX = "/api/v1"


def api_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    """A resource's blueprint under /api/v1: limited per token; exempt from the pages'
    CSRF check, which `forum.api.auth` applies itself to session (cookie) writes."""
    blueprint = Blueprint(name, import_name, url_prefix=API_PREFIX, description=description)
    csrf.exempt(blueprint)
    limiter.limit(config_limit("API_RATE_LIMIT"), key_func=rate_key)(blueprint)
    return blueprint
