"""The reading layer for every stage after the standard checks, and the Table Schema → Arrow types.

A CSV file the validation engine reads is read as it read it (`batches.py`); anything else — inline
data, compressed files, several parts, a resource without a schema — through frictionless's own
readers. So everything frictionless reads is read the same way in every command: Data Package v1 and
v2, YAML, dialects and encodings, `missingValues` at every level, `groupChar`/`decimalChar`/
`bareNumber`, date and time formats. The engine is held to frictionless's verdicts by the parity suite.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pyarrow as pa

from ..package import Package, PackageError, frictionless_package


@dataclass
class Row:
    """One row as text cells, with its Frictionless rowNumber (header = 1) and typed values."""

    number: int
    cells: dict[str, str]
    values: dict
    line: int | None = None

    def __getitem__(self, name: str) -> str:
        return self.cells.get(name) or ""


def reading_errors() -> tuple[type[Exception], ...]:
    """What reading a resource's data may raise when the data (not ecodata) is at fault."""
    import csv

    import frictionless

    from .engine.layout import ReadError

    return (OSError, UnicodeError, csv.Error, frictionless.FrictionlessException, ReadError)


def rows(package: Package, name: str) -> Iterator[Row]:
    """Every row of resource `name`, in file order: a CSV file as the engine reads it (batches.py),
    anything else through frictionless. Raises what reading_errors() names on unreadable data."""
    from .batches import engine_rows

    fast = engine_rows(package, name)
    yield from frictionless_rows(package, name) if fast is None else fast


def frictionless_rows(package: Package, name: str) -> Iterator[Row]:
    """Every row through frictionless's readers, values as frictionless types them."""
    from .engine.cells import value_reader

    resource = frictionless_package(package).get_resource(name)
    with resource:
        names = resource.schema.field_names
        # frictionless fills what a date of format "any" lacks from today: the engine's reader does not
        any_format = {
            field.name: value_reader(field.to_descriptor())
            for field in resource.schema.fields
            if field.type in ("date", "datetime", "time") and field.format == "any"
        }
        for row in resource.row_stream:
            cells = {column: text(cell) for column, cell in zip(names, row.cells)}
            values = row.to_dict()
            for column, read in any_format.items():
                if isinstance(values.get(column), datetime.date | datetime.time) and cells.get(column):
                    values[column] = read(cells[column])
            yield Row(row.row_number, cells, values)


def text_rows(package: Package, resource: dict) -> Iterator[Row]:
    """A resource's rows as the text in its file, keyed by header label, whatever its schema says
    (`diff` compares what a reviewer sees; the schema may be the very thing that changed): a CSV file
    as the engine reads it (batches.py), anything else through frictionless."""
    from .batches import engine_file_texts

    fast = engine_file_texts(package, resource)
    yield from frictionless_text_rows(package, resource) if fast is None else fast


def frictionless_text_rows(package: Package, resource: dict) -> Iterator[Row]:
    import frictionless

    plain = {key: value for key, value in resource.items() if key != "schema"}
    detector = frictionless.Detector(field_type="string")
    with frictionless.Resource(plain, basepath=str(package.root), detector=detector) as opened:
        names = opened.schema.field_names
        for row in opened.row_stream:
            yield Row(row.row_number, {name: text(cell) for name, cell in zip(names, row.cells)}, {})


def csv_rows(path) -> Iterator[Row]:
    """A plain UTF-8 CSV file's rows as text, one at a time, with the physical line each starts on
    (multi-line cells shift it). For editing the file in place (`new-row`) and placing findings."""
    import csv

    csv.field_size_limit(2**31 - 1)  # oversized cells are reported by the cell-size check, not crashed on
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        line = reader.line_num + 1
        for number, cells in enumerate(reader, start=2):
            yield Row(number, dict(zip(header, cells)), {}, line)
            line = reader.line_num + 1


def text(cell) -> str:
    if cell is None:
        return ""
    return cell if isinstance(cell, str) else json.dumps(cell) if isinstance(cell, dict | list) else str(cell)


STRUCTS = {
    "yearmonth": pa.struct([("year", pa.int32()), ("month", pa.int8())]),
    "geopoint": pa.struct([("lon", pa.float64()), ("lat", pa.float64())]),
}
SIMPLE_TYPES = {
    "integer": pa.int64(),
    "year": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "time": pa.time64("us"),
}


def arrow_type(field: dict, values: list) -> pa.DataType:
    """The Arrow type of a Table Schema field. Datetimes with an offset are stored in UTC."""
    kind = field.get("type", "any")
    if kind in SIMPLE_TYPES:
        if kind == "time" and any(value is not None and value.utcoffset() is not None for value in values):
            return pa.string()  # a time of day with an offset has no Arrow type
        return SIMPLE_TYPES[kind]
    if kind in STRUCTS:
        return STRUCTS[kind]
    if kind == "datetime":
        offsets = {value.utcoffset() is not None for value in values if value is not None}
        if offsets == {True}:
            return pa.timestamp("us", tz="UTC")
        return pa.timestamp("us") if offsets != {False, True} else pa.string()
    if kind == "list":
        return pa.list_(SIMPLE_TYPES.get(field.get("itemType", "string"), pa.string()))
    return pa.string()  # string, any, duration, object, array, geojson (as JSON text)


