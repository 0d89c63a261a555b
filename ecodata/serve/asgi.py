"""The HTTP layers around Datasette, as `ecodata serve` answers: paths refused before Datasette sees
them (the bilingual 404 page instead), the build's files with their validators and as attachments,
answers bounded in size, text labelled UTF-8, gzip where it gains something.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..memory import release_freed_memory
from ..text import english

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
READ_METHODS = ("GET", "HEAD")  # the server is read-only: anything else is a 405 before Datasette sees it
READ_ONLY = "405: this site is read-only; it answers GET and HEAD · 本站只读\n"
ROW_ADDRESS = re.compile(r"(?P<values>[^/]+?)(\.(?P<format>\w+))?")  # Datasette's row route, its end
COMPRESSED_FILES = (".parquet", ".db", ".zip")  # sent as built: gzip would spend CPU to gain nothing


class BuiltFiles:
    """The build's files as served under /download/ and /sources/: each with its SHA256SUMS digest as
    ETag and its modification time as Last-Modified, so a client asks again with If-None-Match and
    gets a 304; downloads as attachments. Worked out once: the build does not change while served."""

    def __init__(self, dist: Path | None, indexes: list[str] = (), row_keys: dict[str, int] | None = None):
        from email.utils import formatdate

        sums = dist / "SHA256SUMS" if dist else None
        digests = (
            dict(reversed(line.split("  ", 1)) for line in sums.read_text(encoding="utf-8").splitlines())
            if sums and sums.is_file()
            else {}
        )
        self.by_path: dict[str, list[tuple[bytes, bytes]]] = {}
        self.indexes = list(indexes)  # search index pages (search_index_pages): not served as tables
        self.row_keys = row_keys or {}  # table page -> values in a row's address (app.row_key_counts)
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

    def index_of(self, path: str) -> str | None:
        """The index page a folder of the build's pages has (`/sources/` → `/sources/index.html`)."""
        folder = path.rstrip("/")
        index = f"{folder}/index.html"
        return index if folder == f"/{SOURCES_MOUNT}" and index in self.by_path else None

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

    def wrong_row_address(self, scope) -> bool:
        """Whether the request is for a row page (`/database/table/<values>[.format]`) whose address holds
        another number of comma-separated values than the table's key has columns. Read as Datasette
        routes it: from the raw path (where %2C is no comma: Datasette's tilde encoding keeps it as it
        is), the format only a last `.word`. (Datasette: a 500 for fewer values, and the row of the
        first ones for more.)"""
        raw = scope.get("raw_path") or scope["path"].encode()
        parts = raw.decode("latin-1").split("?", 1)[0].split("/")
        if len(parts) != 4 or not parts[3] or parts[3].startswith("-"):
            return False
        expected = self.row_keys.get("/".join(parts[:3]))
        address = ROW_ADDRESS.fullmatch(parts[3])
        return expected is not None and address is not None and address["values"].count(",") + 1 != expected


def not_modified(scope, headers: list[tuple[bytes, bytes]]) -> bool:
    asked = dict(scope.get("headers", []))
    etag, modified = headers[0][1], headers[1][1]
    if b"if-none-match" in asked:
        return (
            etag in [tag.strip() for tag in asked[b"if-none-match"].split(b",")]
            or asked[b"if-none-match"].strip() == b"*"
        )
    return asked.get(b"if-modified-since") == modified


def hardened(app, files: BuiltFiles | None = None, chinese: bool = True):
    """Refuse any method but GET and HEAD (Datasette answers a POST to a table with a 500); refuse `..`
    segments and doubled slashes before Datasette's static handler sees them (it would tell whether a
    folder outside dist/ exists, and serve `/download//proc/self/cwd/…` from an absolute path); label text files served from dist/ as UTF-8, give the build's files their validators (BuiltFiles),
    and refuse a page or answer over MAX_RESPONSE_BYTES. `chinese`: whether the site's words are in
    Chinese too (datasette_plugin.chinese_interface)."""
    files = files or BuiltFiles(None)
    read_only = (READ_ONLY if chinese else english(READ_ONLY)).encode()

    async def guarded(scope, receive, send):
        if scope["type"] == "http" and scope["method"] not in READ_METHODS:
            await respond(send, 405, read_only, [(b"allow", ", ".join(READ_METHODS).encode())])
            return
        if scope["type"] == "http" and (index := files.index_of(scope["path"])):  # /sources/ → its index
            await respond(send, 301, b"", [(b"location", index.encode())])
            return
        if scope["type"] == "http" and (
            ".." in scope["path"].split("/")
            or "//" in scope["path"]
            or files.missing(scope["path"])
            or files.wrong_row_address(scope)
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
    """The query string without NUL characters in a search (SQLite ends the text there: a 400 "Invalid
    SQL: unterminated string"). A search of no word at all (quotes alone, `%`) finds no row and says
    why (datasette_plugin.filters_from_request). Any other query string is returned as it came."""
    from urllib.parse import parse_qsl, urlencode

    pairs = parse_qsl(query.decode("utf-8", "replace"), keep_blank_values=True)
    kept = [(key, value.replace("\x00", "") if key.startswith("_search") else value) for key, value in pairs]
    return query if kept == pairs else urlencode(kept).encode()


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


async def respond(send, status: int, body: bytes, extra: list[tuple[bytes, bytes]] = ()) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    headers += extra
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
