"""A valid resource as typed Arrow record batches, read with the validation engine's own readers.

`build` streams these into Parquet and SQLite, so memory stays flat as rows grow. A CSV file is read as
the engine read it when it validated (Arrow blocks, or Python's csv module where Arrow would read the
file differently), and each text column becomes the schema's type: a vectorised cast for the canonical
spellings, the engine's cell readers (frictionless's rules) once per distinct text for anything else.
What the engine leaves to frictionless (inline data, compressed files, several parts, no schema…) is
read through frictionless (`tables.rows`), a batch at a time.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from .package import Package
from .tables import arrow_schema, arrow_type, arrow_value, rows

BATCH_ROWS = 65_536
DEFAULT_TRUE = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE = ["false", "False", "FALSE", "0"]
CASTS = {"integer": pa.int64(), "year": pa.int64(), "number": pa.float64(), "date": pa.date32()}


class MixedColumn(Exception):
    """A later batch needs another Arrow type than the first gave the column (a datetime column whose
    offsets come and go): the caller reads the resource whole instead."""


def typed_batches(package: Package, name: str) -> Iterator[pa.RecordBatch]:
    """The resource's rows in file order, as record batches of one schema (see `tables.arrow_schema`)."""
    texts = engine_texts(package, name)
    if texts is None:
        yield from frictionless_batches(package, name)
        return
    table = package.table(name)
    fields = table["schema"]["fields"]
    missing = {field["name"]: missing_values(table, field) for field in fields}
    schema = None
    for columns in texts:
        typed = [
            typed_column(column, field, missing[field["name"]]) for column, field in zip(columns, fields)
        ]
        if schema is None:
            schema = arrow_schema(table, {field["name"]: array.type for field, array in zip(fields, typed)})
        elif any(array.type != kept.type for array, kept in zip(typed, schema)):
            raise MixedColumn(name)
        yield pa.RecordBatch.from_arrays(typed, schema=schema)


def engine_texts(package: Package, name: str) -> Iterator[list[pa.Array]] | None:
    """The text columns of a single CSV file as the engine reads it; None where the engine does not read it."""
    from .engine.cells import Unsupported
    from .engine.plan import resource_plan

    try:
        plan = resource_plan(package.resource(name), package.root, package.safe_path)
    except Unsupported:
        return None
    if len(plan.paths) != 1 or plan.parquet or not plan.header:
        return None
    return engine_columns(plan)


def engine_columns(plan) -> Iterator[list[pa.Array]]:
    from .engine.reading import NeedsExactReader, arrow_batches, exact_batches, read_layout

    path, width = plan.paths[0], len(plan.fields)
    layout = read_layout(path, plan.encoding, plan.dialect, plan.tsv, True)
    done = 0
    try:
        for batch in arrow_batches(path, layout, width, True):
            done += len(batch.row_numbers)
            yield from sliced(batch.columns)
    except NeedsExactReader:  # a file Arrow reads differently from frictionless: Python's csv module
        skipped = done
        for batch in exact_batches(path, layout, width, True):
            columns = batch.columns
            if skipped:
                take = min(skipped, len(columns[0]))
                columns, skipped = [column[take:] for column in columns], skipped - take
            if len(columns[0]):
                yield from sliced(columns)


def sliced(columns: list[pa.Array]) -> Iterator[list[pa.Array]]:
    total = len(columns[0]) if columns else 0
    for start in range(0, total, BATCH_ROWS):
        yield [column[start : start + BATCH_ROWS] for column in columns]


def missing_values(table: dict, field: dict) -> list[str]:
    from .engine.cells import missing_texts

    declared = field.get("missingValues", table["schema"].get("missingValues", [""]))
    return missing_texts(declared)


def typed_column(text: pa.Array, field: dict, missing: list[str]) -> pa.Array:
    """A text column as the field's Arrow type, missing values null."""
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    if missing:
        text = pc.if_else(pc.is_in(text, value_set=pa.array(missing, pa.string())), None, text)
    kind = field.get("type", "any")
    if kind in ("string", "any"):
        return text
    if field.get("format", "default") == "default" and plain_numbers(field):
        if kind in CASTS:
            try:
                return pc.cast(text, CASTS[kind])
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                pass  # "+5", " 5", "1_000"…: read each distinct text as frictionless reads it
        if kind == "boolean":
            return booleans(text, field)
    return per_distinct(text, field)


def plain_numbers(field: dict) -> bool:
    return (
        field.get("bareNumber", True) is True
        and field.get("groupChar") in (None, "")
        and field.get("decimalChar", ".") == "."
    )


def booleans(text: pa.Array, field: dict) -> pa.Array:
    true = pc.is_in(text, value_set=pa.array(field.get("trueValues", DEFAULT_TRUE), pa.string()))
    false = pc.is_in(text, value_set=pa.array(field.get("falseValues", DEFAULT_FALSE), pa.string()))
    return pc.if_else(false, False, pc.if_else(true, True, None))


def per_distinct(text: pa.Array, field: dict) -> pa.Array:
    """The engine's reader (frictionless's rules) applied once per distinct text."""
    from .engine.cells import value_reader

    encoded = pc.dictionary_encode(text)
    read = value_reader(field)
    values = [None if cell is None else read(cell) for cell in encoded.dictionary.to_pylist()]
    to = arrow_type(field, values)
    distinct = pa.array([arrow_value(value, field, to) for value in values], type=to)
    return distinct.take(encoded.indices)


def frictionless_batches(package: Package, name: str) -> Iterator[pa.RecordBatch]:
    """Rows through frictionless, a batch at a time (a datetime column's type is decided by its first batch)."""
    table = package.table(name)
    fields = table["schema"]["fields"]
    pending: list = []
    schema = None
    for row in rows(package, name):
        pending.append(row.values)
        if len(pending) == BATCH_ROWS:
            batch, schema = values_batch(table, fields, pending, schema)
            pending = []
            yield batch
    if pending or schema is None:
        yield values_batch(table, fields, pending, schema)[0]


def values_batch(table: dict, fields: list[dict], values: list[dict], schema: pa.Schema | None):
    columns = {field["name"]: [row.get(field["name"]) for row in values] for field in fields}
    if schema is None:
        schema = arrow_schema(table, {f["name"]: arrow_type(f, columns[f["name"]]) for f in fields})
    try:
        arrays = [
            pa.array(
                [arrow_value(value, field, kept.type) for value in columns[field["name"]]], type=kept.type
            )
            for field, kept in zip(fields, schema)
        ]
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError) as error:
        raise MixedColumn(table["name"]) from error
    return pa.RecordBatch.from_arrays(arrays, schema=schema), schema
