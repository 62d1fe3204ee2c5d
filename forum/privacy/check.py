"""The one rule every publishing service applies: no suspected personal data unless the
writer has looked at the highlighted passages and confirmed they are not personal data."""

from __future__ import annotations

from flask_babel import gettext as _

from forum.errors import PersonalDataSuspected
from forum.privacy.guard import Finding, scan


def require_no_personal_data(confirmed: bool, **fields: str) -> None:
    """Raise PersonalDataSuspected (422, nothing saved) when a field looks like it holds
    personal data of families or children and `confirmed` is false.

    Called before the write transaction: scanning is CPU work and must not hold the lock.
    """
    if confirmed:
        return
    findings: dict[str, tuple[str, list[Finding]]] = {}
    for name, text in fields.items():
        found = scan(text)
        if found:
            findings[name] = (text, found)
    if findings:
        raise PersonalDataSuspected(_(
            "Il testo sembra contenere dati personali di famiglie o minori: controlla i "
            "passaggi evidenziati. Togli i dati e invia di nuovo oppure, se non sono dati "
            "personali, conferma e pubblica."), findings=findings)
