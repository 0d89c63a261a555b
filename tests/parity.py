"""Helpers for the parity suite: write a package, run both engines, compare their findings."""

from __future__ import annotations

import collections
import csv
import io
import json
import os
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from ecodata.package import load_package
from ecodata.validate.engine import standard_checks
from ecodata.validate.report import Report

# The random tests: 60 derandomized examples in `make test`; PARITY_RANDOM=1 PARITY_EXAMPLES=2000 searches.
RANDOM_SEARCH = settings(
    max_examples=int(os.environ.get("PARITY_EXAMPLES", "60")),
    deadline=None,
    derandomize=not os.environ.get("PARITY_RANDOM"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# What frictionless 5 does not check at all (docs/parity.md): the fast engine reports these alone.
ARROW_ONLY = {"category-error", "unique-keys"}


def write_package(root: Path, resources: list[dict], files: dict[str, bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (root / name).write_bytes(content)
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "parity",
        "resources": resources,
    }
    path = root / "datapackage.json"
    path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    return path


def findings(descriptor: Path, engine: str) -> tuple[collections.Counter, Report]:
    report = Report()
    standard_checks(load_package(descriptor), report, engine=engine)
    keys = collections.Counter(
        (finding.type, finding.resource, finding.row, finding.field)
        for finding in report.findings
        if finding.type not in ARROW_ONLY
    )
    return keys, report


def assert_same_findings(descriptor: Path, expected: list[tuple] | None = None) -> Report:
    """Both engines find the same; and when `expected` is given, the fast engine finds exactly those
    (type, row, field) findings, in its order."""
    arrow, report = findings(descriptor, "arrow")
    if expected is not None:
        assert pinned(report) == expected
    reference, _ = findings(descriptor, "frictionless")
    assert not report.notes, report.notes  # the fast engine did the work itself
    only_arrow, only_reference = arrow - reference, reference - arrow
    assert not only_arrow and not only_reference, (
        f"only arrow: {sorted(only_arrow.elements(), key=str)[:8]}; "
        f"only frictionless: {sorted(only_reference.elements(), key=str)[:8]}"
    )
    return report


def on_rows(kind: str, rows: list[int], field: str = "value") -> list[tuple]:
    """Findings of one type on one field, in row order: a test's expected findings, written short."""
    return [(kind, row, field) for row in rows]


def pinned(report: Report) -> list[tuple]:
    return [(finding.type, finding.row, finding.field) for finding in report.findings]


def table(name: str, fields: list[dict], **schema) -> dict:
    return {
        "name": name,
        "path": f"{name}.csv",
        "type": "table",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {"fields": fields, **schema},
    }


# --- cases shared by the parity files and the scale-out tests ------------------------------------

FIELDS = [{"name": "id", "type": "integer"}]


INTEGER_AND_STRING = [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]


def one_column_case(tmp_path: Path, spec: dict, cells: list[str], expected: list[tuple] | None = None):
    rows = [["id", spec["name"]]] + [[str(index), cell] for index, cell in enumerate(cells)]
    descriptor = write_package(tmp_path, [table("t", [*FIELDS, spec])], {"t.csv": to_csv(rows)})
    return assert_same_findings(descriptor, expected)


def to_csv(rows: list[list[str]], terminator: str = "\n") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=terminator).writerows(rows)
    return buffer.getvalue().encode("utf-8")


# Each type with the properties drawn for it ({} = its defaults), and cells those properties read.
TYPE_OPTIONS = {
    "string": [{}, {}, {"format": "email"}, {"format": "uri"}, {"format": "uuid"}, {"format": "binary"}],
    "integer": [{}, {}, {"bareNumber": False}, {"groupChar": ","}],
    "number": [{}, {}, {"decimalChar": ",", "groupChar": "."}, {"bareNumber": False}, {"groupChar": " "}],
    "boolean": [{}, {"trueValues": ["yes", "Y"], "falseValues": ["no", "N"]}],
    "date": [{}, {}, {"format": "%d/%m/%Y"}, {"format": "any"}],
    "datetime": [{}, {}, {"format": "%Y-%m-%d %H:%M"}, {"format": "any"}],
    "time": [{}, {"format": "%H.%M"}, {"format": "any"}],
    "year": [{}],
    "yearmonth": [{}],
    "duration": [{}],
    "geopoint": [{}, {"format": "array"}, {"format": "object"}],
    "geojson": [{}],
    "object": [{}],
    "array": [{}, {"arrayItem": {"type": "integer"}}],
    "list": [{}, {"itemType": "integer", "delimiter": ";"}],
    "any": [{}],
}


MORE_CELLS = {
    "string": ["a@example.org", "https://example.org/x", "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "aGVsbG8="],
    "integer": ["12", "0", "-3", "42", "1,000", "$5", "5%"],
    "number": ["3.25", "-0.5", "10", "2.0", "1.234,5", "1 234.5", "$12", "12%", "3,5"],
    "boolean": ["yes", "Y", "no", "N"],
    "date": ["2021-06-15", "1999-12-31", "31/12/2020", "1/2/2020", "Dec 31 2020"],
    "datetime": [
        "2021-06-15T08:00:00",
        "2021-06-15T08:00:00Z",
        "2021-06-15T08:00:00+00:00",
        "0001-01-01T00:00:00+01:00",
        "2020-12-31 10:20",
        "2020-12-31 25:00",
    ],
    "time": ["08:00:00", "08:00:00.0", "23:00:00Z", "10.20", "25.00"],
    "geopoint": ["[90, 45]", '{"lon": 90, "lat": 45}'],
    "array": ['["a"]'],
    "list": ["1;2", "1;x"],
}


TYPES = list(TYPE_OPTIONS)


KEY_TYPES = [kind for kind in TYPES if kind not in ("geopoint", "geojson", "object", "array", "list")]


MISSING = ["", "-", "n/a", "NA"]


def samples(spec: dict) -> list[str]:
    cells = CELLS[spec["type"]] + MORE_CELLS.get(spec["type"], [])
    if spec.get("format") == "any":  # frictionless stops with a ValueError comparing these (see above)
        cells = [cell for cell in cells if "+24:00" not in cell]
    return cells


# Declared, because otherwise frictionless guesses the header row from the widths of the first
# rows, against the spec's default of row 1 (docs/parity.md); the fast engine follows the spec.
HEADER_ON_ROW_1 = {"header": True}


@st.composite
def field_specs(draw, name, kinds=TYPES):
    kind = draw(st.sampled_from(kinds))
    spec = {"name": name, "type": kind, **draw(st.sampled_from(TYPE_OPTIONS[kind]))}
    constraints = {}
    if draw(st.booleans()):
        constraints["required"] = True
    if draw(st.integers(0, 4)) == 0 and kind in KEY_TYPES:  # frictionless cannot hash a dict or list
        constraints["unique"] = True
    if kind in ("integer", "number", "year") and draw(st.booleans()):
        constraints[draw(st.sampled_from(["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]))] = (
            draw(st.integers(0 if kind == "year" else -5, 2030))
        )
    if kind == "date" and "format" not in spec and draw(st.integers(0, 3)) == 0:
        constraints[draw(st.sampled_from(["minimum", "maximum"]))] = "2020-01-31"
    if kind in ("string", "list", "array", "object") and draw(st.booleans()):
        constraints[draw(st.sampled_from(["minLength", "maxLength"]))] = draw(st.integers(0, 4))
    if kind == "string" and draw(st.integers(0, 3)) == 0:
        constraints["pattern"] = draw(
            st.sampled_from(
                ["[a-z]*", "\\w+", "a|b", "[0-9]{1,2}", ".*x", "[^@]+@.+", "a-[0-9]+", "[a-c]{2}x?"]
            )
        )
    if kind in ("string", "integer", "boolean") and draw(st.integers(0, 3)) == 0:
        constraints["enum"] = draw(enums(spec))
    if constraints:
        spec["constraints"] = constraints
    if draw(st.integers(0, 4)) == 0:
        spec["missingValues"] = draw(st.sampled_from([["-"], ["", "n/a"], []]))
    if kind in ("string", "integer") and draw(st.integers(0, 5)) == 0:  # arrow engine alone, as uniqueKeys
        values = draw(enums(spec))
        spec["categories"] = draw(
            st.sampled_from([values, [{"value": value, "label": "x"} for value in values]])
        )
    return spec


def enums(spec: dict):
    if spec["type"] == "boolean":
        return st.lists(st.booleans(), min_size=1, max_size=1)
    if spec["type"] == "integer":
        return st.lists(st.integers(-3, 42), min_size=1, max_size=3, unique=True)
    return st.lists(
        st.sampled_from([cell for cell in samples(spec) if cell]), min_size=1, max_size=3, unique=True
    )


def cell_for(spec: dict):
    return st.one_of(
        st.sampled_from(samples(spec)),
        st.sampled_from(samples(spec)).map(lambda text: f" {text}"),
        st.sampled_from(MISSING),
        st.text(alphabet='ab1-.;, "\n中', max_size=4),
    )


@st.composite
def rows_of(draw, fields: list[dict], most: int):
    """Rows of random cells, some repeated (keys meet), some short, long or blank."""
    drawn = [[draw(cell_for(spec)) for spec in fields] for _ in range(draw(st.integers(0, most)))]
    rows = []
    for row in drawn:
        row = list(draw(st.sampled_from(drawn))) if draw(st.integers(0, 3)) == 0 else row
        shape = draw(st.integers(0, 11))
        if shape == 0:
            row = row[: draw(st.integers(0, len(row) - 1))]
        elif shape == 1:
            row = [*row, "extra"]
        elif shape == 2:
            row = [""] * len(row)
        rows.append(row)
    return rows


CELLS = {
    "string": ["abc", "", "  padded ", "x" * 30, "中文", "a\nb", "NA"],
    "integer": ["1", "-7", "+3", " 4 ", "1_000", "٣", "1.0", "1e3", "x", "99999999999999999999", "007", ""],
    "number": [
        "1",
        "1.50",
        "-0.0",
        ".5",
        "5.",
        "1e3",
        "NaN",
        "Infinity",
        "-inf",
        " 2 ",
        "1,5",
        "x",
        "1_0.5",
        "",
    ],
    "boolean": ["true", "True", "TRUE", "1", "false", "0", "yes", " true", ""],
    "date": [
        "2020-01-31",
        "2020-1-5",
        "2020-02-30",
        "2020-02-29",
        "2019-02-29",
        "1900-02-29",
        "2000-02-29",
        "2020-04-31",
        "0999-12-31",
        "0000-01-01",
        "20200101",
        "2020-01-31T00:00",
        "２０２０-01-01",
        "",
    ],
    "datetime": [
        "2020-01-31T10:20:30",
        "2020-01-31T10:20:30Z",
        "2020-01-31T10:20:30+08:00",
        "2020-01-31T10:20:30-23:59",
        "2020-01-31T10:20:30+24:00",
        "0001-01-01T00:00:00-00:01",
        "2020-01-31 10:20:30",
        "2020-01-31T24:00:00",
        "2020-02-29T23:59:59",
        "2019-02-29T00:00:00",
        "0000-01-01T00:00:00",
        "0999-12-31T00:00:00Z",
        "2020-01-31T10:20:60",
        "2020-01-31T10:60:00",
        "2020-13-01T00:00:00",
        "2020-01-31t10:20:30",
        "2020-01-31T10:20:30z",
        "2020-01-31T10:20:30.5",
        "2020-01-31T10:20",
        "x",
    ],
    "time": [
        "10:20:30",
        "10:20:30Z",
        "10:20",
        "25:00:00",
        "24:00:00",
        "23:59:59",
        "00:00:00",
        "10:60:00",
        "10:20:60",
        "1:20:30",
        "10:20:30.5",
        "10:20:30+01:00",
    ],
    "year": ["2020", "0000", "9999", "-001", " 123", "20201", "abcd"],
    "yearmonth": ["2020-01", "2020-13", "2020-1", "2020", "-2020-01"],
    "duration": ["P1Y2M", "PT10S", "P1W", "1 day", "P"],
    "geopoint": ["90,45", "180, 90", "181,0", "a,b", "1"],
    "geojson": ['{"type": "Point", "coordinates": [1, 2]}', '{"type": "Nope"}', "[]", "x"],
    "object": ['{"a": 1}', "[1]", "{", '"s"'],
    "array": ["[1, 2]", '{"a": 1}', "[", "[]"],
    "list": ["a,b", "", "a,,b"],
    "any": ["anything", "", "1"],
}
