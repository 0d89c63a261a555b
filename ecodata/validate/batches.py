"""A valid resource as typed Arrow record batches, read with the validation engine's own readers.

`build` streams these into Parquet and SQLite, so memory stays flat as rows grow. A CSV file, or each
of a list or folder of them, is read as the engine read it when it validated (pieces parsed by Arrow, or Python's csv module where Arrow would
read the file differently), and each text column becomes the schema's type: a vectorised cast for the canonical
spellings, the engine's cell readers (frictionless's rules) once per distinct text for anything else.
What the engine leaves to frictionless (inline data, compressed files, no schema…) is read through
frictionless (`tables.frictionless_rows`), a batch at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pyarrow as pa
import pyarrow.compute as pc

from ..package import Package
from .file_texts import BATCH_ROWS, TextSlice, engine_plan, engine_texts, file_plan, numbered_batches
from .tables import (
    Row,
    arrow_schema,
    arrow_type,
    arrow_value,
    beyond_storage,
    frictionless_rows,
    storable,
    values_batch,
)

DEFAULT_TRUE = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE = ["false", "False", "FALSE", "0"]
CASTS = {"integer": pa.int64(), "year": pa.int64(), "number": pa.float64(), "date": pa.date32()}


class TooLarge(Exception):
    """A value beyond what Arrow, Parquet and SQLite hold (an integer past 64 bits, a number past a
    double's 1.8e308): `args[0]`, the text it was read from."""


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
    for text in texts:
        typed = [
            typed_cells(text, index, field, missing[field["name"]]) for index, field in enumerate(fields)
        ]
        if schema is None:
            schema = arrow_schema(table, {field["name"]: array.type for field, array in zip(fields, typed)})
        elif any(array.type != kept.type for array, kept in zip(typed, schema)):
            raise MixedColumn(name)
        yield pa.RecordBatch.from_arrays(typed, schema=schema)


def typed_cells(text: TextSlice, index: int, field: dict, missing: list[str]) -> pa.Array:
    """`typed_column` of the slice's column `index`; a value it cannot hold is a PackageError naming
    its file, row and field (validation accepts it: frictionless's integers have no bounds)."""
    column = text.columns[index]
    try:
        return typed_column(column, field, missing)
    except TooLarge as error:
        row = text.rows[pc.index(column, error.args[0]).as_py()]
        raise beyond_storage(f"{text.file} (row {row})", field, error.args[0]) from None


def engine_file_texts(package: Package, resource: dict) -> Iterator[Row] | None:
    """A CSV file's rows as the text in it, keyed by its header labels whatever the schema says, as the
    engine reads the file; None where the engine does not read it or its labels are not distinct names
    (frictionless then renames them: `tables.text_rows` reads it)."""
    import dataclasses

    planned = file_plan(package, resource | {"schema": {"fields": []}})
    if planned is None:
        return None
    plan, layout = planned
    labels = layout.labels
    if not labels or "" in labels or len(set(labels)) != len(labels):
        return None
    fields = [{"name": label, "type": "string"} for label in labels]
    batches = numbered_batches(dataclasses.replace(plan, fields=fields, missing=[""]), layout)
    return rows_of(batches, {"schema": {"fields": fields}}, typed=False)


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
                typed = pc.cast(text, CASTS[kind])
                if kind == "number":
                    finite_only(text, typed)
                return typed
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                pass  # "+5", " 5", "1_000"…: read each distinct text as frictionless reads it
        if kind == "boolean":
            return booleans(text, field)
    return per_distinct(text, field)


INFINITIES = ("inf", "infinity")


def finite_only(text: pa.Array, typed: pa.Array) -> None:
    """TooLarge for a number written finite that a double cannot hold (1e400 would be stored as inf)."""
    infinite = pc.is_inf(typed)
    if pc.any(infinite).as_py():
        for cell in pc.filter(text, infinite).to_pylist():
            if cell.strip().lstrip("+-").lower() not in INFINITIES:
                raise TooLarge(cell)


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
    for cell, value in zip(encoded.dictionary.to_pylist(), values):
        if not storable(field, value):
            raise TooLarge(cell)
    distinct = pa.array([arrow_value(value, field, to) for value in values], type=to)
    return distinct.take(encoded.indices)


def engine_batches(package: Package, name: str) -> list | None:
    """A CSV file's batches (row numbers, text columns, rows of another width) as the engine reads
    them; None where the engine does not read the resource."""
    planned = engine_plan(package, name)
    return None if planned is None else list(numbered_batches(*planned))


class FileBatches:
    """A CSV file's batches as the engine reads them, read again each time they are gone through, a
    piece at a time: for the declared checks on a file too large to keep (engine.package_checks.KEPT_BYTES)."""

    def __init__(self, package: Package, name: str):
        self.planned = engine_plan(package, name)

    def __iter__(self):
        return numbered_batches(*self.planned)


def engine_rows(package: Package, name: str) -> Iterator[Row] | None:
    """A CSV file's rows as the engine reads them (text and typed values), for the declared checks;
    None where the engine does not read the resource. Rows of the wrong width keep their text only."""
    batches = engine_batches(package, name)
    return None if batches is None else rows_of(batches, package.table(name))


def rows_of(batches, table: dict, typed: bool = True) -> Iterator[Row]:
    """The rows of the batches in file order; `typed=False`: their text only (values left empty)."""
    fields = table["schema"]["fields"]
    missing = {field["name"]: missing_values(table, field) for field in fields}
    names = [field["name"] for field in fields]
    for batch in batches:
        found: list = []
        if len(batch.row_numbers):
            texts = {name: column.to_pylist() for name, column in zip(names, batch.columns)}
            values = (
                {
                    field["name"]: typed_values(column, field, missing[field["name"]])
                    for column, field in zip(batch.columns, fields)
                }
                if typed
                else {}
            )
            found = [
                BatchRow(number, texts, values, index)
                for index, number in enumerate(batch.row_numbers.tolist())
            ]
        if batch.irregular:
            found += [Row(number, dict(zip(names, cells)), {}) for number, cells in batch.irregular]
            found.sort(key=lambda row: row.number)
        yield from found


class ColumnView(Mapping):
    """One row's cells, looked up in its batch's columns: no dict per row."""

    __slots__ = ("columns", "index")

    def __init__(self, columns: dict[str, list], index: int):
        self.columns, self.index = columns, index

    def __getitem__(self, name: str):
        return self.columns[name][self.index]

    def get(self, name: str, default=None):
        column = self.columns.get(name)
        return default if column is None else column[self.index]

    def __iter__(self):
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)


