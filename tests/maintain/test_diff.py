import csv
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import zipfile

import pytest
from click.testing import CliRunner
from conftest import ROOT, replace_cell, stopped_while_writing

from ecodata.cli import cli
from ecodata.maintain.diff import RowIndex

SHIPPED = ROOT / "datapackage.json"
ROW = "pa-national-nature-reserves-count-2018"  # 国家级自然保护区474个


def run(*args):
    return CliRunner().invoke(cli, ["diff", *map(str, args)])


def diff_json(old, new) -> dict:
    result = run(old, new, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def edit_descriptor(descriptor, change) -> None:
    document = json.loads(descriptor.read_text(encoding="utf-8"))
    change(document)
    descriptor.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")


def fields_of(document: dict, resource: str) -> list[dict]:
    return next(r for r in document["resources"] if r["name"] == resource)["schema"]["fields"]


def test_identical_packages_have_no_differences(package_copy):
    result = run(SHIPPED, package_copy)
    assert result.exit_code == 0, result.output
    assert result.output == "no differences\n"


def test_one_changed_cell_is_reported_with_old_and_new_value(package_copy):
    replace_cell(package_copy.parent / "resources" / "protected_areas.csv", ROW, "value", "475")
    changes = diff_json(SHIPPED, package_copy)
    assert changes["resources"] == {
        "protected_areas": {
            "added": [],
            "removed": [],
            "changed": [{"id": ROW, "field": "value", "old": "474", "new": "475"}],
        }
    }
    assert changes["schema"] == {"resources_added": [], "resources_removed": [], "fields": {}}
    result = run(SHIPPED, package_copy)
    assert result.exit_code == 1
    assert result.output == f"protected_areas: 0 added, 0 removed, 1 changed\n  ~ {ROW} value: 474 → 475\n"


def test_only_resources_whose_files_or_descriptions_changed_are_read(package_copy, monkeypatch):
    from ecodata.maintain import diff

    read = []
    rows = diff.Side.rows
    monkeypatch.setattr(diff.Side, "rows", lambda side, name: read.append(name) or rows(side, name))
    assert run(SHIPPED, package_copy).exit_code == 0 and read == []
    replace_cell(package_copy.parent / "resources" / "protected_areas.csv", ROW, "value", "475")
    edit_descriptor(package_copy, lambda document: fields_of(document, "sources")[-1].update(title="renamed"))
    assert run(SHIPPED, package_copy).exit_code == 1
    assert sorted(set(read)) == ["protected_areas", "sources"]  # a changed byte; a changed description


def test_a_schema_given_as_a_path_keys_the_rows_it_describes(package_copy, tmp_path):
    """With the schema in its own file, rows are still matched by its primary key, cell by cell."""
    import shutil

    def schema_to_file(document):
        resource = next(r for r in document["resources"] if r["name"] == "protected_areas")
        (package_copy.parent / "protected_areas.schema.json").write_text(json.dumps(resource["schema"]))
        resource["schema"] = "protected_areas.schema.json"

    edit_descriptor(package_copy, schema_to_file)
    before = tmp_path / "before"
    shutil.copytree(package_copy.parent, before)
    replace_cell(package_copy.parent / "resources" / "protected_areas.csv", ROW, "value", "475")
    changes = diff_json(before / "datapackage.json", package_copy)
    assert changes["resources"]["protected_areas"]["changed"] == [
        {"id": ROW, "field": "value", "old": "474", "new": "475"}
    ]


def test_added_and_removed_rows_are_listed_by_id(package_copy):
    path = package_copy.parent / "resources" / "protected_areas.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    removed, added = rows[1][0], "pa-new-row"
    rows[1][0] = added  # the same row under a new id: one removed, one added, nothing changed
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    changes = diff_json(SHIPPED, package_copy)
    assert changes["resources"]["protected_areas"] == {"added": [added], "removed": [removed], "changed": []}


def test_schema_changes_are_reported(package_copy):
    def change(document):
        fields = fields_of(document, "protected_areas")
        next(f for f in fields if f["name"] == "value")["type"] = "string"
        fields.append({"name": "extra", "type": "string"})

    edit_descriptor(package_copy, change)
    changes = diff_json(SHIPPED, package_copy)
    assert changes["schema"]["fields"] == {
        "protected_areas": {
            "added": ["extra"],
            "removed": [],
            "retyped": [{"field": "value", "old": "number", "new": "string"}],
            "primary_key": None,
            "properties": [],
            "columns_missing": [],
        }
    }
    output = run(SHIPPED, package_copy).output
    assert "  + field extra\n" in output
    assert "  ~ field value type: number → string\n" in output


def test_changes_to_how_the_package_and_a_field_are_described_are_shown(package_copy):
    """A date's `format` added, a constraint dropped, the package renamed: "no differences", exit 0."""

    def change(document):
        document["name"] = "renamed"
        fields = fields_of(document, "protected_areas")
        next(f for f in fields if f["name"] == "as_of")["format"] = "%Y-%m-%d"
        next(f for f in fields if f["name"] == "value").pop("constraints")
        next(r for r in document["resources"] if r["name"] == "protected_areas")["encoding"] = "utf-8-sig"

    before = fields_of(json.loads(SHIPPED.read_text(encoding="utf-8")), "protected_areas")
    constraints = next(f for f in before if f["name"] == "value")["constraints"]
    edit_descriptor(package_copy, change)
    changes = diff_json(SHIPPED, package_copy)
    assert changes["package"] == [
        {"where": "package", "property": "name", "old": "china-biodiversity-conservation", "new": "renamed"}
    ]
    assert changes["schema"]["fields"]["protected_areas"]["properties"] == [
        {"where": "resource", "property": "encoding", "old": "utf-8", "new": "utf-8-sig"},
        {"where": "field value", "property": "constraints", "old": constraints, "new": None},
        {"where": "field as_of", "property": "format", "old": None, "new": "%Y-%m-%d"},
    ]
    result = run(SHIPPED, package_copy)
    assert result.exit_code == 1
    assert result.output.startswith('package ~ name: "china-biodiversity-conservation" → "renamed"\n')
    assert '  ~ field as_of format: (none) → "%Y-%m-%d"\n' in result.output
    assert "- schema: ~ field as\\_of format" in run(SHIPPED, package_copy, "--format", "markdown").output


def test_a_renamed_header_is_said_and_its_cells_are_not_listed_as_emptied(package_copy):
    path = package_copy.parent / "resources" / "protected_areas.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("subject_en", "subject_english", 1), encoding="utf-8")
    changes = diff_json(SHIPPED, package_copy)
    assert changes["resources"] == {"protected_areas": {"added": [], "removed": [], "changed": []}}
    assert changes["schema"]["fields"]["protected_areas"]["columns_missing"] == [
        {"version": "new", "column": "subject_en"}
    ]
    result = run(SHIPPED, package_copy)
    assert result.exit_code == 1 and result.output == (
        "protected_areas: 0 added, 0 removed, 0 changed\n"
        "  ~ the header in the new version has no column subject_en (validate reports it): its cells are "
        "not compared\n"
    )
    assert "no column subject\\_en" in run(SHIPPED, package_copy, "--format", "markdown").output


def test_a_renamed_key_column_matches_rows_by_position(package_copy):
    """Without its key's column a file's rows all had the key "": one row added, every row removed."""
    path = package_copy.parent / "resources" / "protected_areas.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("id,", "ID,", 1), encoding="utf-8")
    replace_cell(path, ROW, "value", "475")
    changes = diff_json(SHIPPED, package_copy)
    rows = changes["resources"]["protected_areas"]
    assert rows["added"] == rows["removed"] == []
    assert [(change["field"], change["old"], change["new"]) for change in rows["changed"]] == [
        ("value", "474", "475")
    ]
    assert changes["schema"]["fields"]["protected_areas"]["columns_missing"] == [
        {"version": "new", "column": "id"}
    ]
    assert any("rows are matched by their position" in note for note in changes["notes"])


def test_version_change_is_shown(package_copy):
    old = json.loads(SHIPPED.read_text(encoding="utf-8"))["version"]
    edit_descriptor(package_copy, lambda document: document.update(version="9.0.0"))
    result = run(SHIPPED, package_copy)
    assert result.exit_code == 1
    assert result.output == f"version {old} → 9.0.0\n"
    assert f"Version {old} → 9.0.0" in run(SHIPPED, package_copy, "--format", "markdown").output


def test_built_zip_equals_its_descriptor(built):
    [package_zip] = built.glob("*.zip")
    result = run(package_zip, SHIPPED)
    assert result.exit_code == 0, result.output
    assert result.output == "no differences\n"


def test_markdown_has_a_table_row_per_changed_cell_and_escapes_pipes(package_copy):
    resources = package_copy.parent / "resources"
    replace_cell(resources / "protected_areas.csv", ROW, "value", "475")
    replace_cell(resources / "protected_areas.csv", ROW, "note_en", "a | b\nc" + "x" * 200)
    output = run(SHIPPED, package_copy, "--format", "markdown").output
    lines = output.splitlines()
    assert lines[0] == "### Data changes"
    assert "#### `protected_areas`: 0 added, 0 removed, 1 changed" in lines
    assert f"| {ROW} | value | 474 | 475 |" in lines
    [note] = [line for line in lines if line.startswith(f"| {ROW} | note\\_en |")]
    assert note.endswith(" | a \\| b<br>c" + "x" * 112 + "… |")


def test_markdown_too_long_for_a_comment_is_cut_at_a_line_and_says_how_much_is_left(
    package_copy, monkeypatch
):
    from ecodata.maintain import diff_report

    path = package_copy.parent / "resources" / "protected_areas.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for row in rows:
        row["note_en"] = "changed " + "y" * 100
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    whole = run(SHIPPED, package_copy, "--format", "markdown").output.rstrip("\n")
    assert (
        diff_report.MARKDOWN_LIMIT == 65_536 and len(whole) < 65_536
    )  # GitHub's; a smaller one for the test
    monkeypatch.setattr(diff_report, "MARKDOWN_LIMIT", 2_000)
    output = run(SHIPPED, package_copy, "--format", "markdown").output.rstrip("\n")
    assert 2_000 - 200 < len(output) <= 2_000  # cut close to the limit
    *shown, last = output.splitlines()
    pattern = r"_… (\d+) more lines not shown: a pull-request comment holds 2,000 characters\. .*_"
    left = int(re.fullmatch(pattern, last)[1])
    assert shown[-1] == "" and shown[:-1] == whole.splitlines()[: len(shown) - 1]  # whole lines, in order
    assert len(shown) - 1 + left == len(whole.splitlines())  # and the count of those left out


def test_zip_entry_outside_the_folder_is_refused(tmp_path):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("package/datapackage.json", "{}")
        archive.writestr("../evil", "gotcha")
    result = run(evil, SHIPPED)
    assert result.exit_code == 2
    assert result.output == f"Error: {evil}: entry '../evil' would be written outside the folder\n"
    assert not (tmp_path.parent / "evil").exists()


def test_corrupt_zip_exits_2_with_one_line(tmp_path):
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    result = run(broken, SHIPPED)
    assert result.exit_code == 2
    assert result.output == f"Error: {broken}: not a readable zip (File is not a zip file)\n"


def test_missing_path_exits_2_with_one_line(tmp_path):
    result = run(SHIPPED, tmp_path / "nothing.json")
    assert result.exit_code == 2
    assert result.output == f"Error: {tmp_path / 'nothing.json'}: no such descriptor file\n"


BIG_ROWS = 250_000  # ~50 MB of CSV (zipped, ~1.3 MB): held in memory, both sides took 531 MB
CHANGED_ROWS = (7, 200_007)


def package_zip(path, rows: int, changed=()) -> None:
    """A zipped package of one CSV of `rows` rows, repetitive so that it compresses well; the rows
    numbered in `changed` get another value."""
    descriptor = {
        "name": "big",
        "resources": [
            {
                "name": "items",
                "path": "resources/items.csv",
                "schema": {
                    "fields": [{"name": name, "type": "string"} for name in ("id", "value", "note")],
                    "primaryKey": "id",
                },
            }
        ],
    }
    note = "an ordinary note that is long enough to make the file big " * 3
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big/datapackage.json", json.dumps(descriptor))
        with archive.open("big/resources/items.csv", "w") as handle:
            handle.write(b"id,value,note\n")
            for start in range(0, rows, 10_000):
                lines = (
                    f"row-{n:07d},{'changed' if n in changed else n % 1000},{note}\n"
                    for n in range(start, min(start + 10_000, rows))
                )
                handle.write("".join(lines).encode())


@pytest.fixture(scope="module")
def big_zips(tmp_path_factory) -> tuple:
    folder = tmp_path_factory.mktemp("big")
    package_zip(folder / "old.zip", BIG_ROWS)
    package_zip(folder / "new.zip", BIG_ROWS, CHANGED_ROWS)
    return folder / "old.zip", folder / "new.zip"


def diff_command(old, new) -> list[str]:
    return [sys.executable, "-m", "ecodata", "diff", str(old), str(new)]


def environment(temporary) -> dict[str, str]:
    """This checkout's ecodata, its temporary files in the folder `temporary`."""
    return {**os.environ, "TMPDIR": str(temporary), "PYTHONPATH": str(ROOT)}


# Runs the command in argv and prints its peak resident memory in MB on stderr. A child's peak counts
# the memory of the process that started it (Linux records it at exec), so a fresh, small Python
# stands between pytest, grown by the tests before, and the command measured.
PEAK_MB_OF = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(child.pid, 0)
print(usage.ru_maxrss // 1024, file=sys.stderr)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def test_a_big_zipped_csv_is_diffed_in_bounded_memory(big_zips, tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", PEAK_MB_OF, *diff_command(*big_zips)],
        capture_output=True,
        text=True,
        env=environment(tmp_path),
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "items: 0 added, 0 removed, 2 changed",
        *(f"  ~ row-{n:07d} value: {n % 1000} → changed" for n in CHANGED_ROWS),
    ]
    peak_mb = int(result.stderr.split()[-1])
    assert peak_mb < 250  # ~110 MB: ecodata's imports, frictionless's buffers, SQLite's 2 MB cache
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("signal_number", [2, 15])  # Ctrl-C; SIGTERM as a cancelled CI job sends
def test_an_interrupted_diff_removes_its_temporary_files(big_zips, tmp_path, signal_number):
    arguments = ["diff", *big_zips]
    code, output = stopped_while_writing(
        arguments, tmp_path, "ecodata-zip-*/big/resources/items.csv", signal_number, tmp_path
    )
    assert not any(tmp_path.iterdir())
    assert code == 128 + signal_number, output  # not 1, which says the packages differ


CSV_MEMBER = "package/resources/protected_areas.csv"


def package_zip_with(path, *members: str, change=None) -> None:
    """The shipped descriptor and these members in a zip; `change` alters the last one's entry in the
    central directory (what zipfile reads), to make oddities zipfile itself would not write."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("package/datapackage.json", SHIPPED.read_text(encoding="utf-8"))
        for member in members:
            archive.writestr(member, "id,value\nspoiled,1\n")
        if change:
            change(archive.filelist[-1])


def corrupt_member(path) -> None:
    """A zip whose CSV's bytes no longer match its checksum."""
    package_zip_with(path, CSV_MEMBER)
    path.write_bytes(path.read_bytes().replace(b"spoiled", b"SPOILED"))


def no_descriptor(path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(CSV_MEMBER, "id,value\n1,2\n")


def encrypted(info) -> None:
    info.flag_bits |= 0x1


def deflate64(info) -> None:
    info.compress_type = 9  # zipfile cannot decompress it


def bomb(info) -> None:
    info.file_size = 5_000_000_000


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (corrupt_member, f"not a readable zip (Bad CRC-32 for file {CSV_MEMBER!r})"),
        (no_descriptor, "expected one datapackage.json at the top or in one folder, found 0"),
        (
            lambda path: package_zip_with(path, "/tmp/evil"),
            "entry '/tmp/evil' would be written outside the folder",
        ),
        (
            lambda path: package_zip_with(path, CSV_MEMBER, change=encrypted),
            f"entry {CSV_MEMBER!r} is encrypted",
        ),
        (
            lambda path: package_zip_with(path, CSV_MEMBER, change=deflate64),
            f"entry {CSV_MEMBER!r} is compressed with method 9, which ecodata cannot read",
        ),
        (
            lambda path: package_zip_with(path, "package/resources", CSV_MEMBER),
            f"cannot extract entry {CSV_MEMBER!r} (Not a directory)",
        ),
        (
            lambda path: package_zip_with(path, CSV_MEMBER, change=bomb),
            f"would unpack to {5_000_000_000 + SHIPPED.stat().st_size:,} bytes, more than 4,000,000,000",
        ),
    ],
    ids=["corrupt", "no descriptor", "absolute", "encrypted", "deflate64", "file and folder", "bomb"],
)
def test_an_odd_zip_is_one_line_exit_2_and_leaves_no_temporary_files(tmp_path, monkeypatch, make, error):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    odd = tmp_path / "odd.zip"
    make(odd)
    result = run(SHIPPED, odd)
    assert result.exit_code == 2
    assert result.output == f"Error: {odd}: {error}\n"
    assert not any(temporary.iterdir())


