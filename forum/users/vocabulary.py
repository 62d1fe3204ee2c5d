"""Fixed lists of the profile: ISTAT provinces by region, languages, reputation bands."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# ISTAT province codes (three digits) with their name and region code. Sardinia as in the
# 2016-2025 order (Sud Sardegna); the autonomous provinces of Trento and Bolzano are here too.
PROVINCES: dict[str, tuple[str, str]] = {
    "001": ("Torino", "01"), "002": ("Vercelli", "01"), "003": ("Novara", "01"),
    "004": ("Cuneo", "01"), "005": ("Asti", "01"), "006": ("Alessandria", "01"),
    "096": ("Biella", "01"), "103": ("Verbano-Cusio-Ossola", "01"),
    "007": ("Aosta", "02"),
    "012": ("Varese", "03"), "013": ("Como", "03"), "014": ("Sondrio", "03"),
    "015": ("Milano", "03"), "016": ("Bergamo", "03"), "017": ("Brescia", "03"),
    "018": ("Pavia", "03"), "019": ("Cremona", "03"), "020": ("Mantova", "03"),
    "097": ("Lecco", "03"), "098": ("Lodi", "03"), "108": ("Monza e della Brianza", "03"),
    "021": ("Bolzano/Bozen", "04"), "022": ("Trento", "04"),
    "023": ("Verona", "05"), "024": ("Vicenza", "05"), "025": ("Belluno", "05"),
    "026": ("Treviso", "05"), "027": ("Venezia", "05"), "028": ("Padova", "05"),
    "029": ("Rovigo", "05"),
    "030": ("Udine", "06"), "031": ("Gorizia", "06"), "032": ("Trieste", "06"),
    "093": ("Pordenone", "06"),
    "008": ("Imperia", "07"), "009": ("Savona", "07"), "010": ("Genova", "07"),
    "011": ("La Spezia", "07"),
    "033": ("Piacenza", "08"), "034": ("Parma", "08"), "035": ("Reggio nell'Emilia", "08"),
    "036": ("Modena", "08"), "037": ("Bologna", "08"), "038": ("Ferrara", "08"),
    "039": ("Ravenna", "08"), "040": ("Forlì-Cesena", "08"), "099": ("Rimini", "08"),
    "045": ("Massa-Carrara", "09"), "046": ("Lucca", "09"), "047": ("Pistoia", "09"),
    "048": ("Firenze", "09"), "049": ("Livorno", "09"), "050": ("Pisa", "09"),
    "051": ("Arezzo", "09"), "052": ("Siena", "09"), "053": ("Grosseto", "09"),
    "100": ("Prato", "09"),
    "054": ("Perugia", "10"), "055": ("Terni", "10"),
    "041": ("Pesaro e Urbino", "11"), "042": ("Ancona", "11"), "043": ("Macerata", "11"),
    "044": ("Ascoli Piceno", "11"), "109": ("Fermo", "11"),
    "056": ("Viterbo", "12"), "057": ("Rieti", "12"), "058": ("Roma", "12"),
    "059": ("Latina", "12"), "060": ("Frosinone", "12"),
    "066": ("L'Aquila", "13"), "067": ("Teramo", "13"), "068": ("Pescara", "13"),
    "069": ("Chieti", "13"),
    "070": ("Campobasso", "14"), "094": ("Isernia", "14"),
    "061": ("Caserta", "15"), "062": ("Benevento", "15"), "063": ("Napoli", "15"),
    "064": ("Avellino", "15"), "065": ("Salerno", "15"),
    "071": ("Foggia", "16"), "072": ("Bari", "16"), "073": ("Taranto", "16"),
    "074": ("Brindisi", "16"), "075": ("Lecce", "16"), "110": ("Barletta-Andria-Trani", "16"),
    "076": ("Potenza", "17"), "077": ("Matera", "17"),
    "078": ("Cosenza", "18"), "079": ("Catanzaro", "18"), "080": ("Reggio Calabria", "18"),
    "101": ("Crotone", "18"), "102": ("Vibo Valentia", "18"),
    "081": ("Trapani", "19"), "082": ("Palermo", "19"), "083": ("Messina", "19"),
    "084": ("Agrigento", "19"), "085": ("Caltanissetta", "19"), "086": ("Enna", "19"),
    "087": ("Catania", "19"), "088": ("Ragusa", "19"), "089": ("Siracusa", "19"),
    "090": ("Sassari", "20"), "091": ("Nuoro", "20"), "092": ("Cagliari", "20"),
    "095": ("Oristano", "20"), "111": ("Sud Sardegna", "20"),
}

LANGUAGES = {
    "it": _l("Italiano"),
    "en": _l("Inglese"),
    "fr": _l("Francese"),
    "de": _l("Tedesco"),
    "es": _l("Spagnolo"),
    "sl": _l("Sloveno"),
    "ar": _l("Arabo"),
    "ro": _l("Rumeno"),
    "sq": _l("Albanese"),
    "zh": _l("Cinese"),
    "uk": _l("Ucraino"),
    "lis": _l("Lingua dei segni italiana (LIS)"),
}

# Directory facet: reputation bands as (slug, lowest, highest or None, label).
REPUTATION_BANDS: tuple[tuple[str, int, int | None, object], ...] = (
    ("nuovi", 0, 49, _l("Meno di 50")),
    ("attivi", 50, 499, _l("Da 50 a 499")),
    ("esperti", 500, 1999, _l("Da 500 a 1.999")),
    ("guide", 2000, None, _l("2.000 e oltre")),
)


def province_name(code: str | None) -> str:
    """The province's name for an ISTAT code; empty for none."""
    entry = PROVINCES.get(code or "")
    return entry[0] if entry else ""


def provinces_of(region_code: str) -> list[tuple[str, str]]:
    """(code, name) of a region's provinces, by name."""
    return sorted(((c, n) for c, (n, r) in PROVINCES.items() if r == region_code),
                  key=lambda item: item[1])
