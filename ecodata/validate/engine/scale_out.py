"""The same checks on a Dask cluster: parts on the workers, keys compared through Dask's shuffle.

Each part is checked by `file_checks.check_file` on a worker, and its outcome stays there. Only the small
things come back — findings and row counts. The key texts go from the workers into Dask DataFrames:
a shuffle on the key brings equal keys into one partition, where duplicates are found; a merge (a
shuffle join) finds the foreign keys with no parent. So no machine ever holds every key.
"""

from __future__ import annotations

import dataclasses

from ..report import Finding
from .file_checks import FileOutcome, check_file
from .keys import KeyName, foreign_key, referenced_key
from .package_checks import duplicate_findings, fields_named, foreign_key_finding, key_reader
from .resources import ResourceOutcome, check_declared_counts, file_jobs, later_jobs, merge

FRAME = {"key": "string", "row": "int64"}
CONNECT_SECONDS = 10  # Dask's default is 30: a mistyped address need not hold the command that long


def check_on_dask(address: str, plans, specs, progress) -> list[ResourceOutcome]:
    from ...package import PackageError

    try:
        from distributed import Client
    except ImportError as error:
        raise PackageError("--dask needs the dask extra: pip install 'ecodata[dask]'") from error
    try:  # a wrong or unreachable address, or one where something else answers, cannot run (exit 2)
        scheduler_answers(address)
        client = Client(address, timeout=CONNECT_SECONDS)
    except (OSError, ValueError, TypeError, TimeoutError) as error:
        raise PackageError(
            f"--dask {address}: no Dask scheduler answers there ({str(error) or type(error).__name__})"
        ) from None
    with client:
        checked = [check_parts(client, plan, specs[plan.name], progress) for plan in plans]
        outcomes = [outcome for outcome, _ in checked]
        frames = {outcome.plan.name: parts for outcome, parts in checked}
        for outcome in outcomes:
            if outcome.fatal is None:
                outcome.problems += shuffled_key_problems(
                    outcome, specs[outcome.plan.name], frames[outcome.plan.name]
                )
        for outcome in outcomes:
            if outcome.fatal is None:
                outcome.problems += shuffled_foreign_key_problems(outcome, outcomes, frames)
    return outcomes


def scheduler_answers(address: str) -> None:
    """Ask `address` who it is, in CONNECT_SECONDS at most: Client waits for ever on a port where a
    server that is not Dask's (its dashboard, a web server) takes the connection and never replies."""
    import asyncio

    from distributed.core import rpc

    async def identity():
        async with rpc(address, timeout=CONNECT_SECONDS) as scheduler:
            return await asyncio.wait_for(scheduler.identity(), CONNECT_SECONDS)

    answer = asyncio.run(identity())
    if not isinstance(answer, dict) or answer.get("type") != "Scheduler":
        raise ValueError(f"it answers as {answer.get('type') if isinstance(answer, dict) else answer!r}")


def check_parts(client, plan, specs, progress):
    """Check every part on the cluster; return the merged outcome (keys left on the workers) and them."""
    # every key text kept: the keys are compared on the cluster, not as the file is read
    jobs = [dataclasses.replace(job, keep_keys=True) for job in file_jobs(plan, specs)]
    with progress.task(plan.name, len(jobs)) as advance:
        first = client.submit(check_file, jobs[0], pure=False)
        head = client.submit(without_keys, first).result()
        rest = later_jobs(plan, jobs, head) if head.fatal is None else []
        futures = [first, *client.map(check_file, rest, pure=False)]
        summaries = []
        for future in futures:
            summaries.append(client.submit(without_keys, future).result())
            advance(1)
    outcome = merge(plan, jobs[: len(summaries)], summaries)
    check_declared_counts(plan, jobs[: len(summaries)], summaries, outcome)
    shifts = []
    rows_before = 0
    for job, summary in zip(jobs, summaries):
        shifts.append(rows_before + (1 if plan.header else 0) - (1 if job.has_header_row else 0))
        rows_before += summary.rows
    return outcome, list(zip(futures, shifts))


def without_keys(outcome: FileOutcome) -> FileOutcome:
    return dataclasses.replace(outcome, keys={})


def key_frame(outcome: FileOutcome, name: KeyName, shift: int):
    """One part's texts of one key as a pandas frame, rows numbered for the whole resource."""
    import pandas as pd

    column = outcome.keys.get(name)
    if column is None:
        return pd.DataFrame({"key": pd.Series([], dtype="string"), "row": pd.Series([], dtype="int64")})
    table = column.shifted(shift).table()
    return pd.DataFrame({"key": table["key"].to_pandas().astype("string"), "row": table["row"].to_numpy()})


def key_dataframe(parts, name: KeyName):
    import dask.dataframe as dd
    from dask import delayed

    return dd.from_delayed([delayed(key_frame)(future, name, shift) for future, shift in parts], meta=FRAME)


def repeats(frame):
    """Within one shuffled partition: rows whose key appeared in an earlier row, with that first row."""
    frame = frame.dropna(subset=["key"]).sort_values("row")
    frame = frame.assign(first=frame.groupby("key")["row"].transform("min"))
    return frame[frame["row"] != frame["first"]][["row", "first"]]


def shuffled_duplicates(parts, name: KeyName) -> list[tuple[int, int]]:
    frame = key_dataframe(parts, name).shuffle("key")
    found = frame.map_partitions(repeats, meta={"row": "int64", "first": "int64"}).compute()
    return sorted(zip(found["row"].tolist(), found["first"].tolist()))


def shuffled_key_problems(outcome: ResourceOutcome, specs, parts) -> list[Finding]:
    return [
        finding
        for spec in specs
        if spec.name.must_not_repeat
        for finding in duplicate_findings(outcome.plan, spec.name, shuffled_duplicates(parts, spec.name))
    ]


def shuffled_foreign_key_problems(outcome: ResourceOutcome, outcomes, frames) -> list[Finding]:
    by_name = {other.plan.name: other for other in outcomes}
    problems = []
    for index, foreign in enumerate(outcome.plan.foreign_keys):
        parent = by_name.get(foreign.resource)
        if parent is None or parent.fatal is not None:
            continue  # package_checks.foreign_key_problems reports these, as for a local run
        child = key_dataframe(frames[outcome.plan.name], foreign_key(index)).dropna(subset=["key"])
        lookup = key_dataframe(frames[foreign.resource], referenced_key(foreign.reference_fields))
        lookup = lookup.dropna(subset=["key"])[["key"]].drop_duplicates()
        joined = child.merge(lookup, on="key", how="left", indicator=True, shuffle_method="tasks")
        absent = joined[joined["_merge"] == "left_only"][["row", "key"]].compute()
        readable = key_reader(fields_named(outcome.plan, foreign.fields))
        problems += [
            foreign_key_finding(foreign, int(row), readable(key))
            for row, key in sorted(zip(absent["row"].tolist(), absent["key"].tolist()))
        ]
    return problems
