"""`ecodata init`: a descriptor inferred from whole CSV files, valid per frictionless, for data that validates."""

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import frictionless
import pytest
from click.testing import CliRunner
from conftest import ROOT

from ecodata.build.sqlite import most_columns
from ecodata.cli import cli
from ecodata.maintain.init import describe_folder, write_descriptor


def run(*args):
    return CliRunner().invoke(cli, ["init", *(str(arg) for arg in args)])


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def items_csv(rows: int = 60) -> str:
    lines = ["id,price,when,stamp,ok,category,score,postcode,note"]
    for i in [1, 2, 10, *range(11, 11 + rows - 3)]:
        lines.append(
            f"{i},{i * 1.25:.2f},2021-{1 + i % 12:02d}-{1 + i % 28:02d},2021-03-04T05:06:{i % 60:02d}Z,"
            f"{'true' if i % 2 else 'false'},{'abc'[i % 3]},{'NA' if i % 7 == 0 else i % 13},"
            f"{i % 50:05d},{'' if i % 5 else f'note {i}'}"
        )
    return "\n".join(lines) + "\n"


@pytest.fixture
def folder(tmp_path) -> Path:
    """Several CSV files: typed columns, markers, a code list, a `;`-delimited Latin-1 file referencing another."""
    root = tmp_path / "My Data"
    write(root / "resources" / "items.csv", items_csv())
    write(root / "resources" / "countries.csv", "code,name\nFR,France\nDE,Germany\nNA,Namibia\n")
    write(
        root / "resources" / "cities.csv",
        "id;country_code;ville\n1;FR;Besançon\n2;DE;Köln\n3;FR;Orléans\n",
        "latin-1",
    )
    write(
        root / "Readings 2024.csv", "\ufeffsite,day,value\nx,2024-01-01,1.5\nx,2024-01-02,-\ny,2024-01-01,2\n"
    )
    return root


def fields(descriptor: dict, resource: str) -> dict:
    schema = next(r for r in descriptor["resources"] if r["name"] == resource)["schema"]
    return {field["name"]: field for field in schema["fields"]}


def resource(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def assert_frictionless_valid(descriptor_path: Path) -> None:
    report = frictionless.validate(descriptor_path)  # the descriptor's metadata and every row
    assert report.valid, report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"])
    assert frictionless.Package(descriptor_path).validate().valid


def validate(folder: Path):
    return CliRunner().invoke(cli, ["validate", str(folder)])


def test_init_writes_a_descriptor_that_frictionless_validates_with_no_errors(folder):
    result = run(folder)
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Readings 2024.csv: 3 rows, 3 fields, primary key (site, day)\n"
        "resources/cities.csv: 3 rows, 3 fields, primary key id\n"
        "resources/countries.csv: 3 rows, 2 fields, primary key code\n"
        "resources/items.csv: 60 rows, 9 fields, primary key id\n"
        "note: Readings 2024.csv: '-' read as missing values\n"
        "note: resources/cities.csv: country_code: foreign key to countries.code (every value is found there)\n"
        "note: resources/items.csv: category: enum ['a', 'b', 'c'] suggested from the data; remove it if other values are allowed\n"
        "note: resources/items.csv: 'NA' read as missing values\n"
        f"wrote {folder / 'datapackage.json'}\n"
    )
    assert_frictionless_valid(folder / "datapackage.json")


def test_the_descriptor_is_data_package_v2_with_file_properties(folder):
    path = write_descriptor(folder)
    text = path.read_text(encoding="utf-8")
    assert text.endswith("}\n") and "Besançon" not in text  # data stays in the CSV
    descriptor = json.loads(text)
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert descriptor["name"] == "my-data"
    assert [r["name"] for r in descriptor["resources"]] == ["readings-2024", "cities", "countries", "items"]
    cities = resource(descriptor, "cities")
    assert {key: cities[key] for key in ("path", "format", "mediatype", "encoding", "dialect")} == {
        "path": "resources/cities.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "iso-8859-1",
        "dialect": {"delimiter": ";"},
    }
    assert "dialect" not in resource(descriptor, "items")  # the default is not declared
    assert resource(descriptor, "readings-2024")["encoding"] == "utf-8"  # readers of UTF-8 skip the BOM
    assert list(folder.glob(".datapackage.*")) == []  # the temporary file was renamed


