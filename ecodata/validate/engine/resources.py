"""One resource from its files: each file checked (the parts of a multipart resource in parallel),
their rows numbered as one table, the descriptor's counts (`bytes`, `hash`, `fields`, `rows`)
checked, and each finding placed in the file and line that holds its row.
"""

from __future__ import annotations

import bisect
import dataclasses
import os
from concurrent.futures import ProcessPoolExecutor

from ..report import Finding
from . import keys, messages
from .file_checks import FileJob, FileOutcome, check_file
from .layout import first_line_length
from .lines import LineMap
from .plan import ResourcePlan
from .reading import new_hasher
from .rows import KeySpec


@dataclasses.dataclass
class ResourceOutcome:
    plan: ResourcePlan
    problems: list[Finding]
    rows: int
    keys: dict[keys.KeyName, keys.KeyColumn]
    fatal: tuple[str, str] | None
    lines: LineMap | None = None  # a single file's row → line map
    parts: list[Part] = dataclasses.field(default_factory=list)  # a multipart resource's files
    batches: list | None = None  # a single CSV file's text columns, when asked to keep them


@dataclasses.dataclass
class Part:
    """Where a multipart resource's rows come from: rows from `first_row` on are in file `path`,
    at local row `row - shift`, whose line the part's own map gives."""

    first_row: int
    shift: int
    path: str
    lines: LineMap


def file_jobs(plan: ResourcePlan, specs: list[KeySpec], keep_bytes: int = 0) -> list[FileJob]:
    single = len(plan.paths) == 1
    jobs = [
        FileJob(
            plan=plan,
            path=path,
            has_header_row=plan.header and (index == 0 or plan.headered_parts),
            # frictionless drops the first line of every later part of a CSV resource, not of a TSV one
            layout=None,
            expected=None,
            key_specs=specs,
            want_hash=single and bool(plan.hash),
            keep_keys=not single,  # a rising key's texts may go, unless parts must be compared
            keep_bytes=keep_bytes if single and plan.header else 0,  # as batches.engine_batches reads
        )
        for index, path in enumerate(plan.paths)
    ]
    absent = [job for job in jobs if not job.path.is_file()]
    if absent:  # frictionless opens every part before it reads a row: it reports the first missing one
        return absent[:1]
    if plan.header and not (plan.headered_parts or plan.tsv):
        for job in jobs[1:]:  # frictionless drops a later CSV part's first line
            job.start = first_line_length(job.path)
    if not plan.parquet:  # one stream, as frictionless reads it
        jobs[0].joined_with = [(job.path, job.start > 0 or job.has_header_row) for job in jobs[1:]]
    return jobs


def check_resource(
    plan: ResourcePlan, specs: list[KeySpec], progress, workers: int | None, keep_bytes: int = 0
) -> ResourceOutcome:
    jobs = file_jobs(plan, specs, keep_bytes)
    total = sum(job.path.stat().st_size for job in jobs if job.path.is_file())
    with progress.task(plan.name, total) as advance:
        first = check_file(jobs[0], advance)
        if any(column.lost for column in first.keys.values()):  # a key fell after its texts went
            first = check_file(dataclasses.replace(jobs[0], keep_keys=True))
        outcomes = (
            [first, *run_parts(later_jobs(plan, jobs, first), workers, advance)]
            if first.fatal is None
            else [first]
        )
    outcome = merge(plan, jobs, outcomes)
    check_declared_counts(plan, jobs, outcomes, outcome)
    return outcome


def later_jobs(plan: ResourcePlan, jobs: list[FileJob], first: FileOutcome) -> list[FileJob]:
    """The parts after the first, read in the layout found for it: its header too, except in a folder,
    where each part has its own header row."""
    if plan.headered_parts:
        dialect = first.layout.dialect if first.layout else None
        return [dataclasses.replace(job, shared_dialect=dialect) for job in jobs[1:]]
    layout = first.layout
    if layout is not None and layout.encoding == "utf-8-sig":  # one stream: a BOM further on is text
        layout = dataclasses.replace(layout, encoding="utf-8")
    return [dataclasses.replace(job, layout=layout, expected=first.expected) for job in jobs[1:]]


def run_parts(jobs: list[FileJob], workers: int | None, advance) -> list[FileOutcome]:
    """The remaining parts of a multipart resource, in parallel processes, results in part order."""
    if not jobs:
        return []
    workers = min(len(jobs), workers or os.cpu_count() or 1)
    if workers == 1:
        return [check_file(job, advance) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers, initializer=leave_signals_to_the_parent) as pool:
        try:
            outcomes = []
            for job, outcome in zip(jobs, pool.map(check_file, jobs)):
                advance(job.path.stat().st_size if job.path.is_file() else 0)
                outcomes.append(outcome)
            return outcomes
        except BaseException:  # an interrupt: the parts not started never start
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def leave_signals_to_the_parent() -> None:
    """In a worker: Ctrl-C and SIGTERM, which reach the whole process group, are the parent's to act
    on. A worker that took the CLI's handler (forked with it) raised SystemExit into a result pipe
    no one read any more, and the parent waited for it forever."""
    import signal

    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.SIG_IGN)


