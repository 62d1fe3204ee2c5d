"""Search benchmark: the Whoosh library (``search_index``) against SQLite FTS5, and the cost
of keeping the index in sync when an answer is posted.

Run: .venv/bin/python bench/search.py [--sizes 10000,100000 --queries 200] [--quick]

For each size, on a synthetic Italian corpus (seeded, ~15% practices): the rebuild as a user
of ``flask search reindex`` sees it (a SQLite database filled with the documents, the actual
command spawned in its own process, timed whole: start-up, reading the database, indexing,
commit and merge; peak memory of its process tree), then, on the index it built:
single-update latency, query latency with snippets, related-practices latency, and the same
queries on an FTS5 table (``unicode61 remove_diacritics 2``, ``bm25()``, ``snippet()``,
LIMIT 10) as the reference. Then, in the app, answers posted through the test client with
indexing in a worker thread (index pre-filled) against indexing off, in alternating blocks,
back to back and then paced (one POST per 100 ms, worker idle at each).
``--library-rebuild`` also times ``WhooshBackend.rebuild`` on the documents already in
memory, the figure earlier notes reported (no database, no start-up). Why the two differed
(2,700 docs/s then, 363 at 300,000 from outside): the notes timed that in-process call on an
idle machine, at sizes where Whoosh's merge policy merged nothing; at 300,000 documents its
Fibonacci rule merged all 23 segments of the rebuild in the last commit (24 s -> 517 s,
gigabytes), which the rebuild now never does (see ``indexer.merge_small_only``). Wall-clock
figures on 2 shared cores also swing with other work: the CPU-time rows hold still.
With ``--pg-url`` (or ``FORUM_BENCH_PG_URL``), a throwaway PostgreSQL database whose tables
it drops, each size also measures the PostgreSQL backend (``search_index.postgres``) the
same way: the database filled with the same documents as the app stores them,
``flask search reindex`` spawned on it and timed whole, then the same queries (with
snippets) and related lists, printed beside the Whoosh and FTS5 figures of the run; its
targets (query p95 <= 150 ms, related p95 <= 100 ms) are set at 1,000,000 documents. The
index size is the tables' with their indexes; the RSS row is the server process that
answered the queries (the command's own tree is in the PSS row). Without a URL the run
says it skipped PostgreSQL. ``--pg-reuse`` keeps a database an earlier run filled and
indexed with the same documents (checked): the table then says "reused" in place of the
rebuild figures, which that earlier run printed.
Prints a table per size and for the app, and a last line ``RESULT <json>``; exits 0
whatever the verdict.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import random
import re
import shutil
import sqlite3
import string
import sys
import tempfile
import time
import traceback
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from statistics import mean, median
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask, has_app_context  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from forum import create_app  # noqa: E402
from forum.auth.services import register_user  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import SearchOutbox  # noqa: E402
from forum.practices.vocabulary import EVIDENCE_LEVELS, LEVELS  # noqa: E402
from forum.questions.services import ask_question  # noqa: E402
from forum.search.service import get_index  # noqa: E402
from forum.seed.themes import ensure_themes  # noqa: E402
from forum.taxonomy import REGIONS, THEMES  # noqa: E402
from search_index import SearchDocument, WhooshBackend  # noqa: E402

# -- targets -------------------------------------------------------------------------------

BUILD_DOCS_PER_S = 1_500  # `flask search reindex`, the whole command
BUILD_PEAK_MB = 1_000  # its process tree (PSS)
FTS_RATIO_MAX = 1.5
RELATED_P95_MS = 20.0
WHOOSH_TARGETS_UP_TO = 300_000  # the Whoosh targets above are set at 300,000 documents
APP_RATIO_MAX = 1.2
PG_QUERY_P95_MS = 150.0  # the PostgreSQL backend's targets, set at 1,000,000 documents
PG_RELATED_P95_MS = 100.0
PACE_S = 0.1  # paced posts: one request per PACE_S, after the index caught up
BUSY_LOAD = 1.0  # a load average above this before the run means another job is running

# -- vocabulary ----------------------------------------------------------------------------

THEME_WORDS: dict[str, tuple[str, ...]] = {
    "servizi-educativi-0-6": (
        "asilo nido", "asili nido", "nido d'infanzia", "nidi", "nido", "micronido",
        "sezione primavera", "scuola dell'infanzia", "servizi 0-6", "spazio gioco",
        "educatrici del nido", "bonus nido", "liste d'attesa del nido", "tariffe del nido"),
    "conciliazione-vita-lavoro": (
        "centri estivi", "pre-scuola", "post-scuola", "smart working", "congedi parentali",
        "orari flessibili", "conciliazione vita-lavoro", "servizi di babysitting",
        "welfare aziendale"),
    "sostegno-economico": (
        "assegno unico", "assegno unico universale", "contributo affitto", "bonus bebè",
        "Carta dedicata a te", "contributi economici", "esenzione dalla mensa",
        "agevolazioni tariffarie", "ISEE corrente"),
    "natalita-genitorialita": (
        "natalità", "neogenitori", "percorso nascita", "sostegno alla genitorialità",
        "primi mille giorni", "home visiting", "corsi preparto", "baby pit stop"),
    "affido-adozione": (
        "affido familiare", "affido", "famiglie affidatarie", "affidamento diurno",
        "adozione", "adozioni internazionali", "tutela minori", "comunità per minori"),
    "centri-famiglia-consultori": (
        "centro per le famiglie", "centri per le famiglie", "consultorio familiare",
        "consultori", "mediazione familiare", "sportello genitori", "gruppi di parola",
        "consulenza psicologica"),
    "anziani-caregiver": (
        "anziani", "anziani non autosufficienti", "caregiver familiare", "caregiver",
        "assistenza domiciliare", "centro diurno", "RSA", "assistenti familiari",
        "sollievo per i caregiver", "non autosufficienza"),
    "disabilita": (
        "disabilità", "persone con disabilità", "progetto di vita", "dopo di noi",
        "legge 104", "assistenza educativa scolastica", "vita indipendente",
        "inclusione scolastica"),
    "poverta-educativa": (
        "povertà educativa", "dispersione scolastica", "doposcuola",
        "patti educativi di comunità", "biblioteche per ragazzi",
        "contrasto alla povertà educativa", "laboratori pomeridiani"),
    "violenza-tutela": (
        "violenza domestica", "centro antiviolenza", "case rifugio", "codice rosso",
        "violenza assistita", "rete antiviolenza", "tutela delle vittime"),
    "giovani": (
        "giovani", "NEET", "servizio civile", "informagiovani",
        "centri di aggregazione giovanile", "orientamento al lavoro", "consulta dei giovani"),
    "family-friendly": (
        "comune amico della famiglia", "family audit", "carta famiglia", "marchio family",
        "politiche family friendly", "tariffe agevolate per famiglie numerose"),
}
THEME_WEIGHTS = (8, 3, 5, 3, 3, 4, 5, 4, 3, 2, 2, 1)  # in the order of forum.taxonomy.THEMES
TOPICS = (
    "tariffe", "tariffa", "rette", "graduatoria", "graduatorie", "requisiti di accesso",
    "iscrizioni", "liste d'attesa", "rendicontazione", "bando", "bandi", "avviso pubblico",
    "coprogettazione", "accreditamento", "monitoraggio", "agevolazioni", "esenzioni",
    "compartecipazione alla spesa", "criteri di priorità", "modulistica")
GROUPS = (
    "famiglie", "famiglie con figli piccoli", "genitori soli", "neogenitori", "bambini",
    "bambine e bambini", "minori", "adolescenti", "anziani soli", "caregiver familiari",
    "persone con disabilità", "famiglie numerose", "nuclei monogenitoriali",
    "famiglie affidatarie", "famiglie straniere", "giovani coppie")
FUNDS = (
    "PNRR", "fondi PNRR", "Fondo povertà", "FNPS", "Fondo nazionale per le politiche sociali",
    "Fondo per la non autosufficienza", "fondi regionali", "FSE+", "Fondo sociale europeo",
    "bilancio comunale", "fondazioni bancarie", "assegno unico")
DOCUMENTS = (
    "l'ISEE", "l'ISEE minorenni", "la DSU", "l'attestazione ISEE",
    "la certificazione della legge 104", "la delibera di giunta", "il regolamento comunale",
    "la determina dirigenziale", "il piano di zona", "la convenzione con l'ASL")
ORGS = (
    "il Comune", "l'ambito sociale", "l'ambito territoriale", "il distretto sociosanitario",
    "l'ufficio di piano", "l'Unione dei comuni", "il consorzio dei servizi sociali", "l'ATS",
    "l'ASL", "il servizio sociale professionale", "il centro per l'impiego")
PLACES = (
    "Forlì", "Cantù", "Paternò", "Cefalù", "Nardò", "Mondovì", "Santhià", "Canicattì",
    "Sant'Antioco", "L'Aquila", "Reggio nell'Emilia", "San Donà di Piave", "Gualdo Tadino",
    "Bolzano", "Bari", "Torino", "Milano", "Napoli", "Ragusa", "Trento", "Perugia", "Cagliari",
    "Pesaro", "Città di Castello", "Lecce", "Udine", "Aosta", "Potenza", "Campobasso",
    "Ancona")
TAGS = (
    "nido", "tariffe", "isee", "pnrr", "graduatoria", "bandi", "caregiver", "affido",
    "consultori", "anziani", "disabilità", "povertà-educativa", "assegno-unico",
    "centri-estivi", "rendicontazione", "coprogettazione", "terzo-settore", "regolamento",
    "monitoraggio", "personale")

SENTENCES = (
    "Nel nostro territorio {o} di {p} ha avviato {k} per {g}.",
    "Qualcuno ha esperienza con le {t} per {k}?",
    "Nel {y} la Regione ha stanziato {n} mila euro di {f} per {k}.",
    "Stiamo rivedendo il regolamento su {k}: le regole attuali penalizzano {g}.",
    "Il servizio è gestito da una cooperativa sociale in convenzione con {o} di {p}.",
    "Abbiamo coinvolto {g} nella progettazione di {k}, con risultati già visibili.",
    "Per accedere servono {d} in corso di validità e la residenza a {p}.",
    "La graduatoria per {k} viene pubblicata entro {n} giorni dalla chiusura delle iscrizioni.",
    "Con i {f} è stato possibile ampliare {k} e ridurre le liste d'attesa.",
    "Non è chiaro se {k} rientri tra le spese ammissibili di {f}.",
    "Il progetto «{X}» ha raggiunto {n} famiglie in {n2} mesi.",
    "Perché {g} di {p} fanno così fatica ad accedere a {k}?",
    "Il tavolo di coprogettazione con il terzo settore su {k} si riunisce ogni {n2} settimane.",
    "Abbiamo registrato un aumento del {pc} per cento delle richieste di {k}.",
    "Le attività si svolgono a {p}, in orari compatibili con il lavoro dei genitori.",
    "{O} ha approvato una delibera sulle {t} di {k} per il {y}.",
    "Serve più personale qualificato per {k}: educatori, assistenti sociali e psicologi.",
    "In molti piccoli comuni {k} non esiste ancora e {g} devono spostarsi fino a {p}.",
    "Grazie alla piattaforma {X} abbiamo semplificato la {x} delle domande.",
    "È possibile cumulare {f} con altri contributi per {k}?",
    "Il monitoraggio riguarda {k} e {e}, con indicatori di qualità e di accessibilità.",
    "Ci siamo ispirati all'esperienza di {p}, dove {k} funziona già da anni.",
    "La compartecipazione alla spesa dipende dall'ISEE: sotto i {n} euro è gratuito.",
    "Chi si occupa della {x} nel vostro ente?",
    "Le {t} sono state discusse con le associazioni delle famiglie e con i sindacati.",
    "Per {g} con {d} sono previste priorità nella graduatoria.",
    "La nostra esperienza con {k} e {e} è positiva, ma la {x} resta un problema.",
    "Il bando scade il {n2} del mese: servono {d} e una relazione sulla {x}.",
    "Abbiamo chiesto un parere all'ANCI sulle {t} per {k}.",
    "Dal {y} il servizio è gestito in forma associata da {o} con {f}.",
)
PRACTICE_SENTENCES = (
    "L'obiettivo del progetto è rendere {k} accessibile a {g} di {p}.",
    "Il progetto «{X}» è nato nel {y} su iniziativa di {o}, in rete con il terzo settore.",
    "Nel primo anno sono state accolte {n} famiglie e i tempi di attesa sono scesi del {pc}%.",
    "Il costo complessivo è stato di {n} mila euro, coperto da {f}.",
    "La valutazione, curata dall'università, mostra effetti positivi su {k} e su {e}.",
    "Il modello è trasferibile ad altri ambiti: servono un coordinatore e una sede accessibile.",
    "Le principali difficoltà hanno riguardato la {x} e il reclutamento del personale.",
    "Il servizio è attivo in {n2} comuni della provincia, compresa {p}.",
)
QUESTION_TITLES = (
    "Come gestire le {t} per {k}?", "{K}: {t} e {t2} nel {y}",
    "Chi ha esperienza con {k} per {g}?", "Dubbi su {t} e {f}",
    "Modello di regolamento per {k}", "Scadenze {f} per {k}", "{K} a {p}: come organizzarsi?",
    "Quali requisiti per {k} con {d}?", "{K} e {e}: servono le stesse {t}?",
    "Rendicontazione {f}: {k} è ammissibile?",
)
PRACTICE_TITLES = (
    "{K} per {g} a {p}", "Progetto «{X}»: {k} a {p}", "{K} e {e} in rete: l'esperienza di {p}",
)

SYLLABLES = ("ba ce di fo gu la me ni po ra se ti vo za chi gne sco tra pri ste lu mo ca re "
             "ve gio").split()
ENDINGS = ("zione", "mente", "ità", "ale", "ato", "ivo", "ino", "etta", "ismo", "ore")
RARE_WORDS = 20_000  # long-tail vocabulary, drawn with Zipf weights

# -- queries -------------------------------------------------------------------------------

BASE_QUERIES = (
    "nido", "asili nido", "tariffe nido", "graduatoria asilo", "ISEE", "PNRR", "AUU",
    "assegno unico", "poverta educativa", '"povertà educativa"', '"centro per le famiglie"',
    "consultorio", "affido familiare", "famiglie affidatarie", "caregiver anziani",
    "disabilita progetto di vita", "non autosufficienza", "centri estivi",
    "rendicontazione PNRR", "liste d'attesa nido", "bonus nido", "mediazione familiare",
    "violenza domestica", "coprogettazione terzo settore", "Forli", "citta di castello",
    "natalita", "sezione primavera", '"dopo di noi"', "DSU", "famiglie numerose tariffe",
    "attivita doposcuola",
)
QUERY_WORDS = (
    "nido", "nidi", "asilo", "tariffe", "tariffa", "rette", "graduatoria", "famiglie",
    "famiglia", "anziani", "caregiver", "consultorio", "consultori", "affido", "disabilità",
    "povertà", "educativa", "contributi", "bando", "comune", "regione", "genitori", "minori",
    "giovani", "natalità", "accreditamento", "monitoraggio", "iscrizioni", "requisiti",
    "esenzioni", "mensa", "domiciliare", "assistenza", "adozione", "città", "attività",
    "Forlì", "Cantù", "regolamento", "delibera", "convenzione", "cooperativa", "personale",
    "educatori", "priorità", "rendicontazione", "coprogettazione", "antiviolenza",
)
QUERY_PHRASES = (
    "asilo nido", "centro per le famiglie", "povertà educativa", "assegno unico",
    "progetto di vita", "affido familiare", "liste d'attesa", "terzo settore", "centri estivi",
    "assistenza domiciliare", "famiglie numerose", "caregiver familiare",
)
ACRONYMS = ("ISEE", "PNRR", "AUU", "DSU", "RSA", "NEET", "ASL", "FNPS")
FTS_TOKENIZER = "unicode61 remove_diacritics 2"
FTS_SQL = ("SELECT rowid, title, snippet(docs, 1, '<mark>', '</mark>', '…', 32) FROM docs "
           "WHERE docs MATCH ? ORDER BY bm25(docs, 2.0, 1.0) LIMIT 10")

_FIELDS = string.Formatter()


def strip_accents(text: str) -> str:
    """``text`` without diacritics ("povertà" -> "poverta")."""
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(c))


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..1)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


class Corpus:
    """Deterministic generator of question and practice documents in the library's shape."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        words_rng = random.Random(seed + 1)
        rare: dict[str, None] = {}
        while len(rare) < RARE_WORDS:
            n = words_rng.choice((2, 2, 3))
            rare["".join(words_rng.choice(SYLLABLES) for _ in range(n))
                 + words_rng.choice(ENDINGS)] = None
        self.rare = list(rare)
        self.rare_cum: list[float] = []
        total = 0.0
        for rank in range(1, RARE_WORDS + 1):
            total += 1.0 / rank ** 1.05
            self.rare_cum.append(total)
        self.themes = [slug for slug, _n, _d in THEMES]
        self.regions = list(REGIONS)
        self.levels, self.evidence = list(LEVELS), list(EVIDENCE_LEVELS)
        self.start = datetime(2019, 1, 1)
        self.fields = {t: [f for _l, f, _s, _c in _FIELDS.parse(t) if f]
                       for t in (*SENTENCES, *PRACTICE_SENTENCES, *QUESTION_TITLES,
                                 *PRACTICE_TITLES)}
        self.next_id = {"question": 0, "practice": 0}

    def _rare(self) -> str:
        """A long-tail word, Zipf-distributed."""
        return self.rng.choices(self.rare, cum_weights=self.rare_cum)[0]

    def _slot(self, name: str, theme: str) -> str:
        """A random value for one template slot."""
        rng = self.rng
        if name in ("k", "K"):
            value = rng.choice(THEME_WORDS[theme])
            return value[0].upper() + value[1:] if name == "K" else value
        if name == "e":
            return rng.choice(THEME_WORDS[rng.choice(self.themes)])
        if name in ("t", "t2"):
            return rng.choice(TOPICS)
        if name == "g":
            return rng.choice(GROUPS)
        if name == "f":
            return rng.choice(FUNDS)
        if name == "d":
            return rng.choice(DOCUMENTS)
        if name in ("o", "O"):
            value = rng.choice(ORGS)
            return value[0].upper() + value[1:] if name == "O" else value
        if name == "p":
            return rng.choice(PLACES) if rng.random() < 0.8 else "San " + self._rare().title()
        if name == "x":
            return self._rare()
        if name == "X":
            return self._rare().title()
        if name in ("n", "n2"):
            return str(rng.randint(2, 400))
        if name == "y":
            return str(rng.randint(2019, 2026))
        if name == "pc":
            return str(rng.randint(5, 60))
        raise KeyError(name)

    def fill(self, template: str, theme: str) -> str:
        """``template`` with its slots filled for ``theme``."""
        return template.format_map({f: self._slot(f, theme) for f in self.fields[template]})

    def sentences(self, count: int, theme: str, practice: bool = False) -> list[str]:
        """``count`` sentences; a practice gets at least two practice-style ones."""
        out = []
        for i in range(count):
            pool = PRACTICE_SENTENCES if practice and (i < 2 or self.rng.random() < 0.3) \
                else SENTENCES
            out.append(self.fill(self.rng.choice(pool), theme))
        if practice:
            self.rng.shuffle(out)
        return out

    def doc(self) -> SearchDocument:
        """The next document (about 15% practices)."""
        rng = self.rng
        kind = "practice" if rng.random() < 0.15 else "question"
        self.next_id[kind] += 1
        num = self.next_id[kind]
        theme = rng.choices(self.themes, weights=THEME_WEIGHTS)[0]
        created = self.start + timedelta(minutes=rng.randint(0, 7 * 365 * 24 * 60))
        updated = created + timedelta(hours=rng.randint(0, 2000))
        tags = tuple(rng.sample(TAGS, rng.randint(1, 3)))
        common: dict[str, Any] = {"tags": tags, "theme": theme, "created": created,
                                  "updated": updated, "stamp": f"s0-{kind}:{num}"}
        if kind == "question":
            parts = self.sentences(rng.randint(3, 6), theme)
            solved = rng.random() < 0.4
            return SearchDocument(
                kind, num, title=self.fill(rng.choice(QUESTION_TITLES), theme),
                body=" ".join(parts),
                accepted=" ".join(parts[-rng.randint(1, 2):]) if solved else "",
                themes=(theme,), region=rng.choice(self.regions), solved=solved,
                votes=int(rng.paretovariate(1.5)) - 1 - (rng.random() < 0.05),
                visible=True, **common)
        extra = rng.sample(self.themes, rng.randint(0, 2))
        return SearchDocument(
            kind, num, title=self.fill(rng.choice(PRACTICE_TITLES), theme),
            body="\n\n".join(self.sentences(rng.randint(4, 7), theme, practice=True)),
            accepted="", themes=(theme, *(t for t in extra if t != theme)),
            region="" if rng.random() < 0.1 else rng.choice(self.regions), solved=False,
            votes=0, visible=rng.random() < 0.9, level=rng.choice(self.levels),
            evidence=rng.choice(self.evidence), **common)

    def docs(self, count: int) -> list[SearchDocument]:
        """The next ``count`` documents."""
        return [self.doc() for _ in range(count)]


