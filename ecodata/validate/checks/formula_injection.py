"""formula-injection: a text cell that a spreadsheet would execute when the downloaded CSV is opened.

Cells starting with = + - @ tab or CR are formulas to Excel/LibreOffice (OWASP "CSV injection").
A number in a numeric field is not text, and a missing-value marker is not a cell; a lone `-` or `+`
(a common placeholder) is text to a spreadsheet too. Vectorised over each text column.
"""

import numpy as np
import pyarrow.compute as pc

from ecodata.validate.engine.texts import Cells

NAME = "formula-injection"
TYPES = ("formula-injection",)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PLACEHOLDERS = ["-", "+"]
TRIGGERED = np.zeros(256, dtype=bool)  # by a cell's first byte (ASCII triggers: one byte each)
TRIGGERED[np.frombuffer("".join(TRIGGERS).encode("ascii"), dtype=np.uint8)] = True


def check(context, settings):
    for resource in context.resources_with(settings):
        schema = resource["schema"]
        text_fields = [
            f["name"] for f in schema["fields"] if f.get("type", "any") in ("string", "list", "any")
        ]
        if not text_fields:
            continue
        ignored = set(schema.get("missingValues", [""])) | set(PLACEHOLDERS)
        for numbers, texts in context.columns(resource):
            found = []
            for name in text_fields:
                column = texts[name]
                starts = TRIGGERED[Cells(pc.fill_null(column, "")).first_bytes()]
                cells = ((int(i), column[int(i)].as_py()) for i in np.flatnonzero(starts))
                found += [(numbers[i], name, cell) for i, cell in cells if cell not in ignored]
            yield from context.cell_findings(
                TYPES[0],
                resource,
                found,
                lambda cell: (
                    f"starts with {cell[0]!r}, which a spreadsheet runs as a formula; remove or rephrase it"
                ),
            )
