"""Whoosh's W3 codec with postings blocks that can be read without their positions.

A W3 postings block pickles ``(ids, weights, values)`` as one object. For a `text` term
the values are the encoded positions, one bytes object per posting, and unpickling them
is about 95% of the cost of reading a posting list, although only phrase checks need
them. ``SplitCodec`` writes each block as a small head, the pickled ``(ids, weights,
value lengths)``, followed by the values concatenated (each part compressed on its own),
so that ``read_block`` can skip the values: a cold posting list reads about five times
faster. Blocks of plain W3 segments (indexes written before, or by Whoosh itself when it
merges with its default codec) are still read; a block says which layout it has.

``RawPositions`` (the positions format of the text fields) goes with it: positions as a
plain integer array, so that a block's positions are one array (see its docstring).

Blocks written now use a second split layout (``CODED``, first byte 2): the head holds
plain little-endian arrays instead of pickles, namely the absolute document numbers and,
per posting, the *score code* ``tf * 256 + field-length byte`` (all a BM25 score depends
on besides the generation's idf and average length; weights are only stored when some
are not whole numbers). ``read_coded`` turns a block into two ``array("I")`` with
``frombytes``, so the engine scores a posting list without touching the length columns
or running a Python loop per posting. Blocks are also larger (``BLOCK_LIMIT``): fewer
per-block steps when a whole posting list is read.

Whoosh pickles the codec into each segment's entry of the table of contents and the
format into the schema: both pickle as factories of ``search_index.persisted`` (see
there), never by this module's path, so this module can move.
"""

from __future__ import annotations

import struct
import sys
import zlib
from array import array
from itertools import accumulate, chain, repeat
from operator import add, and_, lshift, rshift, sub
from pickle import dumps, loads
from typing import Any

from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3LeafMatcher,
    W3PerDocReader,
    W3PostingsWriter,
    _lenfield,
)
from whoosh.formats import Positions
from whoosh.util.numeric import byte_to_length, length_to_byte

from .. import persisted

__all__ = ["BLOCK_LIMIT", "CODED", "SPLIT", "RawPositions", "SplitCodec", "coded_block",
           "positions_array", "read_block", "read_coded", "tagged_positions"]

_BIG_ENDIAN = sys.byteorder == "big"

SPLIT = b"\x01"  # first byte of a split block (W3 data starts with zlib's 0x78 or 0x80)
_HEAD_LENGTH = struct.Struct("!I")
CODED = b"\x02"  # first byte of a coded block (arrays, score codes: see the docstring)
_CODED_HEAD = struct.Struct("!IIIB")  # postings, value lengths, head bytes, flags
# flags: weights stored (not all whole), value lengths stored, positions doc-tagged
_WEIGHTS, _LENGTHS, _TAGGED = 1, 2, 4
BLOCK_LIMIT = 1024  # postings per block (Whoosh's default is 128)
COMPRESS_MIN_BYTES = 96  # smaller blocks are stored uncompressed (each says which it is)
_L2B = bytes(map(length_to_byte, range(4096)))  # length -> length byte, small lengths


def _le(typecode: str, data: bytes | memoryview) -> array:
    """An array of little-endian ``data``."""
    out = array(typecode)
    out.frombytes(data)
    if _BIG_ENDIAN:
        out.byteswap()
    return out


def _le_bytes(values: array) -> bytes:
    if _BIG_ENDIAN:
        values = array(values.typecode, values)
        values.byteswap()
    return values.tobytes()


def _coded_parts(raw: bytes, compression: int, lengths_too: bool = True
                 ) -> tuple[array, array, array | None, list | None, int, int]:
    """(ids, codes, weights or None, value lengths (None unless ``lengths_too``), offset
    of the values blob, flags) of a ``CODED`` block."""
    n, nvals, size, flags = _CODED_HEAD.unpack_from(raw, 1)
    start = 1 + _CODED_HEAD.size
    head = raw[start : start + size]
    if compression:
        head = zlib.decompress(head)
    view = memoryview(head)
    ids = _le("I", view[: 4 * n])
    codes = _le("I", view[4 * n : 8 * n])
    pos = 8 * n
    weights = lengths = None
    if flags & _WEIGHTS:
        weights = _le("f", view[pos : pos + 4 * n])
        pos += 4 * n
    if flags & _LENGTHS and lengths_too:
        lengths = _le("I", view[pos : pos + 4 * nvals]).tolist()
    return ids, codes, weights, lengths, start + size, flags


