"""Standard Table Schema checks: the fast Arrow engine, or frictionless-py as the reference.

`arrow` reads each CSV once with pyarrow and checks column by column; `frictionless` runs
frictionless-py's own validation. Both give the same (type, resource, row, field) findings — the
parity suite in tests/test_parity.py holds them to it, and docs/parity.md lists what differs.
A package that uses something the fast engine does not implement (inline data, remote files,
comment rows…) is handed to frictionless whole, and the report says so.
"""

from __future__ import annotations

from ..package import Package
from ..report import Report
from .progress import NO_PROGRESS

ENGINES = ("arrow", "frictionless")
DEFAULT_ENGINE = "arrow"


def standard_checks(
    package: Package, report: Report, *, engine: str = DEFAULT_ENGINE, progress=None, workers=None, dask=None
) -> None:
    if engine == "frictionless":
        from .reference import standard_checks as reference_checks

        reference_checks(package, report)
        return
    from .arrow import standard_checks as arrow_checks
    from .cells import Unsupported
    from .reference import standard_checks as reference_checks

    try:
        arrow_checks(package, report, progress=progress or NO_PROGRESS, workers=workers, dask=dask)
    except Unsupported as reason:
        report.findings.clear()
        report.resources_checked = report.rows_checked = 0
        report.notes.append(f"the arrow engine does not support {reason}; frictionless checked this package")
        reference_checks(package, report)
