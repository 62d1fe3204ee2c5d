"""Asking and editing questions; every edit keeps a revision."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from forum import attachments, permissions
from forum.attachments import CheckedFile
from forum.database import write_intent
from forum.drafts.records import drop_draft
from forum.errors import InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.markup import render_markdown
from forum.models import (
    DraftKind,
    FollowTarget,
    Group,
    Level,
    Question,
    RevisionKind,
    Tag,
    Theme,
    User,
)
from forum.models.base import utcnow
from forum.moderation.audit import record_action
from forum.notifications.activity import Event, publish
from forum.notifications.follows import auto_follow
from forum.post_attachments.services import (
    PostRef,
    attach,
    change_listed,
    check_uploads,
    choose_again,
    chosen,
)
from forum.privacy.check import require_no_personal_data
from forum.revisions.records import question_snapshot, record_revision
from forum.routing.services import schedule_routing
from forum.text import clean_line, clean_text
from forum.users.standing import require_member

TITLE_MIN, TITLE_MAX = 15, 150
BODY_MIN, BODY_MAX = 20, 30_000
TAG_RE = re.compile(r"^[0-9a-zà-öø-ÿ][0-9a-zà-öø-ÿ-]{0,29}$")


def parse_tags(raw: str | list[str]) -> list[str]:
    """Split 'a, b c' into normalised tags (lower case, spaces become hyphens), deduplicated."""
    items = raw if isinstance(raw, list) else re.split(r"[,;\n]+", raw or "")
    tags: list[str] = []
    for item in items:
        tag = re.sub(r"\s+", "-", clean_line(item).lower()).strip("-")
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def question_field_errors(title: str, body: str, tags: list[str]) -> dict[str, list[str]]:
    """Why a title, body or tag list is refused, by field (shared with edit suggestions)."""
    errors: dict[str, list[str]] = {}
    title_len = len(title)
    if not TITLE_MIN <= title_len <= TITLE_MAX:
        errors["title"] = [_(
            "Il titolo deve avere da %(min)d a %(max)d caratteri (ora %(n)d).",
            min=TITLE_MIN, max=TITLE_MAX, n=title_len,
        )]
    if not BODY_MIN <= len(body) <= BODY_MAX:
        errors["body"] = [_(
            "Il testo deve avere da %(min)d a %(max)d caratteri.", min=BODY_MIN, max=BODY_MAX
        )]
    max_tags = current_app.config["MAX_TAGS"]
    if len(tags) > max_tags:
        errors["tags"] = [_("Al massimo %(n)d etichette.", n=max_tags)]
    elif bad := [t for t in tags if not TAG_RE.match(t)]:
        errors["tags"] = [_(
            "Etichetta non valida: %(tag)s. Usa lettere, cifre e trattini, al massimo 30 "
            "caratteri.", tag=bad[0][:40],
        )]
    return errors


def checked_files(uploads: Sequence[FileStorage | None], errors: dict[str, list[str]]
                  ) -> list[CheckedFile]:
    """The chosen files, judged; a refusal joins the other field errors, and when anything
    is refused the form says the files must be chosen again (browsers never refill them)."""
    try:
        checked = check_uploads(uploads)
    except InvalidInput as refusal:
        errors.update(refusal.field_errors)
        return []
    if errors and chosen(uploads) and "files" not in errors:
        errors["files"] = [choose_again()]
    return checked


def _theme_by_slug(slug: str) -> Theme | None:
    return db.session.execute(select(Theme).where(Theme.slug == slug)).scalar_one_or_none()


def _tags_by_name(names: list[str]) -> list[Tag]:
    """Existing tags by name, creating the missing ones in the current transaction."""
    if not names:
        return []
    found = {
        t.name: t for t in db.session.execute(select(Tag).where(Tag.name.in_(names))).scalars()
    }
    tags = []
    for name in names:
        tag = found.get(name)
        if tag is None:
            tag = Tag(name=name)
            db.session.add(tag)
        tags.append(tag)
    return tags


def ask_question(
    author: User, *, title: str, body: str, theme_slug: str, tags: str | list[str] = "",
    group_id: int | None = None, confirmed_personal_data: bool = False,
    uploads: Sequence[FileStorage | None] = (),
) -> Question:
    """Publish a new question under one theme with up to five tags, in the public space or
    in a working group the author may post in, with its files; suspected personal data
    needs confirming. The author's unsent draft goes with the publication."""
    require_member(author, _("Accedi per fare una domanda."))
    title, body = clean_line(title), clean_text(body)
    tag_names = parse_tags(tags)
    errors = question_field_errors(title, body, tag_names)
    checked = checked_files(uploads, errors)
    if not errors:
        require_no_personal_data(confirmed_personal_data, title=title, body=body)
    body_html = "" if errors else render_markdown(body)  # CPU work before the write lock
    with attachments.stored_all(checked) as stored_names, write_intent():
        theme = _theme_by_slug(theme_slug or "")
        if theme is None or theme.is_archived:
            errors["theme"] = [_("Scegli un tema dall'elenco.")]
        group = _group_for_posting(author, group_id)
        if errors:
            if checked and "files" not in errors:
                errors["files"] = [choose_again()]
            raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
        question = Question(
            group_id=group.id if group is not None else None,
            title=title,
            body=body,
            body_html=body_html,
            theme=theme,
            author_id=author.id,
            tags=_tags_by_name(tag_names),
        )
        db.session.add(question)
        db.session.flush()
        attach(PostRef(question_id=question.id), author.id, checked, stored_names)
        drop_draft(author.id, DraftKind.ASK)
        auto_follow(author.id, FollowTarget.QUESTION, question.id, Level.WATCHING)
        publish(Event.QUESTION_ASKED, author.id, question=question.id)
        schedule_routing(question.id)
        db.session.commit()
    return question


