import asyncio
import contextlib
import csv
import hashlib
import json
import sqlite3
import zipfile

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import ROOT

from ecodata.build import dist as build_module
from ecodata.build.dist import build, is_stale, zip_name
from ecodata.build.metadata import bilingual_label
from ecodata.build.sqlite import most_columns
from ecodata.package import load_package
from ecodata.validate.engine.reading import parse_piece as PARSE_PIECE

PACKAGE = load_package(ROOT / "datapackage.json")
DATABASE = f"{PACKAGE.name}.db"


def csv_frame(resource: dict) -> pd.DataFrame:
    """The CSV as plain text cells, sorted by primary key, '' for missing values."""
    frame = pd.read_csv(ROOT / resource["path"], dtype=str, keep_default_na=False)
    key = resource["schema"]["primaryKey"]
    return frame.sort_values(key, key=lambda column: column.astype(str)).reset_index(drop=True)


def as_text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return repr(value)
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, list):
        return ",".join(value)
    return str(value)


def same_number_text(expected: str, actual: str) -> bool:
    return expected == actual or (expected != "" and actual != "" and float(expected) == float(actual))


@pytest.mark.parametrize("resource", PACKAGE.resources, ids=lambda r: r["name"])
def test_parquet_holds_the_same_rows_and_values_as_the_csv(built, resource):
    expected = csv_frame(resource)
    actual = pd.read_parquet(built / "parquet" / f"{resource['name']}.parquet")
    assert list(actual.columns) == list(expected.columns)
    assert len(actual) == len(expected)
    for column in expected.columns:
        for want, got in zip(expected[column], actual[column]):
            assert same_number_text(want, as_text(got)), (resource["name"], column, want, got)


@pytest.mark.parametrize("resource", PACKAGE.resources, ids=lambda r: r["name"])
def test_sqlite_holds_the_same_rows_and_values_as_the_csv(built, resource):
    expected = csv_frame(resource)
    with sqlite3.connect(built / DATABASE) as connection:
        actual = pd.read_sql(f'select * from "{resource["name"]}" order by rowid', connection)
    if labels := bilingual_label(resource):  # code lists and sources get a generated bilingual label
        assert list(actual["label"]) == [
            f"{zh} · {en}" for zh, en in zip(expected[labels[0]], expected[labels[1]])
        ]
        actual = actual.drop(columns="label")
    assert list(actual.columns) == list(expected.columns)
    assert len(actual) == len(expected)
    list_columns = {f["name"] for f in resource["schema"]["fields"] if f["type"] == "list"}
    for column in expected.columns:
        for want, got in zip(expected[column], actual[column]):
            if column in list_columns and isinstance(got, str):
                got = json.loads(got)
            assert same_number_text(want, as_text(got)), (resource["name"], column, want, got)


def test_parquet_types_and_descriptions_follow_the_table_schema(built):
    schema = pq.read_schema(built / "parquet" / "international_partnerships.parquet")
    assert str(schema.field("value").type) == "double"
    partners = schema.field("partners_iso3").type
    assert pa.types.is_list(partners) and partners.value_type == pa.string()
    assert str(schema.field("id").type) == "string"
    description = PACKAGE.resource("international_partnerships")["schema"]["fields"][0]["description"]
    assert schema.field("id").metadata[b"description"].decode() == description
    metadata = pq.read_metadata(built / "parquet" / "international_partnerships.parquet")
    assert metadata.row_group(0).column(0).compression == "ZSTD"


def test_sqlite_has_primary_keys_foreign_keys_and_indexes(built):
    with sqlite3.connect(built / DATABASE) as connection:
        pk = [row[1] for row in connection.execute("pragma table_info(protected_areas)") if row[5]]
        fks = {
            (row[3], row[2], row[4]) for row in connection.execute("pragma foreign_key_list(protected_areas)")
        }
        indexed = {
            connection.execute(f"pragma index_info('{index[1]}')").fetchone()[2]
            for index in connection.execute("pragma index_list(protected_areas)")
        }
    assert pk == ["id"]
    assert ("source_id", "sources", "id") in fks
    assert ("designation", "codes_designation", "code") in fks
    assert {column for column, _, _ in fks} <= indexed


def test_two_builds_are_byte_identical(tmp_path):
    first = build(ROOT / "datapackage.json", tmp_path / "one")
    second = build(ROOT / "datapackage.json", tmp_path / "two")
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


