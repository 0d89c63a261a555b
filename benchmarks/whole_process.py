"""Benchmark the commands users run, as whole processes, against their peers in the same run.

For each seeded package (`make_package.py`, with ~0.1 % errors and valid) it times `ecodata validate`
(text, json and github output), frictionless's own CLI (`--limit-errors` high enough for every error),
a straightforward polars script doing the same checks (`polars_peer.py`), and, on the valid package,
`ecodata build` against pyarrow CSV → Parquet plus `sqlite3 .import` of the same file. Then this
repository's package scaled to ~200 k rows (its evidence checks on) with and without `--standard`.
Wall time and peak RSS per process (os.wait4: the largest of the process and the children it waited
for); ecodata and its peers run three times, taking turns, and their median is shown; findings
compared as (type, row, field).
Writes benchmarks/RESULTS.md above the in-process engine section that validate_speed.py writes.
Usage: python benchmarks/whole_process.py [--sizes 10000,100000,1000000,5000000] [--copy-rows 200000]
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
MARKER = "<!-- in-process engine figures below (benchmarks/validate_speed.py) -->"
sys.path.insert(0, str(HERE))

from make_package import write  # noqa: E402


def run(command: list[str], cwd: Path | None = None) -> dict:
    """Wall seconds, peak RSS (MB), exit code and stdout of one process."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return {
        "seconds": seconds,
        "mb": usage.ru_maxrss / 1024,
        "exit": os.waitstatus_to_exitcode(status),
        "out": text,
    }


