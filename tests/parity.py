"""Helpers for the parity suite: write a package, run both engines, compare their findings."""

from __future__ import annotations

import collections
import json
import os
from pathlib import Path

from hypothesis import HealthCheck, settings

from ecodata.package import load_package
from ecodata.validate.engine import standard_checks
from ecodata.validate.report import Report

# The random tests: 60 derandomized examples in `make test`; PARITY_RANDOM=1 PARITY_EXAMPLES=2000 searches.
RANDOM_SEARCH = settings(
    max_examples=int(os.environ.get("PARITY_EXAMPLES", "60")),
    deadline=None,
    derandomize=not os.environ.get("PARITY_RANDOM"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# What frictionless 5 does not check at all (docs/parity.md): the fast engine reports these alone.
ARROW_ONLY = {"category-error", "unique-keys"}


def write_package(root: Path, resources: list[dict], files: dict[str, bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (root / name).write_bytes(content)
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "parity",
        "resources": resources,
    }
    path = root / "datapackage.json"
    path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    return path


def findings(descriptor: Path, engine: str) -> tuple[collections.Counter, Report]:
    report = Report()
    standard_checks(load_package(descriptor), report, engine=engine)
    keys = collections.Counter(
        (finding.type, finding.resource, finding.row, finding.field)
        for finding in report.findings
        if finding.type not in ARROW_ONLY
    )
    return keys, report


def assert_same_findings(descriptor: Path) -> Report:
    arrow, report = findings(descriptor, "arrow")
    reference, _ = findings(descriptor, "frictionless")
    assert not report.notes, report.notes  # the fast engine did the work itself
    only_arrow, only_reference = arrow - reference, reference - arrow
    assert not only_arrow and not only_reference, (
        f"only arrow: {sorted(only_arrow.elements(), key=str)[:8]}; "
        f"only frictionless: {sorted(only_reference.elements(), key=str)[:8]}"
    )
    return report


def table(name: str, fields: list[dict], **schema) -> dict:
    return {
        "name": name,
        "path": f"{name}.csv",
        "type": "table",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {"fields": fields, **schema},
    }
