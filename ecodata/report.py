"""Findings and the Report that collects them, with their text and JSON renderings.

A Finding is located the way Frictionless locates errors: `row` is the rowNumber (the header row is 1),
so `resources/x.csv:ROW` points at the line a spreadsheet user sees for a one-line-per-row CSV.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Finding:
    type: str
    message: str
    resource: str | None = None
    path: str | None = None
    row: int | None = None
    field: str | None = None
    cell: str | None = None

    @property
    def location(self) -> str:
        place = self.path or self.resource or "datapackage.json"
        return f"{place}:{self.row}" if self.row is not None else place

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    rows_checked: int = 0
    resources_checked: int = 0

    @property
    def valid(self) -> bool:
        return not self.findings

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(finding.type for finding in self.findings).items()))

    def stats(self) -> dict:
        return {
            "errors": len(self.findings),
            "resources": self.resources_checked,
            "rows": self.rows_checked,
            "types": self.counts(),
        }


def render_text(report: Report) -> str:
    lines = []
    for finding in report.findings:
        where = f"{finding.location} {finding.field}:" if finding.field else f"{finding.location}:"
        lines.append(f"{where} {finding.message}")
    lines.append(summary_line(report))
    return "\n".join(lines)


def summary_line(report: Report) -> str:
    checked = f"{report.resources_checked} resources, {report.rows_checked} rows"
    if report.valid:
        return f"valid: {checked}, no errors"
    per_type = ", ".join(f"{name} {count}" for name, count in report.counts().items())
    return f"invalid: {len(report.findings)} errors in {checked} ({per_type})"


def render_json(report: Report) -> str:
    document = {
        "valid": report.valid,
        "stats": report.stats(),
        "errors": [finding.as_dict() for finding in report.findings],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


RENDERERS = {"text": render_text, "json": render_json}