@pytest.mark.parametrize(
    "schema",
    [
        {"fields": [{"type": "string"}]},
        {"fields": "id"},
        {"fields": [{"name": ["id"]}]},
        {"fields": [{"name": "id"}], "primaryKey": 5},
    ],
    ids=["field without a name", "fields not a list", "name not text", "key not names"],
)
def test_a_malformed_schema_is_one_line_exit_2(package_copy, schema):
    edit_descriptor(package_copy, lambda document: document["resources"][0].update(schema=schema))
    result = run(SHIPPED, package_copy)
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {package_copy}: resource 'sources' has a malformed schema "
        "(each field needs a name; primaryKey is a field name or a list of them)\n"
    )


def test_no_room_for_the_row_index_is_one_line_exit_2(package_copy, monkeypatch):
    def full(*arguments):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(RowIndex, "add", full)
    replace_cell(package_copy.parent / "resources" / "protected_areas.csv", ROW, "value", "475")
    result = run(SHIPPED, package_copy)
    assert result.exit_code == 2
    assert result.output == (
        "Error: cannot index the rows of resource 'protected_areas' in a temporary file (database or disk is "
        "full); TMPDIR says where\n"
    )


REAL = sorted(
    folder
    for group in ("real", "forms")
    for folder in (ROOT / "tests" / "data" / group).iterdir()
    if any((folder / name).exists() for name in ("datapackage.json", "datapackage.yaml", "datapackage.yml"))
    and folder.name != "remote-path"  # ecodata reads local files only
)


