"""The fast engine reads every type, format, constraint and missing value as frictionless does.

Each case pins its findings as well as the agreement of the two engines (tests/parity.py).
"""

from __future__ import annotations

import pytest

from tests.parity import (
    CELLS,
    FIELDS,
    assert_same_findings,
    findings,
    on_rows,
    one_column_case,
    table,
    to_csv,
    write_package,
)


@pytest.mark.parametrize("kind", sorted(CELLS))
def test_every_type_reads_the_same_cells_as_frictionless(tmp_path, kind):
    report = one_column_case(tmp_path, {"name": "value", "type": kind}, CELLS[kind])
    if kind not in ("string", "any", "list"):
        assert any(finding.type == "type-error" for finding in report.findings)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param(
            {"type": "string", "format": "email"},
            on_rows(
                "type-error",
                [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24],
            ),
            id="string-email",
        ),
        pytest.param(
            {"type": "string", "format": "uri"},
            on_rows(
                "type-error",
                [2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24],
            ),
            id="string-uri",
        ),
        pytest.param(
            {"type": "string", "format": "uuid"},
            on_rows(
                "type-error",
                [2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24],
            ),
            id="string-uuid",
        ),
        pytest.param(
            {"type": "string", "format": "binary"},
            on_rows("type-error", [2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 20, 21, 22, 23, 24]),
            id="string-binary",
        ),
        pytest.param(
            {"type": "number", "decimalChar": ",", "groupChar": " "},
            on_rows(
                "type-error",
                [2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24],
            ),
            id="number-,- ",
        ),
        pytest.param(
            {"type": "number", "bareNumber": False},
            on_rows("type-error", [2, 3, 4, 5, 6, 9, 13, 14, 15, 16, 17, 19, 20, 21, 23]),
            id="number-False",
        ),
        pytest.param(
            {"type": "integer", "bareNumber": False},
            on_rows("type-error", [2, 3, 4, 5, 6, 9, 10, 13, 14, 15, 16, 17, 18, 19, 20, 21, 23]),
            id="integer-False",
        ),
        pytest.param(
            {"type": "number", "floatNumber": True},
            on_rows(
                "type-error", [2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 19, 20, 21, 22, 23, 24]
            ),
            id="number-True",
        ),
        pytest.param(
            {"type": "boolean", "trueValues": ["yes", "Y"], "falseValues": ["no"]},
            on_rows(
                "type-error", [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]
            ),
            id="boolean-['yes', 'Y']-['no']",
        ),
        pytest.param(
            {"type": "date", "format": "%d/%m/%Y"},
            on_rows(
                "type-error", [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19, 20, 21, 22, 23, 24]
            ),
            id="date-%d/%m/%Y",
        ),
        pytest.param(
            {"type": "date", "format": "any"},
            on_rows("type-error", [2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14, 19, 20, 21, 22, 24]),
            id="date-any",
        ),
        pytest.param(
            {"type": "datetime", "format": "%Y-%m-%d %H:%M"},
            on_rows(
                "type-error", [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 21, 22, 23, 24]
            ),
            id="datetime-%Y-%m-%d %H:%M",
        ),
        pytest.param(
            {"type": "time", "format": "%H.%M"},
            on_rows(
                "type-error", [2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 19, 20, 21, 22, 23, 24]
            ),
            id="time-%H.%M",
        ),
        pytest.param(
            {"type": "geopoint", "format": "array"},
            on_rows(
                "type-error", [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 20, 22, 23, 24]
            ),
            id="geopoint-array",
        ),
        pytest.param(
            {"type": "geopoint", "format": "object"},
            on_rows(
                "type-error", [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 24]
            ),
            id="geopoint-object",
        ),
        pytest.param(
            {"type": "array", "arrayItem": {"type": "integer", "constraints": {"minimum": 0}}},
            on_rows("type-error", [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 20])
            + on_rows("constraint-error", [22])
            + on_rows("type-error", [23, 24]),
            id="array-{'type': 'integer', 'constraints': {'minimum': 0}}",
        ),
        pytest.param(
            {"type": "list", "itemType": "integer", "delimiter": ";"},
            on_rows(
                "type-error", [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 24]
            ),
            id="list-integer-;",
        ),
        pytest.param(
            {"format": "email"},
            on_rows(
                "type-error",
                [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24],
            ),
            id="email",
        ),  # no type: a string field (Table Schema; frictionless's StringField)
        pytest.param(
            {"constraints": {"pattern": "[a-z]+", "maxLength": 5}},
            on_rows(
                "constraint-error",
                [
                    2,
                    2,
                    3,
                    3,
                    4,
                    4,
                    5,
                    5,
                    6,
                    6,
                    7,
                    7,
                    8,
                    8,
                    9,
                    9,
                    10,
                    11,
                    12,
                    15,
                    15,
                    16,
                    16,
                    17,
                    17,
                    18,
                    19,
                    19,
                    20,
                    20,
                    21,
                    21,
                    22,
                    23,
                    24,
                ],
            ),
            id="{'pattern': '[a-z]+', 'maxLength': 5}",
        ),
        pytest.param(
            {"type": "array", "arrayItem": {"constraints": {"enum": [1, "x"]}}},
            on_rows("type-error", [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18])
            + on_rows("constraint-error", [19])
            + on_rows("type-error", [20])
            + on_rows("constraint-error", [21, 22])
            + on_rows("type-error", [23, 24]),
            id="array-{'constraints': {'enum': [1, 'x']}}",
        ),  # an untyped item is any
    ],
)
def test_formats_and_type_options(tmp_path, spec, expected):
    cells = [
        "a@example.org", "not an email", "https://example.org/x", "example.org", "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
        "aGVsbG8=", "aGVsbG8", "1 234,5", "1.5", "$12", "12%", "yes", "no", "31/12/2020", "2020-12-31",
        "2020-12-31 10:20", "10.20", "[90, 45]", '{"lon": 90, "lat": 45}', "[1, 2]", "[-1]", "1;2", "1;x", "",
    ]  # fmt: skip
    one_column_case(tmp_path, {"name": "value", **spec}, cells, expected)


