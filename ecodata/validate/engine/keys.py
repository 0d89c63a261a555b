"""Unique, primary and foreign keys over whole resources, as Arrow arrays of key texts.

Each row's key is the text `canonical` gives its typed value: two values share a text exactly when
Python finds them equal (composite keys join the parts with their lengths, so no two different tuples
share a text). The arrays stay compact — one text per row, no Python objects — and duplicates are
found with a hash table in Arrow, not a dict of every value. `KeyName` says which key of a resource a
column of texts is: its primary key, a unique field, a `uniqueKeys` entry, a foreign key, or the
fields one references.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .cells import DEFAULT_TYPE, STRING_KINDS
from .constraints import utc_offset

KEPT_WHILE_RISING = 8 << 20  # bytes of a rising key's texts kept; past them, only its last key is
PLAIN_DIGITS = 1000  # a number key is written in plain digits up to this power of ten, in E notation beyond


def canonical(value: Any) -> str | None:
    """A text that two values of one kind share exactly when Python finds them equal (1 == 1.0 == Decimal("1.00")).

    Unique, primary and foreign keys compare these, so the vectorised spellings in columns.py must
    produce the very same text for the same value. A string is its own text (no copy to build for
    the commonest key); every other kind carries a prefix ("n:", "d:", ...). So a string and a value
    of another kind can share a text: compare keys of one kind only (see `strings_meet_others`).
    """
    if value is None:
        return None
    if isinstance(value, bool | int | Decimal | float):
        return number_key(Decimal(value))  # one spelling per value: integer 10**1000 meets number 1e1000
    if isinstance(value, str):
        return value  # bare: a key column is of one kind, and foreign keys across kinds never match
    if isinstance(value, datetime):
        offset = utc_offset(value)
        if offset is None:
            return f"dt:{value.isoformat()}"
        naive = value.replace(tzinfo=None)
        try:
            return f"dtz:{(naive - offset).isoformat()}"  # the UTC moment
        except OverflowError:  # a UTC moment before year 1 or after 9999, which Python still compares
            return f"dtz:{(naive - datetime.min - offset) // timedelta(microseconds=1)}"
    if isinstance(value, date):
        return f"d:{value.isoformat()}"
    if isinstance(value, time):
        offset = utc_offset(value)
        if offset is None:
            return f"t:{value.isoformat()}"
        moment = datetime.combine(date(2000, 1, 1), value.replace(tzinfo=None)) - offset
        return f"tz:{moment.isoformat()}"
    if isinstance(value, timedelta):
        return f"td:{value // timedelta(microseconds=1)}"
    if isinstance(value, tuple):
        return (
            "("
            + ",".join(f"s:{item}" if isinstance(item, str) else str(canonical(item)) for item in value)
            + ")"
        )
    if isinstance(value, dict | list):
        return f"j:{json.dumps(value, sort_keys=True, default=str)}"
    import isodate  # only a duration cell makes a value of no kind above, and it imported isodate

    if isinstance(value, isodate.Duration):  # frictionless's dicts meet two when (tdelta, months, years) do
        micro = value.tdelta // timedelta(microseconds=1)
        return f"du:{micro}:{number_key(Decimal(value.months))}:{number_key(Decimal(value.years))}"
    return f"o:{value!r}"


NEVER_EQUAL = "nan:"  # how a key that equals nothing starts: no other key of a non-string kind does


class NeverEqual:
    """Keys no other key equals, even one made in another process: the parts of a multipart resource
    are read in a process pool or on Dask workers, and their keys then meet in one table."""

    def __init__(self):
        self.state = (None, "", itertools.count())  # (pid, prefix, counter), swapped whole: threads share it

    def __call__(self) -> str:
        pid, prefix, counter = self.state
        if pid != os.getpid():  # a forked process would repeat its parent's keys
            pid, prefix, counter = self.state = (
                os.getpid(),
                f"{NEVER_EQUAL}{secrets.token_hex(8)}:",
                itertools.count(),
            )
        return f"{prefix}{next(counter)}"


never_equal_key = NeverEqual()


def strings_meet_others(fields: list[dict], others: list[dict]) -> bool:
    """Whether a key of `fields` compares, somewhere, a string with a value of another kind: never equal."""
    return any(
        (field.get("type", DEFAULT_TYPE) in STRING_KINDS) != (other.get("type", DEFAULT_TYPE) in STRING_KINDS)
        for field, other in zip(fields, others)
    )


def number_key(value: Decimal) -> str:
    """`n:` and the value's shortest exact spelling: 1.50 → n:1.5, 1E+2 → n:100, -0 → n:0.

    Built from the digits, not through a decimal context, which would round past 28 digits and
    overflow past 10**999999; beyond PLAIN_DIGITS the spelling is in E notation, not written out.
    """
    if value.is_nan():
        return never_equal_key()  # NaN equals nothing, not even itself
    if value.is_infinite():
        return "n:inf" if value > 0 else "n:-inf"
    if value.is_zero():
        return "n:0"
    sign, digits, exponent = value.as_tuple()
    written = "".join(map(str, digits))
    significant = written.rstrip("0")
    exponent += len(written) - len(significant)  # value = ±significant × 10**exponent
    minus = "-" if sign else ""
    if abs(exponent) + len(significant) > PLAIN_DIGITS:
        return f"n:{minus}{significant}E{exponent}"
    if exponent >= 0:
        return f"n:{minus}{significant}{'0' * exponent}"
    point = len(significant) + exponent  # digits before the decimal point
    if point > 0:
        return f"n:{minus}{significant[:point]}.{significant[point:]}"
    return f"n:{minus}0.{'0' * -point}{significant}"


class KeyKind(Enum):
    """What a key collected from a resource's rows is for."""

    PRIMARY = "primaryKey"
    UNIQUE = "unique"  # a field's `unique` constraint
    UNIQUE_KEYS = "uniqueKeys"
    FOREIGN = "foreignKey"  # this resource's foreign key: the values looked up
    REFERENCED = "referenced"  # the fields some foreign key references: the values looked up in


