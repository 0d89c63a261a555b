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


@dataclass
class KeyColumn:
    """One key's texts and row numbers, batch after batch."""

    parts: list[pa.Array] = field(default_factory=list)
    rows: list[np.ndarray] = field(default_factory=list)

    def add(self, keys: pa.Array, rows: np.ndarray) -> None:
        self.parts.append(keys)
        self.rows.append(rows)

    def shifted(self, offset: int) -> KeyColumn:
        return KeyColumn(self.parts, [rows + offset for rows in self.rows])

    def extend(self, other: KeyColumn) -> None:
        self.parts += other.parts
        self.rows += other.rows

    def table(self) -> pa.Table:
        keys = pa.chunked_array(self.parts, pa.string()) if self.parts else pa.chunked_array([], pa.string())
        rows = np.concatenate(self.rows) if self.rows else np.array([], dtype=np.int64)
        return pa.table({"key": keys, "row": pa.array(rows, pa.int64())})


def composite(columns: list[pa.Array]) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """(key text, all parts null, any part null) for a key of one or more fields."""
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
            pc.binary_join_element_wise(pc.cast(pc.utf8_length(column), pa.string()), column, ":"), "\x00"
        )
        for column in columns
    ]
    return pc.binary_join_element_wise(*encoded, "|"), all_null, any_null


def duplicates(key: KeyColumn) -> list[tuple[int, int]]:
    """(row, first row with the same key) for every non-null key seen before, in row order.

    A file sorted by its key (the usual case) is told by one vectorised comparison, and its repeats
    are neighbours. Otherwise one hash table of the keys (a dictionary encoding) counts each key.
    """
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


def missing_from(child: KeyColumn, parent: KeyColumn) -> list[tuple[int, str]]:
    """(row, key) of every non-null child key that no parent row has."""
    table = child.table()
    table = table.filter(pc.is_valid(table["key"]))
    lookup = parent.table()["key"].drop_null().unique() if parent.parts else pa.array([], pa.string())
    absent = table.filter(pc.invert(pc.is_in(table["key"], value_set=lookup)))
    return sorted(zip(absent["row"].to_pylist(), absent["key"].to_pylist()))
