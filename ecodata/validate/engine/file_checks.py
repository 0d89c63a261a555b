"""Check one file (a resource, or one part of it): header, rows, cells, and the key texts to compare later.

`check_file` is a plain function of plain data, so the same call runs in this process, in a process
pool for the parts of a multipart resource, or on a Dask worker. Row numbers it returns are local
to the file; `package_checks.py` shifts them once it knows how many rows the earlier parts had.
"""

from __future__ import annotations

import codecs
import copy
import dataclasses
import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..report import Finding
from . import messages
from .cells import DEFAULT_TYPE, STRING_KINDS, value_reader
from .columns import ColumnChecker
from .keys import KeyColumn, KeyKind, KeyName, canonical, composite, keys_missing
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

READ_AGAIN = "read again"  # RowChecker.kept when the text read was more than it could keep


@dataclass
class KeySpec:
    name: KeyName
    fields: list[str]
    skip_any_null: bool = False  # uniqueKeys compare only complete keys
    # a foreign key whose parent was read first: its keys, so that only the child keys missing from
    # them are kept (keys.lookup_of)
    lookup: pa.Array | None = None


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
        Finding("extra-label", messages.FIXED["extra-label"], cell=label) for label in labels[len(fields) :]
    ]
    problems += [
        Finding("missing-label", messages.FIXED["missing-label"], field=spec["name"])
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
        problems.append(Finding(kind, messages.FIXED[kind], field=spec["name"], cell=label))
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
            elif reader == "stream":
                rows.lines.known = False  # Arrow's streaming reader does not say where a row starts
                batches = arrow_batches(
                    job.path, layout, width, job.has_header_row, on_bytes, hasher, labels, start
                )
                for batch in read_ahead(batches):
                    rows.check(batch)
            else:
                batches = exact_batches(
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


class RowChecker:
    """Cells, rows and key texts of one file, batch after batch."""

    def __init__(
        self, plan: ResourcePlan, expected: list[dict], key_specs: list[KeySpec], keep_keys: bool = True
    ):
        self.plan = plan
        self.expected = expected
        names = {spec["name"] for spec in expected}
        self.key_specs = [
            spec for spec in key_specs if spec.name.kind is KeyKind.REFERENCED or set(spec.fields) <= names
        ]
        keyed = {name for spec in self.key_specs for name in spec.fields}
        self.categories = {
            spec["name"]: category_keys(spec) for spec in expected if isinstance(spec.get("categories"), list)
        }
        self.checkers = [
            ColumnChecker(
                spec, plan.missing_for(spec), spec["name"] in keyed or spec["name"] in self.categories
            )
            for spec in expected
        ]
        self.strings = {spec["name"]: spec.get("type", DEFAULT_TYPE) in STRING_KINDS for spec in expected}
        self.problems: list[Finding] = []
        self.keys = {
            spec.name: KeyColumn(watch_order=spec.name.must_not_repeat, keep=keep_keys)
            for spec in self.key_specs
        }
        self.count = 0
        self.pool = column_threads()
        self.lines = LineMap()
        self.piece: tuple = (0, 0, None, False)  # a fork's rows, lines, row starts and header (lines.py)
        self.kept: list[Batch] | str | None = None  # the batches checked, when they are to be kept;
        # READ_AGAIN once they hold more than keep_bytes of text: the declared checks then read the
        # file again, a piece at a time, rather than memory growing with the file
        self.kept_bytes = self.keep_bytes = 0

    def fork(self) -> RowChecker:
        """A checker with the same columns and nothing found yet, checking on the calling thread."""
        part = copy.copy(self)
        part.problems, part.count, part.pool = [], 0, None
        part.kept, part.kept_bytes = ([] if isinstance(self.kept, list) else None), 0
        part.keys = {name: KeyColumn() for name in self.keys}  # followed once absorbed, in row order
        return part

    def absorb(self, part: RowChecker, first_row: int) -> int:
        """Take a fork's findings, its row 0 being `first_row`; returns the row after its last."""
        rows, lines, starts, header = part.piece
        self.lines.add_piece(first_row, rows, lines, starts, header)
        self.problems += [
            dataclasses.replace(problem, row=problem.row + first_row) for problem in part.problems
        ]
        for name, column in part.keys.items():
            self.keys[name].extend(column.shifted(first_row))
        if part.kept == READ_AGAIN:  # a piece of more text than the whole may keep
            self.kept = READ_AGAIN
        elif isinstance(self.kept, list) and part.kept is not None:
            self.keep([shifted(batch, first_row) for batch in part.kept])
        self.count += part.count
        return first_row + part.count

    def keep(self, batches: list[Batch]) -> None:
        self.kept += batches
        self.kept_bytes += sum(column.nbytes for batch in batches for column in batch.columns)
        if self.kept_bytes > self.keep_bytes:
            self.kept = READ_AGAIN

    def check(self, batch: Batch) -> None:
        if isinstance(self.kept, list):
            self.keep([batch])
        count = len(batch.row_numbers)
        self.count += count + len(batch.irregular)
        if count:
            self.check_regular(batch, count)
        if batch.irregular:
            self.check_irregular(batch.irregular)

    def check_regular(self, batch: Batch, count: int) -> None:
        spread = self.pool.map if self.pool is not None else map
        results = list(spread(ColumnChecker.check, self.checkers, batch.columns))
        blank_rows = (
            np.logical_and.reduce([result.blank for result in results]) if results else np.ones(count, bool)
        )
        for spec, column, result in zip(self.expected, batch.columns, results):
            for kind, name, positions in result.errors:
                positions = positions[~blank_rows[positions]]
                for position, text in zip(positions, column.take(pa.array(positions)).to_pylist()):
                    self.problems.append(
                        cell_problem(kind, name, spec, text, int(batch.row_numbers[position]))
                    )
        for position in np.flatnonzero(blank_rows):
            self.problems.append(
                Finding("blank-row", messages.FIXED["blank-row"], row=int(batch.row_numbers[position]))
            )
        field_keys = {spec["name"]: result.keys for spec, result in zip(self.expected, results)}
        self.collect(field_keys, batch.row_numbers, count, lambda name: column_of(batch, self.expected, name))

    def check_irregular(self, rows: list[tuple[int, list[str]]]) -> None:
        values_by_field: dict[str, list] = {spec["name"]: [] for spec in self.expected}
        numbers = []
        for number, cells in rows:
            values = self.check_one_row(number, cells)
            for spec, value in zip(self.expected, values):
                values_by_field[spec["name"]].append(canonical(value))
            numbers.append(number)
        field_keys = {name: pa.array(keys, pa.string()) for name, keys in values_by_field.items()}
        texts = {
            spec["name"]: [cells[index] if index < len(cells) else None for _, cells in rows]
            for index, spec in enumerate(self.expected)
        }
        self.collect(
            field_keys,
            np.asarray(numbers, dtype=np.int64),
            len(rows),
            lambda name: pa.array(texts[name], pa.string()),
        )

    def check_one_row(self, number: int, cells: list[str]) -> list:
        """frictionless's Row processing for a row whose cell count differs from the header's."""
        problems, values, blanks = [], [], 0
        for index, (spec, checker) in enumerate(zip(self.expected, self.checkers)):
            source = cells[index] if index < len(cells) else None
            value, notes = checker.read_cell(source)
            if value is None and "type" not in notes:
                blanks += 1
            for note in notes:
                kind = "type-error" if note == "type" else "constraint-error"
                problems.append(
                    cell_problem(
                        kind, None if note == "type" else note, spec, "" if source is None else source, number
                    )
                )
            values.append(None if "type" in notes else value)
        for cell in cells[len(self.expected) :]:
            problems.append(Finding("extra-cell", messages.extra_cell(cell), row=number, cell=cell))
        for spec in self.expected[len(cells) :]:
            problems.append(
                Finding("missing-cell", messages.FIXED["missing-cell"], row=number, field=spec["name"])
            )
        if blanks == len(self.expected):
            problems = [Finding("blank-row", messages.FIXED["blank-row"], row=number)]
        self.problems += problems
        return values

    def collect(self, field_keys: dict, rows: np.ndarray, count: int, texts) -> None:
        """Key texts for later comparison; empty primary keys and categories are decided here."""
        for name, allowed in self.categories.items():
            keys = field_keys[name]
            outside = pc.and_(pc.is_valid(keys), pc.invert(pc.is_in(keys, value_set=allowed))).to_numpy(
                zero_copy_only=False
            )
            if outside.any():
                shown = texts(name)
                for position in np.flatnonzero(outside):
                    cell = shown[int(position)].as_py()
                    message = f"{cell!r} is not one of its categories"
                    self.problems.append(
                        Finding("category-error", message, row=int(rows[position]), field=name, cell=cell)
                    )
        nulls = pa.nulls(count, pa.string())
        for spec in self.key_specs:
            key, all_null, any_null = composite(
                [field_keys.get(name, nulls) for name in spec.fields],
                [self.strings.get(name, False) for name in spec.fields],
            )
            empty = any_null if spec.skip_any_null else all_null
            if empty.any():
                key = pc.if_else(pa.array(empty), pa.scalar(None, pa.string()), key)
            if spec.lookup is not None:
                key, rows_kept = keys_missing(key, rows, spec.lookup)
                if len(key):
                    self.keys[spec.name].add(key, rows_kept)
            else:
                self.keys[spec.name].add(key, rows)
            if spec.name.kind is KeyKind.PRIMARY:
                for position in np.flatnonzero(all_null):
                    note = 'cells composing the primary keys are all "None"'
                    self.problems.append(
                        Finding("primary-key", messages.primary_key(note), row=int(rows[position]))
                    )


def shifted(batch: Batch, offset: int) -> Batch:
    return Batch(
        batch.row_numbers + offset, batch.columns, [(row + offset, cells) for row, cells in batch.irregular]
    )


THREADS = os.cpu_count() or 1
_threads: dict[int, ThreadPoolExecutor] = {}


def column_threads() -> ThreadPoolExecutor:
    """Threads that parse and check a file's pieces side by side, or one batch's columns (Arrow releases the GIL).

    One pool per process: a forked worker inherits the parent's pool object but not its threads.
    """
    pid = os.getpid()
    if pid not in _threads:
        _threads.clear()
        _threads[pid] = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="ecodata-column")
    return _threads[pid]


def column_of(batch: Batch, expected: list[dict], name: str) -> pa.Array:
    return batch.columns[[spec["name"] for spec in expected].index(name)]


def cell_problem(kind: str, name: str | None, spec: dict, text: str, row: int) -> Finding:
    if kind == "type-error":
        message = messages.type_error(text, spec.get("type", DEFAULT_TYPE), spec.get("format", "default"))
    else:
        message = messages.constraint_error(text, name, (spec.get("constraints") or {}).get(name))
    return Finding(kind, message, row=row, field=spec["name"], cell=text)


def category_keys(spec: dict) -> pa.Array:
    read = value_reader(spec)
    values = [item["value"] if isinstance(item, dict) else item for item in spec["categories"]]
    return pa.array([canonical(read(value)) for value in values], pa.string())