def arrow_value(value, field: dict, to: pa.DataType):
    if value is None:
        return None
    kind = field.get("type", "any")
    if kind == "number":
        return float(value)
    if kind == "yearmonth":
        return {"year": value.year, "month": value.month}
    if kind == "geopoint":
        return {"lon": float(value.lon), "lat": float(value.lat)}
    if kind == "list":
        return [float(item) if field.get("itemType") == "number" else item for item in value]
    if pa.types.is_timestamp(to) and to.tz:
        return value.astimezone(datetime.UTC)
    if pa.types.is_string(to):
        return iso_text(value)
    return value


def iso_text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    try:
        import isodate

        if isinstance(value, isodate.Duration | datetime.timedelta):
            return isodate.duration_isoformat(value)
    except ImportError:  # pragma: no cover - frictionless depends on isodate
        pass
    return str(value)


def arrow_schema(table: dict, types: dict[str, pa.DataType]) -> pa.Schema:
    fields = []
    for field in table["schema"]["fields"]:
        metadata = {"description": field.get("description", ""), "type": field.get("type", "any")}
        if "categories" in field:
            metadata["categories"] = json.dumps(field["categories"], ensure_ascii=False)
        fields.append(pa.field(field["name"], types[field["name"]], metadata=metadata))
    return pa.schema(fields, metadata={"resource": table["name"], "title": table.get("title", "")})


def read_table(package: Package, name: str) -> pa.Table:
    """A valid resource, whole, as a typed Arrow table sorted by its primary key's typed values; its
    types decided by all its values (a datetime column whose offsets come and go is text)."""
    table = package.table(name)
    batch, _ = values_batch(table, [row.values for row in frictionless_rows(package, name)])
    return sorted_by_key(pa.Table.from_batches([batch]), table["schema"].get("primaryKey") or [])


def values_batch(table: dict, values: list[dict], schema: pa.Schema | None = None):
    """(record batch, schema) of rows of typed values; the schema, when not given, from these values.
    Raises pa.ArrowInvalid, pa.ArrowTypeError or TypeError when a value does not fit the given schema."""
    fields = table["schema"]["fields"]
    columns = {field["name"]: [row.get(field["name"]) for row in values] for field in fields}
    if schema is None:
        schema = arrow_schema(table, {f["name"]: arrow_type(f, columns[f["name"]]) for f in fields})
    for field in fields:
        if unheld := next((v for v in columns[field["name"]] if not storable(field, v)), None):
            raise beyond_storage(f'resource "{table["name"]}"', field, unheld)
    arrays = [
        pa.array([arrow_value(value, field, kept.type) for value in columns[field["name"]]], type=kept.type)
        for field, kept in zip(fields, schema)
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=schema), schema


INT64 = range(-(1 << 63), 1 << 63)


def storable(field: dict, value) -> bool:
    """Whether Arrow, Parquet and SQLite hold the field's typed value as it is: an integer within 64
    bits, a number a double holds (frictionless's have no bounds: 1e400 is valid, and a double's inf)."""
    if field.get("type") == "number":
        return value is None or not (Decimal(value).is_finite() and math.isinf(float(value)))
    return not isinstance(value, int) or value in INT64


def beyond_storage(where: str, field: dict, shown) -> PackageError:
    """The one line for a value `storable` refuses, `where` being its file and row, or its resource."""
    held = "numbers (a double's ±1.8e308)" if field.get("type") == "number" else "64-bit integers"
    return PackageError(
        f'{where}: field "{field["name"]}": {shown} is beyond the {held} that Parquet and SQLite hold; '
        'declare the field "string" to keep it as written'
    )


def sorted_by_key(table: pa.Table, key: list[str]) -> pa.Table:
    """Rows in primary-key order (typed: 2 before 10); a key Arrow cannot order keeps the file order."""
    if not key:
        return table
    try:
        return table.sort_by([(name, "ascending") for name in key])
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        return table


def is_plain_csv(resource: dict) -> bool:
    """One UTF-8 comma-separated file, as the csv module reads it by default."""
    return not_plain_csv(resource) is None


def not_plain_csv(resource: dict) -> str | None:
    """Why the resource is not one plain UTF-8 CSV file, in a few words; None when it is one."""
    path = resource.get("path")
    if not isinstance(path, str):
        return "its data is inline" if "data" in resource and not path else "its data is in several files"
    if not path.lower().endswith(".csv"):
        return f"{path} is not a .csv file"
    if resource.get("compression"):
        return f"it is compressed ({resource['compression']})"
    if resource.get("dialect"):
        return f"it declares a dialect ({json.dumps(resource['dialect'], ensure_ascii=False)})"
    encoding = str(resource.get("encoding", "utf-8"))
    if encoding.lower().replace("_", "-") not in ("utf-8", "utf8", "utf-8-sig"):
        return f"its encoding is {encoding}"
    return None


def write_csv(package: Package, resource: dict, target) -> None:
    """The resource as a UTF-8 CSV: a plain UTF-8 CSV file is copied byte for byte; anything else
    (inline data, compressed, another dialect or encoding, several parts) is written from its text cells."""
    import csv
    import shutil

    if is_plain_csv(resource):
        shutil.copyfile(package.resource_path(resource), target)
        return
    from .file_texts import engine_texts

    fields = package.table(resource["name"])["schema"]["fields"]
    texts = engine_texts(package, resource["name"])  # a file or a folder of parts the engine reads
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([field["name"] for field in fields])
        if texts is not None:
            for text in texts:
                writer.writerows(zip(*(column.to_pylist() for column in text.columns)))
            return
        for row in frictionless_rows(package, resource["name"]):
            writer.writerow([row.cells.get(field["name"], "") for field in fields])
