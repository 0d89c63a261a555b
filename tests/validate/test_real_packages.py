"""Packages nobody on this project wrote: ecodata must agree with frictionless-py on every one.

`tests/data/real/` holds real Data Packages vendored from frictionless-py's fixtures and datasets/*
repositories (origins, commits and licences in `tests/data/real/MANIFEST.md`); `tests/data/forms/` holds
one small synthetic package per descriptor form. Each folder has an `expected.json` written from
frictionless itself: `valid`, `rows` per resource and, for an invalid package, its `errors`.

For each package: `ecodata validate --format json` exits 0 when frictionless finds it valid and 1 when
invalid, never 2 (or a traceback) for a package frictionless can read, with the same findings as
frictionless: the multiset of (type, resource, row, field). A valid package builds, and its Parquet files,
SQLite tables and zip hold frictionless's row counts. No test touches the network.
"""

from __future__ import annotations

import functools
import json
import socket
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import frictionless
import pytest
from click.testing import CliRunner

from ecodata.cli import cli

DATA = Path(__file__).resolve().parent.parent / "data"
REMOTE = DATA / "forms" / "remote-path"
DESCRIPTOR_NAMES = ("datapackage.json", "datapackage.yaml", "datapackage.yml")
LIMIT_ERRORS = 10_000_000  # frictionless stops at 1000 errors per resource by default
ARROW_ONLY = {
    "category-error": "categories",
    "unique-keys": "uniqueKeys",
}  # frictionless 5 never checks these


def folders() -> list[Path]:
    found = [p for kind in ("real", "forms") for p in sorted((DATA / kind).iterdir()) if p.is_dir()]
    return [p for p in found if p != REMOTE]


def descriptor_of(folder: Path) -> Path:
    return next(folder / name for name in DESCRIPTOR_NAMES if (folder / name).exists())


def expected(folder: Path) -> dict:
    return json.loads((folder / "expected.json").read_text(encoding="utf-8"))


def case_id(folder: Path) -> str:
    return f"{folder.parent.name}/{folder.name}"


CASES = folders()
VALID_CASES = [folder for folder in CASES if expected(folder)["valid"]]


def open_with_frictionless(descriptor: Path) -> frictionless.Package:
    """frictionless 5 reads `.json` and `.yaml` by path but not `.yml`: that one is parsed and passed in."""
    if descriptor.suffix == ".yml":
        import yaml

        document = yaml.safe_load(descriptor.read_text(encoding="utf-8"))
        return frictionless.Package(document, basepath=str(descriptor.parent))
    return frictionless.Package(str(descriptor))


def count_rows(resource) -> int | None:
    try:
        return len(resource.read_rows())
    except frictionless.FrictionlessException:
        return None


@dataclass
class Reference:
    loads: bool  # False: frictionless refuses the descriptor itself (raises on load)
    valid: bool
    findings: Counter = field(default_factory=Counter)
    rows: dict[str, int | None] = field(default_factory=dict)


def finding_key(error: dict, resource: str | None, primary_key: list[str] = ()) -> tuple:
    """A finding as compared: ecodata names a key's first field, where frictionless names none for the
    primary key's findings and a list for a foreign key's."""
    field = error.get("fieldName") or None
    if error["type"] == "primary-key":
        field = next(iter(primary_key), None)
    elif error["type"] == "foreign-key":
        field = next(iter(error.get("fieldNames") or []), None)
    return (error["type"], resource, error.get("rowNumber"), field)


@functools.cache
def frictionless_reference(descriptor: Path) -> Reference:
    """What frictionless-py itself says of the package: verdict, located errors, rows per resource."""
    try:
        package = open_with_frictionless(descriptor)
    except frictionless.FrictionlessException as exception:
        errors = exception.to_errors()
        return Reference(False, False, Counter((e.type, None, None, None) for e in errors))
    report = package.validate(limit_errors=LIMIT_ERRORS)
    findings = Counter(finding_key(error.to_descriptor(), None) for error in report.errors)
    rows = {}
    for task in report.tasks:
        key = package.get_resource(task.name).schema.primary_key if package.has_resource(task.name) else []
        findings.update(finding_key(error.to_descriptor(), task.name, key) for error in task.errors)
        rows[task.name] = task.stats.get("rows") or 0
    for resource in package.resources:
        counted = count_rows(resource)
        if counted is not None:
            rows[resource.name] = counted
    return Reference(True, report.valid, findings, rows)


def declares(folder: Path, word: str) -> bool:
    texts = (
        p.read_text(encoding="utf-8", errors="replace")
        for p in folder.rglob("*")
        if p.suffix in {".json", ".yaml", ".yml"}
    )
    return any(f'"{word}"' in text or f"{word}:" in text for text in texts)


class NetworkUsed(AssertionError):
    pass


