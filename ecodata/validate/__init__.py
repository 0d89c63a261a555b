"""The validate stage: the standard Table Schema checks and the checks a package declares → a Report.

`run.py` runs them all; `engine/` is the fast column-wise engine for the standard checks (frictionless
is the reference); `tables.py`, `file_texts.py` and `batches.py` are the one reading layer every command
uses (rows; a file's text as the engine read it; typed Arrow batches); `context.py` is what a declared check sees of a package; `plugins.py` finds checks
in their three places (built into ecodata in `checks/`, the `ecodata` plugin entry points, the package's
own `validators/` folder); `report.py` holds the findings and renders them.

The lowest stage: imports only the top-level leaves (`ecodata.package`, `text`, `numbers`, `qualifiers`,
`memory`); build, serve and maintain import it.
"""
