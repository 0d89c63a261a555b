"""Lighthouse 12 on the pages people use: home, a table, a row, search and a source page.

Builds the package into a temporary folder, serves it with `ecodata serve`, and runs Lighthouse (from
npm, pinned; `make audit-web` installs it into .web-audit/) with Debian's chromium on each page, in its
default (mobile) configuration. Prints each page's four scores and the audits that cost points.

Targets: accessibility >= 95, best practices >= 95, SEO >= 90, performance >= 90 on every page.
Exit 0 when met, 1 when not, 2 when Lighthouse or chromium is missing.

Usage: python benchmarks/audit_web.py [--lighthouse PATH] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from serve_load import HOST, free_port, start_server, stop_server, wait_until_ready  # noqa: E402

TARGETS = {"performance": 90, "accessibility": 95, "best-practices": 95, "seo": 90}
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu"


def pages(dist: Path) -> dict[str, str]:
    """The pages to audit, found in the build: its first table, that table's first row, its first source page."""
    from ecodata.package import load_package

    package = load_package(ROOT / "datapackage.json")
    metadata = json.loads((dist / "metadata.json").read_text(encoding="utf-8"))
    config = metadata["plugins"]["ecodata"]
    first = next(name for name in config["tables"] if name not in config.get("referenced_tables", []))
    key = package.table(first)["schema"]["primaryKey"][0]
    import sqlite3

    with sqlite3.connect(next(dist.glob("*.db"))) as connection:
        row = connection.execute(f'select "{key}" from "{first}" order by rowid limit 1').fetchone()[0]
    sources = sorted(path.name for path in (dist / "sources").glob("*.html") if path.name != "index.html")
    examples = config.get("search_examples") or ["a"]
    found = {
        "home": "/",
        "table": f"/{package.name}/{first}",
        "row": f"/{package.name}/{first}/{urllib.parse.quote(str(row))}",
        "search": "/-/search?q=" + urllib.parse.quote(examples[0]),
    }
    if sources:
        found["source"] = f"/sources/{sources[0]}"
    return found


def audit(lighthouse: str, url: str, folder: Path) -> dict:
    report = folder / "report.json"
    command = [lighthouse, url, "--output=json", f"--output-path={report}", "--quiet",
               f"--chrome-flags={CHROME_FLAGS}",
               "--only-categories=performance,accessibility,best-practices,seo"]  # fmt: skip
    environment = os.environ | {"CHROME_PATH": shutil.which("chromium") or ""}
    subprocess.run(command, check=True, env=environment, timeout=300)
    return json.loads(report.read_text(encoding="utf-8"))


def summary(report: dict) -> tuple[dict[str, int], list[str]]:
    """The four scores (0-100) and the titles of the scored audits that lost points."""
    scores = {name: round((report["categories"][name]["score"] or 0) * 100) for name in TARGETS}
    lost = sorted(
        {
            report["audits"][ref["id"]]["title"]
            for category in report["categories"].values()
            for ref in category["auditRefs"]
            if ref["weight"] > 0
            and report["audits"][ref["id"]].get("score") is not None
            and report["audits"][ref["id"]]["score"] < 0.9
        }
    )
    return scores, lost


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--lighthouse", default=str(ROOT / ".web-audit" / "node_modules" / ".bin" / "lighthouse")
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the scores as JSON")
    options = parser.parse_args()
    if not Path(options.lighthouse).exists() or not shutil.which("chromium"):
        print("needs lighthouse (make audit-web installs it) and Debian chromium", file=sys.stderr)
        return 2
    from ecodata.build.dist import build

    results = {}
    with tempfile.TemporaryDirectory(prefix="ecodata-audit-") as folder:
        dist = build(ROOT / "datapackage.json", Path(folder) / "dist")
        port = free_port()
        command = [str(Path(sys.executable).parent / "ecodata"), "serve", "--out", str(dist),
                   "--host", HOST, "--port", str(port)]  # fmt: skip
        server = start_server("ecodata", command, port, Path(folder))
        try:
            wait_until_ready(server)
            for name, path in pages(dist).items():
                scores, lost = summary(audit(options.lighthouse, f"http://{HOST}:{port}{path}", Path(folder)))
                results[name] = {"path": path, "scores": scores, "lost_points": lost}
                print(f"{name:<7} {path}: {scores}", flush=True)
        finally:
            stop_server(server)
    print("\n| page | path | " + " | ".join(TARGETS) + " |")
    print("|---|---|" + "---:|" * len(TARGETS))
    for name, result in results.items():
        print(
            f"| {name} | `{result['path']}` | " + " | ".join(str(result["scores"][t]) for t in TARGETS) + " |"
        )
    misses = [
        f"{name} {category} {result['scores'][category]} < {target}"
        for name, result in results.items()
        for category, target in TARGETS.items()
        if result["scores"][category] < target
    ]
    for name, result in results.items():
        if result["lost_points"]:
            print(f"\n{name}: " + "; ".join(result["lost_points"]))
    if options.json:
        options.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print("\ntargets " + ("MET" if not misses else "NOT MET: " + ", ".join(misses)))
    return 0 if not misses else 1


if __name__ == "__main__":
    sys.exit(main())
