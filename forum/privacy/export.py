"""The export of everything Officina holds about a member (GDPR arts. 15 and 20).

A list of sections, each a function giving the rows of one JSON file: a feature that adds
personal data adds a section here (`SECTIONS.append(...)`). The ZIP is written row by row
to a temporary file (memory stays flat however much a member wrote) by the job
"privacy.export", off the request path; the member gets an in-app notification and an
e-mail when it is ready. The finished archive goes through the storage interface
(`export_storage`): on several servers the worker that builds it and the server that
sends it are not the same machine. Never exported: password hashes, secrets (calendar and
API tokens), other members' e-mail addresses.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Select, Table, select
from sqlalchemy.orm import Session

from forum.database import write_intent
from forum.extensions import db
from forum.i18n import long_date
from forum.jobs import enqueue, task
from forum.mail import send_mail
from forum.models import (
    Acceptance,
    Answer,
    ApiToken,
    Assessment,
    AssessmentAnswer,
    Certificate,
    Comment,
    Conversation,
    ConversationMember,
    Draft,
    EventFeedback,
    Expertise,
    ExternalIdentity,
    Follow,
    GroupMember,
    GroupRequest,
    GuidelineComment,
    MailPreference,
    Message,
    Notification,
    Organisation,
    PathEnrolment,
    PostAttachment,
    Practice,
    PrivacyRequest,
    Question,
    Registration,
    RequestKind,
    RequestStatus,
    Revision,
    Theme,
    User,
    Vote,
)
from forum.models.base import utcnow
from forum.notifications.mailing import category_for, site_url
from forum.storage import LocalStorage, Storage, get_storage

log = logging.getLogger(__name__)
EXPORT_TASK = "privacy.export"
# Columns never exported, whatever the table: credentials and secrets.
SECRET_COLUMNS = frozenset({"password_hash", "session_version", "calendar_token", "token",
                            "token_hash", "secret", "secret_hash"})
Rows = Iterable[dict[str, Any]]


@dataclass(frozen=True)
class Section:
    """One JSON file of the archive: `rows(session, user)` yields its records."""

    name: str
    rows: Callable[[Session, User], Rows]


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    return value


def _clean(mapping: Any, skip: Iterable[str] = ()) -> dict[str, Any]:
    """A row as JSON values, secrets left out."""
    hidden = SECRET_COLUMNS | set(skip)
    return {k: _value(v) for k, v in dict(mapping).items()
            if k not in hidden and "secret" not in k and not k.endswith("_hash")}


def _table(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


def _stream(session: Session, stmt: Select, skip: Iterable[str] = ()) -> Rows:
    """Rows of a Core select, fetched in batches (no ORM identity map to grow)."""
    result = session.execute(stmt.execution_options(yield_per=500))
    for row in result.mappings():
        yield _clean(row, skip)


def _owned(model: Any, column: str, skip: Iterable[str] = ()) -> Callable[[Session, User], Rows]:
    """A section of the rows of `model` whose `column` is the member."""
    def rows(session: Session, user: User) -> Rows:
        table = _table(model)
        return _stream(session, select(table).where(table.c[column] == user.id)
                       .order_by(*table.primary_key.columns), skip)
    return rows


def _profile(session: Session, user: User) -> Rows:
    data = _clean({c.key: getattr(user, c.key) for c in _table(User).columns})
    data["has_calendar_feed"] = user.calendar_token is not None
    organisation = session.get(Organisation, user.organisation_id) \
        if user.organisation_id else None
    data["organisation_listed"] = organisation.name if organisation else None
    data["expertise"] = list(session.scalars(
        select(Theme.name).join(Expertise, Expertise.theme_id == Theme.id)
        .where(Expertise.user_id == user.id).order_by(Theme.name)))
    data["mail_settings"] = {p.category: p.delivery for p in session.scalars(
        select(MailPreference).where(MailPreference.user_id == user.id))}
    yield data


def _messages(session: Session, user: User) -> Rows:
    """Messages of the conversations the member takes part in: theirs and those they
    received; other authors by name and username, never their e-mail."""
    mine = select(ConversationMember.conversation_id).where(
        ConversationMember.user_id == user.id)
    stmt = (select(Message.id, Message.conversation_id, Conversation.subject,
                   Message.author_id, User.username.label("author_username"),
                   User.display_name.label("author_name"), Message.body,
                   Message.created_at)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .outerjoin(User, User.id == Message.author_id)
            .where(Message.conversation_id.in_(mine)).order_by(Message.id))
    for row in _stream(session, stmt):
        row["sent_by_me"] = row["author_id"] == user.id
        yield row


def _revisions(session: Session, user: User) -> Rows:
    """The member's revisions, but not those a moderator redacted: they hold personal
    data of someone else (a family, a child), which only admins may still read."""
    table = _table(Revision)
    return _stream(session, select(table).where(
        table.c.editor_id == user.id, table.c.redacted_at.is_(None))
        .order_by(*table.primary_key.columns), ())


def _attachments(session: Session, user: User) -> Rows:
    """The files they attached (names and sizes; the files are on the posts' pages), but
    not those a redaction hid: a name like «scheda di Matteo.pdf» is the data itself."""
    table = _table(PostAttachment)
    return _stream(session, select(table).where(
        table.c.uploaded_by_id == user.id, table.c.redacted_at.is_(None))
        .order_by(*table.primary_key.columns), ("stored_name",))


def _requests(session: Session, user: User) -> Rows:
    return _owned(PrivacyRequest, "user_id", skip=("file_path",))(session, user)


def _assessments(session: Session, user: User) -> Rows:
    yield from _owned(Assessment, "created_by_id")(session, user)
    yield from _owned(AssessmentAnswer, "answered_by_id")(session, user)


def _groups(session: Session, user: User) -> Rows:
    yield from ({"membership": True, **row} for row in
                _owned(GroupMember, "user_id")(session, user))
    yield from ({"request": True, **row} for row in
                _owned(GroupRequest, "user_id")(session, user))


def _events(session: Session, user: User) -> Rows:
    yield from ({"registration": True, **row} for row in
                _owned(Registration, "user_id")(session, user))
    yield from ({"feedback": True, **row} for row in
                _owned(EventFeedback, "user_id")(session, user))
    yield from ({"path_enrolment": True, **row} for row in
                _owned(PathEnrolment, "user_id")(session, user))


SECTIONS: list[Section] = [
    Section("profilo", _profile),
    Section("domande", _owned(Question, "author_id")),
    Section("risposte", _owned(Answer, "author_id")),
    Section("commenti", _owned(Comment, "author_id")),
    Section("revisioni", _revisions),
    Section("bozze", _owned(Draft, "user_id")),
    Section("allegati", _attachments),
    Section("voti", _owned(Vote, "user_id")),
    Section("risposte_accettate", _owned(Acceptance, "accepted_by_id")),
    Section("buone_pratiche", _owned(Practice, "created_by_id")),
    Section("elementi_seguiti", _owned(Follow, "user_id")),
    Section("messaggi", _messages),
    Section("incontri_e_percorsi", _events),
    Section("attestati", _owned(Certificate, "user_id")),
    Section("notifiche", _owned(Notification, "user_id")),
    Section("tavoli", _groups),
    Section("commenti_linee_guida", _owned(GuidelineComment, "author_id")),
    Section("autovalutazioni", _assessments),
    Section("token_api", _owned(ApiToken, "user_id")),  # metadata: the hash is a secret column
    Section("identita_digitali", _owned(ExternalIdentity, "user_id")),
    Section("richieste_privacy", _requests),
]


def export_dir() -> Path:
    """Where archives are kept on this server (instance/exports unless configured)."""
    configured = current_app.config.get("PRIVACY_EXPORT_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "exports"


def export_storage() -> Storage:
    """Where ready archives are kept: the attachments' bucket, under "exports/", when files
    go to S3 (shared by every server); else `export_dir` on this server."""
    storage = get_storage()
    if isinstance(storage, LocalStorage):
        return LocalStorage(export_dir())
    from forum.storage.s3 import S3Storage

    return storage.within("exports") if isinstance(storage, S3Storage) else storage


def remove_archive(name: str) -> None:
    """Delete a ready archive wherever it is kept; logged, not raised, when it will not go
    (the rows saying it is gone are already committed). A name of the archives written
    before they went through the storage (it may start with "-") is a plain file."""
    try:
        export_storage().delete(name)
    except ValueError:
        (export_dir() / Path(name).name).unlink(missing_ok=True)
    except Exception:  # noqa: BLE001 - any backend's failure: the purge sweeps again
        log.warning("archivio non rimosso: %s", name, exc_info=True)


def _json_array(rows: Rows) -> Iterator[bytes]:
    yield b"["
    for index, row in enumerate(rows):
        yield (b",\n" if index else b"\n") + json.dumps(
            row, ensure_ascii=False, default=str, indent=None).encode()
    yield b"\n]\n"


def write_archive(session: Session, user: User, target: Path) -> int:
    """Write the ZIP of every section to `target` (via a temporary file renamed at the end,
    so a crash never leaves half an archive under the final name); returns its size."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("LEGGIMI.txt", "w") as readme:
            readme.write(_(
                "Officina: i dati che ti riguardano, esportati il %(when)s (UTC).\n"
                "Ogni file JSON è un elenco di record; le date sono in UTC.\n",
                when=utcnow().isoformat(timespec="seconds")).encode())
        for section in SECTIONS:
            with archive.open(f"{section.name}.json", "w", force_zip64=True) as out:
                for chunk in _json_array(section.rows(session, user)):
                    out.write(chunk)
    os.replace(partial, target)
    return target.stat().st_size


def queue_export(request_id: int) -> None:
    """Queue the build in the caller's transaction (one job per request)."""
    enqueue(EXPORT_TASK, request_id, key=f"privacy-export:{request_id}")


def _ready_mail(user: User, until: datetime) -> tuple[str, str]:
    with force_locale(user.language or "it"):
        subject = _("Officina: l'archivio con i tuoi dati è pronto")
        body = _(
            "Ciao %(name)s,\n\nl'archivio con i dati che Officina conserva su di te è "
            "pronto. Puoi scaricarlo, dopo aver effettuato l'accesso, da questa pagina fino "
            "al %(until)s:\n\n%(link)s\n\nSe non l'hai chiesto tu, cambia la password e "
            "scrivi al responsabile della protezione dei dati indicato nell'informativa.\n",
            name=user.display_name, until=long_date(until), link=site_url("/profilo/dati"))
    return subject, body


@task(EXPORT_TASK)
def build_export(request_id: int) -> None:
    """Build the archive of a pending export request, then mark it ready and tell the
    member. A request no longer pending (a retry after success) is left alone."""
    with Session(db.engine) as session:
        request = session.get(PrivacyRequest, int(request_id))
        if request is None or request.kind != RequestKind.EXPORT \
                or request.status != RequestStatus.PENDING:
            return
        user = session.get_one(User, request.user_id)
        name = f"export-{secrets.token_urlsafe(18)}.zip"  # a stored name (check_name)
        storage = export_storage()
        with tempfile.TemporaryDirectory(prefix="officina-export-") as folder:
            size = write_archive(session, user, Path(folder) / name)
            storage.put_file(name, Path(folder) / name)
        session.rollback()
        try:
            _mark_ready(session, int(request_id), name, size)
        except BaseException:
            remove_archive(name)
            raise


def _mark_ready(session: Session, request_id: int, name: str, size: int) -> None:
    from forum.jobs.api import finish_in

    with write_intent(session):
        request = session.execute(select(PrivacyRequest).where(
            PrivacyRequest.id == request_id).with_for_update()).scalar_one()
        if request.status != RequestStatus.PENDING:
            session.rollback()
            remove_archive(name)
            return
        now = utcnow()
        until = now + timedelta(days=int(current_app.config["PRIVACY_EXPORT_DAYS"]))
        request.status, request.ready_at, request.expires_at = RequestStatus.READY, now, until
        request.file_path, request.size_bytes = name, size
        user = session.get_one(User, request.user_id)
        session.add(Notification(
            user_id=user.id, kind="privacy_export_ready", link="/profilo/dati",
            params={"until": long_date(until)}, subject_type="privacy",
            subject_id=request.id, category=category_for("privacy_export_ready",
                                                         own_thread=True)))
        if user.email_bounced_at is None:
            subject, body = _ready_mail(user, until)
            send_mail(user.email, subject, body, session=session)
        finish_in(session)
        session.commit()

