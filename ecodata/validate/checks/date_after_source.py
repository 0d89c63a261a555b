"""date-after-source: a row's date is later than the publication date of the source it cites.

Dates are ISO 8601 text at any precision (2020, 2020-12, 2020-12-31); a partial date is compared by its
first day, so 2021 is not after a source published 2021-10-08, but 2021-11 is.
Settings: `date` (default `as_of`), `source` (the row's source reference, `source_id`), `published`
(the sources' publication date field, `date_published`), `sources`/`id` (found by the foreign key).
"""

import functools

from ecodata.validate.context import SOURCE_RULES, SOURCE_SETTINGS
from ecodata.validate.settings import FIELD

NAME = "date-after-source"
TYPES = ("date-after-source",)
SETTINGS = SOURCE_SETTINGS | {"date": "as_of", "published": "date_published"}
RULES = SOURCE_RULES | {"date": FIELD, "published": FIELD}


@functools.cache
def first_day(text):
    parts = str(text).split("-")
    try:
        return tuple(int(part) for part in parts + ["1"] * (3 - len(parts)))
    except ValueError:
        return None


def check(context, settings):
    sources = context.sources(settings)
    published = {key: entry["cells"].get(settings["published"], "") for key, entry in sources.items()}

    def late(date, source) -> bool:
        return too_late(date, published.get(source))

    for resource in context.resources_with(settings, "date", "source"):
        fields = [settings["date"], settings["source"]]
        for row, (date, source), _ in context.judged(resource, fields, late):
            yield context.cell_finding(
                TYPES[0],
                resource,
                row,
                settings["date"],
                date,
                f"{date} is after {source} was published ({published[source]}); a source cannot report it",
            )


def too_late(date: str | None, source_date: str | None) -> bool:
    when = first_day(date) if date else None
    limit = first_day(source_date) if source_date else None
    return bool(when and limit and when > limit)
