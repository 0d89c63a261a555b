"""formula-injection: a text cell that a spreadsheet would execute when the downloaded CSV is opened.

Cells starting with = + - @ tab or CR are formulas to Excel/LibreOffice (OWASP "CSV injection").
A number in a numeric field is not text, and a missing-value marker is not a cell; a lone `-` or `+`
(a common placeholder) is text to a spreadsheet too. Vectorised over each text column.
"""

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NAME = "formula-injection"
TYPES = ("formula-injection",)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PLACEHOLDERS = ["-", "+"]
STARTS_WITH_TRIGGER = "^[" + "".join(re.escape(trigger) for trigger in TRIGGERS) + "]"


def check(context, settings):
    for resource in context.resources_with(settings):
        schema = resource["schema"]
        text_fields = [
            f["name"] for f in schema["fields"] if f.get("type", "any") in ("string", "list", "any")
        ]
        if not text_fields:
            continue
        ignored = pa.array(sorted(set(schema.get("missingValues", [""])) | set(PLACEHOLDERS)), pa.string())
        for numbers, texts in context.columns(resource):
            found = []
            for name in text_fields:
                column = texts[name]
                starts = pc.match_substring_regex(column, pattern=STARTS_WITH_TRIGGER)  # one pass, not six
                flagged = pc.and_(starts, pc.invert(pc.is_in(column, value_set=ignored)))
                positions = np.flatnonzero(pc.fill_null(flagged, False).to_numpy(zero_copy_only=False))
                found += [(numbers[i], name, column[int(i)].as_py()) for i in positions]
            yield from context.cell_findings(
                TYPES[0],
                resource,
                found,
                lambda cell: (
                    f"starts with {cell[0]!r}, which a spreadsheet runs as a formula; remove or rephrase it"
                ),
            )
