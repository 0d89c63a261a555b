"""`diff`: what changed between two versions of a package — rows added, removed and changed, and schema.

Each side is a descriptor, a folder holding `datapackage.json`, or a zip written by `ecodata build`.
Rows are matched by the primary key and cells are compared as the text in the CSV, so `1.0` and `1`
differ: a diff shows what a reviewer would see in the file, not what a parser makes of it.
Rows are streamed into a temporary SQLite index rather than held in memory, so a table may be larger
than memory; only the differences are.
"""

from __future__ import annotations

import filecmp
import itertools
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..package import Package, PackageError, read_descriptor_file
from ..validate.tables import Row, reading_errors, text_rows
from ..zipped import opened


@dataclass(frozen=True)
class Side:
    """One version of a package; its rows are read one at a time, when they are compared."""

    path: Path
    package: Package

    @property
    def version(self) -> str | None:
        return self.package.descriptor.get("version")

    @cached_property
    def resources(self) -> dict[str, dict]:
        resources = [self.with_schema(resource) for resource in self.package.resources]
        for resource in resources:
            if not readable_schema(schema_of(resource)):
                raise PackageError(
                    f"{self.path}: resource {resource['name']!r} has a malformed schema "
                    "(each field needs a name; primaryKey is a field name or a list of them)"
                )
        return {resource["name"]: resource for resource in resources}

    def with_schema(self, resource: dict) -> dict:
        """The resource with a schema given as a path read in, so its key and fields count."""
        schema = resource.get("schema")
        if not isinstance(schema, str):
            return resource
        try:
            return resource | {"schema": read_descriptor_file(self.package.safe_path(schema), schema)}
        except PackageError as error:
            raise PackageError(f"{self.path}: {error}") from None

    def rows(self, name: str) -> Iterator[Row]:
        """The rows of resource `name`; none when this version has no such resource."""
        if name not in self.resources:
            return
        try:
            yield from text_rows(self.package, self.resources[name])
        except reading_errors() as error:
            reason = getattr(error, "strerror", None) or error
            raise PackageError(f"{self.path}: cannot read resource {name!r} ({reason})") from None


def diff_packages(old_path: str | Path, new_path: str | Path) -> dict:
    """The differences from `old_path` to `new_path`, shaped as `--format json` prints them."""
    with opened(old_path) as old, opened(new_path) as new:
        return compare(Side(Path(old_path), old), Side(Path(new_path), new))


def compare(old: Side, new: Side) -> dict:
    """Resources come in the new descriptor's order, then those only in the old one; ids are sorted."""
    names = list(new.resources) + [name for name in old.resources if name not in new.resources]
    resources, fields, notes = {}, {}, []
    for name in names:
        old_resource, new_resource = old.resources.get(name), new.resources.get(name)
        rows, missing = row_changes(old, new, name, notes)
        if old_resource and new_resource and (schema := schema_changes(old_resource, new_resource, missing)):
            fields[name] = schema
        if name in fields or any(rows.values()) or not (old_resource and new_resource):
            resources[name] = rows
    return {
        "resources": resources,
        "schema": {
            "resources_added": [name for name in new.resources if name not in old.resources],
            "resources_removed": [name for name in old.resources if name not in new.resources],
            "fields": fields,
        },
        "version": {"old": old.version, "new": new.version},
        "package": property_changes(old.package.descriptor, new.package.descriptor, ("resources", "version")),
        "notes": notes,
    }


