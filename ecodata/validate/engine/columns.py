"""One column of a batch at a time: types, missing values, constraints and key texts with Arrow compute.

A cell is decided by one of two paths. The fast path takes the canonical spellings of the common
types (`-12`, `3.25`, `2020-01-31`, `2020-01-31T10:20:30Z`, `10:20:30`, `true`, any string) and
checks them vectorised. Every other non-missing cell goes, once per distinct text, through
`constraints.cell_reader`, the one-cell rules (tests/validate/test_fast_paths.py holds the two alike). Both
paths give the same three things: which cells are blank, which break which rule, and the equality
key (`keys.canonical`) of each typed value for the unique, primary and foreign key checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import patterns
from .cells import (
    BOUNDS,
    CONSTRAINTS,
    DEFAULT_TYPE,
    FALSE_VALUES,
    STRING_KINDS,
    TRUE_VALUES,
    value_reader,
)
from .constraints import cell_reader
from .keys import NEVER_EQUAL, canonical, never_equal_key
from .texts import (
    FIRST_DAY,
    NULL_TEXT,
    Cells,
    decided,
    decimal_text,
    epoch_seconds,
    filled,
    number,
    prefixed,
    real_day,
    real_time,
    whole_cast,
)

MAX_CACHED = 200_000  # distinct slow-path texts remembered per column
INTEGER = r"^-?[0-9]{1,18}$"
NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"
ISO_DATE = b"dddd-dd-dd"  # the canonical spellings the fast paths read: "d" a digit, the rest as is
ISO_DATETIME = b"dddd-dd-ddTdd:dd:dd"
ISO_TIME = b"dd:dd:dd"
DATETIME_FORMS = {  # spelling → the sign of its UTC offset (None: a naive datetime)
    ISO_DATETIME: None,
    ISO_DATETIME + b"Z": 0,
    ISO_DATETIME + b"+dd:dd": 1,
    ISO_DATETIME + b"-dd:dd": -1,
}
FIRST_SECOND, LAST_SECOND = FIRST_DAY * 86_400, (date(9999, 12, 31) - date(1970, 1, 1)).days * 86_400 + 86_399
EXACT_DIGITS = 15  # a decimal of at most 15 significant digits survives float64 with its order intact
BREAKS = {  # a value breaks the bound when this comparison with it holds
    "minimum": pc.less,
    "maximum": pc.greater,
    "exclusiveMinimum": pc.less_equal,
    "exclusiveMaximum": pc.greater_equal,
}
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
RE2_UNSAFE = re.compile(  # what Python and RE2 read differently:
    r"\\[A-Za-z0-9]|\[:|\{,"  # escapes, classes, {,n}
    r"|\{\d*,?\d{4,}"  # a count over RE2's 1000, which it takes for text
)
CASE_FOLDED = re.compile(r"\(\?[a-zA-Z-]*i")  # RE2 folds the case of ı, İ, ſ… unlike Python


@dataclass
class ColumnResult:
    blank: np.ndarray  # bool per cell: a missing value
    errors: list[tuple[str, str | None, np.ndarray]] = field(
        default_factory=list
    )  # (type, constraint, positions)
    keys: pa.Array | None = None  # canonical key text per cell, null where blank or not of the type


class ColumnChecker:
    """Checks the cells of one field, batch after batch."""

    def __init__(self, spec: dict, missing: list[str], want_keys: bool):
        self.spec = spec
        self.kind = spec.get("type", DEFAULT_TYPE)
        self.form = spec.get("format", "default")
        self.missing = pa.array(sorted(set(missing)), pa.string())
        self.only_empty_is_missing = set(missing) == {""}
        self.want_keys = want_keys
        self.constraints = {
            name: (spec.get("constraints") or {})[name]
            for name in CONSTRAINTS.get(self.kind, [])
            if (spec.get("constraints") or {}).get(name) is not None
        }
        self.read_cell = cell_reader(spec, missing)  # raises Unsupported early
        self.read_value = value_reader(spec)
        self.limits = {
            name: self.read_value(self.constraints[name]) for name in BOUNDS if name in self.constraints
        }
        self.fast = self.fast_path()
        self.slow_cache: dict[str, tuple[tuple[str, ...], str | None]] = {}
        self.enum_keys = self.enum_texts = None
        if "enum" in self.constraints:
            values = [self.read_value(item) for item in self.constraints["enum"]]
            self.enum_keys = pa.array([canonical(value) for value in values], pa.string())
            self.enum_texts = pa.array([value for value in values if isinstance(value, str)], pa.string())
        self.pattern = self.constraints.get("pattern")
        self.re2_pattern = (
            rf"\A(?:^{self.pattern}$)" if self.pattern is not None and re2_reads_alike(self.pattern) else None
        )
        self.byte_pattern = patterns.compile_pattern(self.pattern) if self.pattern is not None else None

    def fast_path(self):
        """The vectorised reader for this field, or None when every cell takes the one-cell path."""
        plain_number = not any(
            name in self.spec for name in ("bareNumber", "decimalChar", "groupChar", "floatNumber")
        )
        if self.kind == "any" or (self.kind == "string" and self.form in ("default", None)):
            return self.fast_string
        if self.kind == "integer" and self.spec.get("bareNumber", True):
            return self.fast_integer
        if self.kind == "number" and plain_number and self.bounds_exact_in_float():
            return self.fast_number
        if self.kind == "boolean":
            return self.fast_boolean
        if self.kind == "date" and self.form == "default":
            return self.fast_date
        if self.kind == "datetime" and self.form == "default" and not self.limits:
            return self.fast_datetime  # a bound may be naive and a cell aware: the one-cell path decides
        if self.kind == "time" and self.form == "default" and not self.limits:
            return self.fast_time
        if self.kind == "year":
            return self.fast_year
        return None

    def bounds_exact_in_float(self) -> bool:
        for name in BOUNDS:
            if name in self.constraints:
                try:
                    limit = Decimal(str(self.constraints[name]))
                except InvalidOperation:
                    return False
                if not limit.is_finite() or len(limit.as_tuple().digits) > EXACT_DIGITS:
                    return False
                if abs(limit.adjusted()) > 300:
                    return False
        return True

    # --- the one entry point ---------------------------------------------------------------

    def check(self, array: pa.Array) -> ColumnResult:
        cells = Cells(array)
        if self.only_empty_is_missing:  # the usual case, read off the offsets
            blank = cells.lengths == 0
        else:
            blank = pc.is_in(cells.array, value_set=self.missing).to_numpy(zero_copy_only=False)
        result = ColumnResult(blank=blank)
        any_blank = bool(blank.any())
        if any_blank and self.constraints.get("required"):
            result.errors.append(("constraint-error", "required", np.flatnonzero(blank)))
        present = ~blank
        fast = np.zeros(len(cells), dtype=bool)
        keys = None
        if self.fast is not None and present.any():
            fast, keys = self.fast(cells, present, result)
        slow = present & ~fast
        if slow.any():
            keys = self.check_slow(cells.array, slow, result, keys)
        if self.want_keys:
            if keys is None:
                keys = pa.nulls(len(cells), pa.string())
            elif any_blank:
                keys = pc.if_else(pa.array(blank), NULL_TEXT, keys)
            result.keys = keys
        return result

    # --- fast paths: each returns (mask of cells it decided, keys) and adds constraint errors --

    def fast_string(self, cells, present, result):
        self.check_lengths(cells, present, result)
        if self.pattern is not None:  # "" too: frictionless matches ^$
            self.check_pattern(cells, present, result)
        if self.enum_texts is not None:
            outside = ~pc.is_in(cells.array, value_set=self.enum_texts).to_numpy(zero_copy_only=False)
            self.add(result, "enum", present & outside)
        keys = cells.array if self.want_keys else None  # a string is its own key; check() nulls the missing
        return present, keys

    def fast_integer(self, cells, present, result):
        values = whole_cast(cells.array, present, "0", pa.int64())
        if values is not None and not (cells.contains(b"x") or cells.contains(b"X")):
            fast = present  # Arrow took every cell; it reads 0x10 as hex, which Python's int() refuses
        else:
            fast = present & pc.match_substring_regex(cells.array, INTEGER).to_numpy(zero_copy_only=False)
            values = pc.cast(filled(cells.array, fast, "0"), pa.int64())
        keys = self.numeric_keys(pc.cast(values, pa.string()), fast) if self.wants_keys() else None
        self.check_bounds(values, fast, result)
        self.check_enum(keys, fast, result)
        return fast, keys

    def fast_number(self, cells, present, result):
        array = cells.array
        values = None if self.wants_keys() else whole_cast(array, present, "0", pa.float64())
        if values is not None:
            numbers = values.to_numpy(zero_copy_only=False)  # no copy: float64 without nulls
            nan = np.isnan(numbers)
            if nan.any() and cells.contains(b"("):
                values = None  # Arrow, as C's strtod, reads nan(1) and nan(); Decimal refuses them
        if values is not None:
            # Arrow reads a subset of what Decimal reads, so every cell is a number; only a value too
            # close to a bound for float64 to order it (or NaN) is left to the exact one-cell path.
            fast = (present & ~self.near_bounds(numbers, nan)) if self.limits else present
            self.check_bounds(values, fast, result)
            return fast, None
        short = cells.char_lengths() <= EXACT_DIGITS
        fast = present & short & pc.match_substring_regex(array, NUMBER).to_numpy(zero_copy_only=False)
        chosen = filled(array, fast, "0")
        values = pc.cast(chosen, pa.float64())
        keys = None
        if self.wants_keys():
            keys = self.numeric_keys(decimal_text(chosen), fast)
        self.check_bounds(values, fast, result)
        self.check_enum(keys, fast, result)
        return fast, keys

    def near_bounds(self, numbers: np.ndarray, nan: np.ndarray) -> np.ndarray:
        near = nan.copy()
        for limit in map(float, self.limits.values()):
            margin = 1e-9 * max(abs(limit), 1e-300)
            near |= (numbers >= limit - margin) & (numbers <= limit + margin)  # no float temporaries
        return near

    def wants_keys(self) -> bool:
        return self.want_keys or self.enum_keys is not None

    @cached_property
    def true_texts(self) -> pa.Array:  # trueValues and falseValues belong to boolean fields alone
        return pa.array(self.spec.get("trueValues", TRUE_VALUES), pa.string())

    @cached_property
    def false_texts(self) -> pa.Array:
        return pa.array(self.spec.get("falseValues", FALSE_VALUES), pa.string())

    @cached_property
    def boolean_texts(self) -> pa.Array:
        return pc.unique(pa.concat_arrays([self.true_texts, self.false_texts]))

    def fast_boolean(self, cells, present, result):
        array = cells.array
        if not self.wants_keys():  # one lookup tells a boolean from anything else
            invalid = present & ~pc.is_in(array, value_set=self.boolean_texts).to_numpy(zero_copy_only=False)
            self.add(result, None, invalid, kind="type-error")
            return present, None
        # a text in both lists is false: frictionless maps trueValues first, then falseValues over them
        is_false = pc.is_in(array, value_set=self.false_texts).to_numpy(zero_copy_only=False)
        is_true = pc.is_in(array, value_set=self.true_texts).to_numpy(zero_copy_only=False) & ~is_false
        invalid = present & ~is_true & ~is_false
        self.add(result, None, invalid, kind="type-error")
        valid = present & ~invalid
        keys = pc.if_else(pa.array(is_true), "n:1", "n:0")
        keys = pc.if_else(pa.array(valid), keys, NULL_TEXT)
        self.check_enum(keys, valid, result)
        return present, keys  # a boolean is decided here whatever its text

    def fast_date(self, cells, present, result):
        values = whole_cast(cells.array, present, "2000-01-01", pa.date32())
        if values is not None and (cells.lengths[present] == len(ISO_DATE)).all():
            # Arrow reads no other spelling, so each text is its date's isoformat(); it also reads
            # year 0, which Python refuses: the one-cell path reports that
            fast = present & (pc.cast(values, pa.int32()).to_numpy(zero_copy_only=False) >= FIRST_DAY)
        else:  # a cell Arrow refuses (2020-1-5, 2020-02-30): the canonical spellings, digit by digit
            positions, digits = cells.spelled(present, ISO_DATE)
            fast = decided(len(cells), positions, real_day(digits))
            values = pc.cast(filled(cells.array, fast, "2000-01-01"), pa.date32()) if self.limits else None
        keys = prefixed("d:", cells.array, fast) if self.wants_keys() else None
        if self.limits:
            self.check_bounds(values, fast, result)
        self.check_enum(keys, fast, result)
        return fast, keys

    def fast_datetime(self, cells, present, result):
        """2020-01-31T10:20:30, alone or with Z or +08:00; other spellings dateutil reads take the one-cell path."""
        naive, aware = np.zeros(len(cells), dtype=bool), np.zeros(len(cells), dtype=bool)
        moments = np.zeros(len(cells), dtype=np.int64)  # each aware cell's UTC moment, in seconds
        for form, sign in DATETIME_FORMS.items():
            positions, digits = cells.spelled(present, form)
            valid = real_day(digits) & real_time(digits[8:14])
            if sign is not None:
                seconds = epoch_seconds(digits)
                if sign:  # dateutil refuses an offset of 24 hours or more
                    hours, minutes = number(digits[14:16]), number(digits[16:18])
                    seconds -= sign * (hours * 3600 + minutes * 60)
                    valid &= (hours <= 23) & (minutes <= 59)
                    valid &= (seconds >= FIRST_SECOND) & (seconds <= LAST_SECOND)  # else the one-cell key
                moments[positions[valid]] = seconds[valid]
            (naive if sign is None else aware)[positions[valid]] = True
        fast = naive | aware
        keys = None
        if self.wants_keys():  # keys.canonical: the naive ISO text, or the UTC moment's
            keys = prefixed("dt:", cells.array, naive)
            if aware.any():
                at_utc = pc.cast(pa.array(moments, pa.timestamp("s")), pa.string())  # 2020-01-31 02:20:30
                at_utc = prefixed("dtz:", pc.replace_substring(at_utc, " ", "T", max_replacements=1), aware)
                keys = pc.if_else(pa.array(aware), at_utc, keys)
        self.check_enum(keys, fast, result)
        return fast, keys

    def fast_time(self, cells, present, result):
        positions, digits = cells.spelled(present, ISO_TIME)
        fast = decided(len(cells), positions, real_time(digits))
        keys = prefixed("t:", cells.array, fast) if self.wants_keys() else None
        self.check_enum(keys, fast, result)
        return fast, keys

    def fast_year(self, cells, present, result):
        array = cells.array
        fast = present & (cells.lengths == 4) & pc.ascii_is_decimal(array).to_numpy(zero_copy_only=False)
        if not (self.limits or self.wants_keys()):
            return fast, None
        values = pc.cast(filled(array, fast, "0"), pa.int64())
        keys = self.numeric_keys(pc.cast(values, pa.string()), fast)
        self.check_bounds(values, fast, result)
        self.check_enum(keys, fast, result)
        return fast, keys

    def numeric_keys(self, text, mask):
        return prefixed("n:", text, mask) if self.wants_keys() else None

    # --- vectorised constraints -------------------------------------------------------------

    def add(self, result, name, broken, kind="constraint-error"):
        if broken.any():
            result.errors.append((kind, name, np.flatnonzero(broken)))

    def check_lengths(self, cells, mask, result):
        if "minLength" in self.constraints or "maxLength" in self.constraints:
            lengths = cells.char_lengths()
            if "minLength" in self.constraints:
                self.add(result, "minLength", mask & (lengths < self.constraints["minLength"]))
            if "maxLength" in self.constraints:
                self.add(result, "maxLength", mask & (lengths > self.constraints["maxLength"]))

    def check_pattern(self, cells, mask, result):
        array = cells.array
        matched = np.ones(len(array), dtype=bool)
        python = mask.copy()
        plain_matched = self.plain_matches(cells)
        if plain_matched is not None:
            if cells.plain:  # the whole batch: no cell needs Python
                simple = np.ones(len(array), dtype=bool)
            else:
                simple = pc.string_is_ascii(array).to_numpy(zero_copy_only=False)
                simple &= ~pc.match_substring(array, "\n").to_numpy(zero_copy_only=False)
            matched = np.where(simple, plain_matched, True)
            python = mask & ~simple
        if python.any():
            regex = re.compile(f"^{self.pattern}$")
            positions = np.flatnonzero(python)
            for position, text in zip(positions, array.take(pa.array(positions)).to_pylist()):
                matched[position] = bool(regex.match(text))
        self.add(result, "pattern", mask & ~matched)

    def plain_matches(self, cells) -> np.ndarray | None:
        """Whether each cell matches, right for the ASCII cells without a line end; None: Python decides."""
        if self.byte_pattern is not None:
            # cells of many widths are gathered width by width: then RE2, where it may, is quicker
            most_widths = 2 if self.re2_pattern is not None else patterns.MAX_WIDTHS
            matched = self.byte_pattern.matches(cells.raw, cells.offsets, cells.lengths, most_widths)
            if matched is not None:
                return matched
        if self.re2_pattern is not None:
            try:
                return pc.match_substring_regex(cells.array, self.re2_pattern).to_numpy(zero_copy_only=False)
            except pa.ArrowInvalid:  # RE2 cannot compile it
                self.re2_pattern = None
        return None

    def check_bounds(self, values, mask, result):
        for name, limit in self.limits.items():
            limit = float(limit) if isinstance(limit, Decimal) else limit
            if values.type == pa.int64() and not INT64_MIN <= limit <= INT64_MAX:
                # beyond every int64: a minimum above them all breaks them all, a maximum none
                if (limit > 0) == name.lower().endswith("minimum"):
                    self.add(result, name, mask)
                continue
            broken = BREAKS[name](values, pa.scalar(limit, values.type))
            if pc.any(broken).as_py():  # only then unpack the bits
                self.add(result, name, mask & broken.to_numpy(zero_copy_only=False))

    def check_enum(self, keys, mask, result):
        if self.enum_keys is not None:
            self.add(
                result,
                "enum",
                mask & ~pc.is_in(keys, value_set=self.enum_keys).to_numpy(zero_copy_only=False),
            )

    # --- the one-cell path --------------------------------------------------------------------

    def check_slow(self, array, slow, result, keys):
        positions = np.flatnonzero(slow)
        texts = array.take(pa.array(positions)).to_pylist()
        cell_notes = []
        cell_keys = []
        renew_nan = self.kind not in STRING_KINDS  # a string such as "nan:x" is its own key
        for text in texts:
            notes, key = self.slow_cache.get(text) or self.remember(text)
            if renew_nan and key is not None and key.startswith(NEVER_EQUAL):
                key = never_equal_key()  # the cache shares a text's key; each NaN is unequal
            cell_notes.append(notes)
            cell_keys.append(key)
        by_error: dict[tuple[str, str | None], list[int]] = {}
        for position, notes in zip(positions, cell_notes):
            for note in notes:
                error = ("type-error", None) if note == "type" else ("constraint-error", note)
                by_error.setdefault(error, []).append(position)
        for (kind, name), where in by_error.items():
            result.errors.append((kind, name, np.asarray(where)))
        if not (self.want_keys or self.enum_keys is not None):
            return keys
        merged = np.empty(len(array), dtype=object)
        if keys is not None:
            merged[:] = keys.to_numpy(zero_copy_only=False)
        merged[positions] = cell_keys
        return pa.array(merged, pa.string())

    def remember(self, text):
        value, notes = self.read_cell(text)
        entry = (tuple(notes), None if "type" in notes else canonical(value))
        if len(self.slow_cache) >= MAX_CACHED:
            self.slow_cache.clear()
        self.slow_cache[text] = entry
        return entry


def re2_reads_alike(pattern: str) -> bool:
    """Whether RE2 reads `pattern` as Python's `re` does, on ASCII cells of one line."""
    return not RE2_UNSAFE.search(pattern) and (pattern.isascii() or not CASE_FOLDED.search(pattern))
