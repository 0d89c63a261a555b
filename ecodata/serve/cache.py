"""An in-memory response cache for a server whose database never changes.

The database is immutable, so an anonymous GET of a table, row, canned query or static file always gets
the same answer: we keep the bytes of successful responses (LRU, bounded in memory and entries) and
replay them. Not cached: requests with cookies or credentials, arbitrary SQL (`?sql=`, which may call
random() or date('now')), Datasette's own `/-/` pages other than static files, responses that set
cookies, errors and large bodies. A replayed response carries `x-ecodata-cache: hit`.
"""

from __future__ import annotations

from collections import OrderedDict

DEFAULT_CACHE_MB = 64
MAX_ENTRY_BYTES = 1_000_000  # the 1.5 MB database download and similar are streamed, not cached
MAX_ENTRIES = 10_000
ENTRY_OVERHEAD = 256  # bytes per entry for the key, tuple and dict slots, so tiny responses count too
STATIC_PREFIXES = (b"/-/static/", b"/-/static-plugins/")
PRIVATE_HEADERS = (b"cookie", b"authorization")
CONDITIONAL_HEADERS = (b"if-none-match", b"if-modified-since")  # the server answers those with a 304
HIT_HEADER = (b"x-ecodata-cache", b"hit")


class ResponseCache:
    """ASGI middleware around `app`; `max_bytes` 0 turns it off."""

    def __init__(self, app, max_bytes: int = DEFAULT_CACHE_MB * 1_000_000):
        self.app = app
        self.max_bytes = max_bytes
        self.entries: OrderedDict[tuple, tuple[int, list, bytes]] = OrderedDict()
        self.size = 0

    async def __call__(self, scope, receive, send):
        key = self.key(scope)
        if key is None:
            return await self.app(scope, receive, send)
        if key in self.entries:
            self.entries.move_to_end(key)
            status, headers, body = self.entries[key]
            await send({"type": "http.response.start", "status": status, "headers": [*headers, HIT_HEADER]})
            await send({"type": "http.response.body", "body": body})
            return
        recorded: dict = {"chunks": [], "size": 0, "cacheable": True}

        async def recording_send(message):
            if message["type"] == "http.response.start":
                recorded["status"], recorded["headers"] = message["status"], list(message.get("headers", []))
                recorded["cacheable"] = message["status"] == 200 and not any(
                    name.lower() == b"set-cookie" for name, _ in recorded["headers"]
                )
            elif message["type"] == "http.response.body" and recorded["cacheable"]:
                recorded["size"] += len(message.get("body", b""))
                recorded["cacheable"] = recorded["size"] <= MAX_ENTRY_BYTES
                recorded["chunks"].append(message.get("body", b""))
                if not message.get("more_body") and recorded["cacheable"]:
                    body = b"".join(recorded["chunks"])
                    if not partial(body, recorded["headers"]):
                        self.store(key, recorded["status"], recorded["headers"], body)
            await send(message)

        await self.app(scope, receive, recording_send)

    def key(self, scope) -> tuple | None:
        """What identifies an anonymous GET; None when the request must not be cached."""
        if self.max_bytes <= 0 or scope["type"] != "http" or scope["method"] != "GET":
            return None
        headers = dict(scope.get("headers", []))
        path = scope.get("raw_path") or scope["path"].encode()
        query = scope.get("query_string", b"")
        if any(name in headers for name in (*PRIVATE_HEADERS, *CONDITIONAL_HEADERS)):
            return None
        if (path.startswith(b"/-/") and not path.startswith(STATIC_PREFIXES)) or carries_sql(query):
            return None
        return (
            scope.get("scheme"),
            headers.get(b"host"),
            scope.get("root_path", ""),
            path,
            query,
            headers.get(b"accept-encoding"),
        )

    def store(self, key: tuple, status: int, headers: list, body: bytes) -> None:
        if key in self.entries:  # two misses for the same page were in flight
            self.size -= cost(key, *self.entries[key][1:])
        self.entries[key] = (status, headers, body)
        self.size += cost(key, headers, body)
        while self.entries and (self.size > self.max_bytes or len(self.entries) > MAX_ENTRIES):
            evicted_key, (_, evicted_headers, evicted_body) = self.entries.popitem(last=False)
            self.size -= cost(evicted_key, evicted_headers, evicted_body)


SQL_PARAMETERS = {"sql", "_where"}  # arbitrary SQL: it may call random() or take the time limit


def carries_sql(query: bytes) -> bool:
    """Whether the query string, decoded as Datasette decodes it (%73ql is sql), carries SQL."""
    from urllib.parse import parse_qsl

    names = {name for name, _ in parse_qsl(query.decode("latin-1"), keep_blank_values=True)}
    return bool(names & SQL_PARAMETERS)


def partial(body: bytes, headers: list) -> bool:
    """A page whose facets timed out: another request may complete it, so it is not kept."""
    if (b"content-encoding", b"gzip") in [(name.lower(), value) for name, value in headers]:
        import gzip

        body = gzip.decompress(body)
    return b'"facets_timed_out": ["' in body or b"These facets timed out" in body


def cost(key: tuple, headers: list, body: bytes) -> int:
    """Bytes an entry holds: the client chooses the key (query string, Host), so it counts as well."""
    key_bytes = sum(len(part) for part in key if isinstance(part, (bytes, str)))
    return ENTRY_OVERHEAD + key_bytes + sum(len(name) + len(value) for name, value in headers) + len(body)
