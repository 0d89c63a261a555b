"""Write the package's typed tables into one SQLite database with keys and indexes, as sqlite-utils would.

Resources come as frictionless normalises them (`Package.tables`): keys are lists, schemas inlined.
SQLite has no date, struct or list type: dates and times are ISO 8601 text, a yearmonth `YYYY-MM`, a
geopoint `lon,lat`, lists and objects JSON.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import json
from contextlib import closing, contextmanager
from pathlib import Path

from ..package import Package
from .metadata import bilingual_label

BATCH_ROWS = 10_000
MAX_PARAMETERS = 999  # in one statement: the smallest limit a SQLite build may have
SQLITE_TYPES = {"integer": "INTEGER", "year": "INTEGER", "number": "REAL", "boolean": "INTEGER"}  # else TEXT


def foreign_keys(resource: dict) -> list[tuple[str, str, str]]:
    """Single-column foreign keys as (column, other_table, other_column); '' means the same table.

    A composite key is left to the package's validation: SQLite would need a composite unique index."""
    pairs = []
    for key in resource["schema"].get("foreignKeys", []):
        reference = key["reference"]
        if len(key["fields"]) == 1:
            pairs.append(
                (key["fields"][0], reference.get("resource") or resource["name"], reference["fields"][0])
            )
    return pairs


def creation_order(package: Package) -> list[dict]:
    """Referenced tables before the tables that point at them, otherwise in descriptor order.

    Deterministic on purpose (no set iteration): the database bytes depend on the creation order.
    """
    pending = list(package.tables)
    ordered: list[dict] = []
    while pending:
        created = {r["name"] for r in ordered}
        ready = next(
            (
                r
                for r in pending
                if all(other in created or other == r["name"] for _, other, _ in foreign_keys(r))
            ),
            pending[0],  # a reference cycle: SQLite does not enforce foreign keys at creation, so go on
        )
        ordered.append(ready)
        pending.remove(ready)
    return ordered


FTS_SHADOWS = ("", "_data", "_idx", "_config")  # a search index's tables (search.py: contentless, no sizes)
RESERVED_PREFIX = "sqlite_"  # SQLite refuses to create a table so named
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def folded(name: str) -> str:
    """A name as SQLite compares it: ASCII letters without case, every other character as it is."""
    return name.translate(ASCII_LOWER)


def name_clash(package: Package) -> str | None:
    """What the database could not hold as the build lays it out, in one line; None when nothing.

    SQLite compares table and column names without case, keeps `sqlite_…` for itself, and gives each
    table with text to search a `<table>_fts` index of several tables: a valid package may still have
    two fields `Name` and `name`, or a resource `x_fts` beside a searchable `x`. (Resource names are
    lower case: the Data Package profile says so.)"""
    holders: dict[str, str] = {}
    most = most_columns()
    for resource in package.tables:
        name = resource["name"]
        if folded(name).startswith(RESERVED_PREFIX):
            return f'resource "{name}": SQLite keeps names starting with "{RESERVED_PREFIX}" for itself; rename it'
        width = len(resource["schema"]["fields"]) + (1 if bilingual_label(resource) else 0)
        if width > most:
            return (
                f'resource "{name}": {width:,} columns, where a SQLite table holds at most {most:,}; split it '
                "into tables of fewer fields, joined by a key"
            )
        columns: dict[str, str] = {}
        for field in resource["schema"]["fields"]:
            if (other := columns.setdefault(folded(field["name"]), field["name"])) != field["name"]:
                return (
                    f'resource "{name}": fields "{other}" and "{field["name"]}" differ only in case, and '
                    "SQLite would hold them as one column; rename one"
                )
        for table, owner in sqlite_tables(resource, package.tables):
            if (holder := holders.setdefault(folded(table), owner)) != owner:
                return f'{holder} and {owner} would both be the SQLite table "{table}"; rename the resource'
    return None


