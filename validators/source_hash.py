"""source-hash-mismatch: an archived source file must have the sha256 recorded in sources.csv."""

import hashlib

NAME = "source-hash-mismatch"


def check(context):
    if not context.sources:
        return
    resource = context.package.resource("sources")
    for entry in context.sources.values():
        if entry["data"] is None:
            yield context.finding(
                NAME,
                resource,
                entry["row"],
                "file",
                f"cannot read {entry['file']}; restore the archived file",
            )
            continue
        digest = hashlib.sha256(entry["data"]).hexdigest()
        if digest != entry["sha256"]:
            yield context.finding(
                NAME,
                resource,
                entry["row"],
                "sha256",
                f"{entry['file']} has sha256 {digest[:12]}…, not the recorded one; "
                "the archive changed: restore it or record the new hash",
            )
