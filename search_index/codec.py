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

Whoosh pickles the codec into each segment's entry of the table of contents and the
format into the schema, so these classes must stay importable under this module path.
"""

from __future__ import annotations

import struct
import sys
import zlib
from array import array
from itertools import accumulate
from pickle import dumps, loads
from typing import Any

from whoosh.codec.whoosh3 import (
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3LeafMatcher,
    W3PostingsWriter,
)
from whoosh.formats import Positions
from whoosh.util.numeric import length_to_byte

__all__ = ["SPLIT", "RawPositions", "SplitCodec", "positions_array", "read_block"]

_BIG_ENDIAN = sys.byteorder == "big"

SPLIT = b"\x01"  # first byte of a split block (W3 data starts with zlib's 0x78 or 0x80)
_HEAD_LENGTH = struct.Struct("!I")


def read_block(raw: bytes, compression: int, values: bool = True, joined: bool = False
               ) -> tuple[Any, Any, Any]:
    """``(delta-coded ids, weights, values)`` of one block's data, in W3's shapes; the
    values are None when not asked for (a split block then leaves them undecoded), and
    ``(concatenated values, their lengths)`` when ``joined`` (variable-size values)."""
    if raw[:1] != SPLIT:
        ids, weights, vals = loads(zlib.decompress(raw) if compression else raw)
        if not values:
            return ids, weights, None
        return ids, weights, (b"".join(vals), tuple(map(len, vals))) if joined else vals
    size = _HEAD_LENGTH.unpack_from(raw, 1)[0]
    head = raw[5 : 5 + size]
    ids, weights, lengths = loads(zlib.decompress(head) if compression else head)
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


def positions_array(blob: bytes) -> array:
    """The positions in ``RawPositions`` values (one or several concatenated)."""
    out = array("I")
    out.frombytes(blob)
    if _BIG_ENDIAN:
        out.byteswap()
    return out


class SplitPostingsWriter(W3PostingsWriter):
    """Writes split blocks (term vectors, keyed by bytes, keep the W3 layout)."""

    def _write_block(self, last: bool = False) -> None:
        if self._byteids:
            super()._write_block(last)
            return
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        fixedsize = self._format.fixed_value_size()
        lengths = tuple(map(len, self._values)) if fixedsize is None or fixedsize < 0 \
            else None
        blob = b"".join(self._values) if fixedsize != 0 else b""
        head = dumps((self._mini_ids(), self._mini_weights(), lengths), 2)
        comp = self._compression
        if comp:
            head = zlib.compress(head, comp)
            blob = zlib.compress(blob, comp) if blob else blob
        databytes = SPLIT + _HEAD_LENGTH.pack(len(head)) + head + blob
        ids = self._ids
        infobytes = dumps((len(ids), ids[-1], self._maxweight, comp,
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


class SplitCodec(W3Codec):
    """``W3Codec`` writing split postings blocks; reads both layouts."""

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
