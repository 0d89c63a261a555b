"""Where checks come from, and which of them a package asks for.

Checks are found in three places, in this order: built into ecodata (`ecodata/validate/checks/`), the
`ecodata` plugin entry-point group (pluggy: a plugin's `ecodata_checks()` hook returns check modules),
and the `validators/` folder next to the descriptor (one check per file, loaded by path, so the
folder needs no `__init__.py` and never shadows the PyPI package `validators`). A name found twice is
an error. A package runs the standard Table Schema checks always, and these only where its descriptor
declares them: `"ecodata": {"checks": ["formula-injection", {"name": "cell-size", "max": 5000}]}`.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import pkgutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pluggy

from ..package import Package, PackageError
from .settings import Rule, settings_problem

PROJECT = "ecodata"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
CHECKS_FOLDER = "validators"

# The `ecodata` property of a descriptor (README: "Declaring checks").
DECLARATION_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "ecodata: the checks a Data Package asks for, beyond the standard Table Schema checks",
    "type": "object",
    "properties": {
        "checks": {
            "type": "array",
            "items": {
                "oneOf": [
                    {"type": "string", "description": "a check's name, run with its default settings"},
                    {
                        "type": "object",
                        "description": "a check's name and settings (each check documents its own)",
                        "properties": {"name": {"type": "string"}},
                        "required": ["name"],
                    },
                ]
            },
        },
        "search_examples": {
            "type": "array",
            "items": {"type": "string"},
            "description": "example queries shown in the web UI's search box",
        },
        "unit_fields": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "a number field → the field holding each row's unit code, shown beside the number",
        },
        "ranges": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "a number field → the field holding the upper end of its range, shown with it (3–4)",
        },
        "headlines": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"resource": {"type": "string"}, "id": {"type": "string"}},
                "required": ["resource", "id"],
                "additionalProperties": False,
            },
            "description": "rows the home page leads with (resource and primary key): statement, figure, evidence",
        },
        "languages": {
            "type": "array",
            "items": {"enum": ["en", "zh-Hans"]},
            "contains": {"const": "en"},
            "uniqueItems": True,
            "description": 'the web UI\'s languages: ["en"], or ["en", "zh-Hans"] for its words in Chinese too '
            "(by default, when the descriptor's titles or descriptions hold Chinese)",
        },
    },
    "additionalProperties": False,
}


class Spec:
    @hookspec
    def ecodata_checks(self):
        """Return a list of checks: modules or objects with NAME, TYPES, optional SETTINGS and RULES, and
        check()."""


@dataclass(frozen=True)
class Check:
    name: str
    types: tuple[str, ...]
    origin: str  # "built-in", "plugin NAME" or the file in validators/
    description: str
    run: object = None  # check(context, settings); None for a check the standard engine performs
    settings: dict = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)  # a setting's rule where its type is not enough


def as_check(thing, origin: str) -> Check:
    name, types = getattr(thing, "NAME", None), getattr(thing, "TYPES", None)
    run = getattr(thing, "check", None)
    engine = getattr(thing, "ENGINE", False)
    if not isinstance(name, str) or not name or not types or not (callable(run) or engine):
        raise PackageError(f"{origin}: a check needs NAME, TYPES and check(context, settings)")
    description = (getattr(thing, "__doc__", None) or "").strip().split("\n")[0]
    settings = dict(getattr(thing, "SETTINGS", {}) or {})
    rules = getattr(thing, "RULES", {}) or {}
    if not isinstance(rules, dict) or not all(isinstance(rule, Rule) for rule in rules.values()):
        raise PackageError(f"{origin}: RULES must map settings to rules (ecodata.validate.settings.Rule)")
    return Check(name, tuple(types), origin, description, None if engine else run, settings, dict(rules))


@cache
def builtin_checks() -> tuple[Check, ...]:
    from . import checks

    found = []
    for module in pkgutil.iter_modules(checks.__path__):
        if not module.name.startswith("_"):
            found.append(as_check(importlib.import_module(f"{checks.__name__}.{module.name}"), "built-in"))
    return tuple(found)


def plugin_checks() -> list[Check]:
    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(Spec)
    manager.load_setuptools_entrypoints(PROJECT)
    found = []
    for plugin_name, plugin in manager.list_name_plugin():
        hook = getattr(plugin, "ecodata_checks", None)
        for thing in (hook() if callable(hook) else None) or []:
            found.append(as_check(thing, f"plugin {plugin_name}"))
    return found


def folder_checks(root: Path) -> list[Check]:
    """The package's own checks: `validators/*.py` next to the descriptor, each loaded by its path."""
    folder = root / CHECKS_FOLDER
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        shown = f"{CHECKS_FOLDER}/{path.name}"
        unique = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
        spec = importlib.util.spec_from_file_location(f"ecodata_package_check_{unique}_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception as error:
            raise PackageError(f"{shown}: cannot load the check ({type(error).__name__}: {error})") from None
        found.append(as_check(module, shown))
    return found


def known_checks(package: Package) -> dict[str, Check]:
    """Every check ecodata can find for this package, by name."""
    known: dict[str, Check] = {}
    for check in [*builtin_checks(), *plugin_checks(), *folder_checks(package.root)]:
        if check.name in known:
            raise PackageError(
                f"check {check.name!r} is defined twice: {known[check.name].origin} and {check.origin}"
            )
        known[check.name] = check
    return known


def declared_checks(package: Package, known: dict[str, Check] | None = None) -> list[tuple[Check, dict]]:
    """The checks the descriptor asks for, each with its settings (its defaults, then the declared ones).
    Every declared setting is checked here, before any check runs (validate/settings.py)."""
    declaration = package.descriptor.get(PROJECT)
    if declaration is None:
        return []
    check_declaration(declaration, package.shown)
    if problem := unknown_field_names(declaration, package):
        raise PackageError(f"{package.shown}: {problem}")
    known = known_checks(package) if known is None else known
    chosen = []
    for entry in declaration.get("checks", []):
        name = entry if isinstance(entry, str) else entry["name"]
        if any(check.name == name for check, _ in chosen):  # its findings would come twice
            raise PackageError(
                f"{package.shown}: ecodata.checks declares {name!r} twice; declare it once (its "
                '"resources" setting names the resources it checks)'
            )
        check = known.get(name)
        if check is None:
            raise PackageError(
                f"{package.shown}: ecodata.checks names {name!r}, which is not a known check; "
                f"known: {', '.join(sorted(known))}"
            )
        given = {} if isinstance(entry, str) else {k: v for k, v in entry.items() if k != "name"}
        # null is the default where the default is none ("sources": null, as documented; "resources": all)
        given = {k: v for k, v in given.items() if not (v is None and check.settings.get(k) is None)}
        with blamed_on(check):  # a plugin's own rule may fail
            problem = settings_problem(check, given, package)
        if problem:
            raise PackageError(f"{package.shown}: {problem}")
        chosen.append((check, check.settings | given))
    return chosen


@contextmanager
def blamed_on(check: Check):
    """A shipped check's failure is a bug in ecodata (exit 3); a package's or a plugin's own check
    failing is that code's fault, named in one line (exit 2)."""
    try:
        yield
    except Exception as error:
        if check.origin == "built-in":
            raise
        raise PackageError(
            f"{check.origin}: check {check.name!r} failed: {type(error).__name__}: {error}"
        ) from None


def unknown_field_names(declaration: dict, package: Package) -> str | None:
    """`unit_fields` and `ranges` pair field names (a figure and its unit, a range's two ends): one that no
    resource has is said, in one line (the pages would quietly show the figure alone). Not where a
    schema is a file of its own: validation reads it later."""
    if not all(isinstance(resource.get("schema"), dict) for resource in package.resources):
        return None
    fields = [resource["schema"].get("fields") for resource in package.resources]
    if not all(isinstance(listed, list) for listed in fields):  # malformed: validation says how
        return None
    names = [
        field.get("name") for listed in fields for field in listed if isinstance(field, dict)
    ]  # any JSON
    for setting in ("unit_fields", "ranges"):
        for pair in (declaration.get(setting) or {}).items():
            if unknown := [name for name in pair if name not in names]:
                return f'ecodata.{setting}: "{unknown[0]}" is not a field of any resource; name fields the resources have'
    return None


def check_declaration(declaration, shown: str) -> None:
    if plainly_valid(declaration):  # jsonschema (0.05 s to import and compile) explains the others
        return
    import jsonschema

    errors = sorted(jsonschema.Draft202012Validator(DECLARATION_SCHEMA).iter_errors(declaration), key=str)
    if errors:
        where = "/".join(str(part) for part in errors[0].absolute_path)
        raise PackageError(f"{shown}: ecodata{'/' + where if where else ''}: {errors[0].message}")


def plainly_valid(declaration) -> bool:
    """Whether DECLARATION_SCHEMA surely accepts the declaration: True only where it does, False
    where it may not (tests/validate/test_declared_checks.py holds the two to each other)."""

    def texts(value) -> bool:
        return isinstance(value, list) and all(isinstance(item, str) for item in value)

    if not isinstance(declaration, dict) or set(declaration) - set(DECLARATION_SCHEMA["properties"]):
        return False
    checks, units = declaration.get("checks", []), declaration.get("unit_fields", {})
    ranges = declaration.get("ranges", {})
    headlines, languages = declaration.get("headlines", []), declaration.get("languages", ["en"])
    return (
        isinstance(checks, list)
        and all(
            isinstance(c, str) or (isinstance(c, dict) and isinstance(c.get("name"), str)) for c in checks
        )
        and texts(declaration.get("search_examples", []))
        and isinstance(units, dict)
        and all(isinstance(value, str) for value in units.values())
        and isinstance(ranges, dict)
        and all(isinstance(value, str) for value in ranges.values())
        and isinstance(headlines, list)
        and all(
            isinstance(h, dict) and set(h) == {"resource", "id"} and texts(list(h.values()))
            for h in headlines
        )
        and isinstance(languages, list)
        and "en" in languages
        and set(languages) <= {"en", "zh-Hans"}
        and len(set(languages)) == len(languages)
    )
