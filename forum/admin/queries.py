"""Read paths for the administration pages: members, pending accounts, themes, organisations."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, or_, select

from forum.errors import NotFound
from forum.extensions import db
from forum.models import AccountStatus, Organisation, Role, Theme, User
from forum.models.base import utcnow
from forum.text import escape_like

# URL values (Italian) of the list filters, mapped to the stored codes.
ROLE_FILTERS = {"membro": Role.MEMBER, "moderatore": Role.MODERATOR,
                "amministratore": Role.ADMIN, "redazione": Role.EDITOR}
STATUS_FILTERS = ("attivo", "in-attesa", "rifiutato", "sospeso")


@dataclass(frozen=True)
class UserFilters:
    """What the admin typed and picked on the users list; empty strings mean "any"."""

    q: str = ""
    role: str = ""
    status: str = ""
    region: str = ""

    @property
    def active(self) -> bool:
        """True when any filter narrows the list (the page offers to clear them)."""
        return any((self.q, self.role, self.status, self.region))


def _filtered_users(filters: UserFilters) -> Select:
    stmt = select(User)
    if filters.q:
        pattern = f"%{escape_like(filters.q.lower())}%"
        stmt = stmt.where(or_(*(
            func.lower(column).like(pattern, escape="\\")
            for column in (User.username, User.display_name, User.email, User.organisation)
        )))
    if filters.role:
        stmt = stmt.where(User.role == ROLE_FILTERS[filters.role])
    now = utcnow()
    if filters.status == "attivo":
        stmt = stmt.where(
            User.status == AccountStatus.ACTIVE,
            or_(User.suspended_until.is_(None), User.suspended_until <= now),
        )
    elif filters.status == "in-attesa":
        stmt = stmt.where(User.status == AccountStatus.PENDING)
    elif filters.status == "rifiutato":
        stmt = stmt.where(User.status == AccountStatus.REJECTED)
    elif filters.status == "sospeso":
        stmt = stmt.where(User.suspended_until > now)
    if filters.region:
        stmt = stmt.where(User.region_code == filters.region)
    return stmt


def list_users(filters: UserFilters, page: int, per_page: int) -> Pagination:
    """One page of accounts matching the filters, newest first: two statements in all."""
    stmt = _filtered_users(filters).order_by(User.created_at.desc(), User.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


@dataclass
class UserPage:
    """An account on its manage page, with every theme for the moderator's scope."""

    user: User
    themes: list[Theme]


def user_page(user_id: int) -> UserPage:
    """The account shown on the manage page and the themes it may moderate."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("Utente non trovato."))
    return UserPage(user, all_themes())


def pending_accounts(limit: int = 200) -> list[User]:
    """Accounts waiting for approval, oldest first (the order they should be reviewed in)."""
    return list(db.session.execute(
        select(User).where(User.status == AccountStatus.PENDING)
        .order_by(User.created_at, User.id).limit(limit)
    ).scalars())


def pending_accounts_count() -> int:
    """How many accounts wait for approval (the moderators' header badge): one COUNT."""
    return db.session.scalar(
        select(func.count(User.id)).where(User.status == AccountStatus.PENDING)
    ) or 0


def all_themes() -> list[Theme]:
    """Every theme, archived ones included, in menu order."""
    return list(db.session.execute(
        select(Theme).order_by(Theme.is_archived, Theme.position, Theme.name)
    ).scalars())


def theme_for_admin(theme_id: int) -> Theme:
    """The theme being edited."""
    theme = db.session.get(Theme, theme_id)
    if theme is None:
        raise NotFound(_("Tema non trovato."))
    return theme


def all_organisations() -> list[Organisation]:
    """The managed list of administrations, active ones first, by name."""
    return list(db.session.execute(
        select(Organisation).order_by(Organisation.is_archived, func.lower(Organisation.name))
    ).scalars())


def active_organisation_names() -> list[str]:
    """Names offered as suggestions on the registration form."""
    return list(db.session.execute(
        select(Organisation.name).where(Organisation.is_archived.is_(False))
        .order_by(func.lower(Organisation.name))
    ).scalars())
