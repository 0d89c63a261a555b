"""What the start of a file says, guessed as frictionless guesses it: encoding, CSV dialect, header labels.

`read_layout` reads the first lines (`sample_lines`, SAMPLE_LINES of them), guesses the encoding
(`detect_encoding`: chardet, as frictionless) and the dialect (`python_dialect`: csv.Sniffer under the
declared properties), and takes the labels from the first row; a multipart resource is guessed from
the parts joined as frictionless streams them (`joined_lines`). `open_text` opens a file as text the
way every reader does (reading.py), counting and hashing the bytes on the way.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

SAMPLE_LINES = 100  # frictionless sniffs the dialect and reads the header from this many lines...
ENCODING_BUFFER = 100_000  # ...and guesses the encoding from this many bytes
ENCODING_CONFIDENCE = 0.5
# characters in one of those lines: a whole file on one line is refused in bounded memory
LONGEST_LINE = 64 << 20
# cells in the first row: a header of millions of labels is refused, not checked one by one
MOST_COLUMNS = 65_536
LINE_CHUNK = 100_000  # frictionless reads each part of a multipart resource in chunks of this size
csv.field_size_limit(2**31 - 1)  # as frictionless does: a huge cell is data, not a parse error


class ReadError(Exception):
    """The file cannot be read at all: `type` is the frictionless error type to report."""

    def __init__(self, type: str, note: str):
        super().__init__(note)
        self.type = type
        self.note = note


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
    return len(first_line(path))


def first_line(path: Path) -> bytes:
    lines = part_lines(path)
    try:
        return next(lines, b"")
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