@functools.cache  # a constant of the SQLite library: init asks it for every file
def most_columns() -> int:
    """The most columns this SQLite takes in a table, and in one row's INSERT (2,000 as built by default)."""
    import sqlite3

    with closing(sqlite3.connect(":memory:")) as connection:
        return min(
            connection.getlimit(sqlite3.SQLITE_LIMIT_COLUMN),
            connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER),
        )


def sqlite_tables(resource: dict, tables: list[dict] = ()) -> list[tuple[str, str]]:
    """The SQLite tables a resource becomes, each with what it is: its own and, when it has text to
    search, its search index's (`tables`: the package's, for search.searchable_columns)."""
    from .search import fts_table_name, searchable_columns

    name = resource["name"]
    owned = [(name, f'resource "{name}"')]
    if searchable_columns(resource, tables):
        index = fts_table_name(name)
        owned += [(index + suffix, f'the search index of resource "{name}"') for suffix in FTS_SHADOWS]
    return owned


def sqlite_value(value):
    if isinstance(value, dict):
        if value.keys() == {"year", "month"}:
            return f"{value['year']:04d}-{value['month']:02d}"
        if value.keys() == {"lon", "lat"}:
            return f"{value['lon']},{value['lat']}"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def add_bilingual_label(connection, table: str, chinese: str, english: str) -> None:
    """A generated `label` column (中文 · English): Datasette shows it wherever a foreign key links here."""
    connection.execute(
        f"ALTER TABLE {quoted(table)} ADD COLUMN label TEXT GENERATED ALWAYS AS "
        f"(coalesce({quoted(chinese)}, '') || ' · ' || coalesce({quoted(english)}, '')) VIRTUAL"
    )