@pytest.mark.parametrize("engine", ["arrow", "frictionless"])
def test_a_date_of_format_any_is_the_same_whatever_the_day_of_the_build(tmp_path, monkeypatch, engine):
    """`1850-01` with `"format": "any"`: dateutil fills what it lacks from today, so the database held
    1850-01-06 on the 6th, 1850-01-31 on the 31st (datasets/global-temp): bytes that changed by the day."""
    import datetime
    import types

    import dateutil.parser._parser as dateutil_internals
    from parity import table, write_package

    class OnThe31st(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return cls(2026, 12, 31)

    shim = types.ModuleType("datetime")  # dateutil's `datetime` module, but for its clock
    shim.__dict__.update(vars(datetime))
    shim.datetime = OnThe31st
    monkeypatch.setattr(dateutil_internals, "datetime", shim)
    fields = [{"name": "month", "type": "date", "format": "any"}, {"name": "v", "type": "integer"}]
    resource = table("m", fields) | (
        {"stats": {"rows": 2}} if engine == "frictionless" else {}
    )  # (handed to it)
    descriptor = write_package(tmp_path / "p", [resource], {"m.csv": b"month,v\n1850-01,1\nFeb 1999,2\n"})
    dist = build(descriptor, tmp_path / "dist")
    with contextlib.closing(sqlite3.connect(dist / "parity.db")) as connection:
        assert connection.execute("SELECT month FROM m").fetchall() == [("1850-01-01",), ("1999-02-01",)]
    assert pq.read_table(dist / "parquet" / "m.parquet")["month"].to_pylist() == [
        datetime.date(1850, 1, 1),
        datetime.date(1999, 2, 1),
    ]


def test_sha256sums_lists_every_output(built):
    listed = {}
    for line in (built / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ")
        listed[name] = digest
    outputs = {p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert set(listed) == outputs
    for name, digest in listed.items():
        assert hashlib.sha256((built / name).read_bytes()).hexdigest() == digest


def test_zip_is_usable_offline(built, tmp_path):
    with zipfile.ZipFile(built / zip_name(PACKAGE)) as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())
        archive.extractall(tmp_path)
    assert {"datapackage.json", "resources/protected_areas.csv", "parquet/protected_areas.parquet"} <= set(
        names
    )
    assert any(n.startswith("sources/") for n in names)
    from ecodata.validate.run import validate

    assert validate(tmp_path / "datapackage.json").valid


def test_the_zip_opens_in_frictionless_and_parquet_keeps_the_types(built):
    """Data users open the download with frictionless (descriptor at the zip's root) and pyarrow."""
    import frictionless
    import pyarrow.parquet as pq

    opened = frictionless.Package(str(built / zip_name(PACKAGE)))
    for resource in opened.resources:
        rows = resource.read_rows()
        expected = PACKAGE.table(resource.name)
        assert len(rows) == pq.read_metadata(built / "parquet" / f"{resource.name}.parquet").num_rows
        schema = pq.read_schema(built / "parquet" / f"{resource.name}.parquet")
        assert schema.names == [field["name"] for field in expected["schema"]["fields"]]
        for field in expected["schema"]["fields"]:
            arrow = schema.field(field["name"]).type
            assert {
                "string": pa.types.is_string,
                "number": pa.types.is_floating,
                "date": pa.types.is_date32,
            }.get(field["type"], lambda _: True)(arrow), (resource.name, field["name"], arrow)


def test_metadata_comes_from_the_descriptor(built):
    metadata = json.loads((built / "metadata.json").read_text(encoding="utf-8"))
    table = metadata["databases"][PACKAGE.name]["tables"]["protected_areas"]
    resource = PACKAGE.resource("protected_areas")
    assert metadata["title"] == PACKAGE.descriptor["title"]
    assert metadata["license"] == "CC-BY-4.0"
    assert table["title"] == resource["title"]
    assert table["columns"]["quote"] == next(
        f["description"] for f in resource["schema"]["fields"] if f["name"] == "quote"
    )
    assert metadata["databases"][PACKAGE.name]["tables"]["codes_unit"]["label_column"] == "label"


def test_inspect_file_matches_the_database(built):
    inspect = json.loads((built / "inspect.json").read_text(encoding="utf-8"))[PACKAGE.name]
    assert inspect["hash"] == hashlib.sha256((built / DATABASE).read_bytes()).hexdigest()
    with open(ROOT / "resources" / "sources.csv", encoding="utf-8") as handle:
        assert inspect["tables"]["sources"]["count"] == len(list(csv.DictReader(handle)))


def test_inspect_file_is_what_datasette_inspect_writes(built):
    from datasette.cli import inspect_

    expected = asyncio.run(inspect_([str(built / DATABASE)], None))
    expected[PACKAGE.name]["file"] = DATABASE
    assert json.loads((built / "inspect.json").read_text(encoding="utf-8")) == expected


def test_failed_build_leaves_previous_output_intact(package_copy, tmp_path, monkeypatch):
    out = build(package_copy, tmp_path / "dist")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken_zip(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(build_module, "write_zip", broken_zip)
    with pytest.raises(OSError):
        build(package_copy, out)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist", "package"]


def test_stale_when_missing_or_inputs_change(package_copy, tmp_path):
    out = tmp_path / "dist"
    assert is_stale(package_copy, out)
    build(package_copy, out)
    assert not is_stale(package_copy, out)
    csv_path = package_copy.parent / "resources" / "codes_unit.csv"
    csv_path.write_text(csv_path.read_text(encoding="utf-8").replace("hectares", "hectare"), encoding="utf-8")
    assert is_stale(package_copy, out)


def test_stale_when_built_by_a_toolkit_with_another_output_format(package_copy, tmp_path):
    out = build(package_copy, tmp_path / "dist")
    info = json.loads((out / build_module.BUILD_INFO).read_text(encoding="utf-8"))
    (out / build_module.BUILD_INFO).write_text(
        json.dumps({**info, "format": info["format"] - 1}), encoding="utf-8"
    )
    assert is_stale(package_copy, out)


def test_parquet_keeps_the_schema_types_and_sorts_by_the_typed_key(tmp_path):
    from ecodata.package import load_package
    from ecodata.validate.tables import read_table

    (tmp_path / "t.csv").write_text(
        "id,n,d,dt,dto,t,ym,gp,flag,items\n"
        '10,1.5,2020-01-31,2020-01-31T10:20:30,2020-01-31T10:20:30+08:00,10:20:30,2020-01,"1.5,2",yes,"1,2"\n'
        '2,,2021-02-01,2021-02-01T00:00:00,2021-02-01T00:00:00Z,23:59:59,2021-12,"0,0",no,3\n',
        encoding="utf-8",
    )
    fields = [
        {"name": "id", "type": "integer"},
        {"name": "n", "type": "number"},
        {"name": "d", "type": "date"},
        {"name": "dt", "type": "datetime"},
        {"name": "dto", "type": "datetime"},
        {"name": "t", "type": "time"},
        {"name": "ym", "type": "yearmonth"},
        {"name": "gp", "type": "geopoint"},
        {"name": "flag", "type": "boolean", "trueValues": ["yes"], "falseValues": ["no"]},
        {"name": "items", "type": "list", "itemType": "integer"},
    ]
    descriptor = {
        "name": "p",
        "resources": [{"name": "t", "path": "t.csv", "schema": {"fields": fields, "primaryKey": "id"}}],
    }
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    table = read_table(load_package(tmp_path), "t")
    types = {field.name: field.type for field in table.schema}
    assert types["id"] == pa.int64() and types["n"] == pa.float64() and types["d"] == pa.date32()
    assert types["dt"] == pa.timestamp("us") and types["dto"] == pa.timestamp("us", tz="UTC")
    assert types["t"] == pa.time64("us") and types["flag"] == pa.bool_()
    assert types["items"] == pa.list_(pa.int64())
    assert pa.types.is_struct(types["ym"]) and pa.types.is_struct(types["gp"])
    assert table.column("id").to_pylist() == [2, 10]  # typed order, not text order ("10" < "2")
    first = table.slice(1, 1).to_pylist()[0]
    assert first["dto"].isoformat() == "2020-01-31T02:20:30+00:00"
    assert first["ym"] == {"year": 2020, "month": 1} and first["gp"] == {"lon": 1.5, "lat": 2.0}
    assert first["flag"] is True and first["items"] == [1, 2]


class RecordedProgress:
    """A progress bar's calls, kept: (name, total, unit, [each advance]) per task, in order."""

    def __init__(self):
        self.tasks = []

    @contextlib.contextmanager
    def task(self, name, total, unit="bytes"):
        moves = []
        self.tasks.append((name, total, unit, moves))
        yield moves.append


@pytest.mark.parametrize("offsets", ["same", "mixed"], ids=["out of key order", "a column typed whole"])
def test_rows_sqlite_did_not_get_in_key_order_are_loaded_again_from_parquet(tmp_path, monkeypatch, offsets):
    # batches of two: the first goes in, then it breaks
    monkeypatch.setattr("ecodata.validate.file_texts.BATCH_ROWS", 2)  # the engine's text batches
    monkeypatch.setattr("ecodata.validate.batches.BATCH_ROWS", 2)  # and frictionless's rows, batched
    later = "+08:00" if offsets == "same" else ""  # an offset in the first batch only: typed whole, as text
    rows = [(3, "wetland survey"), (5, "湿地保护"), (4, "国家公园 national park"), (1, ""), (2, "熊猫")]
    (tmp_path / "t.csv").write_text(
        "id,note,at\n"
        + "".join(
            f"{key},{note},2020-01-0{key}T00:00:00{'+08:00' if index < 2 else later}\n"
            for index, (key, note) in enumerate(rows)
        ),
        encoding="utf-8",
    )
    fields = [{"name": "id", "type": "integer"}, {"name": "note"}, {"name": "at", "type": "datetime"}]
    descriptor = {
        "name": "p",
        "resources": [{"name": "t", "path": "t.csv", "schema": {"fields": fields, "primaryKey": "id"}}],
    }
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    progress = RecordedProgress()
    out = build(tmp_path, tmp_path / "dist", progress=progress)
    assert pq.read_table(out / "parquet" / "t.parquet").column("id").to_pylist() == [1, 2, 3, 4, 5]
    # the progress counts the rows loaded, takes back those loaded again, and ends at the rows validated
    steps = [(name, total, unit, sum(moves)) for name, total, unit, moves in progress.tasks]
    assert steps == [
        ("t", (tmp_path / "t.csv").stat().st_size, "bytes", (tmp_path / "t.csv").stat().st_size),
        ("Parquet, SQLite", 5, "rows", 5),
        ("search index", 1, None, 0),
        ("pages, zip, SHA256SUMS", 1, None, 0),
    ]
    assert min(progress.tasks[1][3]) < 0
    with sqlite3.connect(out / "p.db") as connection:
        assert [key for (key,) in connection.execute("select id from t order by rowid")] == [1, 2, 3, 4, 5]

        def found(term: str) -> list[int]:
            query = "select rowid from t_fts where t_fts match ? order by rowid"
            return [rowid for (rowid,) in connection.execute(query, (f'"{term}"',))]

        assert found("湿地") == [5] and found("国家") == found("park") == [4] and found("wetland") == [3]
        assert found("熊猫") == [2]


PIECES = {
    "plain": b"a,b,c\n" + b"".join(b"%d,x%d,y\n" % (n, n) for n in range(40)),
    # pieces first, then from where one ends inside quotes, Arrow's stream reader
    "quoted-newlines-later": b"a,b,c\n"
    + b"".join(b"%d,x%d,y\n" % (n, n) for n in range(20))
    + b"".join(b'%d,"line\n%d, ""q""",y\n' % (n, n) for n in range(20, 40)),
    "non-ascii-crlf": b"a,b,c\r\n" + "".join(f"{n},中文{n},é\r\n" for n in range(40)).encode(),
}


@pytest.mark.parametrize("content", PIECES.values(), ids=PIECES.keys())
def test_the_build_reads_a_file_cut_into_pieces_as_the_exact_reader_does(tmp_path, monkeypatch, content):
    from ecodata.validate.batches import engine_rows
    from ecodata.validate.engine import reading
    from ecodata.validate.file_texts import engine_plan

    monkeypatch.setattr(reading, "SMALLEST_PIECE", 64)
    monkeypatch.setattr(reading, "PIECE_SIZE", 64)
    pieces = []
    monkeypatch.setattr(reading, "parse_piece", lambda *args: pieces.append(1) or PARSE_PIECE(*args))
    (tmp_path / "t.csv").write_bytes(content)
    fields = [{"name": name, "type": "string"} for name in "abc"]
    descriptor = {"name": "p", "resources": [{"name": "t", "path": "t.csv", "schema": {"fields": fields}}]}
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    package = load_package(tmp_path)
    read = [(row.number, [row.cells[name] for name in "abc"]) for row in engine_rows(package, "t")]
    plan, layout = engine_plan(package, "t")
    exact = [
        (number, [column[index].as_py() for column in batch.columns])
        for batch in reading.exact_batches(plan.paths[0], layout, 3, True)
        for index, number in enumerate(batch.row_numbers.tolist())
    ]
    assert read == exact and len(exact) == 40
    assert len(pieces) >= 2  # the file was cut


def test_a_field_unit_becomes_a_datasette_unit(tmp_path):
    from ecodata.build.metadata import datasette_metadata
    from ecodata.package import Package

    resource = {
        "name": "areas",
        "path": "areas.csv",
        "schema": {
            "fields": [
                {"name": "id", "type": "string"},
                {"name": "area_km2", "type": "number", "unit": "km^2"},
            ]
        },
    }
    package = Package(tmp_path / "datapackage.json", {"name": "p", "resources": [resource]})
    table = datasette_metadata(package)["databases"]["p"]["tables"]["areas"]
    assert table["units"] == {"area_km2": "km^2"}


def test_descriptor_passes_the_official_frictionless_cli():
    import subprocess
    import sys
    from pathlib import Path

    frictionless = Path(sys.executable).parent / "frictionless"
    result = subprocess.run(
        [str(frictionless), "validate", "datapackage.json"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert "INVALID" not in result.stdout


def test_a_folder_ecodata_did_not_build_is_never_replaced(package_copy, tmp_path):
    from click.testing import CliRunner

    from ecodata.cli import cli

    someone = tmp_path / "notes"
    someone.mkdir()
    (someone / "thesis.txt").write_text("years of work", encoding="utf-8")
    for out in (someone, package_copy.parent, tmp_path):
        result = CliRunner().invoke(cli, ["build", str(package_copy), "--out", str(out)])
        assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert (someone / "thesis.txt").read_text(encoding="utf-8") == "years of work"
    assert (package_copy.parent / "resources").is_dir()


def test_a_build_replaces_its_own_output_whole_and_clears_what_an_interrupted_one_left(
    package_copy, tmp_path
):
    out = tmp_path / "dist"
    build(package_copy, out)
    (out / "stale.txt").write_text("from before", encoding="utf-8")
    (tmp_path / ".dist.building-abc").mkdir()
    (tmp_path / ".dist.old-def").mkdir()
    build(package_copy, out)
    assert not (out / "stale.txt").exists() and (out / "SHA256SUMS").is_file()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["dist", "package"]


def table_package(folder, *resources) -> None:
    """A package of CSV resources given as (name, header, rows, schema extras) under `folder`."""
    described = []
    for name, header, rows, extras in resources:
        (folder / f"{name}.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
        fields = [{"name": label, "type": "string"} for label in header.split(",")]
        described.append({"name": name, "path": f"{name}.csv", "schema": {"fields": fields, **extras}})
    (folder / "datapackage.json").write_text(
        json.dumps({"name": "p", "resources": described}), encoding="utf-8"
    )


WIDEST = most_columns()  # 2,000 as SQLite is built by default
SQLITE_CLASHES = {  # valid packages (frictionless says so) the database cannot hold as laid out
    "more columns than a table holds": (
        [("wide", ",".join(f"c{n}" for n in range(WIDEST + 1)), [",".join(["1"] * (WIDEST + 1))], {})],
        f'resource "wide": {WIDEST + 1:,} columns, where a SQLite table holds at most {WIDEST:,}',
    ),
    "two fields differing in case": (
        [("t", "Name,name", ["a,b"], {})],
        'resource "t": fields "Name" and "name" differ only in case',
    ),
    "a resource named as another's search index": (
        [("x_fts", "id", ["1"], {}), ("x", "id,note", ["1,some words"], {})],
        'resource "x_fts" and the search index of resource "x" would both be the SQLite table "x_fts"',
    ),
    "a name SQLite keeps": (
        [("sqlite_stat1", "id", ["1"], {})],
        'resource "sqlite_stat1": SQLite keeps names starting with "sqlite_" for itself',
    ),
}


@pytest.mark.parametrize("resources, said", SQLITE_CLASHES.values(), ids=SQLITE_CLASHES.keys())
def test_names_sqlite_cannot_hold_are_one_line_and_nothing_is_written(tmp_path, resources, said):
    from click.testing import CliRunner

    from ecodata.cli import cli

    table_package(tmp_path, *resources)
    assert CliRunner().invoke(cli, ["validate", str(tmp_path)]).exit_code == 0
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "--out", str(tmp_path / "dist")])
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert result.output.startswith(f"Error: not built: {said}")
    assert not [path.name for path in tmp_path.iterdir() if "dist" in path.name]


def test_an_integer_beyond_64_bits_is_one_line_naming_file_row_and_field_and_nothing_is_written(tmp_path):
    """frictionless's integers have no bounds, so the package is valid; Arrow's, Parquet's and SQLite's
    have 64 bits: the build says where the value is instead of failing inside pyarrow (exit 3)."""
    from click.testing import CliRunner

    from ecodata.cli import cli

    rows = ["1,9223372036854775807", "2,-9223372036854775808", "3,+9223372036854775808", "4,5"]
    table_package(tmp_path, ("t", "id,big", rows, {}))
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["schema"]["fields"][1]["type"] = "integer"
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert CliRunner().invoke(cli, ["validate", str(tmp_path)]).exit_code == 0
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "--out", str(tmp_path / "dist")])
    assert result.exit_code == 2 and result.output == (
        'Error: t.csv (row 4): field "big": +9223372036854775808 is beyond the 64-bit integers that Parquet and '
        'SQLite hold; declare the field "string" to keep it as written\n'
    )
    assert not [path.name for path in tmp_path.iterdir() if "dist" in path.name]


def test_an_integer_beyond_64_bits_that_frictionless_reads_is_one_line_too(tmp_path):
    from click.testing import CliRunner

    from ecodata.cli import cli

    fields = [{"name": "id", "type": "integer"}, {"name": "big", "type": "integer"}]
    resource = {"name": "t", "data": [{"id": 1, "big": 10**20}], "schema": {"fields": fields}}
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"name": "p", "resources": [resource]}), encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "--out", str(tmp_path / "dist")])
    assert result.exit_code == 2 and result.output == (
        f'Error: resource "t": field "big": {10**20} is beyond the 64-bit integers that Parquet and SQLite '
        'hold; declare the field "string" to keep it as written\n'
    )