def _untag(blob: bytes) -> bytes:
    """``RawPositions`` values from doc-tagged positions (see ``SplitPostingsWriter``)."""
    return _le_bytes(array("I", map(and_, _le("Q", blob), repeat(0xFFFFFFFF))))


def coded_block(raw: bytes, compression: int, values: bool
                ) -> tuple[array, array | None, array | None, Any] | None:
    """(absolute ids, score codes or None, weights or None, values) of a ``CODED`` block,
    or None for the older layouts. The values, when asked: an ``array("Q")`` of
    ``local doc << 32 | position`` for every position of the block when the block
    stores them so (``RawPositions`` fields), else ``(concatenated values, lengths)``."""
    if raw[:1] != CODED:
        return None
    ids, codes, weights, lengths, at, flags = _coded_parts(raw, compression, values)
    vals = None
    if values:
        blob = raw[at:]
        if compression and blob:
            blob = zlib.decompress(blob)
        vals = _le("Q", blob) if flags & _TAGGED else (blob, lengths)
    return ids, None if weights is not None else codes, weights, vals


def tagged_positions(raw: bytes, compression: int) -> array | None:
    """Every position of a ``CODED`` block of a ``RawPositions`` field as
    ``local doc << 32 | position`` (one array, the head left undecoded), or None when the
    block does not store them so."""
    if raw[:1] != CODED:
        return None
    _n, _nvals, size, flags = _CODED_HEAD.unpack_from(raw, 1)
    if not flags & _TAGGED:
        return None
    blob = raw[1 + _CODED_HEAD.size + size :]
    if compression and blob:
        blob = zlib.decompress(blob)
    return _le("Q", blob)


def read_coded(raw: bytes, compression: int) -> tuple[array, array] | None:
    """(absolute document numbers, score codes) of a ``CODED`` block, or None for the
    older layouts (the caller then decodes them with ``read_block``)."""
    if raw[:1] != CODED or raw[1 + _CODED_HEAD.size - 1] & _WEIGHTS:
        return None
    ids, codes, *_rest = _coded_parts(raw, compression, False)
    return ids, codes


def _coded_block(raw: bytes, compression: int, values: bool, joined: bool, absolute: bool
                 ) -> tuple[Any, Any, Any]:
    """``read_block`` for a ``CODED`` block."""
    ids, codes, weights, lengths, at, flags = _coded_parts(raw, compression)
    if weights is None:
        weights = array("f", map(rshift, codes, repeat(8)))
    out_ids: Any = ids if absolute else tuple(map(sub, ids, chain((0,), ids)))
    if not values:
        return out_ids, weights, None
    blob = raw[at:]
    if compression and blob:
        blob = zlib.decompress(blob)
    if flags & _TAGGED:
        blob = _untag(blob)
    if joined:
        return out_ids, weights, (blob, lengths)
    if lengths is None:
        return out_ids, weights, blob or None
    ends = list(accumulate(lengths))
    vals = tuple(map(blob.__getitem__, map(slice, [0, *ends[:-1]], ends)))
    return out_ids, weights, vals


def read_block(raw: bytes, compression: int, values: bool = True, joined: bool = False,
               absolute: bool = False) -> tuple[Any, Any, Any]:
    """``(delta-coded ids, weights, values)`` of one block's data, in W3's shapes; the
    values are None when not asked for (a split block then leaves them undecoded), and
    ``(concatenated values, their lengths)`` when ``joined`` (variable-size values). With
    ``absolute``, the ids are the document numbers themselves."""
    marker = raw[:1]
    if marker == CODED:
        return _coded_block(raw, compression, values, joined, absolute)
    if marker != SPLIT:
        ids, weights, vals = loads(zlib.decompress(raw) if compression else raw)
        if absolute:
            ids = list(accumulate(ids))
        if not values:
            return ids, weights, None
        return ids, weights, (b"".join(vals), tuple(map(len, vals))) if joined else vals
    size = _HEAD_LENGTH.unpack_from(raw, 1)[0]
    head = raw[5 : 5 + size]
    ids, weights, lengths = loads(zlib.decompress(head) if compression else head)
    if absolute:
        ids = list(accumulate(ids))
    if not values:
        return ids, weights, None
    blob = raw[5 + size :]
    if compression and blob:
        blob = zlib.decompress(blob)
    if joined:
        return ids, weights, (blob, lengths)
    if lengths is None:  # fixed-size values (joined, as W3 keeps them) or none at all
        return ids, weights, blob or None
    ends = list(accumulate(lengths))
    return ids, weights, tuple(map(blob.__getitem__, map(slice, [0, *ends[:-1]], ends)))


