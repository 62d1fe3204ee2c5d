"""Synonyms and acronyms expand at query time (data: search_index/synonyms.json)."""

from __future__ import annotations

import json

import pytest

from search_index.whoosh.analysis import analyze
from search_index.whoosh.synonyms import SYNONYMS_PATH, Thesaurus, default_thesaurus

from .factories import make_doc


def _ids(results):
    return {h.doc_id for h in results.hits}


def test_acronym_finds_the_spelled_out_form(make_index):
    index = make_index([
        make_doc("question:1", "Domanda", "L'assegno unico universale arriva a marzo."),
        make_doc("question:2", "Altro", "Nessuna relazione."),
    ])
    assert _ids(index.search("AUU")) == {"question:1"}
    assert _ids(index.search("auu")) == {"question:1"}


def test_spelled_out_form_finds_the_acronym(make_index):
    index = make_index([make_doc("question:1", "AUU e detrazioni")])
    assert _ids(index.search("assegno unico universale")) == {"question:1"}
    assert _ids(index.search("assegno unico")) == {"question:1"}


def test_asilo_nido_finds_nido_d_infanzia(make_index):
    index = make_index([
        make_doc("question:1", "Nidi d'infanzia comunali", "Posti nei nidi d'infanzia."),
        make_doc("question:2", "Asilo di animali", "Un canile."),
    ])
    assert _ids(index.search("asilo nido")) == {"question:1"}
    assert _ids(index.search("asili nido")) == {"question:1"}


def test_ats_expands_to_both_meanings(make_index):
    index = make_index([
        make_doc("question:1", "Ambito territoriale sociale", "Il piano di zona."),
        make_doc("question:2", "Consultori", "L'Agenzia di tutela della salute finanzia."),
        make_doc("question:3", "Ambito", "Un ambito qualsiasi della salute."),
    ])
    assert _ids(index.search("ATS")) == {"question:1", "question:2"}


def test_multiword_synonyms_expand_as_phrases(make_index):
    index = make_index([
        make_doc("question:1", "Sollievo", "Ore di sollievo per i prestatori di assistenza."),
        make_doc("question:2", "Lavoro", "Il prestatore di lavoro chiede assistenza legale."),
    ])
    assert _ids(index.search("caregiver")) == {"question:1"}


def test_other_acronyms_of_the_domain(make_index):
    index = make_index([
        make_doc("question:1", "A", "Il centro antiviolenza della provincia."),
        make_doc("question:2", "B", "Il punto unico di accesso del distretto."),
        make_doc("question:3", "C", "Il centro per le famiglie apre il sabato."),
        make_doc("question:4", "D", "Fondi del piano nazionale di ripresa e resilienza."),
        make_doc("question:5", "E", "Livelli essenziali delle prestazioni sociali."),
        make_doc("question:6", "F", "L'affidamento familiare di un neonato."),
    ])
    assert _ids(index.search("CAV")) == {"question:1"}
    assert _ids(index.search("pua")) == {"question:2"}
    assert _ids(index.search("CpF")) == {"question:3"}
    assert _ids(index.search("PNRR")) == {"question:4"}
    assert _ids(index.search("LEPS")) == {"question:5"}
    assert _ids(index.search("affido")) == {"question:6"}


def test_synonym_file_covers_the_domain_reference():
    data = json.loads(SYNONYMS_PATH.read_text(encoding="utf-8"))
    terms = {t for group in data["groups"] for t in group["terms"]}
    for acronym in ("AUU", "ISEE", "DSU", "PUA", "UVM", "PAI", "ATS", "ETS", "CTS", "LEPS",
                    "FNPS", "CpF", "CAV", "PNRR"):
        assert acronym in terms
    assert len(data["groups"]) == 21
    ats_groups = [g for g in data["groups"] if "ATS" in g["terms"]]
    assert len(ats_groups) == 2


@pytest.mark.parametrize("text", ["ATS", "ats", "Ats"])
def test_thesaurus_lookup_is_case_insensitive(text):
    alternatives = default_thesaurus().alternatives(tuple(analyze(text)))
    assert tuple(analyze("agenzia di tutela della salute")) in alternatives
    assert tuple(analyze("ambito territoriale sociale")) in alternatives


def test_thesaurus_prefers_the_longest_match():
    thesaurus = Thesaurus([["bonus nido", "contributo asilo nido"], ["nido", "asilo nido"]])
    matches = thesaurus.find(analyze("bonus nido comunale"))
    assert len(matches) == 1 and (matches[0].start, matches[0].end) == (0, 2)


def test_word_forms_the_stemmer_splits_match_each_other(make_index):
    index = make_index([
        make_doc("question:1", "Caregiver familiare", "Ore di sollievo per chi assiste."),
        make_doc("question:2", "Caregiver familiari", "Uno sportello in ospedale."),
        make_doc("question:3", "Genitorialità", "Gruppi per neogenitori."),
        make_doc("question:4", "Caregiver aziendale", "Un altro caregiver, non familiare."),
    ])
    # the synonym phrase matches either spelling of its words ...
    assert {"question:1", "question:2"} <= _ids(index.search("caregiver familiari"))
    assert {"question:1", "question:2"} <= _ids(index.search("caregiver familiare"))
    # ... and so does a plain word of a set of forms
    assert _ids(index.search("genitori")) == {"question:3"}


def test_another_word_form_counts_less_than_the_typed_one(make_index):
    index = make_index([
        make_doc("question:1", "Incontri", "Sostegno alla genitorialità."),
        make_doc("question:2", "Incontri", "Sostegno ai genitori."),
    ])
    hits = index.search("genitori").hits
    assert [h.doc_id for h in hits] == ["question:2", "question:1"]
    assert hits[1].score < hits[0].score


def test_forms_of_and_respellings():
    thesaurus = Thesaurus([["caregiver familiare", "caregiver"]],
                          [["familiare", "familiari"]])
    famil, familiar = analyze("familiare")[0], analyze("familiari")[0]
    assert set(thesaurus.forms_of(famil)) == {famil, familiar}
    assert thesaurus.forms_of("nid") == ("nid",)
    caregiver = analyze("caregiver")[0]
    assert thesaurus.respells((caregiver, famil), (caregiver, familiar))
    assert not thesaurus.respells((caregiver, famil), (caregiver,))
    typed = tuple(analyze("caregiver familiari"))
    assert tuple(analyze("caregiver familiare")) in thesaurus.alternatives(typed)


def test_every_form_set_of_the_file_is_at_least_two_stems():
    data = json.loads(SYNONYMS_PATH.read_text(encoding="utf-8"))
    for entry in data["forms"]:
        stems = {s for word in entry["words"] for s in analyze(word)}
        assert len(stems) >= 2, entry  # a set the stemmer already merges is useless
