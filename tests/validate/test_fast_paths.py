"""Each vectorised fast path in `engine/columns.py` decides a cell exactly as the one-cell path would.

The one-cell path is held to frictionless by tests/test_parity.py; here every fast path is held to
the one-cell path, on many more cells than a package round trip allows: the same errors at the same
positions, and the same key text for every cell.
"""

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecodata.validate.engine.columns import ColumnChecker

SPELLINGS = {  # near-canonical texts: each character may be swapped for a neighbour below
    "date": [
        "2020-01-31",
        "2020-02-29",
        "2019-02-29",
        "1900-02-29",
        "2000-02-29",
        "0000-01-01",
        "2020-04-31",
    ],
    "datetime": [
        "2020-01-31T10:20:30",
        "2020-02-29T23:59:59Z",
        "1900-02-29T00:00:00",
        "0001-01-01T00:00:00",
        "2020-12-31T24:00:00",
        "2020-01-31T10:20:30+08:00",
        "2020-02-29T23:59:59+23:59",
        "0001-01-01T00:30:00-00:30",
        "9999-12-31T23:59:59-00:01",
        "0001-01-01T00:30:00+00:31",
        "2020-01-31T10:20:30+24:00",
        "2020-01-31T10:20:30-00:60",
    ],
    "time": ["10:20:30", "23:59:59", "00:00:00", "24:00:00", "09:05:07Z"],
    "number": ["1.50", "-0.0", "007.5", "2.0", "100", "0.000", "12345678901234.5", "-10.50", "0.0000001"],
    "integer": ["12", "-0", "007", "100", "123456789012345678", "9223372036854775808"],
}
ENUMS = {  # valid values only: an enum item its field cannot read is an error of the descriptor
    "datetime": ["2020-01-31T10:20:30", "2020-02-29T23:59:59Z", "2020-01-31T02:20:30Z"],
    "time": ["10:20:30", "00:00:00"],
    "number": ["1.5", "-0", "100"],
    "integer": ["12", "0", "100"],
}
NEIGHBOURS = "0123456789-:TZ tz.+e"


@st.composite
def near_spelling(draw, kind):
    text = list(draw(st.sampled_from(SPELLINGS[kind])))
    for _ in range(draw(st.integers(0, 2))):
        position = draw(st.integers(0, len(text) - 1))
        action = draw(st.integers(0, 3))
        if action == 0:
            del text[position]
        elif action == 1:
            text.insert(position, draw(st.sampled_from(NEIGHBOURS)))
        else:
            text[position] = draw(st.sampled_from(NEIGHBOURS))
    return "".join(text)


def decisions(checker: ColumnChecker, cells: list[str]):
    """(error, rule, position) for every finding, and every cell's key."""
    result = checker.check(pa.array(cells, pa.string()))
    errors = sorted(
        (kind, name, int(position)) for kind, name, positions in result.errors for position in positions
    )
    return errors, result.keys.to_pylist()


def both_paths(spec: dict, cells: list[str]):
    fast = ColumnChecker(spec, [""], want_keys=True)
    assert fast.fast is not None, "this field has no fast path to test"
    slow = ColumnChecker(spec, [""], want_keys=True)
    slow.fast = None  # every cell through constraints.cell_reader
    return decisions(fast, cells), decisions(slow, cells)


@pytest.mark.parametrize("kind", sorted(SPELLINGS))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_fast_paths_agree_with_the_one_cell_path(kind, data):
    cells = data.draw(st.lists(st.one_of(near_spelling(kind), st.just("")), min_size=1, max_size=30))
    enum = data.draw(st.lists(st.sampled_from(ENUMS.get(kind, [""])), max_size=2, unique=True))
    spec = {"name": "value", "type": kind}
    if enum and kind in ENUMS:
        spec["constraints"] = {"enum": enum}
    fast, slow = both_paths(spec, cells)
    assert fast == slow


@pytest.mark.parametrize("kind", sorted(SPELLINGS))
def test_every_listed_spelling_alone_and_mixed(kind):
    """Each spelling as it is: in a batch of one width (read as one matrix) and all together (gathered)."""
    spellings = SPELLINGS[kind]
    for width in {len(text) for text in spellings}:
        batch = [text for text in spellings if len(text) == width] * 3
        fast, slow = both_paths({"name": "value", "type": kind}, batch)
        assert fast == slow, batch
    fast, slow = both_paths({"name": "value", "type": kind}, [*spellings, ""])
    assert fast == slow
    assert any(key is not None for key in fast[1])


HOSTILE = ["0001-01-01T00:00:00", "9999", "-01-01", "T", "00:00:00", "+14:00", "-14:00", "Z", ".5", "e100000"]
HOSTILE += ["9" * 20, "P", "Y", "T1H", "[", "]", "{", "}", ",", "-", " ", "NaN", "inf", "0x1F", '"', "-0"]
ONCE_BROKE = ["9999e100000", "0001-01-01T00:00:00+14:00"]  # a key too long to write; a moment before year 1
KINDS = ["string", "integer", "number", "boolean", "date", "datetime", "time", "year", "yearmonth"]
KINDS += ["duration", "geopoint", "geojson", "object", "array", "list", "any"]


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=100, deadline=None)
@given(
    cells=st.lists(
        st.one_of(
            st.sampled_from(ONCE_BROKE),
            st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=4).map("".join),
        ),
        max_size=8,
    )
)
def test_no_cell_breaks_a_column_or_its_keys(kind, cells):
    """Odd cells are errors or values, never an exception: 1e400000000 once took all memory as a key."""
    result = ColumnChecker({"name": "value", "type": kind}, [""], want_keys=True).check(
        pa.array(cells, pa.string())
    )
    assert len(result.keys) == len(cells)
