import json
import os
import re

import click
import pytest
from click.testing import CliRunner
from conftest import ROOT, replace_cell, stopped_while_writing

from ecodata.cli import cli


def run(*args, cwd=None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(cli, list(map(str, args)))
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(cli, list(map(str, args)))
    finally:
        os.chdir(previous)


def test_validate_shipped_package_is_valid():
    result = run("validate", ROOT / "datapackage.json")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("valid: 14 resources, ")
    assert result.output.endswith(" rows, no errors\n")


def test_validate_defaults_to_datapackage_json_in_current_folder():
    result = run("validate", cwd=ROOT)
    assert result.exit_code == 0, result.output


def test_validate_reports_each_error_with_file_row_and_field(package_copy):
    csv_path = package_copy.parent / "resources" / "protected_areas.csv"
    first_id = csv_path.read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    row = replace_cell(csv_path, first_id, "value", "many")
    result = run("validate", package_copy)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == (
        f"resources/protected_areas.csv:{row} value: 'many' is not a valid number; fix the cell or the field's type"
    )
    assert lines[-1].startswith("invalid: 1 error in 14 resources")
    assert lines[-1].endswith("(type-error 1)")


def test_validate_collects_every_error_not_just_the_first(package_copy):
    resources = package_copy.parent / "resources"
    replace_cell(resources / "sources.csv", "white-paper-2021", "date_published", "last October")
    km2_row = replace_cell(resources / "codes_unit.csv", "km2", "label_en", "")
    result = run("validate", package_copy, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["valid"] is False
    found = {(e["type"], e["resource"], e["row"], e["field"]) for e in report["errors"]}
    assert ("constraint-error", "sources", 3, "date_published") in found
    assert ("constraint-error", "codes_unit", km2_row, "label_en") in found
    assert ("bilingual-missing", "codes_unit", km2_row, "label_en") in found
    assert report["stats"]["errors"] == len(report["errors"]) == 3
    assert set(report["errors"][0]) == {"type", "resource", "path", "row", "line", "field", "cell", "message"}


def test_validate_json_for_valid_package():
    result = run("validate", ROOT / "datapackage.json", "--format", "json")
    report = json.loads(result.output)
    assert result.exit_code == 0
    assert report["valid"] is True and report["errors"] == []
    assert report["stats"]["resources"] == 14


def test_foreign_key_to_missing_row_is_reported(package_copy):
    csv_path = package_copy.parent / "resources" / "germplasm_banks.csv"
    first_id = csv_path.read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    row = replace_cell(csv_path, first_id, "source_id", "no-such-source")
    report = json.loads(run("validate", package_copy, "--format", "json").output)
    assert [(e["type"], e["row"]) for e in report["errors"]] == [("foreign-key", row)]


def test_missing_descriptor_exits_2_with_one_line(tmp_path):
    result = run("validate", tmp_path / "nothing.json")
    assert result.exit_code == 2
    assert result.output == f"Error: {tmp_path / 'nothing.json'}: no such descriptor file\n"


def test_descriptor_that_is_not_json_exits_2(tmp_path, monkeypatch):
    """The descriptor is named as one finds it from the folder the command runs in."""
    (tmp_path / "datapackage.json").write_text('{"name": ', encoding="utf-8")
    monkeypatch.chdir(tmp_path.parent)
    result = run("validate", tmp_path.name)
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {tmp_path.name}/datapackage.json: not valid JSON (line 1, column 10: Expecting value)\n"
    )


def test_a_descriptor_that_is_not_yaml_says_why_as_json_does(tmp_path):
    """datasets' YAML with an unquoted `: ` in a description: "not valid YAML (line 3, column 20)" alone."""
    (tmp_path / "datapackage.yaml").write_text(
        "name: x\ndescription: Prices: monthly: in USD\n", encoding="utf-8"
    )
    result = run("validate", tmp_path / "datapackage.yaml")
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {tmp_path / 'datapackage.yaml'}: not valid YAML (line 2, column 20: mapping values are not "
        "allowed here)\n"
    )


def test_json_that_is_not_a_package_exits_2(tmp_path):
    (tmp_path / "datapackage.json").write_text('{"name": "x"}', encoding="utf-8")
    result = run("validate", tmp_path / "datapackage.json")
    assert result.exit_code == 2
    assert (
        result.output == f'Error: {tmp_path / "datapackage.json"}: not a data package (no "resources" list)\n'
    )
    (tmp_path / "datapackage.json").write_text('{"name": "x", "resources": []}', encoding="utf-8")
    result = run("validate", tmp_path / "datapackage.json")
    assert (
        result.exit_code == 2
        and '"resources" is empty; a data package describes at least one' in result.output
    )


@pytest.mark.parametrize(
    "command",
    [["validate"], ["validate", "--format", "json"], ["build"], ["checks"], ["diff", "."], ["release-check"]],
)
def test_a_url_given_as_the_package_is_said_to_be_one(command):
    """`validate https://x/datapackage.json` said "https:/x/datapackage.json: no such descriptor file"."""
    url = "https://example.org/data/datapackage.json"
    result = run(*command, url)
    said = f"Error: {url}: a URL; ecodata reads packages on this machine only"
    assert result.exit_code == 2 and said in result.output and "https:/e" not in result.output, result.output
    if "json" in command:
        assert json.loads(result.output.split("\nError:")[0])["error"].startswith(f"{url}: a URL")


@pytest.mark.parametrize("command, empty", [(["checks"], {"checks": []}), (["diff", "."], {"resources": {}})])
def test_a_package_that_cannot_be_read_is_said_in_json_where_json_is_asked_for(tmp_path, command, empty):
    """`validate --format json` printed its error as JSON on stdout; `checks` and `diff` printed nothing."""
    result = run(*command, tmp_path / "missing", "--format", "json")
    said = f"{tmp_path / 'missing'}: no such descriptor file"
    assert result.exit_code == 2 and result.stderr == f"Error: {said}\n", result.output
    assert json.loads(result.stdout) == {"error": said, **empty}


def test_a_data_file_or_a_folder_of_data_files_is_told_to_ecodata_init(tmp_path, monkeypatch):
    (tmp_path / "gdp.csv").write_text("year,usd\n2000,1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path.parent)
    file = run("validate", f"{tmp_path.name}/gdp.csv")
    assert file.exit_code == 2 and file.output == (
        f"Error: {tmp_path.name}/gdp.csv: a data file, not a package descriptor; give the folder holding its "
        f"datapackage.json, or describe the folder with `ecodata init {tmp_path.name}`\n"
    )
    (tmp_path / "datapackage.json").write_text(
        '{"resources": [{"name": "gdp", "path": "gdp.csv"}]}', encoding="utf-8"
    )
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "gdp.csv").write_text("year,usd\n2000,1\n", encoding="utf-8")
    inside = run("validate", f"{tmp_path.name}/data/gdp.csv")  # in a package: its folder, not a second one
    assert (
        inside.output
        == f"Error: {tmp_path.name}/data/gdp.csv: a data file, not a package descriptor; give its package's folder, {tmp_path.name}\n"
    )
    (tmp_path / "datapackage.json").unlink()
    folder = run("build", tmp_path.name)
    assert folder.exit_code == 2 and folder.output.endswith(
        f"; `ecodata init {tmp_path.name}` describes its data files in one\n"
    )


def test_resource_path_outside_the_package_is_refused(tmp_path):
    descriptor = {"name": "x", "resources": [{"name": "secret", "path": "../../etc/passwd"}]}
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    result = run("validate", tmp_path / "datapackage.json")
    assert result.exit_code == 2
    shown = tmp_path / "datapackage.json"
    assert result.output == f"Error: {shown}: path '../../etc/passwd' leaves the package folder\n"


def test_build_refuses_invalid_package_and_keeps_previous_output(package_copy, tmp_path):
    out = tmp_path / "dist"
    assert run("build", package_copy, "--out", out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    replace_cell(
        package_copy.parent / "resources" / "sources.csv", "white-paper-2021", "date_published", "zz"
    )
    result = run("build", package_copy, "--out", out)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].startswith(
        "Error: not built: the package is invalid (invalid: 1 error"
    )
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist", "package"]


def on_a_terminal(*args) -> tuple[int, str]:
    """Run `ecodata ARGS` in a process of its own whose standard error is a terminal (a pseudo-terminal)."""
    import pty
    import subprocess
    import sys
    import threading

    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "ecodata", *map(str, args)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=secondary,
    )
    os.close(secondary)
    shown = []

    def read():
        try:
            while chunk := os.read(main, 65536):
                shown.append(chunk)
        except OSError:  # the terminal's other end is closed: Linux says EIO
            pass

    reader = threading.Thread(target=read)
    reader.start()
    code = process.wait(timeout=300)
    reader.join(timeout=10)
    os.close(main)
    return code, b"".join(shown).decode("utf-8", "replace")


