"""quote-in-source: a row's quote, whitespace removed, must occur in its source's archived text.

Settings: `quote` and `source` (the row's fields, default `quote` and `source_id`); the sources
resource is the one `source` references by foreign key (or `sources`), its `file` field the archived
text's path in the package. Each distinct (source, quote) pair is searched once.
"""

from ecodata.text import squeeze
from ecodata.validate.context import SOURCE_RULES, SOURCE_SETTINGS
from ecodata.validate.settings import FIELD

NAME = "quote-in-source"
TYPES = ("quote-not-in-source",)
SETTINGS = SOURCE_SETTINGS | {"quote": "quote"}
RULES = SOURCE_RULES | {"quote": FIELD}


def check(context, settings):
    sources = context.sources(settings)
    texts = {key: squeeze(entry["text"]) for key, entry in sources.items() if entry["text"] is not None}

    def missing(source, quote) -> bool:
        # an unknown source is a foreign-key error; an empty quote a required error
        return texts.get(source) is not None and bool(quote) and squeeze(quote) not in texts[source]

    fields = [settings["source"], settings["quote"]]
    for resource in context.resources_with(settings, "quote", "source"):
        for row, (source, quote), _ in context.judged(resource, fields, missing):
            archived = sources[source]["cells"].get(settings["file"])
            yield context.cell_finding(
                TYPES[0],
                resource,
                row,
                settings["quote"],
                quote,
                f"not found in {archived} (compared without whitespace); copy the fragment exactly",
            )