@pytest.fixture(autouse=True)
def no_network(monkeypatch) -> list:
    """Refuse (and record) every connection to a host: a test of these packages must stay offline."""
    attempts: list = []
    real_connect = socket.socket.connect

    def guarded_connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            attempts.append(address)
            raise NetworkUsed(f"network use: connect to {address!r}")
        return real_connect(self, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        attempts.append(host)
        raise NetworkUsed(f"network use: resolve {host!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    return attempts


def run(*args):
    result = CliRunner().invoke(cli, [str(arg) for arg in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output, result.output[-2000:]
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output[-2000:])
    return result


def assert_one_line_error(result) -> None:
    """One line on stderr; with --format json, the same said on stdout as JSON."""
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.output[-2000:]
    assert json.loads(result.stdout) == {"valid": False, "error": result.stderr[7:-1], "errors": []}


@pytest.mark.parametrize("folder", CASES, ids=case_id)
def test_expected_json_is_what_frictionless_says(folder):
    reference, stored = frictionless_reference(descriptor_of(folder)), expected(folder)
    assert reference.valid == stored["valid"]
    assert reference.rows == stored["rows"]


@pytest.mark.parametrize("engine", ["arrow", "frictionless"])
@pytest.mark.parametrize("folder", CASES, ids=case_id)
def test_validate_agrees_with_frictionless(folder, engine):
    """With either engine (`--engine frictionless` hands the package to frictionless whole: a `.yml`
    descriptor was opened as JSON there, and reported invalid)."""
    reference = frictionless_reference(descriptor_of(folder))
    result = run("validate", descriptor_of(folder), "--format", "json", "--engine", engine)
    if not reference.loads:  # frictionless refuses the descriptor: ecodata may too (2), or report it (1)
        assert result.exit_code in (1, 2), result.output[-2000:]
        if result.exit_code == 2:
            assert_one_line_error(result)
        return
    assert result.exit_code == (0 if reference.valid else 1), result.output[-2000:]
    report = json.loads(result.output)
    assert report["valid"] is reference.valid
    ignored = {kind for kind, word in ARROW_ONLY.items() if declares(folder, word)}
    found = Counter(
        (e["type"], e["resource"], e["row"], e["field"] or None)
        for e in report["errors"]
        if e["type"] not in ignored
    )
    only_ecodata, only_frictionless = found - reference.findings, reference.findings - found
    assert not only_ecodata and not only_frictionless, (
        f"only ecodata: {sorted(only_ecodata.elements(), key=str)[:10]}; "
        f"only frictionless: {sorted(only_frictionless.elements(), key=str)[:10]}"
    )


@pytest.mark.parametrize("folder", VALID_CASES, ids=case_id)
def test_build_holds_frictionless_rows(folder, tmp_path):
    import pyarrow.parquet as pq

    reference = frictionless_reference(descriptor_of(folder))
    assert reference.valid
    out = tmp_path / "dist"
    result = run("build", descriptor_of(folder), "--out", out)
    assert result.exit_code == 0, result.output[-2000:]

    for name, rows in reference.rows.items():
        assert pq.read_table(out / "parquet" / f"{name}.parquet").num_rows == rows, name

    databases = sorted(out.glob("*.db"))
    assert len(databases) == 1, databases
    with sqlite3.connect(databases[0]) as connection:
        for name, rows in reference.rows.items():
            assert connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] == rows, name

    archives = sorted(out.glob("*.zip"))
    assert len(archives) == 1, archives
    unzipped = frictionless.Package(str(archives[0]))
    assert {resource.name: len(resource.read_rows()) for resource in unzipped.resources} == reference.rows


def test_remote_path_is_refused_in_one_line_without_network(no_network):
    assert expected(REMOTE)["exit"] == 2
    result = run("validate", REMOTE / "datapackage.json", "--format", "json")
    assert result.exit_code == 2, result.output[-2000:]
    assert_one_line_error(result)
    assert "https://example.com/x.csv" in result.output
    assert not no_network


def test_the_corpus_is_large_enough():
    real = [folder for folder in CASES if folder.parent.name == "real"]
    assert len(real) >= 22
    invalid = [folder for folder in real if not expected(folder)["valid"]]
    assert len(invalid) >= 3


@pytest.mark.parametrize("engine", ["arrow", "frictionless"])
def test_a_yaml_descriptor_named_in_capitals_is_read_as_yaml(tmp_path, engine):
    """`datapackage.YML` was read as JSON ("not valid JSON") while its lower-case twin validated."""
    import shutil

    folder = DATA / "real" / "ds-country-codes-yml"
    shutil.copytree(folder, tmp_path / "p")
    (tmp_path / "p" / "datapackage.yml").rename(tmp_path / "p" / "datapackage.YML")
    result = run("validate", tmp_path / "p" / "datapackage.YML", "--engine", engine)
    assert result.exit_code == 0 and result.output.startswith("valid: 1 resource"), result.output
