"""Primary, unique and foreign keys: the fast engine finds the repeats and misses frictionless finds.

Each case pins its findings as well as the agreement of the two engines (tests/parity.py).
"""

from __future__ import annotations

import pytest

from tests.parity import assert_same_findings, findings, one_column_case, table, to_csv, write_package


def test_keys_unique_primary_and_foreign_within_and_across_resources(tmp_path):
    parent = table(
        "parent",
        [
            {"name": "a", "type": "integer"},
            {"name": "b", "type": "string"},
            {"name": "up", "type": "integer"},
        ],
        primaryKey=["a", "b"],
        foreignKeys=[{"fields": ["up"], "reference": {"fields": ["a"]}}],  # a self-reference
    )
    child = table(
        "child",
        [
            {"name": "id", "type": "number", "constraints": {"unique": True}},
            {"name": "a", "type": "integer"},
            {"name": "b", "type": "string"},
        ],
        primaryKey="id",
        foreignKeys=[{"fields": ["a", "b"], "reference": {"resource": "parent", "fields": ["a", "b"]}}],
    )
    files = {
        "parent.csv": to_csv(
            [
                ["a", "b", "up"],
                ["1", "x", ""],
                ["1", "y", "1"],
                ["1", "x", "2"],
                ["", "", "9"],
                ["01", "y", "1"],
            ]
        ),
        "child.csv": to_csv(
            [
                ["id", "a", "b"],
                ["1", "1", "x"],
                ["1.0", "1", "z"],
                ["2", "", ""],
                ["", "2", "x"],
                ["3", "1", ""],
                ["NaN", "1", "x"],  # NaN equals nothing, itself included: no repeat
                ["NaN", "1", "x"],
            ]
        ),
    }
    report = assert_same_findings(write_package(tmp_path, [parent, child], files))
    assert {"primary-key", "foreign-key", "unique-error"} <= {finding.type for finding in report.findings}


def test_nan_finds_nothing_in_a_self_reference_alone_or_in_a_tuple(tmp_path):
    """frictionless reads the lookup apart from the rows: each NaN is another object, equal to nothing."""
    resource = table(
        "t",
        [{"name": "v", "type": "number"}, {"name": "s", "type": "string"}, {"name": "w", "type": "number"}],
        foreignKeys=[
            {"fields": ["v"], "reference": {"resource": "", "fields": ["v"]}},
            {"fields": ["w", "s"], "reference": {"resource": "", "fields": ["v", "s"]}},
        ],
    )
    rows = [["v", "s", "w"], ["NaN", "x", "NaN"], ["1", "x", "1"], ["nan", "y", "nan"], ["-NaN", "z", "1"]]
    report = assert_same_findings(write_package(tmp_path, [resource], {"t.csv": to_csv(rows)}))
    assert sum(finding.type == "foreign-key" for finding in report.findings) == 6  # 3 NaN, 2 with NaN, (1, z)


def test_a_composite_key_with_an_empty_part_beside_a_nan(tmp_path):
    fields = [{"name": "a", "type": "number"}, {"name": "b", "type": "yearmonth"}]
    resource = table("t", fields, primaryKey=["a", "b"], uniqueKeys=[["b", "a"]])
    rows = b"a,b\nNaN,2020-01,extra\n,2020-01,extra\nNaN,,x\n1,2020-01\n1,2020-01\n"  # ragged: the exact path
    assert_same_findings(
        write_package(tmp_path, [resource], {"t.csv": rows}),
        [
            ("extra-cell", 2, None),
            ("extra-cell", 3, None),
            ("extra-cell", 4, None),
            ("primary-key", 6, "a"),
            ("unique-keys", 6, "b"),
        ],
    )


def test_a_string_that_starts_as_a_nan_key_is_a_string(tmp_path):
    spec = {"name": "value", "type": "string", "format": "uri", "constraints": {"unique": True}}
    report = one_column_case(tmp_path, spec, ["nan:x", "nan:x", "nan:0123456789abcdef:0"])
    assert [finding.type for finding in report.findings] == ["unique-error"]