def make_queries(count: int, seed: int, base: Sequence[str] = BASE_QUERIES) -> list[str]:
    """``base`` then generated 1-3 word queries (accents sometimes missing, some quoted
    phrases and acronyms), ``count`` in all, without repeats."""
    rng = random.Random(seed)
    out = list(dict.fromkeys(base))[:count]
    seen = set(out)
    while len(out) < count:
        r = rng.random()
        if r < 0.12:
            words = [f'"{rng.choice(QUERY_PHRASES)}"'] + rng.sample(QUERY_WORDS, rng.randint(0, 1))
        elif r < 0.22:
            words = [rng.choice(ACRONYMS)] + rng.sample(QUERY_WORDS, rng.randint(0, 1))
        else:
            words = rng.sample(QUERY_WORDS, rng.choices((1, 2, 3), weights=(4, 4, 2))[0])
        q = " ".join(words)
        if rng.random() < 0.3:
            q = strip_accents(q)
        if q not in seen:
            seen.add(q)
            out.append(q)
    return out


def fts5_match(q: str) -> str:
    """The FTS5 MATCH expression for a query: quoted phrases kept, every other word a
    quoted string, all required (implicit AND)."""
    terms = []
    for i, part in enumerate(q.split('"')):
        if i % 2 and part.strip():
            terms.append(f'"{part.strip()}"')
        elif not i % 2:
            terms += [f'"{w}"' for w in part.split() if re.search(r"\w", w)]
    return " ".join(terms)


