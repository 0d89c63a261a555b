"""qualifier: the qualifier contradicts the marker words next to the value in the quote (Chinese text).

The reading of marker words (近 nearly, 约 about, 余 more_than, …) lives in ecodata/qualifiers.py.
Settings: the fields `quote`, `value` and `qualifier` (default: those names). Each (quote, value) pair
is read once.
"""

import numpy as np
import pyarrow as pa

from ecodata.qualifiers import expected_qualifiers
from ecodata.validate.context import at, number

NAME = "qualifier"
TYPES = ("qualifier-mismatch",)
SETTINGS = {"quote": "quote", "value": "value", "qualifier": "qualifier"}


def check(context, settings):
    readings_of: dict[tuple[str, float], set] = {}

    def contradicted(quote, value, qualifier) -> str | None:
        """What the quote says instead of `qualifier`, or None when it agrees."""
        if value is None or not quote:
            return None
        if (quote, value) not in readings_of:
            readings_of[quote, value] = expected_qualifiers(quote, value) if quote.strip() else set()
        readings = readings_of[quote, value]
        if not readings or qualifier in {reading for reading, _ in readings}:
            return None
        expected, marker = sorted(readings, key=str)[0]
        return f"the quote says {marker} → {expected}" if marker else "the quote has no marker word → exact"

    fields = [settings["quote"], settings["value"], settings["qualifier"]]
    for resource in context.resources_with(settings, "quote", "value", "qualifier"):
        for numbers, combinations, index in context.distinct(resource, fields):
            texts = pa.array([value for _, value, _ in combinations], pa.string())
            values = [number(value) for value in context.typed(resource, settings["value"], texts)]
            said = [
                contradicted(quote, value, qualifier)
                for (quote, _, qualifier), value in zip(combinations, values)
            ]
            for position in np.flatnonzero(np.array([bool(s) for s in said])[index]):
                qualifier = combinations[index[position]][2]
                yield context.finding(
                    TYPES[0],
                    resource,
                    at(numbers[position], settings["qualifier"], qualifier),
                    settings["qualifier"],
                    f"{qualifier!r} but {said[index[position]]}; fix one",
                )