def test_types_are_inferred_from_every_row(folder):
    items = fields(describe_folder(folder), "items")
    assert {name: field["type"] for name, field in items.items()} == {
        "id": "integer",
        "price": "number",
        "when": "date",
        "stamp": "datetime",
        "ok": "boolean",
        "category": "string",
        "score": "integer",  # NA is missing, not text
        "postcode": "string",  # leading zeros are kept
        "note": "string",
    }
    assert all("format" not in field for field in items.values())


def test_enum_foreign_key_and_missing_values_are_inferred(folder):
    descriptor = describe_folder(folder)
    assert fields(descriptor, "items")["category"]["constraints"] == {"enum": ["a", "b", "c"]}
    assert not any(
        "constraints" in field for name, field in fields(descriptor, "items").items() if name != "category"
    )
    cities = resource(descriptor, "cities")["schema"]
    assert cities["primaryKey"] == ["id"]
    assert cities["foreignKeys"] == [
        {"fields": ["country_code"], "reference": {"resource": "countries", "fields": ["code"]}}
    ]
    assert resource(descriptor, "items")["schema"]["missingValues"] == ["", "NA"]
    assert "missingValues" not in resource(descriptor, "countries")["schema"]  # NA is Namibia there


@pytest.mark.parametrize("marker", ["NA", "N/A", "n/a", "#N/A", "-", "null", "NULL", "NaN"])
def test_every_missing_value_marker_is_read_as_missing_and_the_descriptor_validates(tmp_path, marker):
    write(tmp_path / "t.csv", f"id,value,share\n1,5,0.5\n2,{marker},{marker}\n3,7,0.25\n")
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    assert f"note: t.csv: {marker!r} read as missing values\n" in result.stdout
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert [field["type"] for field in fields(descriptor, "t").values()] == ["integer", "integer", "number"]
    assert resource(descriptor, "t")["schema"]["missingValues"] == ["", marker]
    assert validate(tmp_path).exit_code == 0
    assert_frictionless_valid(tmp_path / "datapackage.json")


def test_a_marker_that_is_text_in_another_column_is_declared_per_field(tmp_path):
    write(tmp_path / "t.csv", "id,country,value\n1,NA,5\n2,FR,NA\n3,DE,7\n")
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    schema = resource(descriptor, "t")["schema"]
    assert "missingValues" not in schema
    assert fields(descriptor, "t")["value"] == {
        "name": "value",
        "type": "integer",
        "missingValues": ["", "NA"],
    }
    assert_frictionless_valid(tmp_path / "datapackage.json")


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["1", "-2", "10"], "integer"),
        (["1", "2.5", "1e3"], "number"),
        (["true", "FALSE"], "boolean"),
        (["1", "0"], "integer"),
        (["2020", "1999"], "integer"),
        (["2021-02-28", "2020-02-29"], "date"),
        (["2021-02-30"], "string"),
        (["2021-01-01 10:00:00", "2021-01-01T10:00:00.5+01:00"], "datetime"),
        (["2024-03", "1999-12"], "yearmonth"),
        (["2024-13", "2024-03"], "string"),  # no 13th month
        (["2024-3"], "string"),  # frictionless reads it, but it would not sort as its months do
        (["0000-01"], "string"),
        (["007", "12"], "string"),
        (["1234567890123456789", "-9223372036854775808", "9223372036854775807"], "integer"),  # int64
        (["9223372036854775808", "1"], "string"),  # beyond int64: a float would round it
        (["123456789012345678901234567890", "1"], "string"),
        (["1.5", "12345678901234567"], "string"),  # 17 digits: a float rounds it to ...568
        (["1.5", "123456789012345", "1e30"], "number"),
        (["1,5"], "string"),
        (["NA", "N/A", "-", "null", ""], "string"),
        (["yes", "no"], "string"),
    ],
)
def test_column_types(tmp_path, cells, expected):
    rows = "".join(f'{i},"{cell}"\n' for i, cell in enumerate(cells))  # quoted: `1,5` is one cell
    write(tmp_path / "t.csv", "id,x\n" + rows)
    assert fields(describe_folder(tmp_path), "t")["x"]["type"] == expected
    write_descriptor(tmp_path, force=True)
    assert_frictionless_valid(tmp_path / "datapackage.json")


