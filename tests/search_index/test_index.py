"""Writing: apply/delete/refresh, stamps, rebuild swaps, locking across threads and processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from search_index import IndexBusy, SearchDocument, WhooshBackend
from search_index.whoosh import bulk
from search_index.whoosh import indexer as indexer_module

from .factories import make_doc

ROOT = Path(__file__).resolve().parents[2]


def _ids(results):
    return {h.doc_id for h in results.hits}


def _run(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_apply_upserts_updates_and_deletes(make_index):
    index = make_index()
    assert index.doc_count() == 0 and index.search("nido").total == 0
    index.apply([make_doc("question:1", "Nido comunale"), make_doc("question:2", "Affido")], [])
    assert _ids(index.search("nido")) == {"question:1"}
    index.apply([make_doc("question:1", "Micronido aziendale", stamp="s2")], [])
    assert index.search("comunale").total == 0
    assert _ids(index.search("micronido")) == {"question:1"}
    assert index.doc_count() == 2
    assert index.stamps() == {"question:1": "s2", "question:2": "s1-question:2"}
    index.apply([], ["question:2", "question:404"])
    assert index.search("affido").total == 0 and index.doc_count() == 1
    index.apply([], [])  # nothing to do


def test_delete_wins_over_upsert_in_one_batch(make_index):
    index = make_index([make_doc("question:1", "Nido")])
    index.apply([make_doc("question:1", "Nido rifatto")], ["question:1"])
    assert index.doc_count() == 0


def test_repeated_updates_leave_one_document(make_index):
    index = make_index()
    for n in range(6):
        index.apply([make_doc("question:1", f"Versione {n} del nido", stamp=str(n))], [])
    results = index.search("nido")
    assert results.total == 1 and index.doc_count() == 1
    assert index.stamps() == {"question:1": "5"}


def test_minimal_documents_are_accepted(make_index):
    index = make_index()
    index.apply([SearchDocument("practice", 7, "Spazio giovani")], [])
    hit = index.search("giovani").hits[0]
    assert (hit.doc_id, hit.type, hit.id) == ("practice:7", "practice", 7)
    assert hit.fields["solved"] is False and hit.fields["votes"] == 0
    with pytest.raises(ValueError):
        index.apply([SearchDocument("", 0, "senza doc_id")], [])


def test_another_instance_sees_commits(make_index, tmp_path):
    writer = make_index(name="shared")
    reader = WhooshBackend(tmp_path / "shared")
    try:
        assert reader.search("nido").total == 0
        writer.apply([make_doc("question:1", "Nido")], [])
        assert _ids(reader.search("nido")) == {"question:1"}
        writer.apply([make_doc("question:1", "Affido")], [])
        assert reader.search("nido").total == 0 and reader.doc_count() == 1
    finally:
        reader.close()


def test_apply_raises_index_busy_only_after_the_timeout(make_index):
    index = make_index(writer_timeout=0.3)
    holder = index._ix.writer()  # another writer holds Whoosh's write lock
    try:
        started = time.monotonic()
        with pytest.raises(IndexBusy):
            index.apply([make_doc("question:1", "Nido")], [])
        assert time.monotonic() - started >= 0.3
    finally:
        holder.cancel()
    index.apply([make_doc("question:1", "Nido")], [])
    assert index.doc_count() == 1


def test_index_busy_when_another_process_holds_the_writer(make_index, tmp_path):
    index = make_index(name="busy", writer_timeout=0.2)
    holder = _run("""
        import sys, time
        from search_index import WhooshBackend
        index = WhooshBackend(sys.argv[1])
        writer = index._ix.writer()
        print("locked", flush=True)
        time.sleep(2.5)
        writer.cancel()
        index.close()
    """, str(tmp_path / "busy"))
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(IndexBusy):
            index.apply([make_doc("question:1", "Nido")], [])
    finally:
        holder.communicate(timeout=30)
    index.apply([make_doc("question:1", "Nido")], [])  # free again
    assert index.doc_count() == 1


def test_concurrent_apply_from_two_threads_loses_nothing(make_index, tmp_path):
    first = make_index(name="threads", writer_timeout=30)
    second = WhooshBackend(tmp_path / "threads", writer_timeout=30)
    errors: list[BaseException] = []

    def work(index: WhooshBackend, start: int) -> None:
        try:
            for n in range(start, start + 12):
                index.apply([make_doc(f"question:{n}", f"Domanda numero {n} sul nido")], [])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(first, 1)),
               threading.Thread(target=work, args=(second, 101)),
               threading.Thread(target=work, args=(first, 201))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    second.close()
    assert errors == []
    assert first.doc_count() == 36 and first.search("nido").total == 36


def test_concurrent_apply_from_two_processes_loses_nothing(make_index, tmp_path):
    path = tmp_path / "procs"
    index = make_index(name="procs")
    worker = """
        import sys
        from datetime import datetime
        from search_index import SearchDocument, WhooshBackend
        index = WhooshBackend(sys.argv[1], writer_timeout=60)
        start = int(sys.argv[2])
        for n in range(start, start + 10):
            index.apply([SearchDocument("question", n, f"Domanda {n} sul nido",
                                        created=datetime(2024, 1, 1), stamp=f"p{n}")], [])
        index.close()
    """
    procs = [_run(worker, str(path), "1"), _run(worker, str(path), "101")]
    for p in procs:
        _out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    assert index.doc_count() == 20
    assert index.stamps() == {f"question:{n}": f"p{n}" for n in [*range(1, 11), *range(101, 111)]}


def test_rebuild_swaps_while_another_instance_keeps_searching(make_index, tmp_path):
    builder = make_index([make_doc("question:1", "Vecchio nido"),
                          make_doc("question:2", "Vecchio affido")], name="swap")
    other = WhooshBackend(tmp_path / "swap")
    during: list[tuple[int, int]] = []
    progress: list[int] = []

    def new_docs():
        for n in range(1, 6):
            if n == 3:
                during.append((other.search("vecchio").total, other.search("nuovo").total))
                other.apply([make_doc("question:99", "Aggiunto durante la ricostruzione")], [])
            yield make_doc(f"question:{n}", f"Nuovo documento {n}")

    try:
        assert builder.rebuild(new_docs(), progress=progress.append) == 5
        assert during == [(2, 0)]  # old generation while the new one was being built
        assert progress[-1] == 5
        for index in (builder, other):
            assert index.search("vecchio").total == 0
            assert index.search("nuovo").total == 5
            assert _ids(index.search("ricostruzione")) == {"question:99"}  # journal replayed
            assert index.doc_count() == 6
    finally:
        other.close()
    gens = sorted(p.name for p in (tmp_path / "swap").iterdir() if p.name.startswith("gen-"))
    assert len(gens) == 2  # the live one and the previous one, for readers still on it
    builder.rebuild([make_doc("question:1", "Terzo giro")])
    builder.rebuild([make_doc("question:1", "Quarto giro")])
    gens_after = [p.name for p in (tmp_path / "swap").iterdir() if p.name.startswith("gen-")]
    assert len(gens_after) == 2 and not set(gens) & set(gens_after)
    assert _ids(builder.search("quarto")) == {"question:1"}


def test_rebuild_in_another_process_is_seen_after_the_swap(make_index, tmp_path):
    index = make_index([make_doc("question:1", "Vecchio")], name="xproc")
    rebuilder = _run("""
        import sys, time
        from search_index import SearchDocument, WhooshBackend
        index = WhooshBackend(sys.argv[1])
        def docs():
            for n in range(20):
                if n == 10:
                    print("halfway", flush=True)
                    time.sleep(1.0)
                yield SearchDocument("question", n, f"Nuovo {n}")
        index.rebuild(docs())
        index.close()
    """, str(tmp_path / "xproc"))
    assert rebuilder.stdout.readline().strip() == "halfway"
    assert index.search("vecchio").total == 1 and index.search("nuovo").total == 0
    _out, err = rebuilder.communicate(timeout=120)
    assert rebuilder.returncode == 0, err
    assert index.search("vecchio").total == 0 and index.search("nuovo").total == 20


def test_failed_rebuild_keeps_the_old_index(make_index, tmp_path):
    index = make_index([make_doc("question:1", "Nido")], name="fail")

    def broken():
        yield make_doc("question:2", "Affido")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        index.rebuild(broken())
    assert _ids(index.search("nido")) == {"question:1"} and index.search("affido").total == 0
    assert not (tmp_path / "fail" / "REBUILD").exists()
    index.apply([make_doc("question:3", "Micronido")], [])
    assert index.doc_count() == 2


def test_only_one_rebuild_at_a_time(make_index, monkeypatch):
    monkeypatch.setattr(indexer_module, "REBUILD_LOCK_WAIT", 0.1)
    index = make_index([make_doc("question:1", "Nido")])
    guard = index._layout.rebuild_lock()
    assert guard.acquire()
    try:
        with pytest.raises(IndexBusy):
            index.rebuild([make_doc("question:2", "Affido")])
    finally:
        guard.release()
    assert index.rebuild([make_doc("question:2", "Affido")]) == 1


def test_large_rebuild_uses_two_processes(make_index, monkeypatch):
    monkeypatch.setattr(bulk, "PARALLEL_MIN_DOCS", 50)
    index = make_index()
    docs = [make_doc(f"question:{n}", f"Domanda {n} sul nido") for n in range(1, 301)]
    assert index.rebuild(docs, procs=2) == 300
    assert index.search("nido").total == 300
    assert len(index.stamps()) == 300


def test_large_rebuild_cuts_segments_in_each_process_and_keeps_every_document(
        make_index, monkeypatch):
    monkeypatch.setattr(bulk, "PARALLEL_MIN_DOCS", 50)
    monkeypatch.setattr(bulk, "SEGMENT_DOCS", 40)
    index = make_index()
    docs = [make_doc(f"question:{n}", f"Domanda {n} sul nido") for n in range(1, 301)]
    docs.append(make_doc("question:7", "Affido"))  # a duplicate: the first version stays
    assert index.rebuild(docs, procs=2) == 300
    sizes = [seg.doc_count_all() for seg, _offset in index._fresh().leaves]
    assert sum(sizes) == 300 and max(sizes) <= 40 and len(sizes) >= 300 // 40
    assert index.search("nido").total == 300
    assert index.search("affido").total == 0


def test_a_failing_worker_fails_the_rebuild_and_the_old_index_stays(make_index, monkeypatch):
    index = make_index([make_doc("question:1", "Nido comunale")])
    monkeypatch.setattr(bulk, "PARALLEL_MIN_DOCS", 50)
    real = bulk.to_whoosh

    def broken(doc: SearchDocument) -> dict:
        if doc.id == 150:
            raise ValueError("documento illeggibile")
        return real(doc)

    monkeypatch.setattr(bulk, "to_whoosh", broken)  # the forked workers inherit it
    docs = [make_doc(f"question:{n}", f"Affido {n}") for n in range(100, 400)]
    with pytest.raises(RuntimeError, match="documento illeggibile"):
        index.rebuild(docs, procs=2)
    assert index.search("nido").total == 1
    assert index.search("affido").total == 0
    monkeypatch.setattr(bulk, "to_whoosh", real)
    assert index.rebuild(docs, procs=2) == 300  # nothing was left locked


def test_rebuild_keeps_the_first_of_duplicate_doc_ids(make_index):
    index = make_index()
    count = index.rebuild([make_doc("question:1", "Nido"), make_doc("question:1", "Affido")])
    assert count == 1 and index.doc_count() == 1
    assert index.search("nido").total == 1


def test_warm_preloads_postings_and_synonym_phrases(corpus):
    assert corpus.warm(terms=50) > 0
    assert corpus.search("famiglie").total > 0


def test_closed_index_refuses_to_search(make_index):
    index = make_index()
    index.close()
    with pytest.raises(RuntimeError):
        index.doc_count()
