"""The build stage: a valid package → dist/ (Parquet, SQLite with its search index, Datasette metadata,
source pages, the download zip, SHA256SUMS), deterministic and written atomically.

May import `ecodata.validate` (the reading layer, the report) and the top-level leaves (`package`,
`text`, `numbers`, `qualifiers`, `memory`); never `ecodata.serve` or `ecodata.maintain`.
"""
