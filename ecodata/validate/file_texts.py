"""A resource's CSV files as the validation engine read them: which files (one, a folder of parts, a
list), each one's layout, and their text columns in batches, rows numbered as frictionless numbers
them. `batches.py` types these columns; `diff`, `new-row` and the CSV copies read the text itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import pyarrow as pa

from ..package import Package

BATCH_ROWS = 65_536  # rows a batch of text (and of typed values) holds at most


class TextSlice(NamedTuple):
    """Up to BATCH_ROWS rows of a file, as text columns, and the number frictionless gives each row."""

    file: str  # its path in the package
    rows: object  # numpy array of row numbers
    columns: list[pa.Array]


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
