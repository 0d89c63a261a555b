"""Write the package's typed tables into one SQLite database with keys and indexes (via sqlite-utils).

Resources come as frictionless normalises them (`Package.tables`): keys are lists, schemas inlined.
SQLite has no date, struct or list type: dates and times are ISO 8601 text, a yearmonth `YYYY-MM`, a
geopoint `lon,lat`, lists and objects JSON.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from .metadata import bilingual_label
from .package import Package

BATCH_ROWS = 10_000
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


def write_database(package: Package, parquet: dict, path: Path) -> None:
    """`parquet`: each resource's Parquet file, rows in primary-key order, loaded batch by batch."""
    import pyarrow.parquet as pq
    import sqlite_utils

    database = sqlite_utils.Database(path)
    database.execute("PRAGMA journal_mode = OFF")  # a new file in a staging folder: nothing to roll back to
    database.execute("PRAGMA synchronous = OFF")
    for resource in creation_order(package):
        schema = resource["schema"]
        columns = {f["name"]: SQLITE_TYPES.get(f.get("type"), str) for f in schema["fields"]}
        primary_key = schema.get("primaryKey")
        keys = foreign_keys(resource)
        table = database[resource["name"]]
        table.create(columns, pk=tuple(primary_key) if primary_key else None, foreign_keys=keys)
        names = ", ".join(f'"{name}"' for name in columns)
        insert = f'INSERT INTO "{resource["name"]}" ({names}) VALUES ({", ".join("?" * len(columns))})'
        for batch in pq.ParquetFile(parquet[resource["name"]]).iter_batches(batch_size=BATCH_ROWS):
            database.conn.executemany(insert, zip(*sqlite_columns(batch)))
        for column, _, _ in keys:
            table.create_index([column], find_unique_name=True)
        if labels := bilingual_label(resource):
            add_bilingual_label(database, resource["name"], *labels)
    database.conn.commit()  # no VACUUM: a new file with only inserts has no free pages to reclaim
    database.close()
