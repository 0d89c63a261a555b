"""Write the package's typed tables into one SQLite database with keys and indexes (via sqlite-utils).

Resources come as frictionless normalises them (`Package.tables`): keys are lists, schemas inlined.
SQLite has no date, struct or list type: dates and times are ISO 8601 text, a yearmonth `YYYY-MM`, a
geopoint `lon,lat`, lists and objects JSON.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from .metadata import has_bilingual_labels
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


def add_bilingual_label(database, table: str) -> None:
    """A generated `label` column (中文 · English): Datasette shows it wherever a foreign key links here."""
    database.execute(
        f'ALTER TABLE "{table}" ADD COLUMN label TEXT GENERATED ALWAYS AS '
        "(coalesce(label_zh, '') || ' · ' || coalesce(label_en, '')) VIRTUAL"
    )


def write_database(package: Package, tables: dict, path: Path) -> None:
    """`tables`: each resource's typed Arrow table, in primary-key order."""
    import sqlite_utils

    database = sqlite_utils.Database(path)
    for resource in creation_order(package):
        schema = resource["schema"]
        columns = {f["name"]: SQLITE_TYPES.get(f.get("type"), str) for f in schema["fields"]}
        primary_key = schema.get("primaryKey")
        keys = foreign_keys(resource)
        table = database[resource["name"]]
        table.create(columns, pk=tuple(primary_key) if primary_key else None, foreign_keys=keys)
        names = ", ".join(f'"{name}"' for name in columns)
        insert = f'INSERT INTO "{resource["name"]}" ({names}) VALUES ({", ".join("?" * len(columns))})'
        for batch in tables[resource["name"]].to_batches(max_chunksize=BATCH_ROWS):
            database.conn.executemany(
                insert, [tuple(sqlite_value(value) for value in row.values()) for row in batch.to_pylist()]
            )
        for column, _, _ in keys:
            table.create_index([column], find_unique_name=True)
        if has_bilingual_labels(resource):
            add_bilingual_label(database, resource["name"])
    database.conn.commit()
    database.vacuum()
    database.close()
