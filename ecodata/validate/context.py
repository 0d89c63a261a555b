"""What a check sees of a package: its resources as frictionless reads them, rows read once and shared.

A check is a module (or any object) with `NAME`, `TYPES` (the error types it can report), optional
`SETTINGS` (defaults, overridden by the package's declaration) and `RULES` (what a declared setting must
be beyond its default's type, validate/settings.py), and `check(context, settings)`, a generator of
Findings. Rows come from `tables.py`, the same reading layer as `build`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..package import Package, PackageError
from .batches import FileBatches, engine_batches, missing_values, rows_of, typed_values
from .engine.rows import READ_AGAIN
from .report import Finding
from .settings import FIELD, RESOURCE
from .tables import Row, reading_errors, rows

UNREADABLE = "unreadable"  # a resource whose data cannot be read (the standard checks say why)
SOURCE_SETTINGS = {"source": "source_id", "sources": None, "file": "file", "sha256": "sha256"}
SOURCE_RULES = {"source": FIELD, "sources": RESOURCE, "file": FIELD, "sha256": FIELD}


@dataclass
class Context:
    package: Package
    _rows: dict[str, list[Row] | None] = field(default_factory=dict)
    _batches: dict[str, list | None] = field(default_factory=dict)
    _sources: dict[tuple, dict] = field(default_factory=dict)
    _numbers: dict[tuple, float | None] = field(default_factory=dict)

    @property
    def resources(self) -> list[dict]:
        """The resources with their schemas inlined; none when the descriptor itself cannot be read."""
        try:
            return self.package.tables
        except PackageError:
            return []  # the standard checks report why

    def resource(self, name: str) -> dict | None:
        return next((resource for resource in self.resources if resource["name"] == name), None)

    def rows(self, resource: dict) -> list[Row]:
        """The resource's rows, or none when its data cannot be read (the standard checks say why)."""
        name = resource["name"]
        if name not in self._rows:
            batches = self.batches(resource)
            try:
                if self._batches[name] is UNREADABLE:
                    self._rows[name] = None
                else:
                    read = rows(self.package, name) if batches is None else rows_of(batches, resource)
                    self._rows[name] = list(read)
            except reading_errors():  # the standard checks report why
                self._rows[name] = None
        return self._rows[name] or []

    def batches(self, resource: dict) -> list | FileBatches | None:
        """The engine's batches of a CSV file (kept from the standard checks' reading, or read once; read
        again at each use when too large to keep), None for a resource it does not read."""
        name = resource["name"]
        if self._batches.get(name) == READ_AGAIN:  # the standard checks read it whole: it can be read
            self._batches[name] = FileBatches(self.package, name)
        if name not in self._batches:
            try:
                self._batches[name] = engine_batches(self.package, name)
            except reading_errors():  # the standard checks report why
                self._batches[name] = UNREADABLE
        found = self._batches[name]
        return None if found is UNREADABLE else found

    def columns(self, resource: dict) -> Iterator[tuple[list[int], dict[str, pa.Array]]]:
        """The resource's cells as text columns, batch by batch: (row numbers, {field: strings}). For
        checks that look at every cell: vectorised, with no row object per row."""
        names = [field["name"] for field in resource["schema"]["fields"]]
        batches = self.batches(resource)
        if batches is None:
            found = self.rows(resource)
            if found:
                yield (
                    [row.number for row in found],
                    {n: pa.array([row[n] for row in found], pa.string()) for n in names},
                )
            return
        for batch in batches:
            if len(batch.row_numbers):
                yield batch.row_numbers.tolist(), dict(zip(names, batch.columns))
            if batch.irregular:
                padded = [(cells + [""] * len(names))[: len(names)] for _, cells in batch.irregular]
                texts = {
                    name: pa.array([cells[i] for cells in padded], pa.string())
                    for i, name in enumerate(names)
                }
                yield [number for number, _ in batch.irregular], texts

    def judged(self, resource: dict, names: list[str], judge) -> Iterator[tuple[int, tuple, object]]:
        """(row number, its texts of `names`, verdict) of every row `judge(*texts)` finds at fault, in
        row order. A falsy verdict is a sound row; `judge` runs once per distinct combination of
        texts in the resource, so a quote repeated 10 000 times is read once."""
        verdicts: dict[tuple, object] = {}
        for numbers, combinations, index in self.distinct(resource, names):
            for combination in combinations:
                if combination not in verdicts:
                    verdicts[combination] = judge(*combination)
            faulty = np.array([bool(verdicts[combination]) for combination in combinations], dtype=bool)
            for position in np.flatnonzero(faulty[index]):
                texts = combinations[index[position]]
                yield numbers[position], texts, verdicts[texts]

    def distinct(
        self, resource: dict, names: list[str]
    ) -> Iterator[tuple[list[int], list[tuple], np.ndarray]]:
        """The named fields' texts batch by batch, as (row numbers, each distinct combination of texts,
        the index of each row's combination): what `judged` decides on, one combination at a time."""
        for numbers, columns in self.columns(resource):
            if not numbers:
                continue
            codes = np.zeros(len(numbers), dtype=np.int64)
            for name in names:
                encoded = pc.dictionary_encode(columns[name])
                width = len(encoded.dictionary) + 1  # and one for an empty cell
                indices = pc.fill_null(encoded.indices, width - 1).to_numpy(zero_copy_only=False)
                codes = codes * width + indices
            _, first, index = np.unique(codes, return_index=True, return_inverse=True)
            picked = pa.array(first)
            texts = [columns[name].take(picked).to_pylist() for name in names]
            yield numbers, list(zip(*texts)), index

    def readable(self, resource: dict) -> bool:
        if self.batches(resource) is not None:
            return True
        if self._batches[resource["name"]] is UNREADABLE:
            return False
        self.rows(resource)
        return self._rows[resource["name"]] is not None

    def typed(self, resource: dict, name: str, column: pa.Array) -> list:
        """A text column of `resource` as its field's typed values (frictionless's reading rules)."""
        field = next(field for field in resource["schema"]["fields"] if field["name"] == name)
        return typed_values(column, field, missing_values(resource, field))

    def number(self, resource: dict, name: str, text: str | None) -> float | None:
        """One cell of field `name` as a number (see `number`), read by the field's rules, once per text."""
        key = (resource["name"], name, text)
        if key not in self._numbers:
            self._numbers[key] = number(self.typed(resource, name, pa.array([text], pa.string()))[0])
        return self._numbers[key]

    def resources_with(self, settings: dict, *roles: str) -> Iterator[dict]:
        """Resources (all, or those the settings name in `resources`) that have a field for every role."""
        wanted = settings.get("resources")
        for resource in self.resources:
            if wanted is not None and resource["name"] not in wanted:
                continue
            names = {f["name"] for f in resource["schema"]["fields"]}
            if all(settings[role] in names for role in roles) and self.readable(resource):
                yield resource

    def sources(self, settings: dict) -> dict[str, dict]:
        """The rows of the sources resource by id, each with its archived file's bytes and text.

        The sources resource is the one `settings["sources"]` names, else the one the `source` field's
        foreign key points at; its `file` field holds the archived file's path in the package.
        """
        key = tuple(sorted((name, str(value)) for name, value in settings.items()))
        if key not in self._sources:
            self._sources[key] = self.read_sources(settings)
        return self._sources[key]

    def read_sources(self, settings: dict) -> dict[str, dict]:
        name, id_field = self.sources_resource(settings)
        resource = self.resource(name) if name else None
        if resource is None or settings["file"] not in {f["name"] for f in resource["schema"]["fields"]}:
            return {}
        found = {}
        for row in self.rows(resource):
            entry = {"row": row, "resource": resource, "cells": row.cells, "data": None, "text": None}
            try:
                entry["data"] = self.package.safe_path(row[settings["file"]]).read_bytes()
                entry["text"] = entry["data"].decode("utf-8")
            except (OSError, UnicodeDecodeError, PackageError):
                pass
            found[row[id_field]] = entry
        return found

    def cell_findings(
        self, kind: str, resource: dict, found: list[tuple[int, str, str]], message
    ) -> Iterator[Finding]:
        """Findings for (row number, field, cell) triples a column-wise check found, in row order;
        `message(cell)` says what to change."""
        for number, name, cell in sorted(found, key=lambda item: item[0]):
            yield self.cell_finding(kind, resource, number, name, cell, message(cell))

    def cell_finding(
        self, kind: str, resource: dict, number: int, field_name: str, cell: str, message: str
    ) -> Finding:
        """A finding about one cell, known by its row number: what a column-wise check has of a row."""
        return self.finding(kind, resource, Row(number, {field_name: cell}, {}), field_name, message)

    def sources_resource(self, settings: dict) -> tuple[str | None, str]:
        """(resource name, id field) of the sources: as the settings say, or by the foreign key."""
        if settings.get("sources"):
            return settings["sources"], settings.get("id", "id")
        for resource in self.resources:
            for key in resource["schema"].get("foreignKeys", []):
                if key["fields"] == [settings["source"]]:
                    return key["reference"]["resource"] or resource["name"], key["reference"]["fields"][0]
        return None, "id"

    def finding(
        self, kind: str, resource: dict, row: Row | None, field_name: str | None, message: str
    ) -> Finding:
        path = resource.get("path")
        return Finding(
            type=kind,
            message=message,
            resource=resource["name"],
            path=path if isinstance(path, str) else None,
            row=row.number if row else None,
            field=field_name,
            cell=row[field_name] if row and field_name else None,
            line=row.line if row else None,
        )


def number(value) -> float | None:
    """A typed cell as a float, or None for an empty cell, a boolean or anything not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def evidence_of(package: Package) -> dict | None:
    """Where a package keeps its evidence, when it declares the quote-in-source check: the quote and
    source fields of its rows, and the sources resource with its id and archived-file fields."""
    from .plugins import declared_checks

    try:
        declared = {check.name: settings for check, settings in declared_checks(package)}
    except PackageError:
        return None
    settings = declared.get("quote-in-source")
    if settings is None:
        return None
    resource, id_field = Context(package).sources_resource(settings)
    return None if resource is None else settings | {"sources": resource, "id": id_field}
