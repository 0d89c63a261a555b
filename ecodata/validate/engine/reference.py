"""The reference engine: frictionless-py's own validation, its errors turned into located Findings."""

from __future__ import annotations

import re

from ...package import Package, frictionless_package_at
from ..report import Finding, Report
from . import messages
from .plan import as_list, named_in_descriptor

# Frictionless notes look like: constraint "minimum" is "0"
CONSTRAINT_NOTE = re.compile(r'constraint "(?P<name>\w+)" is "(?P<value>.*)"')
DECODE_NOTE = re.compile(r"can't decode byte (?P<byte>0x[0-9a-f]+) in position (?P<offset>\d+)")
COUNT_NOTE = re.compile(r'expected is "(?P<expected>.*)" and actual is "(?P<actual>.*)"')
TYPE_NOTE = re.compile(r'type is "(?P<type>[\w]+)/(?P<format>[^"]+)"')
FIELDLESS = ("extra-label", "extra-cell")  # frictionless gives these a fieldName of "": no field
LIMIT_ERRORS = 10_000_000  # frictionless stops at 1000 per resource by default; a reference must not


def check_with_frictionless(package: Package, report: Report) -> None:
    """Add every frictionless finding for `package` to `report` (all of them, no stop at first)."""
    import frictionless

    try:
        checked = frictionless_package_at(package).validate(limit_errors=LIMIT_ERRORS)
    except frictionless.FrictionlessException as exception:  # what is wrong, not "descriptor is not valid"
        found = [descriptor_finding(package, error) for error in exception.to_errors()]
        report.findings += named_in_descriptor(found, package.resources)
        return
    found = [descriptor_finding(package, error) for error in checked.errors]
    report.findings += named_in_descriptor(found, package.resources)
    for task in checked.tasks:
        report.resources_checked += 1
        report.rows_checked += task.stats.get("rows") or 0
        path = task.place if not task.place.startswith(("/", "http")) else None
        key = as_list(package.table(task.name).get("schema", {}).get("primaryKey"))
        for error in task.errors:
            report.findings.append(row_finding(task.name, path, error.to_descriptor(), key))


def descriptor_finding(package: Package, error) -> Finding:
    return Finding(type=error.type, message=error.note or error.message, path=package.descriptor_path.name)


def row_finding(resource: str, path: str | None, error: dict, primary_key: list[str] = ()) -> Finding:
    return Finding(
        type=error["type"],
        message=friendly_message(error),
        resource=resource,
        path=path,
        row=error.get("rowNumber"),
        field=finding_field(error, primary_key),
        cell=error.get("cell"),
    )


def finding_field(error: dict, primary_key: list[str]) -> str | None:
    """The field a finding names: a key's first (frictionless names a foreign key's fields, and no field
    for the primary key's), none for a cell or label past the schema's."""
    if error["type"] == "primary-key":
        return next(iter(primary_key), None)
    if error["type"] == "foreign-key":
        return next(iter(error.get("fieldNames") or []), None)
    return None if error["type"] in FIELDLESS else error.get("fieldName")


def friendly_message(error: dict) -> str:
    """A short message that says what to change, instead of frictionless's positional prose."""
    kind, note, cell = error["type"], error.get("note", ""), error.get("cell", "")
    if kind == "type-error" and (match := TYPE_NOTE.search(note)):
        return messages.type_error(cell, match["type"], match["format"])
    if kind == "constraint-error" and (match := CONSTRAINT_NOTE.search(note)):
        return messages.constraint_error(cell, match["name"], match["value"])
    if kind == "primary-key":
        return messages.primary_key(note)
    if kind == "foreign-key":
        return messages.foreign_key(note)
    if kind == "extra-cell":
        return messages.extra_cell(cell)
    if kind in ("missing-cell", "blank-row"):
        return messages.FIXED[kind]
    if kind in messages.LABELS:
        return messages.label_error(kind, error.get("label"), error.get("fieldName"))
    if kind == "encoding-error" and (match := DECODE_NOTE.search(note)):
        return f"not UTF-8 (byte {match['byte']} at offset {match['offset']}); save the file as UTF-8"
    if kind == "scheme-error":
        return messages.scheme_error(note)
    if kind in messages.COUNTED and (match := COUNT_NOTE.fullmatch(note)):
        return messages.count_error(kind, match["actual"], match["expected"])
    return note or error.get("message", kind)
