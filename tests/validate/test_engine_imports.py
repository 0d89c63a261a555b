"""The arrow engine validates without importing pandas, and leaves pyarrow's pandas support working."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.parity import table, write_package


def run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


PANDAS_ROUND_TRIP = """
import pandas as pd
import pyarrow as pa

frame = pa.Table.from_pandas(pd.DataFrame({"a": [1, 2]})).to_pandas()
series = pa.array(pd.Series(["x", "y", "x"], dtype="category"))
print(frame["a"].tolist(), series.type, series.to_pylist())
"""


def test_validation_does_not_import_pandas_and_pandas_still_works_after(tmp_path: Path):
    fields = [{"name": "id", "type": "integer"}, {"name": "when", "type": "date"}]
    descriptor = write_package(
        tmp_path, [table("t", fields)], {"t.csv": b"id,when\n1,2020-01-01\nx,2020-13-01\n"}
    )
    validation = f"""
import sys
from ecodata.validate.run import validate  # what `ecodata validate` imports, the declared checks' context too
from ecodata.package import load_package

report = validate(load_package({str(descriptor)!r}))
print(len(report.findings), "pandas" in sys.modules)
"""
    after_validation = run(validation + PANDAS_ROUND_TRIP).splitlines()
    assert after_validation[0] == "2 False"
    assert after_validation[1:] == run(PANDAS_ROUND_TRIP).splitlines()
    assert "[1, 2]" in after_validation[1] and "dictionary" in after_validation[1]


def test_the_descriptor_is_checked_in_a_child_so_validation_here_never_imports_frictionless(tmp_path: Path):
    """frictionless's import and Package (0.2 s) overlap the reading (ecodata/validate/engine/aside.py); its verdict
    still counts: a descriptor it refuses is reported, alone."""
    fields = [{"name": "id", "type": "integer"}]
    good = write_package(tmp_path / "good", [table("t", fields)], {"t.csv": b"id\n1\nx\n"})
    bad = write_package(
        tmp_path / "bad", [table("t", [{"name": "id", "type": "integr"}])], {"t.csv": b"id\n1\n"}
    )
    found = []
    for descriptor in (good, bad):  # one process each: a process forks once (aside.py)
        code = f"""
import sys
from ecodata.validate.run import validate
from ecodata.package import load_package

print(sorted(finding.type for finding in validate(load_package({str(descriptor)!r})).findings))
print("frictionless" in sys.modules)
"""
        found.append(run(code).splitlines())
    assert found == [["['type-error']", "False"], ["['field-error']", "False"]]


def test_a_build_has_its_tables_normalised_in_the_child_so_it_never_imports_frictionless(tmp_path: Path):
    """The build reads `Package.tables` after validation: normalised beside the reading, in the child
    that imports frictionless anyway, not here after it (0.3 s and 20 MB of a 1 M-row build)."""
    fields = [{"name": "id", "type": "integer"}, {"name": "when", "type": "date"}]
    descriptor = write_package(tmp_path, [table("t", fields)], {"t.csv": b"id,when\n1,2020-01-01\n2,\n"})
    code = f"""
import sqlite3, sys
from ecodata.build.dist import build

out = build({str(descriptor)!r}, {str(tmp_path / "dist")!r})
(database,) = out.glob("*.db")
print(sqlite3.connect(database).execute("select * from t").fetchall(), "frictionless" in sys.modules)
"""
    assert run(code) == "[(1, '2020-01-01'), (2, None)] False"
