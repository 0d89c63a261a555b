"""One cell at a time: the Table Schema reading rules, for the cells the vectorised paths leave over.

`columns.py` decides the common, canonical spellings (`12`, `3.5`, `2020-01-31`, `true`) with Arrow
compute; everything else — `" 12 "`, `1_000`, `Infinity`, `2020-1-5`, JSON, custom date formats —
comes here, once per distinct text. The rules follow frictionless-py 5 cell readers, so both engines
agree on what a valid cell is (docs/parity.md lists where they part from the spec).
"""

from __future__ import annotations

import base64
import binascii
import json
import operator
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple

DEFAULT_TYPE = "string"  # Table Schema: "the absence of a type property indicates ... string"
STRING_KINDS = ("string", "any")  # the field types whose values are strings
TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]
NOT_BARE = re.compile(r"((^[^-\d]*)|(\D*$))")
BOUNDS = {
    "minimum": operator.ge,
    "maximum": operator.le,
    "exclusiveMinimum": operator.gt,
    "exclusiveMaximum": operator.lt,
}
BOUNDED = ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"]
CONSTRAINTS = {  # which constraints each type checks, in the order its errors are reported
    "any": ["required", "enum"],
    "string": ["required", "minLength", "maxLength", "pattern", "enum"],
    "integer": BOUNDED,
    "number": BOUNDED,
    "boolean": ["required", "enum"],
    "date": BOUNDED,
    "datetime": BOUNDED,
    "time": BOUNDED,
    "year": BOUNDED,
    "yearmonth": BOUNDED,
    "duration": ["required", "enum"],
    "geopoint": ["required", "enum"],
    "geojson": ["required", "enum"],
    "object": ["required", "minLength", "maxLength", "enum"],
    "array": ["required", "minLength", "maxLength", "enum"],
    "list": ["required", "minLength", "maxLength"],
}


class Unsupported(Exception):
    """A schema feature this engine does not implement; the caller hands the package to frictionless."""


class YearMonth(NamedTuple):
    year: int
    month: int


class GeoPoint(NamedTuple):
    lon: Any
    lat: Any


def value_reader(field: dict) -> Callable[[Any], Any]:
    """The function that turns a cell into a typed value, or None when the cell is not of the type."""
    kind, form = field.get("type", DEFAULT_TYPE), field.get("format", "default")
    make = READERS.get(kind)
    if make is None:
        raise Unsupported(f'field type "{kind}"')
    return make(field, form)


def any_reader(field, form):
    return lambda cell: cell


def string_reader(field, form):
    if form in ("default", None):
        return lambda cell: cell if isinstance(cell, str) else None
    check = STRING_FORMATS.get(form)
    if check is None:
        raise Unsupported(f'string format "{form}"')
    return lambda cell: cell if isinstance(cell, str) and check(cell) else None


def is_email(cell: str) -> bool:
    import validators

    return bool(validators.email(cell))


def is_uuid(cell: str) -> bool:
    import validators

    return bool(validators.uuid(cell))


def is_uri(cell: str) -> bool:
    import rfc3986
    from rfc3986 import exceptions, validators

    checker = validators.Validator().require_presence_of("scheme")
    try:
        checker.validate(rfc3986.uri_reference(cell))
    except exceptions.ValidationError:
        return False
    return True


def is_base64(cell: str) -> bool:
    try:
        base64.b64decode(cell)
    except (binascii.Error, ValueError):
        return False
    return True


STRING_FORMATS = {"email": is_email, "uuid": is_uuid, "uri": is_uri, "binary": is_base64}


def integer_reader(field, form):
    bare = field.get("bareNumber", True)

    def read(cell):
        if isinstance(cell, bool):
            return None
        if isinstance(cell, int):
            return cell
        if isinstance(cell, float):
            return int(cell) if cell.is_integer() else None
        if isinstance(cell, Decimal):
            return int(cell) if cell % 1 == 0 else None
        if not isinstance(cell, str):
            return None
        cell = cell.strip()
        if not bare:
            cell = NOT_BARE.sub("", cell)
        try:
            return int(cell)
        except ValueError:
            return None

    return read


