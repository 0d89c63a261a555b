"""qualifier-mismatch: the qualifier contradicts the marker words next to the value in the quote.

The reading of marker words (近 nearly, 约 about, 余 more_than, …) lives in ecodata/qualifiers.py.
"""

from ecodata.qualifiers import expected_qualifiers

NAME = "qualifier-mismatch"


def check(context):
    for resource in context.table_resources("quote", "value", "qualifier"):
        for row in context.rows(resource):
            try:
                value = float(row["value"])
            except ValueError:
                continue
            readings = expected_qualifiers(row["quote"], value) if row["quote"].strip() else set()
            if readings and row["qualifier"] not in {qualifier for qualifier, _ in readings}:
                qualifier, marker = sorted(readings, key=str)[0]
                said = (
                    f"the quote says {marker} → {qualifier}"
                    if marker
                    else "the quote has no marker word → exact"
                )
                yield context.finding(
                    NAME, resource, row, "qualifier", f"{row['qualifier']!r} but {said}; fix one"
                )
