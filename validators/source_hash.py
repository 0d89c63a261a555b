"""source-hash-mismatch: an archived source file must have the sha256 recorded in sources.csv."""

import hashlib

NAME = "source-hash-mismatch"


def check(context):
    if not context.sources:
        return
    resource = context.package.resource("sources")
    rows = {row.number: row for row in context.rows(resource)}
    for entry in context.sources.values():
        row = rows[entry["row"]]
        if entry["data"] is None:
            yield context.finding(NAME, resource, row, "file", f"cannot read {entry['file']}; restore the archived file")
        elif hashlib.sha256(entry["data"]).hexdigest() != entry["sha256"]:
            yield context.finding(
                NAME, resource, row, "sha256",
                f"{entry['file']} has sha256 {hashlib.sha256(entry['data']).hexdigest()[:12]}…, not the recorded one; "
                "the archive changed: restore it or record the new hash",
            )
