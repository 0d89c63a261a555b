"""formula-injection: a text cell that a spreadsheet would execute when the downloaded CSV is opened.

Cells starting with = + - @ tab or CR are formulas to Excel/LibreOffice (OWASP "CSV injection").
A number in a numeric field is not text, and a missing-value marker is not a cell; a lone `-` or `+`
(a common placeholder) is text to a spreadsheet too.
"""

NAME = "formula-injection"
TYPES = ("formula-injection",)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def check(context, settings):
    for resource in context.resources_with(settings):
        schema = resource["schema"]
        missing = set(schema.get("missingValues", [""]))
        text_fields = [
            f["name"] for f in schema["fields"] if f.get("type", "any") in ("string", "list", "any")
        ]
        for row in context.rows(resource) if text_fields else []:
            for name in text_fields:
                cell = row[name]
                if (
                    cell.startswith(TRIGGERS)
                    and cell not in ("-", "+")
                    and cell not in missing
                    and row.values.get(name) is not None
                ):
                    yield context.finding(
                        TYPES[0],
                        resource,
                        row,
                        name,
                        f"starts with {cell[0]!r}, which a spreadsheet runs as a formula; remove or rephrase it",
                    )
