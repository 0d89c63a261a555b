"""`new-row`: add one row with its evidence, or not at all.

The quote must be found in the chosen source (whitespace ignored); the value and qualifier are
suggested from the quote; the row is checked by the full validation on a scratch copy of the package
before it is written, then inserted at its primary-key position without rewriting the other rows.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .numbers import number_spans
from .package import Package
from .qualifiers import expected_qualifiers
from .tables import csv_rows, rows
from .text import squeeze


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


def sources(package: Package) -> dict[str, dict]:
    """The citable sources, by id (the `sources` resource every quote points into)."""
    try:
        resource = package.resource("sources")
    except KeyError:
        raise RowError("the package has no `sources` resource to cite") from None
    return {row["id"]: row.cells for row in rows(package, resource["name"])}


def check_quote(package: Package, source_id: str, quote: str) -> None:
    """Raise RowError unless `quote` occurs in the source's archived text (whitespace ignored)."""
    known = sources(package)
    if source_id not in known:
        raise RowError(f"unknown source {source_id!r}; choose one of {', '.join(sorted(known))}")
    if not squeeze(quote):
        raise RowError("the quote is empty; copy the sentence fragment that states the fact")
    text = package.safe_path(known[source_id]["file"]).read_text(encoding="utf-8")
    if squeeze(quote) not in squeeze(text):
        raise RowError(
            f"the quote is not in {source_id} ({known[source_id]['file']}); copy it verbatim from the text"
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


def insert_row(path: Path, resource: dict, cells: dict[str, str]) -> int:
    """Insert before the first row with a larger primary key; returns the new row's rowNumber.

    Works on bytes and splits lines exactly as the csv module counts them (\n, \r\n, \r), so every
    other byte of the file, line endings included, stays as it was.
    """
    schema = resource["schema"]
    key_fields = schema.get("primaryKey") or [schema["fields"][0]["name"]]
    new_key = tuple(cells.get(name, "") for name in key_fields)
    rows = csv_rows(path)
    if any(tuple(row[name] for name in key_fields) == new_key for row in rows):
        raise RowError(
            f"{resource['name']} already has a row with {', '.join(key_fields)} = {', '.join(new_key)}"
        )
    following = next((row for row in rows if tuple(row[name] for name in key_fields) > new_key), None)
    data = path.read_bytes()
    terminator = "\r\n" if b"\r\n" in data else "\n"
    lines = data.splitlines(keepends=True)
    if lines and not lines[-1].endswith((b"\n", b"\r")):
        lines[-1] += terminator.encode()
    at = following.line - 1 if following else len(lines)
    lines.insert(at, row_text([f["name"] for f in schema["fields"]], cells, terminator))
    path.write_bytes(b"".join(lines))
    return following.number if following else len(rows) + 2


def findings_for_new_row(package: Package, resource: dict, cells: dict[str, str]):
    """Validate a scratch copy of the package with the row inserted; the findings about that row."""
    from .package import load_package
    from .validation import validate

    with tempfile.TemporaryDirectory(prefix="ecodata-new-row-") as scratch:
        for path in package.input_files():
            target = Path(scratch) / package.relative(path.resolve())
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        copy = load_package(Path(scratch) / package.descriptor_path.name)
        copied_resource = copy.resource(resource["name"])
        number = insert_row(copy.resource_path(copied_resource), copied_resource, cells)
        report = validate(copy)
    return [f for f in report.findings if f.resource == resource["name"] and f.row in (number, None)]


def check_fields(resource_name: str, fields: list[str], cells: dict[str, str]) -> None:
    unknown = sorted(set(cells) - set(fields))
    if unknown:
        raise RowError(f"{resource_name} has no field {', '.join(unknown)}")


def add_row(package: Package, resource_name: str, cells: dict[str, str]) -> int:
    """Check the evidence, validate, then insert; returns the rowNumber. Raises RowError."""
    try:
        resource = package.resource(resource_name)
    except KeyError:
        raise RowError(f"no resource {resource_name!r} in {package.descriptor_path.name}") from None
    fields = [field["name"] for field in resource["schema"]["fields"]]
    check_fields(resource_name, fields, cells)
    if "quote" in fields:
        check_quote(package, cells.get("source_id", ""), cells.get("quote", ""))
    problems = findings_for_new_row(package, resource, cells)
    if problems:
        raise RowError("; ".join(f"{p.field or 'row'}: {p.message}" for p in problems))
    return insert_row(package.resource_path(resource), resource, cells)
