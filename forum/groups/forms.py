"""Group forms: shape only (lengths, choices); the rules are in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forum.auth.forms import as_choices
from forum.models import GroupKind
from forum.practices.forms import CheckboxesField
from forum.taxonomy import ORGANISATION_TYPES, REGIONS

KIND_LABELS = {
    GroupKind.OPEN: _l("Aperto: chiunque partecipa, le discussioni sono pubbliche"),
    GroupKind.ON_REQUEST: _l("Su richiesta: i facilitatori approvano, le discussioni sono "
                             "riservate ai membri"),
    GroupKind.PRIVATE: _l("Riservato: solo su invito, invisibile a chi non ne fa parte"),
}


class GroupForm(FlaskForm):
    """A group's settings; `themes.choices` are set by the view from the themes."""

    name = StringField(_l("Nome del tavolo"), validators=[DataRequired(), Length(1, 120)])
    description = TextAreaField(_l("Di che cosa si occupa (Markdown)"),
                                validators=[Optional(), Length(max=5_000)])
    kind = RadioField(_l("Chi può partecipare"), default=GroupKind.OPEN.value,
                      choices=lambda: as_choices((k.value, v) for k, v in KIND_LABELS.items()))
    listed = BooleanField(_l("Se riservato, mostra comunque il nome nell'elenco dei tavoli"),
                          default=False)
    region = SelectField(_l("Regione (facoltativa)"), validators=[Optional()], default="",
                         choices=lambda: as_choices([("", _l("Nazionale")), *REGIONS.items()]))
    audience = CheckboxesField(_l("Per quali enti"),
                               choices=lambda: as_choices(ORGANISATION_TYPES.items()))
    themes = CheckboxesField(_l("Temi (al massimo 5)"), coerce=int)


class RequestForm(FlaskForm):
    """A request to join, with an optional note for the facilitators."""

    message = TextAreaField(_l("Messaggio per i facilitatori (facoltativo)"),
                            validators=[Optional(), Length(max=1_000)])


class InviteForm(FlaskForm):
    """Whom to invite: a username or an e-mail address."""

    target = StringField(_l("Nome utente o indirizzo e-mail"),
                         validators=[DataRequired(), Length(1, 254)])


FILE_LABEL = _l("File (PDF, ODT, DOCX, XLSX, CSV, PNG, JPEG)")


class DocumentEditForm(FlaskForm):
    """A document's title, folder and description (renaming, moving)."""

    title = StringField(_l("Titolo del documento"), validators=[DataRequired(), Length(1, 200)])
    folder = StringField(_l("Cartella (facoltativa)"), validators=[Optional(), Length(max=80)])
    description = TextAreaField(_l("Descrizione (facoltativa)"),
                                validators=[Optional(), Length(max=2_000)])


class DocumentForm(DocumentEditForm):
    """A new document in the library: its description and its first file."""

    file = FileField(FILE_LABEL)


class VersionForm(FlaskForm):
    """A new version of a document, with a note on what changed."""

    note = StringField(_l("Che cosa cambia (facoltativo)"),
                       validators=[Optional(), Length(max=300)])
    file = FileField(FILE_LABEL)