def test_whole_numbers_beyond_64_bits_stay_text_so_that_the_build_keeps_every_digit(tmp_path):
    write(tmp_path / "t.csv", "id,big,fits\n1,123456789012345678901234567890,9223372036854775807\n2,5,1\n")
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    assert (
        "note: t.csv: big: whole numbers such as 123456789012345678901234567890 are too long for an integer"
        " (64 bits) or a number (a float): typed string, so that no digit is lost\n"
    ) in result.stdout
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert [field["type"] for field in fields(descriptor, "t").values()] == ["integer", "string", "integer"]
    built = CliRunner().invoke(cli, ["build", str(tmp_path), "--out", str(tmp_path / "dist"), "-q"])
    assert built.exit_code == 0, built.output
    with closing(sqlite3.connect(next((tmp_path / "dist").glob("*.db")))) as database:
        assert database.execute("select big, fits from t order by id").fetchall() == [
            ("123456789012345678901234567890", 9223372036854775807),
            ("5", 1),
        ]


def test_primary_key_is_one_column_or_a_pair_never_equal_numbers(tmp_path):
    write(tmp_path / "a.csv", "x,y,z\n1,a,1\n1,b,2\n2,a,2\n")
    write(tmp_path / "b.csv", "x,y\n1.0,a\n1,a\n")  # 1.0 and 1 are one number: no key
    descriptor = describe_folder(tmp_path)
    assert resource(descriptor, "a")["schema"]["primaryKey"] == ["x", "y"]
    assert "primaryKey" not in resource(descriptor, "b")["schema"]


def test_delimiters_and_encodings(tmp_path):
    write(tmp_path / "pipe.csv", "a|b\n1|x,y\n2|z\n")
    write(tmp_path / "tabs.tsv", "a\tb\n1\tx\n")
    write(tmp_path / "windows.csv", "a,b\n1,5 €\n2,“quoted”\n", "cp1252")
    write(tmp_path / "bom.csv", "\ufeffa,b\n1,é\n")
    descriptor = describe_folder(tmp_path)
    assert resource(descriptor, "pipe")["dialect"] == {"delimiter": "|"}
    tabs = resource(descriptor, "tabs")
    assert (tabs["format"], tabs["mediatype"], tabs["dialect"]) == (
        "tsv",
        "text/tab-separated-values",
        {"delimiter": "\t"},
    )
    assert resource(descriptor, "windows")["encoding"] == "windows-1252"
    assert fields(descriptor, "bom") == {
        "a": {"name": "a", "type": "integer"},
        "b": {"name": "b", "type": "string"},
    }
    write_descriptor(tmp_path)
    assert_frictionless_valid(tmp_path / "datapackage.json")


def test_labels_are_trimmed_and_a_space_after_the_delimiter_is_skipped_as_frictionless_does(tmp_path):
    write(tmp_path / "spaced.csv", "id, kind , when\n1, a, 2020-01-01\n2, b,2020-01-02\n")
    write(tmp_path / "plain.csv", " id ,b\n1, x\n2,y\n")  # no sniffed skip: the space is data
    descriptor = describe_folder(tmp_path)
    spaced = resource(descriptor, "spaced")
    assert spaced["dialect"] == {"skipInitialSpace": True}
    assert list(fields(descriptor, "spaced")) == ["id", "kind", "when"]
    assert fields(descriptor, "spaced")["when"]["type"] == "date"
    assert list(fields(descriptor, "plain")) == ["id", "b"]
    write_descriptor(tmp_path)
    assert_frictionless_valid(tmp_path / "datapackage.json")


@pytest.mark.parametrize("existing", ["datapackage.json", "datapackage.yaml", "datapackage.yml"])
def test_an_existing_descriptor_is_replaced_only_with_force(folder, existing):
    (folder / existing).write_text("{}\n", encoding="utf-8")
    result = run(folder)
    assert result.exit_code == 2
    assert result.output == f"Error: {folder / existing} exists; use --force to replace it\n"
    assert (folder / existing).read_text(encoding="utf-8") == "{}\n"
    result = run(folder, "--force")
    assert result.exit_code == 0, result.output
    assert json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["resources"]


