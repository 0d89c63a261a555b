"""Write a seeded benchmark package: `observations` (N rows, 10 typed columns) → `sites` by foreign key.

About 0.1 % of the rows carry one injected error each — a bad type, a broken constraint, a duplicate
primary key or a dangling foreign key — so both engines have real findings to agree on.
Usage: python benchmarks/make_package.py ROWS OUT_DIR [--seed S] [--valid] [--ragged]
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

SITES = 1000
CATEGORIES = ["forest", "wetland", "grassland", "marine", "desert"]
FIELDS = [
    {"name": "id", "type": "string", "constraints": {"required": True, "pattern": "obs-[0-9]+"}},
    {"name": "site", "type": "string", "constraints": {"required": True}},
    {"name": "category", "type": "string", "constraints": {"enum": CATEGORIES}},
    {"name": "count", "type": "integer", "constraints": {"minimum": 0}},
    {"name": "area_km2", "type": "number", "constraints": {"minimum": 0}},
    {"name": "share", "type": "number", "constraints": {"minimum": 0, "maximum": 100}},
    {"name": "protected", "type": "boolean"},
    {"name": "observed_on", "type": "date"},
    {"name": "year", "type": "year"},
    {"name": "note", "type": "string", "constraints": {"maxLength": 60}},
]
INJECTED = ["type", "constraint", "duplicate", "dangling"]


def row(index: int, rng: random.Random) -> list[str]:
    year = rng.randint(1990, 2024)
    return [
        f"obs-{index:07d}",
        f"site-{rng.randrange(SITES):04d}",
        rng.choice(CATEGORIES),
        str(rng.randint(0, 50_000)),
        f"{rng.uniform(0, 20_000):.2f}",
        f"{rng.uniform(0, 100):.1f}",
        rng.choice(["true", "false"]),
        f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        str(year),
        rng.choice(["surveyed by drone", "field count, two observers", "estimate, see report", ""]),
    ]


def inject(cells: list[str], kind: str, index: int) -> list[str]:
    cells = list(cells)
    if kind == "type":
        cells[3] = "many"  # count: not an integer
    elif kind == "constraint":
        cells[5] = "140.5"  # share above its maximum
    elif kind == "duplicate":
        cells[0] = f"obs-{max(index - 1, 0):07d}"  # the previous row's id
    else:
        cells[1] = "site-9999"  # no such site
    return cells


def csv_line(cells: list[str]) -> str:
    return ",".join(f'"{cell}"' if "," in cell else cell for cell in cells) + "\n"


def write(rows: int, out: Path, seed: int = 20261121, valid: bool = False, ragged: bool = False) -> Path:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "sites.csv", "w", encoding="utf-8", newline="") as file:
        file.write("code,name\n")
        for index in range(SITES):
            file.write(f"site-{index:04d},Site {index}\n")
    with open(out / "observations.csv", "w", encoding="utf-8", newline="") as file:
        file.write(",".join(field["name"] for field in FIELDS) + "\n")
        for index in range(rows):
            cells = row(index, rng)
            if not valid and rng.random() < 0.001:
                cells = inject(cells, rng.choice(INJECTED), index)
            if ragged and rng.random() < 0.001:
                cells = cells[:-1]  # a short row: the exact reader must take over
            file.write(csv_line(cells))
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "benchmark",
        "resources": [
            {
                "name": "sites",
                "path": "sites.csv",
                "type": "table",
                "format": "csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [{"name": "code", "type": "string"}, {"name": "name", "type": "string"}],
                    "primaryKey": ["code"],
                },
            },
            {
                "name": "observations",
                "path": "observations.csv",
                "type": "table",
                "format": "csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": FIELDS,
                    "primaryKey": ["id"],
                    "foreignKeys": [
                        {"fields": ["site"], "reference": {"resource": "sites", "fields": ["code"]}}
                    ],
                },
            },
        ],
    }
    path = out / "datapackage.json"
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--valid", action="store_true", help="inject no errors")
    parser.add_argument("--ragged", action="store_true", help="also cut ~0.1 %% of rows short")
    options = parser.parse_args()
    print(write(options.rows, options.out, options.seed, options.valid, options.ragged))


if __name__ == "__main__":
    main()