class BatchRow:
    """A row as `tables.Row` has it (number, cells, values, line), read from a batch's columns."""

    __slots__ = ("index", "line", "number", "texts", "typed")

    def __init__(self, number: int, texts: dict[str, list], typed: dict[str, list], index: int):
        self.number, self.texts, self.typed, self.index, self.line = number, texts, typed, index, None

    @property
    def cells(self) -> ColumnView:
        return ColumnView(self.texts, self.index)

    @property
    def values(self) -> ColumnView:
        return ColumnView(self.typed, self.index)

    def __getitem__(self, name: str) -> str:
        column = self.texts.get(name)
        return (column[self.index] or "") if column is not None else ""


def typed_values(text: pa.Array, field: dict, missing: list[str]) -> list:
    """A column's typed values, or all None where they cannot be had (the standard checks say why)."""
    try:
        return typed_column(text, field, missing).to_pylist()
    except Exception:  # only invalid data gets here; the standard checks report it
        return [None] * len(text)


def frictionless_batches(package: Package, name: str) -> Iterator[pa.RecordBatch]:
    """Rows through frictionless, a batch at a time (a datetime column's type is decided by its first batch)."""
    table = package.table(name)
    pending: list = []
    schema = None
    for row in frictionless_rows(package, name):
        pending.append(row.values)
        if len(pending) == BATCH_ROWS:
            batch, schema = fitted_batch(table, pending, schema)
            pending = []
            yield batch
    if pending or schema is None:
        yield fitted_batch(table, pending, schema)[0]


def fitted_batch(table: dict, values: list[dict], schema: pa.Schema | None):
    try:
        return values_batch(table, values, schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError) as error:
        raise MixedColumn(table["name"]) from error
