"""Datasette for a built package: immutable, inspected, locked down, with our templates and hooks.

The same `make_datasette` serves `ecodata serve` and the in-process tests, so the tests exercise exactly
what users get. The metadata itself is generated at build time (build/metadata.py).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from ..memory import release_freed_memory
from ..package import PackageError
from .cache import DEFAULT_CACHE_MB, ResponseCache

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
STATIC_URL = "/-/static-plugins/ecodata"  # where STATIC is served, as Datasette would a plugin's static/
DOWNLOAD_MOUNT = "download"  # dist/ files at /download/<path>
SOURCES_MOUNT = "sources"  # highlighted source texts at /sources/<file>.html
NOT_FOUND = "/-/ecodata-not-found"  # no such route: Datasette answers with the (bilingual) 404 page
ASKED_PATH = "ecodata.asked_path"  # the scope key keeping the path a request was turned to NOT_FOUND from
STATIC_PREFIXES = (f"/{DOWNLOAD_MOUNT}/", f"/{SOURCES_MOUNT}/", "/-/static")  # files, not answers
MAX_RESPONSE_BYTES = 32_000_000  # a page or a JSON/CSV answer: past this, a 400 that says so
FILE_TYPES = {  # the build's downloads: served as attachments of these types, named so in the JSON-LD
    ".parquet": "application/vnd.apache.parquet",
    ".db": "application/x-sqlite3",
    ".csv": "text/csv",
    ".zip": "application/zip",
}
COMPRESSED_FILES = (".parquet", ".db", ".zip")  # sent as built: gzip would spend CPU to gain nothing

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
    from datasette.app import Datasette

    class Served(Datasette):
        def _connected_databases(self):
            return [entry | {"path": Path(entry["path"]).name} for entry in super()._connected_databases()]

        def absolute_url(self, request, path):
            # a plain str: urljoin on Datasette's PrefixedUrlString goes through its __getattribute__
            # for every character test, 15 % of a table page with facets
            return super().absolute_url(request, str.__str__(path))

        def plugin_config(self, plugin_name, database=None, table=None, fallback=True):
            return self.kept("plugin_config", plugin_name, database, table, fallback)

        def _table_permission_allows(self, database, table):
            return self.kept("_table_permission_allows", database, table)

        def kept(self, method: str, *arguments):
            answers = self.__dict__.setdefault("_ecodata_answers", {})
            if (method, *arguments) not in answers:
                answers[method, *arguments] = getattr(super(), method)(*arguments)
            return answers[method, *arguments]

    return Served


class BuiltFiles:
    """The build's files as served under /download/ and /sources/: each with its SHA256SUMS digest as
    ETag and its modification time as Last-Modified, so a client asks again with If-None-Match and
    gets a 304; downloads as attachments. Worked out once: the build does not change while served."""

    def __init__(self, dist: Path | None, indexes: list[str] = ()):
        from email.utils import formatdate

        sums = dist / "SHA256SUMS" if dist else None
        digests = (
            dict(reversed(line.split("  ", 1)) for line in sums.read_text(encoding="utf-8").splitlines())
            if sums and sums.is_file()
            else {}
        )
        self.by_path: dict[str, list[tuple[bytes, bytes]]] = {}
        self.indexes = list(indexes)  # search index pages (search_index_pages): not served as tables
        for name, digest in digests.items():
            if not (dist / name).is_file():
                continue
            modified = formatdate((dist / name).stat().st_mtime, usegmt=True)
            found = [(b"etag", f'"{digest}"'.encode()), (b"last-modified", modified.encode())]
            if name.startswith(f"{SOURCES_MOUNT}/"):
                self.by_path[f"/{name}"] = found
            disposition = [(b"content-disposition", f'attachment; filename="{Path(name).name}"'.encode())]
            self.by_path[f"/{DOWNLOAD_MOUNT}/{name}"] = found + (
                disposition if Path(name).suffix in FILE_TYPES else []
            )

    def headers(self, path: str) -> list[tuple[bytes, bytes]] | None:
        """The ETag, Last-Modified and Content-Disposition of the file at URL `path`; None for no file."""
        return self.by_path.get(path)

    def missing(self, path: str) -> bool:
        """Whether `path` asks the /download/ or /sources/ mount for something the build did not write
        (a folder included): Datasette would answer a bare English "404: File not found" or "403"; or
        asks for a search index as a table (`<table>_fts`, .json or a row): it keeps no rows to list,
        and SQLite refuses to scan it (Datasette: 400 "Invalid SQL" and an error in the log)."""
        mounts = (f"/{DOWNLOAD_MOUNT}/", f"/{SOURCES_MOUNT}/")
        if any(path == page or path.startswith((f"{page}.", f"{page}/")) for page in self.indexes):
            return True
        return (
            bool(self.by_path)
            and path.startswith(mounts)
            and path not in self.by_path
            and path != f"/{DOWNLOAD_MOUNT}/SHA256SUMS"
        )


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


def not_modified(scope, headers: list[tuple[bytes, bytes]]) -> bool:
    asked = dict(scope.get("headers", []))
    etag, modified = headers[0][1], headers[1][1]
    if b"if-none-match" in asked:
        return (
            etag in [tag.strip() for tag in asked[b"if-none-match"].split(b",")]
            or asked[b"if-none-match"].strip() == b"*"
        )
    return asked.get(b"if-modified-since") == modified


def hardened(app, files: BuiltFiles | None = None):
    """Refuse `..` segments and doubled slashes before Datasette's static handler sees them (it would tell
    whether a folder outside dist/ exists, and serve `/download//proc/self/cwd/…` from an absolute path),
    label text files served from dist/ as UTF-8, give the build's files their validators (BuiltFiles),
    and refuse a page or answer over MAX_RESPONSE_BYTES."""
    files = files or BuiltFiles(None)

    async def guarded(scope, receive, send):
        if scope["type"] == "http" and (
            ".." in scope["path"].split("/") or "//" in scope["path"] or files.missing(scope["path"])
        ):  # the path asked for stays in the scope, for the log line (datasette_plugin.handle_exception)
            scope = scope | {
                "path": NOT_FOUND,
                "raw_path": NOT_FOUND.encode(),
                "query_string": b"",
                ASKED_PATH: scope["path"],
            }
        if scope["type"] == "http" and b"_search" in scope.get("query_string", b""):
            scope = scope | {"query_string": without_empty_searches(scope["query_string"])}
        extra = files.headers(scope["path"]) if scope["type"] == "http" else None
        if extra and not_modified(scope, extra):
            await send({"type": "http.response.start", "status": 304, "headers": extra[:2]})
            await send({"type": "http.response.body", "body": b""})
            return

        status = {"code": 200}

        async def send_utf8(message):
            if message["type"] == "http.response.start":
                status["code"] = message.get("status", 200)
                headers = [utf8(name, value) for name, value in message.get("headers", [])]
                if extra and status["code"] == 200:
                    headers += extra
                message = {**message, "headers": headers}
            await send(message)

        if scope["type"] != "http" or scope["path"].startswith(STATIC_PREFIXES):
            await app(scope, receive, send_utf8)  # the build's own files, of known size
            return
        await app(scope, receive, bounded(send_utf8))
        if status["code"] >= 400:
            release_freed_memory()  # a refused answer's rows were freed: the server returns to its size

    return guarded


def without_empty_searches(query: bytes) -> bytes:
    """The query string without `_search…` values of quotes alone, which Datasette escapes into an empty
    full-text query that SQLite refuses (a 400 "Invalid SQL: fts5: syntax error"): no search, as
    Datasette takes `_search=`. Any other query string is returned as it came."""
    from urllib.parse import parse_qsl, urlencode

    pairs = parse_qsl(query.decode("utf-8", "replace"), keep_blank_values=True)
    kept = [
        (key, value)
        for key, value in pairs
        if not (key.startswith("_search") and value and not value.strip('"'))
    ]
    return query if len(kept) == len(pairs) else urlencode(kept).encode()


def bounded(send):
    """A send that holds a response until it is complete and answers 400 instead when it grows past
    MAX_RESPONSE_BYTES (`select zeroblob(…)` over many rows), so no client gets hundreds of MB."""
    held: dict = {"start": None, "chunks": [], "size": 0, "refused": False}

    async def bounded_send(message):
        if held["refused"]:
            return
        if message["type"] == "http.response.start":
            held["start"] = message
            return
        if message["type"] != "http.response.body":
            await send(message)
            return
        held["size"] += len(message.get("body", b""))
        if held["size"] > MAX_RESPONSE_BYTES:
            held["refused"], held["chunks"] = True, []
            note = f"The response is larger than {MAX_RESPONSE_BYTES // 1_000_000} MB; ask for fewer rows or columns."
            await respond(send, 400, note.encode())
            return
        held["chunks"].append(message.get("body", b""))
        if not message.get("more_body"):
            await send(held["start"])
            await send({"type": "http.response.body", "body": b"".join(held["chunks"])})

    return bounded_send


async def respond(send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def utf8(name: bytes, value: bytes) -> tuple[bytes, bytes]:
    if name.lower() == b"content-type" and value.startswith(b"text/") and b"charset" not in value:
        return name, value + b"; charset=utf-8"
    return name, value


def compressed(app):
    """gzip (asgi-gzip, as datasette-gzip uses it) for pages, JSON, CSV and text, when the client
    accepts it; not for the build's Parquet, SQLite and zip files, which are compressed already."""
    from asgi_gzip import GZipMiddleware

    gzip = GZipMiddleware(app, minimum_size=500, compresslevel=6)

    async def choose(scope, receive, send):
        if scope["type"] == "http" and scope["path"].endswith(COMPRESSED_FILES):
            return await app(scope, receive, send)
        return await gzip(scope, receive, send)

    return choose


def server_app(datasette, cache_mb: int = DEFAULT_CACHE_MB):
    """What `ecodata serve` runs: Datasette, compressed, hardened, behind the response cache."""
    dist = dict(datasette.static_mounts).get(DOWNLOAD_MOUNT)
    files = BuiltFiles(Path(dist) if dist else None, search_index_pages(datasette))
    return ResponseCache(hardened(compressed(datasette.app()), files), max_bytes=cache_mb * 1_000_000)


def run_server(dist: str | Path, host: str, port: int, cache_mb: int = DEFAULT_CACHE_MB) -> None:
    import uvicorn

    check_port(host, port)
    datasette = make_datasette(dist)
    asyncio.run(datasette.invoke_startup())
    uvicorn.run(
        server_app(datasette, cache_mb), host=host, port=port, log_level="info", lifespan="on", workers=1
    )
