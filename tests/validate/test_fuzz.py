"""Whatever bytes a contributor commits, `ecodata validate` ends cleanly: exit 0, 1 or 2, one-line errors."""

import shutil
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecodata.cli import cli

VALID = Path(__file__).resolve().parent.parent / "data" / "bad" / "valid-base"
TOKENS = [
    b",",
    b'"',
    b"\n",
    b"\r",
    b"\t",
    b" ",
    b";",
    b"=",
    b"+",
    b"-",
    b"@",
    b"\xef\xbb\xbf",
    b"\x00",
    b"a",
    b"1",
    b"474",
    "万".encode(),
    b"\xe9",
    b"\xff",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
]
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def validate_with(name: str, content: bytes):
    with tempfile.TemporaryDirectory() as folder:
        package = Path(folder) / "package"
        shutil.copytree(VALID, package)
        (package / "expected.json").unlink()
        (package / name).write_bytes(content)
        result = CliRunner().invoke(cli, ["validate", str(package / "datapackage.json")])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    return result


def mutate(original: bytes, edits) -> bytes:
    data = bytearray(original)
    for position, kind, payload in edits:
        index = position % (len(data) + 1)
        if kind == "insert":
            data[index:index] = payload
        elif kind == "delete":
            del data[index : index + len(payload)]
        else:
            data[index : index + len(payload)] = payload
    return bytes(data)


edits = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=10_000),
        st.sampled_from(["insert", "delete", "replace"]),
        st.lists(st.sampled_from(TOKENS), min_size=1, max_size=6).map(b"".join),
    ),
    min_size=1,
    max_size=6,
)


@FUZZ
@given(edits)
def test_mutated_csv(changes):
    validate_with("facts.csv", mutate((VALID / "facts.csv").read_bytes(), changes))


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_as_csv(content):
    validate_with("facts.csv", content)


@FUZZ
@given(edits)
def test_mutated_descriptor(changes):
    validate_with("datapackage.json", mutate((VALID / "datapackage.json").read_bytes(), changes))


@FUZZ
@given(st.binary(max_size=200))
def test_random_bytes_as_descriptor(content):
    validate_with("datapackage.json", content)


FORMS = Path(__file__).resolve().parent.parent / "data" / "forms"
TYPED = [
    "number-formats",
    "temporal-formats",
    "missing-values-object",
    "time-yearmonth-year",
    "integer-key-order",
]
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "-",
            "NA",
            "0",
            "-1",
            "10",
            "1,234.5",
            "1.234,5",
            "12.5%",
            "$5",
            "31/01/2020",
            "09.30",
            "2020-01",
            "2020",
            "08:00:00",
            "1e3",
            "NaN",
            "inf",
            "true",
            "x",
            " 7 ",
            "０",
            "٣",
        ]
    ),
    st.text(max_size=6),
)
cell_edits = st.lists(st.tuples(st.integers(0, 50), st.integers(0, 10), CELLS), min_size=1, max_size=4)


@FUZZ
@given(st.sampled_from(TYPED), cell_edits)
def test_a_package_that_validates_builds(form, changes):
    """Whatever cell edits leave valid builds (exit 0), with frictionless's row count in Parquet."""
    import csv
    import io

    import frictionless
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory() as folder:
        package = Path(folder) / "package"
        shutil.copytree(FORMS / form, package)
        data = next(path for path in sorted(package.iterdir()) if path.suffix == ".csv")
        rows = list(csv.reader(io.StringIO(data.read_text(encoding="utf-8"))))
        for row, column, text in changes:
            body = rows[1 + row % (len(rows) - 1)]
            body[column % len(body)] = text
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        data.write_text(buffer.getvalue(), encoding="utf-8")
        checked = CliRunner().invoke(cli, ["validate", str(package)])
        assert checked.exit_code in (0, 1), checked.output
        if checked.exit_code != 0:
            return
        result = CliRunner().invoke(cli, ["build", str(package), "--out", str(Path(folder) / "dist")])
        assert result.exit_code == 0, result.output
        for resource in frictionless.Package(str(package / "datapackage.json")).resources:
            rows = len(resource.read_rows())
            assert (
                pq.read_metadata(Path(folder) / "dist" / "parquet" / f"{resource.name}.parquet").num_rows
                == rows
            )


def test_an_item_reference_without_its_field_is_one_line_exit_2(tmp_path):
    """Found by test_mutated_descriptor: a comma typed into "field" made list-codes fail (exit 3)."""
    import json

    package = tmp_path / "package"
    shutil.copytree(VALID, package)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            if "x-itemReference" in field:
                field["x-itemReference"] = {
                    "resource": field["x-itemReference"]["resource"],
                    ",field": "code",
                }
    (package / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(package)])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert '"field" must name a field of resource' in result.output
