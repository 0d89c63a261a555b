"""Datasette hooks registered by `ecodata serve`: the SQLite length limit, quotes that cite their source,
and the template variables of the bilingual home and database pages.

Configuration comes from the `ecodata` plugin section of the generated metadata (see metadata.py and
serve.py), so the hooks hold no state of their own.
"""

from __future__ import annotations

import logging
import sqlite3
import weakref

from markupsafe import Markup

from datasette import hookimpl

LOG = logging.getLogger("ecodata.serve")
MAX_VALUE_BYTES = (
    10_000_000  # longest string or blob SQLite may build; our cells are at most 10 000 characters
)
MAX_ANSWER_BYTES = (
    32_000_000  # text and blobs one query may return, as serve.MAX_RESPONSE_BYTES bounds a response
)


@hookimpl
def prepare_connection(conn):
    """`select hex(randomblob(400000000))` fails at once instead of allocating gigabytes past the time
    limit; nothing can be attached; and no query reads the database's absolute path on the server."""
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    conn.set_authorizer(no_database_list)
    conn.row_factory = BoundedRows()


class BoundedRows:
    """Datasette's sqlite3.Row, counting the bytes of text and blobs each query returns: past
    MAX_ANSWER_BYTES the query fails (a 400 that says so) before its rows fill the server's memory.

    `select zeroblob(1000000) from t` over 100 rows would otherwise build a 300 MB JSON answer
    that the response bound then refuses, the server keeping gigabytes after it."""

    def __init__(self):
        self.returned: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # cursor → bytes so far

    def __call__(self, cursor, values):
        size = self.returned.get(cursor, 0)
        for value in values:
            if isinstance(value, str | bytes):
                size += len(value)
        if size > MAX_ANSWER_BYTES:
            raise sqlite3.DataError(
                f"the answer is larger than {MAX_ANSWER_BYTES // 1_000_000} MB; ask for fewer rows or columns"
            )
        self.returned[cursor] = size
        return sqlite3.Row(cursor, values)


def no_database_list(action, first, *_):
    """`pragma_database_list` (and PRAGMA database_list) would show where the server keeps its files."""
    if action == sqlite3.SQLITE_PRAGMA and (first or "").lower() == "database_list":
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def citation_html(quote: str, row_id: str | None, source: dict | None) -> Markup:
    text = Markup('<q lang="zh-Hans" class="evidence-quote">{}</q>').format(quote)
    if not source:
        return text
    anchor = f"#q-{row_id}" if row_id else ""
    return text + Markup('<br><a class="evidence-source" href="{}{}">原文 Source: {}</a>').format(
        source["page"], anchor, source["label"]
    )


@hookimpl
def handle_exception(datasette, request, exception):
    """One log line per error, and a sort by a column that does not exist is the client's error (400).

    Datasette then renders the error page as usual; serve.py keeps it from printing a rich traceback
    with every local variable (0.2-1 s of the event loop per error page)."""
    from datasette.views.base import DatasetteError

    if isinstance(exception, DatasetteError) and str(exception.message).startswith("Cannot sort table by"):
        exception.status = 400
    LOG.warning("%s %s: %s: %s", request.method, request.path, type(exception).__name__, one_line(exception))


def one_line(exception: BaseException) -> str:
    return " ".join(str(exception).split())[:300]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """A quote cell shows the quote and links to it, highlighted, in the archived source text.

    Only in a package that declares its evidence (the quote-in-source check): the plugin configuration's
    `evidence` names the quote and source fields."""
    config = datasette.plugin_config("ecodata") or {}
    evidence = config.get("evidence")
    if not evidence or column != evidence["quote"] or not isinstance(value, str) or not value:
        return None
    keys = row.keys()
    if evidence["source"] not in keys:
        return None
    row_id = plain(row["id"]) if "id" in keys else None
    return citation_html(value, row_id, config.get("sources", {}).get(str(plain(row[evidence["source"]]))))


def plain(cell):
    """A cell's value, also when Datasette has expanded a foreign key into {"value", "label"}."""
    return cell["value"] if isinstance(cell, dict) else cell


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


@hookimpl
def extra_template_vars(template, datasette):
    if template not in ("index.html", "database.html"):
        return {}
    config = datasette.plugin_config("ecodata") or {}
    return {
        "downloads": config.get("downloads", {}),
        "package_version": config.get("version", ""),
        "package_tables": package_tables(datasette, config.get("tables", [])),
        # links and examples only where the package has them (metadata.py)
        "has_dashboards": bool(datasette.plugin_config("datasette-dashboards")),
        "has_source_pages": bool(config.get("evidence")),
        "search_examples": config.get("search_examples", []),
    }
