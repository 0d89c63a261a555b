"""A declared check's settings are checked before any check runs: each against the type of its default
in the check's SETTINGS and the check's RULES, so a wrong one is one line and exit 2 from `validate`,
`checks` and `build` alike, never a crash (exit 3) or a silent misreading."""

import contextlib
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecodata.cli import cli
from ecodata.validate.plugins import builtin_checks

BASE = Path(__file__).resolve().parent.parent / "data" / "bad" / "valid-base"
FIELDS_OF_BASE = ["id", "quote", "value", "source_id", "subject_zh", "title_en", "file", "sha256", "nosuch"]
RESOURCES_OF_BASE = ["facts", "sources", "codes_tag", "nosuch"]


def run(*args):
    return CliRunner().invoke(cli, [*map(str, args)])


def package_declaring(folder: Path, *checks) -> Path:
    """A copy of the small valid package in `folder`, declaring `checks` alone."""
    shutil.copytree(BASE, folder)
    descriptor = folder / "datapackage.json"
    document = json.loads(descriptor.read_text(encoding="utf-8"))
    document["ecodata"] = {"checks": list(checks)}
    descriptor.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return descriptor


def refusal(descriptor: Path, command: str) -> str:
    """The one line `command` stops with (exit 2), run in the package's folder (messages name the
    descriptor from there)."""
    extra = ["--out", descriptor.parent.parent / "dist"] if command == "build" else []
    with contextlib.chdir(descriptor.parent):
        result = run(command, descriptor, *extra)
    assert result.exit_code == 2, (command, result.output)
    assert result.output.count("\n") == 1, result.output
    return result.output


WHOLE = "a positive whole number"
SUFFIXES = 'two different suffixes, such as ["_zh", "_en"]'
RESOURCE_NAMES = "a list of names of resources in the package"


@pytest.mark.parametrize(
    ("check", "setting", "value", "must_be"),
    [
        ("cell-size", "max", "abc", WHOLE),
        ("cell-size", "max", None, WHOLE),
        ("cell-size", "max", [1], WHOLE),
        ("cell-size", "max", -1, WHOLE),
        ("cell-size", "max", 0, WHOLE),
        ("cell-size", "max", 2.5, WHOLE),
        ("cell-size", "max", True, WHOLE),
        ("bilingual", "pairs", ["a"], SUFFIXES),
        ("bilingual", "pairs", "x", SUFFIXES),
        ("bilingual", "pairs", [], SUFFIXES),
        ("bilingual", "pairs", ["a", "b", "c"], SUFFIXES),
        ("bilingual", "pairs", [1, 2], SUFFIXES),
        ("bilingual", "pairs", ["_zh", "_zh"], SUFFIXES),
        ("formula-injection", "resources", 5, RESOURCE_NAMES),
        ("formula-injection", "resources", "facts", RESOURCE_NAMES),  # not read letter by letter
        ("cell-size", "resources", ["facts", "nope"], RESOURCE_NAMES),
        ("quote-in-source", "quote", ["a"], "the name of a field in the package"),
        ("quote-in-source", "sources", "nope", "the name of a resource in the package"),
        ("qualifier", "qualifier", "nosuch", "the name of a field in the package"),
        ("date-after-source", "published", 2021, "the name of a field in the package"),
        ("subject-in-quote", "chars", "x", WHOLE),
        ("subject-in-quote", "subjects", "subject_zh", "a list of names of fields in the package"),
        ("value-in-quote", "values", "value", "a list of names of fields in the package"),  # not v, a, l, …
        ("value-in-quote", "values", ["value", "nosuch"], "a list of names of fields in the package"),
    ],
)
def test_a_declared_setting_of_the_wrong_shape_stops_every_command_in_one_line(
    tmp_path, check, setting, value, must_be
):
    descriptor = package_declaring(tmp_path / "package", {"name": check, setting: value})
    line = (
        f'Error: datapackage.json: check {check!r}: "{setting}" must be {must_be}, not {json.dumps(value)}\n'
    )
    for command in ("validate", "checks", "build"):
        assert refusal(descriptor, command) == line
    assert not (tmp_path / "dist").exists()


def test_settings_of_the_right_shape_still_reach_the_checks(tmp_path):
    descriptor = package_declaring(
        tmp_path / "package",
        {"name": "cell-size", "max": 2, "resources": ["codes_qualifier"]},
        {"name": "value-in-quote", "values": ["value"]},
        {"name": "bilingual", "pairs": ["_zh", "_en"]},
        {"name": "subject-in-quote", "chars": 10**10},  # more than a regex can repeat
    )
    result = run("validate", descriptor, "--format", "json")
    assert result.exit_code == 1, result.output
    assert {(e["type"], e["resource"]) for e in json.loads(result.output)["errors"]} == {
        ("cell-too-large", "codes_qualifier")
    }
    listing = run("checks", descriptor)
    assert listing.exit_code == 0 and "max=2, resources=['codes_qualifier']" in listing.output


FOLDER_CHECK = '''
"""odd-limit: a check of the package's own, with settings of several types."""

from ecodata.validate.settings import Rule

NAME = "odd-limit"
TYPES = ("odd-limit",)
SETTINGS = {"limit": 3, "label": "x", "strict": False, "pairs": [["a", "b"]]}
RULES = {"limit": Rule("an odd whole number", lambda value, _: value % 2 == 1)}


def check(context, settings):
    return []
'''


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        ({"limit": 4}, '"limit" must be an odd whole number, not 4'),
        ({"limit": "3"}, '"limit" must be an odd whole number, not "3"'),
        ({"label": 1}, '"label" must be a text, not 1'),
        ({"strict": 1}, '"strict" must be true or false, not 1'),
        ({"pairs": ["a", "b"]}, '"pairs" must be a list of lists of texts, not ["a", "b"]'),
        ({"pairs": [["a", 1]]}, '"pairs" must be a list of lists of texts, not [["a", 1]]'),
    ],
)
def test_a_package_s_own_check_gets_the_type_of_each_default_and_its_own_rules(tmp_path, declared, message):
    descriptor = package_declaring(tmp_path / "package", {"name": "odd-limit", **declared})
    (descriptor.parent / "validators").mkdir()
    (descriptor.parent / "validators" / "odd_limit.py").write_text(FOLDER_CHECK, encoding="utf-8")
    for command in ("validate", "checks"):
        assert refusal(descriptor, command) == f"Error: datapackage.json: check 'odd-limit': {message}\n"


