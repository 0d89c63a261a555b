"""What a declared check's settings may be, checked before any check runs.

A declared value must have the JSON type of the setting's default in the check's `SETTINGS` (a whole
number, a text, true or false, a list of texts, …; a list's items the type of the default's first item)
and pass the check's rule for it in `RULES` where the type is not enough: `{"max":
POSITIVE_WHOLE_NUMBER}`, `{"quote": FIELD}`. Every check also takes `resources`, names of the package's
resources. A value that fails stops the command in one line (a PackageError, exit 2), so a check never
runs on settings it cannot use.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..package import Package, PackageError

if TYPE_CHECKING:
    from .plugins import Check


@dataclass(frozen=True)
class Rule:
    """What a setting's value must be: `says` it in words, `holds(value, package)` tests a value that
    already has the default's type (or any value, where the default is None)."""

    says: str
    holds: Callable[[object, Package], bool]


def is_whole_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # JSON's true is not 1


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# (the type of a default, whether a value has it, in words, in the plural); bool before int, its base
KINDS = (
    (bool, lambda value: isinstance(value, bool), "true or false", "true or false"),
    (int, is_whole_number, "a whole number", "whole numbers"),
    (float, is_number, "a number", "numbers"),
    (str, lambda value: isinstance(value, str), "a text", "texts"),
    (dict, lambda value: isinstance(value, dict), "an object", "objects"),
)


def fits(value, default) -> bool:
    """Whether `value` has the JSON type of `default`; a default of no JSON type (None) takes any value."""
    if isinstance(default, (list, tuple)):
        return isinstance(value, list) and (not default or all(fits(item, default[0]) for item in value))
    for kind, has_it, *_ in KINDS:
        if isinstance(default, kind):
            return has_it(value)
    return True


def type_in_words(default, plural: bool = False) -> str:
    """`default`'s JSON type in words: "a list of texts", "a whole number" ("whole numbers", `plural`)."""
    if isinstance(default, (list, tuple)):
        items = f" of {type_in_words(default[0], plural=True)}" if default else ""
        return ("lists" if plural else "a list") + items
    for kind, _, one, many in KINDS:
        if isinstance(default, kind):
            return many if plural else one
    return "anything"


def field_names(package: Package) -> set[str] | None:
    """The names of the package's fields: from inline schemas, else as frictionless reads them (a schema
    in a file, or inferred); None when the descriptor cannot tell (the standard checks say why)."""
    schemas = [resource.get("schema") for resource in package.resources]
    if all(isinstance(schema, dict) and isinstance(schema.get("fields"), list) for schema in schemas):
        fields = [field for schema in schemas for field in schema["fields"] if isinstance(field, dict)]
        return {field["name"] for field in fields if isinstance(field.get("name"), str)}
    try:
        return {field["name"] for table in package.tables for field in table["schema"]["fields"]}
    except PackageError:
        return None


def resource_names(package: Package) -> set[str]:
    return {resource["name"] for resource in package.resources}


def all_named(names, known: set[str] | None) -> bool:
    """Whether `names` is a list of texts, each of them in `known` (any text where `known` is None)."""
    return (
        isinstance(names, list)
        and all(isinstance(name, str) for name in names)
        and (known is None or set(names) <= known)
    )


POSITIVE_WHOLE_NUMBER = Rule("a positive whole number", lambda value, _: value > 0)
FIELD = Rule(
    "the name of a field in the package", lambda name, package: all_named([name], field_names(package))
)
FIELDS = Rule(
    "a list of names of fields in the package", lambda names, package: all_named(names, field_names(package))
)
RESOURCE = Rule(
    "the name of a resource in the package", lambda name, package: all_named([name], resource_names(package))
)
RESOURCES = Rule(  # every check's `resources`
    "a list of names of resources in the package",
    lambda names, package: all_named(names, resource_names(package)),
)


def settings_problem(check: Check, given: dict, package: Package) -> str | None:
    """What is wrong with the settings `given` to `check`, in one line; None when nothing is."""
    unknown = sorted(set(given) - set(check.settings) - {"resources"})
    if unknown:
        return (
            f"check {check.name!r} has no setting {', '.join(unknown)}; "
            f"it takes: {', '.join([*sorted(check.settings), 'resources'])}"
        )
    rules = {"resources": RESOURCES} | check.rules
    for setting, value in given.items():
        default, rule = check.settings.get(setting), rules.get(setting)
        if not fits(value, default) or (rule is not None and not rule.holds(value, package)):
            wanted = rule.says if rule is not None else type_in_words(default)
            return f'check {check.name!r}: "{setting}" must be {wanted}, not {shown(value)}'
    for setting, default in check.settings.items():  # a default naming a field the package lacks
        rule = rules.get(setting)  # checks nothing: said, as a declared one is
        if (
            setting not in given
            and default is not None
            and rule is not None
            and not rule.holds(default, package)
        ):
            return (
                f'check {check.name!r}: "{setting}" must be {rule.says}; its default, {shown(default)}, is '
                "not: declare it"
            )
    return None


def shown(value, width: int = 60) -> str:
    """A declared value as it is written in JSON, cut short to keep its message on one line."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"
