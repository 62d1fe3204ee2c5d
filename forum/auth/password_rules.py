"""What a password must be: length rules and a refusal of guessable ones (zxcvbn).

Its own module because sign-up (`services`) and password change/reset (`passwords`)
both ask it, and neither may import the other.
"""

from __future__ import annotations

import unicodedata

from flask import current_app
from flask_babel import gettext as _
from zxcvbn import zxcvbn


def check_password_policy(password: str) -> list[str]:
    """Reasons the password is refused, in the user's language; empty when acceptable."""
    problems = []
    min_len = current_app.config["PASSWORD_MIN_LENGTH"]
    max_len = current_app.config["PASSWORD_MAX_LENGTH"]
    length = len(unicodedata.normalize("NFC", password))
    if length < min_len:
        problems.append(_("La password deve avere almeno %(n)d caratteri.", n=min_len))
    if length > max_len:
        problems.append(_("La password può avere al massimo %(n)d caratteri.", n=max_len))
    return problems


def check_password_strength(password: str, *, hints: tuple[str, ...] = ()) -> list[str]:
    """Length rules plus a refusal of common or trivially guessable passwords (zxcvbn)."""
    problems = check_password_policy(password)
    if problems:
        return problems
    result = zxcvbn(password[:64], user_inputs=[h for h in hints if h])
    if result["score"] < 2:
        problems.append(_(
            "Questa password è troppo comune o facile da indovinare: "
            "usa una frase di più parole o aggiungi parole meno prevedibili."
        ))
    return problems
