"""Atom 1.0 documents from plain entry values, with feedgen.

Every string passes through `forum.text.xml_text` here, the one place: a control
character or a lone surrogate in a title, a body or a display name (old rows, imports)
makes lxml refuse the whole document, and one hostile post must not take a feed down.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]
from flask import current_app

from forum.opendata.settings import Licence
from forum.text import xml_text

FEED_EPOCH = "2026"  # the date part of the tag: URIs; it must never change


@dataclass(frozen=True)
class Category:
    """A theme or tag of an entry: its stable term, its label, and the page listing it."""

    term: str
    label: str
    scheme: str | None = None


@dataclass(frozen=True)
class Entry:
    """What a feed entry shows; `html` is already sanitised (a `body_html` column)."""

    key: str  # "question/12": the stable part of the entry's id
    title: str
    link: str
    published: datetime
    updated: datetime
    author: str
    html: str = ""
    summary: str = ""
    categories: Sequence[Category] = field(default_factory=tuple)


def tag_uri(key: str) -> str:
    """A stable id (RFC 4151) built on the configured site address, so entries keep their
    id whatever host name a reader used."""
    host = urlsplit(current_app.config["SITE_URL"]).hostname or "officina.invalid"
    return f"tag:{host},{FEED_EPOCH}:{key}"


def _aware(moment: datetime) -> datetime:
    """The models keep naive UTC; Atom wants an offset."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def build(*, key: str, title: str, subtitle: str, self_url: str, page_url: str,
          licence: Licence, entries: Sequence[Entry], language: str = "it") -> bytes:
    """The Atom document of a feed: `entries` newest first; its `updated` is the newest
    entry's (or the epoch of the site for an empty feed)."""
    feed = FeedGenerator()
    feed.id(tag_uri(f"feed/{key}"))
    feed.title(xml_text(title))
    feed.subtitle(xml_text(subtitle))
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    feed.link(href=page_url, rel="alternate", type="text/html")
    feed.link(href=licence.url, rel="license")
    feed.rights(xml_text(f"{licence.name} ({licence.url})"))
    feed.author({"name": "Officina"})
    feed.generator("Officina")
    feed.language(language)
    feed.updated(max((_aware(e.updated) for e in entries),
                     default=datetime(2026, 1, 1, tzinfo=UTC)))
    for item in entries:
        entry = feed.add_entry(order="append")
        entry.id(tag_uri(item.key))
        entry.title(xml_text(item.title) or "—")
        entry.link(href=item.link, rel="alternate", type="text/html")
        entry.published(_aware(item.published))
        entry.updated(_aware(item.updated))
        entry.author({"name": xml_text(item.author) or "Officina"})
        if item.summary:
            entry.summary(xml_text(item.summary))
        if item.html:
            entry.content(xml_text(item.html), type="html")
        for category in item.categories:
            values = {"term": xml_text(category.term), "label": xml_text(category.label)}
            if category.scheme:
                values["scheme"] = category.scheme
            entry.category(values)
    return bytes(feed.atom_str(pretty=False))


def last_modified(entries: Sequence[Entry]) -> datetime | None:
    """The newest `updated` of a feed, for Last-Modified."""
    return max((_aware(e.updated) for e in entries), default=None)