def number_reader(field, form):
    bare = field.get("bareNumber", True)
    decimal_char = field.get("decimalChar", ".")
    group_char = field.get("groupChar", "")
    primary = float if field.get("floatNumber") else Decimal
    processed = any(name in field for name in ("bareNumber", "decimalChar", "groupChar"))

    def process(cell: str) -> str | None:
        if not bare:
            cell = NOT_BARE.sub("", cell)
        cell = cell.replace(group_char, "")
        if decimal_char != "." and "." in cell:
            return None
        return cell.replace(decimal_char, ".")

    def read(cell):
        if isinstance(cell, bool):
            return None
        if isinstance(cell, int):
            return cell
        if isinstance(cell, float | Decimal):
            return primary(str(cell)) if primary is Decimal else float(cell)
        if not isinstance(cell, str):
            return None
        cell = cell.strip()
        if processed:
            cell = process(cell)
            if cell is None:
                return None
        try:
            value = primary(cell)
        except (ValueError, ArithmeticError):
            return None
        if primary is Decimal and value.is_snan():  # Decimal reads "sNaN", which raises when compared
            return Decimal("-NaN" if value.is_signed() else "NaN")
        return value

    return read


def boolean_reader(field, form):
    mapping = dict.fromkeys(field.get("trueValues", TRUE_VALUES), True)
    mapping.update(dict.fromkeys(field.get("falseValues", FALSE_VALUES), False))
    return lambda cell: (
        cell if isinstance(cell, bool) else mapping.get(cell) if isinstance(cell, str) else None
    )


# What a date of format "any" lacks: the 1st, January, 2000 (a leap year: 29 February parses). dateutil's
# own default is today, so `1850-01` became 1850-01-06 on the 6th and the build's bytes changed daily.
ANY_FORMAT_DEFAULT = datetime(2000, 1, 1)


def temporal_reader(kept: type, default, to_value):
    """A date/datetime/time reader: `default` parses the ISO form, `to_value` narrows a datetime."""

    def make(field, form):
        def parse(cell: str):
            if form == "default":
                return default(cell)
            if form == "any":
                return to_value(dateutil_parser().parse(cell, default=ANY_FORMAT_DEFAULT))
            return to_value(datetime.strptime(cell, form))

        def read(cell):
            if isinstance(cell, kept):
                return cell
            if not isinstance(cell, str):
                return None
            try:
                return parse(cell)
            except (
                Exception
            ):  # dateutil raises a zoo of types on garbage; any of them means "not of the type"
                return None

        return make_date_reader(read) if kept is date else read

    return make


def make_date_reader(read):
    def read_date(cell):
        if isinstance(cell, datetime):  # a datetime is a date only at midnight
            return cell.date() if (cell.hour, cell.minute, cell.second) == (0, 0, 0) else None
        return read(cell)

    return read_date


def iso_datetime(cell: str):
    if len(cell) < 19 or cell[16] != ":":
        return None
    return dateutil_parser().isoparse(cell)


def iso_time(cell: str):
    if len(cell) < 8 or cell[5] != ":":
        return None
    return dateutil_parser().isoparse(f"2000-01-01T{cell}").timetz()


date_reader = temporal_reader(date, lambda cell: datetime.strptime(cell, "%Y-%m-%d").date(), datetime.date)
datetime_reader = temporal_reader(datetime, iso_datetime, lambda value: value)
time_reader = temporal_reader(time, iso_time, datetime.timetz)


def year_reader(field, form):
    def read(cell):
        if isinstance(cell, str):
            if len(cell) != 4:
                return None
            try:
                cell = int(cell)
            except ValueError:
                return None
        if not isinstance(cell, int):  # a bool is one, as in frictionless (a bound of true is the year 1)
            return None
        return int(cell) if 0 <= cell <= 9999 else None

    return read


