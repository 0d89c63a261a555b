"""Load `ecodata serve` and a default `datasette serve -i` over the same database, in the same run.

Method: build the package into a temporary folder, then start three servers on free loopback ports:
  default          `datasette serve -i <db>`: immutable, default settings, no metadata, no inspect file;
  ecodata          `ecodata serve --out <dist>`: what users get (locked down, response cache on);
  ecodata-nocache  the same with `--cache-mb 0`, to show what the settings alone give.
For each endpoint (table JSON, a filtered and sorted query, the HTML table page), each server is loaded
for --seconds by --concurrency threads from this process. Each thread keeps one keep-alive
`http.client.HTTPConnection` and sends requests back to back (a closed loop), so latency includes any
queueing in the server. A few unrecorded requests warm each endpoint first. Non-200 responses and
exceptions count as errors. Which server goes first alternates per endpoint, so neither always gets
the quieter half of a noisy machine; still, compare ratios, not absolute numbers.

A fourth endpoint cycles through thousands of distinct table-JSON URLs (page size, sort, search term),
each asked for once, so that a response cache cannot answer it.

Then a mixed load: ecodata on the distinct URLs again, twice alone and twice while one more client sends
one error request a second (a missing table, a bad `_sort`, a bad `_search`, a query past the time
limit). Each error must cost the server milliseconds, not stall the others: the p99 of the others
under errors is compared with their p99 alone.

Target: ecodata's table-JSON req/s is at least 2x the default's, at least 1.5x on the distinct URLs,
ecodata answers every request of the run with 200, its p99 under errors is no worse than alone (within
MIXED_NOISE, this machine's run-to-run spread) and every error request gets a 4xx. Exit 0 when met, 1
when not.

Usage: python benchmarks/serve_load.py [--seconds 8] [--concurrency 8] [--json results.json]
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the virtualenv's bin/, holding `datasette` and `ecodata`
HOST = "127.0.0.1"
READY_PATH = "/-/versions.json"
READY_TIMEOUT = 60.0
WARM_UP_REQUESTS = 20
TARGET_RATIO = 2.0
TARGET_ENDPOINT = "table JSON"
DISTINCT_ENDPOINT = "distinct URLs"
DISTINCT_TARGET_RATIO = 1.5  # without the cache's help
ERROR_INTERVAL = 1.0  # seconds between error requests in the mixed load
MIXED_NOISE = 1.25  # p99 under errors may exceed p99 alone by this factor: two runs alone differ as much


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path


@dataclass
class Result:
    endpoint: str
    server: str
    path: str
    requests: int
    errors: int
    seconds: float
    req_per_s: float
    p50_ms: float
    p99_ms: float


def endpoints(database: str) -> dict[str, str | list[str]]:
    return {
        "table JSON": f"/{database}/indicators.json",
        "filtered query": f"/{database}/indicators.json?unit=percent&_sort=value",
        "HTML table": f"/{database}/indicators",
        DISTINCT_ENDPOINT: distinct_paths(database),
    }


def distinct_paths(database: str) -> list[str]:
    """Thousands of different table-JSON URLs (page size, sort column and direction, a search term),
    each asked for once per run: what a response cache cannot answer."""
    paths = []
    for size in range(1, 101):
        for column in ("id", "value", "as_of", "subject_en", "theme", "unit"):
            for order in ("_sort", "_sort_desc"):
                for term in ("", "湿地", "forest", "保护", "species", "2020年"):
                    search = f"&_search={urllib.parse.quote(term)}" if term else ""
                    paths.append(f"/{database}/indicators.json?_size={size}&{order}={column}{search}")
    return paths


def build_package(folder: Path) -> Path:
    """Build into `folder`/dist and return the database file."""
    from ecodata.build.dist import build

    dist = build(ROOT / "datapackage.json", folder / "dist")
    databases = sorted(dist.glob("*.db"))
    if len(databases) != 1:
        raise SystemExit(f"{dist}: expected one .db file, found {len(databases)}")
    return databases[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_commands(database: Path, ports: dict[str, int]) -> dict[str, list[str]]:
    def ecodata(port: int, *extra: str) -> list[str]:
        descriptor, dist = str(ROOT / "datapackage.json"), str(database.parent)
        return [str(BIN / "ecodata"), "serve", descriptor, "--out", dist,
                "--host", HOST, "--port", str(port), *extra]  # fmt: skip

    return {
        "default": [
            str(BIN / "datasette"),
            "serve",
            "-i",
            str(database),
            "--host",
            HOST,
            "--port",
            str(ports["default"]),
        ],
        "ecodata": ecodata(ports["ecodata"]),
        "ecodata-nocache": ecodata(ports["ecodata-nocache"], "--cache-mb", "0"),
    }


def start_server(name: str, command: list[str], port: int, logs: Path) -> Server:
    """Start in its own session, so Ctrl-C reaches only us and `stop_server` can end its whole group."""
    log = logs / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(name, port, process, log)


def stop_server(server: Server) -> None:
    if server.process.poll() is not None:
        return
    os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()


def get_status(port: int, path: str, timeout: float = 5.0) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def server_failed(server: Server, reason: str) -> SystemExit:
    return SystemExit(f"{server.name} {reason}; its output:\n{server.log.read_text(errors='replace')}")


def wait_until_ready(server: Server, timeout: float = READY_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise server_failed(server, f"exited with {server.process.returncode}")
        try:
            if get_status(server.port, READY_PATH) == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise server_failed(server, f"did not answer {READY_PATH} within {timeout:.0f} s")


def warm_up(server: Server, path: str | list[str]) -> None:
    for index in range(WARM_UP_REQUESTS):  # distinct URLs: warm up on the last ones, never loaded
        get_status(server.port, path if isinstance(path, str) else path[-1 - index])


def worker(
    port: int,
    path: str | list[str],
    start: threading.Barrier,
    stop: threading.Event,
    latencies: list[float],
    errors: list[int],
    turn=None,
) -> None:
    """Requests back to back on one keep-alive connection until `stop`; reconnects after an exception.
    A list of paths is taken in turn, shared by every worker (`turn`, an itertools.count)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    start.wait()
    while not stop.is_set():
        started = time.perf_counter()
        try:
            connection.request(
                "GET", path if isinstance(path, str) else path[next(turn) % (len(path) - WARM_UP_REQUESTS)]
            )
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=30)
        latencies.append(time.perf_counter() - started)  # list.append is atomic under the GIL
        if not ok:
            errors.append(1)
    connection.close()


