"""An in-memory response cache for a server whose database never changes.

The database is immutable, so an anonymous GET always gets the same answer: we keep the bytes of
successful responses (LRU, bounded in total size) and replay them. Requests with cookies or
credentials, responses that set cookies, errors and large bodies are never cached. A replayed response
carries `x-ecodata-cache: hit`.
"""

from __future__ import annotations

from collections import OrderedDict

DEFAULT_CACHE_MB = 64
MAX_ENTRY_BYTES = 1_000_000  # the 1.5 MB database download and similar are streamed, not cached
PRIVATE_HEADERS = (b"cookie", b"authorization")
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
                    self.store(key, recorded["status"], recorded["headers"], b"".join(recorded["chunks"]))
            await send(message)

        await self.app(scope, receive, recording_send)

    def key(self, scope) -> tuple | None:
        """What identifies an anonymous GET; None when the request must not be cached."""
        if self.max_bytes <= 0 or scope["type"] != "http" or scope["method"] != "GET":
            return None
        headers = dict(scope.get("headers", []))
        if any(name in headers for name in PRIVATE_HEADERS):
            return None
        return (
            scope.get("scheme"),
            headers.get(b"host"),
            scope.get("root_path", ""),
            scope.get("raw_path") or scope["path"].encode(),
            scope.get("query_string", b""),
            headers.get(b"accept-encoding"),
        )

    def store(self, key: tuple, status: int, headers: list, body: bytes) -> None:
        if key in self.entries:  # two misses for the same page were in flight
            self.size -= len(self.entries[key][2])
        self.entries[key] = (status, headers, body)
        self.size += len(body)
        while self.size > self.max_bytes and self.entries:
            _, (_, _, evicted) = self.entries.popitem(last=False)
            self.size -= len(evicted)