@pytest.mark.parametrize("folder", REAL, ids=lambda folder: folder.name)
def test_diff_reads_other_publishers_files_as_frictionless_reads_their_text(folder):
    """diff reads a CSV file through the engine (one reading layer); the text it compares is what
    frictionless reads, row by row, wherever frictionless can read the file at all."""
    from ecodata.package import load_package
    from ecodata.validate.batches import engine_file_texts
    from ecodata.validate.tables import frictionless_text_rows, reading_errors

    package = load_package(folder)
    for resource in package.resources:
        fast = engine_file_texts(package, resource)
        if fast is None:
            continue
        try:
            expected = [(row.number, row.cells) for row in frictionless_text_rows(package, resource)]
        except reading_errors():
            continue  # e.g. a tabular-data-resource profile frictionless refuses without its schema
        labels = {label for _, cells in expected for label in cells}
        found = [(row.number, {label: row[label] for label in labels}) for row in fast]
        assert found == [
            (number, {label: cells.get(label) or "" for label in labels}) for number, cells in expected
        ]


def test_diff_compares_a_tabular_data_resource_frictionless_would_not_read_without_its_schema(tmp_path):
    """Read through frictionless, such a resource failed (`requires "schema" to be present`), exit 2."""
    import shutil

    old = ROOT / "tests" / "data" / "real" / "fl-geopoint-object"
    new = tmp_path / "new"
    shutil.copytree(old, new)
    data = next(new.glob("**/*.csv"))
    data.write_text(data.read_text(encoding="utf-8").replace("Dalby", "Dalby North"), encoding="utf-8")
    changes = diff_json(old, new)
    assert changes["resources"]["office-locations"]["changed"] == [
        {"id": "2", "field": "Office", "old": "Dalby", "new": "Dalby North"}
    ]


