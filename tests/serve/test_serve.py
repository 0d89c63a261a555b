import asyncio
import csv
import urllib.parse

import pytest
from conftest import ROOT, datasette_get

from ecodata.package import load_package
from ecodata.serve.app import SETTINGS, make_datasette

DATABASE = load_package(ROOT / "datapackage.json").name


def get(built, path):
    return datasette_get(built, path)


def sql(built, statement):
    return get(built, f"/{DATABASE}.json?" + urllib.parse.urlencode({"sql": statement, "_shape": "objects"}))


def test_table_json_returns_the_rows(built):
    response = get(built, f"/{DATABASE}/sources.json?_shape=array")
    assert response.status_code == 200
    with open(ROOT / "resources" / "sources.csv", encoding="utf-8") as handle:
        expected = {row["id"]: row["sha256"] for row in csv.DictReader(handle)}
    assert {row["id"]: row["sha256"] for row in response.json()} == expected


def test_read_only_select_works(built):
    response = sql(built, "select count(*) as n from protected_areas")
    assert response.status_code == 200
    with open(ROOT / "resources" / "protected_areas.csv", encoding="utf-8") as handle:
        assert response.json()["rows"] == [{"n": len(list(csv.DictReader(handle)))}]


@pytest.mark.parametrize(
    "statement",
    [
        "delete from sources",
        "create table evil (x)",
        "attach database ':memory:' as other",
        "insert into sources (id) values ('x')",
        "update sources set title_en = 'x'",
        "drop table sources",
        "pragma writable_schema = 1",
        "vacuum into '/tmp/copy.db'",
    ],
)
def test_writing_sql_is_refused(built, statement):
    response = sql(built, statement)
    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert get(built, f"/{DATABASE}/sources.json?_shape=array").status_code == 200


def test_load_extension_is_refused(built):
    response = sql(built, "select load_extension('/usr/lib/x86_64-linux-gnu/libz.so')")
    assert response.status_code == 400
    assert response.json()["ok"] is False


def test_database_is_immutable_and_settings_are_locked_down(built):
    async def inspect():
        datasette = make_datasette(built)
        await datasette.invoke_startup()
        return datasette.databases[DATABASE], datasette

    database, datasette = asyncio.run(inspect())
    assert database.is_mutable is False
    assert datasette.setting("sql_time_limit_ms") == SETTINGS["sql_time_limit_ms"] == 1000
    assert datasette.setting("max_returned_rows") == 1000
    assert datasette.setting("allow_csv_stream") is False


def test_long_running_query_hits_the_time_limit(built):
    response = sql(
        built, "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n"
    )
    assert response.status_code == 400
    assert "interrupted" in response.json()["error"].lower() or "time" in response.json()["error"].lower()


def test_huge_strings_fail_at_once_instead_of_filling_memory(built):
    import time

    started = time.perf_counter()
    response = sql(built, "select length(hex(randomblob(400000000)))")
    elapsed = time.perf_counter() - started
    assert response.status_code == 400
    assert "too big" in response.json()["error"]
    assert elapsed < SETTINGS["sql_time_limit_ms"] / 1000  # refused by the length limit, not the time limit


