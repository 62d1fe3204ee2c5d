"""What Whoosh pickles into an index names only stable factories, and an index written by
the previous layout (engine modules flat in ``search_index/``) still opens."""

from __future__ import annotations

import io
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from whoosh.filedb.structfile import StructFile

from search_index import SearchDocument, WhooshBackend, persisted
from search_index.whoosh.analysis import ItalianAnalyzer
from search_index.whoosh.codec import RawPositions, SplitCodec
from search_index.whoosh.schema import build_schema, to_whoosh

ROOT = Path(__file__).resolve().parents[2]
OLD_PATHS = {SplitCodec: "search_index.codec", RawPositions: "search_index.codec",
             ItalianAnalyzer: "search_index.analysis"}


class _Recorder(pickle.Unpickler):
    """Unpickles, noting every global the pickle names."""

    def __init__(self, data: bytes, seen: set[tuple[str, str]]) -> None:
        super().__init__(io.BytesIO(data))
        self.seen = seen

    def find_class(self, module: str, name: str):  # type: ignore[no-untyped-def]
        self.seen.add((module, name))
        return super().find_class(module, name)


def _toc_globals(folder: Path) -> set[tuple[str, str]]:
    """Every (module, name) pickled into the live generation's table of contents: the
    schema pickle and the segments pickle (layout of ``whoosh.index.TOC.write``)."""
    gen = (folder / "CURRENT").read_text().strip()
    toc = max((folder / gen).glob("_MAIN_*.toc"), key=lambda p: int(p.stem.split("_")[-1]))
    with open(toc, "rb") as raw:
        stream = StructFile(raw)
        for _ in range(3):
            stream.read_varint()  # int, long and float sizes
        stream.read_int()  # byte-order check
        stream.read_int()  # TOC version
        for _ in range(3):
            stream.read_varint()  # Whoosh release
        schema = stream.read_string()
        stream.read_int()  # generation
        stream.read_int()  # unused
        segments = stream.read()
    seen: set[tuple[str, str]] = set()
    for data in (schema, segments):
        _Recorder(data, seen).load()
    return {(m, n) for m, n in seen if m.startswith("search_index")}


def _doc(n: int, title: str) -> SearchDocument:
    return SearchDocument("question", n, title, body="Il piano di zona del comune.",
                          stamp=f"s{n}")


def test_index_pickles_only_stable_factories(tmp_path):
    index = WhooshBackend(tmp_path / "ix")
    try:
        index.apply([_doc(1, "Asilo nido")], [])
    finally:
        index.close()
    assert _toc_globals(tmp_path / "ix") == {
        ("search_index.persisted", "split_codec_v1"),
        ("search_index.persisted", "raw_positions_v1"),
        ("search_index.persisted", "italian_analyzer_v1"),
    }


def test_pickled_objects_round_trip_through_the_factories():
    codec = SplitCodec(blocklimit=64, compression=1)
    back = pickle.loads(pickle.dumps(codec, 2))
    assert type(back) is SplitCodec
    assert (back._blocklimit, back._compression) == (64, 1)
    fmt = pickle.loads(pickle.dumps(RawPositions(field_boost=2.5), 2))
    assert type(fmt) is RawPositions and fmt.field_boost == 2.5
    assert pickle.loads(pickle.dumps(ItalianAnalyzer(), 2)) == ItalianAnalyzer()


def test_index_written_by_the_previous_layout_opens(tmp_path, monkeypatch):
    """The previous layout pickled the classes by class path, from the flat modules
    ``search_index.codec`` and ``search_index.analysis``. Write an index exactly so (the
    classes pickled by path, under their old module names), then open it in a fresh
    process, which has only the new layout."""
    for cls, old_module in OLD_PATHS.items():
        monkeypatch.delattr(cls, "__reduce__")
        monkeypatch.setattr(cls, "__module__", old_module)
    index = WhooshBackend(tmp_path / "old")
    try:
        index.apply([_doc(1, "Asilo nido comunale"), _doc(2, "Affido familiare")], [])
    finally:
        index.close()
    assert _toc_globals(tmp_path / "old") == {
        ("search_index.codec", "SplitCodec"),
        ("search_index.codec", "RawPositions"),
        ("search_index.analysis", "ItalianAnalyzer"),
    }
    monkeypatch.undo()

    script = textwrap.dedent("""
        import sys
        from search_index import SearchDocument, open_backend
        backend = open_backend(sys.argv[1])
        print(backend.search("nido").total, backend.search('"piano di zona"').total)
        backend.apply([SearchDocument("question", 3, "Micronido", body="Il piano di zona.")],
                      [])
        print(backend.search('"piano di zona"').total, sorted(backend.stamps()))
        backend.close()
    """)
    run = subprocess.run([sys.executable, "-c", script, str(tmp_path / "old")], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["1 2", "3 ['question:1', 'question:2', 'question:3']"]
    # the commit rewrote the table of contents with the stable names
    assert {m for m, _n in _toc_globals(tmp_path / "old")} == {"search_index.persisted"}


def test_legacy_module_paths_resolve_to_the_moved_modules():
    persisted.install_legacy_modules()
    for old, new in persisted.LEGACY_MODULES.items():
        assert sys.modules[old] is sys.modules[new]
    assert pickle.loads(b"csearch_index.codec\nSplitCodec\n.") is SplitCodec


def test_index_from_before_working_groups_takes_the_field_on_its_next_write(
        tmp_path, monkeypatch):
    """An index written before documents had a ``group`` (schema without the field) keeps
    serving its documents as public, takes the field with its next write, and from then
    on keeps group documents from searchers outside the group, in this instance and in
    one opened before the change."""
    from search_index.whoosh import indexer

    def without_group() -> Any:
        schema = build_schema()
        schema.remove("group")
        return schema

    monkeypatch.setattr(indexer, "build_schema", without_group)
    monkeypatch.setattr(indexer, "to_whoosh", lambda doc: {
        k: v for k, v in to_whoosh(doc).items() if k != "group"})
    monkeypatch.setattr(indexer, "add_group_field", lambda writer: None)
    old = WhooshBackend(tmp_path / "old")
    old.apply([_doc(1, "Asilo nido comunale")], [])
    monkeypatch.undo()
    reader = WhooshBackend(tmp_path / "old")  # opened on the old schema
    try:
        assert "group" not in reader._fresh().schema
        assert {h.doc_id for h in reader.search("nido").hits} == {"question:1"}
        writer = WhooshBackend(tmp_path / "old")
        try:
            writer.apply([SearchDocument("question", 2, "Asilo nido del tavolo", group=5)], [])
            for backend in (writer, reader):
                assert {h.doc_id for h in backend.search("nido").hits} == {"question:1"}
                assert {h.doc_id for h in backend.search(
                    "nido", groups=frozenset({5})).hits} == {"question:1", "question:2"}
                related = backend.more_like("asilo nido del tavolo", type="question")
                assert {h.doc_id for h in related} == {"question:1"}
        finally:
            writer.close()
    finally:
        reader.close()
        old.close()
