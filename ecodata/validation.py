"""`validate`: the one entry point the CLI, the build and the tests share."""

from __future__ import annotations

from pathlib import Path

from .checks import project_checks
from .engine import standard_checks
from .package import Package, load_package
from .report import Report


def validate(descriptor: str | Path | Package = "datapackage.json") -> Report:
    """Validate a package and return a Report with every finding. Raises PackageError (cannot run)."""
    package = descriptor if isinstance(descriptor, Package) else load_package(descriptor)
    report = Report()
    standard_checks(package, report)
    project_checks(package, report)
    return report