@dataclass(frozen=True)
class KeyName:
    """Which key of a resource: its kind, and what tells it from another of that kind — the field
    (UNIQUE), the index in the schema's `uniqueKeys` or `foreignKeys` (UNIQUE_KEYS, FOREIGN) or the
    fields referenced (REFERENCED). Keys the dicts of key columns."""

    kind: KeyKind
    detail: str | int | tuple[str, ...] = ""

    @property
    def must_not_repeat(self) -> bool:
        """Primary keys, unique fields and uniqueKeys must not repeat; foreign keys and their targets may."""
        return self.kind in (KeyKind.PRIMARY, KeyKind.UNIQUE, KeyKind.UNIQUE_KEYS)


PRIMARY_KEY = KeyName(KeyKind.PRIMARY)


def foreign_key(index: int) -> KeyName:
    """The key of the schema's foreign key at `index`: the values to look up."""
    return KeyName(KeyKind.FOREIGN, index)


def referenced_key(fields: list[str]) -> KeyName:
    """The key a foreign key looks its values up in: the referenced resource's `fields`."""
    return KeyName(KeyKind.REFERENCED, tuple(fields))


@dataclass
class KeyColumn:
    """One key's texts and row numbers, batch after batch.

    A key that must not repeat (`watch_order`) is also followed as it comes: while its keys never
    fall, its repeats are neighbours, noted at once in `pairs`. Unless told to `keep` its texts, such
    a column lets them go past KEPT_WHILE_RISING, so a sorted key costs no memory per row. Should its
    keys fall after that, the texts are `lost`, and the file must be read again with `keep`
    (resources.check_resource does).
    """

    parts: list[pa.Array] = field(default_factory=list)
    rows: list[np.ndarray] = field(default_factory=list)
    watch_order: bool = False
    keep: bool = True
    rising: bool = True  # each key so far at least the one before it, in row order
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (row, first row) of repeats while rising
    last: tuple[str, int, int] | None = None  # the last key, the first row it is on, the last row seen
    by_value: bool | None = None  # the order followed: of numbers, or (False) of texts
    let_go: bool = False  # texts let go while rising
    lost: bool = False  # ...and needed since

    def add(self, keys: pa.Array, rows: np.ndarray) -> None:
        if not (self.let_go or self.lost):
            self.parts.append(keys)
            self.rows.append(rows)
        if self.watch_order and self.rising and len(rows):
            self.follow(keys, rows)

    def follow(self, keys: pa.Array, rows: np.ndarray) -> None:
        """Note the repeats of a batch that keeps the keys rising, or that they no longer rise."""
        if rows[0] <= (self.last[2] if self.last else -1):  # rows out of order (a ragged row's batch)
            return self.stop_rising()
        if keys.null_count:
            present = pc.is_valid(keys)
            keys, rows = keys.filter(present), rows[present.to_numpy(zero_copy_only=False)]
        if not len(keys):
            return
        chained = pa.concat_arrays([pa.array([self.last[0]], pa.string()), keys]) if self.last else keys
        if self.by_value is None:  # numbers rise by value, not as texts ("n:10" < "n:9")
            self.by_value = number_values(keys) is not None
        if not never_fall(chained, self.by_value):
            return self.stop_rising()
        repeat = pc.equal(chained[1:], chained[:-1]).to_numpy(zero_copy_only=False)
        if self.last is None:
            repeat = np.concatenate([[False], repeat])
        first = int(rows[-1])
        if repeat.any():  # a repeated key's first row is where its run of equal neighbours starts
            starts = np.where(repeat, -1, rows)
            if repeat[0]:
                starts[0] = self.last[1]
            firsts = np.maximum.accumulate(starts)
            self.pairs += list(zip(rows[repeat].tolist(), firsts[repeat].tolist()))
            first = int(firsts[-1])
        self.last = (keys[-1].as_py(), first, int(rows[-1]))
        if not self.keep and not self.let_go and self.kept_bytes() > KEPT_WHILE_RISING:
            self.parts, self.rows, self.let_go = [], [], True

    def stop_rising(self) -> None:
        self.rising, self.pairs = False, []
        if self.let_go:
            self.lost, self.parts, self.rows = True, [], []

    def kept_bytes(self) -> int:
        return sum(part.nbytes for part in self.parts) + sum(rows.nbytes for rows in self.rows)

    def shifted(self, offset: int) -> KeyColumn:
        return dataclasses.replace(
            self,
            rows=[rows + offset for rows in self.rows],
            pairs=[(row + offset, first + offset) for row, first in self.pairs],
            last=(self.last[0], self.last[1] + offset, self.last[2] + offset) if self.last else None,
        )

    def extend(self, other: KeyColumn) -> None:
        """Another batch's or part's keys, which come after these."""
        for keys, rows in zip(other.parts, other.rows):
            self.add(keys, rows)
        self.lost = self.lost or other.lost

    def table(self) -> pa.Table:
        keys = pa.chunked_array(self.parts, pa.string()) if self.parts else pa.chunked_array([], pa.string())
        rows = np.concatenate(self.rows) if self.rows else np.array([], dtype=np.int64)
        return pa.table({"key": keys, "row": pa.array(rows, pa.int64())})


