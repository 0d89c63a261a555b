"""The peer for `ecodata validate`: the benchmark package's standard checks written straight in polars.

Reads the descriptor's field types and constraints, the primary key and the foreign key, and prints the
findings as JSON lines of [type, resource, row, field] (row: frictionless's rowNumber, header = 1).
Usage: python benchmarks/polars_peer.py DESCRIPTOR
"""

import json
import sys
from pathlib import Path

import polars as pl

TRUE, FALSE = ["true", "True", "TRUE", "1"], ["false", "False", "FALSE", "0"]
CASTS = {"integer": pl.Int64, "year": pl.Int64, "number": pl.Float64}


def typed(name: str, kind: str) -> pl.Expr:
    column = pl.col(name)
    if kind in CASTS:
        return column.cast(CASTS[kind], strict=False)
    if kind == "boolean":
        return pl.when(column.is_in(TRUE)).then(True).when(column.is_in(FALSE)).then(False)
    if kind == "date":
        return column.str.to_date("%Y-%m-%d", strict=False)
    return column


def checks(resource: dict, fields: list[dict]) -> list[tuple[str, pl.Expr, str | None]]:
    found = []
    for field in fields:
        name, rules = field["name"], field.get("constraints", {})
        value = typed(name, field.get("type", "string"))
        present = pl.col(name).is_not_null()
        wrong_type = present & value.is_null()
        fine = present & ~wrong_type
        found.append(("type-error", wrong_type, name))
        broken = ~present if rules.get("required") else pl.lit(False)
        if "pattern" in rules:
            broken = broken | (fine & ~pl.col(name).str.contains(f"^(?:{rules['pattern']})$"))
        if "enum" in rules:
            broken = broken | (fine & ~pl.col(name).is_in(rules["enum"]))
        if "minimum" in rules:
            broken = broken | (fine & (value < rules["minimum"]))
        if "maximum" in rules:
            broken = broken | (fine & (value > rules["maximum"]))
        if "maxLength" in rules:
            broken = broken | (fine & (pl.col(name).str.len_chars() > rules["maxLength"]))
        found.append(("constraint-error", broken, name))
    return found


def validate(descriptor: Path) -> list[list]:
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    tables = {
        r["name"]: pl.read_csv(descriptor.parent / r["path"], infer_schema=False).with_row_index(
            "row", offset=2
        )
        for r in package["resources"]
    }
    findings = []
    for resource in package["resources"]:
        frame, schema = tables[resource["name"]], resource["schema"]
        masks = [
            (kind, mask.alias(f"{kind}|{field}"), field)
            for kind, mask, field in checks(resource, schema["fields"])
        ]
        key = schema.get("primaryKey", [])
        if key:
            repeated = pl.struct(key).is_duplicated() & ~pl.struct(key).is_first_distinct()
            masks.append(("primary-key", repeated.alias("primary-key|"), None))
        for index, foreign in enumerate(schema.get("foreignKeys", [])):
            parent = tables[foreign["reference"]["resource"]][foreign["reference"]["fields"][0]]
            column = pl.col(foreign["fields"][0])
            masks.append(
                (
                    "foreign-key",
                    (column.is_not_null() & ~column.is_in(parent.implode())).alias(f"fk{index}|"),
                    None,
                )
            )
        flagged = frame.select(pl.col("row"), *(mask for _, mask, _ in masks))
        for kind, mask, field in masks:
            rows = flagged.filter(pl.col(mask.meta.output_name()))["row"].to_list()
            findings += [[kind, resource["name"], row, field] for row in rows]
    return sorted(findings, key=lambda f: (f[1], f[2], f[0], f[3] or ""))


if __name__ == "__main__":
    for finding in validate(Path(sys.argv[1])):
        print(json.dumps(finding))
