"""value-in-quote: each value field must be readable from the quote (万 = 10^4, 亿 = 10^8, 十分之一 …).

Settings: `quote` (default `quote`) and `values`, the numeric fields to look for (default `value`,
`value_max`; a field the resource lacks is skipped). Each (value, quote) pair is read once.
"""

from ecodata.numbers import numbers_in, readable_from
from ecodata.text import squeeze
from ecodata.validate.context import at, number

NAME = "value-in-quote"
TYPES = ("value-not-in-quote",)
SETTINGS = {"quote": "quote", "values": ["value", "value_max"]}


def check(context, settings):
    readable: dict[tuple[float, str], bool] = {}
    for resource in context.resources_with(settings, "quote"):
        names = {f["name"] for f in resource["schema"]["fields"]}
        value_fields = [name for name in settings["values"] if name in names]
        for numbers, columns in context.columns(resource) if value_fields else []:
            quotes = columns[settings["quote"]].to_pylist()
            typed = {name: context.typed(resource, name, columns[name]) for name in value_fields}
            texts = {name: columns[name].to_pylist() for name in value_fields}
            for index, (row, quote) in enumerate(zip(numbers, quotes)):
                if not quote or not quote.strip():
                    continue  # an empty quote is a required-field error already
                for field_name in value_fields:
                    value = number(typed[field_name][index])
                    if value is None:
                        continue  # empty, or a type error the standard checks report
                    if (value, quote) not in readable:
                        readable[value, quote] = readable_from(value, quote)
                    if not readable[value, quote]:
                        stated = ", ".join(f"{n:g}" for n in sorted(numbers_in(quote))) or "no number"
                        yield context.finding(
                            TYPES[0],
                            resource,
                            at(row, field_name, texts[field_name][index]),
                            field_name,
                            f'{value:g} is not in the quote "{excerpt(quote)}" (it states {stated}); check the value or the quote',
                        )


def excerpt(quote, width=30):
    text = squeeze(quote)
    return text if len(text) <= width else text[:width] + "…"
