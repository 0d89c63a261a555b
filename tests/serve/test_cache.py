"""The response cache in front of the immutable database: what it replays and what it must not."""

import asyncio
import html
import json

import httpx
import pytest

from ecodata.serve.app import make_datasette
from ecodata.serve.cache import ENTRY_OVERHEAD, MAX_ENTRY_BYTES, ResponseCache, cost


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
    cache = ResponseCache(app, max_bytes=3000)  # room for two entries of 1000 bytes plus their keys
    fetch_all(cache, [(f"/{n}", {}) for n in range(5)])
    assert len(cache.entries) == 2 and 2000 < cache.size <= 3000
    assert cache.size == sum(cost(key, headers, body) for key, (_, headers, body) in cache.entries.items())
    off = CountingApp()
    fetch_all(ResponseCache(off, max_bytes=0), [("/a", {}), ("/a", {})])
    assert off.calls == 2


def test_client_chosen_keys_count_against_the_budget():
    cache = ResponseCache(CountingApp(size=10), max_bytes=50_000)
    long_query = "x=" + "a" * 8000
    fetch_all(cache, [(f"/robots.txt?{long_query}&n={n}", {}) for n in range(20)])
    assert cache.size <= 50_000
    assert len(cache.entries) < 50_000 // (8000 + ENTRY_OVERHEAD) + 1


def test_arbitrary_sql_and_datasette_pages_are_not_cached_but_static_files_are():
    for path, cached in [
        ("/db.json?sql=select+random()", False),
        ("/db.json?_shape=array&sql=select+1", False),
        ("/db.json?%73ql=select+random()", False),  # Datasette decodes the name: it is sql
        ("/db/table.json?_where=random()>0", False),
        ("/db/table.json?%5Fwhere=1", False),
        ("/-/threads", False),
        ("/-/static/app.css", True),
        ("/db/table.json?_search=sql", True),
    ]:
        app = CountingApp()
        fetch_all(ResponseCache(app), [(path, {}), (path, {})])
        assert app.calls == (1 if cached else 2), path


def test_a_page_whose_facets_timed_out_is_not_kept():
    class Partial(CountingApp):
        async def __call__(self, scope, receive, send):
            self.calls += 1
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b'{"facets_timed_out": ["unit"], "rows": []}'})

    app = Partial()
    fetch_all(ResponseCache(app), [("/db/t.json", {}), ("/db/t.json", {})])
    assert app.calls == 2


def test_an_error_is_one_log_line_and_a_sort_by_no_such_column_or_two_is_a_400(built, capsys, caplog):
    datasette = make_datasette(built)
    asyncio.run(datasette.invoke_startup())

    async def get(path):
        return await datasette.client.get(path)

    response = asyncio.run(get("/china-biodiversity-conservation/indicators.json?_sort=nosuchcolumn"))
    assert response.status_code == 400
    assert asyncio.run(get("/china-biodiversity-conservation/nosuchtable")).status_code == 404
    both = asyncio.run(get("/china-biodiversity-conservation/indicators?_sort=id&_sort_desc=year"))
    assert both.status_code == 400 and "Cannot use _sort and _sort_desc" in both.text  # Datasette: a 500
    printed = capsys.readouterr()
    assert "Traceback" not in printed.out + printed.err and "╭" not in printed.out + printed.err
    logged = [record.getMessage() for record in caplog.records if record.name == "ecodata.serve"]
    assert logged == [
        "GET /china-biodiversity-conservation/indicators.json: DatasetteError: Cannot sort table by nosuchcolumn",
        "GET /china-biodiversity-conservation/nosuchtable: NotFound: Table not found",
        "GET /china-biodiversity-conservation/indicators: DatasetteError: Cannot use _sort and _sort_desc at the same time",
    ]


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


def raw_get(app, path: str, query: bytes = b"", headers: tuple = ()) -> tuple[int, dict, bytes]:
    """GET `path` exactly as written (httpx would remove the dot segments before sending)."""
    messages = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        messages.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": query,
             "headers": [(b"host", b"localhost"), *headers], "scheme": "http", "root_path": "", "http_version": "1.1",
             "server": ("localhost", 80), "client": ("127.0.0.1", 1), "asgi": {"version": "3.0"}}  # fmt: skip
    asyncio.run(app(scope, receive, send))
    start = messages[0]
    body = b"".join(m.get("body", b"") for m in messages[1:])
    return start["status"], dict(start["headers"]), body


