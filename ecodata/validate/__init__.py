"""The validate stage: the standard Table Schema checks and the checks a package declares → a Report.

`context.py` is what a check sees of a package; `plugins.py` finds checks in their three places (built
into ecodata in `checks/`, the `ecodata` plugin entry points, the package's own `validators/` folder)
and reads the package's `"ecodata": {"checks": [...]}` declaration. This stage imports only
`ecodata.package`, `ecodata.report`, `ecodata.tables` and the engine; build and serve import it.
"""