def test_a_number_beyond_a_double_is_one_line_and_infinity_written_so_is_built(tmp_path):
    """1e400 is a valid number (frictionless reads a Decimal) that a double holds as inf: the build stored
    it so, a figure changed without a word (a walk-through)."""
    from click.testing import CliRunner

    from ecodata.cli import cli

    table_package(tmp_path, ("t", "id,val", ["1,1.5", "2,1e400"], {}))
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["schema"]["fields"][1]["type"] = "number"
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "--out", str(tmp_path / "dist")])
    assert result.exit_code == 2 and result.output == (
        'Error: t.csv (row 3): field "val": 1e400 is beyond the numbers (a double\'s ±1.8e308) that Parquet '
        'and SQLite hold; declare the field "string" to keep it as written\n'
    )
    (tmp_path / "t.csv").write_text("id,val\n1,1.5\n2,-inf\n", encoding="utf-8")
    out = build(tmp_path, tmp_path / "dist")
    assert pq.read_table(out / "parquet" / "t.parquet").column("val").to_pylist() == [1.5, float("-inf")]


def test_a_table_of_many_text_columns_is_searched_across_all_of_them(tmp_path):
    """Its search text was one chain a || ' ' || b || …: 600 columns passed SQLite's expression depth
    (exit 3, "Expression tree is too large")."""
    header = ",".join(f"c{n}" for n in range(600))
    table_package(tmp_path, ("wide", header, [",".join(f"word{n}" for n in range(600))], {}))
    out = build(tmp_path, tmp_path / "dist")
    with sqlite3.connect(out / "p.db") as connection:
        for word in ("word0", "word599"):
            assert connection.execute(
                "select rowid from wide_fts where wide_fts match ?", (word,)
            ).fetchall() == [(1,)]


