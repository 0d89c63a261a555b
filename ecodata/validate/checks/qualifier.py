"""qualifier: the qualifier contradicts the marker words next to the value in the quote (Chinese text).

The reading of marker words (近 nearly, 约 about, 余 more_than, …) lives in ecodata/qualifiers.py.
Settings: the fields `quote`, `value` and `qualifier` (default: those names).
"""

from ecodata.qualifiers import expected_qualifiers
from ecodata.validate.context import number

NAME = "qualifier"
TYPES = ("qualifier-mismatch",)
SETTINGS = {"quote": "quote", "value": "value", "qualifier": "qualifier"}


def check(context, settings):
    quote, qualifier = settings["quote"], settings["qualifier"]
    readings_of: dict[tuple[str, float], set] = {}  # each (quote, value) is read once
    for resource in context.resources_with(settings, "quote", "value", "qualifier"):
        for row in context.rows(resource):
            value = number(row.values.get(settings["value"]))
            if value is None:
                continue
            if (row[quote], value) not in readings_of:
                readings_of[row[quote], value] = (
                    expected_qualifiers(row[quote], value) if row[quote].strip() else set()
                )
            readings = readings_of[row[quote], value]
            if readings and row[qualifier] not in {reading for reading, _ in readings}:
                expected, marker = sorted(readings, key=str)[0]
                said = (
                    f"the quote says {marker} → {expected}"
                    if marker
                    else "the quote has no marker word → exact"
                )
                yield context.finding(
                    TYPES[0], resource, row, qualifier, f"{row[qualifier]!r} but {said}; fix one"
                )