def interleaved(*commands: list[str], times: int = 3) -> list[dict]:
    """Each command's median run (by wall time) of `times`, the commands taking turns: on a shared,
    noisy machine a ratio of two single runs can be off by half."""
    runs = [[] for _ in commands]
    for _ in range(times):
        for command, found in zip(commands, runs):
            found.append(run(command))
    return [sorted(found, key=lambda result: result["seconds"])[times // 2] for found in runs]


def frictionless_findings(text: str) -> collections.Counter:
    report = json.loads(text)
    return collections.Counter(
        (error["type"], error.get("rowNumber"), error.get("fieldName") or None)
        for task in report["tasks"]
        for error in task["errors"]
    )


def ecodata_findings(text: str) -> collections.Counter:
    return collections.Counter((e["type"], e["row"], e["field"]) for e in json.loads(text)["errors"])


def polars_findings(text: str) -> collections.Counter:
    return collections.Counter(
        (kind, row, field) for kind, _, row, field in map(json.loads, text.splitlines())
    )


def validate_rows(descriptor: Path, rows: int, errors: bool) -> list[str]:
    ecodata = str(BIN / "ecodata")
    reference = run(
        [str(BIN / "frictionless"), "validate", "--json", "--limit-errors", "100000000", str(descriptor)]
    )
    peers = {
        "ecodata validate": [ecodata, "validate", str(descriptor)],
        "ecodata validate --format json": [ecodata, "validate", "--format", "json", str(descriptor)],
        "ecodata validate --format github": [ecodata, "validate", "--format", "github", str(descriptor)],
        "polars_peer.py": [sys.executable, str(HERE / "polars_peer.py"), str(descriptor)],
    }
    runs = {"frictionless validate --json": reference} | dict(zip(peers, interleaved(*peers.values())))
    expected = frictionless_findings(reference["out"])
    same = {
        "ecodata validate --format json": ecodata_findings(runs["ecodata validate --format json"]["out"])
        == expected,
        "polars_peer.py": polars_findings(runs["polars_peer.py"]["out"]) == expected,
    }
    label = f"{rows:,} {'with errors' if errors else 'valid'} ({sum(expected.values())} findings)"
    polars = runs["polars_peer.py"]["seconds"] / runs["ecodata validate"]["seconds"]
    return [
        *(row(label, name, result, reference, same.get(name)) for name, result in runs.items()),
        f"|  | polars ÷ `ecodata validate` (above 1: ecodata faster) |  |  | **{polars:.2f}×** |  |",
    ]


def build_rows(descriptor: Path, rows: int, scratch: Path) -> list[str]:
    out = scratch / f"dist-{rows}"
    built = run([str(BIN / "ecodata"), "build", str(descriptor), "--out", str(out)])
    validated = run([str(BIN / "ecodata"), "validate", str(descriptor)])
    data = descriptor.parent / "observations.csv"
    parquet = run(
        [
            sys.executable,
            "-c",
            f"import pyarrow.csv as c, pyarrow.parquet as q; q.write_table(c.read_csv({str(data)!r}), {str(scratch / 'peer.parquet')!r}, compression='zstd')",
        ]
    )
    lines = [
        row(f"{rows:,} valid", "ecodata build", built, validated),
        row(f"{rows:,} valid", "(ecodata validate)", validated, validated),
    ]
    if shutil.which("sqlite3"):
        (scratch / "peer.db").unlink(missing_ok=True)
        imported = run(
            ["sqlite3", str(scratch / "peer.db"), "-cmd", ".mode csv", f".import {data} observations"]
        )
        peer = {
            "seconds": parquet["seconds"] + imported["seconds"],
            "mb": max(parquet["mb"], imported["mb"]),
            "exit": 0,
        }
        lines.append(row(f"{rows:,} valid", "pyarrow → Parquet + sqlite3 .import", peer, validated))
        lines.append(
            f"|  | build ÷ (Parquet + .import) |  |  | **{built['seconds'] / peer['seconds']:.2f}×** |  |"
        )
    return lines


def tree_memory(command: list[str]) -> tuple[float, float]:
    """Peak summed RSS and PSS (MB) of a command's processes, sampled every 5 ms from /proc: RSS counts
    the pages a forked child shares with its parent twice, PSS shares them out."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak_rss = peak_pss = 0
    while process.poll() is None:
        sizes = [resident(pid) for pid in process_tree(process.pid)]
        peak_rss = max(peak_rss, sum(rss for rss, _ in sizes))
        peak_pss = max(peak_pss, sum(pss for _, pss in sizes))
        time.sleep(0.005)
    return peak_rss / 1024, peak_pss / 1024


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants, by each process's parent in /proc/<pid>/stat (the `children` files
    need a kernel option that not every kernel has)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:  # "pid (command) state ppid …": the command may hold spaces and parentheses
                parents[int(entry.name)] = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
            except (OSError, ValueError, IndexError):  # gone meanwhile
                pass
    found, index = [pid], 0
    while index < len(found):
        found += [child for child, parent in parents.items() if parent == found[index]]
        index += 1
    return found


def resident(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in kB, or zeros for a process gone meanwhile."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0, 0
    sizes = dict(line.split()[:2] for line in lines if line.startswith(("Rss:", "Pss:")))
    return int(sizes.get("Rss:", 0)), int(sizes.get("Pss:", 0))


def tree_memory_rows(descriptor: Path) -> list[str]:
    """Both commands' processes together, sampled (not timed): ecodata's forked child included."""
    if not Path("/proc/self/smaps_rollup").exists():
        return []
    commands = {
        "frictionless validate --json": [
            str(BIN / "frictionless"),
            "validate",
            "--json",
            "--limit-errors",
            "100000000",
            str(descriptor),
        ],
        "ecodata validate": [str(BIN / "ecodata"), "validate", str(descriptor)],
    }
    lines = [
        "Peak memory of all of a command's processes at once (1 M rows with errors; /proc sampled every 5 ms):",
        "",
        "| command | peak RSS, summed MB | peak PSS, summed MB |",
        "|---|---|---|",
    ]
    for name, command in commands.items():
        rss, pss = tree_memory(command)
        lines.append(f"| `{name}` | {rss:.0f} | {pss:.0f} |")
    return lines


def row(label: str, name: str, result: dict, reference: dict, same: bool | None = None) -> str:
    ratio = reference["seconds"] / result["seconds"]
    agree = "" if same is None else (" · same findings" if same else " · **different findings**")
    return (
        f"| {label} | `{name}` | {result['seconds']:.2f} | {result['mb']:.0f} | {ratio:.2f}× | "
        f"exit {result['exit']}{agree} |"
    )


def scaled_copy(rows: int, target: Path) -> Path:
    """This package with its statement tables repeated (ids suffixed) up to about `rows` rows."""
    shutil.copytree(ROOT / "resources", target / "resources")
    shutil.copytree(ROOT / "sources", target / "sources")
    shutil.copy(ROOT / "datapackage.json", target / "datapackage.json")
    tables = [
        "protected_areas",
        "germplasm_banks",
        "enforcement_actions",
        "international_partnerships",
        "indicators",
    ]
    originals = {
        name: list(csv.reader(open(target / "resources" / f"{name}.csv", encoding="utf-8")))
        for name in tables
    }
    copies = max(1, rows // sum(len(rows) - 1 for rows in originals.values()))
    for name, (header, *body) in originals.items():
        with open(target / "resources" / f"{name}.csv", "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(header)
            for copy in range(copies):
                writer.writerows([f"{cells[0]}-c{copy}", *cells[1:]] if copy else cells for cells in body)
    return target / "datapackage.json"


def as_installed() -> None:
    """Run ecodata as a user's install does: from bytecode (pip compiles it when it installs a wheel),
    not recompiled at every start because this shell set PYTHONDONTWRITEBYTECODE (~0.05 s a run)."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    compile_installed = (
        "import compileall, os, ecodata; compileall.compile_dir(os.path.dirname(ecodata.__file__), quiet=1)"
    )
    subprocess.run([sys.executable, "-c", compile_installed], check=True)


def main() -> None:
    as_installed()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000,5000000")
    parser.add_argument("--copy-rows", type=int, default=200_000)
    options = parser.parse_args()
    header = [
        "| package | command | wall s | peak MB | frictionless ÷ this (build: validate ÷ this) | result |",
        "|---|---|---|---|---|---|",
    ]
    lines = [
        "# Benchmarks: whole processes, as users run them",
        "",
        f"`make bench` on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}. Each command is a fresh process (imports included), all in one run on "
        "the same files; peak MB is the process's maximum resident memory (or a child's, if larger: `ecodata "
        "validate` checks the descriptor in a forked child while it reads the rows, `ecodata/validate/engine/aside.py`). "
        "ecodata and the polars script run three times, taking turns, and show their median; ecodata runs "
        "from bytecode, as a wheel installs it. Packages from "
        "`benchmarks/make_package.py` (10 typed columns, a foreign key, ~0.1 % injected errors, or none).",
        "",
        "## validate",
        "",
        *header,
    ]
    memory: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        for size in (int(size) for size in options.sizes.split(",")):
            for errors in (True, False):
                descriptor = write(size, scratch / f"{size}-{errors}", valid=not errors)
                lines += validate_rows(descriptor, size, errors)
                print("\n".join(lines[-5:]), flush=True)
                if size == 1_000_000 and errors:
                    memory = tree_memory_rows(descriptor)
                if errors:  # the valid one is built below
                    shutil.rmtree(descriptor.parent)
        lines += ["", *memory] if memory else []
        lines += ["", "## build (valid packages)", "", *header]
        for size in (int(size) for size in options.sizes.split(",")):
            lines += build_rows(scratch / f"{size}-False" / "datapackage.json", size, scratch)
            print("\n".join(lines[-4:]), flush=True)
            for done in (scratch / f"{size}-False", scratch / f"dist-{size}"):  # gigabytes at 5 M rows:
                shutil.rmtree(done)  # the page cache they fill made later runs pay to reclaim it
            for peer in ("peer.parquet", "peer.db"):
                (scratch / peer).unlink(missing_ok=True)
        copy = scaled_copy(options.copy_rows, scratch / "copy")
        standard, full = interleaved(
            [str(BIN / "ecodata"), "validate", "--standard", str(copy)],
            [str(BIN / "ecodata"), "validate", str(copy)],
            times=5,  # a ratio near its target: one noisy run in three moved it by a tenth
        )
        lines += [
            "",
            f"## this package, its statement tables repeated to ~{options.copy_rows:,} rows",
            "",
            "Medians of five runs, the two commands taking turns.",
            "",
            *header,
            row("copy", "ecodata validate --standard", standard, standard),
            row("copy", "ecodata validate (evidence checks on)", full, standard),
            f"|  | full ÷ --standard |  |  | **{full['seconds'] / standard['seconds']:.2f}×** |  |",
        ]
    previous = (HERE / "RESULTS.md").read_text(encoding="utf-8") if (HERE / "RESULTS.md").exists() else ""
    engine = previous.split(MARKER, 1)[1] if MARKER in previous else ""
    (HERE / "RESULTS.md").write_text("\n".join(lines) + "\n\n" + MARKER + engine, encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