def build_fts(path: Path, docs: Sequence[SearchDocument]) -> sqlite3.Connection:
    """An FTS5 table of title + body for ``docs`` (rowid = position + 1), optimised."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute(f"CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize = '{FTS_TOKENIZER}')")
    with conn:
        conn.executemany("INSERT INTO docs (rowid, title, body) VALUES (?, ?, ?)",
                         ((i, d.title, d.body) for i, d in enumerate(docs, 1)))
    with conn:
        conn.execute("INSERT INTO docs (docs) VALUES ('optimize')")
    return conn


def timed(call: Callable[[Any], Any], items: Sequence[Any]
          ) -> tuple[list[float], list[float], list[Any]]:
    """Wall-clock and thread CPU milliseconds per call, and the results, one call per item.

    CPU time hardly moves when other processes compete for the cores; wall time does.
    """
    times, cpu, results = [], [], []
    for item in items:
        start, cpu_start = time.perf_counter(), time.thread_time()
        results.append(call(item))
        cpu.append((time.thread_time() - cpu_start) * 1000)
        times.append((time.perf_counter() - start) * 1000)
    return times, cpu, results


def folder_mb(path: Path) -> float:
    """Size of the files under ``path`` in MB."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def _progress(label: str, total: int, start: float) -> Callable[[int], None]:
    """A rebuild progress callback printing about every tenth of ``total``."""
    step = max(1_000, total // 10)
    marks = {"next": step}

    def report(count: int) -> None:
        if count >= marks["next"] or count >= total:
            marks["next"] = count + step
            tail = ", committing and merging" if count >= total else ""
            print(f"  {label}: {count}/{total} docs added ({time.perf_counter() - start:.0f} s"
                  f"{tail})", flush=True)

    return report


# -- library level -------------------------------------------------------------------------

def bench_size(size: int, docs: list[SearchDocument], queries: list[str], warm: list[str],
               args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """Every library-level measurement on the first ``size`` documents."""
    corpus = docs[:size]
    folder = tmp / f"size-{size}"
    folder.mkdir()
    out: dict[str, Any] = {"docs": size,
                           "practices": sum(d.kind == "practice" for d in corpus)}
    print(f"[{size}] database for the command", flush=True)
    start = time.perf_counter()
    fill_database(f"sqlite:///{folder / 'app.sqlite3'}", corpus)
    out["db_fill_seconds"] = time.perf_counter() - start
    print(f"[{size}] flask search reindex (a process of its own)", flush=True)
    command = run_reindex(f"sqlite:///{folder / 'app.sqlite3'}", folder / "index")
    out.update(build_seconds=command["seconds"], build_docs_per_s=command["docs_per_s"],
               build_cpu_seconds=command["cpu_seconds"], build_peak_mb=command["peak_pss_mb"],
               build_peak_rss_sum_mb=command["peak_rss_sum_mb"],
               build_max_process_mb=command["max_process_rss_mb"],
               build_progress_bar=command["progress_bar"], index_mb=folder_mb(folder / "index"))
    if command["docs"] != size:
        raise RuntimeError(f"the command indexed {command['docs']} of {size} documents")
    index = WhooshBackend(folder / "index", writer_timeout=30.0)
    try:
        if args.library_rebuild:  # the in-process figure: documents already in memory
            print(f"[{size}] library rebuild (documents in memory, no database)", flush=True)
            start = time.perf_counter()
            count = index.rebuild(corpus, progress=_progress("rebuild", size, start))
            seconds = time.perf_counter() - start
            out.update(library_build_seconds=seconds, library_docs_per_s=count / seconds)
            print(f"  {count} docs in {seconds:.1f} s ({count / seconds:.0f} docs/s)", flush=True)

        print(f"[{size}] FTS5 build", flush=True)
        start = time.perf_counter()
        conn = build_fts(folder / "fts.sqlite3", corpus)
        out["fts_build_seconds"] = time.perf_counter() - start
        out["fts_mb"] = (folder / "fts.sqlite3").stat().st_size / 1e6

        print(f"[{size}] queries: {len(warm)} warm-up, {len(queries)} measured", flush=True)

        def whoosh(q: str) -> Any:
            return index.search(q, per_page=10)

        def fts(q: str) -> list:
            return conn.execute(FTS_SQL, (fts5_match(q),)).fetchall()

        timed(whoosh, warm)
        timed(fts, warm)
        w_times, w_cpu, w_results = timed(whoosh, queries)
        f_times, f_cpu, f_results = timed(fts, queries)
        out.update(
            query_p50_ms=median(w_times), query_p95_ms=percentile(w_times, 0.95),
            query_max_ms=max(w_times),
            fts_p50_ms=median(f_times), fts_p95_ms=percentile(f_times, 0.95),
            fts_ratio_p95=percentile(w_times, 0.95) / percentile(f_times, 0.95),
            query_cpu_p95_ms=percentile(w_cpu, 0.95), fts_cpu_p95_ms=percentile(f_cpu, 0.95),
            fts_ratio_cpu_p95=percentile(w_cpu, 0.95) / percentile(f_cpu, 0.95),
            queries_with_hits=sum(bool(r.hits) for r in w_results),
            fts_queries_with_hits=sum(bool(r) for r in f_results),
            snippets_marked=sum("<mark>" in h.snippet for r in w_results for h in r.hits),
            slowest_queries=[q for _t, q in sorted(zip(w_times, queries, strict=True),
                                                   reverse=True)[:5]],
        )
        w_again, _c, _r = timed(whoosh, queries)
        f_again, _c, _r = timed(fts, queries)
        out.update(repeat_p95_ms=percentile(w_again, 0.95),
                   fts_repeat_p95_ms=percentile(f_again, 0.95),
                   repeat_ratio_p95=percentile(w_again, 0.95) / percentile(f_again, 0.95))
        conn.close()

        rng = random.Random(args.seed + size)
        sample = related_sample(corpus, rng, args.related)

        def related(doc: SearchDocument) -> list:
            return index.more_like(related_text(doc), type="practice", theme=doc.theme,
                                   limit=5)

        print(f"[{size}] related practices x{len(sample) - 10}", flush=True)
        timed(related, sample[:10])
        r_times, r_cpu, r_results = timed(related, sample[10:])
        out.update(related_p50_ms=median(r_times), related_p95_ms=percentile(r_times, 0.95),
                   related_cpu_p95_ms=percentile(r_cpu, 0.95),
                   related_with_hits=sum(bool(r) for r in r_results))

        print(f"[{size}] single updates x{args.updates}", flush=True)
        u_times, after = [], []
        for k, doc in enumerate(rng.sample(corpus, args.updates)):
            changed = replace(doc, body=doc.body + f" Aggiornamento {k}: verificate le tariffe.",
                              votes=doc.votes + 1, stamp=f"s1-{doc.doc_id}-{k}")
            start = time.perf_counter()
            index.apply([changed], [])
            u_times.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            index.search(queries[k % len(queries)], per_page=10)
            after.append((time.perf_counter() - start) * 1000)
        out.update(update_p50_ms=median(u_times), update_p95_ms=percentile(u_times, 0.95),
                   query_after_update_p95_ms=percentile(after, 0.95),
                   doc_count_after=index.doc_count())
    finally:
        index.close()
        shutil.rmtree(folder, ignore_errors=True)
    return out


def related_sample(corpus: Sequence[SearchDocument], rng: random.Random, count: int
                   ) -> list[SearchDocument]:
    """The questions whose related practices are asked (10 more for the warm-up)."""
    questions = [d for d in corpus if d.kind == "question"]
    return rng.sample(questions, min(len(questions), count + 10))


def related_text(doc: SearchDocument) -> str:
    """The text a question page asks related practices for."""
    return "\n".join([doc.title, doc.title, doc.body])


# -- PostgreSQL ----------------------------------------------------------------------------

def bench_postgres(size: int, corpus: list[SearchDocument], queries: list[str],
                   warm: list[str], args: argparse.Namespace) -> dict[str, Any]:
    """The PostgreSQL backend on the same documents: its database filled as the app stores
    them, ``flask search reindex`` run on it, then the same queries and related lists."""
    from sqlalchemy import create_engine, text

    from search_index import PostgresBackend
    from search_index.postgres.ddl import TABLE, WORDS

    out: dict[str, Any] = {}
    engine = create_engine(args.pg_url)
    if args.pg_reuse and _pg_holds(engine, corpus):
        print(f"[{size}] PostgreSQL: reusing the database and index an earlier run built",
              flush=True)
        out["pg_reused"] = True
    else:
        print(f"[{size}] PostgreSQL database for the command", flush=True)
        start = time.perf_counter()
        fill_database(args.pg_url, corpus)
        out["pg_db_fill_seconds"] = time.perf_counter() - start
        print(f"[{size}] flask search reindex on PostgreSQL (a process of its own)", flush=True)
        command = run_reindex(args.pg_url, None, label="reindex (PostgreSQL)")
        if command["docs"] != size:
            raise RuntimeError(f"the command indexed {command['docs']} of {size} documents")
        out.update(pg_build_seconds=command["seconds"],
                   pg_build_docs_per_s=command["docs_per_s"],
                   pg_build_cpu_seconds=command["cpu_seconds"],
                   pg_build_peak_mb=command["peak_pss_mb"])
    with engine.connect() as conn:
        out["pg_index_mb"] = float(conn.execute(text(
            "SELECT pg_total_relation_size(:t) + pg_total_relation_size(:w)"),
            {"t": TABLE, "w": WORDS}).scalar() or 0) / 1e6
        out["pg_table_mb"] = float(conn.execute(text(
            "SELECT pg_table_size(:t)"), {"t": TABLE}).scalar() or 0) / 1e6
    index = PostgresBackend(engine)
    try:
        with engine.connect() as conn:  # the pool's one connection: its server process
            server = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        print(f"[{size}] PostgreSQL queries: {len(warm)} warm-up, {len(queries)} measured",
              flush=True)

        def search(q: str) -> Any:
            return index.search(q, per_page=10)

        timed(search, warm)
        times, cpu, results = timed(search, queries)
        out.update(pg_query_p50_ms=median(times), pg_query_p95_ms=percentile(times, 0.95),
                   pg_query_max_ms=max(times),
                   pg_queries_with_hits=sum(bool(r.hits) for r in results),
                   pg_query_errors=sum(bool(r.error) for r in results),
                   pg_slowest_queries=[q for _t, q in sorted(zip(times, queries, strict=True),
                                                             reverse=True)[:5]])
        sample = related_sample(corpus, random.Random(args.seed + size), args.related)

        def related(doc: SearchDocument) -> list:
            return index.more_like(related_text(doc), type="practice", theme=doc.theme,
                                   limit=5)

        print(f"[{size}] PostgreSQL related practices x{len(sample) - 10}", flush=True)
        timed(related, sample[:10])
        r_times, _cpu, r_results = timed(related, sample[10:])
        out.update(pg_related_p50_ms=median(r_times),
                   pg_related_p95_ms=percentile(r_times, 0.95),
                   pg_related_with_hits=sum(bool(r) for r in r_results))
        out["pg_server_rss_mb"] = _process_rss_mb(int(server or 0))
    finally:
        index.close()
        engine.dispose()
    return out


def _pg_holds(engine: Any, corpus: Sequence[SearchDocument]) -> bool:
    """Whether the PostgreSQL database already holds exactly ``corpus``, indexed (same
    document count, same first and last titles): ``--pg-reuse`` then skips the fill and
    the rebuild, which at a million documents take the better part of an hour."""
    from sqlalchemy import text

    from search_index.postgres.ddl import TABLE

    try:
        with engine.connect() as conn:
            count = conn.execute(text(f"SELECT count(*) FROM {TABLE}")).scalar()
            titles = {doc_id: title for doc_id, title in conn.execute(text(
                f"SELECT doc_id, title FROM {TABLE} WHERE doc_id = ANY(:ids)"),
                {"ids": [corpus[0].doc_id, corpus[-1].doc_id]})}
    except Exception:  # noqa: BLE001 - no table yet: build it
        return False
    return count == len(corpus) and all(
        titles.get(doc.doc_id) == doc.title for doc in (corpus[0], corpus[-1]))


def _process_rss_mb(pid: int) -> float | None:
    """Resident memory of a local process (the PostgreSQL server process that answered the
    queries), or None when it cannot be read (another host)."""
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1]) / 1e3
    except OSError:
        pass
    return None


