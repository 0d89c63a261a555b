"""Each finding's `line` is the physical line its row starts on, given by the engine as it reads
(no second read of the file), also after quoted line breaks, in every reader and every piece."""

import json

import pytest
from click.testing import CliRunner

from ecodata.cli import cli
from ecodata.validate.tables import csv_rows


def package(tmp_path, body: str, rows: int):
    (tmp_path / "t.csv").write_text(body, encoding="utf-8", newline="")
    descriptor = {
        "name": "t",
        "resources": [
            {
                "name": "t",
                "path": "t.csv",
                "schema": {"fields": [{"name": "id", "type": "integer"}, {"name": "note", "type": "string"}]},
            }
        ],
    }
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return tmp_path


def body(rows: int, multiline_every: int, bad_every: int, ragged_at: int | None = None) -> str:
    lines = ["id,note"]
    for index in range(rows):
        note = (
            f'"line one\nline two {index}"' if multiline_every and index % multiline_every == 0 else "plain"
        )
        cell = "x" if index % bad_every == 0 else str(index)
        lines.append(f"{cell},{note}" + (",extra" if index == ragged_at else ""))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("rows", "multiline_every", "ragged_at"),
    [
        (50, 0, None),  # one line per row
        (50, 7, None),  # quoted line breaks in a small file
        (400_000, 1_000, None),  # many pieces, some with quoted line breaks
        (60, 5, 30),  # a ragged row: the exact reader
    ],
)
def test_every_finding_is_on_the_line_its_row_starts(tmp_path, monkeypatch, rows, multiline_every, ragged_at):
    def no_second_read(path):
        raise AssertionError(f"{path} read again to number lines")

    monkeypatch.setattr("ecodata.validate.run.csv_rows", no_second_read)
    folder = package(tmp_path, body(rows, multiline_every, 9 if rows < 1000 else 997, ragged_at), rows)
    result = CliRunner().invoke(cli, ["validate", str(folder), "--format", "json"])
    assert result.exit_code == 1, result.output
    errors = json.loads(result.output)["errors"]
    assert errors
    truth = {row.number: row.line for row in csv_rows(folder / "t.csv")}
    assert [(e["row"], e["line"]) for e in errors] == [(e["row"], truth[e["row"]]) for e in errors]
    if multiline_every:
        assert any(e["line"] != e["row"] for e in errors)


def test_a_multipart_finding_names_the_part_and_its_own_line(tmp_path):
    (tmp_path / "p1.csv").write_text("id,name\n1,a\n2,b\n", encoding="utf-8")
    (tmp_path / "p2.csv").write_text('id,name\n3,"c\nc"\n2,d\nx,e\n', encoding="utf-8")
    schema = {
        "fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}],
        "primaryKey": "id",
    }
    descriptor = {
        "name": "mp",
        "resources": [{"name": "parts", "path": ["p1.csv", "p2.csv"], "schema": schema}],
    }
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path), "--format", "json"])
    found = [(e["type"], e["path"], e["row"], e["line"]) for e in json.loads(result.output)["errors"]]
    assert found == [
        ("primary-key", "p2.csv", 5, 4),
        ("type-error", "p2.csv", 6, 5),
        ("primary-key", "p2.csv", 6, 5),
    ]
    text = CliRunner().invoke(cli, ["validate", str(tmp_path)]).output
    assert text.startswith("p2.csv:4 (row 5) id: duplicate primary key")
