"""source-hash: an archived source file must have the SHA-256 recorded beside it.

Settings: the sources resource (`sources`, else the one `source` references by foreign key), its
`file` field (the archived file's path) and its `sha256` field.
"""

import hashlib

from ecodata.validate.context import SOURCE_RULES, SOURCE_SETTINGS

NAME = "source-hash"
TYPES = ("source-hash-mismatch",)
SETTINGS = SOURCE_SETTINGS
RULES = SOURCE_RULES


def check(context, settings):
    for entry in context.sources(settings).values():
        resource, row = entry["resource"], entry["row"]
        if entry["data"] is None:
            yield context.finding(
                TYPES[0],
                resource,
                row,
                settings["file"],
                f"cannot read {row[settings['file']]}; restore the archived file",
            )
            continue
        digest = hashlib.sha256(entry["data"]).hexdigest()
        if digest != row[settings["sha256"]]:
            yield context.finding(
                TYPES[0],
                resource,
                row,
                settings["sha256"],
                f"{row[settings['file']]} has sha256 {digest[:12]}…, not the recorded one; "
                "the archive changed: restore it or record the new hash",
            )
