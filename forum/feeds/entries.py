"""From loaded models to Atom entries: absolute links, dates, author names, sanitised
HTML from the `*_html` columns, themes and tags as categories."""

from __future__ import annotations

from datetime import datetime

from flask import url_for
from flask_babel import gettext as _

from forum.feeds.atom import Category, Entry
from forum.feeds.queries import PublishedGuideline
from forum.models import Announcement, Event, Practice, Question, Theme
from forum.practices.labels import theme_label

BOARD = "Redazione di Officina"


def _later(first: datetime, second: datetime | None) -> datetime:
    return first if second is None or second < first else second


def _theme(theme: Theme) -> Category:
    return Category(theme.slug, _(theme.name),
                    url_for("themes.detail", slug=theme.slug, _external=True))


def question(item: Question) -> Entry:
    """A thread: its author's display name, its body, its theme and tags."""
    return Entry(
        key=f"question/{item.id}", title=item.title,
        link=url_for("questions.detail", question_id=item.id, _external=True),
        published=item.created_at, updated=_later(item.created_at, item.updated_at),
        author=item.author.display_name, html=item.body_html,
        categories=(_theme(item.theme), *(Category(
            t.name, t.name, url_for("questions.index", tag=t.name, _external=True))
            for t in item.tags)))


def practice(item: Practice) -> Entry:
    """A published practice: the promoting administration is its author."""
    published = item.published_at or item.created_at
    return Entry(
        key=f"practice/{item.id}", title=item.title,
        link=url_for("practices.detail", slug=item.slug, _external=True),
        published=published, updated=_later(published, item.updated_at),
        author=item.lead_organisation, summary=item.summary, html=item.description_html,
        categories=tuple(Category(slug, theme_label(slug)) for slug in item.values("theme")))


def event(item: Event) -> Entry:
    """An event: its organiser, its summary and description, its themes."""
    return Entry(
        key=f"event/{item.id}", title=item.title,
        link=url_for("events.detail", slug=item.slug, _external=True),
        published=item.created_at, updated=_later(item.created_at, item.updated_at),
        author=item.organiser, summary=item.summary, html=item.description_html,
        categories=tuple(_theme(t) for t in item.themes))


def guideline(item: PublishedGuideline) -> Entry:
    """A guideline as last published (never the working copy)."""
    guide, version = item.guideline, item.version
    return Entry(
        key=f"guideline/{guide.id}", title=version.title,
        link=url_for("guidelines.detail", slug=guide.slug, _external=True),
        published=guide.published_at or version.changed_at, updated=version.changed_at,
        author=BOARD, summary=version.summary, html=version.body_html,
        categories=tuple(_theme(t) for t in guide.themes))


def announcement(item: Announcement) -> Entry:
    """A priority valid today."""
    return Entry(
        key=f"announcement/{item.id}", title=item.title,
        link=url_for("announcements.detail", slug=item.slug, _external=True),
        published=item.created_at, updated=_later(item.created_at, item.updated_at),
        author=BOARD, html=item.body_html,
        categories=tuple(_theme(t) for t in item.themes))
