"""Browser tests: a live Officina on a temporary SQLite file, driven by Debian's Chromium.

Every test here is marked `browser` and skipped (with the reason shown) when
/usr/bin/chromium is missing; Playwright never downloads a browser.
Any console error, uncaught exception, CSP violation or failed sub-resource in a
page fails the test that opened it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    expect,
    sync_playwright,
)

from forum import create_app
from forum.extensions import db
from forum.search.sync import drain_outbox
from forum.seed.demo import seed_demo
from tests.live import serving

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
SKIP_REASON = "Chromium di Debian assente (/usr/bin/chromium): test nel browser saltati"
# Generous waits: the suite shares the machine with other jobs.
expect.set_options(timeout=10_000)
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]

# Reports every CSP violation as a console error, so the console listener sees it even
# when Chromium's own message is missing or worded differently.
CSP_PROBE = """
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile || "?"}:${e.lineNumber}`;
  const what = e.blockedURI || "inline";
  console.error(`CSP violation: ${e.violatedDirective} blocked ${what} in ${where}`);
});
"""


# Known and harmless, reported to the team: Bootstrap Italia's CSS embeds the VideoJS icon
# font as a data: URL; Chromium fetches data: fonts eagerly even when nothing uses them,
# and the app's CSP (font-src 'self', forum/security.py) blocks it on every page.
# Officina has no video player, so nothing is lost; test_xss.py checks that this font
# is the only data: font served and that no element uses it. Anything else fails.
VIDEOJS_FONT = "Loading the font 'data:application/font-woff;charset=utf-8;base64,d09GRgABAAAAABTs"
VIDEOJS_PROBE = "CSP violation: font-src blocked data in "


def _known_harmless(text: str) -> bool:
    return (text.startswith(VIDEOJS_FONT) and "\"font-src 'self'\"" in text) or text.startswith(
        VIDEOJS_PROBE
    )


def _in_this_folder(item: pytest.Item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests of this folder `browser`; skip them visibly without Chromium."""
    chromium_missing = not CHROMIUM.exists()
    for item in items:
        if not _in_this_folder(item):
            continue
        item.add_marker(pytest.mark.browser)
        # The live server's thread may drop a static file a browser stopped downloading (a
        # navigation cancels it): the file is closed by the garbage collector, outside the
        # app, and its ResourceWarning can land in any test. Only those are let through.
        item.add_marker(pytest.mark.filterwarnings(
            r"ignore:unclosed file <_io\.BufferedReader name='[^']*/static/:ResourceWarning"))
        item.add_marker(pytest.mark.filterwarnings(
            r"ignore:Exception ignored in. <_io\.FileIO name='[^']*/static/"
            ":pytest.PytestUnraisableExceptionWarning"))
        if chromium_missing:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Turn problems reported by the pages of a passing test into a failure of that test."""
    result = yield
    probe: PageProblems | None = getattr(item, "_page_problems", None)
    if probe is not None and probe.problems:
        listing = "\n  ".join(probe.problems)
        raise AssertionError(f"La pagina ha segnalato errori nel browser:\n  {listing}")
    return result


@dataclass
class PageProblems:
    """Console errors, uncaught exceptions and failed requests seen by a test's pages."""

    problems: list[str] = field(default_factory=list)
    # Pages answered with a 4xx that the test itself asserts (404 page, 422 form...).
    error_documents: set[str] = field(default_factory=set)
    # Script requests a test expects to be refused: (path, status), via `expect_refusal`.
    expected_refusals: set[tuple[str, int]] = field(default_factory=set)

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"pageerror: {exc}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type not in ("error", "assert"):
            return
        url = (message.location or {}).get("url", "")
        if message.text.startswith("Failed to load resource") and url in self.error_documents:
            return  # the page itself answered 4xx on purpose; the test checks its status
        if _known_harmless(message.text):
            return
        self.problems.append(f"console.{message.type}: {message.text} ({url})")

    def _response(self, response) -> None:  # type: ignore[no-untyped-def]
        if response.status < 400:
            return
        request = response.request
        main_document = request.is_navigation_request() and request.frame.parent_frame is None
        expected = (urlsplit(response.url).path, response.status) in self.expected_refusals
        if (main_document or expected) and response.status < 500:
            self.error_documents.add(response.url)
        else:
            self.problems.append(f"HTTP {response.status}: {request.resource_type} {response.url}")

    def _request_failed(self, request) -> None:  # type: ignore[no-untyped-def]
        failure = request.failure or ""
        if failure == "net::ERR_ABORTED":
            # Cancelled by the browser because the page navigated on (a form posted
            # before the favicon arrived, a 204 answer to a click): not an app error.
            # Blocked or broken requests fail differently (ERR_BLOCKED_BY_CSP, ...).
            return
        self.problems.append(f"request failed: {request.resource_type} {request.url} {failure}")


@dataclass
class LiveServer:
    """The running app: its base URL and the Flask object (for services in tests)."""

    url: str
    app: Flask


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Officina with the demo content, served by werkzeug on a free local port.

    Always a temporary SQLite file: FORUM_TEST_DATABASE_URL (PostgreSQL) is ignored here.
    """
    folder = tmp_path_factory.mktemp("officina-browser")
    app = create_app(
        "config.TestingConfig",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'browser.sqlite3'}",
        WTF_CSRF_ENABLED=True,
        SERVER_NAME=None,
        RATELIMIT_ENABLED=False,
        SEARCH_SYNC="thread",  # as in production: indexed after commit, off the request
        SEARCH_INDEX_PATH=str(folder / "search_index"),
    )
    app.instance_path = str(folder)
    ctx = app.app_context()
    ctx.push()
    try:
        db.create_all()
        seed_demo(app.config["DEMO_PASSWORD"])
        drain_outbox()  # what `flask seed-demo` does: index the demo content
        db.session.remove()
    finally:
        ctx.pop()
    with serving(app) as url:
        yield LiveServer(url=url, app=app)


@pytest.fixture(scope="session")
def live_server(live: LiveServer) -> str:
    """The base URL of the live app, e.g. http://127.0.0.1:54321."""
    return live.url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium, once per session."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(
    browser: Browser, live_server: str, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Page]]:
    """Open pages in fresh Italian contexts (`new_page(java_script_enabled=False)`),
    each watched for console errors, exceptions, CSP violations and failed requests."""
    probe = PageProblems()
    request.node._page_problems = probe
    contexts: list[BrowserContext] = []

    def _open(**options: object) -> Page:
        settings: dict[str, object] = {
            "base_url": live_server, "locale": "it-IT", "timezone_id": "Europe/Rome",
            "viewport": {"width": 1280, "height": 900},
            # Bootstrap scrolls smoothly otherwise; axe measures while scrolling and then
            # leaves colour contrast "incomplete" (unchecked) for whatever is below the fold.
            "reduced_motion": "reduce",
        }
        settings.update(options)
        context = browser.new_context(**settings)
        context.set_default_timeout(10_000)
        context.add_init_script(CSP_PROBE)
        contexts.append(context)
        page = context.new_page()
        probe.watch(page)
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def expect_refusal(request: pytest.FixtureRequest) -> Callable[[str, int], None]:
    """`expect_refusal("/anteprima", 422)`: that script request may answer that 4xx."""

    def _allow(path: str, status: int) -> None:
        request.node._page_problems.expected_refusals.add((path, status))

    return _allow


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A fresh page with JavaScript, in Italian, on the live app."""
    return new_page()

