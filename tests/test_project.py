"""Project-level promises: documentation matches the CLI, lazy imports, generated code lists, bootstrap."""

import csv
import re
import subprocess
import sys

import pytest
from conftest import ROOT

from ecodata.cli import cli
from ecodata.maintain.countries import HEADER, country_rows

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_cli_command_is_documented_in_the_readme():
    for name, command in cli.commands.items():
        assert f"### `ecodata {name}" in README, name
        for parameter in command.params:
            for option in parameter.opts:
                if option.startswith("--"):
                    assert option in README, (name, option)


def test_readme_starts_with_the_two_commands():
    commands = README.index("make serve"), README.index("make test")
    assert README.index("## Two commands") < commands[0] < commands[1] < README.index("## The data")


def test_readme_row_counts_match_the_data():
    counts = dict(re.findall(r"^\| `(\w+)` \| [^|]+ \| (\d+) \|", README, flags=re.MULTILINE))
    assert set(counts) >= {"protected_areas", "germplasm_banks", "enforcement_actions", "sources"}
    for resource, count in counts.items():
        with open(ROOT / "resources" / f"{resource}.csv", encoding="utf-8") as handle:
            assert int(count) == len(list(csv.DictReader(handle))), resource


def test_help_imports_no_heavy_library():
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from ecodata.cli import cli\n"
        "for args in (['--help'], ['validate', '--help'], ['build', '--help'], ['serve', '--help']):\n"
        "    assert CliRunner().invoke(cli, args).exit_code == 0\n"
        "heavy = {'pandas', 'pyarrow', 'frictionless', 'datasette', 'sqlite_utils', 'uvicorn'}\n"
        "print(sorted(heavy & {name.split('.')[0] for name in sys.modules}))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_console_script_help_runs():
    script = ROOT / ".venv" / "bin" / "ecodata"
    executable = [str(script)] if script.exists() else [sys.executable, "-m", "ecodata"]
    result = subprocess.run([*executable, "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "validate" in result.stdout and "Traceback" not in result.stderr


def test_country_code_list_is_pycountry():
    with open(ROOT / "resources" / "codes_country.csv", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == HEADER
    assert [tuple(row) for row in rows[1:]] == country_rows()


def test_sources_are_byte_copies_of_the_shared_archive():
    shared = ROOT.parent / "shared" / "sources"
    if not shared.is_dir():
        pytest.skip("../shared/sources is not beside this checkout")
    for path in sorted((ROOT / "sources").iterdir()):
        if (shared / path.name).exists():
            assert path.read_bytes() == (shared / path.name).read_bytes(), path.name


def test_validators_folder_is_not_a_package():
    assert not (ROOT / "validators" / "__init__.py").exists()


def test_second_bootstrap_installs_nothing():
    if not (ROOT / ".venv" / ".installed").exists():
        pytest.skip("not bootstrapped by make")
    result = subprocess.run(["make", "-q", "install"], cwd=ROOT, capture_output=True)
    assert result.returncode == 0, "make would reinstall although neither pyproject.toml nor the lock changed"


def test_browser_tests_fail_rather_than_skip_in_ci_without_chromium():
    import os
    from pathlib import Path

    bin_only = str(Path(sys.executable).parent)  # the venv, where there is no chromium
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "tests/serve/test_browser.py",
        "-k",
        "home_page",
    ]
    for ci, expected_code, outcome in (("true", 1, "1 error"), ("", 0, "1 skipped")):
        env = {**os.environ, "PATH": bin_only, "CI": ci}
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == expected_code, result.stdout[-2000:]
        assert outcome in result.stdout.splitlines()[-1]