def test_served_app_refuses_dot_segments_and_labels_text_as_utf8(built):
    from ecodata.serve.app import server_app

    datasette = make_datasette(built)
    asyncio.run(datasette.invoke_startup())
    app = server_app(datasette)
    outside = raw_get(app, "/download/../../../../../../etc")
    missing = raw_get(app, "/download/../../../../../../nonexistent")
    assert outside[0] == missing[0] == 404 and outside[2] == missing[2]  # the same answer: nothing revealed
    status, headers, body = raw_get(app, "/sources/position-paper-2020.zh.txt")
    assert status == 200 and headers[b"content-type"] == b"text/plain; charset=utf-8"
    assert "中国" in body.decode("utf-8")


@pytest.mark.parametrize(
    "path",
    ["/download//root/.ssh", "/download//proc/self/cwd/README.md", "/sources//etc/passwd", "/download//tmp"],
)
def test_absolute_and_doubled_slash_paths_are_404_like_any_missing_file(built, path):
    from ecodata.serve.app import server_app

    datasette = make_datasette(built)
    asyncio.run(datasette.invoke_startup())
    app = server_app(datasette)
    assert raw_get(app, path)[0] == raw_get(app, "/download/no-such-file")[0] == 404


@pytest.mark.parametrize(
    "path", ["/download/no-such-file.csv", "/sources/nope.html", "/download/", "/download/../x"]
)
def test_a_missing_file_or_folder_of_the_mounts_gets_the_bilingual_404_page(built, path):
    from ecodata.serve.app import server_app

    datasette = make_datasette(built)
    asyncio.run(datasette.invoke_startup())
    app = server_app(datasette)
    status, headers, body = raw_get(app, path)
    assert status == 404 and headers[b"content-type"].startswith(b"text/html")
    page = body.decode("utf-8")
    assert "Page not found" in page and "未找到" in page and 'action="/-/search"' in page
    for served in ("/download/SHA256SUMS", "/sources/index.html", "/download/csv/indicators.csv"):
        assert raw_get(app, served)[0] == 200, served


def test_a_search_index_is_searched_through_its_table_not_browsed_as_one(built):
    """The indexes keep no rows (contentless, no column sizes): SQLite refuses to scan them, so their
    table pages get the bilingual 404 page, while `_search` on the table goes on finding rows."""
    import sqlite3

    from ecodata.serve.app import find_database, server_app

    datasette = make_datasette(built)
    asyncio.run(datasette.invoke_startup())
    app = server_app(datasette)
    database = find_database(built)
    with sqlite3.connect(database) as connection:
        indexes = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE name LIKE '%\\_fts' ESCAPE '\\'"
            )
        ]
    assert "protected_areas_fts" in indexes
    for name in indexes:
        for suffix in ("", ".json", "/1"):
            status, _, body = raw_get(app, f"/{database.stem}/{name}{suffix}")
            assert status == 404 and "未找到" in body.decode("utf-8"), (name, suffix)
    status, _, body = raw_get(app, f"/{database.stem}/protected_areas.json", b"_search=%E6%B9%BF%E5%9C%B0")
    every = json.loads(raw_get(app, f"/{database.stem}/protected_areas.json")[2])
    found = json.loads(body)
    assert status == 200 and 0 < found["filtered_table_rows_count"] < every["filtered_table_rows_count"]


@pytest.mark.parametrize("quotes", ['"', '""', '"""', "%", "("])
def test_a_search_of_no_word_finds_no_row_and_says_why_not_an_invalid_sql_page(built, quotes):
    """Quotes alone were an "Invalid SQL" page, then every row (on the search page, every row of every
    table); the index holds words, and a search without one finds nothing, saying so."""
    from urllib.parse import quote

    from ecodata.serve.app import find_database, server_app

    datasette = make_datasette(built)
    asyncio.run(datasette.invoke_startup())
    app = server_app(datasette)
    table = f"/{find_database(built).stem}/protected_areas"
    status, _, body = raw_get(app, f"{table}.json", f"_search={quote(quotes)}&_size=2".encode())
    assert status == 200 and json.loads(body)["rows"] == []
    status, _, body = raw_get(app, table, f"_search={quote(quotes)}".encode())
    assert status == 200 and "Invalid SQL" not in body.decode("utf-8")
    assert "it has no letter or digit, and the index holds words" in html.unescape(body.decode("utf-8"))
    status, _, _ = raw_get(app, f"{table}.json", b"_search=%22a&_searchmode=raw")  # raw: as the user wrote it
    assert status == 400
    status, _, body = raw_get(
        app, f"{table}.json", b"_search=%E6%B9%BF%00%E5%9C%B0"
    )  # a NUL ended SQLite's text
    assert status == 200 and json.loads(body)["rows"]


