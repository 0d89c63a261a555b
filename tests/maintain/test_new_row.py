"""`ecodata new-row`: a row goes in only with its evidence, at its primary-key position."""

import csv
import json

import pytest
from click.testing import CliRunner
from conftest import ROOT, stopped_while_writing

from ecodata.cli import cli
from ecodata.maintain.new_row import suggestions

QUOTE = "其中国家公园试点10个，国家级自然保护区474个"
CELLS = {
    "id": "pa-national-nature-reserves-count-test",
    "subject_zh": "国家级自然保护区",
    "subject_en": "National nature reserves",
    "category": "status",
    "designation": "national_nature_reserve",
    "measure": "count",
    "unit": "count",
    "as_of": "2018-12-31",
}


def run(descriptor, *arguments, input=None):
    return CliRunner().invoke(cli, ["new-row", *arguments, str(descriptor)], input=input)


def flags(cells: dict) -> list[str]:
    return [part for name, value in cells.items() for part in ("--set", f"{name}={value}")]


def add_with_flags(descriptor, source="position-paper-2020", **overrides):
    """new-row with every cell given as a flag and --yes: no prompts."""
    cells = {**CELLS, "value": "474", "qualifier": "exact", **overrides}
    return run(descriptor, "protected_areas", "--source", source, "--quote", QUOTE, *flags(cells), "--yes")


def ids(descriptor, resource="protected_areas") -> list[str]:
    with open(descriptor.parent / "resources" / f"{resource}.csv", encoding="utf-8") as handle:
        return [row["id"] for row in csv.DictReader(handle)]


def test_a_row_with_flags_is_inserted_in_key_order_and_the_package_stays_valid(package_copy):
    path = package_copy.parent / "resources" / "protected_areas.csv"
    before = path.read_text(encoding="utf-8")
    result = add_with_flags(package_copy)
    assert result.exit_code == 0, result.output
    assert ids(package_copy) == sorted(ids(package_copy))
    assert CELLS["id"] in ids(package_copy)
    after = path.read_text(encoding="utf-8").splitlines()
    assert [line for line in after if line not in before.splitlines()] == [
        f"{CELLS['id']},国家级自然保护区,National nature reserves,status,national_nature_reserve,count,474,,exact,"
        f"count,2018-12-31,,,position-paper-2020,{QUOTE},,"
    ]
    assert CliRunner().invoke(cli, ["validate", str(package_copy)]).exit_code == 0


@pytest.mark.parametrize("signal_number", [2, 15])  # Ctrl-C; SIGTERM as a cancelled CI job sends
def test_a_stopped_new_row_removes_its_scratch_copy_and_writes_nothing(package_copy, tmp_path, signal_number):
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    before = {path: path.read_bytes() for path in package_copy.parent.rglob("*") if path.is_file()}
    cells = {**CELLS, "value": "474", "qualifier": "exact"}
    evidence = ["--source", "position-paper-2020", "--quote", QUOTE, *flags(cells)]
    arguments = ["new-row", "protected_areas", package_copy, "--yes", *evidence]
    code, output = stopped_while_writing(
        arguments, temporary, "ecodata-new-row-*/resources/*", signal_number, temporary
    )
    assert code == 128 + signal_number, output
    assert not any(temporary.iterdir())
    assert {path: path.read_bytes() for path in package_copy.parent.rglob("*") if path.is_file()} == before


