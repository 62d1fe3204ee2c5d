"""Flag, moderation-action and close forms: shape only (rules live in the services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from forum.moderation.labels import CLOSE_REASONS
from forum.taxonomy import N_

FLAG_REASON_LABELS: dict[str, str] = {
    "spam": N_("Spam o pubblicità"),
    "offensive": N_("Offensivo o irrispettoso"),
    "off_topic": N_("Fuori tema"),
    "duplicate": N_("Duplicato di un'altra domanda"),
    "attention": N_("Serve l'intervento della moderazione"),
}


def _choices(labels: dict[str, str]):  # type: ignore[no-untyped-def]
    return lambda: [(k, _l(v)) for k, v in labels.items()]


class FlagForm(FlaskForm):
    """Why a member reports a post."""

    reason = RadioField(_l("Motivo"), choices=_choices(FLAG_REASON_LABELS),
                        validators=[InputRequired(_l("Scegli un motivo."))])
    duplicate_of = StringField(_l("Link o numero della domanda originale"),
                               validators=[Optional(), Length(max=300)])
    note = TextAreaField(_l("Dettagli per la moderazione"), validators=[Length(max=500)])


class ActionForm(FlaskForm):
    """A moderator's reason for an action (shown to the author when they are told)."""

    reason = TextAreaField(_l("Motivo"), validators=[Length(max=1_000)])


class CloseForm(FlaskForm):
    """Why a question is closed, and the original when it is a duplicate."""

    reason = RadioField(_l("Motivo della chiusura"), choices=_choices(CLOSE_REASONS),
                        validators=[InputRequired(_l("Scegli un motivo."))])
    duplicate_of = StringField(_l("Link o numero della domanda originale"),
                               validators=[Optional(), Length(max=300)])
    note = TextAreaField(_l("Nota (facoltativa)"), validators=[Length(max=1_000)])
