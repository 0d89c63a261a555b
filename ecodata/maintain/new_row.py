"""`new-row`: add one row with its evidence, or not at all.

The quote must be found in the chosen source (whitespace ignored); the value and qualifier are
suggested from the quote; the row is checked by the full validation on a scratch copy of the package
before it is written, then inserted at its primary-key position without rewriting the other rows.
"""

from __future__ import annotations

import csv
import io
import itertools
import shutil
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..numbers import number_spans
from ..package import Package, PackageError
from ..qualifiers import expected_qualifiers
from ..text import squeeze
from ..validate.context import evidence_of
from ..validate.tables import not_plain_csv, rows
from .atomic import replace_file


class RowError(Exception):
    """The row cannot be added; the message says why."""


@dataclass(frozen=True)
class Suggestion:
    value: float
    qualifier: str
    marker: str | None

    @property
    def cell(self) -> str:
        """The value as the CSV stores it: plain digits, never an exponent (172.8万 → 1728000)."""
        if self.value.is_integer():
            return str(int(self.value))
        return format(Decimal(repr(self.value)).normalize(), "f")


def evidence(package: Package, fields: list[str]) -> dict | None:
    """Where the resource's rows cite their evidence, when the package declares quote-in-source and the
    resource has the quote and source fields (validate.context.evidence_of); else None."""
    found = evidence_of(package)
    return found if found and {found["quote"], found["source"]} <= set(fields) else None


def sources(package: Package) -> dict[str, dict]:
    """The citable sources, by id: the rows of the resource that quotes' source field references."""
    found = evidence_of(package)
    if found is None:
        raise RowError("the package declares no quote-in-source check, so it has no sources to cite")
    return {row[found["id"]]: row.cells for row in rows(package, found["sources"])}


def check_quote(package: Package, source_id: str, quote: str) -> None:
    """Raise RowError unless `quote` occurs in the source's archived text (whitespace ignored)."""
    known, file_field = sources(package), evidence_of(package)["file"]
    if source_id not in known:
        raise RowError(f"unknown source {source_id!r}; choose one of {', '.join(sorted(known))}")
    if not squeeze(quote):
        raise RowError("the quote is empty; copy the sentence fragment that states the fact")
    text = package.safe_path(known[source_id][file_field]).read_text(encoding="utf-8")
    if squeeze(quote) not in squeeze(text):
        raise RowError(
            f"the quote is not in {source_id} ({known[source_id][file_field]}); copy it verbatim from the text"
        )


def suggestions(quote: str) -> list[Suggestion]:
    """Each number the quote states, in reading order, with the qualifier its marker words give."""
    found = []
    for _, _, values in sorted(number_spans(squeeze(quote)), key=lambda span: span[0]):
        for value in sorted(values, reverse=True):  # 2.3万: the normalised 23000 first
            for qualifier, marker in sorted(expected_qualifiers(quote, value), key=str):
                suggestion = Suggestion(value, qualifier, marker)
                if suggestion not in found:
                    found.append(suggestion)
    return found


def row_text(fields: list[str], cells: dict[str, str], terminator: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=terminator).writerow([cells.get(name, "") for name in fields])
    return buffer.getvalue().encode("utf-8")


def insert_row(package: Package, resource: dict, cells: dict[str, str]) -> int:
    """Insert before the first row with a larger primary key, in a file sorted by it (at the end of one
    that is not: its order is its maintainer's); returns the new row's rowNumber.

    The file is read as the engine reads it, which tells the line each row starts on; the row goes in
    as bytes before that line, so every other byte of the file, line endings included, stays as it was.
    """
    schema = resource["schema"]
    key_fields = schema.get("primaryKey") or [schema["fields"][0]["name"]]
    if isinstance(key_fields, str):
        key_fields = [key_fields]
    numeric = {f["name"] for f in schema["fields"] if f.get("type") in ("integer", "number", "year")}
    new_key = tuple(cells.get(name, "") for name in key_fields)
    keys, lines = file_keys(package, resource["name"], key_fields)
    if any(key == new_key for _, key in keys):
        raise RowError(
            f"{resource['name']} already has a row with {', '.join(key_fields)} = {', '.join(new_key)}"
        )
    order = typed_key(key_fields, numeric)
    typed = [order(dict(zip(key_fields, key))) for _, key in keys]
    in_key_order = all(one <= other for one, other in itertools.pairwise(typed))
    later = (number for (number, _), key in zip(keys, typed) if key > order(cells))
    following = next(later, None) if in_key_order else None
    path = package.resource_path(resource)
    data = path.read_bytes()
    terminator = "\r\n" if b"\r\n" in data else "\n"
    split = data.splitlines(keepends=True)
    if split and not split[-1].endswith((b"\n", b"\r")):
        split[-1] += terminator.encode()
    at = lines.line(following) - 1 if following else len(split)
    split.insert(at, row_text([f["name"] for f in schema["fields"]], cells, terminator))
    replace_file(path, b"".join(split))
    return following or len(keys) + 2