def test_a_folder_without_csv_cannot_run(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing here\n", encoding="utf-8")
    result = run(tmp_path)
    assert (result.exit_code, result.output) == (
        2,
        f"Error: {tmp_path}: no .csv or .tsv file in it or in its subfolders\n",
    )
    result = run(tmp_path / "missing")
    assert (result.exit_code, result.output) == (2, f"Error: {tmp_path / 'missing'}: no such folder\n")
    write(tmp_path / "data" / "a.csv", "id\n1\n")
    result = run(tmp_path / "data" / "a.csv")
    assert (result.exit_code, result.output) == (
        2,
        f"Error: {tmp_path / 'data' / 'a.csv'} is a file; init describes the folder holding the CSV files:"
        f" ecodata init {tmp_path / 'data'}\n",
    )
    assert not (tmp_path / "datapackage.json").exists()


WIDEST = most_columns()  # 2,000 as SQLite is built by default


@pytest.mark.parametrize(
    ("content", "warning"),
    [
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "bad.csv: not a text file (it holds NUL bytes; UTF-16 text needs a byte-order mark)",
        ),
        (b"", "bad.csv: the file is empty"),
        (b"a,b\n1,2\n3\n", "bad.csv:3: 1 cell where the header has 2"),
        (b'Date,Average\n1979-01,"336.56\n0.11",335.92,0.09\n', "bad.csv:2: 4 cells where the header has 2"),
        (b"a,a\n1,2\n", "bad.csv:1: two columns are named 'a' in the header row"),
        (b"a,,c\n1,2,3\n", "bad.csv:1: column 2 has no name in the header row"),
        (b"\na,b\n1,2\n", "bad.csv:1: the header row is blank"),
        (
            (
                ",".join(f"c{n}" for n in range(WIDEST + 1)) + "\n" + ",".join(["1"] * (WIDEST + 1)) + "\n"
            ).encode(),
            f"bad.csv: {WIDEST + 1:,} columns, where a SQLite table holds at most {WIDEST:,}, so build would "
            "refuse it; split it into files of fewer columns, joined by a key",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_left_out_in_one_line_naming_its_row(tmp_path, content, warning):
    write(tmp_path / "good.csv", "a\n1\n")
    (tmp_path / "bad.csv").write_bytes(content)
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"warning: {warning} (left out)\n"
    assert (
        result.stdout == f"good.csv: 1 row, 1 field, primary key a\nwrote {tmp_path / 'datapackage.json'}\n"
    )
    assert validate(tmp_path).exit_code == 0


def test_a_folder_whose_every_file_is_left_out_cannot_run(tmp_path):
    write(tmp_path / "one.csv", "a,b\n1,2,3\n")
    write(tmp_path / "two.csv", "")
    result = run(tmp_path)
    assert (result.exit_code, result.stderr) == (
        2,
        "warning: one.csv:2: 3 cells where the header has 2 (left out)\n"
        "warning: two.csv: the file is empty (left out)\n"
        f"Error: {tmp_path}: no file could be described (see the warnings)\n",
    )
    assert not (tmp_path / "datapackage.json").exists()


def test_co2_ppm_is_described_but_for_its_ragged_files(tmp_path):
    """datasets/co2-ppm: two files have more cells than header labels on every row, one a blank row."""
    for file in (ROOT / "tests" / "data" / "real" / "ds-co2-ppm" / "data").glob("*.csv"):
        shutil.copy(file, tmp_path / file.name)
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "warning: co2-gr-mlo.csv:2: a blank row, which validate reports as an error; delete it\n"
        "warning: co2-mm-gl.csv:2: 6 cells where the header has 4 (left out)\n"
        "warning: co2-mm-mlo.csv:2: 7 cells where the header has 6 (left out)\n"
    )
    assert "co2-gr-mlo.csv: 68 rows, 3 fields, no primary key\n" in result.stdout
    (tmp_path / "co2-gr-mlo.csv").write_text(
        (tmp_path / "co2-gr-mlo.csv").read_text(encoding="utf-8").replace("\n\n", "\n", 1), encoding="utf-8"
    )
    result = run(tmp_path, "--force")
    assert "co2-gr-mlo.csv: 67 rows, 3 fields, primary key Year\n" in result.stdout
    assert validate(tmp_path).exit_code == 0


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_a_byte_order_mark_is_text(tmp_path, encoding):
    write(tmp_path / "t.csv", "\ufeffid,name\n1,Besançon\n2,Köln\n", encoding)
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert resource(descriptor, "t")["encoding"] == "utf-16"
    assert fields(descriptor, "t") == {
        "id": {"name": "id", "type": "integer"},
        "name": {"name": "name", "type": "string"},
    }
    assert validate(tmp_path).exit_code == 0
    assert_frictionless_valid(tmp_path / "datapackage.json")


def test_a_cell_longer_than_a_block_is_read(tmp_path):
    """pyarrow reads 1 MB blocks: a longer cell 'straddles two block boundaries' unless the block is larger."""
    write(tmp_path / "t.csv", f"id,text\n1,short\n2,{'x' * 3_000_000}\n3,z\n")
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("t.csv: 3 rows, 2 fields, primary key id\n")
    assert validate(tmp_path).exit_code == 0


def test_a_blank_row_is_warned_of_and_leaves_its_columns_out_of_the_primary_key(tmp_path):
    """co2-ppm's co2-gr-mlo.csv: a blank line after the header. Its Year is empty on row 2."""
    write(tmp_path / "growth.csv", "Year,Annual Increase\n\n1959,0.94\n1960,0.50\n")
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("growth.csv: 3 rows, 2 fields, no primary key\n")
    assert (
        result.stderr == "warning: growth.csv:2: a blank row, which validate reports as an error; delete it\n"
    )
    assert validate(tmp_path).output == (
        "growth.csv:2: blank row: delete it\ninvalid: 1 error in 1 resource, 3 rows (blank-row 1)\n"
    )  # the blank row, and no empty primary key


def test_links_leading_out_of_the_folder_or_back_into_it_are_not_followed(tmp_path):
    root = tmp_path / "loop"
    write(root / "a.csv", "id\n1\n")
    write(root / "sub" / "b.csv", "id\n2\n")
    write(tmp_path / "elsewhere" / "c.csv", "id\n3\n")
    (root / "self2").symlink_to("../loop", target_is_directory=True)
    (root / "outside").symlink_to("../elsewhere", target_is_directory=True)
    (root / "c.csv").symlink_to("../elsewhere/c.csv")
    (root / "sub" / "same.csv").symlink_to("../a.csv")  # inside the folder: described
    result = run(root)
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "warning: c.csv: a link to a file outside the folder, which validate refuses (left out)\n"
        "warning: outside: a link to a folder, not followed\n"
        "warning: self2: a link to a folder, not followed\n"
    )
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in descriptor["resources"]] == ["a.csv", "sub/b.csv", "sub/same.csv"]
    assert validate(root).exit_code == 0


