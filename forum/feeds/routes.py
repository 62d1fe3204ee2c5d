"""Atom feeds of public content: questions (all, unanswered, solved, per theme, per
tag), practices, events, guidelines and priorities. Italian URLs under /feed/."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, Response, current_app, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from forum.feeds import atom, entries, queries
from forum.feeds.atom import Entry
from forum.opendata.settings import get_open_data_settings

bp = Blueprint("feeds", __name__, url_prefix="/feed")

MIMETYPE = "application/atom+xml"


def _atom(key: str, title: str, subtitle: str, page_url: str,
          items: Sequence[Entry]) -> BaseResponse:
    """The feed with a short public cache, an ETag and Last-Modified, and 304 when the
    reader already has it."""
    body = atom.build(key=key, title=title, subtitle=subtitle, self_url=request.base_url,
                      page_url=page_url, licence=get_open_data_settings().licence,
                      entries=items)
    response = Response(body, content_type=f"{MIMETYPE}; charset=utf-8")
    response.cache_control.public = True
    response.cache_control.max_age = int(current_app.config["FEED_MAX_AGE"])
    response.last_modified = atom.last_modified(items)
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/domande.atom")
def questions():
    """The newest public questions."""
    return _atom("questions", _("Officina: domande"), _("Le ultime domande della comunità."),
                 url_for("questions.index", ordina="recenti", _external=True),
                 [entries.question(q) for q in queries.questions()])


@bp.route("/domande/senza-risposta.atom")
def unanswered():
    """The newest public questions still without an answer."""
    return _atom("questions/unanswered", _("Officina: domande senza risposta"),
                 _("Le domande che aspettano ancora una risposta."),
                 url_for("questions.index", stato="senza-risposta", _external=True),
                 [entries.question(q) for q in queries.questions(state="senza-risposta")])


@bp.route("/domande/risolte.atom")
def solved():
    """Public questions with an accepted answer, the most recently active first."""
    return _atom("questions/solved", _("Officina: domande risolte"),
                 _("Le domande che hanno una risposta accettata."),
                 url_for("questions.index", stato="risolte", _external=True),
                 [entries.question(q) for q in queries.questions(state="risolte")])


@bp.route("/temi/<slug>.atom")
def theme(slug: str):
    """The newest public questions of a theme (404 for an unknown theme)."""
    found = queries.theme_by_slug(slug)
    return _atom(f"themes/{found.slug}", _("Officina: %(theme)s", theme=_(found.name)),
                 _("Le ultime domande sul tema «%(theme)s».", theme=_(found.name)),
                 url_for("themes.detail", slug=found.slug, _external=True),
                 [entries.question(q) for q in queries.questions(theme_id=found.id)])


@bp.route("/tag/<tag>.atom")
def tag(tag: str):
    """The newest public questions with a tag (404 for a tag never used)."""
    found = queries.tag_by_name(tag)
    return _atom(f"tags/{found.id}", _("Officina: etichetta %(tag)s", tag=found.name),
                 _("Le ultime domande con l'etichetta «%(tag)s».", tag=found.name),
                 url_for("questions.index", tag=found.name, _external=True),
                 [entries.question(q) for q in queries.questions(tag_id=found.id)])


@bp.route("/buone-pratiche.atom")
def practices():
    """The most recently published practices."""
    return _atom("practices", _("Officina: buone pratiche"),
                 _("Le ultime buone pratiche pubblicate."),
                 url_for("practices.index", _external=True),
                 [entries.practice(p) for p in queries.practices()])


@bp.route("/incontri.atom")
def events():
    """The most recently announced public events."""
    return _atom("events", _("Officina: incontri"), _("Gli ultimi incontri annunciati."),
                 url_for("events.index", _external=True),
                 [entries.event(e) for e in queries.events()])


@bp.route("/linee-guida.atom")
def guidelines():
    """Guidelines as last published, the most recent publication first."""
    return _atom("guidelines", _("Officina: linee guida"),
                 _("Le linee guida pubblicate e aggiornate di recente."),
                 url_for("guidelines.index", _external=True),
                 [entries.guideline(g) for g in queries.guidelines()])


@bp.route("/indirizzi.atom")
def announcements():
    """The priorities valid today."""
    return _atom("announcements", _("Officina: indirizzi e priorità"),
                 _("Gli indirizzi e le priorità in vigore."),
                 url_for("announcements.index", _external=True),
                 [entries.announcement(a) for a in queries.announcements()])
