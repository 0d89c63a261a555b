"""The fast engine: every resource read once with Arrow, keys compared across files at the end.

Order of work: the descriptor's errors (frictionless's metadata layer), found aside (aside.py) while
each resource's files are read (resources.py) — the parts of a multipart resource in parallel — giving
cell, row and header findings plus key texts; then the keys of the whole package: unique fields,
primary keys, `uniqueKeys`, and foreign keys within and across resources (so a cycle of references
needs no particular order). A descriptor with errors is reported alone, as frictionless does.
"""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager

from ...package import Package
from ..report import Finding, Report
from . import keys, messages
from .aside import Aside, started_aside
from .cells import DEFAULT_TYPE, STRING_KINDS
from .plan import ResourcePlan, descriptor_verdict, resource_plan
from .progress import NO_PROGRESS
from .resources import ResourceOutcome, check_resource, fatal_problem, placed
from .rows import KeySpec, column_threads, kept_bytes

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
    with_tables: bool = False,
) -> None:
    """Add every standard finding for `package` to `report`. Raises cells.Unsupported before reading any row.

    With `keep_batches`, `report.batches` keeps the text columns of each single CSV file read, so
    that the declared checks need not read it again: up to KEPT_BYTES in all, then file_checks.READ_AGAIN.
    They read `Package.tables`, as the build does (`with_tables`): normalised in the descriptor's check,
    beside the reading, by the frictionless it imports there (0.3 s after the reading otherwise)."""
    import pyarrow

    # The system allocator hands freed batches back at once: about 100 MB less at peak than mimalloc
    # or jemalloc on a 1 M-row file, and no slower (benchmarks/RESULTS.md)...
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    reuse_freed_memory(lean_memory)
    needs_tables = keep_batches or with_tables
    checked = started_aside(descriptor_verdict, package, needs_tables)  # while the rows are read
    read = Report()
    try:
        if not refused(checked):  # checked here already, when there is no child
            read_and_check(package, read, UntilRefused(progress, checked), workers, dask, keep_batches)
    except Exception:
        if not checked.result()[0]:  # else the reading failed on what frictionless refuses anyway
            raise
    except BaseException:  # an interrupt: no child left behind
        checked.cancel()
        raise
    found, tables = checked.result()
    if found:  # as frictionless says, a bad descriptor alone: what its rows hold goes unsaid
        report.findings += found
        return
    if tables is not None:
        package.adopt_tables(tables)
    report.include(read)


def refused(checked: Aside) -> bool:
    """Whether the descriptor's check has answered, with errors (never waits for it)."""
    return checked.answered() and bool(checked.result()[0])


class DescriptorRefused(Exception):
    """frictionless has refused the descriptor: reading on would be for nothing."""


class UntilRefused:
    """The progress, told of each piece read, stopping the reading (DescriptorRefused) as soon as the
    descriptor's check has answered with errors: a bad descriptor costs a piece, not the whole data."""

    def __init__(self, progress, checked: Aside):
        self.progress, self.checked = progress, checked

    @contextmanager
    def task(self, name: str, total: int):
        with self.progress.task(name, total) as advance:

            def advance_unless_refused(count: int) -> None:
                if refused(self.checked):
                    raise DescriptorRefused(name)
                advance(count)

            yield advance_unless_refused


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
                "primary-key",
                messages.primary_key(f"the same as in the row at position {first}"),
                row=row,
                field=next(iter(plan.primary_key), None),
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
            if parent is None:
                note = f'failed to handle a foreign key for resource "{outcome.plan.name}" as resource "{foreign.resource}" does not exist'
                outcome.fatal = ("resource-error", note)
                outcome.problems = [fatal_problem(*outcome.fatal)]
            else:  # the parent's error, as frictionless counts it, but said of the parent: this file is fine
                outcome.fatal = parent.fatal
                reason = fatal_problem(*parent.fatal).message.split(";")[0]
                outcome.problems = [
                    Finding(
                        parent.fatal[0],
                        f"not checked: its foreign key ({', '.join(foreign.fields)}) needs resource "
                        f'"{foreign.resource}", which cannot be read ({reason})',
                    )
                ]
            return []
        child = outcome.keys.get(keys.foreign_key(index))
        if child is None:  # a key field has no column in the file: frictionless skips the key
            continue
        lookup = lookup_for(outcome.plan, foreign, parent)
        readable = key_reader(fields_named(outcome.plan, foreign.fields))
        for row, key in keys.missing_from(child, lookup, spread=column_threads().map):
            problems.append(foreign_key_finding(foreign, row, readable(key)))
    return problems


def foreign_key_finding(foreign, row: int, value: str | None) -> Finding:
    """frictionless's note, naming the value not found where the key text gives it back."""
    values = "values" if value is None else f'values "{value}"'
    note = (
        f'for "{", ".join(foreign.fields)}": {values} not found in the lookup table '
        f'"{foreign.resource}" as "{", ".join(foreign.reference_fields)}"'
    )
    return Finding("foreign-key", messages.foreign_key(note), row=row, field=foreign.fields[0])


KEY_PREFIXES = {"integer": "n:", "number": "n:", "year": "n:", "date": "d:"}  # keys.canonical's


def key_reader(specs: list[dict]):
    """Key text (keys.canonical) → the value as frictionless writes it, for a key of one field that is
    text, a number or a date; None for any other key (a composite key's text does not say its parts)."""
    kind = specs[0].get("type", DEFAULT_TYPE) if len(specs) == 1 else None
    if kind in STRING_KINDS:
        return lambda key: key
    if (prefix := KEY_PREFIXES.get(kind)) is not None:
        return lambda key: key.removeprefix(prefix)
    return lambda key: None


def fields_named(plan: ResourcePlan, names: list[str]) -> list[dict]:
    by_name = {spec["name"]: spec for spec in plan.fields}
    return [by_name.get(name, {"type": "any"}) for name in names]
