"""`validate`: the one entry point the CLI, the build and the tests share.

The standard Table Schema checks always run; the checks the package declares (`"ecodata": {"checks":
[...]}`, see validate/plugins.py) run after them. A package that declares none gets exactly the
standard verdict, which is frictionless's.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable
from pathlib import Path

from ..package import Package, PackageError, load_package
from .context import Context
from .engine import DEFAULT_ENGINE, standard_checks
from .engine.messages import LABELS
from .engine.plan import dialect_of
from .engine.reading import CHECKED_HASHES, hash_algorithm
from .error_types import is_error_type, vocabulary
from .plugins import Check, blamed_on, declared_checks, known_checks
from .report import Report
from .settings import settings_problem
from .tables import csv_rows


def validate(
    descriptor: str | Path | Package = ".",
    *,
    only: Iterable[str] = (),
    skip: Iterable[str] = (),
    max_cell_size: int | None = None,
    standard: bool = False,
    engine: str = DEFAULT_ENGINE,
    progress=None,
    workers: int | None = None,
    dask: str | None = None,
    lean_memory: bool = False,
    with_tables: bool = False,
) -> Report:
    """Validate a package and return a Report with every finding. Raises PackageError (cannot run).

    `only` and `skip` name error types (e.g. `quote-not-in-source`, `type-error`) or checks: declared
    checks outside the selection do not run, and standard findings outside it are dropped. `standard`
    runs the Table Schema checks alone, whatever the package declares. `max_cell_size` overrides the
    `cell-size` check's `max`. `lean_memory` trades a little speed for a lower peak (the build's);
    `with_tables` has `Package.tables`, which the build reads next, normalised beside the reading.
    """
    package = descriptor if isinstance(descriptor, Package) else load_package(descriptor)
    known = known_checks(package)
    declared = [] if standard else declared_checks(package, known)
    wanted = selector(expand(set(only), known), expand(set(skip), known))
    report = Report(root=package.root)
    asked = set(only) | ({"cell-size"} if max_cell_size is not None else set())
    undeclared_asked = [] if standard else asked_for(asked, known, declared)
    for check in undeclared_asked:
        if problem := settings_problem(check, {}, package):  # as if declared with its defaults: exit 2
            raise PackageError(f"{problem} (--check runs it with its defaults)")
        declared.append((check, check.settings))
        by_check = check.name in only or set(check.types) & set(only)
        how = "its default settings (--check)" if by_check else f"max {max_cell_size} (--max-cell-size)"
        report.notes.append(f"{check.name}: not declared by the package; run with {how}")
    standard_checks(
        package,
        report,
        engine=engine,
        progress=progress,
        workers=workers,
        dask=dask,
        keep_batches=bool(declared),  # the declared checks read the same columns, not the files again
        lean_memory=lean_memory,
        with_tables=with_tables,
    )
    report.notes += unread_first_lines(package) + unchecked_hashes(package)
    undeclared = engine_only(known, declared)  # once, not per finding (1 M findings: 2 s)
    report.findings = [finding for finding in report.findings if finding.type not in undeclared]
    if engine == "frictionless" and (unchecked := sorted(c.name for c, _ in declared if c.run is None)):
        report.notes.append(f"{', '.join(unchecked)}: checked by the arrow engine only, not by frictionless")
    context = Context(package, _batches=report.batches)
    report.batches = {}
    not_run = [
        check.name for check, _ in declared if check.run is not None and not any(map(wanted, check.types))
    ]
    for check, settings in declared:
        if check.run is not None and check.name not in not_run:
            if check.name == "cell-size" and max_cell_size is not None:
                if settings["max"] != max_cell_size and check not in undeclared_asked:  # a setting replaced
                    whose = "the default" if settings["max"] == check.settings["max"] else "the package's"
                    report.notes.append(
                        f"cell-size: max {max_cell_size} (--max-cell-size), not {whose} {settings['max']}"
                    )
                settings = settings | {"max": max_cell_size}
            report.findings.extend(run_check(check, context, settings))
    kept = [finding for finding in report.findings if wanted(finding.type)]
    if note := selection_note(len(report.findings) - len(kept), not_run):
        report.notes.append(note)
    report.findings = kept
    add_line_numbers(package, report)
    return report


def selection_note(left_out: int, not_run: list[str]) -> str | None:
    """A verdict on the types --check and --skip select, said to be one: `build` checks them all."""
    said = (
        [f"{left_out:,} finding{'s' if left_out > 1 else ''} of the types left out not reported"]
        if left_out
        else []
    )
    if not_run:
        checks = ", ".join(not_run) if len(not_run) <= 3 else f"{len(not_run)} other"
        said.append(f"the package's {checks} check{'s' if len(not_run) > 1 else ''} not run")
    return f"--check/--skip: {' and '.join(said)}; `ecodata build` checks every type" if said else None


def unchecked_hashes(package: Package) -> list[str]:
    """A `hash` of another algorithm ({algorithm}:{hash}, as the spec allows: sha1, sha512…) is compared
    with nothing: said, rather than let the package pass as if it had been."""
    notes = []
    for resource in package.resources:
        declared = resource.get("hash")
        algorithm = hash_algorithm(declared) if isinstance(declared, str) else "md5"
        if not algorithm:
            notes.append(
                f'resource "{resource["name"]}": its hash "{declared}" names no algorithm, and is not checked'
            )
        elif algorithm not in CHECKED_HASHES:
            notes.append(
                f'resource "{resource["name"]}": its {algorithm} hash is not checked (frictionless and ecodata '
                f"compare {' and '.join(CHECKED_HASHES)} hashes); give one of those to have the file checked"
            )
    return notes


def unread_first_lines(package: Package) -> list[str]:
    """frictionless reads a list of CSV files as one table and drops each later file's first line, taken
    for the header again: said where that line is not the header, a row no check reads."""
    from .engine.layout import first_line

    notes = []
    for resource in package.resources:
        paths, dialect = resource.get("path"), resource.get("dialect")
        if not isinstance(paths, list) or len(paths) < 2 or not all(isinstance(p, str) for p in paths):
            continue
        if (isinstance(dialect, dict) and dialect.get("header") is False) or (
            str(resource.get("format") or paths[0].rsplit(".", 1)[-1]).lower() == "tsv"
        ):
            continue  # no header to drop
        try:
            lines = [
                first_line(package.safe_path(path)).strip().removeprefix(codecs.BOM_UTF8) for path in paths
            ]
        except (OSError, PackageError):  # validation says what is wrong with the files
            continue
        notes += [
            f"{path}: its first line ({line.decode(errors='replace')}) is dropped, as frictionless drops a later "
            "file's header, and is not the header: that row is not read; begin the file with the header"
            for path, line in zip(paths[1:], lines[1:])
            if line != lines[0]
        ]
    return notes


def asked_for(only: set[str], known: dict[str, Check], declared: list[tuple[Check, dict]]) -> list[Check]:
    """Known checks that --check names (or names a type of) but the package does not declare."""
    running = {check.name for check, _ in declared}
    return [
        check
        for check in known.values()
        if check.name not in running and (check.name in only or set(check.types) & only)
    ]


def run_check(check: Check, context: Context, settings: dict) -> list:
    with blamed_on(check):
        return list(check.run(context, settings))


def engine_only(known: dict[str, Check], declared: list[tuple[Check, dict]]) -> set[str]:
    """Types the standard engine finds beyond frictionless (categories, uniqueKeys): kept only when declared."""
    asked = {check.name for check, _ in declared}
    return {
        kind
        for check in known.values()
        if check.run is None and check.name not in asked
        for kind in check.types
    }


def expand(names: set[str], known: dict[str, Check]) -> set[str]:
    """Error types and check names → error types; an unknown one cannot run (exit 2)."""
    types = set()
    for name in names:
        if name in known:
            types.update(known[name].types)
        elif is_error_type(name, known.values()):
            types.add(name)
        else:
            raise PackageError(
                f"unknown check or error type {name!r}; known: {', '.join(sorted(vocabulary(known.values())))}"
            )
    return types


def selector(only: set[str], skip: set[str]):
    return lambda name: (not only or name in only) and name not in skip


def add_line_numbers(package: Package, report: Report) -> None:
    """Give findings the physical CSV line of their row (a multi-line cell shifts it), from the line
    maps the engine kept while reading; a file it streamed without one is read again for them."""
    single = {r["path"] for r in package.resources if isinstance(r.get("path"), str)}  # rows are its lines
    wanted: dict[str, set[int]] = {}
    for finding in report.findings:
        if finding.line is None and finding.row is not None and finding.path in single:
            mapped = report.lines.get(finding.path)
            if mapped is None or mapped.line(finding.row) is None:
                wanted.setdefault(finding.path, set()).add(finding.row)
    found = {path: row_lines(package, path, rows) for path, rows in wanted.items()}
    headers = header_lines(package)
    for index, finding in enumerate(report.findings):
        if finding.line is None and finding.row is None and finding.type in LABELS and finding.path:
            report.findings[index] = finding.changed(line=headers.get(finding.resource, 1))  # the header's
            continue
        if finding.line is not None or finding.row is None or finding.path not in single:
            continue
        mapped = report.lines.get(finding.path)
        line = mapped.line(finding.row) if mapped is not None else None
        if line is None:
            line = found.get(finding.path, {}).get(finding.row, finding.row)
        report.findings[index] = finding.changed(line=line)


def header_lines(package: Package) -> dict[str, int]:
    """The line of each resource's header where a dialect's `headerRows` puts it elsewhere than line 1."""
    lines = {}
    for resource in package.resources:
        try:
            dialect = dialect_of(resource, package.safe_path)
        except PackageError:  # validation says what is wrong with it
            continue
        rows = dialect.get("headerRows") if isinstance(dialect, dict) else None
        if isinstance(rows, list) and rows and isinstance(rows[0], int):
            lines[resource["name"]] = rows[0]
    return lines


def row_lines(package: Package, path: str, rows: set[int]) -> dict[int, int]:
    """rowNumber → the physical line it starts on, for `rows` of a plain CSV file; {} for anything else."""
    try:
        return {row.number: row.line for row in csv_rows(package.safe_path(path)) if row.number in rows}
    except (OSError, UnicodeDecodeError, csv.Error, PackageError):
        return {}
