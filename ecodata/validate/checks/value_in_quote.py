"""value-in-quote: each value field must be readable from the quote (万 = 10^4, 亿 = 10^8, 十分之一 …).

Settings: `quote` (default `quote`) and `values`, the numeric fields to look for (default `value`,
`value_max`; a field the resource lacks is skipped). Each (value, quote) pair is read once.
"""

from ecodata.numbers import number_text, numbers_in, readable_from
from ecodata.text import squeeze
from ecodata.validate.settings import FIELD, FIELDS

NAME = "value-in-quote"
TYPES = ("value-not-in-quote",)
SETTINGS = {"quote": "quote", "values": ["value", "value_max"]}
RULES = {"quote": FIELD, "values": FIELDS}


def check(context, settings):
    for resource in context.resources_with(settings, "quote"):
        names = {f["name"] for f in resource["schema"]["fields"]}
        value_fields = [name for name in settings["values"] if name in names]
        if not value_fields:
            continue

        def unreadable(quote, *texts, resource=resource, value_fields=value_fields) -> list:
            """(field, value) of each value the quote does not state; none for an empty quote or
            value, or a type error (the standard checks report those)."""
            if not quote or not quote.strip():
                return []
            values = [(name, context.number(resource, name, text)) for name, text in zip(value_fields, texts)]
            return [
                (name, value)
                for name, value in values
                if value is not None and not readable_from(value, quote)
            ]

        for row, (quote, *texts), missing in context.judged(
            resource, [settings["quote"], *value_fields], unreadable
        ):
            stated = ", ".join(number_text(n) for n in sorted(numbers_in(quote))) or "no number"
            for field_name, value in missing:
                yield context.cell_finding(
                    TYPES[0],
                    resource,
                    row,
                    field_name,
                    texts[value_fields.index(field_name)],
                    f'{number_text(value)} is not in the quote "{excerpt(quote)}" (it states {stated}); check the value or the quote',
                )


def excerpt(quote, width=30):
    text = squeeze(quote)
    return text if len(text) <= width else text[:width] + "…"
