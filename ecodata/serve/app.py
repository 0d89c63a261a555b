"""Datasette for a built package: immutable, inspected, locked down, with our templates and hooks.

The same `make_datasette` serves `ecodata serve` and the in-process tests, so the tests exercise exactly
what users get. The metadata itself is generated at build time (build/metadata.py).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from ..package import PackageError
from .asgi import DOWNLOAD_MOUNT, FILE_TYPES, SOURCES_MOUNT, BuiltFiles, compressed, hardened
from .cache import DEFAULT_CACHE_MB, ResponseCache

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
STATIC_URL = "/-/static-plugins/ecodata"  # where STATIC is served, as Datasette would a plugin's static/
# Declared as data, like Datasette's own settings.
SETTINGS = {
    "sql_time_limit_ms": 1000,
    "max_returned_rows": 1000,
    "allow_csv_stream": False,
    "suggest_facets": False,
    "allow_download": True,
    "default_cache_ttl": 3600,
}


def find_database(dist: Path) -> Path:
    databases = sorted(dist.glob("*.db"))
    if len(databases) != 1:
        raise FileNotFoundError(f"{dist}: expected one .db file, found {len(databases)}")
    return databases[0]


def downloads(dist: Path, tables: list[str]) -> dict:
    """The files offered on the home page: the package files, then each table as CSV and Parquet."""

    def offer(path: Path) -> dict:
        name = path.relative_to(dist).as_posix()
        return {"name": name, "url": f"/{DOWNLOAD_MOUNT}/{name}", "size": human_size(path.stat().st_size)}

    package_files = [*sorted(dist.glob("*.zip")), dist / "SHA256SUMS", *sorted(dist.glob("*.db"))]
    return {
        "package": [offer(path) for path in package_files if path.exists()],
        "tables": [
            {
                "name": name,
                "csv": offer(dist / "csv" / f"{name}.csv"),
                "parquet": offer(dist / "parquet" / f"{name}.parquet"),
            }
            for name in tables
            if (dist / "csv" / f"{name}.csv").exists() and (dist / "parquet" / f"{name}.parquet").exists()
        ],
    }


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024**2:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024**2:.1f} MB"


def register_plugin() -> None:
    from datasette.plugins import pm

    from . import datasette_plugin

    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="ecodata")
    dashboards_menu_only_when_configured(pm)
    import datasette.handle_exception as handling

    # no rich traceback with every local per error page: datasette_plugin.handle_exception logs one line
    handling.rich = None
    work_once_per_process()
    import mimetypes

    for suffix, kind in FILE_TYPES.items():
        mimetypes.add_type(kind, suffix)


def work_once_per_process() -> None:
    """Work Datasette and its CSRF middleware redo for every request, done once.

    Whether SQLite has JSON1 is asked on a new in-memory connection for each table page (facets,
    filters); a client without a CSRF cookie gets a secret drawn one character at a time, each a
    getrandom() call (128 per request). The secret stays as long and as random: 512 bits of hex.
    """
    import secrets

    import asgi_csrf
    import datasette.facets
    import datasette.filters
    from datasette.utils import detect_json1

    json1 = detect_json1()
    for module in (datasette.facets, datasette.filters):
        module.detect_json1 = lambda conn=None: json1 if conn is None else detect_json1(conn)
    asgi_csrf.make_secret = lambda length: secrets.token_hex((length + 1) // 2)[:length]


def dashboards_menu_only_when_configured(pm) -> None:
    """datasette-dashboards puts "Dashboards" in every page's menu; only a package with dashboards should.

    Its hooks are registered again, with `menu_links` asking the instance's configuration first."""
    try:
        import datasette_dashboards as plugin
    except ImportError:
        return
    if not pm.is_registered(plugin):
        return  # not installed as a plugin, or already replaced
    import types

    from datasette import hookimpl

    pm.unregister(plugin)
    proxy = types.ModuleType(plugin.__name__)  # the same name: Datasette finds its templates by it
    proxy.__dict__.update(
        {name: value for name, value in vars(plugin).items() if hasattr(value, "datasette_impl")}
    )

    @hookimpl
    def menu_links(datasette, actor):
        return plugin.menu_links(datasette, actor) if datasette.plugin_config("datasette-dashboards") else []

    proxy.menu_links = menu_links
    pm.register(proxy, name="datasette-dashboards")


def search_tables_from_metadata(datasette, database) -> None:
    """Let `Database.fts_table` answer from metadata's `fts_table`, as the table page already does.

    Datasette only auto-detects FTS tables declared with `content="<table>"`; ours are contentless
    (see search.py), so without this datasette-search-all would not find them.
    """
    detect = database.fts_table

    async def fts_table(table):
        return datasette.table_metadata(database.name, table).get("fts_table") or await detect(table)

    database.fts_table = fts_table


def check_port(host: str, port: int) -> None:
    """A port another server holds is the user's to change (exit 2), not a crash inside uvicorn."""
    import socket

    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        raise PackageError(f"cannot serve on {host}:{port}: {error.strerror or error}") from None


