"""validate's output formats and selection options, on one broken copy of the shipped package."""

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import replace_cell

from ecodata.cli import cli
from tests.parity import table, write_package


@pytest.fixture
def broken(package_copy):
    resources = package_copy.parent / "resources"
    value_row = replace_cell(
        resources / "protected_areas.csv", "pa-national-nature-reserves-count-2018", "value", "475"
    )
    note_row = replace_cell(
        resources / "protected_areas.csv", "pa-all-protected-areas-count-2018", "note_en", "=1+1"
    )
    return package_copy, value_row, note_row


def invoke(*args):
    return CliRunner().invoke(cli, ["validate", *map(str, args)])


def test_text_message_says_what_to_change(broken):
    descriptor, value_row, _ = broken
    lines = invoke(descriptor).output.splitlines()
    assert (
        f'resources/protected_areas.csv:{value_row} value: 475 is not in the quote "国家级自然保护区474个" '
        "(it states 474); check the value or the quote" in lines
    )
    assert lines[-1].endswith("(formula-injection 1, value-not-in-quote 1)")


def test_github_annotations_point_at_the_csv_line(broken, monkeypatch):
    descriptor, value_row, note_row = broken
    monkeypatch.chdir(descriptor.parent)  # the repository's root, as a workflow's step runs
    result = invoke(descriptor, "--format", "github")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert (
        f"::error file=resources/protected_areas.csv,line={value_row},title=value-not-in-quote::value: 475 is not"
        in "\n".join(lines)
    )
    assert any(
        line.startswith(
            f"::error file=resources/protected_areas.csv,line={note_row},title=formula-injection::"
        )
        for line in lines
    )
    assert lines[-1].startswith("::error title=ecodata validate::invalid: 2 errors")


def test_github_line_follows_multi_line_cells(broken):
    descriptor, value_row, _ = broken
    csv_path = descriptor.parent / "resources" / "protected_areas.csv"
    first_id = csv_path.read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    replace_cell(csv_path, first_id, "note_en", "two\nlines")
    report = json.loads(invoke(descriptor, "--format", "json", "--check", "value-not-in-quote").output)
    [error] = report["errors"]
    assert (error["row"], error["line"]) == (value_row, value_row + 1)
    github = invoke(descriptor, "--format", "github", "--check", "value-not-in-quote").output
    assert f"line={value_row + 1}," in github


def test_limit_errors_shows_the_first_and_counts_all(broken):
    descriptor, _, _ = broken
    result = invoke(descriptor, "--limit-errors", "1")
    lines = result.output.splitlines()
    assert result.exit_code == 1 and len(lines) == 2
    assert lines[-1].endswith("; the first 1 shown (--limit-errors)")
    assert (
        json.loads(invoke(descriptor, "--format", "json", "--limit-errors", "1").output)["stats"]["errors"]
        == 2
    )


def test_check_and_skip_select_error_types(broken):
    descriptor, _, _ = broken
    only = json.loads(invoke(descriptor, "--format", "json", "--check", "formula-injection").output)
    assert [e["type"] for e in only["errors"]] == ["formula-injection"]
    skipped = invoke(descriptor, "--skip", "formula-injection", "--skip", "value-not-in-quote")
    assert skipped.exit_code == 0 and skipped.output.splitlines()[-1].startswith("valid:")


def test_unknown_check_name_cannot_run(broken):
    descriptor, _, _ = broken
    result = invoke(descriptor, "--check", "no-such-check")
    assert result.exit_code == 2
    assert result.output.startswith("Error: unknown check or error type 'no-such-check'; known: ")
    assert result.output.count("\n") == 1


def test_every_error_type_of_the_standard_checks_can_be_selected(broken):
    """The vocabulary comes from frictionless's error classes and the checks' TYPES, not a hand-kept list."""
    descriptor, _, _ = broken
    for kind in ("row-count", "field-count", "unique-keys", "cell-too-large"):
        assert invoke(descriptor, "--check", kind).exit_code == 0, kind


