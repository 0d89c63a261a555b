import shutil
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def outside_a_github_job(monkeypatch):
    """GitHub's runner sets GITHUB_WORKSPACE, which `--format github` names files from: tests that run
    ecodata where the package is see what they would see on any machine (a test sets it to try it)."""
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)


ROOT = Path(__file__).resolve().parent.parent


def copy_package(target: Path) -> Path:
    """A private copy of the shipped package, safe to break in a test."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "datapackage.json", target / "datapackage.json")
    shutil.copytree(ROOT / "resources", target / "resources")
    shutil.copytree(ROOT / "sources", target / "sources")
    return target / "datapackage.json"


@pytest.fixture
def package_copy(tmp_path) -> Path:
    return copy_package(tmp_path / "package")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The shipped package built once for the whole session."""
    from ecodata.build.dist import build

    return build(ROOT / "datapackage.json", tmp_path_factory.mktemp("build") / "dist")


def datasette_get(dist: Path, path: str):
    """GET `path` from the same Datasette that `ecodata serve` runs, in-process."""
    import asyncio

    from ecodata.serve.app import make_datasette

    async def fetch():
        datasette = make_datasette(dist)
        await datasette.invoke_startup()
        return await datasette.client.get(path)

    return asyncio.run(fetch())


def change_cell(descriptor: Path, resource: str, row_id: str, column: str, value: str) -> int:
    """`replace_cell` in the CSV of `resource` (resources/RESOURCE.csv beside `descriptor`)."""
    return replace_cell(descriptor.parent / "resources" / f"{resource}.csv", row_id, column, value)


def findings(descriptor: Path) -> list[tuple]:
    """(type, resource, row, field) of every finding when `descriptor` is validated."""
    from ecodata.validate.run import validate

    return [(f.type, f.resource, f.row, f.field) for f in validate(descriptor).findings]


def replace_cell(csv_path: Path, row_id: str, column: str, value: str) -> int:
    """Set one cell of the row whose first column is `row_id`; returns the row's rowNumber (header = 1)."""
    import csv

    with open(csv_path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    index = rows[0].index(column)
    for number, row in enumerate(rows[1:], start=2):  # noqa: B007 (returned after the loop)
        if row[0] == row_id:
            row[index] = value
            break
    else:
        raise KeyError(row_id)
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return number


def bilingual(template: str) -> str:
    """A template's words as a site in both languages shows them: `{{ "Apply · 应用"|ui }}` → `Apply · 应用`,
    `{% if chinese %}…{% endif %}` → `…` (an English site shows the English alone: words.english)."""
    import re

    template = re.sub(r'\{\{ "([^"]*)"\|ui \}\}', r"\1", template)
    return re.sub(r"\{% if chinese %\}((?:(?!\{%).)*?)\{% endif %\}", r"\1", template, flags=re.S)


def assert_upstream_template_with(
    name: str, edits: list[tuple[str, str]], restore=None, upstream: str = "datasette"
) -> None:
    """Our override of the template `name` of Datasette (or of the plugin `upstream`) is theirs with exactly
    `edits` (original, changed) applied, after our leading {#- … -#} comment, the words shown as a site in
    both languages shows them (`bilingual`) and `restore(text)` (other changes undone)."""
    import importlib
    import re

    ours = ROOT / "ecodata" / "serve" / "templates" / name
    theirs = Path(importlib.import_module(upstream).__file__).parent / "templates" / name
    text = bilingual(re.sub(r"\A\{#-.*?-#\}\n", "", ours.read_text(encoding="utf-8"), flags=re.S))
    if restore is not None:
        text = restore(text)
    for original, changed in edits:
        assert text.count(changed) == 1, changed
        text = text.replace(changed, original)
    assert text == theirs.read_text(encoding="utf-8")


def stopped_while_writing(arguments: list, written: Path, pattern: str, signal_number: int, temporary=None):
    """Run `ecodata ARGUMENTS` in a process of its own, send it `signal_number` as soon as a file
    matching `pattern` is under `written` (what it writes exists), and return (exit code, output).
    `temporary`: the folder it is given for its temporary files (TMPDIR)."""
    import os
    import subprocess
    import sys
    import time

    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    if temporary is not None:
        environment["TMPDIR"] = str(temporary)
    process = subprocess.Popen(
        [sys.executable, "-m", "ecodata", *map(str, arguments)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment,
    )
    while not any(written.glob(pattern)) and process.poll() is None:
        time.sleep(0.005)
    process.send_signal(signal_number)
    output, _ = process.communicate(timeout=120)
    return process.returncode, output
