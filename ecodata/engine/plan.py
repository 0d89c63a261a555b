"""From a descriptor to plain, picklable plans: which files, which fields, which keys to check.

The descriptor itself (its JSON Schema profiles, field and constraint names) is checked by
frictionless's metadata layer, so both engines report the same descriptor errors; the rows are
then this engine's work.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..report import Finding
from .cells import Unsupported

TABLE_FORMATS = ("csv", "tsv")


@dataclass
class ForeignKey:
    fields: list[str]
    resource: str  # the referenced resource's name (itself for a self-reference)
    reference_fields: list[str]


@dataclass
class ResourcePlan:
    name: str
    paths: list[Path]  # one file, or the parts of a multipart resource in order
    shown_path: str | None  # the path as the descriptor gives it, for findings
    tsv: bool
    encoding: str | None
    dialect: dict
    header: bool
    fields: list[dict]
    missing: list[str]
    primary_key: list[str] = field(default_factory=list)
    unique_keys: list[list[str]] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    hash: str | None = None
    bytes: int | None = None
    headered_parts: bool = False  # a directory of parts: every part has its own header row
    parquet: bool = False

    def missing_for(self, spec: dict) -> list[str]:
        return missing_texts(spec["missingValues"]) if "missingValues" in spec else self.missing


def descriptor_findings(descriptor_path: Path) -> list[Finding]:
    """The descriptor errors frictionless reports before it reads any row (empty when the descriptor is sound)."""
    import frictionless

    try:
        package = frictionless.Package(str(descriptor_path))
        package.to_descriptor(validate=True)
        for resource in package.resources:
            resource.to_descriptor(validate=True)
    except frictionless.FrictionlessException as exception:
        return [
            Finding(type=error.type, message=error.note or error.message, path="datapackage.json")
            for error in exception.to_errors()
        ]
    return pattern_findings(package)


def pattern_findings(package) -> list[Finding]:
    """A `pattern` that is no regular expression (frictionless lets it through, then crashes on the first row)."""
    findings = []
    for resource in package.resources:
        for spec in resource.schema.fields if resource.schema else []:
            pattern = (spec.constraints or {}).get("pattern")
            if not isinstance(pattern, str):
                continue
            try:
                re.compile(f"^{pattern}$")  # as frictionless and the engine read it
            except re.error as error:
                message = f'field "{spec.name}" of resource "{resource.name}": pattern {pattern!r} is not a regular expression ({error})'
                findings.append(Finding(type="field-error", message=message, path="datapackage.json"))
    return findings


def missing_texts(values) -> list[str]:
    return [value["value"] if isinstance(value, dict) else value for value in values]


def as_list(value) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def resource_plan(resource: dict, root: Path, safe_path) -> ResourcePlan:
    """Raises Unsupported for what this engine leaves to frictionless (inline data, remote files...)."""
    if "data" in resource or "path" not in resource:
        raise Unsupported("inline data")
    raw_paths = as_list(resource["path"])
    if any("://" in path for path in raw_paths):
        raise Unsupported("a remote path")
    if "schema" not in resource:
        raise Unsupported("a resource without a schema (frictionless infers one)")
    schema = resource.get("schema") or {}
    if isinstance(schema, str):
        schema = json.loads(safe_path(schema).read_text(encoding="utf-8"))
    dialect = resource.get("dialect") or {}
    if isinstance(dialect, str):
        dialect = json.loads(safe_path(dialect).read_text(encoding="utf-8"))
    unsupported = {"commentChar", "commentRows", "headerJoin", "nullSequence", "caseSensitiveHeader"} & set(
        dialect
    )
    if dialect.get("headerRows", [1]) != [1] or unsupported or schema.get("fieldsMatch", "exact") != "exact":
        raise Unsupported("this dialect or fieldsMatch")
    if resource.get("compression"):
        raise Unsupported("compressed files")
    paths = [safe_path(path) for path in raw_paths]
    headered = False
    parquet = False
    if len(paths) == 1 and paths[0].is_dir():
        paths, headered, parquet = directory_parts(paths[0])
    fmt = (resource.get("format") or Path(raw_paths[0]).suffix.lstrip(".") or "csv").lower()
    if fmt not in TABLE_FORMATS and not parquet:
        raise Unsupported(f"format {fmt}")
    return ResourcePlan(
        name=resource.get("name", ""),
        paths=paths,
        shown_path=raw_paths[0] if len(raw_paths) == 1 else None,
        tsv=fmt == "tsv",
        encoding=resource.get("encoding"),
        dialect=dialect,
        header=dialect.get("header", True),
        fields=list(schema.get("fields") or []),
        missing=missing_texts(schema.get("missingValues", [""])),
        primary_key=as_list(schema.get("primaryKey")),
        unique_keys=[as_list(key) for key in schema.get("uniqueKeys") or []],
        foreign_keys=[
            ForeignKey(
                fields=as_list(key["fields"]),
                resource=key.get("reference", {}).get("resource") or resource.get("name", ""),
                reference_fields=as_list(key.get("reference", {}).get("fields")),
            )
            for key in schema.get("foreignKeys") or []
        ],
        hash=resource.get("hash"),
        bytes=resource.get("bytes"),
        headered_parts=headered,
        parquet=parquet,
    )


def directory_parts(directory: Path) -> tuple[list[Path], bool, bool]:
    """A folder of parts (as Spark or Dask write them): its *.parquet, else its *.csv, in name order."""
    parquet = sorted(directory.glob("*.parquet"))
    if parquet:
        return parquet, True, True
    csvs = sorted(directory.glob("*.csv"))
    if not csvs:
        raise Unsupported(f"{directory} holds no .csv or .parquet parts")
    return csvs, True, False