def test_build_shows_its_progress_on_a_terminal_unless_quiet(package_copy, tmp_path):
    code, shown = on_a_terminal("build", package_copy, "--out", tmp_path / "dist")
    assert code == 0, shown
    total = json.loads(run("validate", package_copy, "--format", "json").output)["stats"]["rows"]
    for step in (
        "protected_areas",
        "Parquet, SQLite",
        f"{total:,}/{total:,} rows",
        "search index",
        "SHA256SUMS",
    ):
        assert step in shown
    code, shown = on_a_terminal("build", package_copy, "--out", tmp_path / "dist", "--quiet")
    assert code == 0 and "rows" not in shown and "━" not in shown, shown


@pytest.mark.parametrize("signal_number", [2, 15])  # Ctrl-C; SIGTERM as a cancelled CI job sends
def test_a_stopped_build_removes_its_staging_folder_and_keeps_the_last_build(
    package_copy, tmp_path, signal_number
):
    out = tmp_path / "dist"
    assert run("build", package_copy, "--out", out).exit_code == 0
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    (package_copy.parent / "resources" / "codes_unit.csv").open("a", encoding="utf-8").write("zz,测试,test\n")
    arguments = ["build", package_copy, "--out", out]
    code, output = stopped_while_writing(arguments, tmp_path, ".dist.building-*/parquet/*", signal_number)
    assert code == 128 + signal_number, output
    name = "SIGINT" if signal_number == 2 else "SIGTERM"
    assert output.endswith(f"stopped by {name}\n"), output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["dist", "package"]  # no staging folder
    assert {path: path.read_bytes() for path in out.rglob("*") if path.is_file()} == before