def test_a_refused_path_is_logged_as_asked_for(built, caplog):
    from ecodata.serve.app import server_app

    datasette = make_datasette(built)
    asyncio.run(datasette.invoke_startup())
    with caplog.at_level("WARNING", logger="ecodata.serve"):
        assert raw_get(server_app(datasette), "/sources/nope.html")[0] == 404
    assert [record.getMessage().split(":")[0] for record in caplog.records] == ["GET /sources/nope.html"]


def test_an_answer_past_the_size_bound_is_a_400_that_says_so(built):
    from ecodata.serve.app import server_app
    from ecodata.serve.asgi import MAX_RESPONSE_BYTES

    datasette = make_datasette(built)
    asyncio.run(datasette.invoke_startup())
    app = server_app(datasette)
    huge = raw_get(
        app, "/china-biodiversity-conservation.json", b"sql=select+zeroblob(1000000)+from+indicators+limit+40"
    )
    assert huge[0] == 400 and f"larger than {MAX_RESPONSE_BYTES // 1_000_000} MB".encode() in huge[2]
    small = raw_get(
        app, "/china-biodiversity-conservation.json", b"sql=select+zeroblob(1000)+from+indicators+limit+40"
    )
    assert small[0] == 200
    assert raw_get(app, "/download/SHA256SUMS")[0] == 200


@pytest.fixture
def served(built):
    from ecodata.serve.app import server_app

    datasette = make_datasette(built)
    asyncio.run(datasette.invoke_startup())
    return server_app(datasette)


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/download/parquet/indicators.parquet", b"application/vnd.apache.parquet"),
        ("/download/china-biodiversity-conservation.db", b"application/x-sqlite3"),
        ("/download/csv/indicators.csv", b"text/csv; charset=utf-8"),
    ],
)
def test_downloads_say_what_they_are_and_come_as_attachments(served, built, path, kind):
    status, headers, body = raw_get(served, path)
    name = path.rsplit("/", 1)[1]
    assert status == 200 and headers[b"content-type"] == kind
    assert headers[b"content-disposition"] == f'attachment; filename="{name}"'.encode()
    assert body == (built / path.removeprefix("/download/")).read_bytes()


def test_built_files_carry_their_checksum_as_etag_and_answer_304_when_unchanged(served, built):
    sums = dict(reversed(line.split("  ", 1)) for line in (built / "SHA256SUMS").read_text().splitlines())
    for path, name in [
        ("/download/csv/indicators.csv", "csv/indicators.csv"),
        ("/sources/index.html", "sources/index.html"),
    ]:
        status, headers, _ = raw_get(served, path)
        assert status == 200 and headers[b"etag"] == f'"{sums[name]}"'.encode()
        assert headers[b"last-modified"].endswith(b" GMT")
        again = raw_get(served, path, headers=((b"if-none-match", headers[b"etag"]),))
        assert again[0] == 304 and again[2] == b"" and again[1][b"etag"] == headers[b"etag"]
        since = raw_get(served, path, headers=((b"if-modified-since", headers[b"last-modified"]),))
        assert since[0] == 304
        changed = raw_get(served, path, headers=((b"if-none-match", b'"another"'),))
        assert changed[0] == 200


def test_text_answers_are_gzipped_for_clients_that_accept_it_and_binary_files_are_not(served):
    import gzip

    accept = ((b"accept-encoding", b"gzip"),)
    for path in (
        "/china-biodiversity-conservation/indicators.json?_shape=array",
        "/download/csv/indicators.csv",
    ):
        plain = raw_get(served, path.split("?")[0], path.partition("?")[2].encode())
        packed = raw_get(served, path.split("?")[0], path.partition("?")[2].encode(), headers=accept)
        assert b"content-encoding" not in plain[1]
        assert packed[1][b"content-encoding"] == b"gzip" and gzip.decompress(packed[2]) == plain[2]
    status, headers, _ = raw_get(served, "/download/parquet/indicators.parquet", headers=accept)
    assert status == 200 and b"content-encoding" not in headers


