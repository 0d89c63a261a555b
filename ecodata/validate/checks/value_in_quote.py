"""value-in-quote: each value field must be readable from the quote (万 = 10^4, 亿 = 10^8, 十分之一 …).

Settings: `quote` (default `quote`) and `values`, the numeric fields to look for (default `value`,
`value_max`; a field the resource lacks is skipped). Each (value, quote) pair is read once.
"""

import numpy as np
import pyarrow as pa

from ecodata.numbers import numbers_in, readable_from
from ecodata.text import squeeze
from ecodata.validate.context import at, number

NAME = "value-in-quote"
TYPES = ("value-not-in-quote",)
SETTINGS = {"quote": "quote", "values": ["value", "value_max"]}


def check(context, settings):
    readable: dict[tuple[float, str], bool] = {}

    def unreadable(value, quote) -> bool:
        if value is None or not quote or not quote.strip():
            return False  # empty, a type error, or an empty quote: the standard checks report those
        if (value, quote) not in readable:
            readable[value, quote] = readable_from(value, quote)
        return not readable[value, quote]

    for resource in context.resources_with(settings, "quote"):
        names = {f["name"] for f in resource["schema"]["fields"]}
        value_fields = [name for name in settings["values"] if name in names]
        fields = [settings["quote"], *value_fields]
        for numbers, combinations, index in context.distinct(resource, fields) if value_fields else []:
            quotes = [combination[0] for combination in combinations]
            values = [
                [number(value) for value in context.typed(resource, name, pa.array(texts, pa.string()))]
                for name, texts in zip(value_fields, list(zip(*combinations))[1:])
            ]
            verdicts = np.array(
                [[unreadable(value, quote) for value in row] for quote, row in zip(quotes, zip(*values))]
            )
            for position in np.flatnonzero(verdicts.any(axis=1)[index]):
                combination = index[position]
                quote = quotes[combination]
                for column, field_name in enumerate(value_fields):
                    if verdicts[combination, column]:
                        value = values[column][combination]
                        stated = ", ".join(f"{n:g}" for n in sorted(numbers_in(quote))) or "no number"
                        yield context.finding(
                            TYPES[0],
                            resource,
                            at(numbers[position], field_name, combinations[combination][1 + column]),
                            field_name,
                            f'{value:g} is not in the quote "{excerpt(quote)}" (it states {stated}); check the value or the quote',
                        )


def excerpt(quote, width=30):
    text = squeeze(quote)
    return text if len(text) <= width else text[:width] + "…"
