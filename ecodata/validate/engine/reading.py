"""Read a CSV file once, as batches of string columns, with the row numbers frictionless gives them.

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

import codecs
import csv
import hashlib
import io
import itertools
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

SAMPLE_LINES = 100  # frictionless sniffs the dialect and reads the header from this many lines
LONGEST_LINE = (
    64 << 20
)  # characters in one of those lines: a whole file on one line is refused in bounded memory
# cells in the first row: a header of millions of labels is refused, not checked one by one
MOST_COLUMNS = 65_536
ENCODING_BUFFER = 100_000  # ...and guesses the encoding from this many bytes
ENCODING_CONFIDENCE = 0.5
LINE_CHUNK = 100_000  # frictionless reads each part of a multipart resource in chunks of this size
BLOCK_SIZE = 1 << 20
EXACT_BATCH_ROWS = 50_000
READ_AHEAD = 2  # batches parsed and waiting while the current one is checked
PIECE_SIZE = 4 << 20  # bytes read per piece of a file cut for parallel parsing, at most...
SMALLEST_PIECE = 1 << 20  # ...and at least, aiming at 8 pieces: both threads busy to the end, memory low
LONGEST_PIECE = 8 * PIECE_SIZE  # no record boundary within this: read the file as one stream
csv.field_size_limit(2**31 - 1)  # as frictionless does: a huge cell is data, not a parse error


class NeedsExactReader(Exception):
    """The fast reader met something only the exact reader reproduces; start the file again."""


class NeedsOneStream(Exception):
    """The file cannot be cut safely into pieces (a cut may fall inside a quoted cell, or no line end within reach)."""


class ReadError(Exception):
    """The file cannot be read at all: `type` is the frictionless error type to report."""

    def __init__(self, type: str, note: str):
        super().__init__(note)
        self.type = type
        self.note = note


@dataclass
class Batch:
    row_numbers: np.ndarray  # rowNumber of each regular row (header = 1)
    columns: list[pa.Array]  # one string array per expected column, regular rows only
    irregular: list[tuple[int, list[str]]] = field(default_factory=list)  # rows whose cell count differs


@dataclass
class Layout:
    """What the first lines say: encoding, CSV dialect and header labels."""

    encoding: str
    dialect: dict
    labels: list[str]
    has_rows: bool  # a header or at least one row (an empty file is a source-error)


class ProgressFile(io.RawIOBase):
    """A file that reports the bytes it hands out and can hash them on the way."""

    def __init__(self, path: Path, on_bytes: Callable[[int], None] | None, hasher=None, start: int = 0):
        self.file = open(path, "rb")  # closed by close()
        self.file.seek(start)  # a later part of a list: after the first line, which frictionless drops
        self.on_bytes = on_bytes
        self.hasher = hasher
        if start and on_bytes is not None:
            on_bytes(start)  # skipped, but the file's size is what the progress bar counts to

    def readable(self):
        return True

    def readinto(self, buffer):
        count = self.file.readinto(buffer)
        if count:
            if self.hasher is not None:
                self.hasher.update(memoryview(buffer)[:count])
            if self.on_bytes is not None:
                self.on_bytes(count)
        return count

    def close(self):
        self.file.close()
        super().close()


def encoding_buffer(path: Path, later: list[tuple[Path, bool]]) -> bytes:
    """The bytes frictionless guesses the encoding from: the file's first 100 kB; for a multipart
    resource, whole lines of the parts joined (see `joined_lines`) until past 100 kB."""
    if not later:
        with open(path, "rb") as file:
            return file.read(ENCODING_BUFFER)
    buffer = b""
    for line in joined_lines(path, later):
        buffer += line
        if len(buffer) > ENCODING_BUFFER:
            break
    return buffer


def joined_lines(path: Path, later: list[tuple[Path, bool]]) -> Iterator[bytes]:
    """The lines of a multipart resource as frictionless streams them: the first part whole, then each
    later part, less its first line where `later` says (path, True)."""
    for part, drop_first_line in [(path, False), *later]:
        lines = part_lines(part)
        if drop_first_line:
            next(lines, None)
        yield from lines


def part_lines(path: Path) -> Iterator[bytes]:
    """A part's bytes as frictionless's multipart stream iterates them: chunks of 100 kB, each split
    into lines at CR, LF or CR LF (a line is cut where a chunk ends)."""
    with open(path, "rb") as file:
        while chunk := file.read(LINE_CHUNK):
            yield from chunk.splitlines(keepends=True)


def first_line_length(path: Path) -> int:
    """The bytes of a later part's first line, which frictionless drops (see `part_lines`)."""
    lines = part_lines(path)
    try:
        return len(next(lines, b""))
    finally:
        lines.close()


