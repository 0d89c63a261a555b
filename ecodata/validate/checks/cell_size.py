"""cell-size: a cell longer than `max` characters (default 10 000; `--max-cell-size` overrides it).

One finding per cell, never a crash or a hang: a 5 MB cell is reported, not processed further.
Vectorised over each column's text.
"""

import numpy as np
import pyarrow.compute as pc

NAME = "cell-size"
TYPES = ("cell-too-large",)
SETTINGS = {"max": 10_000}


def check(context, settings):
    limit = settings["max"]
    for resource in context.resources_with(settings):
        for numbers, texts in context.columns(resource):
            found = []
            for name, column in texts.items():
                lengths = pc.utf8_length(column).to_numpy(zero_copy_only=False)
                found += [(numbers[i], name, column[int(i)].as_py()) for i in np.flatnonzero(lengths > limit)]
            yield from context.cell_findings(
                TYPES[0],
                resource,
                found,
                lambda cell: f"{len(cell):,} characters, over the {limit:,} limit; shorten it",
            )
