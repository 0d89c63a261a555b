"""qualifier: the qualifier contradicts the marker words next to the value in the quote (Chinese text).

The reading of marker words (近 nearly, 约 about, 余 more_than, …) lives in ecodata/qualifiers.py.
Settings: the fields `quote`, `value` and `qualifier` (default: those names). Each distinct
(quote, value, qualifier) is read once.
"""

from ecodata.qualifiers import expected_qualifiers
from ecodata.validate.settings import FIELD

NAME = "qualifier"
TYPES = ("qualifier-mismatch",)
SETTINGS = {"quote": "quote", "value": "value", "qualifier": "qualifier"}
RULES = dict.fromkeys(SETTINGS, FIELD)


def check(context, settings):
    fields = [settings["quote"], settings["value"], settings["qualifier"]]
    for resource in context.resources_with(settings, "quote", "value", "qualifier"):

        def contradicted(quote, text, qualifier, resource=resource) -> str | None:
            """What the quote says instead of `qualifier`, or None when it agrees."""
            value = context.number(resource, settings["value"], text)
            if value is None or not quote or not quote.strip():
                return None
            readings = expected_qualifiers(quote, value)
            if not readings or qualifier in {reading for reading, _ in readings}:
                return None
            expected, marker = sorted(readings, key=str)[0]
            return (
                f"the quote says {marker} → {expected}" if marker else "the quote has no marker word → exact"
            )

        for row, (_, _, qualifier), said in context.judged(resource, fields, contradicted):
            yield context.cell_finding(
                TYPES[0],
                resource,
                row,
                settings["qualifier"],
                qualifier,
                f"{qualifier!r} but {said}; fix one",
            )