def test_a_repeated_key_and_rows_matched_by_position_are_said(tmp_path):
    """diff compares the last row of a repeated key, and matches rows by position without a key:
    both are said, or a reader takes the changes they make for the data's."""

    def package(folder, rows, key):
        folder.mkdir()
        (folder / "t.csv").write_text("id,name\n" + "".join(f"{i},{n}\n" for i, n in rows), encoding="utf-8")
        schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "name"}]} | key
        resource = {"name": "t", "path": "t.csv", "schema": schema}
        (folder / "datapackage.json").write_text(
            json.dumps({"name": "p", "resources": [resource]}), encoding="utf-8"
        )
        return folder

    old = package(tmp_path / "old", [(1, "a"), (2, "b"), (3, "c")], {"primaryKey": ["id"]})
    new = package(tmp_path / "new", [(1, "a"), (2, "b"), (2, "x"), (3, "c")], {"primaryKey": ["id"]})
    changes = diff_json(old, new)
    assert changes["resources"]["t"]["changed"] == []  # row 2 is as it was: a second row of its key came
    assert changes["resources"]["t"]["added"] == ["2"]
    assert changes["notes"] == [
        f"t: 1 row in {new} repeats a key (id; validate reports them); the last row of each key is compared, "
        "and a key with more rows in one version is listed as added or removed"
    ]
    doubled = package(tmp_path / "doubled", [(1, "a"), (2, "b"), (3, "c")] * 2, {"primaryKey": ["id"]})
    assert diff_json(old, doubled)["resources"]["t"] == {
        "added": ["1", "2", "3"],
        "removed": [],
        "changed": [],
    }
    assert diff_json(doubled, old)["resources"]["t"] == {
        "added": [],
        "removed": ["1", "2", "3"],
        "changed": [],
    }
    keyless_old = package(tmp_path / "keyless-old", [(1, "a"), (2, "b"), (3, "c")], {})
    keyless_new = package(tmp_path / "keyless-new", [(2, "b"), (3, "c")], {})
    text = run(keyless_old, keyless_new).output.splitlines()
    assert text[-1] == (
        "note: t: no primary key, so rows are matched by their position: "
        "a row added or removed shows every row after it as changed"
    )
    markdown = run(keyless_old, keyless_new, "--format", "markdown").output
    assert "> t: no primary key, so rows are matched by their position" in markdown


def test_a_zipped_package_s_error_names_the_file_in_the_zip_not_a_temporary_folder(tmp_path):
    """It said `x.zip: /tmp/ecodata-zip-…/datapackage.json: …`, a folder gone once the command ends."""
    from click.testing import CliRunner

    from ecodata.cli import cli

    zipped = tmp_path / "abs.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr(
            "datapackage.json", '{"name": "x", "resources": [{"name": "a", "path": "/etc/hostname"}]}'
        )
    for command in (["validate", str(zipped)], ["diff", str(zipped), str(SHIPPED)]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 2 and result.output == (
            f"Error: {zipped}: datapackage.json: path '/etc/hostname' must be relative to the package\n"
        ), result.output