def test_prompts_suggest_the_value_and_qualifier_from_the_quote(package_copy):
    answers = ["position-paper-2020", QUOTE, "2"] + [CELLS.get(name, "") for name in (
        "id", "subject_zh", "subject_en", "category", "designation", "measure", "value_max", "unit", "as_of",
        "period_start", "period_end", "note_en", "group_id")] + ["y"]  # fmt: skip
    result = run(package_copy, "protected_areas", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "2: 474 exact" in result.output
    with open(package_copy.parent / "resources" / "protected_areas.csv", encoding="utf-8") as handle:
        row = next(row for row in csv.DictReader(handle) if row["id"] == CELLS["id"])
    assert (row["value"], row["qualifier"], row["quote"]) == ("474", "exact", QUOTE)


def test_answering_no_at_the_end_writes_nothing_and_is_no_error(package_copy):
    path = package_copy.parent / "resources" / "protected_areas.csv"
    before = path.read_bytes()
    cells = {**CELLS, "value": "474", "qualifier": "exact"}
    result = run(package_copy, "protected_areas", "--source", "position-paper-2020", "--quote", QUOTE,
                 *flags(cells), input="\n" * 5 + "n\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "not added: protected_areas is unchanged" in result.output
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "overrides, reason",
    [
        ({"source": "white-paper-2021"}, "the quote is not in white-paper-2021"),
        ({"value": "475"}, "value: 475 is not in the quote"),
        (
            {"id": "pa-national-nature-reserves-count-2018"},
            "already has a row with id = pa-national-nature-reserves-count-2018",
        ),
    ],
    ids=["quote-not-in-source", "value-not-in-quote", "existing-id"],
)
def test_a_row_without_evidence_or_with_a_taken_id_is_refused_and_nothing_is_written(
    package_copy, overrides, reason
):
    before = (package_copy.parent / "resources" / "protected_areas.csv").read_bytes()
    result = add_with_flags(package_copy, **overrides)
    assert result.exit_code == 1
    assert reason in result.output
    assert (package_copy.parent / "resources" / "protected_areas.csv").read_bytes() == before


def test_unknown_resource_or_field_is_a_clear_error(package_copy):
    assert run(package_copy, "no_such_table").exit_code == 2
    result = run(package_copy, "protected_areas", "--set", "colour=red", "--source", "position-paper-2020",
                 "--quote", QUOTE, "--yes", input="\n" * 20)  # fmt: skip
    assert result.exit_code == 2 and "no field colour" in result.output and result.output.count("\n") == 1


def test_suggestions_read_multipliers_and_marker_words():
    found = {(s.value, s.qualifier) for s in suggestions("保存植物2.3万余种，植物园近200个")}
    assert {(23000, "more_than"), (200, "nearly")} <= found


def test_contributing_shows_the_real_output_of_a_mistyped_value(package_copy, monkeypatch):
    from conftest import replace_cell

    monkeypatch.chdir(package_copy.parent)  # where a maintainer (and a workflow) runs it

    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    path = package_copy.parent / "resources" / "protected_areas.csv"
    replace_cell(path, "pa-national-nature-reserves-count-2018", "value", "475")
    for output_format in ("text", "github"):
        result = CliRunner().invoke(cli, ["validate", str(package_copy), "--format", output_format])
        for line in result.output.splitlines():
            assert line.replace(str(package_copy.parent) + "/", "") in guide, line
    diff = CliRunner().invoke(
        cli, ["diff", str(ROOT / "datapackage.json"), str(package_copy), "--format", "markdown"]
    )
    assert diff.output.strip() in guide


def test_other_lines_keep_their_bytes_crlf_and_unusual_line_breaks_included(tmp_path):
    from ecodata.maintain.new_row import insert_row
    from ecodata.package import load_package

    path = tmp_path / "t.csv"
    original = 'id,note\r\na,"line\u2028one\r\ntwo"\r\nc,y\u0085z\r\n'.encode()
    path.write_bytes(original)
    schema = {"fields": [{"name": "id"}, {"name": "note"}], "primaryKey": ["id"]}
    resource = {"name": "t", "path": "t.csv", "schema": schema}
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": [resource]}))
    assert insert_row(load_package(tmp_path), resource, {"id": "b", "note": "new"}) == 3
    assert path.read_bytes() == original.replace(b"c,y", b"b,new\r\nc,y")
    with open(path, newline="", encoding="utf-8") as handle:
        assert [row[0] for row in csv.reader(handle)] == ["id", "a", "b", "c"]


def test_large_values_are_suggested_without_an_exponent():
    cells = {s.cell for s in suggestions("各类自然保护地面积超过172.8万平方公里，2600亿元，1234567份，0.5%")}
    assert {"1728000", "260000000000", "1234567", "0.5"} <= cells


def shop(tmp_path, descriptor_extra=None, files=None):
    """A small package of someone else's: integer ids whose text order is not their order."""
    (tmp_path / "items.csv").write_text("id,name\n1,one\n2,two\n10,ten\n", encoding="utf-8")
    resource = {
        "name": "items",
        "path": "items.csv",
        "schema": {
            "fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}],
            "primaryKey": "id",
        },
    }
    resource.update(descriptor_extra or {})
    for name, content in (files or {}).items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"name": "shop", "resources": [resource]}), encoding="utf-8"
    )
    return tmp_path


def new_row_in(folder, *cells):
    args = ["new-row", "items", str(folder), "--yes"]
    return CliRunner().invoke(cli, [*args, *(part for cell in cells for part in ("--set", cell))])


def test_a_row_goes_in_at_its_typed_key_position_in_any_package(tmp_path):
    folder = shop(tmp_path)
    result = new_row_in(folder, "id=3", "name=three")
    assert result.exit_code == 0, result.output
    assert (folder / "items.csv").read_text(encoding="utf-8") == "id,name\n1,one\n2,two\n3,three\n10,ten\n"


def test_a_row_goes_at_the_end_of_a_file_not_sorted_by_its_key(tmp_path):
    """Its order is its maintainer's (newest last, say): a key position there means nothing."""
    folder = shop(tmp_path)
    (folder / "items.csv").write_text("id,name\n10,ten\n1,one\n2,two\n", encoding="utf-8")
    result = new_row_in(folder, "id=3", "name=three")
    assert result.exit_code == 0, result.output
    assert result.output.endswith("(row 5)\n")
    assert (folder / "items.csv").read_text(encoding="utf-8") == "id,name\n10,ten\n1,one\n2,two\n3,three\n"


