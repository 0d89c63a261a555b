"""What `init` infers from whole columns of text, with pyarrow.compute: Table Schema types, missing-value
markers, a primary key, foreign keys and enum suggestions.

Every rule is a subset of what frictionless accepts for the type (its parsers are more lenient), so a
column typed here always validates: `007` stays a string (frictionless would read 7 and the zero would be
lost), `1,5` stays a string (no decimal comma by default), a date must exist (`2021-02-30` is a string).
And every rule keeps the figures as written: a whole number beyond 64 bits stays a string (as a number,
a float, the build would round 123456789012345678901234567890 to 1.2345678901234568e+29).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

# read as missing only in a column otherwise typed; in this order in `missingValues`
MISSING_MARKERS = ("NA", "N/A", "n/a", "#N/A", "-", "null", "NULL", "NaN")
ENUM_MAX_VALUES, ENUM_MIN_ROWS = 12, 50  # at most 12 values over at least 50 filled-in cells
PAIR_COLUMNS = 6  # a two-column primary key is looked for among the first columns only
KEY_TYPES = ("string", "integer", "date")  # types whose text compares as frictionless compares values

LEADING_ZERO = r"^[+-]?0[0-9]"
INTEGER = r"^-?(0|[1-9][0-9]{0,18})$"  # at most 19 digits; int64 holds those up to 9223372036854775807
NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
GROUPED_NUMBER = r"^-?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?$"  # 352,000 or 1,234.5 (or 12)
LONG_WHOLE = r"^[+-]?[0-9]{16,}$"  # a float64 holds every whole number of up to 15 digits, not all longer
BOOLEAN = ("true", "True", "TRUE", "false", "False", "FALSE")  # not 0/1: those stay integers
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
YEARMONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"  # 2024-03: a month, as frictionless's yearmonth reads it
DATETIME = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(\.[0-9]{1,6})?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$"
)


@dataclass
class Column:
    """One column: its inferred type, the markers it reads as missing, and its non-missing cells."""

    name: str
    type: str
    markers: tuple[str, ...]
    values: pa.Array  # the non-missing cells, as text
    missing: int
    note: str | None = None  # why a column of numbers is typed string

    @property
    def typed(self) -> pa.Array:
        """The values as frictionless compares them in keys (`-0` and `0` are one integer)."""
        return pc.cast(self.values, pa.int64()) if self.type == "integer" else self.values


@dataclass
class Reference:
    """A foreign key found: `column` of one resource takes its values from `resource`.`key`."""

    column: str
    resource: str
    key: str


def infer_column(name: str, cells: pa.ChunkedArray | pa.Array) -> Column:
    """The type of a column of text: the first of integer, number, boolean, date, datetime, yearmonth
    that every non-missing cell fits, else string. Markers such as `NA` count as missing only if that makes the
    column typed; in a text column they are text."""
    if isinstance(cells, pa.ChunkedArray):
        cells = pa.concat_arrays(cells.chunks) if cells.num_chunks else pa.array([], pa.string())
    values = cells.filter(pc.not_equal(cells, ""))
    if not len(values):
        return Column(name, "string", (), values, len(cells))
    is_marker = pc.is_in(values, value_set=pa.array(MISSING_MARKERS))
    if pc.any(is_marker).as_py():
        rest = values.filter(pc.invert(is_marker))
        kind, note = value_type(rest) if len(rest) else ("string", None)
        if kind != "string":
            found = set(pc.unique(values.filter(is_marker)).to_pylist())
            markers = tuple(marker for marker in MISSING_MARKERS if marker in found)
            return Column(name, kind, markers, rest, len(cells) - len(rest))
        return Column(name, "string", (), values, len(cells) - len(values), note)
    kind, note = value_type(values)
    return Column(name, kind, (), values, len(cells) - len(values), note)


def value_type(values: pa.Array) -> tuple[str, str | None]:
    """The Table Schema type every one of these (non-empty) cells fits, and why numbers stay strings."""
    if not pc.any(pc.match_substring_regex(values, LEADING_ZERO)).as_py() and all_match(values, NUMBER):
        return number_type(values)
    if pc.all(pc.is_in(values, value_set=pa.array(BOOLEAN))).as_py():
        return "boolean", None
    if all_match(values, DATE) and real_dates(values):
        return "date", None
    if all_match(values, DATETIME) and real_dates(pc.utf8_slice_codeunits(values, 0, 10)):
        return "datetime", None
    if all_match(values, YEARMONTH) and not pc.any(pc.starts_with(values, "0000")).as_py():
        return "yearmonth", None
    if all_match(values, GROUPED_NUMBER) and len(grouped := values.filter(pc.match_substring(values, ","))):
        return "string", (
            f'numbers such as {grouped[0]} have "," between thousands: typed string; if "," never marks a '
            'decimal here, declare "type": "number", "groupChar": ","'
        )
    return "string", None


def number_type(values: pa.Array) -> tuple[str, str | None]:
    """integer if every cell is a whole number that fits 64 bits, else number, unless a whole number is
    too long for a float to hold it exactly: then string, and why."""
    if all_match(values, INTEGER) and fits_int64(values):
        return "integer", None
    long = values.filter(pc.match_substring_regex(values, LONG_WHOLE))
    if not len(long):
        return "number", None
    return "string", (
        f"whole numbers such as {long[0]} are too long for an integer (64 bits) or a number (a float):"
        " typed string, so that no digit is lost"
    )


def fits_int64(values: pa.Array) -> bool:
    try:
        pc.cast(values, pa.int64())
    except pa.ArrowInvalid:  # out of range
        return False
    return True


def all_match(texts: pa.Array, pattern: str) -> bool:
    return pc.all(pc.match_substring_regex(texts, pattern)).as_py()


def real_dates(texts: pa.Array) -> bool:
    """Whether every YYYY-MM-DD here is a day of the calendar (Arrow rolls 02-30 over to 03-02)."""
    if pc.any(pc.starts_with(texts, "0000")).as_py():  # Python has no year 0
        return False
    parsed = pc.strptime(texts, format="%Y-%m-%d", unit="s", error_is_null=True)
    if parsed.null_count:
        return False
    return pc.all(pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), texts)).as_py()


def primary_key(columns: list[Column], rows: int) -> list[str]:
    """The first column whose values are unique and never missing, else the first such pair."""
    if not rows:
        return []
    eligible = [column for column in columns if column.type in KEY_TYPES and not column.missing]
    for column in eligible:
        if pc.count_distinct(column.typed).as_py() == rows:
            return [column.name]
    first = {column.name for column in columns[:PAIR_COLUMNS]}
    for one, two in itertools.combinations([c for c in eligible if c.name in first], 2):
        pairs = pa.table({"a": one.typed, "b": two.typed}).group_by(["a", "b"]).aggregate([])
        if pairs.num_rows == rows:
            return [one.name, two.name]
    return []


def enum_values(column: Column) -> list[str] | None:
    """The few values of a text column filled in on many rows, sorted: a code list worth declaring."""
    if column.type != "string" or len(column.values) < ENUM_MIN_ROWS:
        return None
    distinct = pc.unique(column.values)
    if len(distinct) > ENUM_MAX_VALUES:
        return None
    return sorted(distinct.to_pylist())


def singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def names_resource(word: str, resource: str) -> bool:
    """Whether `word` names the resource: `country` names `countries`, `designation` names `codes_designation`."""
    parts = [resource, *re.split(r"[-_.]", resource)]
    return singular(word) in {singular(part) for part in parts if part}


def name_score(column: str, resource: str, key: str) -> int:
    """How strongly a column's name points at `resource`.`key`: 0 not at all, 1 by the key's name
    (`code`, `x_code`), 2 by the resource's name too (`country_code`, `country`)."""
    column, resource, key = column.lower(), resource.lower(), key.lower()
    if column == key:
        return 1
    for separator in "_-. ":
        if column.endswith(separator + key):
            return 2 if names_resource(column[: -len(key) - 1], resource) else 1
    return 2 if names_resource(column, resource) else 0


