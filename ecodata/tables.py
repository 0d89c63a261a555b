"""Read a validated CSV resource into a typed Arrow table, following its Table Schema.

Only used on packages that passed validation, so a cell that does not convert is a bug, not user input.
"""

from __future__ import annotations

import csv
import datetime
import json
from pathlib import Path

import pyarrow as pa

from .package import Package

ARROW_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "year": pa.int64(),
    "list": pa.list_(pa.string()),
}


def arrow_type(field: dict) -> pa.DataType:
    return ARROW_TYPES.get(field.get("type", "string"), pa.string())


def convert(text: str, field: dict):
    kind = field.get("type", "string")
    if kind in ("integer", "year"):
        return int(text)
    if kind == "number":
        return float(text)
    if kind == "boolean":
        return text in field.get("trueValues", ["true", "True", "TRUE", "1"])
    if kind == "date":
        return datetime.date.fromisoformat(text)
    if kind == "list":
        return text.split(field.get("delimiter", ","))
    return text


def arrow_schema(resource: dict) -> pa.Schema:
    fields = []
    for field in resource["schema"]["fields"]:
        metadata = {"description": field.get("description", "")}
        if "categories" in field:
            metadata["categories"] = json.dumps(field["categories"], ensure_ascii=False)
        fields.append(pa.field(field["name"], arrow_type(field), metadata=metadata))
    return pa.schema(fields, metadata={"resource": resource["name"], "title": resource.get("title", "")})


def read_rows(path: Path, resource: dict) -> list[dict]:
    """Typed rows as dicts, sorted by primary key (missing values become None)."""
    schema = resource["schema"]
    fields = {field["name"]: field for field in schema["fields"]}
    missing = set(schema.get("missingValues", [""]))
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = [
            {name: None if row[name] in missing else convert(row[name], fields[name]) for name in fields}
            for row in csv.DictReader(handle)
        ]
    key = schema.get("primaryKey") or list(fields)[:1]
    key = [key] if isinstance(key, str) else key
    return sorted(rows, key=lambda row: tuple(str(row[name]) for name in key))


def read_table(package: Package, resource: dict) -> tuple[pa.Table, list[dict]]:
    rows = read_rows(package.resource_path(resource), resource)
    schema = arrow_schema(resource)
    columns = {name: [row[name] for row in rows] for name in schema.names}
    return pa.table(columns, schema=schema), rows