def test_an_array_item_constraint_its_type_does_not_take_is_left_to_frictionless(tmp_path):
    """frictionless meets it only at the first row: a field-error for the resource, no rows read."""
    spec = {"name": "value", "type": "array", "arrayItem": {"constraints": {"pattern": "[0-9]"}}}
    descriptor = write_package(tmp_path, [table("t", [spec])], {"t.csv": b'value\n"[1]"\n"[2]"\n'})
    arrow, report = findings(descriptor, "arrow")
    assert arrow == findings(descriptor, "frictionless")[0] == {("field-error", "t", None, None): 1}
    assert "arrayItem" in report.notes[0]


@pytest.mark.parametrize(
    ("kind", "constraints", "cells"),
    [
        ("string", {"required": True}, ["a", "", "NA"]),
        ("string", {"minLength": 2, "maxLength": 3}, ["a", "ab", "abcd", "中文字", ""]),
        ("string", {"pattern": "[a-z]+(-[a-z]+)*"}, ["ab-cd", "ab-", "AB", "ab\n", "é"]),
        ("string", {"pattern": r"\d{2}"}, ["12", "1", "١٢", "123"]),
        ("string", {"pattern": "a|b"}, ["a", "b", "ab", "xb", "ax"]),
        ("string", {"pattern": ""}, ["abc", "", "x"]),  # ^$: only a missing cell passes
        ("string", {"pattern": "(?i:ı)x"}, ["ix", "Ix", "ıx", "ax"]),  # RE2 folds ı unlike Python
        ("string", {"enum": ["x", "y"]}, ["x", "z", ""]),
        ("integer", {"minimum": 0, "maximum": 10}, ["-1", "0", "10", "11", " 5", "1_0"]),
        ("integer", {"minimum": 10**20, "exclusiveMaximum": 10**30}, ["1", "-5", "9" * 23]),  # past int64
        ("integer", {"exclusiveMinimum": 0, "exclusiveMaximum": 10}, ["0", "1", "9", "10"]),
        ("integer", {"enum": [1, 2]}, ["1", "01", "+2", "3"]),
        ("number", {"minimum": 0.5, "maximum": "2.25"}, ["0.4", "0.5", "2.25", "2.250000001", "NaN", "1e0"]),
        ("number", {"enum": [1, 2.5]}, ["1", "1.0", "2.50", "2.51", "1e0"]),
        (
            "date",
            {"minimum": "2020-01-01", "exclusiveMaximum": "2021-01-01"},
            ["2019-12-31", "2020-06-01", "2021-01-01", "2020-6-1"],
        ),
        ("year", {"minimum": 2000}, ["1999", "2000", " 200"]),
        ("year", {"minimum": True}, ["2020", "0000"]),  # frictionless reads true as the year 1
        ("datetime", {"maximum": "2020-01-01T00:00:00"}, ["2019-12-31T23:59:59", "2020-01-01T00:00:01"]),
        ("yearmonth", {"minimum": "2020-02"}, ["2020-01", "2020-02", "2021-1"]),
        ("boolean", {"enum": [True]}, ["true", "false", "1"]),
        ("object", {"minLength": 1}, ["{}", '{"a": 1}']),
        ("array", {"maxLength": 1}, ["[]", "[1, 2]"]),
        ("list", {"minLength": 2}, ["a", "a,b"]),
    ],
)
def test_every_constraint(tmp_path, kind, constraints, cells):
    report = one_column_case(tmp_path, {"name": "value", "type": kind, "constraints": constraints}, cells)
    assert any(finding.type == "constraint-error" for finding in report.findings)


