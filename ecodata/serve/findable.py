"""What makes the site findable and listed: each page's meta description, the home page's schema.org
Dataset (JSON-LD) for dataset search engines, the sitemap, and the package's tables in its own order
(the home and database pages list them too)."""

from __future__ import annotations

import json
from pathlib import Path

from markupsafe import Markup

from ..build.sqlite import quoted
from .asgi import FILE_TYPES

MAX_SITEMAP_URLS = 50_000  # what one sitemap file may list (sitemaps.org)


def package_tables(datasette, order: list[str]) -> dict:
    """Per database, its tables in descriptor order with their bilingual titles and row counts."""
    inspected = datasette.inspect_data or {}
    listing = {}
    for database, config in (datasette.metadata().get("databases") or {}).items():
        tables = config.get("tables", {})
        counts = inspected.get(database, {}).get("tables", {})
        listing[database] = [
            {
                "name": name,
                "title": tables[name].get("title", name),
                "count": counts.get(name, {}).get("count"),
            }
            for name in sorted(tables, key=lambda name: order.index(name) if name in order else len(order))
        ]
    return listing


def each_table(datasette, config: dict):
    """(database, table entry of package_tables) for every table of the package, in its order."""
    for database, listing in package_tables(datasette, config.get("tables", [])).items():
        for entry in listing:
            yield database, entry


def page_description(datasette, database: str | None, table: str | None) -> str:
    """A page's meta description: its table's description, else the package's, in one line."""
    metadata = datasette.metadata() or {}
    text = ""
    if database and table:
        text = datasette.table_metadata(database, table).get("description", "")
    text = text or metadata.get("description", "") or metadata.get("title", "")
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:299] + "…"


async def temporal_coverage(datasette, config: dict) -> str | None:
    """The earliest and latest value of the package's date field ("2008/2021-06"), asked once."""
    field = config.get("dataset", {}).get("date_field")
    if not field:
        return None
    if "ecodata_temporal" not in datasette.__dict__:
        found = []
        for name, entry in each_table(datasette, config):
            database = datasette.get_database(name)
            if field in await database.table_columns(entry["name"]):
                column, table = quoted(field), quoted(entry["name"])
                sql = f"select min({column}), max({column}) from {table} where {column} != ''"
                found += [value for value in (await database.execute(sql)).rows[0] if value]
        datasette.ecodata_temporal = f"{min(found)}/{max(found)}" if found else None
    return datasette.ecodata_temporal


def dataset_json_ld(datasette, request, config: dict, coverage: str | None = None) -> Markup:
    """schema.org Dataset for dataset search engines: what the package is, its licence, creators,
    each download with its format, and the sources it cites. Safe inside <script>."""
    metadata = datasette.metadata() or {}
    dataset = config.get("dataset", {})
    home = datasette.absolute_url(request, datasette.urls.instance()) if request else None

    def download(offer: dict, kind: str) -> dict:
        link = datasette.absolute_url(request, offer["url"]) if request else offer["url"]
        return {"@type": "DataDownload", "name": offer["name"], "encodingFormat": kind, "contentUrl": link}

    offered = config.get("downloads", {})
    distribution = [
        download(offer, FILE_TYPES.get(Path(offer["name"]).suffix, "text/plain"))
        for offer in offered.get("package", [])
    ]
    for table in offered.get("tables", []):
        distribution += [
            download(table["csv"], FILE_TYPES[".csv"]),
            download(table["parquet"], FILE_TYPES[".parquet"]),
        ]
    document = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": metadata.get("title", ""),
        "description": metadata.get("description") or metadata.get("title", ""),  # (search engines want one)
        "url": home,
        "license": metadata.get("license_url") or metadata.get("license"),
        "isAccessibleForFree": True,
        "version": config.get("version") or None,
        "keywords": dataset.get("keywords") or None,
        "creator": [{"@type": "Organization", "name": name} for name in dataset.get("creators", [])] or None,
        "dateCreated": dataset.get("created") or None,
        "temporalCoverage": coverage,
        "citation": [{"@type": "CreativeWork", "name": title} for title in dataset.get("sources", [])]
        or None,
        "distribution": distribution,
    }
    return script_json({key: value for key, value in document.items() if value is not None})


def script_json(value) -> Markup:
    """JSON to write inside a <script> element: no "</" that could close it."""
    return Markup(json.dumps(value, ensure_ascii=False).replace("</", "<\\/"))


async def sitemap_paths(datasette) -> list[str]:
    """Home, databases, tables and source pages, then row pages, table by table in key order, up to
    the MAX_SITEMAP_URLS a sitemap may hold (all of them took past the time limit on 1 M rows: a 500)."""
    from datasette.utils import tilde_encode

    config = datasette.plugin_config("ecodata") or {}
    paths, keyed = ["/"], []
    for name, listing in package_tables(datasette, config.get("tables", [])).items():
        paths.append(datasette.urls.database(name))
        for entry in listing:
            paths.append(datasette.urls.table(name, entry["name"]))
            keyed.append((name, entry["name"]))
    pages = sorted({entry["page"] for entry in config.get("sources", {}).values()})
    paths += [f"{pages[0].rsplit('/', 1)[0]}/index.html", *pages] if pages else []
    for name, table in keyed:
        database = datasette.get_database(name)
        keys = await database.primary_keys(table)
        room = MAX_SITEMAP_URLS - len(paths)
        if not keys or room <= 0:
            continue
        columns = ", ".join(quoted(key) for key in keys)
        rows = await database.execute(
            f"select {columns} from {quoted(table)} order by {columns} limit {room}"
        )
        paths += [
            datasette.urls.row(name, table, ",".join(tilde_encode(str(value)) for value in row))
            for row in rows
        ]
    return paths
