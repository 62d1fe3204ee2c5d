"""Forms of the consultation: a comment on a section, and the owners' answer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import DataRequired

from forum.auth.forms import as_choices
from forum.consultations.services import COMMENT_MAX, REPLY_MAX
from forum.models import CommentOutcome

OUTCOME_LABELS = {
    CommentOutcome.PENDING: _l("In esame (solo risposta)"),
    CommentOutcome.ACCEPTED: _l("Recepito"),
    CommentOutcome.REJECTED: _l("Non recepito"),
}


class CommentForm(FlaskForm):
    """A comment on one section (its anchor travels in a hidden field). Lengths are checked
    by the service, so an over-long text comes back with the message and the text kept."""

    section = HiddenField()
    body = TextAreaField(_l("Il tuo commento (Markdown)"),
                         validators=[DataRequired(_l("Scrivi il tuo commento."))],
                         render_kw={"maxlength": COMMENT_MAX, "rows": 4})


class ResponseForm(FlaskForm):
    """The owners' reply, with an outcome that needs a reason."""

    outcome = RadioField(_l("Esito"), choices=lambda: as_choices(OUTCOME_LABELS.items()),
                         default=CommentOutcome.PENDING.value, validate_choice=False)
    reply = TextAreaField(_l("Risposta o motivo dell'esito"),
                          validators=[DataRequired(_l("Scrivi una risposta o il motivo."))],
                          render_kw={"maxlength": REPLY_MAX, "rows": 3})
