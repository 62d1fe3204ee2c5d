"""No third-party resources and no tracking: every main page, signed out and in, loads
only from this site (scripts, styles, images, fonts, frames, form targets); the static
CSS and JS fetch nothing remote; the cookies are only the strictly necessary ones.

Plain links (`<a href>`) to other sites are fine: following one is the reader's choice, and
nothing is sent to that site by merely showing the page (AgID's guidelines and the GDPR
treat embedded resources and tracking cookies, not links, as a transfer).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Theme
from tests.factories import (
    PASSWORD,
    make_answer,
    make_guideline,
    make_practice,
    make_question,
    make_user,
)

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
LOCAL_HOSTS = {"", "localhost"}

# Attributes that make the browser fetch something, by tag ("*": any tag).
FETCHING = {
    "script": ("src",), "img": ("src", "srcset"), "source": ("src", "srcset"),
    "iframe": ("src",), "frame": ("src",), "embed": ("src",), "object": ("data",),
    "audio": ("src",), "video": ("src", "poster"), "track": ("src",),
    "link": ("href", "imagesrcset"), "form": ("action",), "input": ("src", "formaction"),
    "button": ("formaction",), "use": ("href", "xlink:href"), "image": ("href", "xlink:href"),
    "*": ("background",),
}
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.I)


def _remote(url: str) -> bool:
    """Whether loading `url` from a page of this site would contact another host."""
    url = url.strip()
    if not url or url.startswith(("data:", "#", "about:blank")):
        return False
    parts = urlsplit(url)
    return bool(parts.netloc) and (parts.hostname or "") not in LOCAL_HOSTS


def _css_urls(css: str) -> list[str]:
    return [m.group(2) or m.group(4) or "" for m in CSS_URL.finditer(css)]


class Resources(HTMLParser):
    """Every URL a page makes the browser load by itself, with where it was found."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        values = dict(attrs)
        for name in FETCHING.get(tag, ()) + FETCHING["*"]:
            raw = values.get(name) or ""
            urls = [part.strip().split(" ")[0] for part in raw.split(",")] \
                if name.endswith("srcset") else [raw]
            self.found += [(f"<{tag} {name}>", url) for url in urls if url]
        if tag == "iframe":
            self.found.append(("<iframe>", values.get("src") or "about:blank"))
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.found.append(("<meta refresh>", (values.get("content") or "").split("=")[-1]))
        self.found += [(f"<{tag} style>", url) for url in _css_urls(values.get("style") or "")]
        self._in_style = tag == "style"

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._in_style:
            self.found += [("<style>", url) for url in _css_urls(data)]


def remote_resources(html: str) -> list[tuple[str, str]]:
    """The (where, URL) pairs of a page that point to another host."""
    parser = Resources()
    parser.feed(html)
    return [(where, url) for where, url in parser.found if _remote(url)]


def test_the_parser_catches_every_kind_of_embedded_resource():
    page = """<link rel="stylesheet" href="https://cdn.example/x.css">
    <script src="//cdn.example/a.js"></script><img srcset="/a.png 1x, https://t.example/p.gif 2x">
    <iframe src="https://www.youtube.com/embed/x"></iframe><form action="https://f.example/">
    <div style="background: url('https://t.example/b.png')"></div>
    <style>@font-face { src: url(https://fonts.gstatic.com/f.woff2) }</style>
    <svg><use href="https://icons.example/s.svg#i"></use></svg>
    <a href="https://www.agid.gov.it/">ok</a><img src="/static/x.png">
    <img src="data:image/png;base64,AA">"""
    found = {url for _where, url in remote_resources(page)}
    assert found == {"https://cdn.example/x.css", "//cdn.example/a.js",
                     "https://t.example/p.gif", "https://www.youtube.com/embed/x",
                     "https://f.example/", "https://t.example/b.png",
                     "https://fonts.gstatic.com/f.woff2", "https://icons.example/s.svg#i"}


@pytest.fixture
def pages(app):  # type: ignore[no-untyped-def]
    """A small world with a page of each kind: (signed-out paths, signed-in paths, users)."""
    from tests.events.helpers import published_event

    member = make_user(display_name="Lucia Verdi")
    admin = make_user("admin")
    question = make_question(member, body="Vedi [la norma](https://www.normattiva.it/) e "
                             "![schema](https://immagini.example/schema.png)")
    make_answer(question, body="Anche da noi: ![foto](http://tracker.example/p.gif)")
    practice = make_practice(member, title="Pratica sui nidi condivisi tra comuni")
    guideline = make_guideline(make_user("editor"))
    event = published_event(admin, title="Webinar sulle tariffe dei nidi")
    theme = db.session.scalar(select(Theme.slug).order_by(Theme.position))
    public = ["/", "/domande", f"/domande/{question.id}", "/temi", f"/temi/{theme}",
              "/buone-pratiche", f"/buone-pratiche/{practice.slug}", "/cerca?q=nido",
              "/incontri", f"/incontri/{event.slug}", "/linee-guida",
              f"/linee-guida/{guideline.slug}", f"/utenti/{member.username}", "/enti",
              "/tavoli", "/accedi", "/registrati", "/accessibilita",
              "/accessibilita/segnalazione", "/pagina-inesistente"]
    signed_in = [*(p for p in public if p not in ("/accedi", "/registrati")),
                 "/domande/nuova", "/notifiche", "/impostazioni/notifiche",
                 "/profilo/modifica", "/messaggi", "/moderazione", "/moderazione/accessibilita",
                 "/amministrazione/utenti", "/amministrazione/accessibilita", "/cruscotto"]
    return public, signed_in, admin


