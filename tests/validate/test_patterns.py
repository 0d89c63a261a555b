"""A pattern read as byte sets (`engine/patterns.py`) decides a plain cell exactly as Python's `re` does."""

import re

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecodata.validate.engine import patterns
from ecodata.validate.engine.columns import ColumnChecker
from ecodata.validate.engine.patterns import compile_pattern
from ecodata.validate.engine.texts import Cells

ATOMS = ["a", "b", "-", "x", r"\.", "[.]", "[0-9]", "[a-c]", r"\d", r"\w", r"\s", ".", "[^a]", "[A-Za-z_]"]
ATOMS += ["(x)", "(?:ab)", "(?P<n>[ab])", "[^\\w]"]
QUANTIFIERS = ["", "", "", "+", "*", "?", "{2}", "{1,3}", "{0,2}", "+?", "{,2}", "{3,}", "{0}"]
PLAIN_TEXT = st.text(alphabet="ab-x.0123yzA_ \t\r", max_size=8)  # ASCII without a line end


def matched(pattern: str, texts: list[str], offset: bool) -> np.ndarray | None:
    array = pa.array(["zzz", *texts], pa.string()).slice(1) if offset else pa.array(texts, pa.string())
    cells = Cells(array)
    return compile_pattern(pattern).matches(cells.raw, cells.offsets, cells.lengths)


@settings(max_examples=400, deadline=None)
@given(
    atoms=st.lists(st.tuples(st.sampled_from(ATOMS), st.sampled_from(QUANTIFIERS)), max_size=4),
    anchors=st.tuples(st.booleans(), st.booleans()),
    texts=st.lists(PLAIN_TEXT, max_size=30),
    width=st.integers(0, 6),
    offset=st.booleans(),
    data=st.data(),
)
def test_a_compiled_pattern_matches_plain_cells_as_re_does(atoms, anchors, texts, width, offset, data):
    pattern = "^" * anchors[0] + "".join(atom + quantifier for atom, quantifier in atoms) + "$" * anchors[1]
    if compile_pattern(pattern) is None:
        return
    regex = re.compile(f"^{pattern}$")
    uniform = data.draw(st.lists(st.text(alphabet="ab-x0.A_", min_size=width, max_size=width), max_size=20))
    for batch in (texts, uniform):  # cells of many widths, and of one width (read in place)
        got = matched(pattern, batch, offset)
        if got is not None:
            assert got.tolist() == [bool(regex.match(text)) for text in batch], (pattern, batch)


@pytest.mark.parametrize(
    "pattern",
    [
        "obs-[0-9]+",
        r"[A-Z]{2}\d{4}",
        "^ISO-[A-Z]{3}$",
        r"\w*",
        "(site)-[0-9]{4}",
        ".+x",
        "",
    ],
)
def test_identifier_patterns_compile(pattern):
    assert compile_pattern(pattern) is not None


@pytest.mark.parametrize(
    "pattern",
    [
        "a|b",  # alternation
        "[a-z]+-[0-9]+",  # two repeats of varying length
        "a++",  # possessive: does not give back
        "(a)\\1",  # a back reference
        "(?i:abc)",  # a flag
        "a^b",  # an anchor inside
        "a$b",
        "(ab)+",  # a repeated group
        "é+",  # no ASCII byte matches
        "[\\w.,;:!?@#%&*+=/]+",  # too many byte ranges
        "[",  # no regular expression at all
    ],
)
def test_other_patterns_are_left_to_re2_or_python(pattern):
    assert compile_pattern(pattern) is None


def test_a_batch_of_many_widths_or_of_long_cells_is_left_to_re2():
    texts = ["obs-" + "1" * width for width in range(1, 20)]
    assert matched("obs-[0-9]+", texts, offset=False) is None
    assert matched("obs-[0-9]+", texts[:8], offset=False).all()
    assert matched(".*", ["x" * 300] * 3, offset=False) is None
    assert matched(".{0,3}", ["x" * 300] * 3, offset=False).tolist() == [False] * 3  # no width to read


def test_the_column_checker_reports_the_same_cells_with_either_matcher():
    texts = ["obs-0001", "obs-12", "obs-", "OBS-1", "obs-1x", "", "obs-١", "obs-1\n", "obs-99999"] * 50
    array = pa.array(texts, pa.string())
    spec = {"name": "id", "type": "string", "constraints": {"pattern": "obs-[0-9]+"}}
    by_bytes = ColumnChecker(spec, [""], want_keys=False)
    by_re2 = ColumnChecker(spec, [""], want_keys=False)
    by_re2.byte_pattern = None
    assert by_bytes.byte_pattern is not None
    found = [checker.check(array).errors for checker in (by_bytes, by_re2)]
    positions = [[position % 9 for position in errors[0][2][:4]] for errors in found]
    assert positions[0] == positions[1] == [2, 3, 4, 6]  # "obs-1\n" matches: `$` before a final newline
    assert [(kind, name, list(where)) for kind, name, where in found[0]] == [
        (kind, name, list(where)) for kind, name, where in found[1]
    ]


def test_a_batch_is_checked_in_passes_of_whole_cells(monkeypatch):
    monkeypatch.setattr(patterns, "CHUNK", 16)  # three cells of 5 bytes a pass
    texts = ["ab-12", "ab-1x", "ab-34", "xb-56", "ab-78", "ab-90", "ab-00", "ab-0.", "ab-11", "ab-22"]
    regex = re.compile("^ab-[0-9]+$")
    assert matched("ab-[0-9]+", texts, offset=True).tolist() == [bool(regex.match(t)) for t in texts]
    assert matched("ab-[0-9]+", ["ab-12"] * 10, offset=False).all()


def test_byte_sets_are_kept_for_a_few_widths_only():
    pattern = compile_pattern(r"\w+")
    for width in range(1, 41):  # a file whose cells grow longer batch after batch
        cells = Cells(pa.array(["a" * width] * 3, pa.string()))
        assert pattern.matches(cells.raw, cells.offsets, cells.lengths).all()
    assert 0 < len(pattern.tiled) <= patterns.KEPT_WIDTHS


def test_the_caller_may_ask_for_fewer_widths():
    cells = Cells(pa.array(["ab-1", "ab-12", "ab-123"], pa.string()))
    pattern = compile_pattern("ab-[0-9]+")
    assert pattern.matches(cells.raw, cells.offsets, cells.lengths, most_widths=2) is None
    assert pattern.matches(cells.raw, cells.offsets, cells.lengths, most_widths=3).all()