def test_a_check_name_selects_its_error_types(broken):
    descriptor, value_row, _ = broken
    report = json.loads(invoke(descriptor, "--format", "json", "--check", "value-in-quote").output)
    assert [(e["type"], e["row"]) for e in report["errors"]] == [("value-not-in-quote", value_row)]


def test_max_cell_size_is_configurable(broken):
    descriptor, _, _ = broken
    report = json.loads(
        invoke(descriptor, "--format", "json", "--check", "cell-too-large", "--max-cell-size", "50").output
    )
    assert report["errors"] and {e["type"] for e in report["errors"]} == {"cell-too-large"}
    assert all(len(e["cell"]) <= 201 for e in report["errors"])
    assert report["notes"] == [
        "cell-size: max 50 (--max-cell-size), not the default 10000",  # as declared
        "--check/--skip: the package's 9 other checks not run; `ecodata build` checks every type",
    ]


def test_max_cell_size_over_the_package_s_own_setting_says_so(tmp_path):
    """The README promises a note when --max-cell-size changes a setting: there was none."""
    resource = table("t", [{"name": "a", "type": "string"}])
    descriptor = write_package(tmp_path, [resource], {"t.csv": b"a\nabcdef\n"})
    document = json.loads(descriptor.read_text()) | {
        "ecodata": {"checks": [{"name": "cell-size", "max": 100}]}
    }
    descriptor.write_text(json.dumps(document))
    report = json.loads(invoke(descriptor, "--format", "json", "--max-cell-size", "5").output)
    assert report["notes"] == ["cell-size: max 5 (--max-cell-size), not the package's 100"]
    assert [(e["type"], e["row"]) for e in report["errors"]] == [("cell-too-large", 2)]
    assert json.loads(invoke(descriptor, "--format", "json", "--max-cell-size", "100").output)["notes"] == []


def test_progress_bar_only_on_a_terminal_and_not_when_quiet():
    import io

    from ecodata.validate.engine.progress import BarProgress, progress_for

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    assert progress_for(io.StringIO(), quiet=False) is None  # a pipe or a file: silent
    assert progress_for(Terminal(), quiet=True) is None
    screen = Terminal()
    bar = progress_for(screen, quiet=False)
    assert isinstance(bar, BarProgress)
    with bar, bar.task("observations", total=2048) as advance:
        advance(1024)
        advance(1024)
    assert "observations" in screen.getvalue() and "2.0" in screen.getvalue()


def test_the_bar_is_drawn_as_the_file_is_read_by_no_thread_of_its_own(monkeypatch):
    """rich's refresh thread would keep the descriptor check from its forked child (aside.alone)."""
    import io
    import threading

    from ecodata.validate.engine.progress import BarProgress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(BarProgress, "REFRESH_SECONDS", 0.0)
    screen = Terminal()
    threads = threading.active_count()
    with BarProgress(screen) as bar, bar.task("observations", total=4096) as advance:
        advance(1024)
        halfway = screen.getvalue()
        assert threading.active_count() == threads  # no thread of rich's: alone() answers as without a bar
    assert "1.0/4.1 kB" in halfway and "4.1/4.1 kB" in screen.getvalue()


def test_the_bar_counts_rows_by_name_and_a_step_without_an_amount():
    import io
    import re

    from ecodata.validate.engine.progress import BarProgress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    with BarProgress(screen) as bar:
        with bar.task("Parquet, SQLite", total=1_001_000, unit="rows") as advance:
            advance(65_536)
        with bar.task("search index", total=1, unit=None):
            pass
    drawn = screen.getvalue()
    assert "1,001,000/1,001,000 rows" in drawn and "65,536/1,001,000 rows" in drawn
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", drawn)  # without the terminal's colour codes
    last = [line for line in plain.splitlines() if "search index" in line][-1]
    assert re.fullmatch(r"search index\s+━+\s+0:00:00\s*", last), last  # a bar, then the time: no amount