def row_changes(old: Side, new: Side, name: str, notes: list[str], key: list[str] | None = None):
    """The rows added, removed and changed, and the schema's columns a file's header lacks ({"version":
    "old" or "new", "column"}: their cells are not compared; the rows are matched by position where
    one is the key's). Rows of a resource only on one side count as all added or all removed. `notes`
    is told what the reader should know to read them: repeated keys, rows matched by their position."""
    if unchanged(old, new, name):
        return {"added": [], "removed": [], "changed": []}, []
    old_resource, new_resource = old.resources.get(name), new.resources.get(name)
    key = match_key(old_resource, new_resource) if key is None else key
    compared = [f for f in field_names(new_resource) if f in field_names(old_resource)]
    headers: dict[str, set[str]] = {}  # a side's header labels, from its first row
    said = []
    try:
        with RowIndex(len(key) or 1) as index:
            for side, version in (("old", old), ("new", new)):
                if repeated := index.add(side, labelled(version.rows(name), headers, side), key, compared):
                    said.append(
                        f"{name}: {plural_rows(repeated)} in {version.path} {'repeat' if repeated > 1 else 'repeats'} a key "
                        f"({', '.join(key)}; validate reports them); the last row of each key is compared, and a key with "
                        "more rows in one version is listed as added or removed"
                    )
            missing = [
                {"version": side, "column": field}
                for side in ("old", "new")
                for field in compared
                if side in headers and field not in headers[side]
            ]
            unread = {entry["column"] for entry in missing}
            if unread & set(key):  # a file without its key's column: its rows have no key to match by
                return row_changes(old, new, name, notes, key=[])
            rows = {
                "added": [row_id(k) for k in index.only_in("new", "old")],
                "removed": [row_id(k) for k in index.only_in("old", "new")],
                "changed": [
                    {"id": row_id(k), "field": f, "old": old_cell, "new": new_cell}
                    for k, old_cells, new_cells in index.changed()
                    for f, old_cell, new_cell in zip(compared, old_cells, new_cells)
                    if old_cell != new_cell and f not in unread
                ],
            }
    except sqlite3.OperationalError as error:  # the temporary file's disk is full or cannot be written
        raise PackageError(
            f"cannot index the rows of resource {name!r} in a temporary file ({error}); TMPDIR says where"
        ) from None
    notes += said
    if not key and old_resource and new_resource and any(rows.values()):
        notes.append(
            f"{name}: no primary key{' column in both files' if match_key(old_resource, new_resource) else ''}, "
            "so rows are matched by their position: a row added or removed shows every row after it as changed"
        )
    return rows, missing


def labelled(rows: Iterable[Row], headers: dict[str, set[str]], side: str) -> Iterator[Row]:
    """The rows, the first telling `headers[side]` the labels of the file's header."""
    for row in rows:
        headers.setdefault(side, set(row.cells))
        yield row


def plural_rows(count: int) -> str:
    return f"{count} row{'s' if count > 1 else ''}"


def unchanged(old: Side, new: Side, name: str) -> bool:
    """The same resource descriptor over files of the same names and bytes: the same rows, known
    without reading them (a release changes a few resources; 1 M rows read in 13 s, compared in 0.1)."""
    if name not in old.resources or name not in new.resources:
        return False
    old_resource, new_resource = old.package.resource(name), new.package.resource(name)
    if old_resource != new_resource:
        return False
    try:
        old_files, new_files = (
            old.package.resource_files(old_resource),
            new.package.resource_files(new_resource),
        )
        return [old.package.relative(path) for path in old_files] == [
            new.package.relative(path) for path in new_files
        ] and all(filecmp.cmp(one, other, shallow=False) for one, other in zip(old_files, new_files))
    except (OSError, PackageError):  # a file missing or unsafe: reading the rows says which
        return False


def match_key(old_resource: dict | None, new_resource: dict | None) -> list[str]:
    """The primary key rows are matched by (the new one when it changed); [] means by row number.

    Row numbers are the fallback when there is no key or one side lacks a key field.
    """
    key = primary_key(new_resource or old_resource)
    for resource in (old_resource, new_resource):
        if resource and not set(key) <= set(field_names(resource)):
            return []
    return key


class RowIndex:
    """The rows of one resource, old and new: a table per side of key → the compared cells (JSON).

    An unnamed SQLite database lives in memory up to its cache (2 MB), then in a file that SQLite
    deletes as soon as it opens it, so nothing is left behind however the process ends. Text keys sort
    as Python sorts them (SQLite compares UTF-8 bytes, which order as code points do), so the output
    keeps its order.
    """

    def __init__(self, width: int):
        self.width = width
        self.keys = ", ".join(f"k{i}" for i in range(width))
        self.db = sqlite3.connect("")
        for side in ("old", "new"):
            self.db.execute(
                f"CREATE TABLE {side} ({self.keys}, cells, copies, PRIMARY KEY ({self.keys})) WITHOUT ROWID"
            )

    def __enter__(self) -> RowIndex:
        return self

    def __exit__(self, *exception) -> None:
        self.db.close()

    def add(self, side: str, rows: Iterable[Row], key: list[str], compared: list[str]) -> int:
        """Index one side's rows; with a duplicate key (which `validate` reports) the last row's cells
        are kept, and its rows counted. Returns how many rows repeated a key."""
        values = ", ".join("?" * (self.width + 2))
        read = itertools.count()
        self.db.executemany(
            f"INSERT INTO {side} VALUES ({values}) "
            "ON CONFLICT DO UPDATE SET cells = excluded.cells, copies = copies + 1",
            ((*row_key(row, key), json.dumps([row[f] for f in compared]), 1) for row, _ in zip(rows, read)),
        )
        return next(read) - self.db.execute(f"SELECT count(*) FROM {side}").fetchone()[0]

    def only_in(self, side: str, other: str) -> Iterator[tuple]:
        """The keys of `side` that `other` lacks, or has fewer rows of (a repeated key's rows), sorted."""
        return self.db.execute(
            f"SELECT {self.keys} FROM {side} LEFT JOIN {other} USING ({self.keys}) "
            f"WHERE {side}.copies > coalesce({other}.copies, 0) ORDER BY {self.keys}"
        )

    def changed(self) -> Iterator[tuple[tuple, list[str], list[str]]]:
        """(key, old cells, new cells) for the keys on both sides whose compared cells differ, sorted; a
        key with more rows on one side is added or removed there (`only_in`), not changed."""
        found = self.db.execute(
            f"SELECT {self.keys}, old.cells, new.cells FROM old JOIN new USING ({self.keys}) "
            f"WHERE old.cells != new.cells AND old.copies = new.copies ORDER BY {self.keys}"
        )
        for row in found:
            yield row[: self.width], json.loads(row[-2]), json.loads(row[-1])