def _group_for_posting(author: User, group_id: int | None) -> Group | None:
    """The group a question goes to; a group the author cannot see is not found, one they
    may not write in is refused."""
    if group_id is None:
        return None
    group = db.session.get(Group, group_id)
    if group is None or not permissions.can_see_group(author, group):
        raise NotFound(_("Tavolo non trovato."))
    if not permissions.can_post_in_group(author, group):
        raise NotAllowed(_("Solo i membri del tavolo possono aprire discussioni."))
    return group


def get_question_for_update(question_id: int, *options: Any) -> Question:
    """The question, row-locked where the database supports it; NotFound otherwise."""
    question = db.session.execute(
        select(Question).where(Question.id == question_id).options(*options)
        .with_for_update(of=Question)  # not the group joined with it (PostgreSQL refuses)
    ).scalar_one_or_none()
    if question is None:
        raise NotFound(_("Domanda non trovata."))
    return question


def edit_question(
    editor: User,
    question_id: int,
    *,
    title: str,
    body: str,
    theme_slug: str,
    tags: str | list[str] = "",
    confirmed_personal_data: bool = False,
    uploads: Sequence[FileStorage | None] = (),
    remove_attachments: Collection[int] = (),
    listed_attachments: Collection[int] | None = None,
) -> Question:
    """Change a question and its files, keeping the previous version (files included) as
    a revision; suspected personal data needs confirming (a rollback to a text holding
    it is refused the same way). A rollback passes the files to list in
    `listed_attachments`."""
    title, body = clean_line(title), clean_text(body)
    tag_names = parse_tags(tags)
    errors = question_field_errors(title, body, tag_names)
    checked = checked_files(uploads, errors)
    if not errors:
        require_no_personal_data(confirmed_personal_data, title=title, body=body)
    body_html = "" if errors else render_markdown(body)  # CPU work before the write lock
    with attachments.stored_all(checked) as stored_names, write_intent():
        question = get_question_for_update(question_id, selectinload(Question.tags))
        if not permissions.can_edit_question(editor, question):
            if question.is_locked and permissions.is_active_member(editor):
                raise NotAllowed(_("La discussione è bloccata: non si può modificare."))
            require_member(editor, _("Accedi per modificare la domanda."))
            raise NotAllowed(_("Solo l'autore o la moderazione possono modificare la domanda."))
        theme = _theme_by_slug(theme_slug or "")
        if theme is None:
            errors["theme"] = [_("Scegli un tema dall'elenco.")]
        if errors or theme is None:
            if checked and "files" not in errors:
                errors["files"] = [choose_again()]
            raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
        record_revision(RevisionKind.QUESTION, question.id, editor.id,
                        question_snapshot(question))
        change_listed(PostRef(question_id=question.id), editor.id, checked, stored_names,
                      remove=remove_attachments, listed=listed_attachments)
        question.title = title
        question.body = body
        question.body_html = body_html
        question.theme_id = theme.id
        question.tags = _tags_by_name(tag_names)
        now = utcnow()
        question.updated_at = now
        question.last_activity_at = now
        if editor.id != question.author_id:
            record_action(editor, "edit_post", "question", question.id)
        db.session.commit()
    return question
