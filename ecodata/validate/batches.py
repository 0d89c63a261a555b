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
from typing import NamedTuple

import pyarrow as pa
import pyarrow.compute as pc

from ..package import Package
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

BATCH_ROWS = 65_536
DEFAULT_TRUE = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE = ["false", "False", "FALSE", "0"]
CASTS = {"integer": pa.int64(), "year": pa.int64(), "number": pa.float64(), "date": pa.date32()}


class TextSlice(NamedTuple):
    """Up to BATCH_ROWS rows of a file, as text columns, and the number frictionless gives each row."""

    file: str  # its path in the package
    rows: object  # numpy array of row numbers
    columns: list[pa.Array]


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


def engine_plan(package: Package, name: str):
    """(the engine's plan, the file's layout) for a resource that is one CSV file with a header row, as
    the engine reads it; None for anything else (frictionless reads it)."""
    return file_plan(package, package.resource(name))


def file_plan(package: Package, resource: dict):
    """`engine_plan` for a resource descriptor as given (its schema as it is)."""
    plan = read_plan(package, resource)
    return None if plan is None or len(plan.paths) != 1 else with_layout(plan)


class Part(NamedTuple):
    """One file of a resource as validation reads it: its plan (of that file alone) and layout, whether
    its first line is a header, and where its rows start (a later part of a list: after its first
    line, which frictionless drops unread)."""

    plan: object
    layout: object
    header: bool = True
    start: int = 0


def file_plans(package: Package, resource: dict) -> list[Part] | None:
    """`file_plan` as a list of one part; for a folder of CSV parts (as Spark or Dask write them, each
    with its header), or a list of CSV files (a multipart resource), a part per file, as validation
    reads them. None for anything else (frictionless reads it, and cannot open a folder: a folder of
    Parquet parts is not built)."""
    from .engine.cells import Unsupported

    plan = read_plan(package, resource)
    if plan is None:
        return None
    if len(plan.paths) == 1:
        single = with_layout(plan)
        return None if single is None else [Part(*single)]
    try:
        return folder_parts(plan) if plan.headered_parts else listed_parts(plan)
    except Unsupported:  # a header row frictionless would guess
        return None


def folder_parts(plan) -> list[Part]:
    """Each part with its own header, in the dialect guessed for the first."""
    import dataclasses

    from .engine.layout import read_layout

    first, *later = plan.paths
    layout = read_layout(
        first, plan.encoding, plan.dialect, plan.tsv, True, [(path, True) for path in later], folder=True
    )
    layouts = [layout] + [
        read_layout(path, plan.encoding, plan.dialect, plan.tsv, True, folder=True, dialect=layout.dialect)
        for path in later
    ]
    return [Part(dataclasses.replace(plan, paths=[path]), each) for path, each in zip(plan.paths, layouts)]


def listed_parts(plan) -> list[Part]:
    """The first file's header and layout for all, guessed from the stream frictionless reads (the
    files one after another); a later CSV file's first line is dropped, as frictionless drops it, and
    its byte-order mark is text (see engine/resources.py, which validates them so)."""
    import dataclasses

    from .engine.layout import first_line_length, read_layout

    first, *later = plan.paths
    layout = read_layout(
        first, plan.encoding, plan.dialect, plan.tsv, True, [(path, not plan.tsv) for path in later]
    )
    rest = dataclasses.replace(layout, encoding="utf-8") if layout.encoding == "utf-8-sig" else layout
    return [Part(dataclasses.replace(plan, paths=[first]), layout)] + [
        Part(dataclasses.replace(plan, paths=[path]), rest, False, 0 if plan.tsv else first_line_length(path))
        for path in later
    ]


def read_plan(package: Package, resource: dict):
    """The engine's plan of a resource of CSV files with a header row; None for anything else."""
    from .engine.cells import Unsupported
    from .engine.plan import resource_plan

    try:
        plan = resource_plan(resource, package.root, package.safe_path)
    except Unsupported:
        return None
    return None if plan.parquet or not plan.header else plan


def with_layout(plan) -> tuple | None:
    """(plan, the layout of its one file), as the engine guessed it when it validated; None where the
    engine hands the file to frictionless (a header row frictionless would guess)."""
    from .engine.cells import Unsupported
    from .engine.layout import read_layout

    try:
        return plan, read_layout(plan.paths[0], plan.encoding, plan.dialect, plan.tsv, True)
    except Unsupported:
        return None


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