def row_key(row: Row, key: list[str]) -> tuple:
    return tuple(row[f] for f in key) if key else (row.number,)


def row_id(key: tuple) -> str:
    return "|".join(map(str, key))


def schema_changes(old_resource: dict, new_resource: dict, missing: list[dict] = ()) -> dict | None:
    """Fields added, removed, retyped, the key, how they are described, and `missing`: the schema's
    columns a file's header lacks (row_changes)."""
    old_types, new_types = field_types(old_resource), field_types(new_resource)
    changes = {
        "added": [name for name in new_types if name not in old_types],
        "removed": [name for name in old_types if name not in new_types],
        "retyped": [
            {"field": name, "old": old_types[name], "new": kind}
            for name, kind in new_types.items()
            if name in old_types and old_types[name] != kind
        ],
        "primary_key": None,
    }
    if primary_key(old_resource) != primary_key(new_resource):
        changes["primary_key"] = {"old": primary_key(old_resource), "new": primary_key(new_resource)}
    changes["properties"] = described_changes(old_resource, new_resource)
    changes["columns_missing"] = list(missing)
    return changes if any(changes.values()) else None


def described_changes(old_resource: dict, new_resource: dict) -> list[dict]:
    """Every other change to how a resource is described — its path, dialect, a field's format or
    constraints, the schema's missing values or keys —, each {"where", "property", "old", "new"}
    (None where a side has no such property): `where` is "resource", "schema" or "field NAME"."""
    found = property_changes(old_resource, new_resource, ("name", "schema"), "resource")
    old_schema, new_schema = schema_of(old_resource), schema_of(new_resource)
    found += property_changes(old_schema, new_schema, ("fields", "primaryKey"), "schema")
    old_fields = {field["name"]: field for field in old_schema.get("fields", [])}
    for field in new_schema.get("fields", []):
        if field["name"] in old_fields:
            found += property_changes(
                old_fields[field["name"]], field, ("name", "type"), f"field {field['name']}"
            )
    return found


def property_changes(old: dict, new: dict, covered: tuple[str, ...], where: str = "package") -> list[dict]:
    """The properties of `old` and `new` (but `covered`, said elsewhere) whose values differ, in `new`'s
    order, then those only `old` has."""
    names = [name for name in new if name not in covered]
    names += [name for name in old if name not in covered and name not in new]
    return [
        {"where": where, "property": name, "old": old.get(name), "new": new.get(name)}
        for name in names
        if old.get(name) != new.get(name)
    ]


def schema_of(resource: dict | None) -> dict:
    schema = (resource or {}).get("schema")
    return schema if isinstance(schema, dict) else {}


def readable_schema(schema: dict) -> bool:
    """Fields with text names and a key of names: what diff reads of a schema, which `validate` checks in full."""
    fields, key = schema.get("fields", []), schema.get("primaryKey") or []
    key = [key] if isinstance(key, str) else key
    return (
        isinstance(fields, list)
        and all(isinstance(field, dict) and isinstance(field.get("name"), str) for field in fields)
        and isinstance(key, list)
        and all(isinstance(name, str) for name in key)
    )


def field_types(resource: dict) -> dict[str, str]:
    return {field["name"]: field.get("type", "string") for field in schema_of(resource).get("fields", [])}


def field_names(resource: dict | None) -> list[str]:
    return list(field_types(resource))


def primary_key(resource: dict | None) -> list[str]:
    key = schema_of(resource).get("primaryKey") or []
    return [key] if isinstance(key, str) else list(key)
