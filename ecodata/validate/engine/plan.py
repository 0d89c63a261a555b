"""From a descriptor to plain, picklable plans: which files, which fields, which keys to check.

The descriptor itself (its JSON Schema profiles, field and constraint names) is checked by
frictionless's metadata layer, so both engines report the same descriptor errors; the rows are
then this engine's work.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from ...package import Package, PackageError, frictionless_package_at, read_descriptor_file, tables_or_none
from ..report import Finding
from .cells import BOUNDS, CONSTRAINTS, DEFAULT_TYPE, Unsupported, YearMonth, missing_texts, value_reader

TABLE_FORMATS = ("csv", "tsv")
COMPRESSED_SUFFIXES = ("zip", "gz", "bz2", "xz")  # frictionless's settings.COMPRESSION_FORMATS


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
    rows: int | None = None  # frictionless's own resource properties: the rows and fields it must find
    field_count: int | None = None
    headered_parts: bool = False  # a directory of parts: every part has its own header row
    parquet: bool = False
    shown_parts: list[str] = field(default_factory=list)  # each part's path in the package, for findings

    def missing_for(self, spec: dict) -> list[str]:
        return missing_texts(spec["missingValues"]) if "missingValues" in spec else self.missing


def descriptor_verdict(package: Package, with_tables: bool) -> tuple[list[Finding], list[dict] | None]:
    """`descriptor_findings`, then, if asked and there are none, `Package.tables` (what the declared
    checks read; None if they cannot be had): both from one import of frictionless and one Package of it."""
    found, read = descriptor_findings(package)
    if package.descriptor_path.suffix != ".json":  # frictionless's own YAML reading keeps dates as dates,
        read = None  # where ecodata's (and the build's JSON metadata) has text: normalise ecodata's
    return found, (tables_or_none(package, read) if with_tables and not found else None)


def descriptor_findings(package: Package):
    """The descriptor errors frictionless reports before it reads any row, then those it lets through
    (`definition_findings`), each placed in the descriptor's file: empty when the descriptor is sound.
    With them, frictionless's Package of the descriptor, None where it could not make one."""
    found, checked = unplaced_descriptor_findings(package)
    return [dataclasses.replace(finding, path=package.descriptor_path.name) for finding in found], checked


def unplaced_descriptor_findings(package: Package):
    import frictionless

    try:
        checked = frictionless_package_at(package)
        checked.to_descriptor(validate=True)
        for resource in checked.resources:
            resource.to_descriptor(validate=True)
    except frictionless.FrictionlessException as exception:
        found = [
            Finding(type=error.type, message=error.note or error.message) for error in exception.to_errors()
        ]
        return named_in_descriptor(found, package.resources), None
    except Exception as error:  # frictionless fails on some shapes its profiles let through
        crash = f"frictionless cannot read the descriptor ({type(error).__name__}: {error})"
        try:  # a descriptor nothing has checked: say what is known to be wrong, if anything
            found = definition_findings(package.resources, package.safe_path)
        except Exception:
            found = []
        return found or [Finding(type="package-error", message=crash)], None
    return definition_findings(package.resources, package.safe_path), checked


TABULAR_PROFILES = ("tabular-data-package", "tabular-data-resource")  # a v1 descriptor's
UNNAMED_PROFILE_NOTE = 'profile "{}" requires all the resources to be "{}"'.format(*TABULAR_PROFILES)


def named_in_descriptor(found: list[Finding], resources: list[dict]) -> list[Finding]:
    """frictionless's descriptor findings, each said of the resource or field it is about where its
    line names neither (below)."""
    return said_of_fields(said_of_resources(found, resources), resources)


def said_of_resources(found: list[Finding], resources: list[dict]) -> list[Finding]:
    """frictionless says "profile "tabular-data-package" requires all the resources to be…" once per
    resource without the profile, naming none: each said of its resource, in order."""
    lacking = iter([r for r in resources if isinstance(r, dict) and r.get("profile") != TABULAR_PROFILES[1]])
    named = []
    for finding in found:
        if finding.message == UNNAMED_PROFILE_NOTE and (resource := next(lacking, None)) is not None:
            name = resource.get("name", "")
            finding = dataclasses.replace(
                finding,
                resource=name,
                message=f'resource "{name}" is not "profile": "{TABULAR_PROFILES[1]}", which the package\'s '
                f'"profile": "{TABULAR_PROFILES[0]}" requires of every resource (Data Package v1); declare it',
            )
        named.append(finding)
    return named


FIELD_PROPERTY_NOTE = re.compile(r"(?P<value>.+?) (is|does) .* at property '(?P<property>[^']+)'")


