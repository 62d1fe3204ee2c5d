"""Fixed lists of the domain: themes, organisation types, ISTAT regions.

Labels are Italian msgids marked for translation; the database stores slugs and codes.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from forum.models.user import Role


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (stored in Italian, shown via _)."""
    return message


THEMES: tuple[tuple[str, str, str], ...] = (
    ("servizi-educativi-0-6", N_("Servizi educativi 0-6 e nidi d'infanzia"),
     N_("Nidi, micronidi, sezioni primavera, servizi integrativi e poli per l'infanzia "
     "del sistema integrato 0-6.")),
    ("conciliazione-vita-lavoro", N_("Conciliazione vita-lavoro"),
     N_("Misure per armonizzare tempi di lavoro e di cura: orari, servizi di prossimità, "
     "welfare aziendale, congedi.")),
    ("sostegno-economico", N_("Sostegno economico e Assegno unico"),
     N_("Assegno unico universale, bonus e contributi alle famiglie, agevolazioni tariffarie "
     "legate all'ISEE.")),
    ("natalita-genitorialita", N_("Natalità e genitorialità"),
     N_("Sostegno alla nascita, percorsi nascita, accompagnamento alla genitorialità e "
     "corresponsabilità dei genitori.")),
    ("affido-adozione", N_("Affido e adozione"),
     N_("Affidamento familiare, adozione nazionale e internazionale, reti di famiglie "
     "affidatarie e accoglienza.")),
    ("centri-famiglia-consultori", N_("Centri per la famiglia e consultori"),
     N_("Centri per le famiglie, consultori familiari, mediazione familiare, spazi neutri e "
     "sportelli informativi.")),
    ("anziani-caregiver", N_("Anziani, non autosufficienza e caregiver familiari"),
     N_("Invecchiamento attivo, servizi per la non autosufficienza, sollievo e sostegno ai "
     "caregiver familiari.")),
    ("disabilita", N_("Disabilità"),
     N_("Inclusione di bambini e adulti con disabilità, progetto di vita, sostegno alle "
     "famiglie, \"Dopo di noi\".")),
    ("poverta-educativa", N_("Povertà educativa e contrasto alla povertà"),
     N_("Contrasto alla povertà economica ed educativa minorile, inclusione sociale, "
     "comunità educanti.")),
    ("violenza-tutela", N_("Violenza domestica e tutela dei minori"),
     N_("Prevenzione e contrasto della violenza domestica, centri antiviolenza, tutela dei "
     "minori e protezione.")),
    ("giovani", N_("Giovani e politiche giovanili"),
     N_("Autonomia dei giovani, orientamento, casa, partecipazione, spazi e servizi per "
     "adolescenti e giovani.")),
    ("family-friendly", N_("Family Audit, certificazioni e tariffe family-friendly"),
     N_("Family Audit, Comuni amici della famiglia, Distretti famiglia, marchi e politiche "
     "tariffarie per le famiglie.")),
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
    Role.MEMBER: _l("Membro"),
    Role.MODERATOR: _l("Moderatore"),
    Role.ADMIN: _l("Amministratore"),
    Role.EDITOR: _l("Redazione"),
}


def organisation_type_label(slug: str) -> str:
    """The translated label of an organisation type, the slug itself if unknown."""
    return str(ORGANISATION_TYPES.get(slug, slug))


def region_name(code: str | None) -> str:
    """The official region name for an ISTAT code; empty for none."""
    return REGIONS.get(code or "", "")
