"""The writer's text as a read-only preview with each finding in `<mark>` and its kind in
words. Every piece of the text is escaped: only our own tags are markup."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from forum.privacy.guard import Finding, FindingKind

KIND_LABELS = {
    FindingKind.FISCAL_CODE: _l("codice fiscale"),
    FindingKind.PHONE: _l("numero di telefono"),
    FindingKind.EMAIL: _l("indirizzo e-mail"),
    FindingKind.IBAN: _l("IBAN"),
    FindingKind.ADDRESS: _l("indirizzo di casa"),
    FindingKind.CHILD_NAME: _l("nome vicino a dati sensibili"),
    FindingKind.BIRTH_DATE: _l("data di nascita"),
}


def kind_label(kind: FindingKind | str) -> str:
    """The kind in Italian words, for the marks and the summary."""
    return str(KIND_LABELS.get(FindingKind(kind), kind))


def highlight(text: str, findings: list[Finding]) -> Markup:
    """Escaped `text` with `<mark>` around each finding and a visible label of its kind."""
    parts: list[Markup] = []
    at = 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start < at:
            continue
        parts.append(escape(text[at:finding.start]))
        parts.append(Markup(
            '<mark class="privacy-mark">{passage} <span class="privacy-kind">[{label}]</span>'
            "</mark>").format(passage=text[finding.start:finding.end],
                              label=kind_label(finding.kind)))
        at = finding.end
    parts.append(escape(text[at:]))
    return Markup("").join(parts)
