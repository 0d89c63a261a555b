"""date-after-source: `as_of` later than the publication date of the row's source.

Dates are ISO 8601 text at any precision (2020, 2020-12, 2020-12-31); a partial date is compared by its
first day, so 2021 is not after a source published 2021-10-08, but 2021-11 is.
"""

NAME = "date-after-source"


def first_day(text):
    parts = text.split("-")
    try:
        return tuple(int(part) for part in parts + ["1"] * (3 - len(parts)))
    except ValueError:
        return None


def check(context):
    published = {key: first_day(entry.get("date_published", "")) for key, entry in context.sources.items()}
    for resource in context.table_resources("as_of", "source_id"):
        for row in context.rows(resource):
            when, limit = first_day(row["as_of"]) if row["as_of"] else None, published.get(row["source_id"])
            if when and limit and when > limit:
                source_date = context.sources[row["source_id"]]["date_published"]
                yield context.finding(
                    NAME,
                    resource,
                    row,
                    "as_of",
                    f"{row['as_of']} is after {row['source_id']} was published ({source_date}); a source cannot report it",
                )
