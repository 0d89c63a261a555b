"""`init`: write a first `datapackage.json` for a folder of CSV files, inferred from the whole files.

What `frictionless describe` guesses from the first rows, this reads from every row, with pyarrow
(`init_files`): the encoding (UTF-8, with or without a byte-order mark, UTF-16 with one, else
Windows-1252 or Latin-1), the delimiter, each column's type, missing-value markers, a primary key,
foreign keys between the files and enum suggestions for short code lists (see `infer`). The descriptor
is a starting point to edit: the command prints a note for every guess a maintainer should confirm, and
a warning for each file it leaves out and each row validate will refuse; resource names are chosen so
that build's SQLite database holds them.

Heavy imports (pyarrow) stay inside the functions: the CLI imports this module for `ecodata --help`.
"""

from __future__ import annotations

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


class InitError(PackageError):
    """The folder cannot be described: one line saying why."""


@dataclass
class Survey:
    """A folder described: the descriptor, and the lines the command prints about it — a summary per
    resource, a note per guess to confirm, a warning per file left out or row validate will refuse."""

    descriptor: dict
    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def describe_folder(folder: Path) -> dict:
    """A Data Package v2 descriptor for every readable CSV (and TSV) file in `folder` and its subfolders."""
    return described(survey_folder(folder), folder)


def described(survey: Survey, folder: Path) -> dict:
    """The survey's descriptor, unless it describes no file (an InitError: init cannot run)."""
    if survey.descriptor["resources"]:
        return survey.descriptor
    if survey.warnings:
        raise InitError(f"{folder}: no file could be described (see the warnings)")
    raise InitError(f"{folder}: no .csv or .tsv file in it or in its subfolders")


def survey_folder(folder: Path) -> Survey:
    """Describe `folder`, leaving out (with a warning) each file that cannot be read."""
    from ..build.sqlite import most_columns
    from .infer import foreign_keys, infer_column, primary_key
    from .init_files import Unreadable, counted, data_files, read_file, relative

    folder = Path(folder)
    if folder.is_file():
        raise InitError(
            f"{folder} is a file; init describes the folder holding the CSV files: ecodata init {folder.parent}"
        )
    if not folder.is_dir():
        raise InitError(f"{folder}: no such folder")
    files, warnings = data_files(folder)
    survey = Survey({"$schema": SCHEMA, "name": slug(folder.resolve().name, "package"), "resources": []})
    survey.warnings += warnings
    names: set[str] = set()
    tables, keys, rows, paths = {}, {}, {}, {}
    for file in files:
        path = relative(file, folder)
        try:
            resource, table, blank = read_file(file, path)
        except Unreadable as problem:
            survey.warnings.append(f"{problem} (left out)")
            continue
        if table.num_columns > (most := most_columns()):
            survey.warnings.append(
                f"{path}: {table.num_columns:,} columns, where a SQLite table holds at most {most:,}, so build "
                "would refuse it; split it into files of fewer columns, joined by a key (left out)"
            )
            continue
        if blank:
            more = f" ({len(blank)} in all)" if len(blank) > 1 else ""
            survey.warnings.append(
                f"{path}:{blank[0]}: a blank row{more}, which validate reports as an error; delete it"
            )
        name = unique(slug(file.stem, "resource"), names)
        columns = [infer_column(column, table.column(i)) for i, column in enumerate(table.column_names)]
        tables[name], rows[name], paths[name] = columns, table.num_rows, path
        keys[name] = primary_key(columns, table.num_rows)
        survey.descriptor["resources"].append({"name": name, **resource})
    references, ambiguous = foreign_keys(tables, keys)
    survey.notes += [f"{paths[name]}: {note}" for name, note in ambiguous]
    resources = survey.descriptor["resources"]
    columns_of = [tables[resource["name"]] for resource in resources]  # by position: names may change
    for resource, columns in zip(resources, columns_of):
        name, key = resource["name"], keys[resource["name"]]
        resource["schema"] = schema(columns, key, references[name])
        size = f"{counted(rows[name], 'row')}, {counted(len(columns), 'field')}"
        survey.lines.append(f"{paths[name]}: {size}, {key_text(key)}")
    renames = buildable_names(resources)
    for resource, columns in zip(resources, columns_of):
        survey.notes += [f"{resource['path']}: {note}" for note in guesses(resource["schema"], columns)]
    survey.notes += renames
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
    """A line for each guess to confirm: enums, foreign keys, numbers typed string, missing-value markers."""
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
    lines += [f"{column.name}: {column.note}" for column in columns if column.note]
    markers = sorted({marker for column in columns for marker in column.markers})
    if markers:
        lines.append(f"{', '.join(map(repr, markers))} read as missing values")
    return lines


def buildable_names(resources: list[dict]) -> list[str]:
    """Rename each resource that build's SQLite database could not hold beside the ones before it, by
    the rules of sqlite.name_clash: `sqlite_x` becomes `sqlite-x` (SQLite keeps `sqlite_` for itself),
    a name whose tables another holds (a searchable `x` has `x_fts`) takes a suffix; foreign keys
    follow. A note for each."""
    from ..build.sqlite import RESERVED_PREFIX, folded, sqlite_tables

    held: dict[str, str] = {}  # folded SQLite table name: what it is
    renamed: dict[str, str] = {}
    notes = []
    for resource in resources:
        name = resource["name"]
        reserved = folded(name).startswith(RESERVED_PREFIX)
        base = "sqlite-" + name[len(RESERVED_PREFIX) :] if reserved else name
        reason = f'SQLite keeps names starting with "{RESERVED_PREFIX}" for itself' if reserved else ""
        for number in itertools.count(1):
            resource["name"] = base if number == 1 else f"{base}-{number}"
            tables = sqlite_tables(resource, resources)
            clash = next(((table, held[folded(table)]) for table, _ in tables if folded(table) in held), None)
            if clash is None:
                break
            reason = reason or f'as "{name}", it and {clash[1]} would both be the SQLite table "{clash[0]}"'
        held.update({folded(table): owner for table, owner in tables})
        if resource["name"] != name:
            renamed[name] = resource["name"]
            notes.append(f'{resource["path"]}: resource named "{resource["name"]}": {reason}')
    for resource in resources:
        for key in resource["schema"].get("foreignKeys", []):
            key["reference"]["resource"] = renamed.get(
                key["reference"]["resource"], key["reference"]["resource"]
            )
    return notes


def marker_in(values, markers: set[str]) -> bool:
    import pyarrow as pa
    import pyarrow.compute as pc

    return bool(markers) and pc.any(pc.is_in(values, value_set=pa.array(sorted(markers)))).as_py()


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

    A file that cannot be described (empty, not text, a row of more or fewer cells than the header, two
    header names alike) is left out with a warning naming its row, and the others are described; if none
    can be, nothing is written (exit 2). Links to folders, and to files outside FOLDER, are not followed.
    """
    try:
        existing = existing_descriptor(folder) if folder.is_dir() else None
        if existing and not force:
            raise InitError(f"{existing} exists; use --force to replace it")
        survey = survey_folder(folder)
        for warning in survey.warnings:
            click.echo(f"warning: {warning}", err=True)
        target = write_descriptor(folder, force=force, descriptor=described(survey, folder))
    except OSError as error:
        raise InitError(f"{folder}: {error.strerror or error}") from None
    for line in [*survey.lines, *(f"note: {note}" for note in survey.notes)]:
        click.echo(line)
    if existing and existing.name != "datapackage.json":
        click.echo(f"note: {existing} is still there: remove it, or it may be read instead")
    click.echo(f"wrote {target}")
