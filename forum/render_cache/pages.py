"""Shared pages: render once per version and viewer class, fill the viewer's slots.

A page such as a thread is the same for every member of a *viewer class* (anonymous;
or a member with a given role, standing, moderation scope, reputation privileges and
groups; plus their own id when they wrote something in the thread, since authors get
their own controls). It is stored under (page, URL, language, versions of the scopes it
shows, viewer class) in the app's cache (Flask-Caching: in process by default, Redis in
production), cut at the request's CSP nonce, CSRF token and viewer slots (`slots.py`).
Each request then costs the versions query, the slot loaders and a join.

Versions make staleness impossible across servers: a change bumps its scope in the same
transaction (`versions.py`), so the next request builds a new key. The short expiry
(`RENDER_CACHE_SECONDS`) only bounds how old "3 minuti fa" may look and the memory.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app, g, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import escape
from sqlalchemy import select

from forum.extensions import cache, db
from forum.i18n import select_locale
from forum.models import GroupMember
from forum.render_cache import versions
from forum.render_cache.slots import MARKER, fill_all, scopes_of
from forum.render_cache.viewers import viewer_scope
from forum.security import csp_nonce

BASE_SCOPES = (versions.ALL, versions.PEOPLE, versions.GROUPS, versions.TAXONOMY)
_NONCE, _CSRF = ("", "nonce"), ("", "csrf")
Part = str | tuple[str, str]


@dataclass(frozen=True)
class SharedPage:
    """A rendered page cut into literal text and (slot kind, argument) holes; the kind ""
    holds the request's nonce or CSRF token."""

    parts: tuple[Part, ...]

    @classmethod
    def cut(cls, html: str, nonce: str, token: str) -> SharedPage:
        """Find the markers, the nonce and the token in a page rendered to be shared."""
        pattern = re.compile("|".join(
            [MARKER.pattern] + [re.escape(v) for v in (nonce, token) if v]))
        parts: list[Part] = []
        last = 0
        for match in pattern.finditer(html):
            parts.append(html[last:match.start()])
            if match.group(1):
                parts.append((match.group(1), match.group(2)))
            else:
                parts.append(_NONCE if match.group(0) == nonce else _CSRF)
            last = match.end()
        parts.append(html[last:])
        return cls(tuple(parts))

    def slots(self) -> list[tuple[str, str]]:
        """The viewer slots of the page, each once."""
        return sorted({p for p in self.parts if isinstance(p, tuple) and p[0]})

    def fill(self, nonce: str, token: str) -> str:
        """The page for this request: its nonce, its token, its viewer's slots."""
        return self.fill_keeping(nonce, token)[0]

    def fill_keeping(self, nonce: str, token: str) -> tuple[str, bool]:
        """`fill`, and whether every slot lets the filled page be kept for the viewer."""
        filled, keep = fill_all(self.slots())
        filled[_NONCE], filled[_CSRF] = nonce, token
        return "".join(p if isinstance(p, str) else filled[p] for p in self.parts), keep


@dataclass(frozen=True)
class MemberCopy:
    """A page filled for one member's session, kept while the versions of `depends` (the
    members its slots name) stay `seen`; the page key holds everything else. Kept as
    UTF-8 bytes cut at the nonce and the CSRF token: a hit is a join, with no encoding
    of a long thread page on every request."""

    parts: tuple[bytes, ...]  # literal text; between two parts a hole named in `holes`
    holes: tuple[tuple[str, str], ...]
    depends: tuple[str, ...]
    seen: tuple[int, ...]

    @classmethod
    def of(cls, html: str, nonce: str, token: str, depends: tuple[str, ...],
           seen: tuple[int, ...]) -> MemberCopy:
        cut = SharedPage.cut(html, nonce, token).parts
        return cls(tuple(p.encode() for p in cut[0::2] if isinstance(p, str)),
                   tuple(p for p in cut[1::2] if isinstance(p, tuple)), depends, seen)

    def fill(self, nonce: str, token: str) -> bytes:
        """The page for this request, with its nonce and token."""
        values = {_NONCE: nonce.encode(), _CSRF: token.encode()}
        out = [self.parts[0]]
        for hole, part in zip(self.holes, self.parts[1:], strict=True):
            out += (values[hole], part)
        return b"".join(out)

    def current(self, known: dict[str, int]) -> bool:
        """Whether `depends` still hold the versions seen (`known` were just read)."""
        if not self.depends:
            return True
        if all(scope in known for scope in self.depends):
            return tuple(known[scope] for scope in self.depends) == self.seen
        return versions.read_versions(db.session, self.depends) == self.seen


def _privileges(user: Any) -> tuple[str, ...]:
    from forum.permissions import has_privilege

    names = sorted(k.removeprefix("PRIVILEGE_").lower()
                   for k in current_app.config if k.startswith("PRIVILEGE_"))
    return tuple(n for n in names if has_privilege(user, n))


def _memberships(user: Any, groups_version: int) -> tuple[int, ...]:
    key = f"rc:groups:{user.id}:{groups_version}"
    found = cache.get(key)
    if found is None:
        found = tuple(db.session.scalars(select(GroupMember.group_id).where(
            GroupMember.user_id == user.id).order_by(GroupMember.group_id)))
        cache.set(key, found)
    return tuple(found)


