"""One-line messages that say what to change, shared by both engines."""

from __future__ import annotations

import re


def type_error(cell: str, kind: str, form: str) -> str:
    wanted = kind if form in ("default", None) else f"{kind} ({form})"
    return f"{cell!r} is not a valid {wanted}; fix the cell or the field's type"


def constraint_error(cell: str, name: str, value) -> str:
    if name == "required":
        return "is required but empty"
    return f"{cell!r} breaks constraint {name} = {value}"


EMPTY_KEY_NOTE = 'cells composing the primary keys are all "None"'  # frictionless's, naming Python's None


def primary_key(note: str) -> str:
    if note == EMPTY_KEY_NOTE:
        return "empty primary key (its cells are all empty); give the row its own id"
    unquoted = note.replace('"', "")  # frictionless's position "2", the arrow engine's 2
    return f"duplicate primary key ({unquoted}); give the row its own id"


ONE_FIELD_PREFIX = re.compile(r'^for "[^",]*": ')  # the finding names its one field already


def foreign_key(note: str) -> str:
    return f"{ONE_FIELD_PREFIX.sub('', note)}; add the referenced row or correct the value"


COUNTED = {  # what a resource's bytes, hash, fields and rows properties count, as found
    "byte-count": "the file has {} bytes",
    "hash-count": "the file's hash is {}",
    "field-count": "the schema has {} fields",
    "row-count": "the file has {} rows",
}


def count_error(kind: str, found, declared) -> str:
    return f"{COUNTED[kind].format(found)}, the descriptor says {declared}"


FIXED = {
    "missing-cell": "missing cell: the row has fewer values than the header",
    "blank-row": "blank row: delete it",
    "source-error": "the file is empty",
}
LABELS = {  # a header's problems, naming the label found and the field where it helps
    "blank-label": "blank header label: name the column after its field",
    "duplicate-label": "header label {label!r} is an earlier column's too: each column needs its own name",
    "incorrect-label": "header label {label!r} differs from the field name {field!r} at this position",
    "missing-label": "the header has no column for this field",
    "extra-label": "extra header label {label!r}: the schema has no field at this position",
}


def label_error(kind: str, label: str | None, field: str | None) -> str:
    return LABELS[kind].format(label=label, field=field)


def extra_cell(cell: str) -> str:
    return f"extra cell {cell!r}: the row has more values than the header"


def encoding_error(note: str) -> str:
    return f"not readable in its encoding ({note}); save the file as UTF-8"


def scheme_error(note: str) -> str:
    if "No such file" in note:
        return "file not found; add it or correct the resource's path"
    return note
