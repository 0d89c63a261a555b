"""Check one file (a resource, or one part of it): header, rows, cells, and the key texts to compare later.

This module guesses the file's layout, checks its header, and picks a reader (pieces on the column
threads, one stream, or the exact reader, starting again when one gives up); the rows themselves
are checked by rows.py. `check_file` is a plain function of plain data, so the same call runs in this process, in a process
pool for the parts of a multipart resource, or on a Dask worker. Row numbers it returns are local
to the file; `package_checks.py` shifts them once it knows how many rows the earlier parts had.
"""

from __future__ import annotations

import codecs
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..report import Finding
from . import messages
from .keys import KeyColumn
from .layout import Layout, ReadError, read_layout
from .lines import LineMap, piece_lines
from .plan import ResourcePlan
from .progress import Counted
from .reading import (
    Batch,
    NeedsExactReader,
    NeedsOneStream,
    arrow_batches,
    exact_batches,
    fast_reader_fits,
    file_pieces,
    new_hasher,
    parse_piece,
    read_ahead,
    without_header,
)
from .rows import THREADS, KeySpec, RowChecker, column_threads


@dataclass
class FileJob:
    plan: ResourcePlan
    path: Path
    has_header_row: bool
    layout: Layout | None  # None: read it from this file (the first part, or a part with its own header)
    expected: list[dict] | None  # None: derive from this file's header
    key_specs: list[KeySpec]
    want_hash: bool = False
    start: int = 0  # a later CSV part of a list: the bytes of its first line, which frictionless drops unread
    # the parts frictionless streams after this one, each with "its first line is dropped": the
    # encoding and dialect are guessed from the start of that joined stream
    joined_with: list[tuple[Path, bool]] = field(default_factory=list)
    shared_dialect: dict | None = None  # a later part of a folder: the dialect guessed for the first
    keep_keys: bool = True  # False: a key that rises lets its texts go (keys.KeyColumn)
    keep_bytes: int = 0  # keep up to this much of the text columns read, for the declared checks


@dataclass
class FileOutcome:
    problems: list[Finding] = field(default_factory=list)
    rows: int = 0
    keys: dict[str, KeyColumn] = field(default_factory=dict)
    fatal: tuple[str, str] | None = None  # (error type, note) when the file could not be read through
    layout: Layout | None = None
    expected: list[dict] | None = None
    digest: str | None = None
    size: int = 0
    batches: list[Batch] | str | None = None  # with keep_bytes: see RowChecker.kept
    lines: LineMap = field(default_factory=LineMap)  # each row's physical line


def expected_fields(labels: list[str], fields: list[dict], header: bool) -> list[dict]:
    """The field each column is read as: by position; a column beyond the schema is an `any` field."""
    if not header or not labels:
        return fields
    names: set[str] = set()
    expected = []
    for position, label in enumerate(labels):
        if position < len(fields):
            spec = fields[position]
        else:
            name, suffix = label, 2
            while name in names:
                name, suffix = f"{label}{suffix}", suffix + 1
            spec = {"name": name, "type": "any"}
        names.add(spec["name"])
        expected.append(spec)
    return expected


def header_problems(labels: list[str], fields: list[dict]) -> list[Finding]:
    problems = [
        Finding("extra-label", messages.label_error("extra-label", label, None), cell=label)
        for label in labels[len(fields) :]
    ]
    problems += [
        Finding(
            "missing-label", messages.label_error("missing-label", None, spec["name"]), field=spec["name"]
        )
        for spec in fields[len(labels) :]
    ]
    for position, (spec, label) in enumerate(zip(fields, labels)):
        if not label:
            kind = "blank-label"
        elif label in labels[:position]:
            kind = "duplicate-label"
        elif label != spec["name"]:
            kind = "incorrect-label"
        else:
            continue
        problems.append(
            Finding(kind, messages.label_error(kind, label, spec["name"]), field=spec["name"], cell=label)
        )
    return problems


