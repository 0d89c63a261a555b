"""cell-size: a cell longer than `max` characters (default 10 000; `--max-cell-size` overrides it).

One finding per cell, never a crash or a hang: a 5 MB cell is reported, not processed further.
Vectorised over each column's text.
"""

import numpy as np
import pyarrow.compute as pc

from ecodata.validate.engine.texts import Cells
from ecodata.validate.settings import POSITIVE_WHOLE_NUMBER

NAME = "cell-size"
TYPES = ("cell-too-large",)
SETTINGS = {"max": 10_000}
RULES = {"max": POSITIVE_WHOLE_NUMBER}


def check(context, settings):
    limit = settings["max"]
    for resource in context.resources_with(settings):
        for numbers, texts in context.columns(resource):
            found = []
            for name, column in texts.items():
                cells = Cells(pc.fill_null(column, ""))
                if not len(cells) or int(cells.lengths.max()) <= limit:  # a character is a byte or more
                    continue
                lengths = cells.char_lengths()
                found += [(numbers[i], name, column[int(i)].as_py()) for i in np.flatnonzero(lengths > limit)]
            yield from context.cell_findings(
                TYPES[0],
                resource,
                found,
                lambda cell: f"{len(cell):,} characters, over the {limit:,} limit; shorten it",
            )
