"""The demo self-assessment: a checklist on the guideline about 0-3 fees and ISEE, and two
organisations' assessments. Skipped quietly while that guideline is not seeded; a re-run
adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from forum.assessments.services import (
    CriterionFields,
    add_criterion,
    organisation_key,
    save_answers,
)
from forum.extensions import db
from forum.models import Assessment, Criterion, Guideline, User

GUIDELINE_SLUG = "tariffe-servizi-educativi-0-3-isee"
CURATOR = "elena.marchetti"

# (area, title, explanation, theme slugs)
CRITERIA: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("Accesso", "ISEE corretto per prestazioni rivolte a minorenni",
     "Bando e regolamento indicano l'ISEE dell'art. 7 del D.P.C.M. 159/2013 e le regole per il "
     "genitore non convivente.", ()),
    ("Accesso", "Regole per chi non presenta l'ISEE e per i non residenti",
     "È scritto quale tariffa si applica e come si trattano i bambini in carico ai servizi "
     "sociali.", ()),
    ("Tariffe", "Struttura tariffaria motivata",
     "La scelta tra fasce e tariffa lineare è spiegata nella delibera, con minimo e massimo.",
     ()),
    ("Tariffe", "Simulazione prima di deliberare",
     "Gettito e impatto per fascia ISEE sono stimati sulle iscrizioni dell'anno precedente.",
     ()),
    ("Qualità", "Controlli sulle DSU",
     "Sono previsti controlli a campione sulle dichiarazioni, con esiti registrati.", ()),
    ("Qualità", "Ricevute utili al bonus nido",
     "Le ricevute riportano i dati che l'INPS chiede per il rimborso delle rette.",
     ("sostegno-economico",)),
    ("Partecipazione", "Tariffe pubblicate con un simulatore",
     "Le famiglie calcolano la propria retta online prima dell'apertura delle iscrizioni.",
     ()),
    ("Partecipazione", "Confronto con le famiglie sulle rette",
     "Le associazioni dei genitori sono sentite prima di cambiare le tariffe.",
     ("natalita-genitorialita",)),
)

# Two organisations of the demo members: one complete, one halfway.
ANSWERS: dict[str, tuple[tuple[int | None, str], ...]] = {
    "giulia.ferraris": ((4, "Regolamento aggiornato nel 2025."), (3, ""),
                        (2, "Fasce: valutiamo la tariffa lineare."), (1, ""),
                        (2, "Controlli solo su segnalazione."), (4, ""),
                        (1, "Il simulatore manca ancora."), (3, "")),
    "marco.esposito": ((3, ""), (1, "Da scrivere nel nuovo regolamento."), (3, ""),
                       (0, "Mai fatto: chiederemo aiuto alla rete."),
                       (None, ""), (None, ""), (None, ""), (None, "")),
}


def seed_assessments(users: dict[str, User]) -> int:
    """The checklist (when the guideline has none) and the two demo assessments (when their
    organisation has none); returns how many assessments were added."""
    guideline = db.session.scalar(select(Guideline).where(Guideline.slug == GUIDELINE_SLUG))
    curator = users.get(CURATOR)
    if guideline is None or curator is None or guideline.version == 0:
        return 0
    if not db.session.scalar(select(func.count(Criterion.id)).where(
            Criterion.guideline_id == guideline.id)):
        for area, title, explanation, themes in CRITERIA:
            add_criterion(curator, guideline.id, CriterionFields(
                area=area, title=title, explanation=explanation, themes=themes))
    criteria = list(db.session.scalars(select(Criterion).where(
        Criterion.guideline_id == guideline.id).order_by(Criterion.position, Criterion.id)))
    added = 0
    for username, answers in ANSWERS.items():
        member = users.get(username)
        if member is None or db.session.scalar(select(Assessment.id).where(
                Assessment.guideline_id == guideline.id,
                Assessment.organisation_key == organisation_key(member.organisation))):
            continue
        form: dict[str, str] = {}
        for criterion, (score, note) in zip(criteria, answers, strict=False):
            if score is not None:
                form[f"score-{criterion.id}"] = str(min(score, criterion.scale_max))
                form[f"note-{criterion.id}"] = note
        save_answers(member, guideline.id, form)
        added += 1
    return added
