"""Full-text search that works for short Chinese queries, through Datasette's standard `_search` box.

SQLite's trigram tokenizer cannot match queries of one or two characters (湿地, 熊猫), and unicode61
reads a whole run of letters, digits and Chinese characters (截至2018年底) as one token. So, for each
table, we index a contentless FTS5 table (`<table>_fts`, rowid = the row's rowid) whose "document" is,
for every such run that contains a Chinese character, each of its substrings of 1 to MAX_SUBSTRING
characters, and every other word as it is. A query term then matches exactly when it is a substring of
a Chinese run (湿地, 2018年, 52万) or a whole word (wetland; porter-stemmed, so wetlands too).
A term with punctuation inside (1.18万) is split by unicode61 into a phrase and is not found.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from pathlib import Path

from ..package import Package
from ..text import HAN, HAN_CLASS

MAX_SUBSTRING = 16  # longer than any name in the data (国家重点生态功能区 is 9); longer queries find nothing
WORD = re.compile(r"[^\W_]+")  # what unicode61 reads as one token
SKIPPED_COLUMNS = {"sha256", "file", "url"}  # hashes and paths are not worth searching
HASH_SIZE = 8 << 20  # terms FTS5 gathers in memory before it writes them as a segment (default 1 MB)


def fts_table_name(table: str) -> str:
    return f"{table}_fts"


def search_terms(text: str, max_length: int = MAX_SUBSTRING) -> set[str]:
    """The tokens a cell contributes: Chinese substrings and lower-cased words (see module docstring)."""
    terms = set()
    for word in WORD.findall(text.lower()):
        if not HAN.search(word):
            terms.add(word)
            continue
        for start in range(len(word)):
            for end in range(start + 1, min(start + max_length, len(word)) + 1):
                terms.add(word[start:end])
    return terms


def searchable_columns(resource: dict, tables: list[dict] = ()) -> list[str]:
    """The text columns a reader may search for a word they see: every one but hashes and paths, and
    codes — a column whose `categories` label its values, a primary key a `pattern` makes an identifier
    (a slug such as `pa-wetland-area-2020`: the row's own address, its words in its other columns), and
    a foreign key's column whose rows the table it points at names in other text (a code list's labels,
    searched there). A key of names (a country, a ticker), or a foreign key to a list of names (sectors),
    is searched: it is what a reader looks for. `tables`: the package's tables, for the foreign keys
    (without them, a foreign key's column counts as a code)."""
    schema = resource["schema"]
    key = set(schema.get("primaryKey") or [])
    coded = coded_references(resource, tables)
    return [
        field["name"]
        for field in schema["fields"]
        if field.get("type", "string") in ("string", "list", "array", "any")
        and field["name"] not in SKIPPED_COLUMNS | coded
        and not (field["name"] in key and "pattern" in (field.get("constraints") or {}))
        and "categories" not in field
    ]


def names_a_row(field: dict) -> bool:
    """Whether a field's text may name its row to a reader: a string, but not a hash, a path, a URL or
    an e-mail address."""
    return (
        field.get("type", "string") == "string"
        and field["name"] not in SKIPPED_COLUMNS
        and field.get("format") not in ("uri", "email", "binary", "uuid")
    )


def coded_references(resource: dict, tables: list[dict]) -> set[str]:
    """The columns of `resource`'s foreign keys whose target rows have other text naming them."""
    by_name = {table["name"]: table for table in tables}
    coded = set()
    for foreign in resource["schema"].get("foreignKeys", []):
        reference = foreign.get("reference") or {}
        target = by_name.get(reference.get("resource") or resource["name"])
        pointed = set(reference.get("fields") or [])
        named = target is None or any(
            names_a_row(field) and field["name"] not in pointed for field in target["schema"]["fields"]
        )
        if named:
            coded |= set(foreign["fields"])
    return coded


def write_search_tables(package: Package, connection: sqlite3.Connection, parquet: dict[str, Path]) -> None:
    """Add `<table>_fts` for every table with text columns, in bulk: SQLite indexes the rows without a
    Chinese character from their text as it is (its tokenizer reads the words `search_terms` would
    give); only the rows with one, found in the Parquet files by a vectorised match, go through Python."""
    for resource in package.tables:
        columns = searchable_columns(resource, package.tables)
        if columns:
            han = han_rows(parquet[resource["name"]], columns)
            index_table(connection, resource["name"], columns, han)


def han_rows(path: Path, columns: list[str]):
    """Per row (in file, so in rowid order), whether any of `columns` holds a Chinese character."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    found = []
    for batch in pq.ParquetFile(path).iter_batches(columns=columns):
        mask = np.zeros(batch.num_rows, dtype=bool)
        for column in batch.columns:
            if pa.types.is_list(column.type):
                column = pc.binary_join(pc.cast(column, pa.list_(pa.string())), " ")
            elif not pa.types.is_string(column.type):
                column = pc.cast(column, pa.string())
            mask |= pc.fill_null(pc.match_substring_regex(column, HAN_CLASS), False).to_numpy(
                zero_copy_only=False
            )
        found.append(mask)
    return np.concatenate(found) if found else np.zeros(0, dtype=bool)


def joined(terms: list[str]) -> str:
    """`a || ' ' || b || …` nested as a balanced tree: a chain of 500 columns passes SQLite's expression
    depth (1,000)."""
    if len(terms) == 1:
        return terms[0]
    middle = len(terms) // 2
    return f"({joined(terms[:middle])} || ' ' || {joined(terms[middle:])})"


def index_table(connection: sqlite3.Connection, table: str, columns: list[str], han) -> None:
    from .sqlite import quoted  # (sqlite.py imports this module's names through metadata.py)

    fts, name = quoted(fts_table_name(table)), quoted(table)
    # no column sizes (`columnsize=0`): bm25 ranking reads them (without, it ranks otherwise) and nothing
    # here ranks (Datasette's `_search` filters by rowid); writing one per row was two thirds of the
    # index's time (1 M rows: 0.9 s -> 0.3 s). The index cannot be scanned: serve/asgi.py keeps its page.
    connection.execute(
        f"CREATE VIRTUAL TABLE {fts} USING fts5(terms, content='', columnsize=0, tokenize='porter unicode61')"
    )
    # fewer, larger segments to merge: the bulk insert takes a seventh less time (the setting stays in
    # `<table>_fts_config`, where only writes read it, and nothing writes to a built database)
    connection.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES ('hashsize', {HASH_SIZE})")
    document = joined([f"coalesce({quoted(column)}, '')" for column in columns])
    if han.any() and not han.all():  # rowids in insertion (Parquet) order, whatever the key makes them
        rowids = connection.execute(f"SELECT rowid FROM {name} ORDER BY rowid")
        connection.execute("CREATE TEMP TABLE han (rowid INTEGER PRIMARY KEY)")
        connection.executemany("INSERT INTO temp.han VALUES (?)", itertools.compress(rowids, iter(han)))
        plain, chinese = (
            "WHERE rowid NOT IN (SELECT rowid FROM temp.han)",
            "WHERE rowid IN (SELECT rowid FROM temp.han)",
        )
    else:
        plain, chinese = ("WHERE 0", "") if han.any() else ("", "WHERE 0")
    connection.execute(f"INSERT INTO {fts} (rowid, terms) SELECT rowid, {document} FROM {name} {plain}")
    select = ", ".join(quoted(column) for column in columns)
    documents = (
        (rowid, " ".join(sorted(set().union(*(search_terms(str(cell)) for cell in cells if cell)))))
        for rowid, *cells in connection.execute(
            f"SELECT rowid, {select} FROM {name} {chinese} ORDER BY rowid"
        )
    )
    connection.executemany(f"INSERT INTO {fts} (rowid, terms) VALUES (?, ?)", documents)
    connection.execute("DROP TABLE IF EXISTS temp.han")
    connection.execute(f"INSERT INTO {fts} ({fts}) VALUES ('optimize')")