def test_a_field_named_label_and_a_resource_named_as_an_index_are_built(tmp_path):
    """No generated `label` beside a field that has its name; an index named around a table's name."""
    table_package(
        tmp_path,
        ("codes", "code,label_zh,label_en,LABEL", ["a,甲,A,x"], {"primaryKey": ["code"]}),
        ("idx_t_code", "id", ["1"], {}),
        (
            "t",
            "id,code",
            ["1,a"],
            {"foreignKeys": [{"fields": ["code"], "reference": {"resource": "codes", "fields": ["code"]}}]},
        ),
    )
    out = build(tmp_path, tmp_path / "dist")
    with sqlite3.connect(out / "p.db") as connection:
        assert [row[1] for row in connection.execute("pragma table_xinfo(codes)")] == [
            "code",
            "label_zh",
            "label_en",
            "LABEL",
        ]
        indexes = {
            name for (name,) in connection.execute("select name from sqlite_master where type='index'")
        }
        assert "idx_t_code_2" in indexes and connection.execute(
            "select count(*) from idx_t_code"
        ).fetchone() == (1,)


def test_a_yaml_package_with_dates_in_its_schema_and_declared_checks_builds(tmp_path):
    """frictionless's own YAML reading keeps `2020-01-02` a date; the tables the declared checks and
    the build read are ecodata's reading of the descriptor, where it is text."""
    (tmp_path / "datapackage.yaml").write_text(
        "name: p\necodata: {checks: [categories]}\nresources:\n  - name: items\n    path: items.csv\n"
        "    schema:\n      fields:\n        - {name: id, type: integer}\n"
        "        - {name: day, type: date, categories: [2020-01-02, 2020-03-04]}\n      primaryKey: [id]\n",
        encoding="utf-8",
    )
    (tmp_path / "items.csv").write_text("id,day\n1,2020-01-02\n2,2020-03-04\n", encoding="utf-8")
    out = build(tmp_path / "datapackage.yaml", tmp_path / "dist")
    assert (
        pq.read_table(out / "parquet" / "items.parquet").column("day").to_pylist()[0].isoformat()
        == "2020-01-02"
    )