def pg_rows(r: dict[str, Any], size: int) -> list[Row]:
    """Table rows for the PostgreSQL backend beside Whoosh and FTS5 (targets at 1M)."""
    if "pg_error" in r:
        return [("PostgreSQL backend", "error", "", False)]
    if "pg_query_p95_ms" not in r:
        return [("PostgreSQL backend", "skipped", "--pg-url", None)]
    server = r.get("pg_server_rss_mb")
    build: list[Row] = [
        ("PostgreSQL: flask search reindex", "reused (built by an earlier run)", "", None)]
    if not r.get("pg_reused"):
        build = [
            ("PostgreSQL: flask search reindex", f"{r['pg_build_seconds']:.1f} s", "", None),
            ("  speed (Whoosh)", f"{r['pg_build_docs_per_s']:.0f} "
             f"({r['build_docs_per_s']:.0f}) docs/s", "", None),
            ("  command's peak memory (tree PSS)", f"{r['pg_build_peak_mb']:.0f} MB", "",
             None)]
    return [
        *build,
        ("  index size: all / table (Whoosh, FTS5)",
         f"{r['pg_index_mb']:.0f} / {r['pg_table_mb']:.0f} MB "
         f"({r['index_mb']:.0f}, {r['fts_mb']:.0f})", "", None),
        ("  server process RSS after the queries",
         "-" if server is None else f"{server:.0f} MB", "", None),
        ("PostgreSQL query p50 (Whoosh, FTS5)",
         f"{r['pg_query_p50_ms']:.1f} ({r['query_p50_ms']:.1f}, {r['fts_p50_ms']:.1f}) ms",
         "", None),
        ("PostgreSQL query p95 (Whoosh, FTS5)",
         f"{r['pg_query_p95_ms']:.1f} ({r['query_p95_ms']:.1f}, {r['fts_p95_ms']:.1f}) ms",
         f"<= {PG_QUERY_P95_MS:.0f} ms", r["pg_query_p95_ms"] <= PG_QUERY_P95_MS),
        ("  queries with hits (Whoosh), errors",
         f"{r['pg_queries_with_hits']} ({r['queries_with_hits']}), {r['pg_query_errors']}",
         "", None),
        ("PostgreSQL related p50 (Whoosh)",
         f"{r['pg_related_p50_ms']:.1f} ({r['related_p50_ms']:.1f}) ms", "", None),
        ("PostgreSQL related p95 (Whoosh)",
         f"{r['pg_related_p95_ms']:.1f} ({r['related_p95_ms']:.1f}) ms",
         f"<= {PG_RELATED_P95_MS:.0f} ms", r["pg_related_p95_ms"] <= PG_RELATED_P95_MS),
        ("  related lists with hits (Whoosh)",
         f"{r['pg_related_with_hits']} ({r['related_with_hits']})", "", None),
    ]


