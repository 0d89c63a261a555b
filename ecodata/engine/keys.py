"""Unique, primary and foreign keys over whole resources, as Arrow arrays of key texts.

Each row's key is the text `cells.canonical` gives its typed value (composite keys join the parts
with their lengths, so no two different tuples share a text). The arrays stay compact — one text per
row, no Python objects — and duplicates are found with a hash table in Arrow, not a dict of every value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .cells import NEVER_EQUAL, never_equal_key


@dataclass
class KeyColumn:
    """One key's texts and row numbers, batch after batch.

    With `watch_order`, each batch also notes whether its keys strictly rise, and its first and last
    key: a column whose keys rise throughout has no repeats, which `duplicates` then knows at once.
    That costs one comparison per batch, on the thread that checks the batch.
    """

    parts: list[pa.Array] = field(default_factory=list)
    rows: list[np.ndarray] = field(default_factory=list)
    watch_order: bool = False
    rises: list[tuple[bool, str | None, str | None]] = field(default_factory=list)  # per part

    def add(self, keys: pa.Array, rows: np.ndarray) -> None:
        self.parts.append(keys)
        self.rows.append(rows)
        if self.watch_order:
            present = keys.drop_null() if keys.null_count else keys
            if not len(present):
                self.rises.append((True, None, None))
            else:
                rising = len(present) < 2 or pc.all(pc.greater(present[1:], present[:-1])).as_py()
                self.rises.append((rising, present[0].as_py(), present[-1].as_py()))

    def shifted(self, offset: int) -> KeyColumn:
        return KeyColumn(self.parts, [rows + offset for rows in self.rows], self.watch_order, self.rises)

    def extend(self, other: KeyColumn) -> None:
        self.parts += other.parts
        self.rows += other.rows
        self.rises += other.rises
        self.watch_order = self.watch_order and other.watch_order

    def rises_throughout(self) -> bool:
        """Every key greater than the one before it, part after part (so no key repeats)."""
        if not self.watch_order or len(self.rises) != len(self.parts):
            return False
        last = None
        for rising, first, final in self.rises:
            if not rising:
                return False
            if first is not None:
                if last is not None and not first > last:
                    return False
                last = final
        return True

    def table(self) -> pa.Table:
        keys = pa.chunked_array(self.parts, pa.string()) if self.parts else pa.chunked_array([], pa.string())
        rows = np.concatenate(self.rows) if self.rows else np.array([], dtype=np.int64)
        return pa.table({"key": keys, "row": pa.array(rows, pa.int64())})


def composite(columns: list[pa.Array], strings: list[bool]) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """(key text, all parts null, any part null) for a key of one or more fields.

    A composite key writes each part with its length, and a string part (`strings`) with an "s" before
    it, so a bare string never meets another kind's text ("n:1"), while a null part ("\x00") meets a
    null part of any kind, as None meets None in frictionless's tuples.
    """
    nulls = [
        column.is_null().to_numpy(zero_copy_only=False) if column.null_count else np.zeros(len(column), bool)
        for column in columns
    ]
    all_null = np.logical_and.reduce(nulls)
    any_null = np.logical_or.reduce(nulls)
    if len(columns) == 1:
        return columns[0], all_null, any_null
    encoded = [
        pc.fill_null(
            pc.binary_join_element_wise(
                *(["s"] if string else []), pc.cast(pc.utf8_length(column), pa.string()), column, ":"
            ),
            "\x00",
        )
        for column, string in zip(columns, strings)
    ]
    joined = pc.binary_join_element_wise(*encoded, "|")
    never = [
        pc.fill_null(pc.starts_with(column, NEVER_EQUAL), False).to_numpy(zero_copy_only=False)
        for column, string in zip(columns, strings)
        if not string
    ]
    never = np.logical_or.reduce(never) if never else None
    if never is not None and never.any():  # a NaN part: the whole tuple equals nothing, itself included
        texts = joined.to_numpy(zero_copy_only=False)
        texts[never] = [never_equal_key() for _ in range(int(never.sum()))]
        joined = pa.array(texts, pa.string())
    return joined, all_null, any_null


def duplicates(key: KeyColumn) -> list[tuple[int, int]]:
    """(row, first row with the same key) for every non-null key seen before, in row order.

    A file sorted by its key (the usual case) is told by one vectorised comparison, and its repeats
    are neighbours. Otherwise one hash table of the keys (a dictionary encoding) counts each key.
    """
    if key.rises_throughout():
        return []
    table = key.table()
    table = table.filter(pc.is_valid(table["key"]))
    if table.num_rows < 2:
        return []
    texts = table["key"].combine_chunks()
    if pc.all(pc.greater_equal(texts[1:], texts[:-1])).as_py():
        twins = pc.equal(texts[1:], texts[:-1])
        if not pc.any(twins).as_py():
            return []
        repeated = pc.is_in(texts, value_set=pc.unique(texts[1:].filter(twins)))
    else:
        indices = pc.dictionary_encode(texts).indices.to_numpy(zero_copy_only=False)
        counts = np.bincount(indices)
        if counts.max() < 2:
            return []
        repeated = pa.array(counts[indices] > 1)
    chosen = table.filter(repeated).sort_by("row")  # ragged rows come last
    first: dict[str, int] = {}
    pairs = []
    for text, row in zip(chosen["key"].to_pylist(), chosen["row"].to_pylist()):
        if text in first:
            pairs.append((row, first[text]))
        else:
            first[text] = row
    return sorted(pairs)


def missing_from(
    child: KeyColumn, parent: KeyColumn, spread=map, bare: bool = False
) -> list[tuple[int, str]]:
    """(row, key) of every non-null child key that no parent row has; `spread` may map over threads.

    A parent's NaN key is left out of the lookup, so that a self-reference's NaN does not find itself;
    unless the keys are `bare` strings (one string field), which have no NaN and may start as one does.
    """
    lookup = (
        pa.chunked_array(parent.parts, pa.string()).unique().drop_null()
        if parent.parts
        else pa.array([], pa.string())
    )
    if not bare:
        lookup = lookup.filter(pc.invert(pc.starts_with(lookup, NEVER_EQUAL)))

    def absent(keys: pa.Array, rows: np.ndarray) -> list[tuple[int, str]]:
        found = pc.is_in(keys, value_set=lookup)
        if keys.null_count:
            found = pc.or_(found, pc.is_null(keys))
        if pc.all(found).as_py():
            return []
        positions = np.flatnonzero(~found.to_numpy(zero_copy_only=False))
        return list(zip(rows[positions].tolist(), keys.take(pa.array(positions)).to_pylist()))

    return sorted(pair for pairs in spread(absent, child.parts, child.rows) for pair in pairs)