def load(server: Server, path: str, seconds: float, concurrency: int) -> tuple[list[float], int, float]:
    """Latencies (s) of every request, the error count and the elapsed wall time."""
    latencies: list[float] = []
    errors: list[int] = []
    start = threading.Barrier(concurrency + 1)
    stop = threading.Event()
    turn = itertools.count()
    threads = [
        threading.Thread(
            target=worker, args=(server.port, path, start, stop, latencies, errors, turn), daemon=True
        )
        for _ in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    try:
        start.wait()
        began = time.perf_counter()
        time.sleep(seconds)
    finally:
        stop.set()
    for thread in threads:
        thread.join()
    return latencies, len(errors), time.perf_counter() - began


def error_paths(database: str) -> list[str]:
    endless = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
    return [
        f"/{database}/no_such_table",
        f"/{database}/indicators.json?_sort=no_such_column",
        f"/{database}/indicators.json?_search=%22",
        f"/{database}.json?sql={urllib.parse.quote(endless)}",
    ]


def send_errors(port: int, paths: list[str], stop: threading.Event, answers: list[tuple[int, float]]) -> None:
    """One error request every ERROR_INTERVAL seconds until `stop`: (status, seconds) of each."""
    for path in itertools.cycle(paths):
        if stop.wait(ERROR_INTERVAL):
            return
        started = time.perf_counter()
        try:
            status = get_status(port, path, timeout=30)
        except OSError:
            status = 0
        answers.append((status, time.perf_counter() - started))


def mixed_load(server: Server, database: str, seconds: float, concurrency: int) -> dict:
    """p99 (ms) of the distinct URLs alone and beside one error request a second, runs taking turns."""
    paths = distinct_paths(database)
    alone: list[float] = []
    beside: list[float] = []
    answers: list[tuple[int, float]] = []
    for _ in range(2):
        alone += load(server, paths, seconds, concurrency)[0]
        stop = threading.Event()
        sender = threading.Thread(
            target=send_errors, args=(server.port, error_paths(database), stop, answers)
        )
        sender.start()
        try:
            beside += load(server, paths, seconds, concurrency)[0]
        finally:
            stop.set()
            sender.join()
    return {
        "p99_alone_ms": round(percentile(alone, 0.99) * 1000, 1),
        "p99_with_errors_ms": round(percentile(beside, 0.99) * 1000, 1),
        "error_requests": len(answers),
        "error_statuses": sorted({status for status, _ in answers}),
        "error_median_ms": round(statistics.median([s for _, s in answers]) * 1000, 1) if answers else None,
    }


def mixed_verdict(mixed: dict) -> tuple[bool, str]:
    ratio = mixed["p99_with_errors_ms"] / mixed["p99_alone_ms"]
    clean = mixed["error_requests"] > 0 and all(400 <= status < 500 for status in mixed["error_statuses"])
    met = ratio <= MIXED_NOISE and clean
    return met, (
        f"mixed load: p99 {mixed['p99_alone_ms']} ms alone, {mixed['p99_with_errors_ms']} ms beside "
        f"{mixed['error_requests']} error requests (statuses {mixed['error_statuses']}, median "
        f"{mixed['error_median_ms']} ms): {ratio:.2f}x (target <= {MIXED_NOISE}x)"
    )


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summarize(
    endpoint: str, server: Server, path: str, latencies: list[float], errors: int, elapsed: float
) -> Result:
    return Result(
        endpoint=endpoint,
        server=server.name,
        path=path if isinstance(path, str) else f"{len(path)} distinct URLs, e.g. {path[0]}",
        requests=len(latencies),
        errors=errors,
        seconds=round(elapsed, 2),
        req_per_s=round(len(latencies) / elapsed, 1),
        p50_ms=round(statistics.median(latencies) * 1000, 1) if latencies else float("nan"),
        p99_ms=round(percentile(latencies, 0.99) * 1000, 1),
    )


def run_all(servers: list[Server], paths: dict[str, str], seconds: float, concurrency: int) -> list[Result]:
    results = []
    for turn, (endpoint, path) in enumerate(paths.items()):
        order = servers[turn % len(servers) :] + servers[: turn % len(servers)]  # rotate who goes first
        for server in order:
            warm_up(server, path)
            result = summarize(endpoint, server, path, *load(server, path, seconds, concurrency))
            print(
                f"  {endpoint:<15} {server.name:<8} {result.requests:>7} req {result.req_per_s:>8.1f} req/s "
                f"p50 {result.p50_ms:>7.1f} ms  p99 {result.p99_ms:>7.1f} ms  errors {result.errors}",
                flush=True,
            )
            results.append(result)
    return results


def ratios(results: list[Result]) -> dict[tuple[str, str], float]:
    """Each ecodata server's req/s divided by the default's, per (endpoint, server)."""
    default = {result.endpoint: result.req_per_s for result in results if result.server == "default"}
    return {
        (result.endpoint, result.server): round(result.req_per_s / default[result.endpoint], 2)
        if default[result.endpoint]
        else float("inf")
        for result in results
        if result.server != "default"
    }


def target_verdict(results: list[Result], ratio: dict[tuple[str, str], float]) -> tuple[bool, str]:
    ecodata_errors = sum(result.errors for result in results if result.server == "ecodata")
    achieved = ratio[TARGET_ENDPOINT, "ecodata"]
    uncached = ratio.get((DISTINCT_ENDPOINT, "ecodata"), 0.0)
    reached = achieved >= TARGET_RATIO and uncached >= DISTINCT_TARGET_RATIO
    met = reached and ecodata_errors == 0
    detail = (
        f"{TARGET_ENDPOINT} ratio {achieved:.2f}x (target {TARGET_RATIO:.1f}x), "
        f"{DISTINCT_ENDPOINT} ratio {uncached:.2f}x (target {DISTINCT_TARGET_RATIO:.1f}x), ecodata errors {ecodata_errors}"
    )
    return met, detail


def markdown_table(results: list[Result], ratio: dict[tuple[str, str], float]) -> str:
    lines = [
        "| endpoint | server | requests | req/s | p50 ms | p99 ms | errors | req/s vs default |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    endpoint_order = list(dict.fromkeys(result.endpoint for result in results))
    for result in sorted(results, key=lambda result: (endpoint_order.index(result.endpoint), result.server)):
        key = (result.endpoint, result.server)
        shown_ratio = f"{ratio[key]:.2f}x" if key in ratio else ""
        lines.append(
            f"| {result.endpoint} | {result.server} | {result.requests} | {result.req_per_s:.1f} | "
            f"{result.p50_ms:.1f} | {result.p99_ms:.1f} | {result.errors} | {shown_ratio} |"
        )
    return "\n".join(lines)


def write_json(
    path: Path,
    options: argparse.Namespace,
    results: list[Result],
    ratio: dict[str, float],
    mixed: dict,
    met: bool,
    verdict: str,
) -> None:
    document = {
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "seconds_per_run": options.seconds,
        "concurrency": options.concurrency,
        "same_run": True,
        "results": [asdict(result) for result in results],
        "ratio_to_default": {f"{endpoint} / {server}": value for (endpoint, server), value in ratio.items()},
        "target": {"endpoint": TARGET_ENDPOINT, "min_ratio": TARGET_RATIO, "ecodata_errors": 0},
        "mixed_load": mixed,
        "target_met": met,
        "verdict": verdict,
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def parse_options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="load time per endpoint per server")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads, one connection each")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON")
    return parser.parse_args()


def main() -> int:
    options = parse_options()
    with tempfile.TemporaryDirectory(prefix="ecodata-serve-load-") as folder:
        database = build_package(Path(folder))
        ports = {name: free_port() for name in ("default", "ecodata", "ecodata-nocache")}
        servers: list[Server] = []
        try:
            for name, command in server_commands(database, ports).items():
                servers.append(start_server(name, command, ports[name], Path(folder)))
            for server in servers:
                wait_until_ready(server)
            print(
                f"cpu_count: {os.cpu_count()}; all servers running in this run "
                f"({', '.join(f'{name} :{port}' for name, port in ports.items())}); "
                f"{options.seconds:g} s per endpoint per server, concurrency {options.concurrency}",
                flush=True,
            )
            results = run_all(servers, endpoints(database.stem), options.seconds, options.concurrency)
            ecodata = next(server for server in servers if server.name == "ecodata")
            mixed = mixed_load(ecodata, database.stem, options.seconds, options.concurrency)
        finally:
            for server in servers:
                stop_server(server)
    ratio = ratios(results)
    met, verdict = target_verdict(results, ratio)
    mixed_met, mixed_detail = mixed_verdict(mixed)
    met = met and mixed_met
    verdict = f"target {'MET' if met else 'NOT MET'}: {verdict}; {mixed_detail}"
    print()
    print(f"cpu_count {os.cpu_count()}; all servers measured in the same run, order rotating per endpoint")
    print(markdown_table(results, ratio))
    print()
    print(f"target: ecodata table-JSON req/s >= {TARGET_RATIO:.0f}x default, with 0 ecodata errors")
    print(verdict)
    if options.json:
        write_json(options.json, options, results, ratio, mixed, met, verdict)
    return 0 if met else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted: all servers stopped", file=sys.stderr)
        sys.exit(130)