def merge(plan: ResourcePlan, jobs: list[FileJob], outcomes: list[FileOutcome]) -> ResourceOutcome:
    """One resource from its parts: row numbers as if the parts were one file with one header."""
    problems: list[Finding] = []
    merged_keys: dict[keys.KeyName, keys.KeyColumn] = {}
    rows_before = 0
    fatal = None
    first_labels = {label_problem(problem) for problem in outcomes[0].problems}
    parts = []
    for index, (job, outcome) in enumerate(zip(jobs, outcomes)):
        shift = rows_before + (1 if plan.header else 0) - (1 if job.has_header_row else 0)
        shown = plan.shown_parts[index] if index < len(plan.shown_parts) else job.path.name
        parts.append(Part(rows_before + (2 if plan.header else 1), shift, shown, outcome.lines))
        for problem in outcome.problems:
            row = problem.row + shift if problem.row is not None else None
            if job is not jobs[0] and (label := label_problem(problem)):
                if label in first_labels:
                    continue  # every part of a folder repeats the header: report its problems once
                problem = problem.changed(message=f"{problem.message} (in part {job.path.name})")
            problems.append(problem if row == problem.row else problem.changed(row=row))
        for name, column in outcome.keys.items():
            if len(jobs) == 1:  # as followed while read, its texts perhaps let go
                merged_keys[name] = column.shifted(shift)
            else:
                merged_keys.setdefault(name, keys.KeyColumn(watch_order=column.watch_order)).extend(
                    column.shifted(shift)
                )
        rows_before += outcome.rows
        if outcome.fatal is not None:
            fatal = fatal or outcome.fatal
            problems.append(fatal_problem(*outcome.fatal))
    if len(jobs) == 1 and plan.shown_path:
        outcome = ResourceOutcome(plan, problems, rows_before, merged_keys, fatal, outcomes[0].lines)
        outcome.batches = outcomes[0].batches if fatal is None else None
        return outcome
    return ResourceOutcome(plan, problems, rows_before, merged_keys, fatal, parts=parts)


def label_problem(problem: Finding) -> tuple | None:
    """What tells a header problem from another (a part's header may repeat the first part's problems)."""
    if problem.row is None and problem.type.endswith("-label"):
        return (problem.type, problem.field, problem.cell)
    return None


def fatal_problem(kind: str, note: str) -> Finding:
    if kind == "scheme-error":
        return Finding(kind, messages.scheme_error(note))
    if kind == "encoding-error":
        return Finding(kind, messages.encoding_error(note))
    return Finding(kind, note)


def check_declared_counts(
    plan: ResourcePlan, jobs: list[FileJob], outcomes: list[FileOutcome], outcome: ResourceOutcome
) -> None:
    """`bytes`, `hash`, and frictionless's `fields` and `rows`: each checked, as there, when it is set
    (a `bytes` of 0 is not)."""
    if outcome.fatal is not None:
        return
    size, digest = outcomes[0].size, outcomes[0].digest
    if len(jobs) > 1 and (plan.bytes or plan.hash):
        size, digest = joined_size_and_digest(plan, jobs)
    found = []
    if plan.bytes and plan.bytes != size:
        found.append(("byte-count", size, plan.bytes))
    if plan.hash and digest is not None and plan.hash.split(":")[-1] != digest:
        found.append(("hash-count", digest, plan.hash))
    if plan.field_count and plan.field_count != len(plan.fields):
        found.append(("field-count", len(plan.fields), plan.field_count))
    if plan.rows and plan.rows != outcome.rows:
        found.append(("row-count", outcome.rows, plan.rows))
    outcome.problems += [Finding(kind, messages.count_error(kind, *counts)) for kind, *counts in found]


def joined_size_and_digest(plan: ResourcePlan, jobs: list[FileJob]) -> tuple[int, str | None]:
    """The bytes and hash of a multipart resource as frictionless counts them: of the parts joined,
    less the header line of each later part it drops."""
    hasher = new_hasher(plan.hash)
    size = 0
    for job in jobs:
        size += job.path.stat().st_size - job.start
        with open(job.path, "rb") as part:
            part.seek(job.start)
            while hasher is not None and (chunk := part.read(1 << 20)):  # bytes alone: no reading
                hasher.update(chunk)
    return size, hasher.hexdigest() if hasher is not None else None


def placed(outcome: ResourceOutcome) -> list[Finding]:
    """The resource's findings in reading order (file-level first, then by row, each row's in field
    order), each given its resource, file and line, and its row in the resource."""
    ordered = sorted(outcome.problems, key=lambda problem: (problem.row is not None, problem.row or 0))
    return [
        problem.changed(resource=outcome.plan.name, path=path, line=line)
        for problem in ordered
        for path, line in [located(outcome, problem.row)]
    ]


def located(outcome: ResourceOutcome, row: int | None) -> tuple[str | None, int | None]:
    """(file, physical line) of a row: the resource's file, or for a multipart one the part holding it."""
    if not outcome.parts:
        path = outcome.plan.shown_path
        return path, outcome.lines.line(row) if outcome.lines is not None and path else None
    if row is None:
        return outcome.parts[0].path, None
    index = max(bisect.bisect_right([part.first_row for part in outcome.parts], row) - 1, 0)
    part = outcome.parts[index]
    return part.path, part.lines.line(row - part.shift)