def check_file(job: FileJob, on_bytes=None) -> FileOutcome:
    plan = job.plan
    outcome = FileOutcome()
    if not job.path.is_file():
        reason = "[Errno 21] Is a directory" if job.path.is_dir() else "[Errno 2] No such file or directory"
        outcome.fatal = ("scheme-error", f"{reason}: '{job.path}'")
        return outcome
    outcome.size = job.path.stat().st_size
    if plan.parquet:
        return check_parquet(job, outcome)
    try:
        layout = job.layout or read_layout(
            job.path,
            plan.encoding,
            plan.dialect,
            plan.tsv,
            job.has_header_row,
            job.joined_with,
            folder=plan.headered_parts,
            dialect=job.shared_dialect,
        )
    except ReadError as error:
        outcome.fatal = (error.type, error.note)
        return outcome
    outcome.layout = layout
    if job.expected is None:
        if not layout.has_rows:
            outcome.problems.append(Finding("source-error", messages.FIXED["source-error"]))
            outcome.expected = plan.fields
            return outcome
        if job.has_header_row and layout.labels:
            outcome.problems += header_problems(layout.labels, plan.fields)
        outcome.expected = expected_fields(layout.labels, plan.fields, job.has_header_row)
    else:
        outcome.expected = job.expected
    width = len(outcome.expected)
    empty_is_missing = all("" in plan.missing_for(spec) for spec in outcome.expected)
    reader = "pieces" if fast_reader_fits(layout, width, empty_is_missing) else "exact"
    header_problems_found = list(outcome.problems)
    labels = layout.labels if job.expected is None else None
    start = job.start
    if job.layout is not None and starts_with_bom(job.path, start):
        reader = "exact"  # a later part's BOM is text in frictionless's one stream; Arrow would drop it
    on_bytes = Counted(on_bytes) if on_bytes is not None else None
    while True:
        hasher = new_hasher(plan.hash) if job.want_hash else None
        rows = RowChecker(plan, outcome.expected, job.key_specs, job.keep_keys)
        rows.kept = [] if job.keep_bytes and outcome.expected == plan.fields else None
        rows.keep_bytes = job.keep_bytes
        rows.lines.next_line = 2 if start else 1  # a later part's first line is dropped unread
        try:
            if reader == "pieces":
                check_in_pieces(job, layout, width, rows, on_bytes, hasher, labels, start)
            else:  # each reader tells rows.lines where rows start, or that it cannot
                read = arrow_batches if reader == "stream" else exact_batches
                batches = read(
                    job.path, layout, width, job.has_header_row, on_bytes, hasher, labels, start, rows.lines
                )
                for batch in read_ahead(batches):
                    rows.check(batch)
        except (NeedsOneStream, NeedsExactReader) as reason:
            reader = "stream" if isinstance(reason, NeedsOneStream) else "exact"
            if on_bytes is not None:
                on_bytes.take_back()  # the progress bar starts the file again
            continue
        except ReadError as error:
            rows.problems.append(Finding(error.type, messages.encoding_error(error.note)))
            rows.kept = None  # read in part: the declared checks read it again, and find it unreadable
        break
    outcome.problems = header_problems_found + rows.problems
    outcome.lines = rows.lines
    outcome.rows = rows.count
    outcome.keys = rows.keys
    outcome.batches = rows.kept
    outcome.digest = hasher.hexdigest() if hasher is not None else None
    return outcome


def starts_with_bom(path: Path, start: int) -> bool:
    with open(path, "rb") as file:
        file.seek(start)
        return file.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8


def check_in_pieces(
    job: FileJob, layout, width: int, rows: RowChecker, on_bytes, hasher, labels, start: int = 0
) -> None:
    """The file cut into pieces at record ends, each parsed and checked on a column thread, merged in order.

    Both cores parse and check at once; one piece more than there are threads is in flight, so
    memory stays flat whatever the file's size.
    """
    pool = column_threads()
    in_flight: deque = deque()
    next_row = 2 if job.has_header_row else 1
    pieces = file_pieces(job.path, on_bytes, hasher, start)
    try:
        for index, (piece, followed) in enumerate(pieces):
            if index and piece[: len(codecs.BOM_UTF8)] == codecs.BOM_UTF8:
                raise NeedsOneStream("a piece starts with a byte-order mark, which Arrow would drop")
            header = job.has_header_row and index == 0
            in_flight.append(pool.submit(check_piece, rows, piece, layout, width, followed, header, labels))
            if len(in_flight) > THREADS:
                next_row = rows.absorb(in_flight.popleft().result(), next_row)
        while in_flight:
            next_row = rows.absorb(in_flight.popleft().result(), next_row)
    finally:  # on the way out after an error: no thread still reads this file when it is read again
        for future in in_flight:
            future.cancel()
        for future in in_flight:
            if not future.cancelled():
                future.exception()
        pieces.close()


def check_piece(rows: RowChecker, piece: memoryview, layout, width, followed, header, labels) -> RowChecker:
    """One piece's findings and keys, with row numbers counted from 0 within the piece."""
    columns = parse_piece(piece, layout, width, followed)
    if header and columns and len(columns[0]):
        columns = without_header(columns, labels)
    part = rows.fork()
    count = len(columns[0]) if columns else 0
    if count:
        part.check(Batch(np.arange(count, dtype=np.int64), columns))
    part.piece = (count, *piece_lines(piece, count, header, layout.dialect, layout.encoding), header)
    return part


def check_parquet(job: FileJob, outcome: FileOutcome) -> FileOutcome:
    """A Parquet part: its column names are the header, its values read back as text."""
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(job.path)
    labels = parquet.schema_arrow.names
    outcome.problems += header_problems(labels, job.plan.fields)
    outcome.expected = expected_fields(labels, job.plan.fields, True)
    rows = RowChecker(job.plan, outcome.expected, job.key_specs, job.keep_keys)
    next_row = 2
    for record_batch in parquet.iter_batches(batch_size=65_536):
        columns = [pc.fill_null(pc.cast(column, pa.string()), "") for column in record_batch.columns]
        count = record_batch.num_rows
        rows.check(Batch(np.arange(next_row, next_row + count, dtype=np.int64), columns))
        next_row += count
    outcome.problems += rows.problems
    outcome.rows = rows.count
    outcome.keys = rows.keys
    return outcome
