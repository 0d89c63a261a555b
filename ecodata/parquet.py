"""Each resource as a Parquet file: typed batches streamed in, one row group each, rows in key order.

Rows already in primary-key order (as curated files are) stream straight through, so memory stays flat
however many rows there are; a file in another order is sorted once written (the whole table in memory,
Arrow's, never Python objects).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .batches import BATCH_ROWS, MixedColumn, typed_batches
from .package import Package
from .tables import read_table, sorted_by_key

COMPRESSION = "zstd"


def write_parquet(package: Package, name: str, target: Path) -> None:
    key = package.table(name)["schema"].get("primaryKey") or []
    try:
        in_order = stream(typed_batches(package, name), target, key)
    except MixedColumn:  # a column whose type only all its values decide: read whole
        in_order = False
        write(read_table(package, name), target)
    if in_order is None:  # no rows: the types come from the schema alone
        write(read_table(package, name), target)
    elif not in_order:
        write(sorted_by_key(pq.read_table(target), key), target)


def write(table: pa.Table, target: Path) -> None:
    pq.write_table(table, target, compression=COMPRESSION, row_group_size=BATCH_ROWS)


def stream(batches, target: Path, key: list[str]) -> bool | None:
    """Write the batches as row groups; True when their rows were already in key order, None for none."""
    writer = None
    in_order, last = True, None
    try:
        for batch in batches:
            if writer is None:
                writer = pq.ParquetWriter(target, batch.schema, compression=COMPRESSION)
            writer.write_batch(batch, row_group_size=BATCH_ROWS)
            if in_order and key:
                in_order, last = ordered(batch, key, last)
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