def test_build_with_missing_descriptor_exits_2(tmp_path):
    result = run("build", tmp_path / "nope.json", "--out", tmp_path / "dist")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert not (tmp_path / "dist").exists()


def test_help_lists_every_command_with_a_one_line_summary():
    result = run("--help")
    assert result.exit_code == 0
    for name, command in cli.commands.items():
        summary = command.get_short_help_str(limit=60)
        assert not summary.endswith("..."), f"{name}: the docstring's first sentence is over 60 characters"
        assert f"  {name} " in result.output and summary in result.output


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_dash_h_on_every_command(command):
    result = run(command, "-h")
    assert result.exit_code == 0 and result.output.startswith(f"Usage: cli {command} ")


def cli_reference() -> dict[str, tuple[str, str]]:
    """README's CLI reference: (synopsis, text) per command, from its `### `ecodata COMMAND …`` headings."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## CLI reference") :]
    section = section[: section.index("\n## ")]
    parts = re.split(r"^### `ecodata ([a-z-]+)(.*)`$", section, flags=re.MULTILINE)
    return {"": ("", parts[0])} | {
        name: (synopsis, text) for name, synopsis, text in zip(parts[1::3], parts[2::3], parts[3::3])
    }


def test_every_command_and_option_has_help_and_is_in_the_readme():
    reference = cli_reference()
    assert set(reference) == {"", *cli.commands}, "a heading in README's CLI reference per command"
    for name, command in [("", cli), *cli.commands.items()]:
        synopsis, text = reference[name]
        where = f"ecodata {name}".strip()
        assert command.help, where
        shown = [param for param in command.params if not getattr(param, "hidden", False)]
        for param in shown:
            if isinstance(param, click.Argument):
                assert param.human_readable_name in command.help, f"{where}: the help names {param.name}"
                assert param.human_readable_name in synopsis, f"{where}: README names {param.name}"
                continue
            assert param.help, f"{where} {param.opts[0]}: no help text"
            if "--help" not in param.opts:  # -h/--help: said once, in the conventions
                for option in param.opts + param.secondary_opts:
                    assert option in (synopsis if name else text), (
                        f"{where} {option}: not in README's CLI reference"
                    )
        options = {option for param in shown for option in param.opts + param.secondary_opts}
        assert set(re.findall(r"--?[a-z][a-z-]*", synopsis)) <= options, f"README: {where} has no such option"
    assert "-h" in reference[""][1] and "--help" in reference[""][1]


def test_former_spellings_still_work_with_a_warning(tmp_path):
    result = run("release-check", "--descriptor", ROOT)
    assert result.exit_code == 0 and result.stderr.startswith(
        "warning: --descriptor is deprecated; use the argument DESCRIPTOR\n"
    )
    assert "--descriptor" not in run("release-check", "-h").output
    both = run("release-check", ROOT, "--descriptor", ROOT)
    assert both.exit_code == 2
    assert both.stderr.endswith(
        "Error: --descriptor is the former spelling of the argument DESCRIPTOR: give one of them\n"
    )
    port = run("serve", "--dist", tmp_path / "dist", "--host", "256.0.0.0")  # refused before any build
    assert port.exit_code == 2 and port.stderr.startswith("warning: --dist is deprecated; use --out\n")
    assert "--dist" not in run("serve", "-h").output


def test_python_dash_m_runs_the_same_command_line():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "ecodata", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("Usage: ecodata ")
    assert result.stdout.endswith(run("--help").output.split("\n", 1)[1])


@pytest.mark.parametrize("command", [["validate", "--format", "json"], ["checks"], ["diff", ROOT, ROOT]])
def test_an_output_no_one_reads_or_that_cannot_be_written_is_no_bug(command):
    """`ecodata validate | head` and `> /dev/full` were "internal error, a bug in ecodata" (exit 3)."""
    import subprocess
    import sys

    def ecodata(stdout):
        arguments = [sys.executable, "-m", "ecodata", *map(str, command)]
        return subprocess.run(arguments, stdout=stdout, stderr=subprocess.PIPE, text=True, cwd=ROOT)

    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line
    closed = ecodata(write)
    os.close(write)
    assert closed.returncode == 128 + 13 and closed.stderr == "", closed.stderr  # as if killed by SIGPIPE
    with open("/dev/full", "w") as full:
        result = ecodata(full)
    assert (
        result.returncode == 2
        and result.stderr == "Error: cannot go on: No space left on device (the output)\n"
    )


def test_a_full_disk_under_the_build_s_database_is_said_not_taken_for_a_bug(
    package_copy, tmp_path, monkeypatch
):
    """SQLite says "database or disk is full" with its own exception, no OSError: it was exit 3."""
    import sqlite3

    import ecodata.build.dist

    def full(*arguments, **options):
        error = sqlite3.OperationalError("database or disk is full")
        error.sqlite_errorcode = 13  # SQLITE_FULL, as sqlite3 sets it
        raise error

    monkeypatch.setattr(ecodata.build.dist, "write_outputs", full)
    result = run("build", package_copy, "--out", tmp_path / "dist", "-q")
    assert result.exit_code == 2, result.output
    assert result.output == "Error: cannot go on: database or disk is full (writing a SQLite database)\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["package"]  # no staging folder left


def test_ctrl_c_is_the_shells_130_not_clicks_1_which_says_invalid(package_copy, monkeypatch):
    import ecodata.validate.run

    def interrupted(*arguments, **options):
        raise KeyboardInterrupt

    monkeypatch.setattr(ecodata.validate.run, "validate", interrupted)
    result = run("validate", package_copy)
    assert result.exit_code == 130 and result.stderr == "stopped by SIGINT\n"


def test_commands_run_on_a_thread_of_their_own_keep_its_signal_handling(package_copy, tmp_path):
    """Only the main thread may set signal handlers: a library caller's thread runs the command as is."""
    import threading

    results = []
    worker = threading.Thread(
        target=lambda: results.append(run("build", package_copy, "--out", tmp_path / "d"))
    )
    worker.start()
    worker.join()
    assert results[0].exit_code == 0, results[0].output