def test_strings_up_to_the_limit_still_work(built):
    from ecodata.serve.datasette_plugin import MAX_VALUE_BYTES

    response = sql(built, f"select length(hex(randomblob({MAX_VALUE_BYTES // 4}))) as n")
    assert response.status_code == 200
    assert response.json()["rows"] == [{"n": MAX_VALUE_BYTES // 2}]


def test_csv_streaming_of_whole_tables_is_off(built):
    response = get(built, f"/{DATABASE}/indicators.csv?_stream=on&_size=max")
    assert response.status_code == 400
    assert "CSV streaming is disabled" in response.text
    assert "_stream" not in get(built, f"/{DATABASE}/indicators").text  # no "stream all rows" option offered


def test_at_most_max_returned_rows_come_back(built):
    response = sql(
        built, "with recursive n(i) as (select 1 union all select i + 1 from n limit 5000) select i from n"
    )
    assert response.status_code == 200
    body = response.json()
    assert len(body["rows"]) == SETTINGS["max_returned_rows"] == 1000
    assert body["truncated"] is True


def test_a_port_in_use_is_one_line_and_exit_2_before_any_build(tmp_path):
    import socket

    from click.testing import CliRunner

    from ecodata.cli import cli

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--out", str(tmp_path / "dist"), "--port", str(port)])
    assert result.exit_code == 2
    assert (
        result.output.startswith(f"Error: cannot serve on 127.0.0.1:{port}: ")
        and result.output.count("\n") == 1
    )
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize("port", ["99999", "-1", "0"])
def test_a_port_out_of_range_is_one_line_and_exit_2(tmp_path, port):
    from click.testing import CliRunner

    from ecodata.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--out", str(tmp_path / "dist"), "--port", port])
    assert result.exit_code == 2 and "--port" in result.output and "1<=x<=65535" in result.output
    assert not (tmp_path / "dist").exists()


def test_a_table_page_resolves_the_plugin_configuration_once_not_per_cell(built):
    """plugin_config resolves the whole configuration on each call; render_cell runs for every cell."""
    import asyncio

    from datasette.app import Datasette

    from ecodata.serve.app import make_datasette

    counted = []
    original = Datasette.plugin_config

    def counting(self, *args, **kwargs):
        counted.append(args)
        return original(self, *args, **kwargs)

    async def calls_for_one_page():
        datasette = make_datasette(built)
        await datasette.invoke_startup()
        response = await datasette.client.get("/china-biodiversity-conservation/indicators")
        assert response.status_code == 200 and "evidence-source" in response.text

    Datasette.plugin_config = counting
    try:
        asyncio.run(calls_for_one_page())
    finally:
        Datasette.plugin_config = original
    assert len(counted) < 10, len(counted)


def test_no_page_or_query_tells_where_the_server_keeps_its_files(built):
    import json

    listed = json.loads(get(built, "/-/databases.json").text)
    assert [entry["path"] for entry in listed] == ["china-biodiversity-conservation.db"]
    for sql in ("select * from pragma_database_list", "pragma database_list"):
        answer = get(built, f"/china-biodiversity-conservation.json?sql={sql}")
        assert answer.status_code == 400 and str(built) not in answer.text
    assert get(built, "/china-biodiversity-conservation").status_code == 200


def test_schema_questions_reach_sqlite_once_and_answers_are_copies(built):
    """An immutable database's schema is asked about once per question, whatever the pages; a caller
    that changes its answer does not change the next caller's."""
    from datasette.database import Database

    asked = []
    original = Database.execute_fn

    async def counting(self, fn):
        if "sql_operation_in_thread" not in fn.__qualname__:  # a question, not a page's own query
            asked.append(fn.__qualname__)
        return await original(self, fn)

    async def two_pages():
        datasette = make_datasette(built)
        await datasette.invoke_startup()
        database = datasette.get_database(DATABASE)
        first = await database.table_columns("indicators")
        first.append("mutated")
        assert "mutated" not in await database.table_columns("indicators")
        for path in ("indicators", "indicators.json?_sort=value", "indicators.json?_size=3"):
            response = await datasette.client.get(f"/{DATABASE}/{path}")
            assert response.status_code == 200
            if path == "indicators":
                asked.clear()  # the first page asked its questions: the later ones ask none again
        return response

    Database.execute_fn = counting
    try:
        last = asyncio.run(two_pages())
    finally:
        Database.execute_fn = original
    assert asked == []
    assert len(last.json()["rows"]) == 3


def test_facet_links_and_the_csrf_cookie_are_as_datasette_makes_them(built):
    """The faster absolute_url and CSRF secret give the same links and an equally long, random cookie."""
    response = get(built, f"/{DATABASE}/indicators.json?_facet=unit&_size=1")
    facet = response.json()["facet_results"]["unit"]["results"][0]
    assert facet["toggle_url"].startswith(f"http://localhost/{DATABASE}/indicators.json?")
    assert "unit=" in facet["toggle_url"]
    import asgi_csrf

    secrets = {asgi_csrf.make_secret(128) for _ in range(3)}
    assert len(secrets) == 3
    assert all(len(secret) == 128 and set(secret) <= set(asgi_csrf.allowed_chars) for secret in secrets)


def test_huge_answers_are_refused_before_they_fill_the_server_and_its_memory_comes_back(built, tmp_path):
    """100 rows of a 1 MB blob: refused while the rows are fetched, not once a 300 MB answer is built,
    and the server's resident memory returns to about where it was (it kept gigabytes before)."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "ecodata", "serve", "--out", str(built), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"

    def resident_mb() -> float:
        status = open(f"/proc/{server.pid}/status").read()
        return int(status.split("VmRSS:")[1].split()[0]) / 1024

    def status_of(path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(base + path, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    try:
        for _ in range(200):
            try:
                if status_of("/-/versions.json")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        status_of(f"/{DATABASE}/indicators.json")
        before = resident_mb()
        query = urllib.parse.quote("select zeroblob(1000000) from indicators limit 100")
        for _ in range(4):
            status, body = status_of(f"/{DATABASE}.json?sql={query}")
            assert status == 400 and "the answer is larger than 32 MB" in body  # refused while fetched
        assert resident_mb() - before < 64
        assert status_of(f"/{DATABASE}/indicators.json")[0] == 200
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize("signal_name, code", [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_stopped_server_exits_with_the_shell_s_status_for_its_signal(built, signal_name, code):
    """Ctrl-C ended `serve` with 0, as if it had finished (uvicorn stops gracefully, then raises the
    signal again, where asyncio's own Ctrl-C handler swallowed it)."""
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from test_browser import free_port, wait_until_up

    port = free_port()
    ecodata = Path(sys.executable).parent / "ecodata"
    command = [
        str(ecodata),
        "serve",
        str(ROOT / "datapackage.json"),
        "--out",
        str(built),
        "--port",
        str(port),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/-/versions.json", process)
        process.send_signal(getattr(signal, signal_name))
        assert process.wait(timeout=30) == code
    finally:
        process.kill()
    assert b"Traceback" not in process.stderr.read()