def viewer_class(user: Any, participants: Collection[int], groups_version: int) -> tuple:
    """Everything about the viewer that a shared page may depend on, and nothing else."""
    if not getattr(user, "is_authenticated", False):
        return ("anon",)
    return ("member", user.role, user.status, user.is_suspended, user.moderated_theme_ids,
            bool(user.is_organiser), bool(user.is_erased), _privileges(user),
            _memberships(user, groups_version), user.id if user.id in participants else 0)


def _shareable_request() -> bool:
    """Pages after a flash or answering anything but GET are rendered for this request
    only (decided without loading the account)."""
    return bool(current_app.config.get("RENDER_CACHE_SECONDS")) and (
        request.method == "GET" and "_flashes" not in session)


def _shareable() -> bool:
    """Nor are pages for a member whose standing or pending deletion shows a banner."""
    user = current_user
    if getattr(user, "is_authenticated", False):
        # the banners of `standing_message` and of a pending deletion
        return user.deletion_due_at is None and not user.is_pending and not user.is_suspended
    return True


def _session_member() -> tuple[str, int] | None:
    """The session's member ("id:session version", id), read from the cookie alone: a
    member's copy is found without loading the account (`render_shared`)."""
    sid = session.get("_user_id")
    if not isinstance(sid, str):
        return None
    user_id = sid.partition(":")[0]
    return (sid, int(user_id)) if user_id.isdigit() else None


def render_shared(template: str, *, page: str, scopes: Sequence[str],
                  participants: Callable[[], Collection[int]] | None = None,
                  context: Callable[[], dict[str, Any]], share: bool = True) -> str | bytes:
    """The page `template` renders with `context()`, taken from the cache when an entry
    for these versions and this viewer class exists; `context` is only called on a miss.
    `participants` (cached per version) lists members who get their own copy; `share`
    False (a form re-rendered with errors) renders for this request only.

    A member's filled page is kept too, under their session and the versions of
    their own scopes: `user:ID` (their account: role, standing, reputation, session
    version) and `viewer:ID` (votes, follows, counters); the next request finds it with
    one query and without loading the account (as UTF-8 bytes, see `MemberCopy`)."""
    nonce, token = csp_nonce(), generate_csrf()
    if (not share or str(escape(nonce)) != nonce or str(escape(token)) != token
            or not _shareable_request()):
        return _render_once(template, context(), nonce, token)
    member = _session_member()
    own = (versions.user_scope(member[1]), viewer_scope(member[1])) if member else ()
    # the members a copy of this page last depended on, read in the same statement
    hint_key = _key("depends", page, request.full_path)
    hint: tuple[str, ...] = (cache.get(hint_key) or ()) if member else ()
    read = versions.read_committed((*BASE_SCOPES, *scopes, *own, *hint))
    found = read[:len(read) - len(hint)]
    known = dict(zip(hint, read[len(found):], strict=True))
    copy_key = None
    if member is not None:
        copy_key = _key("copy", page, request.full_path, select_locale(), found, member[0])
        copy = cache.get(copy_key)
        if copy is not None and copy.current(known):
            g.render_cache = "hit"
            return copy.fill(nonce, token)
    if not _shareable():
        return _render_once(template, context(), nonce, token)
    found = found[:len(found) - len(own)]
    g.content_versions = ((*BASE_SCOPES, *scopes), found)  # the anonymous page cache checks them
    viewer_user = getattr(current_user, "_get_current_object", lambda: current_user)()
    people: Collection[int] = ()
    if participants is not None and getattr(viewer_user, "is_authenticated", False):
        people_key = _key("participants", page, found)
        people = cache.get(people_key)
        if people is None:
            people = frozenset(participants())
            cache.set(people_key, people, timeout=_ttl())
    viewer = viewer_class(viewer_user, people, found[BASE_SCOPES.index(versions.GROUPS)])
    key = _key("page", page, request.full_path, select_locale(), found, viewer)
    entry = cache.get(key)
    if entry is None:
        entry = _render(template, context(), nonce, token)
        cache.set(key, entry, timeout=_ttl())
        g.render_cache = "miss"
    else:
        g.render_cache = "hit"
    if copy_key is None or viewer_user.get_id() != member[0]:  # type: ignore[index]
        return entry.fill(nonce, token)
    depends = scopes_of(entry.slots())  # read before the slots load: never newer than them
    seen = (tuple(known[s] for s in depends) if all(s in known for s in depends)
            else versions.read_versions(db.session, depends))
    html, keep = entry.fill_keeping(nonce, token)
    if keep:
        cache.set(copy_key, MemberCopy.of(html, nonce, token, depends, seen),
                  timeout=_ttl())
        if depends != hint:
            cache.set(hint_key, depends, timeout=_ttl())
    return html


def _render_once(template: str, context: dict[str, Any], nonce: str, token: str) -> str:
    """A page for this request only: its nonce and token are already in place, so only
    the slot markers are cut (a literal-led search, much faster than the alternation)."""
    return _render(template, context, "", "").fill(nonce, token)


def _render(template: str, context: dict[str, Any], nonce: str, token: str) -> SharedPage:
    g.shared_render = True
    try:
        html = render_template(template, **context)
    finally:
        g.shared_render = False
    return SharedPage.cut(html, nonce, token)


def _ttl() -> int:
    return int(current_app.config.get("RENDER_CACHE_SECONDS") or 0)


def _key(*parts: object) -> str:
    return "rc:" + hashlib.blake2b(repr(parts).encode(), digest_size=20).hexdigest()