def make_datasette(dist: str | Path):
    """A Datasette instance over the built database: immutable, inspected, locked-down settings."""
    dist = Path(dist)
    register_plugin()
    metadata = json.loads((dist / "metadata.json").read_text(encoding="utf-8"))
    config = metadata.setdefault("plugins", {}).setdefault("ecodata", {})
    config["downloads"] = downloads(dist, config.get("tables", []))
    datasette = served_datasette_class()(
        immutables=[str(find_database(dist))],
        inspect_data=json.loads((dist / "inspect.json").read_text(encoding="utf-8")),
        metadata=metadata,
        settings=SETTINGS,
        template_dir=str(TEMPLATES),
        static_mounts=[
            (DOWNLOAD_MOUNT, str(dist)),
            (SOURCES_MOUNT, str(dist / "sources")),
            (STATIC_URL.lstrip("/"), str(STATIC)),  # ecodata.css (a plugin module has no static/ of its own)
        ],
    )
    for database in datasette.databases.values():
        search_tables_from_metadata(datasette, database)
        keep_schema_answers(database)
        database.attached_databases = no_attached_databases  # nothing can be attached (datasette_plugin)
    return datasette


SCHEMA_QUESTIONS = (
    "table_exists",
    "table_names",
    "view_names",
    "hidden_table_names",
    "table_columns",
    "table_column_details",
    "primary_keys",
    "label_column_for_table",
    "foreign_keys_for_table",
    "fts_table",
)


def keep_schema_answers(database) -> None:
    """An immutable database's schema never changes, so each question about it is answered once;
    Datasette asks several per page, each a trip through a worker thread. Callers get a copy."""
    import copy

    for question in SCHEMA_QUESTIONS:
        ask = getattr(database, question)
        answers: dict = {}

        async def kept(*arguments, ask=ask, answers=answers):
            if arguments not in answers:
                answers[arguments] = await ask(*arguments)
            return copy.deepcopy(answers[arguments])

        setattr(database, question, kept)


async def no_attached_databases():
    return []


def served_datasette_class():
    """Datasette over a build, whose metadata never changes. /-/databases.json names each database
    file by its name in the build, not its path on the server. And the answers Datasette works out
    from the whole metadata on every call are kept: plugin_config (render_cell hooks, ours and
    datasette-render-markdown's, ask for it per cell: 0.4 s of a 0.5 s page) and table permissions
    (a deep copy of every metadata source, several times a request)."""
    import copy

    from datasette.app import Datasette

    class Served(Datasette):
        def _connected_databases(self):
            return [entry | {"path": Path(entry["path"]).name} for entry in super()._connected_databases()]

        def absolute_url(self, request, path):
            # a plain str: urljoin on Datasette's PrefixedUrlString goes through its __getattribute__
            # for every character test, 15 % of a table page with facets
            return super().absolute_url(request, str.__str__(path))

        def plugin_config(self, plugin_name, database=None, table=None, fallback=True):
            kept = self.kept("plugin_config", plugin_name, database, table, fallback)
            # ours is read only; another plugin's is a copy: datasette-dashboards writes each request's
            # filters into its charts' queries, which the next request then found filled in
            return kept if plugin_name == "ecodata" else copy.deepcopy(kept)

        def _table_permission_allows(self, database, table):
            return self.kept("_table_permission_allows", database, table)

        def kept(self, method: str, *arguments):
            answers = self.__dict__.setdefault("_ecodata_answers", {})
            if (method, *arguments) not in answers:
                answers[method, *arguments] = getattr(super(), method)(*arguments)
            return answers[method, *arguments]

    return Served


def search_index_pages(datasette) -> list[str]:
    """The table-page paths of the search indexes: each table's `fts_table` in the build's metadata
    (the one the table pages and search_tables_from_metadata search through)."""
    from datasette.utils import tilde_encode

    return [
        f"/{tilde_encode(database)}/{tilde_encode(table['fts_table'])}"
        for database, described in (datasette.metadata().get("databases") or {}).items()
        for table in (described.get("tables") or {}).values()
        if table.get("fts_table")
    ]


def row_key_counts(datasette) -> dict[str, int]:
    """Each table page's path -> how many values a row's address holds: its primary key's columns, or
    one, the rowid, by which Datasette addresses the rows of a table without a key."""
    import sqlite3
    from contextlib import closing

    from datasette.utils import tilde_encode

    counts = {}
    for name, database in datasette.databases.items():
        if not database.path:  # Datasette's own in-memory database
            continue
        with closing(sqlite3.connect(f"file:{database.path}?mode=ro&immutable=1", uri=True)) as connection:
            tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
            for (table,) in tables:
                columns = connection.execute("SELECT pk FROM pragma_table_info(?)", (table,)).fetchall()
                counts[f"/{tilde_encode(name)}/{tilde_encode(table)}"] = (
                    sum(1 for (pk,) in columns if pk) or 1
                )
    return counts


def server_app(datasette, cache_mb: int = DEFAULT_CACHE_MB):
    """What `ecodata serve` runs: Datasette, compressed, hardened, behind the response cache."""
    from .datasette_plugin import chinese_interface

    dist = dict(datasette.static_mounts).get(DOWNLOAD_MOUNT)
    files = BuiltFiles(Path(dist) if dist else None, search_index_pages(datasette), row_key_counts(datasette))
    served = hardened(compressed(datasette.app()), files, chinese_interface(datasette))
    return ResponseCache(served, max_bytes=cache_mb * 1_000_000)


def run_server(dist: str | Path, host: str, port: int, cache_mb: int = DEFAULT_CACHE_MB) -> None:
    import uvicorn

    check_port(host, port)
    datasette = make_datasette(dist)
    asyncio.run(datasette.invoke_startup())
    uvicorn.run(
        server_app(datasette, cache_mb), host=host, port=port, log_level="info", lifespan="on", workers=1
    )
