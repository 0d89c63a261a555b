"""`init`: write a first `datapackage.json` for a folder of CSV files, inferred from the whole files.

What `frictionless describe` guesses from the first rows, this reads from every row, with pyarrow:
the encoding (UTF-8, with or without a byte-order mark, else Windows-1252 or Latin-1), the delimiter,
each column's type, missing-value markers, a primary key, foreign keys between the files and enum
suggestions for short code lists (see `infer`). The descriptor is a starting point to edit: the command
prints a note for every guess a maintainer should confirm.

Heavy imports (pyarrow) stay inside the functions: the CLI imports this module for `ecodata --help`.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import click

from ..package import PackageError
from .atomic import replace_file

SCHEMA = "https://datapackage.org/profiles/2.0/datapackage.json"
DESCRIPTORS = ("datapackage.json", "datapackage.yaml", "datapackage.yml")
FORMATS = {".csv": ("csv", "text/csv"), ".tsv": ("tsv", "text/tab-separated-values")}
DELIMITERS = ",;\t|"
SAMPLE_LINES = 100  # frictionless sniffs the dialect from this many lines when none is declared
CHUNK = 1 << 20
WINDOWS_ONLY = re.compile(rb"[\x80-\x9f]")  # bytes that are text in Windows-1252, controls in Latin-1


class InitError(PackageError):
    """The folder cannot be described: one line saying why."""


@dataclass
class Survey:
    """A folder described: the descriptor, and the lines the command prints about it."""

    descriptor: dict
    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def describe_folder(folder: Path) -> dict:
    """A Data Package v2 descriptor for every CSV (and TSV) file in `folder` and its subfolders."""
    return survey_folder(folder).descriptor


def survey_folder(folder: Path) -> Survey:
    """Describe `folder`, with a summary line per resource and a note per guess to confirm."""
    from .infer import foreign_keys, infer_column, primary_key

    folder = Path(folder)
    if not folder.is_dir():
        raise InitError(f"{folder}: no such folder")
    files = data_files(folder)
    if not files:
        raise InitError(f"{folder}: no .csv or .tsv file in it or in its subfolders")
    survey = Survey({"$schema": SCHEMA, "name": slug(folder.resolve().name, "package"), "resources": []})
    names: set[str] = set()
    tables, keys, rows, paths = {}, {}, {}, {}
    for file in files:
        path = file.relative_to(folder).as_posix()
        resource, table = read_file(file, path)
        name = unique(slug(file.stem, "resource"), names)
        columns = [infer_column(column, table.column(i)) for i, column in enumerate(table.column_names)]
        tables[name], rows[name], paths[name] = columns, table.num_rows, path
        keys[name] = primary_key(columns, table.num_rows)
        survey.descriptor["resources"].append({"name": name, **resource})
    references, ambiguous = foreign_keys(tables, keys)
    survey.notes += [f"{paths[name]}: {note}" for name, note in ambiguous]
    for resource in survey.descriptor["resources"]:
        name, columns, key = resource["name"], tables[resource["name"]], keys[resource["name"]]
        resource["schema"] = schema(columns, key, references[name])
        survey.lines.append(f"{paths[name]}: {rows[name]:,} rows, {len(columns)} fields, {key_text(key)}")
        survey.notes += [f"{paths[name]}: {note}" for note in guesses(resource["schema"], columns)]
    return survey


def schema(columns: list, key: list[str], references: list) -> dict:
    """The Table Schema of one resource. Missing-value markers go at schema level, unless one is real
    text in another column (then each typed column lists its own); enums never on a key."""
    from .infer import MISSING_MARKERS, enum_values

    markers = {marker for column in columns for marker in column.markers}
    shared = not any(marker_in(column.values, markers) for column in columns if column.type == "string")
    keyed = set(key) | {reference.column for reference in references}
    fields = []
    for column in columns:
        described: dict = {"name": column.name, "type": column.type}
        if column.markers and not shared:
            described["missingValues"] = ["", *column.markers]
        enum = None if column.name in keyed else enum_values(column)
        if enum:
            described["constraints"] = {"enum": enum}
        fields.append(described)
    result: dict = {"fields": fields}
    if markers and shared:
        result["missingValues"] = ["", *(marker for marker in MISSING_MARKERS if marker in markers)]
    if key:
        result["primaryKey"] = key
    if references:
        result["foreignKeys"] = [
            {"fields": [r.column], "reference": {"resource": r.resource, "fields": [r.key]}}
            for r in references
        ]
    return result


def key_text(key: list[str]) -> str:
    if not key:
        return "no primary key"
    return f"primary key {key[0]}" if len(key) == 1 else f"primary key ({', '.join(key)})"


def guesses(described: dict, columns: list) -> list[str]:
    """A line for each guess to confirm: enums, foreign keys, missing-value markers."""
    lines = [
        f"{field['name']}: enum {field['constraints']['enum']} suggested from the data; remove it if"
        " other values are allowed"
        for field in described["fields"]
        if "constraints" in field
    ]
    lines += [
        f"{', '.join(reference['fields'])}: foreign key to {reference['reference']['resource']}."
        f"{', '.join(reference['reference']['fields'])} (every value is found there)"
        for reference in described.get("foreignKeys", [])
    ]
    markers = sorted({marker for column in columns for marker in column.markers})
    if markers:
        lines.append(f"{', '.join(map(repr, markers))} read as missing values")
    return lines


def marker_in(values, markers: set[str]) -> bool:
    import pyarrow as pa
    import pyarrow.compute as pc

    return bool(markers) and pc.any(pc.is_in(values, value_set=pa.array(sorted(markers)))).as_py()


def data_files(folder: Path) -> list[Path]:
    """The CSV and TSV files in `folder` and its subfolders (one level; hidden and `_` folders skipped)."""
    places = [folder, *(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))]
    found = [
        file
        for place in places
        for file in place.iterdir()
        if file.suffix.lower() in FORMATS and file.is_file() and not file.name.startswith(".")
    ]
    return sorted(found, key=lambda file: file.relative_to(folder).as_posix())


def slug(text: str, fallback: str) -> str:
    """A Data Package name: lowercase, anything but a-z 0-9 _ - . becomes `-`."""
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9_.-]", "-", text.lower())).strip("-") or fallback


def unique(name: str, taken: set[str]) -> str:
    candidate = name
    for number in itertools.count(2):
        if candidate not in taken:
            break
        candidate = f"{name}-{number}"
    taken.add(candidate)
    return candidate


def read_file(file: Path, path: str):
    """The resource's file properties and its table, every column as text, read whole by pyarrow."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    declared, codec = detect_encoding(file, path)
    file_format, mediatype = FORMATS[file.suffix.lower()]
    with file.open(encoding=codec, newline="") as stream:
        sample = list(itertools.islice(stream, SAMPLE_LINES))
    delimiter, skip_space, dialect = detect_dialect(sample, file_format)
    width = header_width(sample, delimiter)
    try:
        table = pacsv.read_csv(
            file,
            read_options=pacsv.ReadOptions(encoding=codec, autogenerate_column_names=True),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, UnicodeError, ValueError) as error:
        raise InitError(f"{path}: cannot read it as CSV: {one_line(error)}") from None
    if any(not pa.types.is_string(column.type) for column in table.columns):
        raise InitError(f"{path}: cannot read it as CSV: rows of different lengths")
    if skip_space:
        table = pa.table(
            [pc.utf8_ltrim(column, characters=" ") for column in table.columns], table.column_names
        )
    header = [str(label).strip() for label in table.slice(0, 1).to_pylist()[0].values()]  # as frictionless
    for number, label in enumerate(header, start=1):
        if not label.strip():
            raise InitError(f"{path}: column {number} has no name in the header row")
        if header.index(label) != number - 1:
            raise InitError(f"{path}: two columns are named {label!r} in the header row")
    resource = {"path": path, "format": file_format, "mediatype": mediatype, "encoding": declared}
    if dialect:
        resource["dialect"] = dialect
    return resource, table.slice(1).rename_columns(header)