def sqlite_columns(batch) -> list[list]:
    """A record batch's columns as SQLite values: vectorised casts for the common types."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = []
    for column in batch.columns:
        kind = column.type
        if pa.types.is_boolean(kind):
            column = pc.cast(column, pa.int8())
        elif pa.types.is_date(kind):
            column = pc.cast(column, pa.string())
        values = column.to_pylist()
        if not (
            pa.types.is_integer(column.type)
            or pa.types.is_floating(column.type)
            or pa.types.is_string(column.type)
        ):
            values = [sqlite_value(value) for value in values]
        columns.append(values)
    return columns


@contextmanager
def new_database(path: Path):
    """A connection to a new database, committed and closed on the way out. It is written once, in a
    staging folder, by this connection alone: no journal, no syncs, no lock taken per statement."""
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "locking_mode = EXCLUSIVE"):
            connection.execute(f"PRAGMA {pragma}")
        yield connection
        connection.commit()  # no VACUUM: a new file with only inserts has no free pages to reclaim
    finally:
        connection.close()


def quoted(name: str) -> str:
    return '"{}"'.format(name.replace('"', '""'))


def create_table_sql(resource: dict) -> str:
    """The table as sqlite-utils creates it, column by column, keys and references inline (a key of
    several columns after them), without importing sqlite-utils and with it pandas (0.2 s, 30 MB)."""
    schema = resource["schema"]
    key = schema.get("primaryKey") or []
    references = {column: (table, other) for column, table, other in foreign_keys(resource)}
    lines = []
    for field in schema["fields"]:
        line = f"   {quoted(field['name'])} {SQLITE_TYPES.get(field.get('type'), 'TEXT')}"
        if key == [field["name"]]:
            line += " PRIMARY KEY"
        if field["name"] in references:
            table, other = references[field["name"]]
            line += f" REFERENCES {quoted(table)}({quoted(other)})"
        lines.append(line)
    if len(key) > 1:
        lines.append(f"   PRIMARY KEY ({', '.join(quoted(name) for name in key)})")
    return f"CREATE TABLE {quoted(resource['name'])} (\n" + ",\n".join(lines) + "\n)"


def create_index(connection, table: str, column: str) -> None:
    """An index named as sqlite-utils names it: `idx_<table>_<column>`, then `_2`, `_3`… if taken (by
    any table or index: every table is created before the first index)."""
    taken = {folded(name) for (name,) in connection.execute("SELECT name FROM sqlite_master")}
    name = base = f"idx_{table.replace(' ', '_')}_{column}"
    for number in itertools.count(2):
        if folded(name) not in taken:
            break
        name = f"{base}_{number}"
    connection.execute(f"CREATE INDEX {quoted(name)}\n    ON {quoted(table)} ({quoted(column)})")


class TableLoad:
    """One resource's table: created, filled a batch at a time in primary-key order, then indexed
    (`finish`): an index built once over all rows is faster than one kept up row by row."""

    def __init__(self, connection, resource: dict):
        self.connection, self.resource, self.name = connection, resource, resource["name"]
        connection.execute(create_table_sql(resource))
        fields = resource["schema"]["fields"]
        self.width = len(fields)
        self.rows_per_insert = max(1, MAX_PARAMETERS // self.width)
        names = ", ".join(quoted(field["name"]) for field in fields)
        into, row = f"INSERT INTO {quoted(self.name)} ({names}) VALUES ", f"({', '.join('?' * self.width)})"
        self.insert_one, self.insert_many = into + row, into + ", ".join([row] * self.rows_per_insert)

    def add(self, batch) -> None:
        """Insert a record batch's rows, BATCH_ROWS at a time (Python values for only so many rows), as
        many rows per INSERT statement as its parameters allow: a third less time than one row each."""
        width, per_insert = self.width, self.width * self.rows_per_insert
        for start in range(0, batch.num_rows, BATCH_ROWS):
            columns = sqlite_columns(batch.slice(start, BATCH_ROWS))
            values = [None] * (len(columns[0]) * width)  # row after row: a column fills every width-th place
            for index, column in enumerate(columns):
                values[index::width] = column
            whole = len(values) - len(values) % per_insert
            self.connection.executemany(
                self.insert_many, (values[at : at + per_insert] for at in range(0, whole, per_insert))
            )
            self.connection.executemany(
                self.insert_one, (values[at : at + width] for at in range(whole, len(values), width))
            )

    def reload(self, parquet: Path, advance=lambda rows: None) -> None:
        """Replace the rows with those of a Parquet file (in key order), telling `advance` of each batch."""
        import pyarrow.parquet as pq

        self.connection.execute(f"DELETE FROM {quoted(self.name)}")
        for batch in pq.ParquetFile(parquet).iter_batches(batch_size=BATCH_ROWS):
            self.add(batch)
            advance(batch.num_rows)

    def finish(self) -> None:
        for column, _, _ in foreign_keys(self.resource):
            create_index(self.connection, self.name, column)
        if labels := bilingual_label(self.resource):
            add_bilingual_label(self.connection, self.name, *labels)


def write_inspect_file(database: Path, target: Path, digest: str) -> None:
    """What `datasette inspect` writes — the file's SHA-256 (`digest`), size and each table's row count —
    without starting Datasette (a second of imports), the file recorded by name so the output does not
    depend on the build folder."""
    data = {
        database.stem: {
            "file": database.name,
            "hash": digest,
            "size": database.stat().st_size,
            "tables": {name: {"count": count} for name, count in table_counts(database).items()},
        }
    }
    target.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def table_counts(database: Path) -> dict[str, int | None]:
    """Rows per table as Datasette counts them: every `table` in sqlite_master, None where it cannot."""
    import sqlite3

    counts: dict[str, int | None] = {}
    with closing(sqlite3.connect(database)) as connection:
        for (name,) in connection.execute("select name from sqlite_master where type='table'").fetchall():
            try:
                counts[name] = connection.execute(f"select count(*) from [{name}]").fetchone()[0]
            except sqlite3.DatabaseError:  # as Datasette: a table it cannot count has no count
                counts[name] = None
    return counts
