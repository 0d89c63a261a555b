"""`validate`: the one entry point the CLI, the build and the tests share."""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterable
from pathlib import Path

from .checks import DEFAULT_MAX_CELL_SIZE, Check, Context, load_checks, read_rows
from .engine import DEFAULT_ENGINE, standard_checks
from .package import Package, PackageError, load_package
from .report import Report


def validate(
    descriptor: str | Path | Package = "datapackage.json",
    *,
    only: Iterable[str] = (),
    skip: Iterable[str] = (),
    max_cell_size: int = DEFAULT_MAX_CELL_SIZE,
    standard: bool = False,
    engine: str = DEFAULT_ENGINE,
    progress=None,
    workers: int | None = None,
    dask: str | None = None,
) -> Report:
    """Validate a package and return a Report with every finding. Raises PackageError (cannot run).

    `only` and `skip` name error types (e.g. `quote-not-in-source`, `type-error`): project checks outside
    the selection do not run, and standard findings outside it are dropped. `standard` runs the Table
    Schema checks alone (no project checks), for comparing engines on any package.
    """
    package = descriptor if isinstance(descriptor, Package) else load_package(descriptor)
    wanted = selector(set(only), set(skip))
    report = Report()
    standard_checks(package, report, engine=engine, progress=progress, workers=workers, dask=dask)
    if not standard:
        context = Context(package, max_cell_size=max_cell_size)
        for check in selected_checks(wanted, set(only)):
            report.findings.extend(check.run(context))
    report.findings = [finding for finding in report.findings if wanted(finding.type)]
    add_line_numbers(package, report)
    return report


def selector(only: set[str], skip: set[str]):
    return lambda name: (not only or name in only) and name not in skip


def selected_checks(wanted, only: set[str]) -> list[Check]:
    checks = load_checks()
    unknown = only - {check.name for check in checks} - STANDARD_TYPES
    if unknown:
        raise PackageError(f"unknown check {', '.join(sorted(unknown))}; known: {', '.join(check_names())}")
    return [check for check in checks if wanted(check.name)]


STANDARD_TYPES = {
    "type-error",
    "constraint-error",
    "foreign-key",
    "primary-key",
    "unique-error",
    "blank-row",
    "missing-cell",
    "extra-cell",
    "blank-label",
    "duplicate-label",
    "incorrect-label",
    "missing-label",
    "extra-label",
    "encoding-error",
    "source-error",
    "scheme-error",
    "format-error",
    "schema-error",
    "package-error",
    "resource-error",
    "field-error",
    "row-constraint",
    "category-error",
    "unique-keys",
    "byte-count",
    "hash-count",
}


def check_names() -> list[str]:
    return sorted(STANDARD_TYPES | {check.name for check in load_checks()})


def add_line_numbers(package: Package, report: Report) -> None:
    """Give standard findings the physical CSV line of their row (a multi-line cell shifts it)."""
    lines: dict[str, dict[int, int]] = {}
    for index, finding in enumerate(report.findings):
        if finding.line is not None or finding.row is None or not finding.path:
            continue
        if finding.path not in lines:
            try:
                rows = read_rows(package.safe_path(finding.path))
                lines[finding.path] = {row.number: row.line for row in rows}
            except (OSError, UnicodeDecodeError, csv.Error, PackageError):
                lines[finding.path] = {}
        line = lines[finding.path].get(finding.row, finding.row)
        report.findings[index] = dataclasses.replace(finding, line=line)
