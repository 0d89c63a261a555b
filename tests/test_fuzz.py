"""Whatever bytes a contributor commits, `ecodata validate` ends cleanly: exit 0, 1 or 2, one-line errors."""

import shutil
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecodata.cli import cli

VALID = Path(__file__).resolve().parent / "data" / "bad" / "valid-base"
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
