"""The fast engine: every resource read once with Arrow, keys compared across files at the end.

Order of work: descriptor errors (frictionless's metadata layer); then each resource's files — the
parts of a multipart resource in parallel — giving cell, row and header findings plus key texts;
then the keys of the whole package: unique fields, primary keys, `uniqueKeys`, and foreign keys
within and across resources (so a cycle of references needs no particular order).
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import os
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from ...package import Package
from ..report import Finding, Report
from . import keys, messages
from .cells import DEFAULT_TYPE, STRING_KINDS
from .file_checks import FileJob, FileOutcome, check_file
from .layout import first_line_length
from .lines import LineMap
from .plan import ResourcePlan, descriptor_findings, resource_plan
from .progress import NO_PROGRESS
from .reading import new_hasher
from .rows import KeySpec, column_threads


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


KEPT_BYTES = 128 << 20  # text kept for the declared checks, in all: their memory does not grow with the data


def check_with_arrow(
    package: Package,
    report: Report,
    *,
    progress=NO_PROGRESS,
    workers: int | None = None,
    dask=None,
    keep_batches: bool = False,
    lean_memory: bool = False,
) -> None:
    """Add every standard finding for `package` to `report`. Raises cells.Unsupported before reading any row.

    With `keep_batches`, `report.batches` keeps the text columns of each single CSV file read, so
    that the declared checks need not read it again: up to KEPT_BYTES in all, then file_checks.READ_AGAIN."""
    import pyarrow

    # The system allocator hands freed batches back at once: about 100 MB less at peak than mimalloc
    # or jemalloc on a 1 M-row file, and no slower (benchmarks/RESULTS.md)...
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    reuse_freed_memory(lean_memory)
    with descriptor_checked(package, report):
        read_and_check(package, report, progress, workers, dask, keep_batches)


@contextlib.contextmanager
def descriptor_checked(package: Package, report: Report):
    """Check the descriptor on a thread of its own while the rows are read (importing frictionless
    and checking a descriptor takes ~0.3 s, mostly with the other core idle). Its findings, if any,
    replace whatever the reading found or raised: a package with an unsound descriptor reports that
    alone, as frictionless does."""
    import pyarrow.compute
    import pyarrow.csv  # noqa: F401  (the reader's modules, imported before the thread imports its own)

    pool = ThreadPoolExecutor(1, thread_name_prefix="descriptor")
    verdict = pool.submit(descriptor_findings, package)
    pool.shutdown(wait=False)
    try:
        yield
    except Exception:
        if not verdict.result():
            raise
    if findings := verdict.result():
        report.findings[:] = findings
        report.resources_checked = report.rows_checked = 0
        report.lines.clear()
        report.batches.clear()


def read_and_check(package: Package, report: Report, progress, workers, dask, keep_batches: bool) -> None:
    root = package.descriptor_path.parent
    plans = [resource_plan(resource, root, package.safe_path) for resource in package.resources]
    specs = key_specs(plans)
    if dask is not None:
        from .scale_out import check_on_dask

        outcomes = check_on_dask(dask, plans, specs, progress)
    else:
        read: dict[str, ResourceOutcome] = {}
        budget = KEPT_BYTES if keep_batches else 0
        for plan in parents_first(plans):
            specs_read = with_lookups(plan, specs[plan.name], read)
            read[plan.name] = check_resource(plan, specs_read, progress, workers, budget)
            budget -= kept_bytes(read[plan.name].batches)
        outcomes = [read[plan.name] for plan in plans]
    by_name = {outcome.plan.name: outcome for outcome in outcomes}
    for outcome in outcomes:
        if outcome.fatal is None:
            found = key_problems(outcome) + foreign_key_problems(outcome, by_name)
            outcome.problems += found
    for outcome in outcomes:
        report.resources_checked += 1
        report.rows_checked += outcome.rows
        report.findings += placed(outcome)
        if outcome.lines is not None and outcome.plan.shown_path:
            report.lines[outcome.plan.shown_path] = outcome.lines
        if outcome.batches is not None:
            report.batches[outcome.plan.name] = outcome.batches


def reuse_freed_memory(lean: bool = False) -> None:
    """...once glibc keeps freed blocks of up to 32 MB for the next batch rather than unmapping them.

    By default every new batch's buffers are fresh pages, zeroed by the kernel: some 20 000 page
    faults per 1 M rows, about 15 % of the run. Elsewhere than glibc this does nothing. `lean` keeps
    a quarter of that (for a build, whose peak is validation's): 1 M rows, 20 MB less for ~5 % more time.
    """
    from ...memory import set_thresholds

    if lean:
        set_thresholds(mmap_bytes=8 << 20, trim_bytes=16 << 20)
    else:
        set_thresholds(mmap_bytes=32 << 20, trim_bytes=64 << 20)


def key_specs(plans: list[ResourcePlan]) -> dict[str, list[KeySpec]]:
    """The keys each resource must collect: its own unique/primary/foreign keys and those others reference."""
    specs: dict[str, list[KeySpec]] = {plan.name: [] for plan in plans}
    for plan in plans:
        own = specs[plan.name]
        if plan.primary_key:
            own.append(KeySpec(keys.PRIMARY_KEY, plan.primary_key))
        own += [
            KeySpec(keys.KeyName(keys.KeyKind.UNIQUE, spec["name"]), [spec["name"]])
            for spec in plan.fields
            if (spec.get("constraints") or {}).get("unique")
        ]
        own += [
            KeySpec(keys.KeyName(keys.KeyKind.UNIQUE_KEYS, index), key, skip_any_null=True)
            for index, key in enumerate(plan.unique_keys)
        ]
        for index, foreign in enumerate(plan.foreign_keys):
            own.append(KeySpec(keys.foreign_key(index), foreign.fields))
            referenced = specs.get(foreign.resource)
            name = keys.referenced_key(foreign.reference_fields)
            if referenced is not None and all(spec.name != name for spec in referenced):
                referenced.append(KeySpec(name, foreign.reference_fields))
    return specs


def parents_first(plans: list[ResourcePlan]) -> list[ResourcePlan]:
    """The resources in their order, except that one a foreign key references comes before the
    resource that references it (where the references form no cycle)."""
    by_name = {plan.name: plan for plan in plans}
    ordered: dict[str, ResourcePlan] = {}

    def visit(plan: ResourcePlan, seen: frozenset) -> None:
        for foreign in plan.foreign_keys:
            parent = by_name.get(foreign.resource)
            if parent is not None and parent.name not in seen | ordered.keys():
                visit(parent, seen | {plan.name})
        ordered.setdefault(plan.name, plan)

    for plan in plans:
        visit(plan, frozenset())
    return list(ordered.values())


def with_lookups(plan: ResourcePlan, specs: list[KeySpec], read: dict[str, ResourceOutcome]) -> list[KeySpec]:
    """The resource's key specs, each foreign key whose parent is read already carrying its keys."""
    specs = list(specs)
    for index, foreign in enumerate(plan.foreign_keys):
        parent = read.get(foreign.resource)
        if parent is None or parent.fatal is not None:
            continue
        at = next(i for i, spec in enumerate(specs) if spec.name == keys.foreign_key(index))
        specs[at] = dataclasses.replace(specs[at], lookup=lookup_for(plan, foreign, parent))
    return specs


def lookup_for(plan: ResourcePlan, foreign, parent: ResourceOutcome):
    """The keys a child key must be among (keys.lookup_of): none where no value can match."""
    parent_fields = fields_named(parent.plan, foreign.reference_fields)
    if len(foreign.fields) == 1 and keys.strings_meet_others(
        fields_named(plan, foreign.fields), parent_fields
    ):
        return keys.lookup_of(keys.KeyColumn())  # a string never equals a number, date...
    bare = len(parent_fields) == 1 and parent_fields[0].get("type", DEFAULT_TYPE) in STRING_KINDS
    return keys.lookup_of(
        parent.keys.get(keys.referenced_key(foreign.reference_fields), keys.KeyColumn()), bare
    )


def kept_bytes(batches) -> int:
    return (
        sum(column.nbytes for batch in batches for column in batch.columns)
        if isinstance(batches, list)
        else 0
    )


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
    with ProcessPoolExecutor(max_workers=workers) as pool:
        outcomes = []
        for job, outcome in zip(jobs, pool.map(check_file, jobs)):
            advance(job.path.stat().st_size if job.path.is_file() else 0)
            outcomes.append(outcome)
        return outcomes


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
                problem = dataclasses.replace(problem, message=f"{problem.message} (in part {job.path.name})")
            problems.append(dataclasses.replace(problem, row=row))
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
        found.append(("byte-count", f"the file has {size} bytes, the descriptor says {plan.bytes}"))
    if plan.hash and digest is not None and plan.hash.split(":")[-1] != digest:
        found.append(("hash-count", f"the file's hash is {digest}, the descriptor says {plan.hash}"))
    if plan.field_count and plan.field_count != len(plan.fields):
        found.append(
            (
                "field-count",
                f"the schema has {len(plan.fields)} fields, the descriptor says {plan.field_count}",
            )
        )
    if plan.rows and plan.rows != outcome.rows:
        found.append(("row-count", f"the file has {outcome.rows} rows, the descriptor says {plan.rows}"))
    outcome.problems += [Finding(kind, message) for kind, message in found]


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


def key_problems(outcome: ResourceOutcome) -> list[Finding]:
    return [
        finding
        for name, column in outcome.keys.items()
        if name.must_not_repeat
        for finding in duplicate_findings(outcome.plan, name, keys.duplicates(column))
    ]


def duplicate_findings(plan: ResourcePlan, name: keys.KeyName, pairs: list[tuple[int, int]]) -> list[Finding]:
    """A finding for each (row, first row with the same key) of a key that must not repeat."""
    if name.kind is keys.KeyKind.PRIMARY:
        return [
            Finding(
                "primary-key", messages.primary_key(f"the same as in the row at position {first}"), row=row
            )
            for row, first in pairs
        ]
    if name.kind is keys.KeyKind.UNIQUE:
        return [
            Finding(
                "unique-error",
                f"repeats row {first}; values of this field must be unique",
                row=row,
                field=name.detail,
            )
            for row, first in pairs
        ]
    fields = plan.unique_keys[name.detail]
    return [
        Finding(
            "unique-keys",
            f"({', '.join(fields)}) repeats row {first}; make it unique",
            row=row,
            field=fields[0],
        )
        for row, first in pairs
    ]


def foreign_key_problems(outcome: ResourceOutcome, by_name: dict[str, ResourceOutcome]) -> list[Finding]:
    problems = []
    for index, foreign in enumerate(outcome.plan.foreign_keys):
        parent = by_name.get(foreign.resource)
        if parent is None or (parent.fatal is not None and parent is not outcome):
            # frictionless cannot build the lookup, so it reads none of this resource's rows
            note = f'failed to handle a foreign key for resource "{outcome.plan.name}" as resource "{foreign.resource}" does not exist'
            outcome.fatal = ("resource-error", note) if parent is None else parent.fatal
            outcome.problems = [fatal_problem(*outcome.fatal)]
            return []
        child = outcome.keys.get(keys.foreign_key(index))
        if child is None:  # a key field has no column in the file: frictionless skips the key
            continue
        lookup = lookup_for(outcome.plan, foreign, parent)
        for row, _key in keys.missing_from(child, lookup, spread=column_threads().map):
            problems.append(foreign_key_finding(foreign, row))
    return problems


def foreign_key_finding(foreign, row: int) -> Finding:
    note = (
        f'for "{", ".join(foreign.fields)}": values not found in the lookup table '
        f'"{foreign.resource}" as "{", ".join(foreign.reference_fields)}"'
    )
    return Finding("foreign-key", messages.foreign_key(note), row=row)


def fields_named(plan: ResourcePlan, names: list[str]) -> list[dict]:
    by_name = {spec["name"]: spec for spec in plan.fields}
    return [by_name.get(name, {"type": "any"}) for name in names]


def placed(outcome: ResourceOutcome) -> list[Finding]:
    """The resource's findings in reading order (file-level first, then by row, each row's in field
    order), each given its resource, file and line, and its row in the resource."""
    ordered = sorted(outcome.problems, key=lambda problem: (problem.row is not None, problem.row or 0))
    return [
        dataclasses.replace(problem, resource=outcome.plan.name, path=path, line=line)
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
