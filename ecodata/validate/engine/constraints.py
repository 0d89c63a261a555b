"""A field's constraints on its typed values, and the whole reading of one cell: text → typed value →
the notes frictionless would report on it ("type", then the constraints broken, in its order).

`cells.py` reads a text into its field's type; this module judges the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from .cells import BOUNDS, CONSTRAINTS, DEFAULT_TYPE, Unsupported, missing_texts, value_reader


def constraint_checks(field: dict) -> dict[str, Callable[[Any], bool]]:
    """name → predicate on a typed value (None allowed), in the order the errors are reported."""
    read = value_reader(field)
    constraints = field.get("constraints") or {}
    checks = {}
    for name in CONSTRAINTS[field.get("type", DEFAULT_TYPE)]:
        if constraints.get(name) is None:
            continue
        wanted = constraints[name]
        if name == "required":
            checks[name] = (lambda value: value is not None) if wanted else (lambda value: True)
        elif name in BOUNDS:
            checks[name] = bound_check(BOUNDS[name], read(wanted))
        elif name == "minLength":
            checks[name] = lambda value, wanted=wanted: value is None or len(value) >= wanted
        elif name == "maxLength":
            checks[name] = lambda value, wanted=wanted: value is None or len(value) <= wanted
        elif name == "pattern":
            checks[name] = lambda value, regex=re.compile(f"^{wanted}$"): (
                value is None or bool(regex.match(value))
            )
        elif name == "enum":
            checks[name] = enum_check([read(item) for item in wanted])
    return checks


def bound_check(compare, limit):
    if limit is None:
        raise Unsupported("a minimum/maximum that is not a value of the field's type")
    limit = comparable(limit)

    def check(value):
        if value is None:
            return True
        if value != value:  # NaN is never within bounds
            return False
        try:
            return bool(compare(comparable(value), limit))
        except TypeError as error:
            if isinstance(value, datetime | time):  # naive against aware: no order (frictionless crashes)
                return False
            raise Unsupported(f"comparing {value!r} with {limit!r}") from error

    return check


def enum_check(allowed: list):
    allowed = [comparable(item) for item in allowed]
    return lambda value: value is None or comparable(value) in allowed


def comparable(value: Any) -> Any:
    """What Python orders an aware datetime or time by, worked out from its offset as it is (see
    utc_offset: one of a day or more makes Python raise instead); any other value as it is."""
    offset = utc_offset(value) if isinstance(value, datetime | time) else None
    if offset is None:
        return value
    if isinstance(value, datetime):
        return ("instant", value.replace(tzinfo=None) - datetime.min - offset)
    seconds = value.hour * 3600 + value.minute * 60 + value.second - offset.days * 86_400 - offset.seconds
    return ("time", seconds, value.microsecond)  # CPython's rule for aware times


def array_item_checks(field: dict):
    """An `array` field's `arrayItem`: each item read and checked as a field of its own."""
    item = dict(field.get("arrayItem") or {})
    if not item:
        return None
    item.pop("arrayItem", None)
    item.setdefault("name", field.get("name"))
    item.setdefault("type", "any")  # frictionless reads an untyped item as any, not string
    unchecked = set(item.get("constraints") or {}) - set(CONSTRAINTS.get(item["type"], [])) - {"unique"}
    if unchecked:  # frictionless stops the resource with a field-error once it meets the first row
        raise Unsupported(f"an arrayItem constraint its type does not take ({', '.join(sorted(unchecked))})")
    # frictionless makes the item a field of its own, with its own missing values
    return cell_reader(item, missing=missing_texts(item.get("missingValues", [""])))


def cell_reader(field: dict, missing: list[str]) -> Callable[[Any], tuple[Any, list[str]]]:
    """cell → (typed value, error notes): notes are "type" and/or constraint names, frictionless's order."""
    read = value_reader(field)
    checks = constraint_checks(field)
    items = array_item_checks(field) if field.get("type") == "array" else None
    missing = set(missing)

    def read_cell(cell):
        if str(cell) in missing:
            cell = None
        notes = []
        if cell is not None:
            cell = read(cell)
            if cell is None:
                notes.append("type")
        if not notes:
            notes = [name for name, check in checks.items() if not check(cell)]
        if cell is not None and not notes and items is not None:
            for index, item in enumerate(cell):
                cell[index], item_notes = items(item)
                notes += [note for note in item_notes if note not in notes]
        return cell, notes

    return read_cell


def utc_offset(value: datetime | time) -> timedelta | None:
    """The offset a datetime or time carries, even one of a day or more: dateutil's parser (format
    "any") reads "+25:00" into such a value, which Python's own utcoffset() then refuses."""
    if value.tzinfo is None:
        return None
    return value.tzinfo.utcoffset(value if isinstance(value, datetime) else None)