@pytest.mark.parametrize(
    ("spec", "cells"),
    [
        (
            {"type": "duration"},
            ["P1Y", "P1.5Y", "P0.4M", "P0.5M", "P1.50Y", "P12M", "-P1.5Y", "-P1Y", "PT1H"],
        ),
        (
            {"type": "boolean", "trueValues": ["yes", "1"], "falseValues": ["no", "1"]},  # "1" is in both
            ["1", "no", "yes"],
        ),
    ],
)
def test_unique_keys_of_durations_and_overlapping_booleans(tmp_path, spec, cells):
    spec = {"name": "value", **spec, "constraints": {"unique": True}}
    report = one_column_case(tmp_path, spec, cells * 40)  # a batch of repeats: the fast path too
    assert any(finding.type == "unique-error" for finding in report.findings)


def test_foreign_keys_across_field_types(tmp_path):
    """A string key is kept as its bare text, so "n:1" in a string field must still not find integer 1."""
    parent = table(
        "parent",
        [{"name": "n", "type": "integer"}, {"name": "s", "type": "string"}, {"name": "x", "type": "any"}],
    )
    child = table(
        "child",
        [
            {"name": "text", "type": "string"},
            {"name": "number", "type": "number"},
            {"name": "x", "type": "string"},
        ],
        foreignKeys=[
            {"fields": ["text"], "reference": {"resource": "parent", "fields": ["n"]}},  # string → integer
            {"fields": ["number"], "reference": {"resource": "parent", "fields": ["n"]}},  # 1.0 finds 1
            {"fields": ["x"], "reference": {"resource": "parent", "fields": ["x"]}},  # string → any
            {"fields": ["text", "x"], "reference": {"resource": "parent", "fields": ["s", "x"]}},
        ],
    )
    ten_to_the_1000 = (
        "1" + "0" * 1000
    )  # integer 10**1000 and number 1e1000 are equal, past the plain-digit keys
    files = {
        "parent.csv": to_csv(
            [["n", "s", "x"], ["1", "n:1", "a"], ["2", "1", "b"], [ten_to_the_1000, "t", "c"]]
        ),
        "child.csv": to_csv(
            [
                ["text", "number", "x"],
                ["n:1", "1.0", "a"],
                ["1", "2", "b"],
                ["2", "3", "c"],
                ["t", "1e1000", "c"],
            ]
        ),
    }
    report = assert_same_findings(write_package(tmp_path, [parent, child], files))
    assert sum(finding.type == "foreign-key" for finding in report.findings) >= 3


def test_a_composite_foreign_key_with_a_null_part_across_kinds(tmp_path):
    """A string part against an integer part never matches, but a null part meets a null part:
    frictionless compares tuples, where (t, None) == (t, None) whatever the fields' types."""
    parent = table("parent", [{"name": "day", "type": "date"}, {"name": "n", "type": "integer"}])
    child = table(
        "child",
        [{"name": "day", "type": "date"}, {"name": "text", "type": "string"}],
        foreignKeys=[
            {"fields": ["day", "text"], "reference": {"resource": "parent", "fields": ["day", "n"]}}
        ],
    )
    files = {
        "parent.csv": to_csv([["day", "n"], ["2020-01-31", ""], ["2020-02-01", "1"]]),
        "child.csv": to_csv([["day", "text"], ["2020-01-31", ""], ["2020-02-01", "1"], ["2020-03-01", ""]]),
    }
    report = assert_same_findings(write_package(tmp_path, [parent, child], files))
    assert [(finding.type, finding.row) for finding in report.findings] == [
        ("foreign-key", 3),
        ("foreign-key", 4),
    ]


def test_temporal_keys_are_equal_whatever_the_spelling(tmp_path):
    """The fast paths key a canonical spelling by its text; the one-cell path must give a value spelled
    otherwise the very same key, or the repeats below go unseen."""
    fields = [
        {"name": "day", "type": "date", "constraints": {"unique": True}},
        {"name": "moment", "type": "datetime", "constraints": {"unique": True}},
        {"name": "clock", "type": "time", "constraints": {"unique": True}},
    ]
    rows = [
        ["day", "moment", "clock"],
        ["2020-01-05", "2020-01-31T10:20:30", "10:20:30"],
        ["2020-1-5", "2020-01-31 10:20:30", "10:20:30.0"],
        ["2020-01-06", "2020-01-31T10:20:30Z", "11:00:00"],
        ["2020-01-07", "2020-01-31T10:20:30+00:00", "23:00:00Z"],
        ["2020-01-08", "2020-01-31T12:20:30+02:00", "00:00:00"],
        ["", "2020-02-01T00:00:00", "24:00:00"],
        ["", "2020-01-31T24:00:00", ""],
        ["", "0001-01-01T00:00:00+01:00", ""],  # a UTC moment before year 1: Python still compares it
        ["", "0001-01-01T00:30:00+01:30", ""],
    ]
    resource = table("t", fields, primaryKey=["day", "clock"])
    report = assert_same_findings(write_package(tmp_path, [resource], {"t.csv": to_csv(rows)}))
    repeats = [(finding.row, finding.field) for finding in report.findings if finding.type == "unique-error"]
    assert sorted(repeats) == [
        (3, "clock"),
        (3, "day"),
        (3, "moment"),
        (5, "moment"),
        (6, "moment"),
        (7, "clock"),
        (8, "moment"),
        (10, "moment"),
    ]


