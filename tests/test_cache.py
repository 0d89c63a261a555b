"""The response cache in front of the immutable database: what it replays and what it must not."""

import asyncio

import httpx

from ecodata.cache import MAX_ENTRY_BYTES, ResponseCache
from ecodata.serve import make_datasette


def fetch_all(app, requests):
    async def run():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return [await client.get(path, headers=headers) for path, headers in requests]

    return asyncio.run(run())


class CountingApp:
    """A tiny ASGI app that answers with the path and how many times it has been called."""

    def __init__(self, status=200, headers=(), size=10):
        self.calls, self.status, self.headers, self.size = 0, status, list(headers), size

    async def __call__(self, scope, receive, send):
        self.calls += 1
        body = f"{scope['path']} {self.calls}".encode().ljust(self.size, b".")
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": body[: self.size // 2], "more_body": True})
        await send({"type": "http.response.body", "body": body[self.size // 2 :]})


def test_anonymous_gets_are_replayed_byte_for_byte():
    app = CountingApp()
    first, second, other = fetch_all(ResponseCache(app), [("/a", {}), ("/a", {}), ("/b", {})])
    assert first.content == second.content and app.calls == 2
    assert second.headers["x-ecodata-cache"] == "hit" and "x-ecodata-cache" not in first.headers
    assert other.content.startswith(b"/b")


def test_private_requests_errors_cookies_and_large_bodies_are_not_cached():
    for app, headers in [
        (CountingApp(), {"cookie": "ds_actor=x"}),
        (CountingApp(), {"authorization": "Bearer x"}),
        (CountingApp(status=400), {}),
        (CountingApp(headers=[(b"set-cookie", b"a=b")]), {}),
        (CountingApp(size=MAX_ENTRY_BYTES + 1), {}),
    ]:
        fetch_all(ResponseCache(app), [("/a", headers), ("/a", headers)])
        assert app.calls == 2


def test_the_cache_is_bounded_and_can_be_turned_off():
    app = CountingApp(size=1000)
    cache = ResponseCache(app, max_bytes=2500)
    fetch_all(cache, [(f"/{n}", {}) for n in range(5)])
    assert len(cache.entries) == 2 and cache.size == 2000
    off = CountingApp()
    fetch_all(ResponseCache(off, max_bytes=0), [("/a", {}), ("/a", {})])
    assert off.calls == 2


def test_cached_datasette_answers_equal_fresh_ones(built):
    datasette = make_datasette(built)
    asyncio.run(datasette.invoke_startup())
    paths = [
        "/china-biodiversity-conservation/indicators.json?_shape=array",
        "/china-biodiversity-conservation/sources",
    ]
    cached = fetch_all(ResponseCache(datasette.app()), [(path, {}) for path in paths * 2])
    for fresh, replayed in zip(cached[: len(paths)], cached[len(paths) :]):
        assert replayed.headers["x-ecodata-cache"] == "hit"
        assert replayed.status_code == fresh.status_code == 200
        assert replayed.content == fresh.content
    uncached = fetch_all(datasette.app(), [(paths[0], {})])[0]
    assert uncached.json() == cached[0].json()
