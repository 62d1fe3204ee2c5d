"""The benchmark data set: questions, answers, comments, votes and practices, in bulk.

Shared by bench/pages.py, bench/practices.py and tests/test_query_plans.py, so the pages are
measured and their query plans judged on the same data. Rows are generated in Python with
scores, counters and acceptances kept consistent, then written with Core bulk inserts
(seconds, where the services would take minutes). Works on SQLite and PostgreSQL.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, text, update
from werkzeug.security import generate_password_hash

from forum.extensions import db
from forum.markup import render_markdown
from forum.models import Acceptance, Answer, Comment, Question, Tag, Theme, User, Vote
from forum.models import question_tags as QuestionTags
from forum.models.base import utcnow
from forum.practices import vocabulary as v
from forum.practices.validation import THEME_SLUGS, derive_evidence_level, slugify
from forum.taxonomy import ORGANISATION_TYPES, REGIONS

PASSWORD = "benchmark-password"  # every generated member's password


@dataclass(frozen=True)
class Sizes:
    """How many rows of each kind; the defaults are the bench's 10k-question data set."""

    questions: int = 10_000
    answers: int = 40_000
    comments: int = 40_000
    votes: int = 100_000
    users: int = 200
    practices: int = 2_000
    seed: int = 2026


BIG, SMALL = 1, 2  # question ids forced to exactly 30 and exactly 2 answers
SENTENCES = (
    "Il nostro Comune ha avviato un servizio di sostegno per le famiglie con figli piccoli.",
    "Vorremmo capire come calcolare le tariffe in base all'**ISEE** senza penalizzare nessuno.",
    "La Regione ha pubblicato un bando, ma i tempi di rendicontazione sono molto stretti.",
    "Abbiamo coinvolto i consultori e i centri per la famiglia dell'ambito sociale.",
    "Qualcuno ha già esperienza con la *coprogettazione* insieme al terzo settore?",
    "Le domande si presentano online tramite il portale dei servizi con `SPID`.",
    "Vedi anche la guida su [il portale nazionale](https://www.example.gov.it/guida).",
    "I dati di monitoraggio mostrano un aumento delle richieste del venti per cento.",
)
OPENERS = ("Come gestire", "Chi ha esperienza con", "Dubbi su", "Modello per", "Scadenze per")
TOPICS = ("le tariffe dei nidi", "l'assegno unico", "i centri estivi", "l'affido familiare",
          "i caregiver familiari", "il bando regionale", "la mediazione familiare",
          "i servizi integrativi 0-6", "il progetto di vita", "il welfare aziendale")
PLACES = ("nei piccoli comuni", "nell'ambito sociale", "in unione di comuni", "con fondi PNRR",
          "per il 2026", "con il terzo settore")
TAG_ROOTS = ("isee nidi bandi caregiver affido adozione consultori pnrr tariffe anziani disabilita "
             "giovani scuola mense trasporti welfare conciliazione natalita contributi povertà "
             "casa sport cultura dati privacy appalti personale formazione rete sanità").split()
TAG_SUFFIXES = ("regole moduli scadenze fondi rendiconto progetti buone-pratiche faq normativa "
                "monitoraggio").split()


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + (end - start) * rng.random()


def _bodies(rng: random.Random, count: int, sentences: int) -> list[tuple[str, str]]:
    """A few dozen distinct Markdown bodies with their HTML, rendered once."""
    out = []
    for i in range(count):
        parts = [" ".join(rng.sample(SENTENCES, sentences))]
        if i % 3 == 0:
            parts.append("- Verificare i requisiti\n- Sentire gli uffici\n- Pubblicare l'avviso")
        if i % 4 == 1:
            parts.append(" ".join(rng.sample(SENTENCES, 2)))
        body = "\n\n".join(parts)
        out.append((body, render_markdown(body)))
    return out