def test_names_sqlite_would_refuse_are_changed_so_that_the_package_builds(tmp_path):
    write(tmp_path / "cases.csv", "id,ID,name\n1,2,a\n")  # one column to SQLite
    write(tmp_path / "x.csv", "k,text\n1,hello\n")  # searchable: its index is x_fts
    write(tmp_path / "x_fts.csv", "k,text\n1,hello\n")
    write(tmp_path / "sqlite_codes.csv", "code,label\nA,Alpha\nB,Beta\n")
    write(tmp_path / "items.csv", "id,sqlite_code\n1,A\n2,B\n")
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "warning: cases.csv:1: columns 'id' and 'ID' differ only in case, which SQLite (build) cannot hold;"
        " rename one (left out)\n"
    )
    assert result.stdout.endswith(
        'note: sqlite_codes.csv: resource named "sqlite-codes": SQLite keeps names starting with "sqlite_"'
        " for itself\n"
        'note: x_fts.csv: resource named "x_fts-2": as "x_fts", it and the search index of resource "x"'
        ' would both be the SQLite table "x_fts"\n'
        f"wrote {tmp_path / 'datapackage.json'}\n"
    )
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in descriptor["resources"]] == ["items", "sqlite-codes", "x", "x_fts-2"]
    assert resource(descriptor, "items")["schema"]["foreignKeys"] == [
        {"fields": ["sqlite_code"], "reference": {"resource": "sqlite-codes", "fields": ["code"]}}
    ]
    built = CliRunner().invoke(cli, ["build", str(tmp_path), "--out", str(tmp_path / "dist"), "-q"])
    assert built.exit_code == 0, built.output


def test_a_whole_large_file_is_described_in_seconds(tmp_path):
    lines = ["id,amount,day,kind,label"]
    lines += [
        f"{i},{i / 4},2020-{1 + i % 12:02d}-{1 + i % 28:02d},{'xyz'[i % 3]},row {i}"
        for i in range(1, 200_001)
    ]
    lines.append("200001,NA,2020-01-01,x,last row")  # a marker only in the last row
    write(tmp_path / "big.csv", "\n".join(lines) + "\n")
    start = time.perf_counter()
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - start < 30
    assert result.output.startswith("big.csv: 200,001 rows, 5 fields, primary key id\n")
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert {name: field["type"] for name, field in fields(descriptor, "big").items()} == {
        "id": "integer",
        "amount": "number",
        "day": "date",
        "kind": "string",
        "label": "string",
    }
    assert fields(descriptor, "big")["kind"]["constraints"] == {"enum": ["x", "y", "z"]}


