"""Findings and the Report that collects them, with their text and JSON renderings.

A Finding is located the way Frictionless locates errors: `row` is the rowNumber (the header row is 1),
so `resources/x.csv:ROW` points at the line a spreadsheet user sees for a one-line-per-row CSV.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

CELL_SHOWN = 200  # a report repeats at most this much of a cell: a 5 MB cell must not become a 5 MB report


@dataclass(frozen=True, slots=True)
class Finding:
    """One error found. While the engine checks a file, a finding is not yet placed: `resource`,
    `path` and `line` are unset and `row` counts within the file; once the resource is read
    (engine/resources.py `placed`), they are filled in and `row` is the resource's rowNumber."""

    type: str
    message: str
    resource: str | None = None
    path: str | None = None
    row: int | None = None
    field: str | None = None
    cell: str | None = None
    line: int | None = None  # the physical CSV line of `row`, for annotations on a pull request

    def changed(self, **changes) -> Finding:
        """What dataclasses.replace makes, without its introspection (which made it five times as slow):
        a package with an error on each of 1 M rows makes 3 M of these (10 s of 14)."""
        return Finding(*[changes.get(name, getattr(self, name)) for name in self.__slots__])

    def __post_init__(self):
        if isinstance(self.cell, str) and len(self.cell) > CELL_SHOWN:
            object.__setattr__(self, "cell", self.cell[:CELL_SHOWN] + "…")

    @property
    def location(self) -> str:
        """`file:row`, or `file:line (row N)` where the row starts on another line (a multi-line cell
        above it, or a later part of a multipart resource)."""
        place = self.path or self.resource or "datapackage.json"
        if self.row is None:
            return place if self.line is None else f"{place}:{self.line}"  # a header's line, say
        if self.line is not None and self.line != self.row:
            return f"{place}:{self.line} (row {self.row})"
        return f"{place}:{self.row}"

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    rows_checked: int = 0
    resources_checked: int = 0
    notes: list[str] = field(default_factory=list)  # how the package was checked, when it matters
    lines: dict = field(default_factory=dict)  # path → the engine's row → line map (engine/lines.py)
    batches: dict = field(
        default_factory=dict
    )  # resource → the engine's batches, kept for the declared checks
    root: Path | None = None  # the package's folder, which findings' paths are relative to

    @property
    def valid(self) -> bool:
        return not self.findings

    def include(self, other: Report) -> None:
        """Add what `other` found and read (its notes too)."""
        self.findings += other.findings
        self.rows_checked += other.rows_checked
        self.resources_checked += other.resources_checked
        self.notes += other.notes
        self.lines |= other.lines
        self.batches |= other.batches

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(finding.type for finding in self.findings).items()))

    def stats(self) -> dict:
        return {
            "errors": len(self.findings),
            "resources": self.resources_checked,
            "rows": self.rows_checked,
            "types": self.counts(),
        }


def shown(report: Report, limit: int | None) -> list[Finding]:
    return report.findings if limit is None else report.findings[:limit]


def render_text(report: Report, limit: int | None = None) -> str:
    lines = []
    for finding in shown(report, limit):
        where = f"{finding.location} {finding.field}:" if finding.field else f"{finding.location}:"
        lines.append(f"{where} {one_line(finding.message)}")
    lines += [f"note: {note}" for note in report.notes]
    lines.append(summary_line(report, limit))
    return "\n".join(lines)


def summary_line(report: Report, limit: int | None = None) -> str:
    checked = f"{plural(report.resources_checked, 'resource')}, {plural(report.rows_checked, 'row')}"
    if report.valid:
        return f"valid: {checked}, no errors"
    per_type = ", ".join(f"{name} {count}" for name, count in report.counts().items())
    count = len(report.findings)
    line = f"invalid: {count} error{'' if count == 1 else 's'} in {checked} ({per_type})"
    if limit is not None and len(report.findings) > limit:
        line += f"; the first {limit} shown (--limit-errors)"
    return line


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def render_json(report: Report, limit: int | None = None) -> str:
    document = {
        "valid": report.valid,
        "stats": report.stats(),
        "notes": report.notes,
        "errors": [finding.as_dict() for finding in shown(report, limit)],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def render_github(report: Report, limit: int | None = None) -> str:
    """GitHub Actions workflow commands: each error annotates its CSV line in a pull request; the notes
    on how the package was checked are notices."""
    lines = []
    for finding in shown(report, limit):
        properties = {"file": annotated_file(report, finding.path or "datapackage.json")}
        if finding.line is not None:  # a row's, or a header's (run.add_line_numbers)
            properties["line"] = str(finding.line)
        properties["title"] = finding.type
        joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
        message = f"{finding.field}: {finding.message}" if finding.field else finding.message
        lines.append(f"::error {joined}::{escape_data(message)}")
    lines += [f"::notice title=ecodata validate::{escape_data(note)}" for note in report.notes]
    lines.append(
        ("::notice title=ecodata validate::" if report.valid else "::error title=ecodata validate::")
        + escape_data(summary_line(report, limit))
    )
    return "\n".join(lines)


def annotated_file(report: Report, path: str) -> str:
    """The file as GitHub places an annotation: relative to the workspace (`GITHUB_WORKSPACE`, the
    repository's root; else where the command runs), so a package in a subfolder gives
    `sub/data/x.csv`, not `data/x.csv`, and one above the folder `../bad/x.csv`, not `x.csv`."""
    if report.root is None:
        return path
    workspace = Path(os.environ.get("GITHUB_WORKSPACE") or Path.cwd()).resolve()
    return Path(os.path.relpath((report.root / path).resolve(), workspace)).as_posix()


def one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


RENDERERS = {"text": render_text, "json": render_json, "github": render_github}


def cannot_run_json(message: str) -> str:
    return json.dumps({"valid": False, "error": message, "errors": []}, ensure_ascii=False, indent=2)


def cannot_run_github(message: str) -> str:
    return f"::error title=ecodata validate::{escape_data(f'cannot run: {one_line(message)}')}"


# What a machine-read format says when the package cannot be validated at all (exit 2); text says it
# on stderr alone, as every command does.
CANNOT_RUN_RENDERERS = {"json": cannot_run_json, "github": cannot_run_github}
