"""Flask extensions, created unbound; `create_app` binds them."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from forum.api.problems import ProblemApi

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with named constraints, so Alembic can alter them on SQLite."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
# The models' base class: Flask-SQLAlchemy's `db.Model` at run time, typed as the
# declarative base it is built on, so mypy sees every mapped column.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)
# The REST API v1 (flask-smorest: marshmallow schemas -> validation and OpenAPI 3.1).
rest_api = ProblemApi()
# Rendered shared parts of pages (forum/render_cache): in process by default, Redis when set.
cache = Cache()