def engine_texts(package: Package, name: str) -> Iterator[TextSlice] | None:
    """The text columns of a single CSV file, or of each part of a folder or list of CSV files, as the
    engine reads them, rows numbered as validation numbers them; None where the engine does not read it."""
    parts = file_plans(package, package.resource(name))
    return None if parts is None else texts_of(package, parts)


def texts_of(package: Package, parts: list[Part]) -> Iterator[TextSlice]:
    rows_before = 0
    for part in parts:
        shift = rows_before + (0 if part.header else 1)  # as if one file with one header row
        count = 0
        for batch in numbered_batches(part.plan, part.layout, header=part.header, start=part.start):
            count += len(batch.row_numbers)
            for rows, columns in sliced(batch):
                yield TextSlice(package.relative(part.plan.paths[0]), rows + shift, columns)
        rows_before += count


def numbered_batches(plan, layout, lines=None, header: bool = True, start: int = 0):
    """The engine's batches of the file, read as it read the file when it validated, rows numbered as
    frictionless numbers them: in pieces parsed by Arrow one at a time, so memory stays flat; from
    where that cannot go on, Arrow's streaming reader; from where that cannot, Python's csv module (a
    file Arrow reads differently from frictionless). Where Arrow's parser does not fit the dialect,
    Python's csv module from the start.

    `lines` (an engine.lines.LineMap) is told the line each row starts on; the streaming reader,
    which does not say, is then passed over for Python's csv module. A later part of a list has no
    `header` row, and its rows `start` after its first line.
    """
    from .engine.file_checks import starts_with_bom
    from .engine.reading import (
        NeedsExactReader,
        NeedsOneStream,
        arrow_batches,
        exact_batches,
        fast_reader_fits,
    )

    path, width = plan.paths[0], len(plan.fields)
    empty_is_missing = all("" in plan.missing_for(spec) for spec in plan.fields)
    fast = fast_reader_fits(layout, width, empty_is_missing)
    readers = [piece_batches, arrow_batches, exact_batches] if fast else [exact_batches]
    if lines is not None and arrow_batches in readers:
        readers.remove(arrow_batches)
    if not header and starts_with_bom(path, start):
        readers = [exact_batches]  # a later part's byte-order mark is text to frictionless; Arrow drops it
    last = 1 if header else 0
    while readers:
        reader = readers.pop(0)
        if lines is not None:
            lines.restart()  # each reader starts from the top of the file
        try:
            for batch in reader(path, layout, width, header, start=start, lines=lines):
                batch = rows_after(batch, last)
                if len(batch.row_numbers):
                    last = int(batch.row_numbers[-1])
                yield batch
            return
        except NeedsOneStream:
            continue
        except NeedsExactReader:
            readers = [exact_batches]


def piece_batches(path, layout, width: int, header: bool, start: int = 0, lines=None):
    """The file in pieces, each parsed by Arrow as the engine parses it when it checks the file."""
    import codecs

    import numpy as np

    from .engine.lines import piece_lines
    from .engine.reading import Batch, NeedsOneStream, file_pieces, parse_piece, without_header

    next_row = 2 if header else 1
    for index, (piece, followed) in enumerate(file_pieces(path, start=start)):
        if index and piece[: len(codecs.BOM_UTF8)] == codecs.BOM_UTF8:
            raise NeedsOneStream("a piece starts with a byte-order mark, which Arrow would drop")
        columns = parse_piece(piece, layout, width, followed)
        first = header and index == 0
        if first and columns and len(columns[0]):
            columns = without_header(columns, None)
        count = len(columns[0]) if columns else 0
        if lines is not None:
            counted = piece_lines(piece, count, first, layout.dialect, layout.encoding)
            lines.add_piece(next_row, count, *counted, first)
        yield Batch(np.arange(next_row, next_row + count, dtype=np.int64), columns)
        next_row += count


def rows_after(batch, last: int):
    """The batch without the rows up to `last`, which an earlier reader gave before it had to stop."""
    keep = batch.row_numbers > last
    if keep.all():
        return batch
    return type(batch)(
        batch.row_numbers[keep],
        [column.filter(pa.array(keep)) for column in batch.columns],
        [(number, cells) for number, cells in batch.irregular if number > last],
    )


def sliced(batch) -> Iterator[tuple]:
    """(row numbers, text columns) of BATCH_ROWS rows at a time."""
    total = len(batch.row_numbers)
    for start in range(0, total, BATCH_ROWS):
        end = start + BATCH_ROWS
        yield batch.row_numbers[start:end], [column[start:end] for column in batch.columns]


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