class RawPositions(Positions):
    """Positions stored as a plain array of little-endian 32-bit integers.

    Whoosh's ``Positions`` pickles each posting's list of position deltas; unpickling
    them one posting at a time made phrase checks the slowest part of a cold query. Raw
    arrays concatenate: a split block's values are then one array of every position of
    the block, turned into phrase candidates at C speed (``engine.py``). Also cheaper to
    encode while indexing.
    """

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Any:
        """``Positions.word_values``: (term, frequency, weight, encoded positions) per
        term; for text indexed by an analyzer with ``index_positions`` (the Italian one),
        read from its term -> positions dict: the same values in about a quarter less
        time than through Whoosh's token stream."""
        fast = getattr(analyzer, "index_positions", None)
        if fast is None or not isinstance(value, str) or set(kwargs) - {"mode"} or (
                kwargs.get("mode") != "index"):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        encode = self.encode
        for term, poslist in fast(value).items():
            yield (term, len(poslist), len(poslist) * boost, encode(poslist))

    def encode(self, poslist: list[int]) -> bytes:
        out = array("I", poslist)
        if _BIG_ENDIAN:
            out.byteswap()
        return out.tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return positions_array(valuestring).tolist()

    def decode_frequency(self, valuestring: bytes) -> int:
        return len(valuestring) // 4

    def decode_weight(self, valuestring: bytes) -> float:
        return self.decode_frequency(valuestring) * self.field_boost

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled by a stable name, not by this module's path (see ``persisted``)."""
        return persisted.raw_positions_v1, (), self.__dict__.copy()


def positions_array(blob: bytes) -> array:
    """The positions in ``RawPositions`` values (one or several concatenated)."""
    out = array("I")
    out.frombytes(blob)
    if _BIG_ENDIAN:
        out.byteswap()
    return out


class SplitPostingsWriter(W3PostingsWriter):
    """Writes ``CODED`` blocks (term vectors, keyed by bytes, keep the W3 layout)."""

    _maxweight: float  # kept by Whoosh's writer, which declares no types
    _minlength: int | None
    _maxlength: int

    def _new_block(self) -> None:
        super()._new_block()
        self._lengths = array("I")

    def add_posting(self, id_: Any, weight: float, vbytes: bytes, length: int | None = None
                    ) -> None:
        if self._byteids:
            super().add_posting(id_, weight, vbytes, length)
            return
        if len(self._ids) >= self._blocklimit:
            self._write_block()
        self._ids.append(id_)
        self._weights.append(weight)
        self._lengths.append(length or 0)
        if weight > self._maxweight:
            self._maxweight = weight
        if vbytes:
            self._values.append(vbytes)
        if length:
            minlength = self._minlength
            if minlength is None or length < minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

    def _write_block(self, last: bool = False) -> None:
        if self._byteids:
            super()._write_block(last)
            return
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        ids, weights, lengths = self._ids, self._weights, self._lengths
        n = len(ids)
        if lengths and max(lengths) < len(_L2B):
            length_bytes: Any = map(_L2B.__getitem__, lengths)
        else:
            length_bytes = map(length_to_byte, lengths)
        whole = all(map(float.is_integer, weights)) and max(weights, default=0) < 1 << 23
        tfs = map(int, weights) if whole else repeat(0, n)
        codes = array("I", map(add, map(lshift, tfs, repeat(8)), length_bytes))
        flags = 0
        parts = [_le_bytes(array("I", ids)), _le_bytes(codes)]
        if not whole:
            flags |= _WEIGHTS
            parts.append(_le_bytes(array("f", weights)))
        values = self._values
        fixedsize = self._format.fixed_value_size()
        if fixedsize is None or fixedsize < 0:
            flags |= _LENGTHS
            parts.append(_le_bytes(array("I", map(len, values))))
        blob = b"".join(values) if fixedsize != 0 else b""
        if blob and len(values) == n and isinstance(self._format, RawPositions):
            # Every position as ``local doc << 32 | position``: a phrase check then reads
            # a block's positions as one array (``coded_block``), no step per posting.
            counts = map(rshift, map(len, values), repeat(2))
            docs = chain.from_iterable(map(repeat, map(lshift, ids, repeat(32)), counts))
            blob = _le_bytes(array("Q", map(add, docs, positions_array(blob))))
            flags |= _TAGGED
        head = b"".join(parts)
        # A tiny block (most terms are rare) does not shrink: zlib's header and checksum
        # outweigh what it saves, and compressing it costs more than writing it.
        comp = self._compression if len(head) + len(blob) >= COMPRESS_MIN_BYTES else 0
        if comp:
            head = zlib.compress(head, comp)
            blob = zlib.compress(blob, comp) if blob else blob
        databytes = (CODED + _CODED_HEAD.pack(n, len(values), len(head), flags) + head
                     + blob)
        infobytes = dumps((n, ids[-1], self._maxweight, comp,
                           length_to_byte(self._minlength), length_to_byte(self._maxlength)), 2)
        blocklength = len(infobytes) + len(databytes)
        self._postfile.write_int(-blocklength if last else blocklength)
        self._postfile.write(infobytes)
        self._postfile.write(databytes)
        self._blockcount += 1
        self._new_block()


