"""The project's own checks: one file per check in `validators/`, loaded by path, run after the standard ones.

A check file defines `NAME` (the error type it reports) and `check(context)`, a generator of Findings.
`validators/` has no `__init__.py` on purpose: an importable top-level `validators` would shadow the
PyPI package of that name that frictionless imports.
"""

from __future__ import annotations

import csv
import importlib.util
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .package import Package, PackageError
from .report import Finding

DEFAULT_CHECKS_DIR = Path(__file__).resolve().parent.parent / "validators"
DEFAULT_MAX_CELL_SIZE = 10_000


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[Context], Iterator[Finding]]
    path: Path


@dataclass
class Row:
    """One CSV row as text cells, with its Frictionless rowNumber (header = 1)."""

    number: int
    line: int
    cells: dict[str, str]

    def __getitem__(self, name: str) -> str:
        return self.cells.get(name) or ""


@dataclass
class Context:
    """What checks share: the package, its rows as text (read once) and the archived source texts."""

    package: Package
    max_cell_size: int = DEFAULT_MAX_CELL_SIZE
    _rows: dict[str, list[Row]] = field(default_factory=dict)

    def rows(self, resource: dict) -> list[Row]:
        name = resource["name"]
        if name not in self._rows:
            self._rows[name] = read_rows(self.package.resource_path(resource))
        return self._rows[name]

    def table_resources(self, *required_fields: str) -> Iterator[dict]:
        """Resources whose schema has all of `required_fields` and whose file can be read."""
        for resource in self.package.resources:
            names = {f["name"] for f in resource.get("schema", {}).get("fields", [])}
            if set(required_fields) <= names and self.readable(resource):
                yield resource

    def readable(self, resource: dict) -> bool:
        try:
            self.rows(resource)
        except (OSError, UnicodeDecodeError, csv.Error, PackageError):
            return False  # the standard checks already report why
        return True

    @cached_property
    def sources(self) -> dict[str, dict]:
        """The `sources` resource by id, each with its archived text (None when the file is unreadable)."""
        try:
            resource = self.package.resource("sources")
        except KeyError:
            return {}
        if not self.readable(resource):
            return {}
        found = {}
        for row in self.rows(resource):
            entry = dict(row.cells, row=row, text=None, data=None)
            try:
                entry["data"] = self.package.safe_path(row["file"]).read_bytes()
                entry["text"] = entry["data"].decode("utf-8")
            except (OSError, UnicodeDecodeError, PackageError):
                pass
            found[row["id"]] = entry
        return found

    def finding(
        self, name: str, resource: dict, row: Row | None, field_name: str | None, message: str
    ) -> Finding:
        return Finding(
            type=name,
            message=message,
            resource=resource["name"],
            path=resource["path"],
            row=row.number if row else None,
            field=field_name,
            cell=row[field_name] if row and field_name else None,
            line=row.line if row else None,
        )


def read_rows(path: Path) -> list[Row]:
    """Rows with their rowNumber and the physical line they start on (they differ after multi-line cells)."""
    csv.field_size_limit(2**31 - 1)  # oversized cells are reported by the cell-size check, not crashed on
    rows = []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        line = reader.line_num + 1
        for number, cells in enumerate(reader, start=2):
            rows.append(Row(number, line, dict(zip(header, cells))))
            line = reader.line_num + 1
    return rows


def load_checks(folder: Path = DEFAULT_CHECKS_DIR) -> list[Check]:
    checks = []
    for path in sorted(folder.glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"ecodata_checks_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        checks.append(Check(module.NAME, module.check, path))
    return checks
