import asyncio
import csv
import urllib.parse

import pytest
from conftest import ROOT

from ecodata.package import load_package
from ecodata.serve import SETTINGS, make_datasette

DATABASE = load_package(ROOT / "datapackage.json").name


def get(built, path):
    async def fetch():
        datasette = make_datasette(built)
        await datasette.invoke_startup()
        return await datasette.client.get(path)

    return asyncio.run(fetch())


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