@pytest.mark.parametrize("engine", ["arrow", "frictionless"])
def test_a_descriptor_error_names_the_descriptor_file_it_is_in(tmp_path, engine):
    (tmp_path / "t.csv").write_text("id\n1\n", encoding="utf-8")
    (tmp_path / "datapackage.yaml").write_text(
        "name: p\ncreated: not a date\nresources:\n  - name: t\n    path: t.csv\n", encoding="utf-8"
    )
    report = json.loads(invoke(tmp_path / "datapackage.yaml", "--format", "json", "--engine", engine).output)
    assert [(error["type"], error["path"]) for error in report["errors"]] == [
        ("package-error", "datapackage.yaml")
    ]
    lines = invoke(tmp_path / "datapackage.yaml", "--engine", engine).output.splitlines()
    assert lines[0].startswith("datapackage.yaml: ") and "created" in lines[0]


def test_a_package_that_cannot_be_read_is_said_in_the_format_asked_for(tmp_path):
    missing = tmp_path / "datapackage.json"
    result = invoke(missing, "--format", "json")
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {
        "valid": False,
        "error": f"{missing}: no such descriptor file",
        "errors": [],
    }
    result = invoke(missing, "--format", "github")
    assert result.exit_code == 2
    assert (
        result.stdout == f"::error title=ecodata validate::cannot run: {missing}: no such descriptor file\n"
    )
    assert result.stderr == f"Error: {missing}: no such descriptor file\n"
    assert invoke(missing).stdout == ""  # text: the one line on stderr alone, as every command


def test_max_cell_size_runs_the_cell_size_check_where_the_package_does_not_declare_it(tmp_path):
    (tmp_path / "t.csv").write_text("id,note\n1,short\n2,a longer note\n", encoding="utf-8")
    fields = [{"name": "id", "type": "integer"}, {"name": "note", "type": "string"}]
    descriptor = {"name": "p", "resources": [{"name": "t", "path": "t.csv", "schema": {"fields": fields}}]}
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert invoke(tmp_path).exit_code == 0
    result = invoke(tmp_path, "--max-cell-size", "10")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "t.csv:3 note: 13 characters, over the 10 limit; shorten it",
        "note: cell-size: not declared by the package; run with max 10 (--max-cell-size)",
        "invalid: 1 error in 1 resource, 2 rows (cell-too-large 1)",
    ]


@pytest.mark.parametrize("engine", ["arrow", "frictionless"])
def test_a_wrong_bytes_or_hash_says_what_the_file_has_and_what_the_descriptor_says(tmp_path, engine):
    (tmp_path / "t.csv").write_text("id\n1\n", encoding="utf-8")
    resource = {"name": "t", "path": "t.csv", "bytes": 3, "hash": "sha256:" + "0" * 64}
    resource["schema"] = {"fields": [{"name": "id", "type": "integer"}]}
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"name": "p", "resources": [resource]}), encoding="utf-8"
    )
    report = json.loads(invoke(tmp_path, "--format", "json", "--engine", engine).output)
    said = {error["type"]: error["message"] for error in report["errors"]}
    assert said["byte-count"] == "the file has 5 bytes, the descriptor says 3"
    digest = "7cde7fb64fd82bd152710cf238e017b9ab46c0592483edc067ba4f6c75fac108"  # sha256 of "id\n1\n"
    assert said["hash-count"].startswith(f"the file's hash is {digest}, the descriptor says ")
    assert said["hash-count"].endswith("0" * 64)


def test_github_annotations_put_a_header_error_on_line_1_and_give_the_notes():
    """A header error had no line (GitHub then shows it on no line), and the note that frictionless
    checked the package (the arrow engine does not read compressed files) was left out."""
    real = Path(__file__).resolve().parent.parent / "data" / "real"
    header = invoke(real / "fl-capital-yaml-invalid", "--format", "github").output
    assert re.search(r"^::error file=[^,]*capital-invalid\.csv,line=1,title=duplicate-label::", header, re.M)
    compressed = invoke(real / "fl-compression", "--format", "github").output.splitlines()
    assert (
        compressed[0].startswith("::notice title=ecodata validate::")
        and "frictionless checked" in compressed[0]
    )
    assert compressed[-1].startswith("::notice title=ecodata validate::valid:")


