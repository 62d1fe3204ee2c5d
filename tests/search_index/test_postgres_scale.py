"""The PostgreSQL backend when a match is larger than what it reads in full (a common word
at a million documents): the bounds are made tiny here so that a few documents pass them.
Skipped without FORUM_TEST_DATABASE_URL."""

from __future__ import annotations

from search_index import SearchBackend

from .factories import NEEDS_PG, make_doc

pytestmark = NEEDS_PG


def _mensa(pg: SearchBackend) -> None:
    pg.apply([make_doc(f"question:{n}", f"Domanda numero {n}",
                       f"Il menu della mensa scolastica cambia in primavera ({n}).")
              for n in range(1, 41)], [])
    # written last: physically after every other row a capped scan reads first
    pg.apply([make_doc("practice:99", "Mensa scolastica a chilometro zero")], [])


def test_a_large_match_still_ranks_a_title_match_first_and_pages_consistently(
        pg, monkeypatch):
    from search_index.postgres import searching

    monkeypatch.setattr(searching, "CANDIDATES", 30)
    _mensa(pg)
    first = pg.search("mensa")
    assert first.total == 41 and first.hits[0].doc_id == "practice:99"
    pages = [first, *(pg.search("mensa", page=n) for n in (2, 3))]
    shown = [h.doc_id for page in pages for h in page.hits]
    assert len(shown) == 30 and len(set(shown)) == 30  # no document twice


def test_counts_of_a_large_match_are_estimated_per_type(pg, monkeypatch):
    from search_index.postgres import estimates

    monkeypatch.setattr(estimates, "CAP", 10)
    _mensa(pg)
    results = pg.search("mensa")
    assert results.total >= 10 and results.counts_by_type["practice"] == 1
    assert results.counts_by_type["question"] >= 10
    assert results.estimated  # the page says "circa"
    practices = pg.search("mensa", type="practice")
    assert practices.total == 1 and not practices.estimated  # counted alone, exactly
    monkeypatch.setattr(estimates, "CAP", 2_000)
    assert not pg.search("mensa").estimated


def test_related_reads_the_documents_holding_several_key_terms_first(pg, monkeypatch):
    from search_index.postgres import related

    monkeypatch.setattr(related, "MAX_CANDIDATES", 4)
    monkeypatch.setattr(related, "MIN_CANDIDATES", 1)
    monkeypatch.setattr(related, "WIDE_SHARE", 1.0)
    words = ("tariffe", "graduatoria", "zafferano", "convenzione")
    pg.apply([make_doc(f"practice:{n}", f"Relazione {n}", f"Una nota sulla {words[n % 4]}.")
              for n in range(1, 17)], [])
    pg.apply([make_doc("practice:99", "Tariffe e graduatoria",
                       "Zafferano e convenzione con le scuole.")], [])
    hits = pg.more_like("Tariffe, graduatoria, zafferano e convenzione: come fare?",
                        type="practice", limit=3)
    assert hits and hits[0].doc_id == "practice:99"


def test_related_reads_each_terms_positions_exactly_from_ts_rank(pg):
    """The scoring reads positions through ts_rank (one detoast, no unnest): its counts
    equal unnest's, for a word written once, many times and past the 256 a lexeme keeps,
    in the title and not."""
    import numpy as np
    from sqlalchemy import text

    from search_index.postgres.related import _positions

    body = " ".join(["tariffe"] * 300 + ["graduatoria"] * 7 + ["zafferano", "nidi nidi"])
    pg.apply([make_doc("practice:1", "Tariffe tariffe e nidi", body)], [])
    with pg.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT u.lexeme, cardinality(u.positions),"
            " (SELECT count(*) FROM unnest(u.weights) AS w WHERE w = 'A'),"
            " ts_rank('{1,1,1,1}', d.vector, quote_literal(u.lexeme)::tsquery),"
            " ts_rank('{0,0,0,1}', d.vector, quote_literal(u.lexeme)::tsquery)"
            " FROM search_documents AS d, unnest(d.vector) AS u"
            " WHERE d.doc_id = 'practice:1'")).all()
    counts = {lexeme: (tf, title) for lexeme, tf, title, _a, _b in rows}
    assert max(tf for tf, _t in counts.values()) == 256 and any(t for _f, t in counts.values())
    found = _positions(np.array([[r[3] for r in rows], [r[4] for r in rows]]))
    assert [(int(a), int(b)) for a, b in zip(*found, strict=True)] == list(counts.values())


def test_a_large_match_on_a_large_table_is_counted_from_a_sample(pg, monkeypatch):
    """Above SAMPLE_TABLE_ROWS a match the block sample puts far above the ceiling is not
    counted: the figure is the sample's, said as an estimate, and stable between pages."""
    from search_index.postgres import estimates

    _mensa(pg)
    with pg.engine.begin() as conn:  # the planner's row count, as after a rebuild
        conn.exec_driver_sql("ANALYZE search_documents")
    monkeypatch.setattr(estimates, "SAMPLE_TABLE_ROWS", 1)
    monkeypatch.setattr(estimates, "SAMPLE_ROWS", 10_000)  # the whole (tiny) table
    monkeypatch.setattr(estimates, "CAP", 4)
    monkeypatch.setattr(estimates, "SAMPLE_ONLY", 2)
    monkeypatch.setattr(estimates, "SAMPLE_HITS", 5)
    first = pg.search("mensa")
    assert first.estimated and first.counts_by_type["question"] == 40
    assert first.counts_by_type["practice"] == 1  # too few in the sample: counted alone
    assert pg.search("mensa", page=2).total == first.total
    assert not pg.search("zafferano").estimated  # nothing matches: counted, exactly 0


def test_title_matches_that_fill_the_candidates_are_ranked_without_the_others(
        pg, monkeypatch):
    from search_index.postgres import searching

    pg.apply([make_doc(f"question:{n}", f"Mensa scolastica {n}",
                       "Il menu cambia. " + "parola " * 200) for n in range(1, 9)], [])
    pg.apply([make_doc("practice:99", "Relazione annuale", "mensa mensa mensa mensa",
                       votes=1_000_000)], [])
    ranked = [h.doc_id for h in pg.search("mensa", per_page=5).hits]
    assert ranked[0] == "practice:99"  # ranked on every match, it comes first
    monkeypatch.setattr(searching, "CANDIDATES", 5)
    shown = [h.doc_id for h in pg.search("mensa", per_page=5).hits]
    assert len(shown) == 5 and "practice:99" not in shown  # the title matches filled it