def test_right_settings_of_a_package_s_own_check_run(tmp_path):
    descriptor = package_declaring(
        tmp_path / "package",
        {"name": "odd-limit", "limit": 5, "label": "y", "strict": True, "pairs": [["c", "d"], []]},
    )
    (descriptor.parent / "validators").mkdir()
    (descriptor.parent / "validators" / "odd_limit.py").write_text(FOLDER_CHECK, encoding="utf-8")
    assert run("validate", descriptor).exit_code == 0


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        (
            'RULES = {"limit": Rule("odd", lambda value, _: value / 0)}',
            "validators/odd_limit.py: check 'odd-limit' failed: ZeroDivisionError: division by zero",
        ),
        (
            'RULES = {"limit": "odd"}',
            "validators/odd_limit.py: RULES must map settings to rules (ecodata.validate.settings.Rule)",
        ),
    ],
)
def test_a_broken_rule_of_a_package_s_own_check_is_its_own_fault(tmp_path, rules, message):
    descriptor = package_declaring(tmp_path / "package", {"name": "odd-limit", "limit": 5})
    (descriptor.parent / "validators").mkdir()
    (descriptor.parent / "validators" / "odd_limit.py").write_text(
        FOLDER_CHECK.replace(
            'RULES = {"limit": Rule("an odd whole number", lambda value, _: value % 2 == 1)}', rules
        ),
        encoding="utf-8",
    )
    assert refusal(descriptor, "validate") == f"Error: {message}\n"


def test_every_shipped_setting_is_checked_by_its_type_or_a_rule():
    """A default of None says nothing of the value's type: such a setting needs a rule."""
    for check in builtin_checks():
        assert set(check.rules) <= set(check.settings), check.name
        for setting, default in check.settings.items():
            assert default is not None or setting in check.rules, (check.name, setting)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=2),
    max_leaves=5,
)
NAMES = st.sampled_from(FIELDS_OF_BASE + RESOURCES_OF_BASE + ["_zh", "_en"])
SHIPPED = {check.name: check for check in builtin_checks()}


def values_like(default):
    """Values of the default's type (names, lists of names, counts), and now and then any JSON value."""
    if isinstance(default, list):
        right = st.lists(NAMES, max_size=3)
    else:
        right = st.integers(1, 20_000) if isinstance(default, int) else NAMES
    return right | JSON_VALUES


@st.composite
def declarations(draw) -> dict:
    check = SHIPPED[draw(st.sampled_from(sorted(SHIPPED)))]
    values = {name: values_like(default) for name, default in check.settings.items()}
    values["resources"] = values_like([])
    chosen = draw(st.lists(st.sampled_from(sorted(values)), max_size=3, unique=True))
    return {"name": check.name} | {name: draw(values[name]) for name in chosen}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(declarations())
def test_whatever_settings_are_declared_validate_and_checks_agree_and_never_crash(declaration):
    with tempfile.TemporaryDirectory() as folder:
        descriptor = package_declaring(Path(folder) / "package", declaration)
        validated, listed = run("validate", descriptor), run("checks", descriptor)
    assert validated.exit_code in (0, 1, 2), validated.output
    assert (validated.exit_code == 2) == (listed.exit_code == 2), (validated.output, listed.output)
    if validated.exit_code == 2:
        assert validated.output == listed.output and validated.output.count("\n") == 1


def test_null_where_the_default_is_none_is_the_default(tmp_path):
    """README documents "sources": null; "resources": null meant every resource before settings were checked."""
    declared = {"name": "quote-in-source", "sources": None, "resources": None}
    result = run("validate", package_declaring(tmp_path / "package", declared))
    assert result.exit_code == 0, result.output


def test_a_check_declared_twice_is_one_line_not_every_finding_twice(tmp_path):
    descriptor = package_declaring(tmp_path / "package", {"name": "cell-size", "max": 20}, "cell-size")
    assert refusal(descriptor, "validate") == (
        "Error: datapackage.json: ecodata.checks declares 'cell-size' twice; declare it once (its "
        '"resources" setting names the resources it checks)\n'
    )


def test_a_default_that_names_a_field_the_package_lacks_is_said_not_run_on_nothing(tmp_path):
    """`"checks": ["value-in-quote"]` on S&P 500's constituents (a walk-through): `checks` said it runs,
    validate said valid, and it checked nothing, the package having no `quote` field."""
    (tmp_path / "t.csv").write_text("Symbol,CIK\nMMM,66740\n", encoding="utf-8")
    fields = [{"name": "Symbol", "type": "string"}, {"name": "CIK", "type": "integer"}]
    resource = {"name": "t", "path": "t.csv", "schema": {"fields": fields}}
    descriptor = {"name": "p", "resources": [resource], "ecodata": {"checks": ["value-in-quote"]}}
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    for command in ("validate", "checks"):
        said = refusal(tmp_path / "datapackage.json", command)
        assert said == (
            "Error: datapackage.json: check 'value-in-quote': \"quote\" must be the name of a field in the "
            'package; its default, "quote", is not: declare it\n'
        )