def generate_forum(sizes: Sizes, rng: random.Random, themes: list[int]
                   ) -> dict[str, list[dict[str, Any]]]:
    """All rows, in Python, with scores, counters and acceptances kept consistent."""
    now = utcnow()
    start = now - timedelta(days=730)
    nq, na = sizes.questions, sizes.answers
    pw_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    users = [{"id": i, "username": f"utente{i:04d}", "display_name": f"Operatore {i}",
              "email": f"utente{i}@example.it", "password_hash": pw_hash, "bio": "",
              "organisation": f"Comune di Prova {i}", "region_code": rng.choice(list(REGIONS)),
              "organisation_type": rng.choice(list(ORGANISATION_TYPES)),
              "role": "moderator" if i <= 5 else "member", "reputation": 1,
              "session_version": 1, "created_at": start} for i in range(1, sizes.users + 1)]
    tags = [{"id": i, "name": f"{root}-{suffix}"} for i, (root, suffix) in enumerate(
        ((r, s) for r in TAG_ROOTS for s in TAG_SUFFIXES), start=1)]
    long_bodies, short_bodies = _bodies(rng, 40, 4), _bodies(rng, 30, 1)
    questions = []
    for qid in range(1, nq + 1):
        body, html = rng.choice(long_bodies)
        created = _between(rng, start, now - timedelta(days=1))
        title = f"{rng.choice(OPENERS)} {rng.choice(TOPICS)} {rng.choice(PLACES)}? (#{qid})"
        questions.append({"id": qid, "title": title, "body": body, "body_html": html,
                          "theme_id": rng.choice(themes), "author_id": rng.randint(1, sizes.users),
                          "score": 0, "answer_count": 0, "accepted_answer_id": None,
                          "created_at": created, "updated_at": None, "last_activity_at": created})
    weights = [1.0 / (i + 1) for i in range(len(tags))]
    qtags = [{"question_id": q["id"], "tag_id": tag_id} for q in questions
             for tag_id in {t["id"] for t in rng.choices(tags, weights, k=rng.randint(1, 3))}]
    targets = [BIG] * 30 + [SMALL] * 2 + [rng.randint(3, nq) for _ in range(na - 32)]
    answers, by_question = [], defaultdict(list)
    for aid, qid in enumerate(targets, start=1):
        q = questions[qid - 1]
        body, html = rng.choice(long_bodies)
        created = _between(rng, q["created_at"], now)
        answers.append({"id": aid, "question_id": qid, "author_id": rng.randint(1, sizes.users),
                        "body": body, "body_html": html, "score": 0, "created_at": created,
                        "updated_at": None})
        by_question[qid].append(aid)
        q["answer_count"] += 1
        q["last_activity_at"] = max(q["last_activity_at"], created)
    comments: list[dict[str, Any]] = []
    for cid in range(1, sizes.comments + 1):
        replyable = comments[-200:]
        parent = rng.choice(replyable) if replyable and rng.random() < 0.3 else None
        if parent is not None and parent["depth"] < 2:
            qid, aid, after = parent["question_id"], parent["answer_id"], parent["created_at"]
        elif rng.random() < 0.2:
            parent, qid, aid = None, rng.randint(1, nq), None
            after = questions[qid - 1]["created_at"]
        else:
            parent, a = None, rng.choice(answers)
            qid, aid, after = a["question_id"], a["id"], a["created_at"]
        body, html = rng.choice(short_bodies)
        created = _between(rng, after, now)
        comments.append({"id": cid, "question_id": qid, "answer_id": aid,
                         "parent_id": parent["id"] if parent else None,
                         "depth": parent["depth"] + 1 if parent else 0,
                         "author_id": rng.randint(1, sizes.users), "body": body,
                         "body_html": html, "created_at": created})
        q = questions[qid - 1]
        q["last_activity_at"] = max(q["last_activity_at"], created)
    votes: dict[tuple[int, str, int], int] = {}
    limit = min(sizes.votes, sizes.users * (nq + na) // 2)
    while len(votes) < limit:
        kind = "question" if rng.random() < 0.2 else "answer"
        post = rng.choice(questions) if kind == "question" else rng.choice(answers)
        user = rng.randint(1, sizes.users)
        if user != post["author_id"]:
            votes.setdefault((user, kind, post["id"]), 1 if rng.random() < 0.75 else -1)
    for (_user, kind, pid), value in votes.items():
        (questions if kind == "question" else answers)[pid - 1]["score"] += value
    vote_rows = [{"id": i, "user_id": u, "question_id": pid if kind == "question" else None,
                  "answer_id": pid if kind == "answer" else None, "value": value,
                  "created_at": now} for i, ((u, kind, pid), value) in enumerate(votes.items(), 1)]
    acceptances, accepted = [], []
    for qid, aids in by_question.items():
        if qid in (BIG, SMALL) or rng.random() < 0.41:
            q, answer = questions[qid - 1], answers[rng.choice(aids) - 1]
            moderator = rng.random() < 0.1
            acceptances.append({
                "id": len(acceptances) + 1, "question_id": qid, "answer_id": answer["id"],
                "accepted_by_id": rng.randint(1, 5) if moderator else q["author_id"],
                "as_moderator": moderator, "accepted_at": _between(rng, answer["created_at"], now),
                "withdrawn_at": None, "withdrawn_by_id": None})
            accepted.append({"id": qid, "accepted_answer_id": answer["id"]})
    return {"users": users, "tags": tags, "questions": questions, "question_tags": qtags,
            "answers": answers, "comments": comments, "votes": vote_rows,
            "acceptances": acceptances, "accepted": accepted}



# Roughly the population (millions) per ISTAT region, with a nudge for family-policy leaders.
REGION_WEIGHTS = {"01": 4.2, "02": 0.3, "03": 10.0, "04": 1.8, "05": 4.8, "06": 1.3,
                  "07": 1.5, "08": 5.0, "09": 3.7, "10": 0.9, "11": 1.5, "12": 5.7,
                  "13": 1.3, "14": 0.3, "15": 5.6, "16": 3.9, "17": 0.5, "18": 1.8,
                  "19": 4.8, "20": 1.6}
TOWNS = {"01": ("Torino", "Novara", "Cuneo"), "02": ("Aosta", "Châtillon"),
         "03": ("Milano", "Bergamo", "Brescia", "Lecco"), "04": ("Trento", "Bolzano", "Rovereto"),
         "05": ("Venezia", "Padova", "Verona"), "06": ("Trieste", "Udine", "Pordenone"),
         "07": ("Genova", "La Spezia"), "08": ("Bologna", "Modena", "Reggio Emilia", "Parma"),
         "09": ("Firenze", "Prato", "Livorno"), "10": ("Perugia", "Terni"),
         "11": ("Ancona", "Pesaro", "Macerata"), "12": ("Roma", "Latina", "Viterbo"),
         "13": ("L'Aquila", "Pescara", "Teramo"), "14": ("Campobasso", "Isernia"),
         "15": ("Napoli", "Salerno", "Caserta"), "16": ("Bari", "Lecce", "Foggia"),
         "17": ("Potenza", "Matera"), "18": ("Catanzaro", "Cosenza", "Reggio Calabria"),
         "19": ("Palermo", "Catania", "Messina"), "20": ("Cagliari", "Sassari", "Nuoro")}
ORG_WEIGHTS = {"comune": 40, "unione-comuni": 8, "ambito-sociale": 12, "azienda-sanitaria": 6,
               "provincia-citta-metropolitana": 4, "regione": 5, "terzo-settore": 15,
               "scuola": 6, "altro": 4}
NATIONAL_ORGS = {"ministero-dipartimento": 5, "terzo-settore": 4, "altro": 1}
ORG_NAMES = {"comune": "Comune di {town}", "unione-comuni": "Unione dei comuni dell'area di {town}",
             "ambito-sociale": "Ambito territoriale sociale di {town}",
             "azienda-sanitaria": "Azienda sanitaria locale di {town}",
             "provincia-citta-metropolitana": "Città metropolitana di {town}",
             "regione": "Regione {region}", "terzo-settore": "Cooperativa sociale {coop}",
             "scuola": "Istituto comprensivo di {town}", "altro": "Fondazione di comunità {town}",
             "ministero-dipartimento": "Dipartimento per le politiche della famiglia"}
COOPS = ("Il Girasole", "La Tenda", "Arcobaleno", "Il Melograno", "Piccoli Passi", "Con Noi")
THEME_WEIGHTS = (10, 6, 6, 6, 3, 5, 5, 4, 5, 3, 4, 3)
THEME_PHRASES = {
    "servizi-educativi-0-6": ("Nido diffuso", "Sezione primavera", "Polo 0-6", "Spazio gioco"),
    "conciliazione-vita-lavoro": ("Orari amici delle famiglie", "Centro estivo aziendale",
                                  "Banca del tempo", "Welfare aziendale di territorio"),
    "sostegno-economico": ("Contributo affitto", "Bonus bebè comunale", "Quoziente familiare",
                           "Sportello Assegno unico"),
    "natalita-genitorialita": ("Percorso nascita", "Visite domiciliari ai neogenitori",
                               "Primi mille giorni"),
    "affido-adozione": ("Rete di famiglie affidatarie", "Affido leggero",
                        "Accompagnamento post-adozione"),
    "centri-famiglia-consultori": ("Centro per le famiglie", "Mediazione familiare",
                                   "Spazio neutro"),
    "anziani-caregiver": ("Sollievo ai caregiver", "Custode sociale", "Caffè Alzheimer"),
    "disabilita": ("Progetto di vita", "Dopo di noi", "Estate inclusiva"),
    "poverta-educativa": ("Comunità educante", "Doposcuola solidale", "Dote educativa"),
    "violenza-tutela": ("Rete antiviolenza", "Protocollo di tutela dei minori", "Casa rifugio"),
    "giovani": ("Spazio giovani", "Casa per l'autonomia", "Consulta dei giovani"),
    "family-friendly": ("Family Audit", "Comune amico della famiglia", "Carta famiglia"),
}
TITLE_TAILS = ("a {town}", "per le famiglie di {town}", "nel territorio di {town}",
               "in rete con il terzo settore", "con i fondi PNRR", "per i piccoli comuni")
PRACTICE_SENTENCES = (
    "Il servizio è stato avviato dopo un'analisi dei bisogni condotta con le famiglie.",
    "Le tariffe sono calcolate in base all'**ISEE**, con esenzione sotto i 6.000 euro.",
    "La *coprogettazione* con il terzo settore ha ridotto i tempi di attivazione.",
    "Gli operatori hanno seguito una formazione comune di quaranta ore.",
    "Il monitoraggio trimestrale mostra un aumento delle famiglie raggiunte del 25%.",
    "Le domande si presentano online con `SPID` oppure allo sportello del Comune.",
    "Il modello è descritto nella [scheda regionale](https://www.example.gov.it/scheda).",
    "La continuità del finanziamento è garantita da una convenzione triennale.",
    "Il coinvolgimento dei pediatri di libera scelta ha facilitato l'accesso.",
    "Le famiglie partecipano alla valutazione con un questionario annuale.",
)
SUMMARIES = ("un servizio replicabile che ha ampliato l'accesso delle famiglie.",
             "un intervento a basso costo costruito con la rete dei servizi locali.",
             "una misura sperimentale poi entrata a regime nel bilancio dell'ente.",
             "un percorso integrato tra servizi sociali, sanitari ed educativi.")
KEYWORDS = ("isee", "coprogettazione", "pnrr", "rete", "sportello", "voucher", "tariffe",
            "prossimità", "digitale", "volontariato", "scuola", "pediatri", "monitoraggio",
            "comunità", "inclusione", "orari", "trasporti", "estate", "casa", "formazione")
STAGE_WEIGHTS = {"progettazione": 8, "avvio": 22, "a-regime": 40, "valutata": 15, "conclusa": 15}
OTHER_STATUSES = {"bozza": 6, "in-revisione": 5, "archiviata": 4}


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _practice_bodies(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """A few dozen Markdown bodies with their HTML, rendered once and reused."""
    out = []
    for i in range(count):
        parts = [" ".join(rng.sample(PRACTICE_SENTENCES, rng.randint(2, 4)))]
        if i % 3 == 0:
            parts.append("- Analisi dei bisogni\n- Accordo con i partner\n- Avvio e monitoraggio")
        if i % 4 == 1:
            parts.append(" ".join(rng.sample(PRACTICE_SENTENCES, 2)))
        body = "\n\n".join(parts)
        out.append((body, render_markdown(body)))
    return out


def _facets(practice_id: int, facet_id: int, lists: dict[str, list[str]]
            ) -> list[dict[str, Any]]:
    return [{"id": facet_id + n, "practice_id": practice_id, "facet": facet, "value": value,
             "position": position}
            for n, (facet, position, value) in enumerate(
                (facet, position, value) for facet, values in lists.items()
                for position, value in enumerate(values))]


def generate_practices(count: int, rng: random.Random
                       ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Practice rows and their facet rows, consistent with the validation rules."""
    now = datetime(2026, 5, 1)
    bodies = _practice_bodies(rng, 40)
    years = list(range(2010, 2027))
    year_weights = [1 + (y - 2010) for y in years]
    practices: list[dict[str, Any]] = []
    facets: list[dict[str, Any]] = []
    for pid in range(1, count + 1):
        national = rng.random() < 0.05
        region = None if national else _pick(rng, REGION_WEIGHTS)
        org = _pick(rng, NATIONAL_ORGS if national else ORG_WEIGHTS)
        level = v.DEFAULT_LEVEL.get(org) or ("nazionale" if region is None else "comunale")
        town = rng.choice(TOWNS[region]) if region else "Roma"
        themes = list(dict.fromkeys(rng.choices(THEME_SLUGS, THEME_WEIGHTS, k=rng.randint(1, 3))))
        lists = {
            "theme": themes,
            "target_group": rng.sample(list(v.TARGET_GROUPS), rng.randint(1, 3)),
            "age_group": rng.sample(list(v.AGE_GROUPS), rng.randint(0, 3)),
            "funding_source": rng.sample(list(v.FUNDING_SOURCES), rng.randint(1, 2)),
            "keyword": rng.sample(KEYWORDS, rng.randint(0, 5)),
        }
        facets += _facets(pid, len(facets) + 1, lists)
        phrase = rng.choice(THEME_PHRASES.get(themes[0], ("Progetto per le famiglie",)))
        title = f"{phrase} {rng.choice(TITLE_TAILS).format(town=town)}"
        scores = (rng.choices((None, "0", "+", "++"), (25, 15, 35, 25))[0],
                  rng.choices((None, "0", "+", "++"), (30, 20, 30, 20))[0],
                  rng.choices((None, "0", "+"), (35, 25, 40))[0])
        start = rng.choices(years, year_weights)[0]
        stage = _pick(rng, STAGE_WEIGHTS)
        status = "pubblicata" if rng.random() < 0.85 else _pick(rng, OTHER_STATUSES)
        created = _between(rng, datetime(2024, 1, 1), now - timedelta(days=30))
        published = created + timedelta(days=rng.uniform(1, 30)) if status in (
            "pubblicata", "archiviata") else None
        text = {name: rng.choice(bodies) for name in (
            "description", "results", "evaluation", "transferability_notes", "challenges")}
        practices.append({
            "id": pid, "slug": f"{slugify(title, 70)}-{pid}", "external_id": None,
            "title": title, "summary": f"{phrase}: {rng.choice(SUMMARIES)}",
            **{name: body for name, (body, _html) in text.items()},
            **{f"{name}_html": html for name, (_body, html) in text.items()},
            "lead_organisation": ORG_NAMES[org].format(
                town=town, region=REGIONS.get(region or "", ""), coop=rng.choice(COOPS)),
            "organisation_type": org, "level_of_government": level, "region_code": region,
            "autonomous_province": ({"Trento": "trento", "Bolzano": "bolzano"}.get(town)
                                    if region == "04" else None),
            "municipality": town if level == "comunale" else None,
            "population_band": rng.choice(list(v.POPULATION_BANDS)) if level == "comunale"
            else None,
            "main_theme": themes[0], "start_year": start,
            "end_year": min(start + rng.randint(0, 3), 2026) if stage == "conclusa" else None,
            "stage": stage,
            "budget_eur": Decimal(rng.randrange(5_000, 2_000_000, 500))
            if rng.random() < 0.8 else None,
            "budget_notes": "Cofinanziamento regionale al 50%." if rng.random() < 0.3 else None,
            "partners": [{"name": f"Cooperativa sociale {c}", "organisation_type": "terzo-settore"}
                         for c in rng.sample(COOPS, rng.randint(0, 3))],
            "evidence_effectiveness": scores[0], "evidence_transferability": scores[1],
            "evidence_enduring_impact": scores[2], "evidence_level": derive_evidence_level(*scores),
            "evidence_assessed_by": (rng.choice(list(v.EVIDENCE_ASSESSORS))
                                     if any(scores) else None),
            "contacts": [{"name": f"Referente {pid}", "role": "Responsabile del servizio",
                          "email": f"referente{pid}@example.it", "phone": ""}],
            "links": [{"label": "Scheda del progetto", "url": f"https://www.example.it/p/{pid}"}],
            "status": status, "review_note": None, "source_question_id": None,
            "created_by_id": rng.randint(1, 5), "curated_by_id": 1 if published else None,
            "created_at": created, "updated_at": None, "published_at": published,
        })
    return practices, facets




def fill(sizes: Sizes) -> dict[str, int]:
    """Write the data set into the app's database (schema and themes already there).

    On PostgreSQL the id sequences are moved past the inserted ids and the tables vacuumed
    and analysed, so the planner sees the data (statistics, visibility map) as a production
    database would after autovacuum.
    """
    rng = random.Random(sizes.seed)
    themes = list(db.session.execute(select(Theme.id).order_by(Theme.id)).scalars())
    data = generate_forum(sizes, rng, themes)
    practices, facets = generate_practices(sizes.practices, rng)
    tables = db.metadata.tables
    for table, key in ((User.__table__, "users"), (Tag.__table__, "tags"),
                       (Question.__table__, "questions"), (QuestionTags, "question_tags"),
                       (Answer.__table__, "answers"), (Comment.__table__, "comments"),
                       (Vote.__table__, "votes"), (Acceptance.__table__, "acceptances"),
                       (tables["practices"], "practices"), (tables["practice_facets"], "facets")):
        rows = practices if key == "practices" else facets if key == "facets" else data[key]
        for i in range(0, len(rows), 5000):
            db.session.execute(insert(table), rows[i:i + 5000])
    db.session.execute(update(Question), data["accepted"])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        _after_bulk_postgresql()
    counts = {k: len(rows) for k, rows in data.items() if k != "accepted"}
    return {**counts, "practices": len(practices), "practice_facets": len(facets)}


def _after_bulk_postgresql() -> None:
    """Sequences past the explicit ids, then what autovacuum leaves: statistics and the
    visibility map (index-only scans depend on it)."""
    with db.engine.begin() as conn:
        for table in db.metadata.sorted_tables:
            column = table.c.get("id")
            if column is None or not column.primary_key:
                continue
            sequence = conn.execute(
                text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}).scalar()
            if sequence:
                top = conn.execute(select(func.max(column))).scalar() or 0
                conn.execute(text("SELECT setval(:s, :v, :called)"),
                             {"s": sequence, "v": max(top, 1), "called": top > 0})
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")  # every table: an empty one left unanalysed
        # is planned as if it held thousands of rows


def index_for_search(questions: int, practices: int) -> int:
    """Put the first questions and practices into the search index (a full rebuild at 10k
    costs minutes; a few hundred documents give every search page its hits)."""
    from sqlalchemy.orm import Session

    from forum.search.documents import practice_docs, question_docs
    from forum.search.service import get_index

    with Session(db.engine) as session:
        docs = question_docs(session, range(1, questions + 1))[0]
        docs += practice_docs(session, range(1, practices + 1))[0]
    return get_index().rebuild(iter(docs))
