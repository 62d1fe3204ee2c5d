"""Forms after the event: a material (a link or a file) and a rating with a comment."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forum.auth.forms import as_choices

RATINGS = as_choices((str(n), str(n)) for n in range(1, 6))


class MaterialForm(FlaskForm):
    """Slides or a document (a file) or a recording (a link), with a label."""

    label = StringField(_l("Descrizione (per esempio «Slide» o «Registrazione»)"),
                        validators=[DataRequired(_l("Scrivi una descrizione.")),
                                    Length(max=200)])
    url = StringField(_l("Link (https://…), se non carichi un file"),
                      validators=[Optional(), Length(max=500)])
    file = FileField(_l("File, se non indichi un link"))


class FeedbackForm(FlaskForm):
    """A rating from 1 to 5 and an optional comment."""

    rating = RadioField(_l("Voto da 1 (per niente utile) a 5 (molto utile)"), choices=RATINGS,
                        validate_choice=False,
                        validators=[DataRequired(_l("Scegli un voto da 1 a 5."))])
    comment = TextAreaField(_l("Commento (facoltativo)"),
                            validators=[Optional(), Length(max=2000)])
