"""Fixed lists of the best-practice schema (slugs stored, Italian labels shown)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from forum.models import PracticeStatus

LEVELS = {
    "comunale": _l("Comunale"),
    "intercomunale": _l("Sovracomunale / di ambito"),
    "provinciale": _l("Provinciale / metropolitano"),
    "regionale": _l("Regionale"),
    "nazionale": _l("Nazionale"),
}

DEFAULT_LEVEL = {
    "comune": "comunale",
    "unione-comuni": "intercomunale",
    "ambito-sociale": "intercomunale",
    "azienda-sanitaria": "intercomunale",
    "provincia-citta-metropolitana": "provinciale",
    "regione": "regionale",
    "ministero-dipartimento": "nazionale",
    "scuola": "comunale",
}

AUTONOMOUS_PROVINCES = {
    "trento": _l("Provincia autonoma di Trento"),
    "bolzano": _l("Provincia autonoma di Bolzano/Bozen"),
}

POPULATION_BANDS = {
    "fino-5000": _l("Fino a 5.000 abitanti"),
    "5000-20000": _l("Da 5.000 a 20.000 abitanti"),
    "20000-100000": _l("Da 20.000 a 100.000 abitanti"),
    "oltre-100000": _l("Oltre 100.000 abitanti"),
}

TARGET_GROUPS = {
    "famiglie-figli-0-3": _l("Famiglie con figli 0-3 anni"),
    "famiglie-figli-0-6": _l("Famiglie con figli 0-6 anni"),
    "futuri-genitori": _l("Futuri genitori e neogenitori"),
    "minori": _l("Minori"),
    "adolescenti": _l("Adolescenti"),
    "giovani": _l("Giovani"),
    "genitori-soli": _l("Genitori soli"),
    "famiglie-numerose": _l("Famiglie numerose"),
    "famiglie-con-disabilita": _l("Famiglie con persone con disabilità"),
    "famiglie-affidatarie-adottive": _l("Famiglie affidatarie e adottive"),
    "famiglie-migranti": _l("Famiglie con background migratorio"),
    "anziani": _l("Anziani"),
    "caregiver": _l("Caregiver familiari"),
    "donne-vittime-violenza": _l("Donne vittime di violenza"),
    "famiglie-in-poverta": _l("Famiglie in povertà o vulnerabilità"),
    "lavoratori": _l("Lavoratrici e lavoratori"),
    "operatori": _l("Operatori dei servizi"),
    "tutte-le-famiglie": _l("Tutte le famiglie"),
}

AGE_GROUPS = {
    "0-2": _l("0-2 anni"),
    "3-5": _l("3-5 anni"),
    "6-10": _l("6-10 anni"),
    "11-13": _l("11-13 anni"),
    "14-17": _l("14-17 anni"),
    "18-34": _l("18-34 anni"),
    "35-64": _l("35-64 anni"),
    "65-plus": _l("65 anni e oltre"),
}

STAGES = {
    "progettazione": _l("In progettazione"),
    "avvio": _l("Avviata (sperimentazione)"),
    "a-regime": _l("A regime"),
    "valutata": _l("Valutata"),
    "conclusa": _l("Conclusa"),
}

FUNDING_SOURCES = {
    "fondo-politiche-famiglia": _l("Fondo per le politiche della famiglia"),
    "fnps": _l("Fondo nazionale per le politiche sociali"),
    "pnrr": _l("PNRR"),
    "fse-plus": _l("FSE+ (Fondo sociale europeo Plus)"),
    "fondi-regionali": _l("Fondi regionali"),
    "fondi-comunali": _l("Fondi comunali"),
    "fondazioni": _l("Fondazioni"),
    "altro": _l("Altro"),
}

EVIDENCE_SCORES = ("0", "+", "++")
ENDURING_SCORES = ("0", "+")

EVIDENCE_LEVELS = {
    "comprovata": _l("Comprovata (best practice)"),
    "promettente": _l("Promettente"),
    "emergente": _l("Emergente"),
    "non-valutata": _l("Non valutata"),
}

EVIDENCE_ASSESSORS = {
    "autovalutazione": _l("Autovalutazione dell'ente"),
    "redazione": _l("Redazione di Officina"),
    "valutatore-esterno": _l("Valutatore esterno"),
}

STATUSES: dict[str, Any] = {  # keyed by PracticeStatus (a str)
    PracticeStatus.DRAFT: _l("Bozza"),
    PracticeStatus.IN_REVIEW: _l("In revisione"),
    PracticeStatus.PUBLISHED: _l("Pubblicata"),
    PracticeStatus.ARCHIVED: _l("Archiviata"),
}

FACETS = ("theme", "target_group", "age_group", "funding_source", "keyword")
