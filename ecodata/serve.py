"""Datasette for a built package: metadata generated from datapackage.json, locked-down settings.

The same `make_datasette` serves `ecodata serve` and the in-process tests, so the tests exercise exactly
what users get.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from .package import Package

# Declared as data, like Datasette's own settings.
SETTINGS = {
    "sql_time_limit_ms": 1000,
    "max_returned_rows": 1000,
    "allow_csv_stream": False,
    "suggest_facets": False,
    "allow_download": True,
    "default_cache_ttl": 3600,
}


def datasette_metadata(package: Package) -> dict:
    """Datasette metadata.json, derived from the descriptor (never written twice by hand)."""
    descriptor = package.descriptor
    licence = (descriptor.get("licenses") or [{}])[0]
    sources = descriptor.get("sources") or []
    tables = {}
    for resource in package.resources:
        fields = resource["schema"]["fields"]
        primary_key = resource["schema"].get("primaryKey") or []
        table = {
            "title": resource.get("title", resource["name"]),
            "description": resource.get("description", ""),
            "columns": {field["name"]: field.get("description", "") for field in fields},
        }
        units = {field["name"]: field["unit"] for field in fields if isinstance(field.get("unit"), str)}
        if units:
            table["units"] = units  # a field's own `unit` property; per-row units stay in their column
        if primary_key:
            table["sort"] = primary_key[0]
        if resource["name"].startswith("codes_"):
            table["label_column"] = "label_en"
        tables[resource["name"]] = table
    return {
        "title": descriptor.get("title", package.name),
        "description": descriptor.get("description", ""),
        "license": licence.get("name", ""),
        "license_url": licence.get("path", ""),
        "source": "; ".join(source.get("title", "") for source in sources),
        "about": f"{package.name} {package.version}".strip(),
        "databases": {package.name: {"tables": tables}},
    }


def write_inspect_file(database: Path, target: Path) -> None:
    """`datasette inspect`, with the file recorded by name so the output does not depend on the build folder."""
    from datasette.cli import inspect_

    data = asyncio.run(inspect_([str(database)], None))
    for entry in data.values():
        entry["file"] = database.name
    target.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def find_database(dist: Path) -> Path:
    databases = sorted(dist.glob("*.db"))
    if len(databases) != 1:
        raise FileNotFoundError(f"{dist}: expected one .db file, found {len(databases)}")
    return databases[0]


def make_datasette(dist: str | Path):
    """A Datasette instance over the built database: immutable, inspected, locked-down settings."""
    from datasette.app import Datasette

    dist = Path(dist)
    return Datasette(
        immutables=[str(find_database(dist))],
        inspect_data=json.loads((dist / "inspect.json").read_text(encoding="utf-8")),
        metadata=json.loads((dist / "metadata.json").read_text(encoding="utf-8")),
        settings=SETTINGS,
    )


def run_server(dist: str | Path, host: str, port: int) -> None:
    import uvicorn

    datasette = make_datasette(dist)
    asyncio.run(datasette.invoke_startup())
    uvicorn.run(datasette.app(), host=host, port=port, log_level="info", lifespan="on", workers=1)
