"""ecodata: publish a source-cited Frictionless Data Package as Parquet, SQLite and a read-only Datasette.

Library first: `validate`, `build` and `make_datasette` are the entry points; the CLI is a thin shell.
Heavy libraries (frictionless, pandas, pyarrow, datasette) are imported only where they are used.
"""

__all__ = ["build", "hookimpl", "make_datasette", "validate"]


def __getattr__(name):
    if name == "validate":
        from .validate.run import validate

        return validate
    if name == "build":
        from .build.dist import build

        return build
    if name == "hookimpl":  # marks a plugin's `ecodata_checks()` hook (validate/plugins.py)
        from .validate.plugins import hookimpl

        return hookimpl
    if name == "make_datasette":
        from .serve.app import make_datasette

        return make_datasette
    raise AttributeError(name)