def said_of_fields(found: list[Finding], resources: list[dict]) -> list[Finding]:
    """frictionless says a field's wrong property (`'%Y-%m-%d' is not one of […] at property 'format'`)
    without the field or resource: each said of the first field, in order, whose property has that value."""
    fields = [
        (resource.get("name", ""), field)
        for resource in resources
        if isinstance(resource, dict)
        and isinstance(resource.get("schema"), dict)
        and isinstance(resource["schema"].get("fields"), list)  # a malformed one: frictionless says so
        for field in resource["schema"]["fields"]
        if isinstance(field, dict)
    ]
    named = []
    for finding in found:
        match = FIELD_PROPERTY_NOTE.fullmatch(finding.message) if finding.type == "field-error" else None
        if match and finding.field is None:
            value, key = match["value"], match["property"]
            place = next(
                (i for i, (_, field) in enumerate(fields) if key in field and repr(field[key]) == value), None
            )
            if place is not None:
                resource, field = fields.pop(place)  # (the next such finding is of the next such field)
                finding = dataclasses.replace(finding, resource=resource, field=field.get("name"))
                finding = dataclasses.replace(finding, message=f'resource "{resource}": {finding.message}')
        named.append(finding)
    return named


def definition_findings(resources: list[dict], safe_path) -> list[Finding]:
    """What frictionless's metadata check lets through and then crashes on (a pattern that is no
    regular expression, a bound that is no value of its field's type, a hash or foreignKeys of the
    wrong shape) or does not know (v2 `categories`, `uniqueKeys`): one finding each, naming where."""
    findings = []
    for resource in resources:
        name = resource.get("name", "")
        try:
            schema = schema_of(resource, safe_path) if "data" not in resource else None
        except (OSError, ValueError, PackageError):  # not there, not JSON: frictionless says so, if it can
            schema = None
        if isinstance(schema, dict):
            fields = schema.get("fields")
            for spec in fields if isinstance(fields, list) else []:
                found = field_problems(spec) if isinstance(spec, dict) else []
                findings += [field_finding(name, spec, problem) for problem in found]
            found = schema_problems(schema)
            findings += [
                Finding(type="schema-error", message=f'resource "{name}": {problem}') for problem in found
            ]
        if resource.get("hash") and not isinstance(resource["hash"], str):
            message = f'resource "{name}": hash {resource["hash"]!r} is not a text such as "sha256:…"'
            findings.append(Finding(type="resource-error", message=message))
    return findings


def field_finding(resource: str, spec: dict, problem: str) -> Finding:
    return Finding(
        type="field-error", message=f'field "{spec.get("name")}" of resource "{resource}": {problem}'
    )


def field_problems(spec: dict) -> list[str]:
    constraints = spec.get("constraints") if isinstance(spec.get("constraints"), dict) else {}
    kind = spec.get("type", DEFAULT_TYPE)
    problems = []
    pattern = constraints.get("pattern")
    if isinstance(pattern, str) and "pattern" in CONSTRAINTS.get(kind, []):
        try:
            re.compile(f"^{pattern}$")  # as frictionless and the engine read it
        except re.error as error:
            problems.append(f"pattern {pattern!r} is not a regular expression ({error})")
    bounds = [
        name for name in BOUNDS if constraints.get(name) is not None and name in CONSTRAINTS.get(kind, [])
    ]
    if bounds:
        read = value_reader(spec)
        problems += [
            f"{name} {constraints[name]!r} is not a {kind} that cells can be compared with"
            for name in bounds
            if not orders_cells(read(constraints[name]), kind)
        ]
    categories = spec.get("categories")
    if categories is not None and not (
        isinstance(categories, list) and all(is_category(item) for item in categories)
    ):
        problems.append('categories must be a list of values, or of objects with a "value"')
    return problems


A_VALUE = {  # a value of each type with bounds but no time zone, to try a bound against
    "integer": 1,
    "number": Decimal(1),
    "year": 2000,
    "yearmonth": YearMonth(2000, 1),
    "date": date(2000, 1, 1),
}


def orders_cells(bound, kind: str) -> bool:
    """Whether a bound read from the descriptor can be compared with the cells' values: frictionless
    fails on the first cell when it is None, NaN, or a yearmonth of texts (["2020", "5"])."""
    if bound is None:
        return False
    try:  # a datetime or time is tried against itself: naive or aware, constraints.bound_check decides
        return isinstance(bound < A_VALUE.get(kind, bound), bool)
    except (TypeError, ArithmeticError):
        return False


def is_category(item) -> bool:
    if isinstance(item, dict):
        item = item.get("value")
    return isinstance(item, str | int) and not isinstance(item, bool)


def schema_problems(schema: dict) -> list[str]:
    fields = schema.get("fields")
    names = (
        {spec.get("name") for spec in fields if isinstance(spec, dict)} if isinstance(fields, list) else set()
    )
    problems = []
    foreign_keys = schema.get("foreignKeys")
    if foreign_keys is not None and not isinstance(foreign_keys, list):
        problems.append("foreignKeys must be a list")
    unique_keys = schema.get("uniqueKeys")
    if unique_keys is not None:
        keys = unique_keys if isinstance(unique_keys, list) else [None]
        for key in keys:
            fields = [key] if isinstance(key, str) else key
            if not (
                isinstance(fields, list)
                and fields
                and all(isinstance(field, str) and field in names for field in fields)
            ):
                problems.append(
                    f"uniqueKeys must list keys, each a list of the schema's field names: not {key!r}"
                )
    return problems


