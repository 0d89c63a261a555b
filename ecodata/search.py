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

import re
import sqlite3
from pathlib import Path

from .package import Package

MAX_SUBSTRING = 16  # longer than any name in the data (国家重点生态功能区 is 9); longer queries find nothing
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
HAN_GLOB = "*[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]*"  # the same characters, for SQLite's GLOB
WORD = re.compile(r"[^\W_]+")  # what unicode61 reads as one token
SKIPPED_COLUMNS = {"sha256", "file", "url"}  # hashes and paths are not worth searching


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


def searchable_columns(resource: dict) -> list[str]:
    """The text columns worth a word search: not hashes and paths, and not codes — a column a foreign
    key, an `enum` or `categories` restricts to a list (facets find those, with their labels)."""
    schema = resource["schema"]
    coded = {name for key in schema.get("foreignKeys", []) for name in key["fields"]}
    return [
        field["name"]
        for field in schema["fields"]
        if field.get("type", "string") in ("string", "list", "array", "any")
        and field["name"] not in SKIPPED_COLUMNS | coded
        and "enum" not in (field.get("constraints") or {})
        and "categories" not in field
    ]


def write_search_tables(package: Package, database: Path) -> None:
    """Add `<table>_fts` for every table with text columns. Run after VACUUM, which may renumber rowids.

    In bulk: SQLite indexes the rows without a Chinese character from their text as it is (its
    tokenizer reads the same words `search_terms` would give); only rows with one go through Python.
    (GLOB compares characters by code point, so its range is HAN's.)"""
    with sqlite3.connect(database) as connection:
        connection.create_function(
            "has_han", 1, lambda text: HAN.search(text) is not None, deterministic=True
        )
        for resource in package.tables:
            columns = searchable_columns(resource)
            if columns:
                index_table(connection, resource["name"], columns)
    connection.close()


def index_table(connection: sqlite3.Connection, table: str, columns: list[str]) -> None:
    fts = fts_table_name(table)
    connection.execute(
        f"CREATE VIRTUAL TABLE \"{fts}\" USING fts5(terms, content='', tokenize='porter unicode61')"
    )
    document = " || ' ' || ".join(f"coalesce(\"{column}\", '')" for column in columns)
    connection.execute(
        f'INSERT INTO "{fts}" (rowid, terms) SELECT rowid, {document} FROM "{table}" '
        f"WHERE NOT ({document}) GLOB '{HAN_GLOB}' ORDER BY rowid"
    )
    select = ", ".join(f'"{column}"' for column in columns)
    documents = (
        (rowid, " ".join(sorted(set().union(*(search_terms(str(cell)) for cell in cells if cell)))))
        for rowid, *cells in connection.execute(
            f"SELECT rowid, {select} FROM \"{table}\" WHERE ({document}) GLOB '{HAN_GLOB}' ORDER BY rowid"
        )
    )
    connection.executemany(f'INSERT INTO "{fts}" (rowid, terms) VALUES (?, ?)', list(documents))
    connection.execute(f'INSERT INTO "{fts}" ("{fts}") VALUES (\'optimize\')')