class LineStream(io.RawIOBase):
    """A byte stream over an iterator of byte strings."""

    def __init__(self, chunks: Iterator[bytes]):
        self.chunks = chunks
        self.pending = b""

    def readable(self):
        return True

    def readinto(self, buffer):
        while not self.pending:
            self.pending = next(self.chunks, None)
            if self.pending is None:
                self.pending = b""
                return 0
        count = min(len(buffer), len(self.pending))
        buffer[:count] = self.pending[:count]
        self.pending = self.pending[count:]
        return count


def detect_encoding(buffer: bytes, declared: str | None) -> str:
    """The encoding frictionless would read the file with (its chardet rule, its BOM handling)."""
    encoding = declared
    if not encoding:
        import chardet

        detector = chardet.UniversalDetector()
        for line in buffer.splitlines():
            detector.feed(line)
        detector.close()
        encoding = detector.result["encoding"] or "utf-8"
        if (detector.result["confidence"] or 0) < ENCODING_CONFIDENCE:
            try:
                buffer.decode("utf-8")
                encoding = "utf-8"
            except UnicodeDecodeError:
                pass
        if encoding == "ascii":
            encoding = "utf-8"
    try:
        encoding = codecs.lookup(encoding).name
    except LookupError as error:
        raise ReadError("encoding-error", f"unknown encoding {encoding}") from error
    if encoding == "utf-8" and buffer.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif encoding == "utf-16-be" and buffer.startswith(codecs.BOM_UTF16_BE):
        encoding = "utf-16"
    elif encoding == "utf-16-le" and buffer.startswith(codecs.BOM_UTF16_LE):
        encoding = "utf-16"
    return encoding


def open_text(path: Path, encoding: str, on_bytes=None, hasher=None, start: int = 0) -> io.TextIOWrapper:
    raw = ProgressFile(path, on_bytes, hasher, start)
    return io.TextIOWrapper(io.BufferedReader(raw), encoding=encoding, newline="")


def python_dialect(declared: dict, sample: list[str], tsv: bool) -> dict:
    """The csv-module dialect frictionless uses: declared properties first, csv.Sniffer for the rest."""
    options = {
        "delimiter": declared.get("delimiter", "\t" if tsv else None),
        "lineterminator": declared.get("lineTerminator"),
        "escapechar": declared.get("escapeChar"),
        "quotechar": declared.get("quoteChar"),
        "skipinitialspace": declared.get("skipInitialSpace"),
        "doublequote": declared.get("doubleQuote"),
    }
    try:
        sniffed = csv.Sniffer().sniff("".join(sample), options["delimiter"] or ",\t;|")
    except csv.Error:
        sniffed = csv.excel()
    guessed = {
        "delimiter": sniffed.delimiter,
        "lineterminator": sniffed.lineterminator,
        "escapechar": sniffed.escapechar,
        "quotechar": '"' if sniffed.quotechar == "'" else sniffed.quotechar,
        "skipinitialspace": sniffed.skipinitialspace,
    }
    excel = csv.excel
    defaults = {
        "delimiter": ",",
        "lineterminator": "\r\n",
        "escapechar": None,
        "quotechar": '"',
        "skipinitialspace": False,
        "doublequote": True,
    }
    result = {}
    for name, default in defaults.items():
        value = options[name]
        if value is None and name in guessed and guessed[name] != default:
            value = guessed[name]
        result[name] = default if value is None else value
    result["quoting"] = excel.quoting
    if not result["escapechar"]:  # frictionless reads doubleQuote only beside an escapeChar
        result["doublequote"] = True
    return result