def test_no_page_loads_anything_from_another_host(client, login, pages):
    public, signed_in, admin = pages
    problems: dict[str, list[tuple[str, str]]] = {}
    seen = 0
    for who, paths in (("anonimo", public), ("amministratore", signed_in)):
        if who == "amministratore":
            login(admin)
        for path in paths:
            response = client.get(path)
            assert response.status_code in (200, 404), (who, path, response.status_code)
            html = response.get_data(as_text=True)
            found = remote_resources(html)
            if found:
                problems[f"{who} {path}"] = found
            if path.startswith("/domande/") and path[9:].isdigit():
                assert "normattiva.it" in html  # the members' links stay; their images go
                seen += 1
            csp = response.headers["Content-Security-Policy"]
            assert not re.search(r"https?:|\*", csp), csp  # the browser refuses other hosts too
    assert problems == {}
    assert seen == 2


def _static_files(*suffixes: str) -> list[Path]:
    return sorted(p for p in STATIC.rglob("*") if p.suffix in suffixes)


def test_static_css_loads_fonts_and_images_only_from_here():
    checked = 0
    for path in _static_files(".css"):
        css = path.read_text(encoding="utf-8")
        for url in _css_urls(css):
            assert not _remote(url), (path.relative_to(ROOT), url)
            if url.startswith("data:") or url.startswith("#"):
                continue
            local = (path.parent / urlsplit(url).path).resolve()
            assert local.exists(), (path.relative_to(ROOT), url)  # nothing falls back to a CDN
            checked += 1
    assert checked >= 16  # the design system's fonts, at least


# URLs in the vendored Bootstrap Italia bundle that it may fetch: all belong to its video
# player, which Officina does not use (nothing calls it), and the Content-Security-Policy
# (default-src 'self', no frames) would block them anyway. Anything new fails the test.
DORMANT_VIDEO_PLAYER = {
    "https://www.youtube.com/iframe_api", "https://www.youtube-nocookie.com",
    "https://img.youtube.com/vi/", "https://vjs.zencdn.net/vttjs/0.14.1/vtt.min.js",
}
# URLs that are never fetched: XML namespaces, licence and documentation references in
# comments and error messages, examples in the bundle's code.
NOT_FETCHED = re.compile(
    r"^http://www\.w3\.org/|^https://(github\.com|git\.io|getbootstrap\.com|popper\.js\.org|"
    r"italia\.github\.io|tools\.ietf\.org|datatracker\.ietf\.org|example\.com|a\.com)(/|$)|"
    r"^http://www\.robertpenner\.com/")
JS_URL = re.compile(r"""https?://[^\s"'`)<>\\]+""")


def test_static_js_fetches_nothing_remote():
    ours: dict[str, list[str]] = {}
    vendor: set[str] = set()
    for path in _static_files(".js", ".mjs"):
        urls = [u.rstrip(".,;>") for u in JS_URL.findall(path.read_text(encoding="utf-8"))]
        if "vendor" in path.parts:
            vendor |= {u for u in urls if not NOT_FETCHED.match(u)}
        elif urls:
            ours[str(path.relative_to(ROOT))] = urls
    assert ours == {}  # Officina's own scripts never name another host
    assert vendor <= DORMANT_VIDEO_PLAYER, vendor - DORMANT_VIDEO_PLAYER


def test_pages_link_no_remote_font_or_analytics():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in ("fonts.googleapis", "fonts.gstatic", "googletagmanager",
                        "google-analytics", "matomo", "piwik", "facebook.net", "hotjar",
                        "cdn.jsdelivr", "unpkg.com", "cdnjs"):
            assert pattern not in text.lower(), (path.relative_to(ROOT), pattern)


# -- cookies ------------------------------------------------------------------------------------

NECESSARY = {"session", "remember_token"}  # Flask's session (CSRF token, language inside it)


def _cookies(response) -> list[str]:  # type: ignore[no-untyped-def]
    return response.headers.getlist("Set-Cookie")


def _check(header: str) -> str:
    name = header.split("=", 1)[0]
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}
    assert name in NECESSARY, header
    assert "httponly" in attributes, header
    assert re.search(r";\s*SameSite=(Lax|Strict)", header, re.I), header
    return name


def test_a_visit_and_a_sign_in_set_only_necessary_cookies(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    member = make_user()
    names: set[str] = set()
    for path in ("/", "/domande", "/accessibilita", "/accedi", "/cerca?q=nido"):
        response = client.get(path)
        names |= {_check(h) for h in _cookies(response)}
    page = client.get("/accedi").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token is not None
    response = client.post("/lingua", data={"lingua": "en", "csrf_token": token.group(1)})
    names |= {_check(h) for h in _cookies(response)}
    response = client.post("/accedi", data={
        "login": member.username, "password": PASSWORD, "remember": "y",
        "csrf_token": token.group(1)})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
    names |= {_check(h) for h in _cookies(response)}
    for path in ("/", "/notifiche", "/accessibilita"):
        names |= {_check(h) for h in _cookies(client.get(path))}
    assert names == {"session", "remember_token"}


def test_production_cookies_are_secure():
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE
    assert ProductionConfig.SESSION_COOKIE_HTTPONLY and ProductionConfig.REMEMBER_COOKIE_HTTPONLY
    assert ProductionConfig.SESSION_COOKIE_SAMESITE == "Lax"