def schema_of(resource: dict, safe_path) -> dict:
    schema = resource.get("schema") or {}
    return read_descriptor_file(safe_path(schema), schema) if isinstance(schema, str) else schema


def dialect_of(resource: dict, safe_path) -> dict:
    dialect = resource.get("dialect") or {}
    return read_descriptor_file(safe_path(dialect), dialect) if isinstance(dialect, str) else dialect


def v1_format_read(field):
    """A field as frictionless reads it: a format of the pre-1.0 drafts' form `fmt:%d/%m/%Y` without
    its `fmt:` (frictionless drops it from any field's format)."""
    form = field.get("format") if isinstance(field, dict) else None
    if isinstance(form, str) and form.startswith("fmt:"):
        return field | {"format": form.replace("fmt:", "")}
    return field


def as_list(value) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def resource_plan(resource: dict, root: Path, safe_path) -> ResourcePlan:
    """Raises Unsupported for what this engine leaves to frictionless (inline data, remote files...)."""
    if "data" in resource or "path" not in resource:
        raise Unsupported("inline data")
    raw_paths = as_list(resource["path"])
    if any("://" in path for path in raw_paths) or resource.get("scheme", "file") not in (
        "file",
        "multipart",
    ):
        raise Unsupported("a remote path")
    if "" in raw_paths:  # frictionless reads no file from it (a scheme-error); the root is no folder of parts
        raise Unsupported("an empty path")
    if "schema" not in resource:
        raise Unsupported("a resource without a schema (frictionless infers one)")
    if legacy := sorted({"layout", "stats"} & set(resource)):  # frictionless 4's, which 5 still reads
        raise Unsupported(
            f"frictionless's own {' and '.join(legacy)} propert{'ies' if len(legacy) > 1 else 'y'}"
        )
    schema = schema_of(resource, safe_path)
    dialect = dialect_of(resource, safe_path)
    if isinstance(dialect.get("csv"), dict):  # frictionless 5's own form: {"csv": {"delimiter": ";"}}
        dialect = {key: value for key, value in dialect.items() if key != "csv"} | dialect["csv"]
    # caseSensitiveHeader (Data Package v1) is not here: frictionless 5 reads it nowhere, labels always
    # compare with their case
    unsupported = sorted({"commentChar", "commentRows", "headerJoin", "nullSequence"} & set(dialect))
    if dialect.get("headerRows", [1]) != [1]:
        unsupported.append("headerRows")
    if unsupported:
        raise Unsupported(f"the dialect's {', '.join(unsupported)}")
    if schema.get("fieldsMatch", "exact") != "exact":
        raise Unsupported(f'fieldsMatch "{schema["fieldsMatch"]}"')
    if resource.get("compression") or any(
        Path(path).suffix.lower().lstrip(".") in COMPRESSED_SUFFIXES for path in raw_paths
    ):  # frictionless takes the suffix for a compression when the descriptor names none
        raise Unsupported("compressed files")
    paths = [safe_path(path) for path in raw_paths]
    headered = False
    parquet = False
    if len(paths) == 1 and paths[0].is_dir():
        paths, headered, parquet = directory_parts(paths[0])
    base = root.resolve()
    shown_parts = [
        path.relative_to(base).as_posix() if path.is_relative_to(base) else path.name for path in paths
    ]
    fmt = (resource.get("format") or Path(raw_paths[0]).suffix.lstrip(".") or "csv").lower()
    if fmt not in TABLE_FORMATS and not parquet:
        raise Unsupported(f"format {fmt}")
    return ResourcePlan(
        name=resource.get("name", ""),
        paths=paths,
        shown_path=raw_paths[0] if len(raw_paths) == 1 else None,
        shown_parts=shown_parts,
        tsv=fmt == "tsv",
        encoding=resource.get("encoding"),
        dialect=dialect,
        header=dialect.get("header", True),
        fields=[v1_format_read(field) for field in schema.get("fields") or []],
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
        rows=resource.get("rows"),
        field_count=resource.get("fields"),
        headered_parts=headered,
        parquet=parquet,
    )


def directory_parts(directory: Path) -> tuple[list[Path], bool, bool]:
    """A folder of parts (as Spark or Dask write them): its *.parquet, else its *.csv, in name order."""
    # a partition without rows may be written as a file without a byte, not even a header: it adds nothing
    parquet = sorted(path for path in directory.glob("*.parquet") if path.is_file() and path.stat().st_size)
    if parquet:
        return parquet, True, True
    csvs = sorted(path for path in directory.glob("*.csv") if path.is_file())
    if not csvs:
        raise Unsupported(f"{directory} holds no .csv or .parquet parts")
    return [path for path in csvs if path.stat().st_size] or csvs[:1], True, False