# -- the command ---------------------------------------------------------------------------

def fill_database(uri: str, docs: Sequence[SearchDocument]) -> None:
    """A database (SQLite, or PostgreSQL: its tables dropped first) holding ``docs`` as the
    app stores them: questions (the accepted part of a solved one as its accepted answer,
    so the indexed text is the same as the library's), tags, practices with their theme
    and keyword facets."""
    from html import escape

    from sqlalchemy import create_engine, insert

    from forum.models import Answer, Practice, PracticeFacet, Question, Tag, Theme, User
    from forum.models.question import question_tags
    from search_index.postgres.ddl import DROP

    sqlite = uri.startswith("sqlite")
    app = create_app("config.TestingConfig", SQLALCHEMY_DATABASE_URI=uri, SEARCH_SYNC="off")
    with app.app_context():
        if not sqlite:  # a bench database: the previous size's tables and index go
            db.drop_all()
            with db.engine.begin() as conn:
                for statement in DROP:
                    conn.exec_driver_sql(statement)
        db.create_all()
        ensure_themes()
        register_user(username="bench", display_name="Utente benchmark",
                      email="bench@ente.example", password="una-password-lunga-abbastanza",
                      organisation="Comune di Prova", organisation_type="comune",
                      region_code="08")
        user_id = db.session.scalar(select(User.id))
        themes = {slug: id_ for slug, id_ in db.session.execute(select(Theme.slug, Theme.id))}
        db.session.execute(insert(Tag), [{"id": i, "name": t} for i, t in enumerate(TAGS, 1)])
        db.session.commit()
        tag_ids = {t: i for i, t in enumerate(TAGS, 1)}
        db.session.remove()
        db.engine.dispose()
        bulk = create_engine(uri).connect()  # Core, no ORM events, no fsync
        if sqlite:
            bulk.exec_driver_sql("PRAGMA journal_mode = OFF")
            bulk.exec_driver_sql("PRAGMA synchronous = OFF")
        else:
            bulk.exec_driver_sql("SET synchronous_commit = off")
        bulk.commit()
        for start in range(0, len(docs), 10_000):
            questions, answers, links, practices, facets = [], [], [], [], []
            for doc in docs[start:start + 10_000]:
                if doc.kind == "question":
                    body = doc.body[:len(doc.body) - len(doc.accepted)].strip() or doc.body
                    accepted = doc.id if doc.accepted and body != doc.body else None
                    questions.append({
                        "id": doc.id, "title": doc.title, "body": body,
                        "body_html": f"<p>{escape(body)}</p>", "theme_id": themes[doc.theme],
                        "author_id": user_id, "score": doc.votes, "created_at": doc.created,
                        "last_activity_at": doc.updated, "accepted_answer_id": accepted,
                        "answer_count": int(accepted is not None)})
                    if accepted:
                        answers.append({"id": doc.id, "question_id": doc.id,
                                        "author_id": user_id, "body": doc.accepted,
                                        "body_html": f"<p>{escape(doc.accepted)}</p>",
                                        "created_at": doc.updated})
                    links += [{"question_id": doc.id, "tag_id": tag_ids[t]} for t in doc.tags]
                    continue
                practices.append({
                    "id": doc.id, "slug": f"pratica-{doc.id}", "title": doc.title[:200],
                    "summary": doc.body.split("\n\n")[0][:600], "description": doc.body,
                    "description_html": "".join(f"<p>{escape(p)}</p>"
                                                for p in doc.body.split("\n\n")),
                    "lead_organisation": "Comune di Prova", "organisation_type": "comune",
                    "level_of_government": doc.level, "region_code": doc.region or None,
                    "main_theme": doc.theme, "start_year": 2022, "stage": "a-regime",
                    "evidence_level": doc.evidence, "created_by_id": user_id,
                    "status": "pubblicata" if doc.visible else "bozza",
                    "created_at": doc.created, "updated_at": doc.updated,
                    "published_at": doc.created if doc.visible else None})
                facets += [{"practice_id": doc.id, "facet": "theme", "value": t, "position": i}
                           for i, t in enumerate(doc.themes)]
                facets += [{"practice_id": doc.id, "facet": "keyword", "value": t, "position": i}
                           for i, t in enumerate(doc.tags)]
            with bulk.begin():  # accepted answers come after their questions
                bulk.exec_driver_sql("PRAGMA defer_foreign_keys = ON" if sqlite else
                                     "SET LOCAL session_replication_role = replica")
                for table, rows in ((Question.__table__, questions), (Answer.__table__, answers),
                                    (question_tags, links), (Practice.__table__, practices),
                                    (PracticeFacet.__table__, facets)):
                    if rows:
                        bulk.execute(table.insert(), rows)
        if not sqlite:  # the ids were given: the sequences follow, and the planner knows
            with bulk.begin():
                for model in (Question, Answer, Practice):
                    name = model.__tablename__
                    bulk.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'),"
                        f" (SELECT coalesce(max(id), 1) FROM {name}))")
                bulk.exec_driver_sql("ANALYZE")
        bulk.close()


