"""Standard Table Schema checks: the fast Arrow engine, or frictionless-py as the reference.

`arrow` reads each CSV once with pyarrow and checks column by column; `frictionless` runs
frictionless-py's own validation. Both give the same (type, resource, row, field) findings — the
parity suite in tests/validate/test_parity_*.py holds them to it, and docs/parity.md lists what differs.
A package that uses something the fast engine does not implement (inline data, remote files,
comment rows…) is handed to frictionless whole, and the report says so.
"""

from __future__ import annotations

import sys

from ...package import Package
from ..report import Report
from .progress import NO_PROGRESS

DEFAULT_ENGINE = "arrow"


def standard_checks(
    package: Package,
    report: Report,
    *,
    engine: str = DEFAULT_ENGINE,
    progress=None,
    workers=None,
    dask=None,
    keep_batches: bool = False,
    lean_memory: bool = False,
    with_tables: bool = False,
) -> None:
    """Add every standard finding for `package` to `report`, with the engine named (see the module's
    docstring); a package the arrow engine does not support goes to frictionless whole, with a note."""
    from .reference import check_with_frictionless

    if engine == "frictionless":
        check_with_frictionless(package, report)
        return
    from .cells import Unsupported
    from .package_checks import check_with_arrow

    try:
        check_with_arrow(
            package,
            report,
            progress=progress or NO_PROGRESS,
            workers=workers,
            dask=dask,
            keep_batches=keep_batches,
            lean_memory=lean_memory,
            with_tables=with_tables,
        )
    except Unsupported as reason:
        report.findings.clear()
        report.batches.clear()
        report.resources_checked = report.rows_checked = 0
        report.notes.append(f"the arrow engine does not support {reason}; frictionless checked this package")
        check_with_frictionless(package, report)


def spare_pandas() -> None:
    """Keep pyarrow from importing pandas (0.2 s and 30 MB) for arrays that never meet pandas.

    pyarrow probes for pandas once, the first time it makes an array or a scalar from Python objects.
    Made while `import pandas` fails, that probe notes "no pandas" and goes on; a real pandas
    conversion later (to_pandas, from_pandas) retries the import and works as usual —
    tests/validate/test_engine_imports.py holds pyarrow to both.
    """
    if "pandas" in sys.modules:
        return
    import pyarrow as pa

    sys.meta_path.insert(0, NO_PANDAS)
    try:
        pa.scalar(0)
    finally:
        sys.meta_path.remove(NO_PANDAS)


class NoPandas:
    """An import finder under which `import pandas` raises ImportError."""

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "pandas":
            raise ImportError("pandas is kept out of this probe")
        return None


NO_PANDAS = NoPandas()
# Before any engine module makes a pyarrow scalar at import (texts.NULL_TEXT): whichever of them a
# command imports first, pandas stays out (1 M rows: 0.15 s and 30 MB of a 0.8 s, 220 MB run).
spare_pandas()
