"""Write the package's typed rows into one SQLite database with keys and indexes (via sqlite-utils)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from .metadata import has_bilingual_labels
from .package import Package

SQLITE_TYPES = {"integer": int, "year": int, "number": float, "boolean": int}


def foreign_keys(resource: dict) -> list[tuple[str, str, str]]:
    """Single-column foreign keys as (column, other_table, other_column); '' means the same table."""
    pairs = []
    for key in resource["schema"].get("foreignKeys", []):
        columns = key["fields"] if isinstance(key["fields"], list) else [key["fields"]]
        reference = key["reference"]
        targets = reference["fields"] if isinstance(reference["fields"], list) else [reference["fields"]]
        other = reference.get("resource") or resource["name"]
        pairs += [(column, other, target) for column, target in zip(columns, targets)]
    return pairs


def creation_order(package: Package) -> list[dict]:
    """Referenced tables before the tables that point at them, otherwise in descriptor order.

    Deterministic on purpose (no set iteration): the database bytes depend on the creation order.
    """
    pending = list(package.resources)
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
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def add_bilingual_label(database, table: str) -> None:
    """A generated `label` column (中文 · English): Datasette shows it wherever a foreign key links here."""
    database.execute(
        f'ALTER TABLE "{table}" ADD COLUMN label TEXT GENERATED ALWAYS AS '
        "(coalesce(label_zh, '') || ' · ' || coalesce(label_en, '')) VIRTUAL"
    )


def write_database(package: Package, rows_by_resource: dict[str, list[dict]], path: Path) -> None:
    import sqlite_utils

    database = sqlite_utils.Database(path)
    for resource in creation_order(package):
        schema = resource["schema"]
        columns = {f["name"]: SQLITE_TYPES.get(f.get("type"), str) for f in schema["fields"]}
        primary_key = schema.get("primaryKey")
        keys = foreign_keys(resource)
        table = database[resource["name"]]
        table.create(columns, pk=tuple(primary_key) if primary_key else None, foreign_keys=keys)
        rows = rows_by_resource[resource["name"]]
        table.insert_all(({k: sqlite_value(v) for k, v in row.items()} for row in rows), batch_size=1000)
        for column, _, _ in keys:
            table.create_index([column], find_unique_name=True)
        if has_bilingual_labels(resource):
            add_bilingual_label(database, resource["name"])
    database.vacuum()
    database.close()
