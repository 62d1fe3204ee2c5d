"""Spot personal data of families and children in a text before it is published.

Pure Python (no Flask, no database): `scan(text)` returns the suspicious passages, each
with its kind and position, for the services to refuse and the pages to highlight.

Every pattern is linear on hostile input: quantifiers are bounded, tokens are anchored
by look-behinds so a match can only start at a token's first character, and the context
rules look at fixed-size windows around a candidate. Checksums (fiscal code, IBAN) and
context words turn shapes into findings; see README "Privacy: controllo dei dati personali"
for the decisions on institutional e-mails, office addresses and normative references.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from forum.privacy.checksums import is_valid_fiscal_code, is_valid_iban
from forum.privacy.names import FIRST_NAMES

MAX_SCAN = 100_000  # longer texts are scanned up to here: bodies are 30,000 at most


class FindingKind(StrEnum):
    """What a suspicious passage looks like (values are stable: tests and the API use them)."""

    FISCAL_CODE = "codice_fiscale"
    PHONE = "telefono"
    EMAIL = "email"
    IBAN = "iban"
    ADDRESS = "indirizzo"
    CHILD_NAME = "nome_minore"
    BIRTH_DATE = "data_nascita"


@dataclass(frozen=True, slots=True)
class Finding:
    """One passage: its kind and `text[start:end]`."""

    kind: FindingKind
    start: int
    end: int
    text: str


def _before(text: str, start: int, width: int) -> str:
    return text[max(0, start - width):start].lower()


# -- codice fiscale -----------------------------------------------------------------------

_D = "[0-9LMNPQRSTUV]"  # a digit or its omocodia letter
_CF_RE = re.compile(
    rf"(?<![A-Za-z0-9])[A-Za-z]{{6}}{_D}{{2}}[A-Za-z]{_D}{{2}}[A-Za-z]{_D}{{3}}[A-Za-z]"
    r"(?![A-Za-z0-9])", re.IGNORECASE)


def _fiscal_codes(text: str) -> Iterator[Finding]:
    for match in _CF_RE.finditer(text):
        if is_valid_fiscal_code(match.group()):
            yield Finding(FindingKind.FISCAL_CODE, match.start(), match.end(), match.group())


# -- IBAN ---------------------------------------------------------------------------------

_IBAN_RE = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}"
    r"(?:[A-Za-z0-9]{11,30}|(?: [A-Za-z0-9]{4}){2,7}(?: [A-Za-z0-9]{1,4})?)(?![A-Za-z0-9])")


def _ibans(text: str) -> Iterator[Finding]:
    for match in _IBAN_RE.finditer(text):
        candidate = match.group()
        # grouped by four, the last groups may be the next words: try the longest valid one
        while candidate and not is_valid_iban(candidate):
            cut = candidate.rfind(" ")
            candidate = candidate[:cut] if cut > 4 else ""
        if candidate:
            end = match.start() + len(candidate)
            yield Finding(FindingKind.IBAN, match.start(), end, candidate)


# -- e-mail -------------------------------------------------------------------------------

_EMAIL_RE = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![\w-])")
# Offices of public bodies (and their certified mail) are public contacts, not families'.
_PUBLIC_LABELS = frozenset({
    "comune", "comuni", "regione", "provincia", "cittametropolitana", "pec", "legalmail",
    "asl", "ausl", "asp", "ats", "asst", "usl", "ulss", "aulss", "gov", "governo",
    "istruzione", "inps", "inail", "giustizia", "interno", "lavoro", "salute",
})
_ROLE_MAILBOXES = re.compile(
    r"^(?:info|segreteria|protocollo|urp|contatti|amministrazione|ufficio\w*|servizi\w*|"
    r"direzione|privacy|dpo|noreply|no-reply|staff|redazione|sportello\w*)$")
_PLACEHOLDER_DOMAINS = frozenset({"esempio", "example", "dominio", "test", "invalid"})


def _is_public_mailbox(address: str) -> bool:
    local, _, domain = address.lower().partition("@")
    labels = set(domain.split("."))
    return bool(labels & _PUBLIC_LABELS or labels & _PLACEHOLDER_DOMAINS
                or _ROLE_MAILBOXES.match(local))


def _emails(text: str) -> Iterator[Finding]:
    if "@" not in text:
        return
    for match in _EMAIL_RE.finditer(text):
        if not _is_public_mailbox(match.group()):
            yield Finding(FindingKind.EMAIL, match.start(), match.end(), match.group())


# -- telefoni -----------------------------------------------------------------------------

_PHONE_RE = re.compile(
    r"(?<![\w+#&])(?<![0-9][ .,/:-])"  # not the tail of an amount, a time, an entity
    r"(?P<prefix>(?:\+|00)39[ .-]?)?"  # area codes never start with 00: that is a prefix
    r"(?P<number>3[0-9]{2}(?:[ .-]?[0-9]){6,7}|0[1-9][0-9]{0,2}(?:[ ./-]?[0-9]){4,8})"
    r"(?![0-9]|[.,/-][0-9])")
_NOT_PHONE_BEFORE = re.compile(
    r"\b(?:prot|protocollo|pratica|fascicolo|determina|delibera|decreto|dgr|dpcm|art|comma|"
    r"cig|cup|cap|codice|ricevuta|iuv|capitolo|fattura|matricola|posizione|importo|euro|"
    r"sportello|centralino|ufficio|uffici|servizio|servizi|urp|segreteria|comune|asl|"
    r"consultorio|centro|sede|verde)\b|€")
_PHONE_BEFORE = re.compile(
    r"\b(?:tel|telefono|cell|cellulare|whatsapp|sms|chiam\w*|richiam\w*|recapito|fisso|"
    r"numero)\b")
_YEAR_AFTER_SLASH = re.compile(r"/(?:19|20)[0-9]{2}$")
_NOT_PHONE_AFTER = re.compile(r"^\s*(?:euro|€|abitanti)")  # a phone is never a percentage
_DATE_SHAPE = re.compile(r"^[0-9]{1,2}([./-])[0-9]{1,2}\1(?:19|20)[0-9]{2}$")


def _phones(text: str) -> Iterator[Finding]:
    for match in _PHONE_RE.finditer(text):
        number = match.group("number")
        if "/" in number and _YEAR_AFTER_SLASH.search(number) or _DATE_SHAPE.match(number):
            continue  # a law or a protocol (328/2000, 0456/2022), or a date (01-01-2017)
        if _NOT_PHONE_AFTER.match(text[match.end():match.end() + 12].lower()):
            continue
        before = _before(text, match.start(), 40)
        negative = [m.end() for m in _NOT_PHONE_BEFORE.finditer(before)]
        positive = [m.end() for m in _PHONE_BEFORE.finditer(before)]
        if not match.group("prefix") and negative and (not positive
                                                       or max(negative) > max(positive)):
            continue  # the nearest cue says protocol, amount or office
        yield Finding(FindingKind.PHONE, match.start(), match.end(), match.group())


# -- indirizzi ----------------------------------------------------------------------------

_STREET = (r"(?i:via|viale|v\.le|piazza|p\.zza|p\.za|piazzale|corso|c\.so|largo|vicolo|vico|"
           r"contrada|c\.da|località|loc\.|strada|borgo|salita|lungomare|lungotevere|"
           r"traversa|circonvallazione|frazione|fraz\.)")
_CAP_WORD = r"[A-ZÀ-Ý][^\W_]{0,30}\.?"
_LINK = r"(?:d'|dei|del|della|delle|degli|dello|di|da|dal|dalla|de|e)"
_ADDRESS_RE = re.compile(
    rf"(?<!\w){_STREET}\s(?:{_LINK}\s)?{_CAP_WORD}"
    rf"(?:['’ ](?:{_CAP_WORD}|{_LINK}|[IVXL]{{1,5}})){{0,5}}"
    r",?\s?(?:n\.?\s?|nr\.?\s?|n°\s?|civico\s)?[0-9]{1,4}(?:\s?/\s?[A-Za-z0-9]{1,2}|[A-Za-z])?"
    r"(?![\w/])")
_OFFICE_BEFORE = re.compile(
    r"\b(?:sede|uffici|ufficio|sportello|servizi|servizio|comune|municipio|consultorio|"
    r"centro|nido|scuola|biblioteca|asl|istituto)\b")


def _addresses(text: str) -> Iterator[Finding]:
    for match in _ADDRESS_RE.finditer(text):
        if _OFFICE_BEFORE.search(_before(text, match.start(), 50)):
            continue  # the address of a public office or service, not of a family
        yield Finding(FindingKind.ADDRESS, match.start(), match.end(), match.group())


# -- nomi vicino a parole sensibili -------------------------------------------------------

_SENSITIVE_RE = re.compile(
    r"(?<!\w)(?:diagnos\w*|disabil\w*|handicap\w*|autis\w*|adhd|dsa|dislessi\w*|discalcul\w*|"
    r"disgrafi\w*|ritardo|epiless\w*|epilettic\w*|sindrome|malatti\w*|patologi\w*|terapi\w*|"
    r"psicolog\w*|psichiatr\w*|neuropsichiatr\w*|npi|uonpia|certificazion\w*|104(?!/)|"
    r"sostegno|pei|educator\w*|educatric\w*|affid\w*|adozion\w*|adottat\w*|allontana\w*|"
    r"tribunale|tm|decreto|minore|minori|minorenn\w*|tutela|tutore|curatore|comunità|"
    r"casa famiglia|violenz\w*|maltrattament\w*|abus\w*|incontri protetti|segnala\w*|"
    r"gravidanz\w*|msna|non accompagnat\w*|detenut\w*|carcere|dipendenz\w*|"
    r"tossicodipend\w*|spettro|disturb\w*)(?!\w)", re.IGNORECASE)
_NAME_RE = re.compile(r"(?<![\w'’])[A-ZÀ-Ý][a-zà-ÿ]{1,20}(?![\w'’])")
_NAME_WINDOW = 70
# A first name after one of these is a colleague, a saint, a school or a greeting.
_NOT_CHILD_BEFORE = re.compile(
    r"(?:\b(?:san|santa|sant|santo|via|viale|piazza|corso|largo|scuola|istituto|comprensivo|"
    r"liceo|nido|asilo|ospedale|policlinico|fondazione|centro|parrocchia|cooperativa|premio|"
    r"progetto|papa|don|suor|dott|dottor|dottoressa|dott\.ssa|dr|prof|prof\.ssa|"
    r"professoressa|avv|ing|collega|colleghe|colleghi|sociale|educatrice|educatore|"
    r"referente|coordinatrice|coordinatore|responsabile|assessore|assessora|sindaco|sindaca|"
    r"dirigente|psicologa|psicologo|neuropsichiatra|ciao|grazie|caro|cara|gentile|"
    r"buongiorno|salve|ringrazio)\.?\s+)$")
_FAMOUS_SURNAMES = frozenset({
    "Montessori", "Malaguzzi", "Rodari", "Munari", "Basaglia", "Milani", "Dolci", "Saraceno",
    "Falcone", "Borsellino", "Polo", "Garibaldi", "Mazzini", "Alighieri", "Verdi", "Puccini",
    "Manzoni", "Leopardi", "Pascoli", "Carducci", "Deledda", "Morante", "Ginzburg", "Calvino",
    "Pasolini", "Colombo", "Galilei", "Buonarroti", "Lodi", "Bassani", "Levi", "Pertini",
})
_NEXT_WORD = re.compile(r"\s+(\w+)")


def _child_names(text: str) -> Iterator[Finding]:
    sensitive = [m.start() for m in _SENSITIVE_RE.finditer(text)]
    if not sensitive:
        return
    for match in _NAME_RE.finditer(text):
        if match.group() not in FIRST_NAMES:
            continue
        start, end = match.span()
        first = bisect_left(sensitive, start - _NAME_WINDOW)
        if first == len(sensitive) or sensitive[first] > end + _NAME_WINDOW:
            continue
        if _NOT_CHILD_BEFORE.search(_before(text, start, 30)):
            continue
        following = _NEXT_WORD.match(text, end, min(len(text), end + 40))
        if following and (following.group(1) in _FAMOUS_SURNAMES or following.group(1) == "da"
                          and match.group() == "Leonardo"):
            continue
        yield Finding(FindingKind.CHILD_NAME, start, end, match.group())


# -- date di nascita ----------------------------------------------------------------------

_MONTH = (r"(?:gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|"
          r"novembre|dicembre)")
_YEAR = r"(?:19|20)[0-9]{2}"
_DATE = (rf"(?:[0-9]{{1,2}}(?:°|º)?\s?[/.-]\s?[0-9]{{1,2}}\s?[/.-]\s?(?:{_YEAR}|[0-9]{{2}})"
         rf"|[0-9]{{1,2}}(?:°|º)?\s{_MONTH}\s{_YEAR})")
_BIRTH_RE = re.compile(
    rf"(?<!\w)(?:nat[oaie]\s(?:il\s|l'\s?)?{_DATE}"
    rf"|nat[oaie]\s(?:nel|a)\s(?:{_MONTH}\s(?:del\s)?)?{_YEAR}"
    rf"|data\s(?:di\s)?nascita\s?:?\s?(?:il\s)?{_DATE}"
    rf"|(?P<cohort>classe\s{_YEAR}))(?!\w)", re.IGNORECASE)
_NOT_PERSON_BEFORE = re.compile(
    r"\b(?:legge|norma|servizio|progetto|centro|rete|associazione|iniziativa|sportello|misura|"
    r"bando|protocollo|cooperativa)\b")
_NOUN_BEFORE = re.compile(r"\b(?:dei|degli|i|ai|agli|tra|fra|per)\s+$")
_CHILD_CONTEXT = re.compile(r"\b(?:minor\w*|bambin\w*|ragazz\w*|figli\w*|alunn\w*|nat[oaie])\b",
                            re.IGNORECASE)


def _birth_dates(text: str) -> Iterator[Finding]:
    for match in _BIRTH_RE.finditer(text):
        start, end = match.span()
        before = _before(text, start, 30)
        if match.group("cohort"):
            window = text[max(0, start - 60):end + 60]
            if not (_CHILD_CONTEXT.search(window) or any(
                    word in FIRST_NAMES for word in _NAME_RE.findall(window))):
                continue
        elif _NOUN_BEFORE.search(before) or _NOT_PERSON_BEFORE.search(before):
            continue  # "i nati nel 2021", "la legge è nata nel 2017"
        yield Finding(FindingKind.BIRTH_DATE, start, end, match.group())


# -- all together -------------------------------------------------------------------------

_DETECTORS = (_ibans, _fiscal_codes, _emails, _phones, _addresses, _birth_dates, _child_names)


def scan(text: str) -> list[Finding]:
    """The suspicious passages of `text`, in reading order, without overlaps (a passage
    found by a stronger rule, e.g. an IBAN, hides the phone number inside it)."""
    text = text[:MAX_SCAN]
    kept: list[Finding] = []  # sorted by start, never overlapping
    starts: list[int] = []
    for detector in _DETECTORS:  # strongest first
        for finding in detector(text):
            at = bisect_left(starts, finding.start)
            if at < len(kept) and kept[at].start < finding.end:
                continue  # overlaps the next kept passage
            if at > 0 and kept[at - 1].end > finding.start:
                continue  # overlaps the previous one
            kept.insert(at, finding)
            starts.insert(at, finding.start)
    return kept