def test_a_schema_given_as_a_path_is_read(tmp_path):
    schema = json.dumps({"fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]})
    folder = shop(tmp_path, {"schema": "schema.json"}, {"schema.json": schema})
    assert new_row_in(folder, "id=3", "name=three").exit_code == 0


def test_a_resource_that_is_not_a_plain_csv_file_is_refused_in_one_line(tmp_path):
    folder = shop(tmp_path, {"dialect": {"delimiter": ";"}})
    (folder / "items.csv").write_text("id;name\n1;one\n", encoding="utf-8")
    result = new_row_in(folder, "id=3", "name=three")
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert (
        'new-row edits a plain UTF-8 CSV file in place; resource \'items\' is not one: it declares a dialect ({"delimiter": ";"})'
        in result.output
    )


def test_the_csv_keeps_its_mode(tmp_path):
    folder = shop(tmp_path)
    (folder / "items.csv").chmod(0o640)
    assert new_row_in(folder, "id=3", "name=three").exit_code == 0
    assert (folder / "items.csv").stat().st_mode & 0o777 == 0o640


def test_a_failed_write_leaves_the_csv_as_it_was(tmp_path, monkeypatch):
    folder = shop(tmp_path)
    before = (folder / "items.csv").read_bytes()

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("ecodata.maintain.atomic.os.replace", full_disk)
    result = new_row_in(folder, "id=3", "name=three")
    assert result.exit_code != 0
    assert (folder / "items.csv").read_bytes() == before
    assert sorted(path.name for path in folder.iterdir()) == ["datapackage.json", "items.csv"]


@pytest.mark.parametrize("cut_inside_a_cell", [False, True])
def test_the_row_goes_before_its_successor_in_a_file_of_many_pieces(tmp_path, cut_inside_a_cell):
    """The insertion line comes from the engine's reading: pieces of a few MB, rows spanning lines
    (and, when a piece ends inside a quoted cell, the exact reader from the top)."""
    from ecodata.maintain.new_row import insert_row
    from ecodata.package import load_package

    rows = []
    for number in range(200_000):
        note = f'"first\nsecond {number}"' if number % 997 == 0 else f"note {number}"
        rows.append(f"r{number:06d},{note}\n")
    if cut_inside_a_cell:  # one cell of many lines, long enough to hold a piece boundary
        rows[100_000] = 'r100000,"' + "x\n" * 1_500_000 + '"\n'
    original = ("id,note\n" + "".join(rows)).encode()
    (tmp_path / "t.csv").write_bytes(original)
    resource = {"name": "t", "path": "t.csv", "schema": {"fields": [{"name": "id"}, {"name": "note"}]}}
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": [resource]}))

    assert insert_row(load_package(tmp_path), resource, {"id": "r150000a", "note": "new"}) == 150_003
    following = f"r150001,{rows[150_001].split(',', 1)[1]}".encode()
    assert (tmp_path / "t.csv").read_bytes() == original.replace(following, b"r150000a,new\n" + following, 1)


def test_what_new_row_cannot_use_is_said_before_anything_is_asked_or_written(tmp_path):
    """From a publisher's walk-through: a field set twice kept the last value, --source and --quote on a
    package without evidence fields were dropped, an input that ended was click's "Aborted!" (exit 1,
    "invalid"), and a row that could not go in was refused only after the question to add it."""
    folder = shop(tmp_path)
    before = (folder / "items.csv").read_bytes()
    twice = new_row_in(folder, "id=3", "id=4", "name=three")
    assert twice.exit_code == 2 and "id is given twice ('3', '4')" in twice.output
    args = ["new-row", "items", str(folder), "--set", "id=3", "--set", "name=x"]
    cited = CliRunner().invoke(cli, [*args, "--source", "s", "--quote", "q", "--yes"])
    assert cited.exit_code == 2 and "items has no source and quote fields" in cited.output
    ended = CliRunner().invoke(cli, ["new-row", "items", str(folder)], input="")
    assert ended.exit_code == 2 and "the input ended at a question" in ended.output
    assert "id:" in ended.output and "id ()" not in ended.output  # a field without description: its name
    taken = CliRunner().invoke(cli, ["new-row", "items", str(folder), "--set", "id=2", "--set", "name=x"])
    assert taken.exit_code == 1 and "already has a row" in taken.output and "add this row" not in taken.output
    assert (folder / "items.csv").read_bytes() == before


def test_a_row_added_under_a_key_of_two_fields_is_named_by_both(tmp_path):
    """It said `added 3 to sales.csv` for the row (3, 2024-05)."""
    (tmp_path / "items.csv").write_text("store,month,total\n3,2024-04,10\n", encoding="utf-8")
    fields = [{"name": "store", "type": "integer"}, {"name": "month"}, {"name": "total", "type": "integer"}]
    resource = {
        "name": "items",
        "path": "items.csv",
        "schema": {"fields": fields, "primaryKey": ["store", "month"]},
    }
    (tmp_path / "datapackage.json").write_text(json.dumps({"name": "sales", "resources": [resource]}))
    result = new_row_in(tmp_path, "store=3", "month=2024-05", "total=12")
    assert result.exit_code == 0 and result.output.endswith("added 3, 2024-05 to items.csv (row 3)\n"), (
        result.output
    )
