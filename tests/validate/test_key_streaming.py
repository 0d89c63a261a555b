"""Keys followed while a file is read: a rising key lets its texts go, a child key is checked against
its parent as it comes. Findings must not change: each case is compared with frictionless and with
the repeats and missing references worked out here in plain Python."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecodata.validate.engine import keys, reading
from tests.parity import RANDOM_SEARCH, assert_same_findings, table, write_package


def expected_repeats(values: list) -> list[tuple[str, int]]:
    """("primary-key", row) for each non-empty key seen on an earlier row (header is row 1)."""
    seen, found = set(), []
    for row, value in enumerate(values, start=2):
        if value in seen:
            found.append(("primary-key", row))
        seen.add(value)
    return found


def key_package(tmp_path, values: list, kind: str):
    content = "id,note\n" + "".join(f"{value},n\n" for value in values)
    resource = table(
        "t",
        [{"name": "id", "type": kind}, {"name": "note", "type": "string"}],
        primaryKey=["id"],
    )
    return write_package(tmp_path, [resource], {"t.csv": content.encode()})


@pytest.fixture
def small_pieces(monkeypatch):
    """Pieces of a few rows, and a rising key's texts let go after the first."""
    monkeypatch.setattr(reading, "PIECE_SIZE", 64)
    monkeypatch.setattr(reading, "SMALLEST_PIECE", 64)
    monkeypatch.setattr(keys, "KEPT_WHILE_RISING", 0)


CASES = {
    "rising with repeats": ("string", [f"k{n:03d}" for n in (1, 2, 2, 3, 4, 4, 4, 5, *range(6, 40))]),
    "repeat across many pieces": ("string", [f"k{n:03d}" for n in (*range(20), 19, 19, *range(20, 40))]),
    "falls late onto an early key": ("string", [f"k{n:03d}" for n in (*range(40), 3)]),
    "falls late, no repeat": ("string", [f"k{n:03d}" for n in (*range(1, 40, 2), *range(0, 40, 2))]),
    "integers rise by value, not as text": ("integer", [*range(1, 40), 39, *range(40, 120)]),
    "integers fall late": ("integer", [*range(1, 60), 7]),
    "numbers that round to one float": ("number", ["9007199254740993", "9007199254740992"] * 2),
}


@pytest.mark.parametrize(("kind", "values"), CASES.values(), ids=CASES.keys())
def test_rising_keys_let_go_find_what_frictionless_finds(tmp_path, small_pieces, kind, values):
    report = assert_same_findings(key_package(tmp_path, values, kind))
    found = [(finding.type, finding.row) for finding in report.findings]
    assert found == expected_repeats([str(int(v)) if kind != "string" else v for v in values])


def test_a_key_that_falls_after_its_texts_went_is_read_again(tmp_path, small_pieces, monkeypatch):
    from ecodata.validate.engine import resources

    reads = []
    real = resources.check_file
    monkeypatch.setattr(
        resources, "check_file", lambda job, *rest: reads.append(job.keep_keys) or real(job, *rest)
    )
    values = [f"k{n:03d}" for n in (*range(40), 3)]
    assert_same_findings(key_package(tmp_path, values, "string"))
    assert reads == [False, True]


@given(
    st.lists(
        st.one_of(st.just("rise"), st.just("repeat"), st.just("fall"), st.just("empty")),
        min_size=1,
        max_size=80,
    )
)
@RANDOM_SEARCH
def test_random_key_orders(tmp_path_factory, steps):
    """Keys that mostly rise, with repeats, falls and empty cells, read in tiny pieces."""
    values, last = [], 100
    for step in steps:
        last = {"rise": last + 1, "repeat": last, "fall": max(last - 7, 0), "empty": last}[step]
        values.append("" if step == "empty" else f"k{last:04d}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reading, "PIECE_SIZE", 64)
        patch.setattr(reading, "SMALLEST_PIECE", 64)
        patch.setattr(keys, "KEPT_WHILE_RISING", 0)
        report = assert_same_findings(key_package(tmp_path_factory.mktemp("keys"), values, "string"))
    repeats = [(finding.type, finding.row) for finding in report.findings if "same as" in finding.message]
    assert repeats == expected_repeats(values_without_empty(values))


def values_without_empty(values: list[str]) -> list:
    """Empty keys are reported as empty, never as repeats: give each its own placeholder."""
    return [value or object() for value in values]


@pytest.mark.parametrize("parent_first", [True, False])
def test_child_keys_checked_against_a_parent_read_first(tmp_path, small_pieces, parent_first):
    parent = table("sites", [{"name": "code", "type": "string"}], primaryKey=["code"])
    child = table(
        "obs",
        [{"name": "id", "type": "integer"}, {"name": "site", "type": "string"}],
        primaryKey=["id"],
        foreignKeys=[{"fields": ["site"], "reference": {"resource": "sites", "fields": ["code"]}}],
    )
    sites = [f"s{n}" for n in range(5)]
    used = [sites[n % 5] if n % 9 else "nowhere" for n in range(1, 50)]
    files = {
        "sites.csv": ("code\n" + "".join(f"{site}\n" for site in sites)).encode(),
        "obs.csv": ("id,site\n" + "".join(f"{n},{site}\n" for n, site in enumerate(used, 1))).encode(),
    }
    resources = [parent, child] if parent_first else [child, parent]
    report = assert_same_findings(write_package(tmp_path, resources, files))
    missing = [row for row, site in enumerate(used, start=2) if site == "nowhere"]
    assert [finding.row for finding in report.findings if finding.type == "foreign-key"] == missing
    assert [finding.resource for finding in report.findings] == ["obs"] * len(missing)
