"""cell-size: a cell longer than `max` characters (default 10 000; `--max-cell-size` overrides it).

One finding per cell, never a crash or a hang: a 5 MB cell is reported, not processed further.
"""

NAME = "cell-size"
TYPES = ("cell-too-large",)
SETTINGS = {"max": 10_000}


def check(context, settings):
    limit = settings["max"]
    for resource in context.resources_with(settings):
        for row in context.rows(resource):
            for name, cell in row.cells.items():
                if len(cell) > limit:
                    yield context.finding(
                        TYPES[0],
                        resource,
                        row,
                        name,
                        f"{len(cell):,} characters, over the {limit:,} limit; shorten it",
                    )