def test_an_ignored_ctrl_c_stays_ignored(package_copy, tmp_path):
    """A script's `ecodata build &` starts with SIGINT ignored: the build goes on, as Python would."""
    import signal
    import subprocess
    import sys
    import time

    process = subprocess.Popen(
        [sys.executable, "-m", "ecodata", "build", str(package_copy), "--out", str(tmp_path / "dist")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    while not list(tmp_path.glob(".dist.building-*/parquet/*")) and process.poll() is None:
        time.sleep(0.005)
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 0 and output.endswith("built " + str(tmp_path / "dist") + "\n"), output


def multipart_package(folder, parts: int, rows: int):
    """One resource in `parts` CSV files of `rows` rows each (the header in the first alone)."""
    folder.mkdir()
    paths = []
    for part in range(parts):
        lines = ["id,value"] if part == 0 else []
        lines += [f"{part * rows + row},{row % 97}" for row in range(rows)]
        (folder / f"part{part}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(f"part{part}.csv")
    fields = [{"name": "id", "type": "integer"}, {"name": "value", "type": "integer"}]
    resource = {"name": "items", "path": paths, "schema": {"fields": fields, "primaryKey": ["id"]}}
    (folder / "datapackage.json").write_text(
        json.dumps({"name": "mp", "resources": [resource]}), encoding="utf-8"
    )
    return folder


@pytest.fixture(scope="module")
def four_million_rows_in_parts(tmp_path_factory):
    return multipart_package(tmp_path_factory.mktemp("parts") / "mp", parts=10, rows=400_000)


@pytest.mark.parametrize("signal_number", [2, 15])
def test_a_signal_to_the_whole_group_ends_a_build_whose_parts_are_checked_by_other_processes(
    four_million_rows_in_parts, tmp_path, signal_number
):
    """`timeout`, a terminal's Ctrl-C and a CI runner signal the process group: the part-checking
    workers leave the signal to the build, which stops them and ends. (They raised SystemExit into a
    pipe no one read, and the build waited for them forever: about one run in four, signalled while
    the parts were being checked.)"""
    import signal
    import subprocess
    import sys
    import time

    for delay in (0.5, 0.7, 0.9):
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ecodata",
                "build",
                str(four_million_rows_in_parts),
                "--out",
                str(tmp_path / "dist"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # a group of its own, as a job's
        )
        time.sleep(delay)
        os.killpg(process.pid, signal_number)
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise AssertionError(f"still running 30 s after the signal (sent at {delay} s)") from None
        assert process.returncode in (0, 128 + signal_number), output
        assert not list(tmp_path.glob(".dist.building-*"))


def test_a_signal_that_comes_while_the_process_forks_stops_it_right_after():
    """Handled inside fork's callbacks (logging's lock), the SystemExit was ignored and the build went
    on: a group signal under load left it running (the test above, one run in ten)."""
    import signal
    import time
    import types

    from ecodata.exits import Forks, ended_by_signals, stop

    with ended_by_signals():
        Forks.begin()  # as os.fork calls it: the handler then keeps the signal
        signal.raise_signal(signal.SIGTERM)
        assert Forks.deferred == [signal.SIGTERM]
        Forks.end()
        with pytest.raises(SystemExit) as stopped:
            time.sleep(5)
    assert stopped.value.code == 128 + signal.SIGTERM and not Forks.deferred and not Forks.forking
    with ended_by_signals():  # handled on the first line of the fork's first callback, before the flag
        stop(signal.SIGINT, types.SimpleNamespace(f_code=Forks.begin.__code__))
        assert Forks.deferred == [signal.SIGINT]
        Forks.deferred.clear()


def test_a_build_s_zip_is_validated_and_its_database_is_said_to_be_one(built, tmp_path):
    """`ecodata validate dist/x.zip` said "not UTF-8 text (byte 16)": frictionless opens a package zip, and
    so does `diff`; a database given for a package says what it is."""
    zipped = next(built.glob("*.zip"))
    result = run("validate", zipped)
    assert result.exit_code == 0 and result.output.startswith("valid: "), result.output
    unzipped = run("build", zipped, "--out", tmp_path / "dist")
    assert unzipped.exit_code == 2 and "a zip archive, not a package descriptor; unzip it" in unzipped.output
    words = "a SQLite database (as `ecodata build` writes), not a package descriptor"
    database = next(built.glob("*.db"))
    for command in (["validate", database], ["diff", database, ROOT]):
        result = run(*command)
        assert result.exit_code == 2 and result.output.startswith("Error: ") and words in result.output, (
            command,
            result.output,
        )
    (tmp_path / "datapackage.json").write_bytes(b"\xff\xfe{")  # not text, and no kind known: as before
    assert "not UTF-8 text (byte 0)" in run("validate", tmp_path).output