def yearmonth_reader(field, form):
    def read(cell):
        if isinstance(cell, tuple | list):
            return YearMonth(*cell) if len(cell) == 2 else None
        if not isinstance(cell, str):
            return None
        try:
            year, month = cell.split("-")
            year, month = int(year), int(month)
        except ValueError:
            return None
        return YearMonth(year, month) if 1 <= month <= 12 else None

    return read


def duration_reader(field, form):
    def read(cell):
        import isodate

        if isinstance(cell, isodate.Duration | timedelta):
            return cell
        if not isinstance(cell, str):
            return None
        try:
            return isodate.parse_duration(cell)
        except Exception:  # isodate raises ISO8601Error, ValueError, OverflowError...
            return None

    return read


def geopoint_reader(field, form):
    def read(cell):
        try:
            if isinstance(cell, str):
                if form == "default":
                    lon, lat = (part.strip() for part in cell.split(","))
                elif form == "array":
                    lon, lat = json.loads(cell)
                elif form == "object":
                    cell = json.loads(cell)
                    if len(cell) != 2:
                        return None
                    lon, lat = cell["lon"], cell["lat"]
                else:
                    return None
                cell = GeoPoint(Decimal(lon), Decimal(lat))
            cell = GeoPoint(*cell)
            if cell.lon > 180 or cell.lon < -180 or cell.lat > 90 or cell.lat < -90:
                return None
        except Exception:  # any shape or number problem means "not a geopoint"
            return None
        return cell

    return read


def geojson_reader(field, form):
    validator = geojson_validator(form) if form in ("default", "topojson") else None
    read_object = json_reader(dict)(field, form)

    def read(cell):
        cell = read_object(cell)
        if cell is None or (validator is not None and not validator.is_valid(cell)):
            return None
        return cell

    return read


@cache
def geojson_validator(form: str):
    """The same GeoJSON/TopoJSON JSON Schemas frictionless ships, read from its package data."""
    from importlib.util import find_spec
    from pathlib import Path

    import jsonschema.validators

    root = Path(find_spec("frictionless").submodule_search_locations[0])
    profile = json.loads(
        (root / "assets" / "profiles" / f"{'geojson' if form == 'default' else 'topojson'}.json").read_text()
    )
    return jsonschema.validators.validator_for(profile)(profile)


def json_reader(wanted: type):
    def make(field, form):
        def read(cell):
            if isinstance(cell, str):
                try:
                    cell = json.loads(cell)
                except ValueError:
                    return None
            elif isinstance(cell, tuple) and wanted is list:
                cell = list(cell)
            return cell if isinstance(cell, wanted) else None

        return read

    return make


def list_reader(field, form):
    item_read = value_reader({"type": field.get("itemType", "string")})
    delimiter = field.get("delimiter", ",")

    def read(cell):
        if isinstance(cell, str):
            cell = cell.split(delimiter)
        elif not isinstance(cell, list | tuple):
            return None
        items = []
        for item in cell:
            item = item_read(item)
            if item is None:
                return None
            items.append(item)
        return items

    return read


READERS = {
    "any": any_reader,
    "string": string_reader,
    "integer": integer_reader,
    "number": number_reader,
    "boolean": boolean_reader,
    "date": date_reader,
    "datetime": datetime_reader,
    "time": time_reader,
    "year": year_reader,
    "yearmonth": yearmonth_reader,
    "duration": duration_reader,
    "geopoint": geopoint_reader,
    "geojson": geojson_reader,
    "object": json_reader(dict),
    "array": json_reader(list),
    "list": list_reader,
}


@cache
def dateutil_parser():
    import dateutil.parser

    return dateutil.parser


def missing_texts(values) -> list[str]:
    """The texts of `missingValues`, given as texts or as {"value": …, "label": …} (v2)."""
    return [value["value"] if isinstance(value, dict) else value for value in values]
