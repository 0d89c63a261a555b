"""Read a CSV file once, as batches of string columns, with the row numbers frictionless gives them,
in the layout (encoding, dialect, labels) that layout.py guessed.

Three readers share one output (`Batch`), tried in this order:
- pieces: the file cut at line ends into pieces of a few MB, each parsed by `pyarrow.csv` on its
  own thread (`file_pieces`, `parse_piece`), so every core parses. A cut that may fall inside a
  quoted cell raises `NeedsOneStream`;
- one stream: `pyarrow.csv` reading the file block after block on one thread (`arrow_batches`);
- exact: Python's `csv` module fed the way frictionless feeds it (same encoding guess, same dialect
  sniffing, same 100-line sample), for a file Arrow cannot represent exactly — a row with too few or
  too many cells, bytes that do not decode, a dialect Arrow does not speak — which the Arrow readers
  signal with `NeedsExactReader`. Such files still give the same rows, numbers and errors.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from .layout import SAMPLE_LINES, Layout, ProgressFile, ReadError, open_text

BLOCK_SIZE = 1 << 20
EXACT_BATCH_ROWS = 50_000
READ_AHEAD = 2  # batches parsed and waiting while the current one is checked
PIECE_SIZE = 4 << 20  # bytes read per piece of a file cut for parallel parsing, at most...
SMALLEST_PIECE = 1 << 20  # ...and at least, aiming at 8 pieces: both threads busy to the end, memory low
LONGEST_PIECE = 8 * PIECE_SIZE  # no record boundary within this: read the file as one stream


class NeedsExactReader(Exception):
    """The fast reader met something only the exact reader reproduces; start the file again."""


class NeedsOneStream(Exception):
    """The file cannot be cut safely into pieces (a cut may fall inside a quoted cell, or no line end within reach)."""


@dataclass
class Batch:
    row_numbers: np.ndarray  # rowNumber of each regular row (header = 1)
    columns: list[pa.Array]  # one string array per expected column, regular rows only
    irregular: list[tuple[int, list[str]]] = field(default_factory=list)  # rows whose cell count differs


def fast_reader_fits(layout: Layout, width: int, empty_is_missing: bool) -> bool:
    """Arrow's parser agrees with Python's csv module on this dialect and shape."""
    dialect = layout.dialect
    return (
        layout.encoding in ("utf-8", "utf-8-sig")
        and width >= 2  # one column: Arrow cannot tell an empty line from an empty cell
        and empty_is_missing  # an empty line is [] to Python and a row of "" to Arrow
        and dialect["quotechar"] == '"'
        and dialect["doublequote"]
        and dialect["escapechar"] is None
        and not dialect["skipinitialspace"]
        and len(dialect["delimiter"]) == 1
        and dialect["delimiter"] not in '"\r\n'
    )


def arrow_options(layout: Layout, width: int, check_utf8: bool = True, **read_options):
    """pyarrow.csv options that read every cell as it is written: text, nothing null, no line skipped."""
    import pyarrow.csv as arrow_csv

    names = [f"f{index}" for index in range(width)]
    return {
        "read_options": arrow_csv.ReadOptions(column_names=names, **read_options),
        "parse_options": arrow_csv.ParseOptions(
            delimiter=layout.dialect["delimiter"],
            quote_char='"',
            double_quote=True,
            escape_char=False,
            newlines_in_values=True,
            ignore_empty_lines=False,
        ),
        "convert_options": arrow_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            check_utf8=check_utf8,
        ),
    }


def without_header(columns: list[pa.Array], labels: list[str] | None) -> list[pa.Array]:
    """The columns after their first row, which must read as `labels` (None: a later part, not compared)."""
    first = [column[0].as_py().strip() for column in columns]
    if labels is not None and first != labels:
        raise NeedsExactReader("the header reads differently")
    return [column.slice(1) for column in columns]


def arrow_batches(
    path: Path,
    layout: Layout,
    width: int,
    header: bool,
    on_bytes=None,
    hasher=None,
    labels: list[str] | None = None,
    start: int = 0,
    lines=None,
) -> Iterator[Batch]:
    """Stream the file with pyarrow.csv; raise NeedsExactReader on anything Arrow would read differently.

    `labels`: what the header row must read as (None for a later part, whose header is skipped unread).
    `lines` (a lines.LineMap) is marked unknown: this reader does not say where a row starts.
    """
    if lines is not None:
        lines.known = False
    import pyarrow.csv as arrow_csv

    source = io.BufferedReader(ProgressFile(path, on_bytes, hasher, start), buffer_size=BLOCK_SIZE)
    try:
        reader = arrow_csv.open_csv(source, **arrow_options(layout, width, block_size=BLOCK_SIZE))
        next_row = 1
        for record_batch in reader:
            columns = list(record_batch.columns)
            if next_row == 1 and header and record_batch.num_rows:
                columns = without_header(columns, labels)
                next_row = 2
            count = len(columns[0]) if columns else 0
            if count:
                yield Batch(np.arange(next_row, next_row + count, dtype=np.int64), columns)
            next_row += count
    except (pa.ArrowInvalid, UnicodeDecodeError) as error:
        raise NeedsExactReader(str(error)) from error
    finally:
        source.close()


def file_pieces(path: Path, on_bytes=None, hasher=None, start: int = 0) -> Iterator[tuple[memoryview, bool]]:
    """The file in pieces of an eighth of it (1 to 4 MB), each ending at a line end: (piece, more follow).

    A line end may fall inside a quoted cell; `parse_piece` finds that out (see there) and raises
    NeedsOneStream. Each piece is a buffer of its own, read into once and not copied.
    """
    size = min(PIECE_SIZE, max(SMALLEST_PIECE, path.stat().st_size // 8))
    with ProgressFile(path, on_bytes, hasher, start) as source:
        carried = b""  # the start of a line the last piece did not end
        while True:
            buffer = bytearray(len(carried) + size)
            buffer[: len(carried)] = carried
            filled = len(carried) + (source.readinto(memoryview(buffer)[len(carried) :]) or 0)
            if filled == len(carried):  # the end of the file
                if carried:
                    yield memoryview(carried), False
                return
            end = buffer.rfind(b"\n", 0, filled) + 1
            if end == 0:
                if filled > LONGEST_PIECE:
                    raise NeedsOneStream("no line end within reach")
                carried = bytes(buffer[:filled])
                continue
            carried = bytes(buffer[end:filled])
            yield memoryview(buffer)[:end], True


def parse_piece(piece: memoryview, layout: Layout, width: int, followed: bool) -> list[pa.Array]:
    """One piece of a file as string columns, exactly as the streaming reader would give its rows.

    Parsed from a record start, a piece reads as in one stream up to its end; what can differ is
    only the end, if its last line end is inside a quoted cell. Arrow then takes the rest of the
    piece, that line end included, as the cell: a short row (an error here) or, in the last column,
    a cell ending in a line end. A piece followed by another gives NeedsOneStream on either.
    """
    import pyarrow.csv as arrow_csv

    data = np.frombuffer(piece, dtype=np.uint8)
    ascii = not len(data) or data.max() < 0x80  # ASCII is valid UTF-8: skip Arrow's slower check
    try:
        table = arrow_csv.read_csv(
            pa.BufferReader(pa.py_buffer(piece)),
            **arrow_options(
                layout, width, block_size=len(piece) + 1, use_threads=False, check_utf8=not ascii
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as error:
        if followed:
            raise NeedsOneStream(str(error)) from error  # the stream reader tells a bad row from a bad cut
        raise NeedsExactReader(str(error)) from error
    columns = [
        column.chunk(0) if column.num_chunks == 1 else column.combine_chunks() for column in table.columns
    ]
    if followed and columns and len(columns[-1]) and columns[-1][-1].as_py().endswith("\n"):
        raise NeedsOneStream("the piece may end inside a quoted cell")
    return columns


def exact_batches(
    path: Path,
    layout: Layout,
    width: int,
    header: bool,
    on_bytes=None,
    hasher=None,
    labels: list[str] | None = None,
    start: int = 0,
    lines=None,
) -> Iterator[Batch]:
    """Python's csv module, fed exactly as frictionless feeds it; slower, but any file, any dialect.

    `lines` (a lines.LineMap) is told the line each row starts on."""
    text = open_text(path, layout.encoding, on_bytes, hasher, start)
    first_data = 2 if header else 1
    regular: list[list[str]] = []
    numbers: list[int] = []
    irregular: list[tuple[int, list[str]]] = []
    failure = None
    try:
        sample = list(itertools.islice(text, SAMPLE_LINES))
        reader = csv.reader(itertools.chain(sample, text), **layout.dialect)
        line = 2 if start else 1  # a later part's dropped first line
        for number, cells in enumerate(reader, start=1):
            if lines is not None:
                lines.add_row(number, line)
            line = reader.line_num + (2 if start else 1)
            if number < first_data:
                continue
            if len(cells) == width:
                regular.append(cells)
                numbers.append(number)
            else:
                irregular.append((number, cells))
            if len(regular) + len(irregular) >= EXACT_BATCH_ROWS:
                yield to_batch(regular, numbers, irregular, width)
                regular, numbers, irregular = [], [], []
    except UnicodeDecodeError as error:  # the rows read so far still count, as in frictionless
        failure = ReadError("encoding-error", str(error))
    except csv.Error as error:
        failure = ReadError("source-error", str(error))
    finally:
        text.close()
    if regular or irregular:
        yield to_batch(regular, numbers, irregular, width)
    if failure is not None:
        raise failure


def to_batch(regular, numbers, irregular, width) -> Batch:
    columns = [pa.array([row[index] for row in regular], pa.string()) for index in range(width)]
    return Batch(np.asarray(numbers, dtype=np.int64), columns, irregular)


def read_ahead(batches: Iterator[Batch], depth: int = READ_AHEAD) -> Iterator[Batch]:
    """The same batches, read by a thread of their own, so the next block is parsed while this one is checked.

    An error the reader raises comes out here, in order, after the batches read before it. If the
    caller stops early, the reader stops too and its file is closed before this generator returns.
    """
    waiting: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def hand_over(item) -> bool:
        while not stop.is_set():
            try:
                waiting.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        try:
            for batch in batches:
                if not hand_over(batch):
                    return
            hand_over(done)
        except BaseException as error:  # handed to the caller, who raises it
            hand_over(error)
        finally:
            batches.close()

    reader = threading.Thread(target=produce, name="ecodata-read", daemon=True)
    reader.start()
    try:
        while (item := waiting.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join()


CHECKED_HASHES = ("md5", "sha256")  # what frictionless compares a resource's `hash` with: the engine too


def hash_algorithm(hash_property: str) -> str:
    """The algorithm a resource's `hash` names: `{algorithm}:{hash}`, or a bare md5."""
    return hash_property.split(":", 1)[0] if ":" in hash_property else "md5"


def new_hasher(hash_property: str | None):
    """A hashlib object for a resource's `hash` ("sha256:…" or a bare md5), or None."""
    if not hash_property:
        return None
    algorithm = hash_algorithm(hash_property)
    return hashlib.new(algorithm) if algorithm in CHECKED_HASHES else None