class SplitLeafMatcher(W3LeafMatcher):
    """Whoosh's matcher over split or W3 blocks (used by merges and Whoosh queries)."""

    def _read_data(self) -> None:
        raw = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        self._data = read_block(raw, self._compression)


_B2L: tuple[int | None, ...] = (None, *map(byte_to_length, range(1, 256)))


class LengthsPerDocReader(W3PerDocReader):
    """``W3PerDocReader`` whose ``doc_field_length`` reads a field's length column once.

    Writing a segment asks for the length of every posting's document (to store its
    length byte): Whoosh's reader answers each call with a file-existence ``stat`` (for
    fields without lengths, never cached) or a seek and read, about a third of the time
    spent flushing a segment. Here each field's column is read as one ``bytes`` object
    and a call is two lookups (same answers: ``None`` for a zero length byte).
    """

    def __init__(self, storage: Any, segment: Any) -> None:
        super().__init__(storage, segment)
        self._length_bytes: dict[str, bytes | None] = {}

    def _field_lengths(self, fieldname: str) -> bytes | None:
        found = self._length_bytes.get(fieldname, b"")
        if found == b"":
            reader = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            found = None
            if reader is not None:
                found = reader._dbfile.get(reader._basepos, min(reader._count, self._doccount))
            self._length_bytes[fieldname] = found
        return found

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        if docnum > self._doccount:
            raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
        data = self._field_lengths(fieldname)
        if data is None:
            return default
        return _B2L[data[docnum]] if docnum < len(data) else None


class SplitCodec(W3Codec):
    """``W3Codec`` writing coded postings blocks; reads every layout."""

    def __init__(self, blocklimit: int = BLOCK_LIMIT, compression: int = 3,
                 inlinelimit: int = 1) -> None:
        super().__init__(blocklimit=blocklimit, compression=compression,
                         inlinelimit=inlinelimit)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled by a stable name, not by this module's path (see ``persisted``)."""
        return persisted.split_codec_v1, (), self.__dict__.copy()

    def per_document_reader(self, storage: Any, segment: Any) -> W3PerDocReader:
        return LengthsPerDocReader(storage, segment)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> W3PostingsWriter:
        return SplitPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                   compression=self._compression,
                                   inlinelimit=self._inlinelimit)

    def postings_reader(self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None,
                        scorer: Any = None) -> Any:
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term,
                                           scorer=scorer)
        offset, length = terminfo.extent()
        return SplitLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


persisted.register("split_codec_v1", SplitCodec)
persisted.register("raw_positions_v1", RawPositions)