def identifies(column: Column, distinct) -> bool:
    """Whether a column has a value in every row and no value twice: a key, declared or not."""
    return column.missing == 0 and len(distinct) == len(column.values)


def foreign_keys(
    tables: dict[str, list[Column]], keys: dict[str, list[str]]
) -> tuple[dict[str, list[Reference]], list[tuple[str, str]]]:
    """For each resource, the columns whose values all appear in another resource's one-column primary
    key of the same type, under a name that points at it; and a note for each column that could
    reference more than one resource equally well (none is declared then)."""
    found: dict[str, list[Reference]] = {name: [] for name in tables}
    notes = []
    targets = {
        name: next(c for c in tables[name] if c.name == key[0]) for name, key in keys.items() if len(key) == 1
    }
    for name, columns in tables.items():
        for column in columns:
            if column.type not in KEY_TYPES or not len(column.values):
                continue
            candidates: list[tuple[int, str, str]] = []
            distinct = None
            for target_name, target in targets.items():
                if target_name == name or target.type != column.type:
                    continue
                score = name_score(column.name, target_name, target.name)
                if not score:
                    continue
                distinct = pc.unique(column.typed) if distinct is None else distinct
                if column.name == target.name and (
                    keys.get(name) == [column.name] or identifies(column, distinct)
                ):
                    continue  # a table's own identifier (`id` beside another table's `id`), not a reference
                if pc.all(pc.is_in(distinct, value_set=target.typed)).as_py():
                    candidates.append((score, target_name, target.name))
            if not candidates:
                continue
            best = max(score for score, _, _ in candidates)
            top = [(target, key) for score, target, key in candidates if score == best]
            if len(top) == 1:
                found[name].append(Reference(column.name, *top[0]))
            else:
                choices = " or ".join(f"{target}.{key}" for target, key in top)
                notes.append((name, f"{column.name} could reference {choices}: no foreign key declared"))
    return found, notes
