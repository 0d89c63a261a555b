"""Write the package's typed tables into one SQLite database with keys and indexes (via sqlite-utils).

Resources come as frictionless normalises them (`Package.tables`): keys are lists, schemas inlined.
SQLite has no date, struct or list type: dates and times are ISO 8601 text, a yearmonth `YYYY-MM`, a
geopoint `lon,lat`, lists and objects JSON.
"""

from __future__ import annotations

import datetime
import json
from contextlib import contextmanager
from pathlib import Path

from .metadata import bilingual_label
from .package import Package

BATCH_ROWS = 10_000
MAX_PARAMETERS = 999  # in one statement: the smallest limit a SQLite build may have
SQLITE_TYPES = {"integer": int, "year": int, "number": float, "boolean": int}


def foreign_keys(resource: dict) -> list[tuple[str, str, str]]:
    """Single-column foreign keys as (column, other_table, other_column); '' means the same table.

    A composite key is left to the package's validation: SQLite would need a composite unique index."""
    pairs = []
    for key in resource["schema"].get("foreignKeys", []):
        reference = key["reference"]
        if len(key["fields"]) == 1:
            pairs.append(
                (key["fields"][0], reference.get("resource") or resource["name"], reference["fields"][0])
            )
    return pairs


def creation_order(package: Package) -> list[dict]:
    """Referenced tables before the tables that point at them, otherwise in descriptor order.

    Deterministic on purpose (no set iteration): the database bytes depend on the creation order.
    """
    pending = list(package.tables)
    ordered: list[dict] = []
    while pending:
        created = {r["name"] for r in ordered}
        ready = next(
            (
                r
                for r in pending
                if all(other in created or other == r["name"] for _, other, _ in foreign_keys(r))
            ),
            pending[0],  # a reference cycle: SQLite does not enforce foreign keys at creation, so go on
        )
        ordered.append(ready)
        pending.remove(ready)
    return ordered


def sqlite_value(value):
    if isinstance(value, dict):
        if value.keys() == {"year", "month"}:
            return f"{value['year']:04d}-{value['month']:02d}"
        if value.keys() == {"lon", "lat"}:
            return f"{value['lon']},{value['lat']}"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def add_bilingual_label(database, table: str, chinese: str, english: str) -> None:
    """A generated `label` column (中文 · English): Datasette shows it wherever a foreign key links here."""
    database.execute(
        f'ALTER TABLE "{table}" ADD COLUMN label TEXT GENERATED ALWAYS AS '
        f"""(coalesce("{chinese}", '') || ' · ' || coalesce("{english}", '')) VIRTUAL"""
    )


def sqlite_columns(batch) -> list[list]:
    """A record batch's columns as SQLite values: vectorised casts for the common types."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = []
    for column in batch.columns:
        kind = column.type
        if pa.types.is_boolean(kind):
            column = pc.cast(column, pa.int8())
        elif pa.types.is_date(kind):
            column = pc.cast(column, pa.string())
        values = column.to_pylist()
        if not (
            pa.types.is_integer(column.type)
            or pa.types.is_floating(column.type)
            or pa.types.is_string(column.type)
        ):
            values = [sqlite_value(value) for value in values]
        columns.append(values)
    return columns


@contextmanager
def new_database(path: Path):
    """A new database (sqlite-utils), committed and closed on the way out. It is written once, in a
    staging folder, by this connection alone: no journal, no syncs, no lock taken per statement."""
    import sqlite_utils

    database = sqlite_utils.Database(path)
    try:
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "locking_mode = EXCLUSIVE"):
            database.execute(f"PRAGMA {pragma}")
        yield database
        database.conn.commit()  # no VACUUM: a new file with only inserts has no free pages to reclaim
    finally:
        database.close()


class TableLoad:
    """One resource's table: created, filled a batch at a time in primary-key order, then indexed
    (`finish`): an index built once over all rows is faster than one kept up row by row."""

    def __init__(self, database, resource: dict):
        schema = resource["schema"]
        columns = {f["name"]: SQLITE_TYPES.get(f.get("type"), str) for f in schema["fields"]}
        primary_key = schema.get("primaryKey")
        self.database, self.resource = database, resource
        self.table = database[resource["name"]]
        self.table.create(columns, pk=tuple(primary_key) if primary_key else None, foreign_keys=self.keys)
        self.width = len(columns)
        self.rows_per_insert = max(1, MAX_PARAMETERS // self.width)
        names = ", ".join(f'"{name}"' for name in columns)
        into, row = f'INSERT INTO "{resource["name"]}" ({names}) VALUES ', f"({', '.join('?' * self.width)})"
        self.insert_one, self.insert_many = into + row, into + ", ".join([row] * self.rows_per_insert)

    @property
    def keys(self) -> list[tuple[str, str, str]]:
        return foreign_keys(self.resource)

    def add(self, batch) -> None:
        """Insert a record batch's rows, BATCH_ROWS at a time (Python values for only so many rows), as
        many rows per INSERT statement as its parameters allow: a third less time than one row each."""
        import numpy as np

        for start in range(0, batch.num_rows, BATCH_ROWS):
            columns = sqlite_columns(batch.slice(start, BATCH_ROWS))
            cells = np.empty((len(columns[0]), self.width), dtype=object)  # rows of Python values
            for index, column in enumerate(columns):
                cells[:, index] = column
            whole = len(cells) - len(cells) % self.rows_per_insert
            statements = cells[:whole].reshape(-1, self.width * self.rows_per_insert)
            self.database.conn.executemany(self.insert_many, statements.tolist())
            self.database.conn.executemany(self.insert_one, cells[whole:].tolist())

    def reload(self, parquet: Path) -> None:
        """Replace the rows with those of a Parquet file (in key order)."""
        import pyarrow.parquet as pq

        self.database.execute(f'DELETE FROM "{self.resource["name"]}"')
        for batch in pq.ParquetFile(parquet).iter_batches(batch_size=BATCH_ROWS):
            self.add(batch)

    def finish(self) -> None:
        for column, _, _ in self.keys:
            self.table.create_index([column], find_unique_name=True)
        if labels := bilingual_label(self.resource):
            add_bilingual_label(self.database, self.resource["name"], *labels)