def _tree_memory(root: int) -> tuple[int, int]:
    """(sum of PSS, sum of RSS) in bytes of process ``root`` and its descendants, read from
    /proc (PSS counts pages shared after a fork once, RSS counts them in every process)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    pss = rss = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
                for line in f:
                    if line.startswith(b"Pss:"):
                        pss += int(line.split()[1]) * 1024
                    elif line.startswith(b"Rss:"):
                        rss += int(line.split()[1]) * 1024
        except OSError:
            continue
    return pss, rss


def run_reindex(uri: str, index_path: Path | None, *, label: str = "reindex"
                ) -> dict[str, Any]:
    """``flask search reindex`` as a user runs it, in its own process on ``database``:
    wall time of the whole command (start-up, reading the database, indexing, commit and
    merge), peak memory of its process tree (sampled PSS sum, and the largest single
    process's peak RSS from ``getrusage``), and what it printed."""
    import resource
    import subprocess

    env = {**os.environ, "FORUM_CONFIG": "config.DevelopmentConfig",
           "FORUM_SQLALCHEMY_DATABASE_URI": uri, "PYTHONUNBUFFERED": "1"}
    if index_path is not None:  # Whoosh; PostgreSQL's index is in the database
        env["FORUM_SEARCH_INDEX_PATH"] = str(index_path)
    env.pop("FLASK_APP", None)
    env.pop("FORUM_SEARCH_BACKEND", None)  # chosen by the database
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "search", "reindex"],
        cwd=Path(__file__).resolve().parent.parent, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT)
    peak_pss = peak_rss = 0
    while proc.poll() is None:
        pss, rss = _tree_memory(proc.pid)
        peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
        time.sleep(0.2)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    output = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
    if proc.returncode:
        raise RuntimeError(f"flask search reindex exited {proc.returncode}:\n{output[-2000:]}")
    found = re.search(r"Indicizzati (\d+) documenti", output)
    count = int(found.group(1)) if found else 0
    print(f"  {label}: {count} docs in {seconds:.1f} s ({count / seconds:.0f} docs/s), "
          f"peak PSS {peak_pss / 1e6:.0f} MB", flush=True)
    return {"docs": count, "seconds": seconds, "docs_per_s": count / seconds,
            "peak_pss_mb": peak_pss / 1e6, "peak_rss_sum_mb": peak_rss / 1e6,
            "max_process_rss_mb": max(after.ru_maxrss, before.ru_maxrss) / 1e3,
            "cpu_seconds": (after.ru_utime + after.ru_stime
                            - before.ru_utime - before.ru_stime),
            "progress_bar": "Indicizzazione" in output, "output_tail": output[-300:]}


# -- app level -----------------------------------------------------------------------------

def _outbox_count(app: Flask) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count(SearchOutbox.id))) or 0
        db.session.remove()
    return count