def test_a_folder_of_csv_parts_is_built_as_validation_reads_it(tmp_path):
    """Each part with its own header row, as Spark or Dask write them (frictionless cannot open a
    folder: the build read it through frictionless and failed with exit 3)."""
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "part-0.csv").write_text("id,name\n3,c\n1,a\n", encoding="utf-8")
    (tmp_path / "parts" / "part-1.csv").write_text("id,name\n2,b\n", encoding="utf-8")
    fields = [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]
    resource = {
        "name": "t",
        "path": "parts",
        "format": "csv",
        "schema": {"fields": fields, "primaryKey": ["id"]},
    }
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"name": "p", "resources": [resource]}), encoding="utf-8"
    )
    out = build(tmp_path, tmp_path / "dist")
    assert pq.read_table(out / "parquet" / "t.parquet").to_pylist() == [
        {"id": 1, "name": "a"},
        {"id": 2, "name": "b"},
        {"id": 3, "name": "c"},
    ]
    with sqlite3.connect(out / "p.db") as connection:
        assert connection.execute("select id, name from t order by rowid").fetchall() == [
            (1, "a"),
            (2, "b"),
            (3, "c"),
        ]
    assert (out / "csv" / "t.csv").read_text(encoding="utf-8") == "id,name\n3,c\n1,a\n2,b\n"


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_a_list_of_files_is_built_as_frictionless_reads_it_and_at_the_engine_s_speed(
    tmp_path, monkeypatch, suffix
):
    """A multipart resource (a list of paths) went through frictionless row by row: 4 M rows in ten
    parts, 81 s and 800 MB against validation's 1.2 s (now 4 s, 265 MB). The parts are read as validation
    reads them: a later CSV part's first line dropped as frictionless drops it, a byte-order mark
    there is text, rows numbered as if one file."""
    from ecodata.validate import file_texts

    sep, header = (",", "id,name\n") if suffix == ".csv" else ("\t", "")  # TSV: every line read
    parts = {
        f"a{suffix}": f"id{sep}name\n3{sep}c\n1{sep}a\n",
        f"b{suffix}": f"{header}2{sep}b\n",  # frictionless drops a later CSV part's first line
        f"c{suffix}": f"\ufeff{header}5{sep}e\n4{sep}d"
        if header
        else f"5{sep}e\n4{sep}d",  # a BOM; no last line end
    }
    for name, text in parts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    fields = [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]
    resource = {"name": "t", "path": list(parts), "schema": {"fields": fields}}
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"name": "p", "resources": [resource]}), encoding="utf-8"
    )
    from click.testing import CliRunner

    from ecodata.cli import cli

    validated = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    engine = build(tmp_path, tmp_path / "engine")
    monkeypatch.setattr(file_texts, "file_plans", lambda package, resource: None)  # frictionless reads it
    reference = build(tmp_path, tmp_path / "reference")
    read = [pq.read_table(out / "parquet" / "t.parquet").to_pylist() for out in (engine, reference)]
    assert read[0] == read[1] and len(read[0]) >= 4, (validated.output, read)
    assert (engine / "csv" / "t.csv").read_bytes() == (reference / "csv" / "t.csv").read_bytes()
    with sqlite3.connect(engine / "p.db") as one, sqlite3.connect(reference / "p.db") as other:
        query = "select * from t order by rowid"
        assert one.execute(query).fetchall() == other.execute(query).fetchall()


