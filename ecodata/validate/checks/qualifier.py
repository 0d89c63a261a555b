"""qualifier: the qualifier contradicts the marker words next to the value in the quote (Chinese text).

The reading of marker words (近 nearly, 约 about, 余 more_than, …) lives in ecodata/qualifiers.py.
Settings: the fields `quote`, `value` and `qualifier` (default: those names). Each (quote, value) pair
is read once.
"""

from ecodata.qualifiers import expected_qualifiers
from ecodata.validate.context import at, number

NAME = "qualifier"
TYPES = ("qualifier-mismatch",)
SETTINGS = {"quote": "quote", "value": "value", "qualifier": "qualifier"}


def check(context, settings):
    readings_of: dict[tuple[str, float], set] = {}
    for resource in context.resources_with(settings, "quote", "value", "qualifier"):
        for numbers, columns in context.columns(resource):
            quotes = columns[settings["quote"]].to_pylist()
            qualifiers = columns[settings["qualifier"]].to_pylist()
            values = context.typed(resource, settings["value"], columns[settings["value"]])
            for row, quote, qualifier, typed in zip(numbers, quotes, qualifiers, values):
                value = number(typed)
                if value is None or not quote:
                    continue
                if (quote, value) not in readings_of:
                    readings_of[quote, value] = expected_qualifiers(quote, value) if quote.strip() else set()
                readings = readings_of[quote, value]
                if readings and qualifier not in {reading for reading, _ in readings}:
                    expected, marker = sorted(readings, key=str)[0]
                    said = (
                        f"the quote says {marker} → {expected}"
                        if marker
                        else "the quote has no marker word → exact"
                    )
                    yield context.finding(
                        TYPES[0],
                        resource,
                        at(row, settings["qualifier"], qualifier),
                        settings["qualifier"],
                        f"{qualifier!r} but {said}; fix one",
                    )
