"""quote-in-source: a row's quote, whitespace removed, must occur in its source's archived text.

Settings: `quote` and `source` (the row's fields, default `quote` and `source_id`); the sources
resource is the one `source` references by foreign key (or `sources`), its `file` field the archived
text's path in the package. Each distinct (source, quote) pair is searched once.
"""

from ecodata.text import squeeze
from ecodata.validate.context import SOURCE_SETTINGS, at

NAME = "quote-in-source"
TYPES = ("quote-not-in-source",)
SETTINGS = SOURCE_SETTINGS | {"quote": "quote"}


def check(context, settings):
    sources = context.sources(settings)
    texts = {key: squeeze(entry["text"]) for key, entry in sources.items() if entry["text"] is not None}
    found: dict[tuple[str, str], bool] = {}
    for resource in context.resources_with(settings, "quote", "source"):
        for numbers, columns in context.columns(resource):
            cited = columns[settings["source"]].to_pylist()
            quotes = columns[settings["quote"]].to_pylist()
            for number, source, quote in zip(numbers, cited, quotes):
                if texts.get(source) is None or not quote:
                    continue  # an unknown source is a foreign-key error; an empty quote a required error
                if (source, quote) not in found:
                    found[source, quote] = squeeze(quote) in texts[source]
                if not found[source, quote]:
                    archived = sources[source]["cells"].get(settings["file"])
                    yield context.finding(
                        TYPES[0],
                        resource,
                        at(number, settings["quote"], quote),
                        settings["quote"],
                        f"not found in {archived} (compared without whitespace); copy the fragment exactly",
                    )
