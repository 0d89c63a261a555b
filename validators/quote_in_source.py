"""quote-not-in-source: a row's quote, whitespace removed, must occur in its source's archived text."""

from ecodata.checks import squeeze

NAME = "quote-not-in-source"


def check(context):
    for resource in context.table_resources("quote", "source_id"):
        for row in context.rows(resource):
            source = context.sources.get(row["source_id"])
            if not source or source["text"] is None or not row["quote"]:
                continue  # an unknown source is a foreign-key error; an empty quote a required error
            if squeeze(row["quote"]) not in squeeze(source["text"]):
                yield context.finding(
                    NAME, resource, row, "quote",
                    f"not found in {source['file']} (compared without whitespace); copy the fragment exactly",
                )
