"""Check characters of Italian fiscal codes and ISO 13616 IBANs (pure functions)."""

from __future__ import annotations

import string

# Agenzia delle Entrate (DM 23/12/1976): the value of each character in an odd (1st, 3rd...)
# and in an even position; digits count as the letter of the same rank (0 = A, 1 = B...).
_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25,
        24, 23]
_OMOCODIA = "LMNPQRSTUV"  # letters that replace digits 0-9 when two codes would collide
CF_DIGIT_POSITIONS = (6, 7, 9, 10, 12, 13, 14)


def _rank(char: str) -> int:
    return ord(char) - (ord("0") if char.isdigit() else ord("A"))


def fiscal_code_check_char(first15: str) -> str:
    """The 16th character of a fiscal code from its first 15 (upper case)."""
    total = 0
    for index, char in enumerate(first15):
        rank = _rank(char)
        total += _ODD[rank] if index % 2 == 0 else rank
    return string.ascii_uppercase[total % 26]


def is_valid_fiscal_code(code: str) -> bool:
    """A 16-character personal fiscal code whose shape, omocodia letters and check
    character are right (the birth date part is not checked against a calendar)."""
    code = code.upper()
    if len(code) != 16 or not code.isascii() or not code.isalnum():
        return False
    for index, char in enumerate(code):
        if index in CF_DIGIT_POSITIONS:
            if not (char.isdigit() or char in _OMOCODIA):
                return False
        elif not char.isalpha():
            return False
    if code[8] not in "ABCDEHLMPRST":
        return False
    return fiscal_code_check_char(code[:15]) == code[15]


def is_valid_iban(raw: str) -> bool:
    """ISO 13616: move the first four characters to the end, letters to 10..35, mod 97 == 1."""
    iban = "".join(raw.split()).upper()
    if not 15 <= len(iban) <= 34 or not iban.isascii() or not iban.isalnum():
        return False
    if not (iban[:2].isalpha() and iban[2:4].isdigit()):
        return False
    if iban.startswith("IT") and len(iban) != 27:
        return False
    digits = "".join(str(int(char, 36)) for char in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def iban_with_check(country: str, bban: str) -> str:
    """A valid IBAN for a country and BBAN (used to write test data, never real accounts)."""
    digits = "".join(str(int(char, 36)) for char in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"