def test_a_value_the_build_cannot_hold_in_a_later_part_is_placed_as_validation_places_rows(tmp_path):
    from click.testing import CliRunner

    from ecodata.cli import cli

    (tmp_path / "a.csv").write_text("id,big\n1,1\n2,2\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("id,big\n3,3\n4,99999999999999999999\n", encoding="utf-8")
    fields = [{"name": "id", "type": "integer"}, {"name": "big", "type": "integer"}]
    resource = {"name": "t", "path": ["a.csv", "b.csv"], "schema": {"fields": fields}}
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"name": "p", "resources": [resource]}), encoding="utf-8"
    )
    (tmp_path / "b.csv").write_text("id,big\n3,x\n4,99999999999999999999\n", encoding="utf-8")
    invalid = CliRunner().invoke(cli, ["validate", str(tmp_path), "--format", "json"])
    (row,) = [error["row"] for error in json.loads(invalid.output)["errors"]]
    (tmp_path / "b.csv").write_text("id,big\n3,3\n4,99999999999999999999\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "--out", str(tmp_path / "dist")])
    assert result.exit_code == 2 and result.output.startswith(
        f'Error: b.csv (row {row + 1}): field "big": 99999999999999999999'
    )


def test_what_validates_but_has_no_rows_to_build_is_one_line_exit_2(tmp_path):
    from click.testing import CliRunner

    from ecodata.cli import cli

    fields = [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]
    (tmp_path / "t.json").write_text('[{"id": 1, "name": "a"}]', encoding="utf-8")
    pq.write_table(pa.table({"id": [1], "name": ["a"]}), tmp_path / "part.parquet")
    (tmp_path / "parts").mkdir()
    (tmp_path / "part.parquet").rename(tmp_path / "parts" / "part.parquet")
    cases = {
        "t.json": 'resource "t" is not a table to frictionless (its type is "json")',
        "parts": 'resource "t" is a folder of Parquet parts, which ecodata validates but does not build yet',
    }
    for path, said in cases.items():
        resource = {"name": "t", "path": path, "schema": {"fields": fields}}
        (tmp_path / "datapackage.json").write_text(
            json.dumps({"name": "p", "resources": [resource]}), encoding="utf-8"
        )
        assert CliRunner().invoke(cli, ["validate", str(tmp_path)]).exit_code == 0
        result = CliRunner().invoke(cli, ["build", str(tmp_path), "--out", str(tmp_path / "dist")])
        assert result.exit_code == 2 and result.output.startswith(f"Error: not built: {said}"), result.output
        assert result.output.count("\n") == 1 and not (tmp_path / "dist").exists()


def test_names_with_double_quotes_are_built_searched_and_served(tmp_path):
    """A field named `note "x"` (a CSV header may say so) broke the search index's SQL: exit 3."""
    from conftest import datasette_get
    from parity import table, write_package

    fields = [{"name": 'key "k"', "type": "string"}, {"name": 'note "x"', "type": "string"}]
    resource = table("quoted", fields, primaryKey=['key "k"'])
    files = {"quoted.csv": b'"key ""k""","note ""x"""\nalpha,hello world\nbeta,wetlands\n'}
    dist = build(write_package(tmp_path / "p", [resource], files), tmp_path / "dist")
    assert datasette_get(dist, "/parity/quoted.json?_search=hello&_shape=array").json() == [
        {'key "k"': "alpha", 'note "x"': "hello world"}
    ]
    assert "wetlands" in datasette_get(dist, "/parity/quoted/beta").text  # the row card's query
    assert "/parity/quoted/alpha" in datasette_get(dist, "/sitemap.xml").text  # the sitemap's


def test_a_resource_name_with_a_slash_is_refused_in_one_line(tmp_path):
    from click.testing import CliRunner
    from parity import table, write_package

    from ecodata.cli import cli

    resource = table("x/y", [{"name": "a", "type": "integer"}]) | {"path": "x.csv"}
    descriptor = write_package(tmp_path / "p", [resource], {"x.csv": b"a\n1\n"})
    assert (
        CliRunner().invoke(cli, ["validate", str(descriptor)]).exit_code == 0
    )  # the name pattern allows "/"
    result = CliRunner().invoke(cli, ["build", str(descriptor), "--out", str(tmp_path / "dist")])
    assert (
        result.exit_code == 2
        and 'resource "x/y": its name makes the file name "x/y.parquet", with a "/"' in result.output
    ), result.output
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "dist").exists()


