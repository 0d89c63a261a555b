"""formula-injection: a text cell that a spreadsheet would execute when the downloaded CSV is opened.

Cells starting with = + - @ tab or CR are formulas to Excel/LibreOffice (OWASP "CSV injection").
A plain number such as -3.5 in a numeric field is not text and is not flagged.
"""

NAME = "formula-injection"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def check(context):
    for resource in context.package.resources:
        text_fields = [
            f["name"]
            for f in resource.get("schema", {}).get("fields", [])
            if f.get("type", "string") in ("string", "list", "any")
        ]
        if not text_fields or not context.readable(resource):
            continue
        for row in context.rows(resource):
            for name in text_fields:
                if row[name].startswith(TRIGGERS):
                    yield context.finding(
                        NAME,
                        resource,
                        row,
                        name,
                        f"starts with {row[name][0]!r}, which a spreadsheet runs as a formula; remove or rephrase it",
                    )
