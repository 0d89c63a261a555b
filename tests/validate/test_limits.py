"""Input that would take unbounded memory ends with one clear finding instead."""

import json

from click.testing import CliRunner

from ecodata.cli import cli


def one_file_package(folder, content: str):
    (folder / "t.csv").write_text(content, encoding="utf-8")
    descriptor = {
        "name": "t",
        "resources": [{"name": "t", "path": "t.csv", "schema": {"fields": [{"name": "a"}]}}],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(folder), "--format", "json"])
    assert result.exit_code == 1, result.output
    return json.loads(result.output)["errors"]


def test_a_header_of_more_columns_than_a_table_has_is_one_source_error(tmp_path):
    from ecodata.validate.engine.layout import MOST_COLUMNS

    header = ",".join(f"c{index}" for index in range(MOST_COLUMNS + 1))
    errors = one_file_package(tmp_path, header + "\n1,2\n")
    assert [(e["type"], e["message"]) for e in errors] == [
        (
            "source-error",
            f"the first row has {MOST_COLUMNS + 1:,} cells; ecodata reads tables of at most {MOST_COLUMNS:,} columns",
        )
    ]


def test_a_line_longer_than_the_limit_is_one_source_error(tmp_path, monkeypatch):
    monkeypatch.setattr("ecodata.validate.engine.layout.LONGEST_LINE", 1000)
    errors = one_file_package(tmp_path, "a\n" + "x" * 5000)
    assert [(e["type"], e["message"]) for e in errors] == [
        ("source-error", "line 2 is longer than 1,000 characters; ecodata reads no longer lines")
    ]


def test_a_fifo_as_a_resource_is_refused_not_waited_on(tmp_path):
    import os

    os.mkfifo(tmp_path / "t.csv")
    descriptor = {
        "name": "t",
        "resources": [{"name": "t", "path": "t.csv", "schema": {"fields": [{"name": "a"}]}}],
    }
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output == f"Error: {tmp_path / 'datapackage.json'}: t.csv is not a regular file\n"


def test_a_deeply_nested_descriptor_is_one_clear_line(tmp_path):
    (tmp_path / "datapackage.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
