"""Time `ecodata validate` against plain frictionless on the same package, in the same process.

Reports the median of N runs and the ratio to the frictionless reference (machines are noisy: compare
ratios, not seconds). Usage: python benchmarks/validate_speed.py [DESCRIPTOR] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path


def median_seconds(function, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "descriptor", nargs="?", default=str(Path(__file__).resolve().parent.parent / "datapackage.json")
    )
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()

    import frictionless

    from ecodata.validation import validate

    reference = median_seconds(lambda: frictionless.Package(options.descriptor).validate(), options.runs)
    ecodata = median_seconds(lambda: validate(options.descriptor), options.runs)
    rows = validate(options.descriptor).rows_checked
    print(f"package: {options.descriptor} ({rows} rows), median of {options.runs} runs")
    print("| engine | seconds | rows/s | time vs frictionless |")
    print("|---|---|---|---|")
    for name, seconds in (("frictionless (reference)", reference), ("ecodata validate", ecodata)):
        print(f"| {name} | {seconds:.3f} | {rows / seconds:,.0f} | {seconds / reference:.2f}× |")


if __name__ == "__main__":
    main()
