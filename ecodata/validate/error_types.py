"""Every error type ecodata can report, derived from where each is declared.

The standard checks report frictionless's own types (its error classes' `type`): `STANDARD` lists those
the arrow engine reports, with what each means, as the README documents them; the frictionless engine may
report any other of frictionless's types. A declared check reports the types in its `TYPES`. `--check` and
`--skip` accept any of these (tests/validate/test_error_types.py holds the code, this list and the README
together).
"""

from __future__ import annotations

from functools import cache

STANDARD = {
    "package-error": "the descriptor is not a valid Data Package",
    "resource-error": "a resource's descriptor is not valid",
    "schema-error": "a schema is not valid (its keys, its fields)",
    "field-error": "a field's descriptor is not valid (type, format, constraints)",
    "scheme-error": "a resource's file cannot be opened (it is not there)",
    "source-error": "a file cannot be read as a table (empty, broken CSV, too many columns)",
    "encoding-error": "a file's bytes do not decode in its encoding",
    "blank-label": "a header cell is empty",
    "duplicate-label": "two header cells are the same",
    "incorrect-label": "a header cell is not the schema's field name at that position",
    "missing-label": "the header has fewer cells than the schema has fields",
    "extra-label": "the header has more cells than the schema has fields",
    "blank-row": "a row with every cell empty",
    "missing-cell": "a row with fewer cells than the header",
    "extra-cell": "a row with more cells than the header",
    "type-error": "a cell is not a value of its field's type and format",
    "constraint-error": "a value breaks its field's constraints (required, minimum, pattern, enum…)",
    "unique-error": "a value repeats in a field whose values must be unique",
    "primary-key": "a primary key repeats, or has an empty part",
    "foreign-key": "a foreign key has no row it refers to",
    "byte-count": "a file's size differs from the resource's `bytes`",
    "hash-count": "a file's md5 or sha256 hash differs from the resource's `hash` (another algorithm is noted, not checked)",
    "field-count": "the header's width differs from the schema's `fields`",
    "row-count": "the row count differs from the resource's `rows`",
}


@cache
def frictionless_types() -> frozenset[str]:
    """Frictionless's own error types: what the standard checks may report on either engine."""
    import inspect

    from frictionless import errors

    return frozenset(
        kind
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if isinstance(kind := getattr(cls, "type", None), str)
    )


def vocabulary(checks) -> set[str]:
    """The types `--check`/`--skip` accept: the standard checks' and each known check's `TYPES`."""
    return set(frictionless_types()) | set(STANDARD) | {kind for check in checks for kind in check.types}


def is_error_type(name: str, checks) -> bool:
    """Whether `--check`/`--skip` accept `name`: frictionless is imported (0.15 s, before the reading:
    see engine/aside.py) only for a type neither the arrow engine nor a known check reports."""
    own = name in STANDARD or any(name in check.types for check in checks)
    return own or name in frictionless_types()