def test_a_row_address_of_more_or_fewer_values_than_the_key_is_a_404_and_writing_a_405(tmp_path):
    """Datasette answers an address short of the key with a 500 ("You did not supply a value for
    binding parameter :p1") and one past it with the row of its first values; a POST to a table with
    a 500 ("You may only POST to a canned query")."""
    from ecodata.build.dist import build
    from ecodata.serve.app import server_app
    from tests.parity import table, write_package

    fields = [{"name": "country", "type": "string"}, {"name": "year", "type": "integer"}]
    keyed = table("gdp", [*fields, {"name": "usd", "type": "number"}], primaryKey=["country", "year"])
    keyless = table("notes", [{"name": "text", "type": "string"}])
    files = {"gdp.csv": b"country,year,usd\nChad,2000,1.5\nChad,2001,2.5\n", "notes.csv": b"text\nhello\n"}
    dist = build(write_package(tmp_path / "p", [keyed, keyless], files), tmp_path / "dist")
    datasette = make_datasette(dist)
    asyncio.run(datasette.invoke_startup())
    app = server_app(datasette)
    assert raw_get(app, "/parity/gdp/Chad~2C2000")[0] == 404  # a comma inside a value is no separator
    wrong = ("/parity/gdp/Chad", "/parity/gdp/Chad.json", "/parity/gdp/Chad,2000,1", "/parity/notes/1,2")
    for path in (
        *wrong,
        "/parity/gdp/Chad%2C2000",
        "/parity/gdp/Chad%2C2000.json",
    ):  # %2C: no comma to Datasette
        status, _, body = raw_get(app, path)
        assert status == 404 and "Page not found" in body.decode("utf-8"), path
    for path in ("/parity/gdp/Chad,2000", "/parity/gdp/Chad,2001.json", "/parity/notes/1", "/parity/gdp"):
        assert raw_get(app, path)[0] == 200, path
    assert (
        raw_get(app, "/parity/gdp/1.5,x")[0] == raw_get(datasette.app(), "/parity/gdp/1.5,x")[0]
    )  # a dot in a value

    for path in ("/parity/gdp", "/parity", "/parity/gdp/Chad,2000"):
        refused = asyncio.run(post(app, path))
        assert refused.status_code == 405 and refused.headers["allow"] == "GET, HEAD", path
        assert "read-only" in refused.text and "本站" not in refused.text  # an English package's site


def test_writing_to_this_package_s_site_is_refused_in_both_its_languages(built):
    from ecodata.serve.app import server_app

    datasette = make_datasette(built)
    asyncio.run(datasette.invoke_startup())
    refused = asyncio.run(post(server_app(datasette), "/china-biodiversity-conservation/sources"))
    assert refused.status_code == 405 and "read-only" in refused.text and "本站只读" in refused.text


async def post(app, path: str):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.post(path, data={"sql": "delete from sources"})


def test_a_table_page_links_to_its_whole_table_beside_the_page_of_rows_its_csv_link_gives(built):
    """Datasette's CSV link gives the page's rows, and streaming them all is off (bounded serving):
    the table's own files are linked beside it, and hold every row."""
    import csv
    import io
    import re

    from ecodata.serve.app import server_app

    datasette = make_datasette(built)
    asyncio.run(datasette.invoke_startup())
    app = server_app(datasette)
    table = "enforcement_actions"
    page = raw_get(app, f"/china-biodiversity-conservation/{table}", b"_size=20")[2].decode("utf-8")
    export = re.search(r'<p class="export-links">.*?</p>', page, re.S).group(0)
    whole = re.search(r'the whole table · 整表: <a href="([^"]+)" download>CSV</a>', export).group(1)
    assert whole == f"/download/csv/{table}.csv" and f'/download/parquet/{table}.parquet"' in export
    paged = re.search(r'<a href="([^"]+)" download>CSV</a> \(<a href="#export">', export).group(1)
    path, _, query = paged.replace("&amp;", "&").partition("?")
    rows = list(csv.reader(io.StringIO(raw_get(app, path, query.encode())[2].decode("utf-8"))))
    status, _, body = raw_get(app, whole)
    every = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    count = json.loads(raw_get(app, f"/china-biodiversity-conservation/{table}.json")[2])
    assert (
        len(rows) == 1 + 20 and status == 200 and len(every) == 1 + count["filtered_table_rows_count"] > 100
    )


def test_the_sources_folder_leads_to_its_index(built):
    """A reader who shortens the address of a source page to /sources/ got the 404 page."""
    from ecodata.serve.app import server_app

    datasette = make_datasette(built)
    asyncio.run(datasette.invoke_startup())
    app = server_app(datasette)
    for path in ("/sources/", "/sources"):
        status, headers, _ = raw_get(app, path)
        assert status == 301 and headers[b"location"] == b"/sources/index.html", path
    assert raw_get(app, "/sources/index.html")[0] == 200 and raw_get(app, "/download/")[0] == 404