def test_the_shipped_csv_files_described_afresh_validate(tmp_path):
    shutil.copytree(ROOT / "resources", tmp_path / "resources")
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert len(descriptor["resources"]) == len(list((ROOT / "resources").glob("*.csv")))
    protected = resource(descriptor, "protected_areas")["schema"]
    assert protected["primaryKey"] == ["id"]
    assert {"fields": ["source_id"], "reference": {"resource": "sources", "fields": ["id"]}} in protected[
        "foreignKeys"
    ]
    assert_frictionless_valid(tmp_path / "datapackage.json")


REAL = ["ds-gdp", "ds-language-codes", "ds-finance-vix", "ds-s-and-p-500-companies", "ds-gdp-uk-header-only"]


@pytest.mark.parametrize("name", REAL)
def test_real_published_csv_files_described_afresh_validate(tmp_path, name):
    source = ROOT / "tests" / "data" / "real" / name
    if not source.is_dir():
        pytest.skip(f"{source} is not there")
    for file in [*source.glob("*.csv"), *source.glob("*/*.csv")]:
        target = tmp_path / file.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(file, target)
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    assert_frictionless_valid(tmp_path / "datapackage.json")


def test_the_command_module_does_not_import_heavy_libraries():
    code = (
        "import sys; import ecodata.maintain.init; "
        "print(sorted(m for m in ('pyarrow', 'pandas', 'frictionless') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask", [0o022, 0o027], ids=oct)
def test_a_new_descriptor_gets_the_mode_of_any_new_file_under_the_umask(tmp_path, umask):
    write(tmp_path / "a.csv", "id\n1\n")
    previous = os.umask(umask)
    try:
        result = run(tmp_path)
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    assert mode(tmp_path / "datapackage.json") == 0o666 & ~umask  # not mkstemp's 0600


def test_a_replaced_descriptor_keeps_its_mode(tmp_path):
    write(tmp_path / "a.csv", "id\n1\n")
    write(tmp_path / "datapackage.json", "{}\n").chmod(0o664)
    result = run(tmp_path, "--force")
    assert result.exit_code == 0, result.output
    assert mode(tmp_path / "datapackage.json") == 0o664


def test_force_keeps_the_checks_the_publisher_declared(tmp_path):
    (tmp_path / "a.csv").write_text("id,name\n1,x\n2,y\n", encoding="utf-8")
    assert run(tmp_path).exit_code == 0
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["ecodata"] = {"checks": ["formula-injection"]}
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert run(tmp_path, "--force").exit_code == 0
    again = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert again["ecodata"] == {"checks": ["formula-injection"]}


def test_a_column_named_as_another_table_s_key_is_not_taken_for_a_reference_when_it_is_its_own_id(tmp_path):
    """`id` in one file, every value also an `id` of another file: a foreign key was declared."""
    write(tmp_path / "stations.csv", "id,name\n1,Zoigê\n2,Mai Po\n3,Poyang\n")
    write(tmp_path / "visits.csv", "visit,id\n10,1\n11,2\n12,3\n")  # unique: the visit's own id too
    write(tmp_path / "readings.csv", "id,value\n1,5\n1,6\n2,7\n")  # repeated: a station's, first or not
    write(tmp_path / "samples.csv", "sample,station\n1,1\n2,1\n3,2\n")  # named after the table: a reference
    descriptor = describe_folder(tmp_path)
    to_stations = [{"fields": ["id"], "reference": {"resource": "stations", "fields": ["id"]}}]
    assert [(r["name"], r["schema"].get("foreignKeys")) for r in descriptor["resources"]] == [
        ("readings", to_stations),
        ("samples", [{"fields": ["station"], "reference": {"resource": "stations", "fields": ["id"]}}]),
        ("stations", None),
        ("visits", None),
    ]


def test_numbers_with_a_thousands_separator_stay_text_and_say_how_to_read_them(tmp_path):
    """`352,000` was typed string without a word: the column of figures read as text."""
    write(tmp_path / "areas.csv", 'site,area\nA,"352,000"\nB,"1,234.5"\nC,12\n')
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    assert (
        'note: areas.csv: area: numbers such as 352,000 have "," between thousands: typed string; if "," '
        'never marks a decimal here, declare "type": "number", "groupChar": ","'
    ) in result.stdout
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert fields(descriptor, "areas")["area"]["type"] == "string"
    fields(descriptor, "areas")["area"] |= {"type": "number", "groupChar": ","}  # the advice, taken
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert validate(tmp_path).exit_code == 0