@pytest.mark.parametrize(
    ("kind", "constraints", "cells", "expected"),
    [
        (
            "date",
            {"minimum": "0001-01-02"},
            ["2020-01-31", "0000-01-01", "0000-12-31", "0001-01-01"],
            on_rows("type-error", [3, 4]) + on_rows("constraint-error", [5]),
        ),
        (
            "integer",
            {"minimum": 1},
            ["1", "0x10", "0X1F", "-2"],
            on_rows("type-error", [3, 4]) + on_rows("constraint-error", [5]),
        ),
        ("number", {"minimum": 1}, ["1.5", "1e3", "NaN", "-0.0"], on_rows("constraint-error", [4, 5])),
        ("integer", {"minimum": -(10**19), "maximum": 10**19}, ["1", str(-(2**63)), str(2**63 - 1)], []),
        (
            "number",
            {},
            ["1.5", "nan(1)", "nan()", "NaN"],
            on_rows("type-error", [3, 4]),
        ),  # C's strtod reads nan(...); Decimal does not
        (
            "year",
            {"minimum": 1},
            ["2020", "0000", "+123", "99"],
            on_rows("constraint-error", [3]) + on_rows("type-error", [5]),
        ),
        (
            "string",
            {"pattern": "[a-z]+.*", "maxLength": 5},
            ["ascii", "naïve", "two\nlines", "tab\there"],
            on_rows("constraint-error", [4, 4, 5]),
        ),
        (
            "string",
            {"pattern": "[0-9]{1,1000000000}"},
            ["7" * width for width in range(1, 12)],
            [],
        ),  # RE2: text
    ],
)
def test_whole_batch_shortcuts_leave_nothing_out(tmp_path, kind, constraints, cells, expected):
    """Columns Arrow casts whole, or whose batch-wide scan finds nothing odd: the cells Python reads
    differently (year 0, hex, a second line, non-ASCII) must still be told apart."""
    one_column_case(tmp_path, {"name": "value", "type": kind, "constraints": constraints}, cells, expected)


def test_missing_values_at_schema_and_field_level(tmp_path):
    fields = [
        {"name": "id", "type": "integer"},
        {"name": "a", "type": "integer", "constraints": {"required": True}},
        {"name": "b", "type": "integer", "missingValues": ["-", "n/a"]},
    ]
    rows = [["id", "a", "b"], ["1", "NA", "-"], ["2", "", ""], ["3", "x", "n/a"], ["4", "NA", "NA"]]
    resource = table("t", fields, missingValues=["", "NA"])
    assert_same_findings(
        write_package(tmp_path, [resource], {"t.csv": to_csv(rows)}),
        [
            ("constraint-error", 2, "a"),
            ("constraint-error", 3, "a"),
            ("type-error", 3, "b"),
            ("type-error", 4, "a"),
            ("constraint-error", 5, "a"),
            ("type-error", 5, "b"),
        ],
    )


def test_an_enum_of_overlapping_booleans(tmp_path):
    spec = {"name": "value", "type": "boolean", "trueValues": ["yes", "1"], "falseValues": ["no", "1"]}
    one_column_case(
        tmp_path,
        {**spec, "constraints": {"enum": [False]}},
        ["1", "no", "yes"] * 40,
        on_rows(
            "constraint-error",
            [
                4,
                7,
                10,
                13,
                16,
                19,
                22,
                25,
                28,
                31,
                34,
                37,
                40,
                43,
                46,
                49,
                52,
                55,
                58,
                61,
                64,
                67,
                70,
                73,
                76,
                79,
                82,
                85,
                88,
                91,
                94,
                97,
                100,
                103,
                106,
                109,
                112,
                115,
                118,
                121,
            ],
        ),
    )