def file_keys(package: Package, name: str, key_fields: list[str]):
    """([(rowNumber, key as text)] in file order, the engine's map of the line each row starts on)."""
    from ..validate.engine.lines import LineMap
    from ..validate.file_texts import engine_plan, numbered_batches

    planned = engine_plan(package, name)
    if planned is None:
        raise PackageError(f"new-row cannot read resource {name!r} as one CSV file with a header row")
    names = [spec["name"] for spec in planned[0].fields]
    at = [names.index(field) for field in key_fields]
    keys: list[tuple[int, tuple]] = []
    lines = LineMap()
    for batch in numbered_batches(*planned, lines=lines):
        columns = [batch.columns[index].to_pylist() for index in at]
        found = list(zip(batch.row_numbers.tolist(), zip(*columns)))
        for number, cells in batch.irregular:  # a row of another width: its cells by position
            found.append((number, tuple(cells[index] if index < len(cells) else "" for index in at)))
        keys += sorted(found)
    return [(number, tuple(cell or "" for cell in key)) for number, key in keys], lines


def typed_key(key_fields: list[str], numeric: set[str]):
    """A row's primary key as the file is sorted: numbers by value (2 before 10), the rest as text."""

    def key(cells: dict) -> tuple:
        parts = []
        for name in key_fields:
            text = cells.get(name) or ""
            try:
                parts.append((0, Decimal(text), "") if name in numeric else (1, 0, text))
            except ArithmeticError:
                parts.append((1, 0, text))
        return tuple(parts)

    return key


def findings_for_new_row(package: Package, resource: dict, cells: dict[str, str]):
    """Validate a scratch copy of the package with the row inserted; the findings about that row."""
    from ..package import load_package
    from ..validate.run import validate

    with tempfile.TemporaryDirectory(prefix="ecodata-new-row-") as scratch:
        for path in package.input_files():
            target = Path(scratch) / package.relative(path.resolve())
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        copy = load_package(Path(scratch) / package.descriptor_path.name)
        copied_resource = editable(copy, resource["name"])
        number = insert_row(copy, copied_resource, cells)
        report = validate(copy)
    return [f for f in report.findings if f.resource == resource["name"] and f.row in (number, None)]


def editable(package: Package, name: str) -> dict:
    """The resource, its schema inlined, when its data is one plain UTF-8 CSV file that new-row can edit
    in place; a PackageError (exit 2) otherwise. Raises KeyError for an unknown name."""
    resource = package.resource(name)
    if reason := not_plain_csv(resource):
        raise PackageError(
            f"new-row edits a plain UTF-8 CSV file in place; resource {name!r} is not one: {reason}"
        )
    return resource | {"schema": package.table(name)["schema"]}


def check_fields(resource_name: str, fields: list[str], cells: dict[str, str]) -> None:
    unknown = sorted(set(cells) - set(fields))
    if unknown:  # a mistyped --set: the command cannot run (exit 2), it is not a refused row
        raise PackageError(
            f"{resource_name} has no field {', '.join(unknown)}; its fields: {', '.join(fields)}"
        )


def add_row(package: Package, resource_name: str, cells: dict[str, str]) -> int:
    """Check the evidence, validate, then insert; returns the rowNumber. Raises RowError."""
    resource = check_row(package, resource_name, cells)
    return insert_row(package, resource, cells)


def check_row(package: Package, resource_name: str, cells: dict[str, str]) -> dict:
    """Check the evidence and validate the package with the row in it; returns the resource. Raises
    RowError."""
    try:
        resource = editable(package, resource_name)
    except KeyError:
        raise RowError(f"no resource {resource_name!r} in {package.descriptor_path.name}") from None
    fields = [field["name"] for field in resource["schema"]["fields"]]
    check_fields(resource_name, fields, cells)
    if cited := evidence(package, fields):
        check_quote(package, cells.get(cited["source"], ""), cells.get(cited["quote"], ""))
    problems = findings_for_new_row(package, resource, cells)
    if problems:
        raise RowError("; ".join(f"{p.field or 'row'}: {p.message}" for p in problems))
    return resource
