"""Benchmark the arrow engine against frictionless on seeded packages of 10 k, 100 k and 1 M rows.

Each engine runs in its own process (so peak memory is its own), on the same files, in the same run;
both must report the same (type, resource, row, field) findings. Also measured: raw
`pyarrow.csv.read_csv` of a valid 1 M-row file against the engine on that file — in one process, both
warmed up first, runs alternated, medians — and `ecodata --help`.
Writes the table to benchmarks/RESULTS.md. Usage: python benchmarks/validate_speed.py [--sizes 10000,...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_package import FIELDS, write  # noqa: E402
from whole_process import MARKER  # noqa: E402


def measure(engine: str, descriptor: Path) -> dict:
    """Run one engine in a fresh process; imports are done before the clock starts, for both."""
    out = subprocess.run(
        [sys.executable, __file__, "--measure", engine, str(descriptor)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def measure_here(engine: str, descriptor: str) -> None:
    import collections
    import resource

    import frictionless  # noqa: F401 — both engines start with their libraries imported
    import pyarrow.csv  # noqa: F401

    from ecodata.package import load_package
    from ecodata.validate.engine import standard_checks
    from ecodata.validate.report import Report

    started = time.perf_counter()
    report = Report()
    standard_checks(load_package(descriptor), report, engine=engine)
    seconds = time.perf_counter() - started
    found = collections.Counter(f"{f.type}|{f.resource}|{f.row}|{f.field}" for f in report.findings)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        json.dumps({"seconds": seconds, "rows": report.rows_checked, "peak": peak, "findings": dict(found)})
    )


RATIO_RUNS = 11  # the machine is shared and noisy: single pairs range from about 45 % to 65 %


def measure_read_ratio(descriptor: str, warm_up: str, runs: int = RATIO_RUNS) -> None:
    """Raw read_csv of the observations file against the engine on the whole package, in this process.

    Both are run once on a small package of the same shape first (thread pools started, lazy imports
    done), then alternately, so a noisy neighbour slows both; the medians are compared.
    """
    import pyarrow as pa
    import pyarrow.csv

    from ecodata.package import load_package
    from ecodata.validate.engine import standard_checks
    from ecodata.validate.report import Report

    as_strings = pyarrow.csv.ConvertOptions(column_types={field["name"]: pa.string() for field in FIELDS})
    any_csv = pyarrow.csv.ParseOptions(newlines_in_values=True)  # what a reader of unknown files must set

    def read_raw(package: str, parse_options=None) -> float:
        started = time.perf_counter()
        path = Path(package).parent / "observations.csv"
        pyarrow.csv.read_csv(path, convert_options=as_strings, parse_options=parse_options)
        return time.perf_counter() - started

    def validate(package: str) -> float:
        started = time.perf_counter()
        report = Report()
        standard_checks(load_package(package), report, engine="arrow")
        assert not report.findings, "the valid package has findings"
        return time.perf_counter() - started

    read_raw(warm_up), read_raw(warm_up, any_csv), validate(warm_up)
    raw, raw_any, engine = [], [], []
    for _ in range(runs):
        raw.append(read_raw(descriptor))
        engine.append(validate(descriptor))
        raw_any.append(read_raw(descriptor, any_csv))
    size = (Path(descriptor).parent / "observations.csv").stat().st_size
    pairs = [one / other for one, other in zip(raw, engine)]
    print(
        json.dumps(
            {
                "raw": statistics.median(raw),
                "raw_any": statistics.median(raw_any),
                "engine": statistics.median(engine),
                "bytes": size,
                "lowest": min(pairs),
                "highest": max(pairs),
            }
        )
    )


def help_seconds(runs: int = 7) -> float:
    command = [str(Path(sys.executable).parent / "ecodata"), "--help"]
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--measure", nargs=2, metavar=("ENGINE", "DESCRIPTOR"), help=argparse.SUPPRESS)
    parser.add_argument("--ratio", nargs=2, metavar=("DESCRIPTOR", "WARM_UP"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        measure_here(*options.measure)
        return
    if options.ratio:
        measure_read_ratio(*options.ratio)
        return
    lines = [
        "# Validation benchmark",
        "",
        f"`make bench` (python benchmarks/validate_speed.py) on {platform.machine()}, {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}. Seeded packages from `benchmarks/make_package.py`: `observations` "
        "(10 typed columns, a foreign key to `sites`, ~0.1 % injected errors) plus `sites` (1 000 rows). "
        "Each engine in its own process on the same files; seconds exclude interpreter start and imports.",
        "",
        "| rows | frictionless s | arrow s | frictionless rows/s | arrow rows/s | speed-up | frictionless peak MB | arrow peak MB | memory ratio | same findings |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as scratch:
        for size in (int(size) for size in options.sizes.split(",")):
            descriptor = write(size, Path(scratch) / str(size))
            reference, arrow = measure("frictionless", descriptor), measure("arrow", descriptor)
            same = reference["findings"] == arrow["findings"]
            errors = sum(arrow["findings"].values())
            lines.append(
                f"| {arrow['rows']:,} | {reference['seconds']:.2f} | {arrow['seconds']:.2f} | "
                f"{reference['rows'] / reference['seconds']:,.0f} | {arrow['rows'] / arrow['seconds']:,.0f} | "
                f"**{reference['seconds'] / arrow['seconds']:.1f}×** | {reference['peak'] / 2**20:.0f} | {arrow['peak'] / 2**20:.0f} | "
                f"{arrow['peak'] / reference['peak']:.2f}× | {'yes' if same else 'NO'} ({errors} errors) |"
            )
            print(lines[-1], flush=True)
        largest = max(int(size) for size in options.sizes.split(","))
        valid = write(largest, Path(scratch) / "valid", valid=True)
        warm_up = write(1000, Path(scratch) / "warm-up", valid=True)
        done = subprocess.run(
            [sys.executable, __file__, "--ratio", str(valid), str(warm_up)],
            capture_output=True,
            text=True,
            check=True,
        )
        ratio = json.loads(done.stdout)
        megabytes = ratio["bytes"] / 1e6
        lines += [
            "",
            f"Valid {largest:,}-row file ({megabytes:.0f} MB), one process, both warmed up on a 1 000-row package, "
            f"{RATIO_RUNS} alternating runs, medians: raw `pyarrow.csv.read_csv` (all columns as strings) "
            f"{ratio['raw']:.3f} s ({megabytes / ratio['raw']:,.0f} MB/s); arrow engine (both resources, every "
            f"check) {ratio['engine']:.3f} s ({megabytes / ratio['engine']:,.0f} MB/s) — "
            f"**{ratio['raw'] / ratio['engine']:.0%}** of raw read throughput "
            f"({os.cpu_count()} CPU cores; single pairs of runs from {ratio['lowest']:.0%} to {ratio['highest']:.0%}).",
            "",
            f"For context, not the target: `read_csv` set to read any CSV (`newlines_in_values=True`, which the "
            f"engine's readers honour: a quoted cell may span lines) took {ratio['raw_any']:.3f} s; the engine "
            f"ran at {ratio['raw_any'] / ratio['engine']:.0%} of that.",
        ]
    lines += ["", f"`ecodata --help`: {help_seconds() * 1000:.0f} ms (median of 7, whole process)."]
    text = "\n".join(lines) + "\n"
    results = HERE / "RESULTS.md"
    previous = results.read_text(encoding="utf-8") if results.exists() else ""
    whole = previous.split(MARKER, 1)[0] if MARKER in previous else ""  # whole_process.py's tables stay first
    results.write_text(
        f"{whole}{MARKER}\n\n{text.replace('# Validation benchmark', '## In-process engine figures', 1)}",
        encoding="utf-8",
    )
    print(text)


if __name__ == "__main__":
    main()
