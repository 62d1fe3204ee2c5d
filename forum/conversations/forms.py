"""Forms of the private conversations: shape only (the services check the rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forum.conversations.services import (
    BODY_MAX,
    REASON_MAX,
    RECIPIENTS_MAX_CHARS,
    SUBJECT_MAX,
)


class NewConversationForm(FlaskForm):
    """Recipients by username (comma-separated), a subject and the first message."""

    recipients = StringField(_l("Destinatari (nomi utente, separati da virgole)"), validators=[
        DataRequired(_l("Indica almeno un destinatario (nome utente).")),
        Length(max=RECIPIENTS_MAX_CHARS)])
    subject = StringField(_l("Oggetto"), validators=[
        DataRequired(_l("Scrivi l'oggetto della conversazione.")), Length(max=SUBJECT_MAX)])
    body = TextAreaField(_l("Messaggio"), validators=[
        DataRequired(_l("Scrivi il messaggio prima di inviarlo.")), Length(max=BODY_MAX)])


class ReplyForm(FlaskForm):
    """A reply in a conversation (Markdown)."""

    body = TextAreaField(_l("La tua risposta"), validators=[
        DataRequired(_l("Scrivi il messaggio prima di inviarlo.")), Length(max=BODY_MAX)])


class ReportForm(FlaskForm):
    """Why a message is reported (optional)."""

    reason = TextAreaField(_l("Motivo della segnalazione (facoltativo)"),
                           validators=[Optional(), Length(max=REASON_MAX)])


class BlockForm(FlaskForm):
    """The member to block, by username."""

    username = StringField(_l("Nome utente da bloccare"), validators=[
        DataRequired(_l("Indica il nome utente da bloccare.")), Length(max=64)])
    next = HiddenField()
