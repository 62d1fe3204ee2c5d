"""Fixed lists of the domain: themes, organisation types, ISTAT regions.

Labels are Italian msgids marked for translation; the database stores slugs and codes.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

THEMES: tuple[tuple[str, str, str], ...] = (
    ("servizi-educativi-0-6", "Servizi educativi 0-6 e nidi d'infanzia",
     "Nidi, micronidi, sezioni primavera, servizi integrativi e poli per l'infanzia "
     "del sistema integrato 0-6."),
    ("conciliazione-vita-lavoro", "Conciliazione vita-lavoro",
     "Misure per armonizzare tempi di lavoro e di cura: orari, servizi di prossimità, "
     "welfare aziendale, congedi."),
    ("sostegno-economico", "Sostegno economico e Assegno unico",
     "Assegno unico universale, bonus e contributi alle famiglie, agevolazioni tariffarie "
     "legate all'ISEE."),
    ("natalita-genitorialita", "Natalità e genitorialità",
     "Sostegno alla nascita, percorsi nascita, accompagnamento alla genitorialità e "
     "corresponsabilità dei genitori."),
    ("affido-adozione", "Affido e adozione",
     "Affidamento familiare, adozione nazionale e internazionale, reti di famiglie "
     "affidatarie e accoglienza."),
    ("centri-famiglia-consultori", "Centri per la famiglia e consultori",
     "Centri per le famiglie, consultori familiari, mediazione familiare, spazi neutri e "
     "sportelli informativi."),
    ("anziani-caregiver", "Anziani, non autosufficienza e caregiver familiari",
     "Invecchiamento attivo, servizi per la non autosufficienza, sollievo e sostegno ai "
     "caregiver familiari."),
    ("disabilita", "Disabilità",
     "Inclusione di bambini e adulti con disabilità, progetto di vita, sostegno alle "
     "famiglie, \"Dopo di noi\"."),
    ("poverta-educativa", "Povertà educativa e contrasto alla povertà",
     "Contrasto alla povertà economica ed educativa minorile, inclusione sociale, "
     "comunità educanti."),
    ("violenza-tutela", "Violenza domestica e tutela dei minori",
     "Prevenzione e contrasto della violenza domestica, centri antiviolenza, tutela dei "
     "minori e protezione."),
    ("giovani", "Giovani e politiche giovanili",
     "Autonomia dei giovani, orientamento, casa, partecipazione, spazi e servizi per "
     "adolescenti e giovani."),
    ("family-friendly", "Family Audit, certificazioni e tariffe family-friendly",
     "Family Audit, Comuni amici della famiglia, Distretti famiglia, marchi e politiche "
     "tariffarie per le famiglie."),
)

ORGANISATION_TYPES = {
    "comune": _l("Comune"),
    "unione-comuni": _l("Unione di comuni"),
    "ambito-sociale": _l("Ambito territoriale sociale"),
    "azienda-sanitaria": _l("Azienda sanitaria (ASL/ATS/ASP)"),
    "provincia-citta-metropolitana": _l("Provincia / Città metropolitana"),
    "regione": _l("Regione / Provincia autonoma"),
    "ministero-dipartimento": _l("Ministero / Dipartimento"),
    "terzo-settore": _l("Ente del terzo settore"),
    "scuola": _l("Scuola"),
    "altro": _l("Altro"),
}

REGIONS = {
    "01": "Piemonte",
    "02": "Valle d'Aosta/Vallée d'Aoste",
    "03": "Lombardia",
    "04": "Trentino-Alto Adige/Südtirol",
    "05": "Veneto",
    "06": "Friuli-Venezia Giulia",
    "07": "Liguria",
    "08": "Emilia-Romagna",
    "09": "Toscana",
    "10": "Umbria",
    "11": "Marche",
    "12": "Lazio",
    "13": "Abruzzo",
    "14": "Molise",
    "15": "Campania",
    "16": "Puglia",
    "17": "Basilicata",
    "18": "Calabria",
    "19": "Sicilia",
    "20": "Sardegna",
}

ROLE_LABELS = {
    "member": _l("Membro"),
    "moderator": _l("Moderatore"),
    "admin": _l("Amministratore"),
}


def organisation_type_label(slug: str) -> str:
    """The translated label of an organisation type, the slug itself if unknown."""
    return str(ORGANISATION_TYPES.get(slug, slug))


def region_name(code: str | None) -> str:
    """The official region name for an ISTAT code; empty for none."""
    return REGIONS.get(code or "", "")