@pytest.mark.parametrize("constraints", [{"minimum": 0}, {"enum": [1]}, {"unique": True}])
def test_a_signaling_nan_is_read_as_nan(tmp_path, constraints):
    """Decimal reads "sNaN", and then raises on comparing it: frictionless stops with a Python error.
    The engine reads it as the NaN it spells, and finds what frictionless finds for NaN."""
    spec = {"name": "value", "type": "number", "constraints": constraints}
    rows = [["id", "value"], ["1", "sNaN"], ["2", "-sNaN"], ["3", "1"], ["4", "snan"]]
    signaling = write_package(tmp_path / "s", [table("t", [*FIELDS, spec])], {"t.csv": to_csv(rows)})
    quiet = [[cell.replace("sNaN", "NaN").replace("snan", "nan") for cell in row] for row in rows]
    reference = write_package(tmp_path / "q", [table("t", [*FIELDS, spec])], {"t.csv": to_csv(quiet)})
    assert findings(signaling, "arrow")[0] == findings(reference, "frictionless")[0]


def test_array_items_have_their_own_missing_values(tmp_path):
    item = {"type": "integer", "missingValues": ["-1", "NA"], "constraints": {"minimum": 0, "required": True}}
    spec = {"name": "value", "type": "array", "arrayItem": item}
    report = one_column_case(tmp_path, spec, ["[-1]", '["-1"]', '[""]', '["NA"]', "[3]", "[-2]"])
    assert report.findings


OFFSET_OF_A_DAY = ["2020-01-31T10:20:30+24:00", "2020-01-31T10:20:30+25:00", "2020-01-30T09:20:30Z"]


def test_an_offset_of_a_day_or_more_in_format_any(tmp_path):
    """dateutil reads "+25:00" into a datetime whose utcoffset() Python then refuses: frictionless
    takes the cell and, with nothing to compare, reports nothing."""
    one_column_case(tmp_path, {"name": "value", "type": "datetime", "format": "any"}, OFFSET_OF_A_DAY, [])


@pytest.mark.parametrize(
    ("constraints", "found"),
    [
        ({"unique": True}, [("unique-error", 4)]),  # +25:00 is 2020-01-30T09:20:30Z
        ({"maximum": "2020-01-30T09:20:30Z"}, [("constraint-error", 2)]),
        ({"enum": ["2020-01-30T09:20:30+00:00"]}, [("constraint-error", 2)]),
    ],
    ids=["unique", "maximum", "enum"],
)
def test_an_offset_of_a_day_or_more_is_compared_by_its_moment(tmp_path, constraints, found):
    """Where frictionless stops with Python's ValueError, the arrow engine compares the UTC moments."""
    spec = {"name": "value", "type": "datetime", "format": "any", "constraints": constraints}
    rows = [["id", "value"]] + [[str(index), cell] for index, cell in enumerate(OFFSET_OF_A_DAY)]
    descriptor = write_package(tmp_path, [table("t", [*FIELDS, spec])], {"t.csv": to_csv(rows)})
    with pytest.raises(ValueError, match="offset must be a timedelta"):
        findings(descriptor, "frictionless")
    arrow, _ = findings(descriptor, "arrow")
    assert sorted((kind, row) for kind, _, row, _ in arrow.elements()) == found


def test_a_naive_value_against_an_aware_bound_breaks_it(tmp_path):
    """Python cannot order a naive and an aware time: frictionless stops with a TypeError, the arrow
    engine reports the cell, so the user learns where."""
    spec = {"name": "value", "type": "time", "constraints": {"minimum": "08:00:00+00:00"}}
    rows = [["id", "value"], ["1", "09:00:00Z"], ["2", "09:00:00"], ["3", "07:00:00+00:00"]]
    descriptor = write_package(tmp_path, [table("t", [*FIELDS, spec])], {"t.csv": to_csv(rows)})
    with pytest.raises(TypeError, match="naive"):
        findings(descriptor, "frictionless")
    arrow, report = findings(descriptor, "arrow")
    assert sorted(row for _, _, row, _ in arrow.elements()) == [3, 4] and not report.notes


def test_true_values_on_a_field_that_is_not_boolean_are_ignored(tmp_path):
    spec = {"name": "value", "type": "number", "trueValues": [1, "x"], "falseValues": None}
    one_column_case(tmp_path, spec, ["1.5", "x", "yes"], on_rows("type-error", [3, 4]))