def detect_encoding(file: Path, path: str) -> tuple[str, str]:
    """The encoding to declare and the Python codec to read with, from every byte of the file:
    UTF-8 (a byte-order mark is skipped by readers of UTF-8), else Windows-1252 if the file has bytes
    only it defines as text, else Latin-1."""
    with file.open("rb") as stream:
        first = stream.read(CHUNK)
        if not first:
            raise InitError(f"{path}: the file is empty")
        bom = first.startswith(codecs.BOM_UTF8)
        decoder = codecs.getincrementaldecoder("utf-8")()
        utf8, windows, latin = True, True, False
        for chunk in itertools.chain([first], iter(lambda: stream.read(CHUNK), b"")):
            if b"\x00" in chunk:
                raise InitError(f"{path}: not a text file (it holds NUL bytes)")
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
        return len(next(csv.reader(sample, delimiter=delimiter), [""]))
    except csv.Error:
        return 1


def one_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:200]


def existing_descriptor(folder: Path) -> Path | None:
    return next((Path(folder) / name for name in DESCRIPTORS if (Path(folder) / name).exists()), None)


def write_descriptor(folder: Path, force: bool = False, descriptor: dict | None = None) -> Path:
    """Write `folder`/datapackage.json (described now unless `descriptor` is given), atomically; an
    existing descriptor is replaced only with `force`."""
    folder = Path(folder)
    existing = existing_descriptor(folder)
    if existing and not force:
        raise InitError(f"{existing} exists; use --force to replace it")
    if descriptor is None:
        descriptor = describe_folder(folder)
    if existing and "ecodata" not in descriptor:
        descriptor = kept_declaration(existing, descriptor)
    target = folder / "datapackage.json"
    replace_file(target, (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return target


def kept_declaration(existing: Path, descriptor: dict) -> dict:
    """The new descriptor with the replaced one's `ecodata` declaration: the checks a publisher chose
    are not data to infer again."""
    from ..package import load_package

    try:
        declared = load_package(existing).descriptor.get("ecodata")
    except PackageError:
        return descriptor
    if declared is None:
        return descriptor
    resources = descriptor.get("resources")
    return {key: value for key, value in descriptor.items() if key != "resources"} | {
        "ecodata": declared,
        "resources": resources,
    }


@click.command("init")
@click.argument("folder", default=".", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace an existing datapackage.json.")
def init_command(folder: Path, force: bool):
    """Describe FOLDER's CSV files in a new datapackage.json.

    Writes FOLDER/datapackage.json (FOLDER: the current folder by default) for every CSV and TSV file in
    FOLDER and its subfolders. Types, missing values, keys and code lists are inferred from every row; check the notes.
    """
    try:
        existing = existing_descriptor(folder) if folder.is_dir() else None
        if existing and not force:
            raise InitError(f"{existing} exists; use --force to replace it")
        survey = survey_folder(folder)
        target = write_descriptor(folder, force=force, descriptor=survey.descriptor)
    except OSError as error:
        raise InitError(f"{folder}: {error.strerror or error}") from None
    for line in [*survey.lines, *(f"note: {note}" for note in survey.notes)]:
        click.echo(line)
    if existing and existing.name != "datapackage.json":
        click.echo(f"note: {existing} is still there: remove it, or it may be read instead")
    click.echo(f"wrote {target}")