def test_number_keys_are_exact_however_long_or_large(tmp_path):
    """Decimals past 28 digits are not rounded together, and 1e100000 is not written out in digits
    (1e400000000 once took all memory); equal values still meet."""
    spec = {"name": "x", "type": "number", "constraints": {"unique": True}}
    cells = [
        "1.12345678901234567890123456789",
        "1.12345678901234567890123456788",
        "1e100000",
        "0.1e100001",
        "1e-400000000",
        "2.50",
        "2.5",
        "0E+999999999",
        "-0",
    ]
    report = one_column_case(tmp_path, spec, cells)
    repeats = sorted(finding.row for finding in report.findings if finding.type == "unique-error")
    assert repeats == [5, 8, 10]


def test_a_missing_foreign_key_value_is_named_as_frictionless_names_it(tmp_path):
    codes = table("codes", [{"name": "code", "type": "string"}], primaryKey="code")
    years = table("years", [{"name": "year", "type": "integer"}], primaryKey="year")
    facts = table(
        "facts",
        [
            {"name": "code", "type": "string"},
            {"name": "year", "type": "integer"},
            {"name": "on", "type": "date"},
        ],
        foreignKeys=[
            {"fields": ["code"], "reference": {"resource": "codes", "fields": ["code"]}},
            {"fields": ["year"], "reference": {"resource": "years", "fields": ["year"]}},
            {"fields": ["on"], "reference": {"resource": "facts", "fields": ["on"]}},  # itself: always there
            {"fields": ["code", "year"], "reference": {"resource": "facts", "fields": ["code", "year"]}},
        ],
    )
    files = {
        "codes.csv": to_csv([["code"], ["a"]]),
        "years.csv": to_csv([["year"], ["2020"]]),
        "facts.csv": to_csv(
            [["code", "year", "on"], ["a", "2020", "2020-01-01"], ["Healthcare", "+2021", ""]]
        ),
    }
    descriptor = write_package(tmp_path, [codes, years, facts], files)
    report = assert_same_findings(descriptor)
    reference = findings(descriptor, "frictionless")[1]
    said = [finding.message for finding in report.findings]
    assert said == [finding.message for finding in reference.findings]
    assert said == [
        'values "Healthcare" not found in the lookup table "codes" as "code"; '
        "add the referenced row or correct the value",
        'values "2021" not found in the lookup table "years" as "year"; '
        "add the referenced row or correct the value",
    ]


def test_a_resource_whose_foreign_key_points_at_an_unreadable_file_says_which(tmp_path):
    """frictionless reads none of a resource's rows when its foreign key's resource cannot be read, and
    counts the parent's error there too: it was said of the child's file ("surveys.csv: file not
    found"), which is there."""
    sites = table("sites", [{"name": "site", "type": "string"}], primaryKey="site")
    surveys = table(
        "surveys",
        [{"name": "id", "type": "integer"}, {"name": "site", "type": "string"}],
        foreignKeys=[{"fields": ["site"], "reference": {"resource": "sites", "fields": ["site"]}}],
    )
    descriptor = write_package(
        tmp_path, [sites, surveys], {"surveys.csv": to_csv([["id", "site"], ["1", "a"]])}
    )
    report = assert_same_findings(descriptor)
    said = [(finding.path, finding.type, finding.message) for finding in report.findings]
    assert said == [
        ("sites.csv", "scheme-error", "file not found; add it or correct the resource's path"),
        (
            "surveys.csv",
            "scheme-error",
            'not checked: its foreign key (site) needs resource "sites", which cannot be read (file not found)',
        ),
    ]