def test_github_annotations_name_the_file_from_the_workspace(broken, monkeypatch):
    """From a subfolder, `ecodata validate ../package` annotated `resources/x.csv`, a file that is not
    there; GitHub places an annotation relative to the workspace (GITHUB_WORKSPACE), the repository."""
    descriptor, value_row, _ = broken
    repository = descriptor.parent.parent
    (repository / "sub").mkdir()
    monkeypatch.chdir(repository / "sub")
    shown = f"{descriptor.parent.name}/resources/protected_areas.csv,line={value_row},"
    assert f"::error file=../{shown}" in invoke(f"../{descriptor.parent.name}", "--format", "github").output
    monkeypatch.setenv("GITHUB_WORKSPACE", str(repository))
    assert f"::error file={shown}" in invoke(f"../{descriptor.parent.name}", "--format", "github").output


def test_a_verdict_on_some_types_says_what_it_left_out(broken):
    """`--skip value-not-in-quote --skip formula-injection` said "valid" of a package `build` refuses."""
    descriptor, _, _ = broken
    result = invoke(descriptor, "--skip", "value-not-in-quote", "--skip", "formula-injection")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "note: --check/--skip: the package's value-in-quote, formula-injection checks not run; `ecodata "
        "build` checks every type"
    )
    skipped = invoke(descriptor, "--skip", "value-not-in-quote").output
    assert "note: --check/--skip: the package's value-in-quote check not run" in skipped
    assert "note: --check/--skip" not in invoke(descriptor, "--skip", "type-error").output  # found nothing


def test_a_check_asked_for_by_name_has_its_settings_checked_as_a_declared_one(tmp_path):
    """`--check quote-in-source` on a package without its default fields ran and found nothing: valid."""
    descriptor = write_package(
        tmp_path, [table("t", [{"name": "a", "type": "string"}])], {"t.csv": b"a\nx\n"}
    )
    result = invoke(descriptor, "--check", "quote-in-source")
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert 'its default, "source_id", is not: declare it (--check runs it with its defaults)' in result.output


def test_a_header_error_names_the_header_s_line_in_every_format(tmp_path):
    """The text and JSON gave a header's error no line (`x.csv a: header label …`, "line": null); a
    header that `headerRows` puts on line 2 was annotated on line 1."""
    fields = [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}]
    first = table("first", fields)
    second = table("second", fields) | {"dialect": {"headerRows": [2]}}
    third = table("third", fields) | {"dialect": "third.dialect.json"}  # the dialect, a file of its own
    files = {
        "first.csv": b"a,B\n1,2\n",
        "second.csv": b"# made by hand\na,B\n1,2\n",
        "third.csv": b"#\n#\na,B\n1,2\n",
        "third.dialect.json": b'{"headerRows": [3]}',
    }
    descriptor = write_package(tmp_path, [first, second, third], files)
    assert invoke(descriptor).output.splitlines()[:3] == [
        "first.csv:1 b: header label 'B' differs from the field name 'b' at this position",
        "second.csv:2 b: header label 'B' differs from the field name 'b' at this position",
        "third.csv:3 b: header label 'B' differs from the field name 'b' at this position",
    ]
    report = json.loads(invoke(descriptor, "--format", "json").output)
    assert [(error["path"], error["row"], error["line"]) for error in report["errors"]] == [
        ("first.csv", None, 1),
        ("second.csv", None, 2),
        ("third.csv", None, 3),
    ]
    github = invoke(descriptor, "--format", "github").output
    assert ",line=2,title=incorrect-label::" in github


def test_findings_of_a_skipped_type_are_counted_in_a_note(tmp_path):
    descriptor = write_package(
        tmp_path, [table("t", [{"name": "a", "type": "integer"}])], {"t.csv": b"a\nx\ny\n"}
    )
    result = invoke(descriptor, "--skip", "type-error")
    assert result.exit_code == 0 and result.output.splitlines() == [
        "note: --check/--skip: 2 findings of the types left out not reported; `ecodata build` checks every type",
        "valid: 1 resource, 2 rows, no errors",
    ]