def never_fall(texts: pa.Array, by_value: bool) -> bool:
    """Each key at least the one before: as texts, or `by_value` as numbers ("n:…"), where two
    texts of one rounded float must be the same text (they may be two numbers)."""
    earlier, later = texts[:-1], texts[1:]
    if not by_value:
        return pc.all(pc.greater_equal(later, earlier)).as_py()
    values = number_values(texts)
    if values is None:
        return False
    return pc.all(pc.or_(pc.greater(values[1:], values[:-1]), pc.equal(later, earlier))).as_py()


def number_values(texts: pa.Array) -> pa.Array | None:
    """The numbers of keys that are all "n:…", else None."""
    if not pc.all(pc.starts_with(texts, "n:")).as_py():
        return None
    try:
        return pc.cast(pc.utf8_slice_codeunits(texts, 2), pa.float64())
    except pa.ArrowInvalid:
        return None


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
    if key.watch_order and key.rising:
        return sorted(key.pairs)
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


def missing_from(child: KeyColumn, lookup: pa.Array, spread=map) -> list[tuple[int, str]]:
    """(row, key) of every non-null child key not in `lookup` (lookup_of); `spread` may map over threads."""

    def absent(keys: pa.Array, rows: np.ndarray) -> list[tuple[int, str]]:
        keys, rows = keys_missing(keys, rows, lookup)
        return list(zip(rows.tolist(), keys.to_pylist()))

    return sorted(pair for pairs in spread(absent, child.parts, child.rows) for pair in pairs)


def lookup_of(parent: KeyColumn, bare: bool = False) -> pa.Array:
    """The distinct keys of a parent, less NaN keys, so that a self-reference's NaN does not find itself;
    unless the keys are `bare` strings (one string field), which have no NaN and may start as one does."""
    lookup = (
        pa.chunked_array(parent.parts, pa.string()).unique().drop_null()
        if parent.parts
        else pa.array([], pa.string())
    )
    if not bare:
        lookup = lookup.filter(pc.invert(pc.starts_with(lookup, NEVER_EQUAL)))
    return lookup


def keys_missing(keys: pa.Array, rows: np.ndarray, lookup: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """The non-null keys not in `lookup`, and their rows."""
    found = pc.is_in(keys, value_set=lookup)
    if keys.null_count:
        found = pc.or_(found, pc.is_null(keys))
    if pc.all(found).as_py():  # a new empty array: a slice of `keys` would keep its buffers alive
        return pa.array([], pa.string()), rows[:0].copy()
    positions = np.flatnonzero(~found.to_numpy(zero_copy_only=False))
    return keys.take(pa.array(positions)), rows[positions]
