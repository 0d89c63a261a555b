"""Each resource as a Parquet file: typed batches streamed in, one row group each, rows in key order.

Rows already in primary-key order (as curated files are) stream straight through, and on into SQLite,
so memory stays flat however many rows there are; a file in another order is sorted once written (the
whole table in memory, Arrow's, never Python objects).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..package import Package
from ..validate.batches import BATCH_ROWS, MixedColumn, typed_batches
from ..validate.tables import read_table, sorted_by_key

COMPRESSION = "zstd"


class ParquetWrite:
    """Writes a resource to a Parquet file as it is iterated, handing over each batch once written while
    the rows come in primary-key order. Afterwards `in_order` says whether every row was handed over;
    if not (rows out of key order, a column typed by all its values), the file holds them all, sorted."""

    def __init__(self, package: Package, name: str, target: Path):
        self.package, self.name, self.target = package, name, target
        self.in_order = False

    def __iter__(self) -> Iterator[pa.RecordBatch]:
        key = self.package.table(self.name)["schema"].get("primaryKey") or []
        try:
            in_order = yield from stream(typed_batches(self.package, self.name), self.target, key)
        except MixedColumn:  # a column whose type only all its values decide: read whole
            in_order = False
            write(read_table(self.package, self.name), self.target)
        if in_order is None:  # no rows: the types come from the schema alone
            in_order = True
            write(read_table(self.package, self.name), self.target)
        elif not in_order:
            write(sorted_by_key(pq.read_table(self.target), key), self.target)
        self.in_order = in_order


def write(table: pa.Table, target: Path) -> None:
    pq.write_table(table, target, compression=COMPRESSION, row_group_size=BATCH_ROWS)


def stream(batches, target: Path, key: list[str]) -> Iterator[pa.RecordBatch]:
    """Write the batches as row groups, yielding each while their rows are in key order; returns whether
    they all were, None for no rows."""
    writer = None
    in_order, last = True, None
    try:
        for batch in batches:
            if writer is None:
                writer = pq.ParquetWriter(target, batch.schema, compression=COMPRESSION)
            writer.write_batch(batch, row_group_size=BATCH_ROWS)
            if in_order and key:
                in_order, last = ordered(batch, key, last)
            if in_order:
                yield batch
    finally:
        if writer is not None:
            writer.close()
    return None if writer is None else in_order


def ordered(batch: pa.RecordBatch, key: list[str], last) -> tuple[bool, object]:
    """Whether a single-field key keeps rising in this batch and from the last batch's last key."""
    if len(key) != 1 or not len(batch):
        return len(batch) == 0, last
    column = batch.column(key[0])
    try:
        rising = len(column) < 2 or pc.all(pc.less(column[:-1], column[1:])).as_py()
        first = column[0]
        rising = rising and (last is None or pc.less(last, first).as_py())
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        return False, last
    return bool(rising), column[-1]