def read_layout(
    path: Path,
    declared_encoding: str | None,
    declared_dialect: dict,
    tsv: bool,
    header: bool,
    later: list[tuple[Path, bool]] | None = None,
    folder: bool = False,
    dialect: dict | None = None,
) -> Layout:
    """Encoding, dialect and labels, guessed as frictionless guesses them from the start of the file.

    A list of parts (`later`: the parts after this one) frictionless reads as one byte stream
    (`joined_lines`): encoding and dialect come from its start. In a `folder`, each part keeps its own
    encoding; the dialect comes from the first part's lines and, when it has fewer than 100, the next
    parts' rows; the later parts are given it (`dialect`). The labels are this file's own first row.
    """
    later = later or []
    try:
        encoding = detect_encoding(encoding_buffer(path, [] if folder else later), declared_encoding)
        with open_text(path, encoding) as text:
            own = sample_lines(text)
        if dialect is None:
            sample = own
            if later and not folder:
                stream = io.BufferedReader(LineStream(joined_lines(path, later)))
                with io.TextIOWrapper(stream, encoding=encoding, newline="") as text:
                    sample = list(itertools.islice(text, SAMPLE_LINES))
            elif later:
                sample = [*ended(own), *folder_rows(later, declared_encoding, SAMPLE_LINES - len(own))]
            dialect = python_dialect(declared_dialect, sample, tsv)
    except UnicodeDecodeError as error:
        raise ReadError("encoding-error", str(error)) from error
    except UnicodeError as error:  # "UTF-16 stream does not start with BOM": frictionless cannot start
        raise ReadError("source-error", str(error)) from error
    except OSError as error:
        raise ReadError("scheme-error", str(error)) from error
    try:
        first = next(csv.reader(own, **dialect), None) if own else None
    except (TypeError, csv.Error) as error:  # "quotechar" must be a 1-character string...
        raise ReadError("source-error", str(error)) from error
    if first is not None and len(first) > MOST_COLUMNS:
        raise ReadError(
            "source-error",
            f"the first row has {len(first):,} cells; ecodata reads tables of at most {MOST_COLUMNS:,} columns",
        )
    if (
        header
        and first is not None
        and "header" not in declared_dialect
        and "headerRows" not in declared_dialect
    ):
        refuse_guessed_header(own, dialect)
    labels = [cell.strip() for cell in first] if header and first is not None else []
    return Layout(encoding=encoding, dialect=dialect, labels=labels, has_rows=bool(own))


def sample_lines(text) -> list[str]:
    """The first SAMPLE_LINES lines, none longer than LONGEST_LINE (a 1 GB line is refused, not read)."""
    lines = []
    for number in range(1, SAMPLE_LINES + 1):
        line = text.readline(LONGEST_LINE + 1)
        if len(line) > LONGEST_LINE:
            raise ReadError(
                "source-error",
                f"line {number} is longer than {LONGEST_LINE:,} characters; ecodata reads no longer lines",
            )
        if not line:
            break
        lines.append(line)
    return lines


def refuse_guessed_header(lines: list[str], dialect: dict) -> None:
    """frictionless guesses the header row when the dialect does not declare one: the first of the
    first rows whose width is within 10 % of their mean. When that is not row 1 (a title line, a short
    header over wide rows), frictionless checks the package, so that the verdict is its own."""
    from .cells import Unsupported

    try:
        widths = [len(row) for row in itertools.islice(csv.reader(lines, **dialect), SAMPLE_LINES)]
    except csv.Error:
        return  # the rows themselves are reported as they are read
    width = round(sum(widths) / len(widths)) if widths else 0
    drift = max(round(width * 0.1), 1)
    if widths and abs(widths[0] - width) > drift:
        raise Unsupported("a file whose header row frictionless guesses (not row 1)")


def ended(lines) -> list[str]:
    """The lines with a line end after the last: a part's last line must not run into the next part's."""
    lines = list(lines)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"
    return lines


def folder_rows(parts: list[tuple[Path, bool]], declared_encoding: str | None, count: int) -> list[str]:
    """Up to `count` lines of a folder's later parts, each in its own encoding, its header left out."""
    rows: list[str] = []
    for part, has_header in parts:
        if len(rows) >= count:
            break
        try:
            with open_text(part, detect_encoding(encoding_buffer(part, []), declared_encoding)) as text:
                rows += ended(itertools.islice(text, int(has_header), int(has_header) + count - len(rows)))
        except (UnicodeError, OSError, ReadError):
            break  # the part's own reading reports it
    return rows


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


def new_hasher(hash_property: str | None):
    """A hashlib object for a resource's `hash` ("sha256:…" or a bare md5), or None."""
    if not hash_property:
        return None
    algorithm = hash_property.split(":", 1)[0] if ":" in hash_property else "md5"
    return hashlib.new(algorithm) if algorithm in ("md5", "sha256") else None