@pytest.mark.parametrize(
    "name, version, said",
    [
        ("../../escaped", None, 'name makes the file name "../../escaped.db", with a "/"'),
        ("..", None, 'name makes the file name "...db", hidden or outside'),
        ("a" * 300, None, "name makes a file name of 303 bytes"),
        ("fine", "1.0/../../x", 'name and version make the file name "fine-1.0/../../x.zip", with a "/"'),
    ],
)
def test_a_package_name_that_is_no_file_name_is_refused_and_nothing_is_written(tmp_path, name, version, said):
    """`"name": "../../etc"` (the name pattern allows it) wrote etc.db and etc.zip two folders above the
    build's: exit 0, and a name too long for a file was an exit 3."""
    from click.testing import CliRunner
    from parity import table, write_package

    from ecodata.cli import cli

    descriptor = write_package(
        tmp_path / "a" / "b" / "p", [table("x", [{"name": "a", "type": "integer"}])], {"x.csv": b"a\n1\n"}
    )
    document = json.loads(descriptor.read_text()) | {"name": name} | ({"version": version} if version else {})
    descriptor.write_text(json.dumps(document))
    before = sorted(tmp_path.rglob("*"))
    result = CliRunner().invoke(cli, ["build", str(descriptor), "--out", str(tmp_path / "a" / "b" / "dist")])
    assert result.exit_code == 2 and said in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1 and sorted(tmp_path.rglob("*")) == before


