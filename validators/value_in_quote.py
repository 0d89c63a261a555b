"""value-not-in-quote: `value` and `value_max` must be readable from the quote (万 = 10^4, 亿 = 10^8, 十分之一 …)."""

from ecodata.numbers import numbers_in, readable_from
from ecodata.text import squeeze

NAME = "value-not-in-quote"


def check(context):
    for resource in context.table_resources("quote", "value"):
        for row in context.rows(resource):
            if not row["quote"].strip():
                continue  # an empty quote is a required-field error already
            for field_name in ("value", "value_max"):
                try:
                    value = float(row[field_name])
                except ValueError:
                    continue  # empty, or a type error the standard checks report
                if not readable_from(value, row["quote"]):
                    stated = ", ".join(f"{n:g}" for n in sorted(numbers_in(row["quote"]))) or "no number"
                    yield context.finding(
                        NAME,
                        resource,
                        row,
                        field_name,
                        f'{value:g} is not in the quote "{excerpt(row["quote"])}" (it states {stated}); '
                        "check the value or the quote",
                    )


def excerpt(quote, width=30):
    text = squeeze(quote)
    return text if len(text) <= width else text[:width] + "…"
