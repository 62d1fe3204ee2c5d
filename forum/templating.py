"""Template globals and filters, and the Flask-Login wiring that templates rely on."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, request, url_for
from flask_babel import get_locale, get_translations
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from forum import attachments, i18n, permissions
from forum.auth.services import load_user
from forum.conversations.queries import contact_blocks, header_counts
from forum.extensions import login_manager
from forum.moderation import labels as moderation_labels
from forum.notifications.messages import FOLLOW_TARGET_LABELS, LEVEL_LABELS
from forum.practices import labels as practice_labels
from forum.practices.vocabulary import LEVELS
from forum.privacy.highlight import highlight, kind_label
from forum.taxonomy import ROLE_LABELS, organisation_type_label, region_name
from forum.urls import icon_href, link_for
from forum.users.avatars import initials
from forum.users.vocabulary import LANGUAGES, province_name


def _url_with(**changes: object) -> str:
    """The current URL with some query arguments changed (None removes one); page resets."""
    args: dict[str, Any] = request.args.to_dict()
    args.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = str(value)
    return url_for(request.endpoint or "main.home", **(request.view_args or {}), **args)


def _login_url() -> str:
    """The sign-in link: back to this page afterwards. On the sign-in pages themselves the
    link keeps the destination it already has instead of adding itself (no endless URLs)."""
    from forum.views import safe_next

    if (request.endpoint or "").startswith("auth."):
        target = safe_next(request.args.get("next"), "")
    else:
        target = request.full_path.rstrip("?") if request.method == "GET" else ""
    return url_for("auth.login", next=target or None)


def _page_url(page: int) -> str:
    args: dict[str, Any] = request.args.to_dict()
    args["page"] = str(page)
    return url_for(request.endpoint or "main.home", **(request.view_args or {}), **args)


def _translations():  # type: ignore[no-untyped-def]
    """The request's catalogue, looked up once per request instead of once per string."""
    cached = g.get("_officina_translations")
    if cached is None:
        cached = g._officina_translations = get_translations()
    return cached


def init_templating(app: Flask) -> None:
    """Register globals (permissions, labels, dates) used by every template."""
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Accedi per continuare.")
    login_manager.login_message_category = "info"

    env = app.jinja_env
    env.install_gettext_callables(  # type: ignore[attr-defined]  # i18n extension; same behaviour as Flask-Babel's, a page has hundreds
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    env.globals.update(permissions.TEMPLATE_PREDICATES)
    env.globals.update(practice_labels.TEMPLATE_HELPERS)
    env.globals.update(privacy_highlight=highlight, privacy_kind_label=kind_label)
    env.globals.update(attachment_types=attachments.ACCEPT)  # the file pickers' `accept`
    env.globals.update(
        region_name=region_name,
        province_name=province_name,
        initials=initials,
        language_label=lambda code: str(LANGUAGES.get(code, code)),
        level_label=lambda slug: str(LEVELS.get(slug, slug)),
        organisation_type_label=organisation_type_label,
        role_label=lambda role: str(ROLE_LABELS.get(role, role)),
        url_with=_url_with,
        contact_blocks=contact_blocks,
        login_url=_login_url,
        close_reason_label=moderation_labels.close_reason_label,
        action_label=moderation_labels.action_label,
        target_label=moderation_labels.target_label,
        page_url=_page_url,
        current_locale=lambda: str(get_locale()),
        theme_name=lambda theme: _(theme.name),
        follow_levels=lambda: [(value, _(label)) for value, label in LEVEL_LABELS.items()],
        follow_target_label=lambda kind: _(FOLLOW_TARGET_LABELS.get(kind, kind)),
        icon_href=icon_href,
        url_for=link_for,
    )
    env.filters.update(practice_labels.TEMPLATE_FILTERS)
    env.filters.update(
        time_ago=i18n.time_ago,
        long_datetime=i18n.long_datetime,
        long_date=i18n.long_date,
        machine_time=i18n.machine_time,
        weekday_date=i18n.weekday_date,
        clock_time=i18n.clock_time,
        number=i18n.number,
    )
    env.trim_blocks = True
    env.lstrip_blocks = True
    app.context_processor(member_header)


def member_header() -> dict[str, object]:
    """What the header shows a signed-in member: unread notifications, their standing
    (pending or suspended, and why) and, for moderators, the items awaiting review."""
    from flask_login import current_user

    from forum.moderation.queries import pending_counts
    from forum.users.standing import standing_message

    if not getattr(current_user, "is_authenticated", False):
        return {}
    cached = g.get("_officina_header")
    if cached is None:
        notifications, messages = header_counts(current_user.id)
        cached = g._officina_header = {
            "unread_notifications": notifications,
            "unread_messages": messages,
            "standing_message": standing_message(current_user),
            "moderation_counts": (
                pending_counts(current_user) if permissions.can_moderate(current_user) else None
            ),
        }
    return cached