def _wait_outbox(app: Flask, timeout: float) -> float | None:
    """Seconds until the outbox is empty, or None after ``timeout``."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if _outbox_count(app) == 0:
            return time.perf_counter() - start
        time.sleep(0.01)
    return None


class Poster:
    """One app with one user and one question, posting answers through the test client."""

    def __init__(self, mode: str, folder: Path, prefill: list[SearchDocument],
                 corpus: Corpus) -> None:
        folder.mkdir()
        self.mode, self.corpus, self.count = mode, corpus, 0
        self.prefill_seconds: float | None = None
        index_path = folder / "index"
        if prefill:
            start = time.perf_counter()
            with WhooshBackend(index_path) as index:
                index.rebuild(prefill)
            self.prefill_seconds = time.perf_counter() - start
            print(f"  index pre-filled with {len(prefill)} docs in {self.prefill_seconds:.1f} s",
                  flush=True)
        self.app = create_app("config.TestingConfig",
                              SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'app.sqlite3'}",
                              SEARCH_SYNC=mode, SEARCH_INDEX_PATH=str(index_path))
        with self.app.app_context():
            db.create_all()
            ensure_themes()
            user = register_user(
                username="bench", display_name="Utente benchmark", email="bench@ente.example",
                password="una-password-lunga-abbastanza", organisation="Comune di Prova",
                organisation_type="comune", region_code="08")
            question = ask_question(
                user, title="Come calcolare le tariffe del nido con l'ISEE?",
                body="Nel nostro Comune stiamo rivedendo le tariffe dell'asilo nido: come le "
                     "avete legate all'ISEE senza penalizzare le famiglie numerose?",
                theme_slug="servizi-educativi-0-6", tags="nido, tariffe")
            user_id, self.url = user.get_id(), f"/domande/{question.id}/risposte"
            self.engine = db.engine
            db.session.remove()
        self.worker = self.app.extensions.get("search_worker")
        self.client = self.app.test_client()
        with self.client.session_transaction() as session:
            session["_user_id"] = user_id
            session["_fresh"] = True

    def marker(self, n: int) -> str:
        """A word unique to answer ``n``, to check that it was indexed."""
        return f"marcatore{self.mode}{n:04d}"

    def post(self) -> float:
        """POST one answer (in its own app context); milliseconds."""
        assert not has_app_context(), "each request must run in its own app context"
        body = " ".join(self.corpus.sentences(self.corpus.rng.randint(2, 4),
                                              "servizi-educativi-0-6"))
        body += f" Codice di verifica {self.marker(self.count)}."
        self.count += 1
        start = time.perf_counter()
        response = self.client.post(self.url, data={"body": body})
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 303, f"POST {self.url}: HTTP {response.status_code}"
        response.close()
        return elapsed

    def caught_up(self) -> float | None:
        """Seconds until the worker emptied the outbox (0 when indexing is off)."""
        return 0.0 if self.worker is None else _wait_outbox(self.app, 120.0)

    def last_answer_indexed(self) -> bool:
        """Whether the last posted answer can be found."""
        with self.app.app_context():
            found = get_index().search(self.marker(self.count - 1)).total == 1
            db.session.remove()
        return found

    def close(self) -> None:
        """Stop the worker, close the index and the database engine."""
        if self.worker is not None:
            self.worker.queue.put(None)
            if self.worker.thread is not None:
                self.worker.thread.join(10)
            self.app.extensions["search_index"].close()
        self.engine.dispose()


def _summary(times: list[float]) -> dict[str, float]:
    """Count, mean, p50 and p95 of request times."""
    return {"posts": len(times), "mean_ms": mean(times), "p50_ms": median(times),
            "p95_ms": percentile(times, 0.95)}


def bench_app(args: argparse.Namespace, prefill: list[SearchDocument], tmp: Path
              ) -> dict[str, Any]:
    """Answers posted with indexing off and with the worker thread on a pre-filled index,
    in alternating blocks (off, on, on, off, ...) so that drift hits both alike; the worker
    catches up after each of its blocks."""
    folder = tmp / "app"
    folder.mkdir()
    posters: dict[str, Poster] = {}
    try:
        print("[app] SEARCH_SYNC=off", flush=True)
        posters["off"] = Poster("off", folder / "off", [], Corpus(args.seed + 1))
        print("[app] SEARCH_SYNC=thread", flush=True)
        posters["thread"] = Poster("thread", folder / "on", prefill, Corpus(args.seed + 1))
        off, on = posters["off"], posters["thread"]
        for poster in (off, on):
            for _ in range(args.warmup_posts):
                poster.post()
            poster.caught_up()
        blocks = max(1, args.blocks)
        sizes = [args.posts // blocks + (b < args.posts % blocks) for b in range(blocks)]
        times: dict[str, list[float]] = {"off": [], "thread": []}
        left, catch_up = [], []
        print(f"[app] {args.posts} answers per mode in {blocks} alternating blocks", flush=True)
        for b, n in enumerate(sizes):
            for poster in ((off, on) if b % 4 in (0, 3) else (on, off)):
                times[poster.mode] += [poster.post() for _ in range(n)]
                if poster is on:
                    left.append(_outbox_count(on.app))
                    catch_up.append(on.caught_up())
        paced: dict[str, list[float]] = {"off": [], "thread": []}
        print(f"[app] {args.paced_posts} paced answers per mode", flush=True)
        for _ in range(args.paced_posts):  # one POST per PACE_S; the worker idle at each
            for poster in (off, on):
                start = time.perf_counter()
                paced[poster.mode].append(poster.post())
                poster.caught_up()
                time.sleep(max(0.0, start + PACE_S - time.perf_counter()))
        result: dict[str, Any] = {
            "off": _summary(times["off"]), "on": _summary(times["thread"]),
            "blocks": sizes, "prefill_docs": len(prefill),
            "prefill_seconds": on.prefill_seconds,
            "outbox_left_after_blocks": left,
            "catch_up_seconds": None if None in catch_up else max(catch_up),
            "index_current": on.last_answer_indexed(),
        }
        result["ratio_mean"] = result["on"]["mean_ms"] / result["off"]["mean_ms"]
        result["ratio_p50"] = result["on"]["p50_ms"] / result["off"]["p50_ms"]
        result["ratio_p95"] = result["on"]["p95_ms"] / result["off"]["p95_ms"]
        if args.paced_posts:
            result["paced_off_mean_ms"] = mean(paced["off"])
            result["paced_on_mean_ms"] = mean(paced["thread"])
            result["ratio_paced_mean"] = mean(paced["thread"]) / mean(paced["off"])
    finally:
        for poster in posters.values():
            poster.close()
        shutil.rmtree(folder, ignore_errors=True)
    return result


# -- report --------------------------------------------------------------------------------

Row = tuple[str, str, str, bool | None]


def _verdict(ok: bool | None) -> str:
    """PASS, FAIL or - (no target)."""
    return {True: "PASS", False: "FAIL", None: "-"}[ok]


def print_table(title: str, rows: list[Row]) -> None:
    """Print rows of (metric, value, target, verdict)."""
    print(f"\n{title}")
    print(f"  {'metric':<40} {'value':>14}  {'target':<14} {'verdict'}")
    for metric, value, target, ok in rows:
        print(f"  {metric:<40} {value:>14}  {target:<14} {_verdict(ok)}")


def size_rows(r: dict[str, Any], n_queries: int) -> list[Row]:
    """Table rows for one corpus size (the Whoosh targets judged up to
    ``WHOOSH_TARGETS_UP_TO`` documents, the size they are set at; above it the rows say
    what they measure and the target column says so)."""
    rows = _whoosh_rows(r, n_queries)
    if r["docs"] <= WHOOSH_TARGETS_UP_TO:
        return rows
    return [(name, value, f"({target} at 300k)" if target else "", None)
            for name, value, target, _ok in rows]


def _whoosh_rows(r: dict[str, Any], n_queries: int) -> list[Row]:
    return [
        ("documents (practices)", f"{r['docs']} ({r['practices']})", "", None),
        ("flask search reindex: whole command", f"{r['build_seconds']:.1f} s", "", None),
        ("  speed", f"{r['build_docs_per_s']:.0f} docs/s", f">= {BUILD_DOCS_PER_S}",
         r["build_docs_per_s"] >= BUILD_DOCS_PER_S),
        ("  CPU time (command + workers)",
         f"{r['build_cpu_seconds']:.1f} s = {r['docs'] / r['build_cpu_seconds']:.0f} docs/cpu-s",
         "", None),
        ("  peak memory (tree PSS)", f"{r['build_peak_mb']:.0f} MB", f"<= {BUILD_PEAK_MB} MB",
         r["build_peak_mb"] <= BUILD_PEAK_MB),
        ("  peak RSS: tree sum / largest process",
         f"{r['build_peak_rss_sum_mb']:.0f} / {r['build_max_process_mb']:.0f} MB", "", None),
        ("  progress bar shown", "yes" if r["build_progress_bar"] else "no", "yes",
         bool(r["build_progress_bar"])),
        ("library rebuild, documents in memory",
         f"{r['library_docs_per_s']:.0f} docs/s" if "library_docs_per_s" in r else "-", "",
         None),
        ("index size (Whoosh / FTS5)", f"{r['index_mb']:.0f} / {r['fts_mb']:.0f} MB", "", None),
        ("FTS5 build time", f"{r['fts_build_seconds']:.1f} s", "", None),
        ("single update (apply) p50", f"{r['update_p50_ms']:.1f} ms", "", None),
        ("single update (apply) p95", f"{r['update_p95_ms']:.1f} ms", "", None),
        ("query after an update p95", f"{r['query_after_update_p95_ms']:.1f} ms", "", None),
        ("Whoosh query p50 (with snippets)", f"{r['query_p50_ms']:.2f} ms", "", None),
        ("Whoosh query p95 (with snippets)", f"{r['query_p95_ms']:.2f} ms", "", None),
        ("FTS5 query p50 (bm25, snippet)", f"{r['fts_p50_ms']:.2f} ms", "", None),
        ("FTS5 query p95 (bm25, snippet)", f"{r['fts_p95_ms']:.2f} ms", "", None),
        ("Whoosh p95 / FTS5 p95", f"{r['fts_ratio_p95']:.2f}x", f"<= {FTS_RATIO_MAX}x",
         r["fts_ratio_p95"] <= FTS_RATIO_MAX),
        ("  same, on thread CPU time",
         f"{r['query_cpu_p95_ms']:.2f}/{r['fts_cpu_p95_ms']:.2f}={r['fts_ratio_cpu_p95']:.2f}x",
         "", None),
        ("same queries again: Whoosh / FTS5 p95",
         f"{r['repeat_p95_ms']:.1f}/{r['fts_repeat_p95_ms']:.1f}={r['repeat_ratio_p95']:.2f}x",
         "", None),
        ("queries with hits (Whoosh / FTS5)",
         f"{r['queries_with_hits']} / {r['fts_queries_with_hits']} of {n_queries}", "", None),
        ("related practices p50", f"{r['related_p50_ms']:.2f} ms", "", None),
        ("related practices p95", f"{r['related_p95_ms']:.2f} ms", f"<= {RELATED_P95_MS:.0f} ms",
         r["related_p95_ms"] <= RELATED_P95_MS),
        ("  same, on thread CPU time", f"{r['related_cpu_p95_ms']:.2f} ms", "", None),
    ]


def app_rows(r: dict[str, Any]) -> list[Row]:
    """Table rows for the app-level measurement."""
    off, on = r["off"], r["on"]
    catch_up = r["catch_up_seconds"]
    paced = "ratio_paced_mean" in r
    return [
        ("POST answer, indexing off: mean / p95",
         f"{off['mean_ms']:.1f} / {off['p95_ms']:.1f} ms", "", None),
        ("POST answer, worker thread: mean / p95",
         f"{on['mean_ms']:.1f} / {on['p95_ms']:.1f} ms", "", None),
        ("ratio on / off (mean)", f"{r['ratio_mean']:.2f}x", f"<= {APP_RATIO_MAX}x",
         r["ratio_mean"] <= APP_RATIO_MAX),
        ("ratio on / off (p50 / p95)", f"{r['ratio_p50']:.2f}x / {r['ratio_p95']:.2f}x", "",
         None),
        (f"paced, 1 POST / {PACE_S * 1000:.0f} ms: off / on mean",
         f"{r['paced_off_mean_ms']:.1f} / {r['paced_on_mean_ms']:.1f} ms" if paced else "-",
         "", None),
        ("paced ratio on / off (worker idle)",
         f"{r['ratio_paced_mean']:.2f}x" if paced else "-", "", None),
        ("outbox rows left at the end of blocks", " ".join(map(str, r["outbox_left_after_blocks"])),
         "", None),
        ("index caught up after a block (max)",
         "timeout" if catch_up is None else f"{catch_up:.2f} s", "", None),
        ("last answer findable", "yes" if r["index_current"] else "no", "yes",
         bool(r["index_current"])),
    ]


def _rounded(value: Any) -> Any:
    """Floats rounded to 3 decimals, recursively in dicts (for the RESULT line)."""
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def main() -> None:
    """Generate the corpus, measure every size and the app, report; always exit 0."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--related", type=int, default=100, help="more_like calls per size")
    parser.add_argument("--updates", type=int, default=20)
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--warmup-posts", type=int, default=5)
    parser.add_argument("--blocks", type=int, default=4,
                        help="the posts of each mode are split in this many alternating blocks")
    parser.add_argument("--paced-posts", type=int, default=20,
                        help=f"extra posts, one per {PACE_S}s, each after the index "
                             "caught up")
    parser.add_argument("--app-docs", type=int, default=10_000,
                        help="documents pre-filled in the app's index")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pg-url", default=os.environ.get("FORUM_BENCH_PG_URL"),
                        help="a throwaway PostgreSQL database (its tables are dropped) for "
                             "the PostgreSQL backend; default FORUM_BENCH_PG_URL")
    parser.add_argument("--pg-reuse", action="store_true",
                        help="keep the PostgreSQL database when it already holds this "
                             "size's documents, indexed (no fill, no rebuild)")
    parser.add_argument("--library-rebuild", action="store_true",
                        help="also time WhooshBackend.rebuild on the documents in memory")
    parser.add_argument("--no-app", action="store_true", help="skip the app-level part")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: size 2000, 50 queries, 20 posts")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.queries, args.related, args.updates = "2000", 50, 30, 10
        args.posts, args.app_docs, args.paced_posts, args.blocks = 20, 2000, 5, 2
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    if not args.pg_url:
        print("PostgreSQL backend skipped: no --pg-url and no FORUM_BENCH_PG_URL.", flush=True)
    began = time.perf_counter()
    load_start = os.getloadavg()[0]
    total = max([*sizes, 0 if args.no_app else args.app_docs])
    print(f"Generating {total} documents (seed {args.seed})", flush=True)
    start = time.perf_counter()
    docs = Corpus(args.seed).docs(total)
    gc.collect()
    gc.freeze()  # keep the corpus out of the collector's full passes (latency spikes)
    print(f"  done in {time.perf_counter() - start:.1f} s", flush=True)
    queries = make_queries(args.queries, args.seed)
    warm = make_queries(max(20, args.queries // 5), args.seed + 99, base=())
    tmp = Path(tempfile.mkdtemp(prefix="officina-search-bench-"))
    result: dict[str, Any] = {"sizes": {}, "queries": len(queries), "seed": args.seed}
    passed = True
    try:
        for size in sizes:
            try:
                r = bench_size(size, docs, queries, warm, args, tmp)
            except Exception:  # noqa: BLE001 - report and go on: the run always finishes
                traceback.print_exc()
                result["sizes"][str(size)] = {"error": traceback.format_exc(limit=3)}
                passed = False
                continue
            if args.pg_url:
                try:
                    r.update(bench_postgres(size, docs[:size], queries, warm, args))
                except Exception:  # noqa: BLE001
                    traceback.print_exc()
                    r["pg_error"] = traceback.format_exc(limit=3)
            rows = size_rows(r, len(queries)) + pg_rows(r, size)
            print_table(f"Search library, {size} documents, {len(queries)} queries", rows)
            print(f"  slowest Whoosh queries: {r['slowest_queries']}")
            if "pg_slowest_queries" in r:
                print(f"  slowest PostgreSQL queries: {r['pg_slowest_queries']}")
            passed &= all(ok is not False for *_x, ok in rows)
            result["sizes"][str(size)] = r
        if not args.no_app:
            try:
                app_result = bench_app(args, docs[:args.app_docs], tmp)
                rows = app_rows(app_result)
                print_table(f"App: {args.posts} answers per mode (index pre-filled with "
                            f"{args.app_docs} docs when on)", rows)
                passed &= all(ok is not False for *_x, ok in rows)
                result["app"] = app_result
            except Exception:  # noqa: BLE001
                traceback.print_exc()
                result["app"] = {"error": traceback.format_exc(limit=3)}
                passed = False
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result["targets"] = {"build_docs_per_s": BUILD_DOCS_PER_S, "build_peak_mb": BUILD_PEAK_MB,
                         "fts_ratio_p95": FTS_RATIO_MAX,
                         "related_p95_ms": RELATED_P95_MS, "app_ratio_mean": APP_RATIO_MAX,
                         "pg_query_p95_ms": PG_QUERY_P95_MS,
                         "pg_related_p95_ms": PG_RELATED_P95_MS}
    result["passed"] = passed
    result["seconds"] = time.perf_counter() - began
    result["load_average"] = {"start": load_start, "end": os.getloadavg()[0],
                              "cpus": os.cpu_count()}
    print(f"\nTotal time {result['seconds']:.0f} s. Overall: {'PASS' if passed else 'FAIL'}")
    if load_start >= BUSY_LOAD:
        print(f"Warning: load average {load_start:.1f} at the start: other processes were "
              "using the cores; wall-clock timings are inflated (compare the CPU-time rows).")
    print("RESULT " + json.dumps(_rounded(result), ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
