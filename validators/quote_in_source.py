"""quote-not-in-source: a row's quote, whitespace removed, must occur in its source's archived text."""

from ecodata.text import squeeze

NAME = "quote-not-in-source"


def check(context):
    texts = {
        key: squeeze(entry["text"]) for key, entry in context.sources.items() if entry["text"] is not None
    }
    for resource in context.table_resources("quote", "source_id"):
        for row in context.rows(resource):
            text = texts.get(row["source_id"])
            if text is None or not row["quote"]:
                continue  # an unknown source is a foreign-key error; an empty quote a required error
            if squeeze(row["quote"]) not in text:
                source = context.sources[row["source_id"]]
                yield context.finding(
                    NAME,
                    resource,
                    row,
                    "quote",
                    f"not found in {source['file']} (compared without whitespace); copy the fragment exactly",
                )
