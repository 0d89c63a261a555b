"""The files `init` describes: found in the folder, then read whole, every cell as text, with pyarrow.

A file that cannot be described is an `Unreadable` whose message names the file, and the row when
there is one; `init` leaves that file out and describes the others. What validate would refuse is
left out here too: a link leading out of the folder, a header with two names SQLite holds as one.

Heavy imports (pyarrow) stay inside the functions: the CLI imports this module for `ecodata --help`.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
from pathlib import Path

FORMATS = {".csv": ("csv", "text/csv"), ".tsv": ("tsv", "text/tab-separated-values")}
DELIMITERS = ",;\t|"
SAMPLE_LINES = 100  # frictionless sniffs the dialect from this many lines when none is declared
CHUNK = 1 << 20
LARGEST_BLOCK = (1 << 31) - 1  # pyarrow's block size is a 32-bit integer
WINDOWS_ONLY = re.compile(rb"[\x80-\x9f]")  # bytes that are text in Windows-1252, controls in Latin-1
NOT_TEXT = "not a text file (it holds NUL bytes; UTF-16 text needs a byte-order mark)"


class Unreadable(Exception):
    """A file `init` cannot describe: one line naming the file (and row) and saying why."""


def data_files(folder: Path) -> tuple[list[Path], list[str]]:
    """The CSV and TSV files in `folder` and its subfolders (one level; hidden and `_` folders skipped),
    and a warning for each link left out: a link to a folder is not followed (it may lead back into
    this one and describe its files twice, or out of it), nor a link to a file outside the folder
    (validate refuses a path that leaves the package folder)."""
    root = folder.resolve()
    places, warnings = [folder], []
    for entry in sorted(folder.iterdir()):
        if entry.is_dir() and not entry.name.startswith((".", "_")):
            if entry.is_symlink():
                warnings.append(f"{entry.name}: a link to a folder, not followed")
            else:
                places.append(entry)
    found = []
    for file in (file for place in places for file in place.iterdir()):
        if file.suffix.lower() not in FORMATS or not file.is_file() or file.name.startswith("."):
            continue
        if file.resolve().is_relative_to(root):
            found.append(file)
        else:
            warnings.append(
                f"{relative(file, folder)}: a link to a file outside the folder, which validate refuses (left out)"
            )
    return sorted(found, key=lambda file: relative(file, folder)), sorted(warnings)


def relative(file: Path, folder: Path) -> str:
    return file.relative_to(folder).as_posix()


def read_file(file: Path, path: str):
    """The resource's file properties, its table (every column as text, named by the header) and the
    rowNumbers of its blank rows; raises Unreadable.

    Rows are counted as frictionless counts them: the header is row 1 and an empty line is a row."""
    import functools

    import pyarrow as pa
    import pyarrow.compute as pc

    declared, codec = detect_encoding(file, path)
    file_format, mediatype = FORMATS[file.suffix.lower()]
    with file.open(encoding=codec, newline="") as stream:
        sample = list(itertools.islice(stream, SAMPLE_LINES))
    delimiter, skip_space, dialect = detect_dialect(sample, file_format)
    table = read_table(file, path, codec, delimiter, skip_space, header_width(sample, delimiter))
    if skip_space:
        table = pa.table(
            [pc.utf8_ltrim(column, characters=" ") for column in table.columns], table.column_names
        )
    header = [str(label).strip() for label in table.slice(0, 1).to_pylist()[0].values()]  # as frictionless
    if problem := header_problem(header):
        raise Unreadable(f"{path}:1: {problem}")
    table = table.slice(1).rename_columns(header)
    blank = functools.reduce(pc.and_, [pc.equal(column, "") for column in table.columns])
    resource = {"path": path, "format": file_format, "mediatype": mediatype, "encoding": declared}
    if dialect:
        resource["dialect"] = dialect
    return resource, table, [index + 2 for index in pc.indices_nonzero(blank).to_pylist()]


def read_table(file: Path, path: str, codec: str, delimiter: str, skip_space: bool, width: int):
    """The whole file as a table of text, its header the first row; raises Unreadable."""
    import pyarrow as pa

    try:
        table = arrow_table(file, codec, delimiter, width)
    except (pa.ArrowException, UnicodeError, ValueError) as error:
        reason = one_line(error)
    else:
        if all(pa.types.is_string(column.type) for column in table.columns):
            return table
        reason = "rows of different lengths"  # a first row wider than the header Python's csv reads
    raise Unreadable(
        irregular_row(file, path, codec, delimiter, skip_space) or f"{path}: cannot read it as CSV: {reason}"
    )


def arrow_table(file: Path, codec: str, delimiter: str, width: int):
    """pyarrow's reading of the file: every cell as it is written, nothing null, no line skipped."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    read_options = pacsv.ReadOptions(encoding=codec, autogenerate_column_names=True)

    def read():
        return pacsv.read_csv(
            file,
            read_options=read_options,
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    try:
        return read()
    except pa.ArrowInvalid as error:
        if "straddl" not in str(error):
            raise
    # a cell longer than pyarrow's block (1 MB) "straddles two blocks": the file as one block
    read_options.block_size = min(file.stat().st_size + 1, LARGEST_BLOCK)
    return read()


def irregular_row(file: Path, path: str, codec: str, delimiter: str, skip_space: bool) -> str | None:
    """`path:row: N cells where the header has M` for the first row of another width than the header,
    as Python's csv module (and so frictionless) reads and numbers the rows; None if there is none."""
    try:
        with file.open(encoding=codec, newline="") as stream:
            rows = csv.reader(stream, delimiter=delimiter, skipinitialspace=skip_space)
            width = len(next(rows, []))
            if not width:
                return f"{path}:1: the header row is blank"
            for number, cells in enumerate(rows, start=2):
                if cells and len(cells) != width:  # an empty line is a blank row, not a short one
                    return f"{path}:{number}: {counted(len(cells), 'cell')} where the header has {width}"
    except (csv.Error, UnicodeError):  # a cell over csv's field size limit: the generic message
        return None
    return None


def header_problem(header: list[str]) -> str | None:
    """Why these labels cannot name a resource's fields: one missing, or two equal — as validate
    compares them, or as SQLite does, without case (sqlite.name_clash: build refuses such a package)."""
    from ..build.sqlite import folded

    seen: dict[str, str] = {}
    for number, label in enumerate(header, start=1):
        if not label:
            return f"column {number} has no name in the header row"
        other = seen.get(folded(label))
        if other == label:
            return f"two columns are named {label!r} in the header row"
        if other is not None:
            return f"columns {other!r} and {label!r} differ only in case, which SQLite (build) cannot hold; rename one"
        seen[folded(label)] = label
    return None


def detect_encoding(file: Path, path: str) -> tuple[str, str]:
    """The encoding to declare and the Python codec to read with, from every byte of the file."""
    with file.open("rb") as stream:
        first = stream.read(CHUNK)
        if not first:
            raise Unreadable(f"{path}: the file is empty")
        chunks = itertools.chain([first], iter(lambda: stream.read(CHUNK), b""))
        if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return utf16_encoding(chunks, path)
        return byte_encoding(chunks, first.startswith(codecs.BOM_UTF8), path)


def utf16_encoding(chunks, path: str) -> tuple[str, str]:
    """UTF-16 with a byte-order mark (little or big endian): declared `utf-16`, which frictionless and
    validate read by its mark."""
    decoder = codecs.getincrementaldecoder("utf-16")()
    try:
        for chunk in chunks:
            if "\x00" in decoder.decode(chunk):
                raise Unreadable(f"{path}: {NOT_TEXT}")
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise Unreadable(
            f"{path}: starts with a UTF-16 byte-order mark but is not UTF-16; save it as UTF-8"
        ) from None
    return "utf-16", "utf-16"


def byte_encoding(chunks, bom: bool, path: str) -> tuple[str, str]:
    """UTF-8 (a byte-order mark is skipped by readers of UTF-8), else Windows-1252 if the file has bytes
    only it defines as text, else Latin-1."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, windows, latin = True, True, False
    for chunk in chunks:
        if b"\x00" in chunk:
            raise Unreadable(f"{path}: {NOT_TEXT}")
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
        if WINDOWS_ONLY.search(chunk):
            latin = True
            try:
                chunk.decode("cp1252")
            except UnicodeDecodeError:
                windows = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    if utf8:
        return "utf-8", "utf-8-sig" if bom else "utf-8"
    if latin and windows:
        return "windows-1252", "cp1252"
    return "iso-8859-1", "latin-1"


def detect_dialect(sample: list[str], file_format: str) -> tuple[str, bool, dict]:
    """The delimiter, whether a space after it is skipped, and the dialect to declare.

    Without a dialect, frictionless sniffs these same first lines (a TSV file: tab). The delimiter is
    declared when it is not the comma or when that guess would be wrong: another delimiter wins when it
    splits every line into as many cells, and more. A space after the delimiter is skipped when
    frictionless would skip it (its sniffer finds `a, b`); that is declared too."""
    text = "".join(sample)
    sniffed = sniff(text, DELIMITERS)
    guess = "\t" if file_format == "tsv" else sniffed.delimiter if sniffed else ","
    lines = sample[:-1] if len(sample) == SAMPLE_LINES else sample  # the last line may be cut
    widths = {delimiter: cell_counts(lines, delimiter) for delimiter in DELIMITERS}
    steady = [d for d in DELIMITERS if len(widths[d]) == 1 and max(widths[d]) > 1]
    chosen = guess if guess in steady or not steady else max(steady, key=lambda d: max(widths[d]))
    dialect = {"delimiter": chosen} if chosen != "," or chosen != guess else {}
    again = sniff(text, chosen) if dialect else sniffed  # frictionless sniffs the declared delimiter
    skip = bool(again and again.skipinitialspace)
    if skip:
        dialect["skipInitialSpace"] = True
    return chosen, skip, dialect


def sniff(text: str, delimiters: str):
    try:
        return csv.Sniffer().sniff(text, delimiters)
    except csv.Error:
        return None


def cell_counts(lines: list[str], delimiter: str) -> set[int]:
    """How many cells the lines' rows have (a set of one number when the delimiter fits)."""
    try:
        return {len(row) for row in csv.reader(lines, delimiter=delimiter) if row}
    except csv.Error:
        return set()


def header_width(sample: list[str], delimiter: str) -> int:
    try:
        return max(1, len(next(csv.reader(sample, delimiter=delimiter), [""])))
    except csv.Error:
        return 1


def counted(number: int, word: str) -> str:
    """`1 row`, `1,200 rows`."""
    return f"{number:,} {word}{'' if number == 1 else 's'}"


def one_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:200]