def test_a_code_list_and_a_headline_keyed_by_a_name_with_double_quotes_are_served(tmp_path):
    """`serve` stopped at start (exit 3) on a code list whose key is named `code "c"`, and the home
    page was a 500 for a headline keyed so: two more queries that wrapped names in plain quotes."""
    from conftest import datasette_get
    from parity import table, write_package

    key = 'code "c"'
    codes = table(
        "codes",
        [
            {"name": key, "type": "string"},
            {"name": "label_zh", "type": "string"},
            {"name": "label_en", "type": "string"},
        ],
        primaryKey=[key],
    )
    reference = {"fields": ["kind"], "reference": {"resource": "codes", "fields": [key]}}
    facts = table(
        "facts",
        [{"name": 'id "i"', "type": "string"}, {"name": "kind", "type": "string"}],
        primaryKey=['id "i"'],
        foreignKeys=[reference],
    )
    files = {
        "codes.csv": '"code ""c""",label_zh,label_en\nw,湿地,wetland\n'.encode(),
        "facts.csv": b'"id ""i""",kind\na,w\n',
    }
    descriptor = write_package(tmp_path / "p", [codes, facts], files)
    document = json.loads(descriptor.read_text(encoding="utf-8"))
    document["ecodata"] = {"headlines": [{"resource": "facts", "id": "a"}]}
    descriptor.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    dist = build(descriptor, tmp_path / "dist")
    home = datasette_get(dist, "/")
    assert home.status_code == 200 and "/parity/facts/a" in home.text
    assert "湿地 · wetland" in datasette_get(dist, "/parity/facts").text  # the code list's labels


def test_a_v1_author_is_a_creator_of_the_data_set(tmp_path):
    """Data Package v1 names a contributor who made the data `"role": "author"`: the citations and the
    home page's schema.org `creator` had only v2's `creator`, and cited the package's title."""
    from parity import table, write_package

    from ecodata.build.metadata import dataset_facts
    from ecodata.package import load_package

    descriptor = write_package(
        tmp_path, [table("t", [{"name": "a", "type": "integer"}])], {"t.csv": b"a\n1\n"}
    )
    document = json.loads(descriptor.read_text()) | {
        "contributors": [
            {"title": "Ada", "role": "author"},
            {"title": "Bo", "roles": ["creator"]},
            {"title": "Cy", "role": "maintainer"},
        ]
    }
    descriptor.write_text(json.dumps(document))
    assert dataset_facts(load_package(descriptor))["creators"] == ["Ada", "Bo"]


def test_the_zip_carries_the_licence_s_text_beside_the_descriptor(tmp_path):
    """datasets/global-temp's zip left out its LICENSE: the data's terms did not travel with it."""
    from parity import table, write_package

    descriptor = write_package(
        tmp_path / "p", [table("t", [{"name": "a", "type": "integer"}])], {"t.csv": b"a\n1\n"}
    )
    (descriptor.parent / "LICENSE.md").write_text("ODC-PDDL-1.0\n", encoding="utf-8")
    (descriptor.parent / "notes.txt").write_text("not the package's\n", encoding="utf-8")
    dist = build(descriptor, tmp_path / "dist")
    with zipfile.ZipFile(dist / "parity.zip") as archive:
        assert "LICENSE.md" in archive.namelist() and "notes.txt" not in archive.namelist()
        assert archive.read("LICENSE.md") == b"ODC-PDDL-1.0\n"
    from ecodata.build.dist import is_stale

    (descriptor.parent / "LICENSE.md").write_text("CC-BY-4.0\n", encoding="utf-8")
    assert is_stale(descriptor, dist)  # a new licence text is a new build
