"""Checks belong to the package: the standard checks always run, others only where the descriptor asks.

Check code is found in three places: shipped in ecodata, the `ecodata` plugin entry points (pluggy),
and the `validators/` folder next to the descriptor.
"""

import json
import sys
import textwrap

import pytest
from click.testing import CliRunner
from conftest import ROOT, replace_cell
from hypothesis import given, settings
from hypothesis import strategies as st

from ecodata.cli import cli

SHOUTING_CHECK = '''
"""no-shouting: a subject written in capitals only."""

NAME = "no-shouting"
TYPES = ("shouting",)
SETTINGS = {"field": "subject_en"}


def check(context, settings):
    for resource in context.resources_with(settings, "field"):
        for row in context.rows(resource):
            cell = row[settings["field"]]
            if cell.isupper():
                yield context.finding("shouting", resource, row, settings["field"], "write it in sentence case")
'''


def run(*args):
    return CliRunner().invoke(cli, [*map(str, args)])


def edit(descriptor, change):
    document = json.loads(descriptor.read_text(encoding="utf-8"))
    change(document)
    descriptor.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def findings(descriptor, *options):
    result = run("validate", descriptor, "--format", "json", *options)
    assert result.exit_code in (0, 1), result.output
    return [(e["type"], e["resource"], e["row"], e["field"]) for e in json.loads(result.output)["errors"]]


@pytest.fixture
def shouting(package_copy):
    """The shipped package with one subject in capitals and a `no-shouting` check of its own."""
    folder = package_copy.parent
    (folder / "validators").mkdir()
    (folder / "validators" / "no_shouting.py").write_text(SHOUTING_CHECK, encoding="utf-8")
    row = replace_cell(
        folder / "resources" / "protected_areas.csv",
        "pa-national-nature-reserves-count-2018",
        "subject_en",
        "RESERVES",
    )
    return package_copy, row


def test_a_package_that_declares_nothing_gets_the_standard_verdict_alone(package_copy):
    resources = package_copy.parent / "resources"
    replace_cell(resources / "protected_areas.csv", "pa-national-nature-reserves-count-2018", "value", "475")
    replace_cell(resources / "protected_areas.csv", "pa-all-protected-areas-count-2018", "note_en", "=SUM(1)")
    replace_cell(
        resources / "protected_areas.csv", "pa-all-protected-areas-count-2018", "category", "nonsense"
    )
    assert {kind for kind, *_ in findings(package_copy)} == {
        "value-not-in-quote",
        "formula-injection",
        "category-error",
    }
    edit(package_copy, lambda document: document.pop("ecodata"))
    assert findings(package_copy) == []  # frictionless ignores categories; the rest was never asked for


def test_the_package_s_own_check_runs_only_when_declared(shouting):
    descriptor, row = shouting
    assert findings(descriptor) == []
    edit(descriptor, lambda document: document["ecodata"]["checks"].append("no-shouting"))
    assert findings(descriptor) == [("shouting", "protected_areas", row, "subject_en")]
    assert findings(descriptor, "--skip", "no-shouting") == []


def test_declared_settings_reach_the_check(shouting):
    descriptor, _ = shouting
    row = replace_cell(
        descriptor.parent / "resources" / "protected_areas.csv",
        "pa-national-nature-reserves-count-2018",
        "note_en",
        "ABC",
    )
    edit(descriptor, lambda d: d["ecodata"]["checks"].append({"name": "no-shouting", "field": "note_en"}))
    assert findings(descriptor) == [("shouting", "protected_areas", row, "note_en")]


def test_ecodata_checks_lists_what_runs_where_it_comes_from_and_why(shouting):
    descriptor, _ = shouting
    edit(descriptor, lambda document: document["ecodata"]["checks"].remove("formula-injection"))
    result = run("checks", descriptor)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "runs  standard Table Schema checks (always)" in lines
    assert any(
        line.startswith("  -   no-shouting [shouting] (validators/no_shouting.py; not declared)")
        for line in lines
    )
    assert any(
        line.startswith("  -   formula-injection [formula-injection] (built-in; not declared)")
        for line in lines
    )
    assert any(
        line.startswith("runs  value-in-quote [value-not-in-quote] (built-in; declared in datapackage.json)")
        for line in lines
    )
    listing = json.loads(run("checks", descriptor, "--format", "json").output)
    assert {check["name"]: check["runs"] for check in listing["checks"]}["no-shouting"] is False


@pytest.mark.parametrize(
    ("declaration", "message"),
    [
        (
            {"checks": ["no-such-check"]},
            "ecodata.checks names 'no-such-check', which is not a known check; known: ",
        ),
        ({"checks": [{"name": "cell-size", "maxx": 3}]}, "check 'cell-size' has no setting maxx; it takes: "),
        ({"checks": "cell-size"}, "ecodata/checks: 'cell-size' is not of type 'array'"),
        ({"check": []}, "ecodata: Additional properties are not allowed"),
        (
            {"unit_fields": {"valu": "unit"}},
            'ecodata.unit_fields: "valu" is not a field of any resource; name fields the resources have',
        ),
        ({"ranges": {"value": "value_top"}}, 'ecodata.ranges: "value_top" is not a field of any resource'),
    ],
)
def test_a_wrong_declaration_cannot_run(package_copy, declaration, message):
    edit(package_copy, lambda document: document.update(ecodata=declaration))
    result = run("validate", package_copy)
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert message in result.output


def test_a_broken_or_duplicate_check_file_cannot_run(package_copy):
    folder = package_copy.parent / "validators"
    folder.mkdir()
    (folder / "broken.py").write_text("NAME = 'broken'\nthis is not python\n", encoding="utf-8")
    result = run("validate", package_copy)
    assert result.exit_code == 2 and result.output.startswith(
        "Error: validators/broken.py: cannot load the check"
    )
    (folder / "broken.py").write_text(
        "NAME = 'formula-injection'\nTYPES = ('x',)\ndef check(context, settings):\n    return []\n",
        encoding="utf-8",
    )
    result = run("validate", package_copy)
    assert result.exit_code == 2
    assert "check 'formula-injection' is defined twice: built-in and validators/broken.py" in result.output


def test_a_plugin_installed_under_the_ecodata_entry_point_group_provides_checks(
    shouting, tmp_path, monkeypatch
):
    descriptor, row = shouting
    (descriptor.parent / "validators" / "no_shouting.py").unlink()
    site = tmp_path / "site"
    (site / "ecodata_shouting-1.0.dist-info").mkdir(parents=True)
    (site / "ecodata_shouting-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: ecodata-shouting\nVersion: 1.0\n", encoding="utf-8"
    )
    (site / "ecodata_shouting-1.0.dist-info" / "entry_points.txt").write_text(
        "[ecodata]\nshouting = ecodata_shouting\n", encoding="utf-8"
    )
    (site / "ecodata_shouting.py").write_text(
        textwrap.dedent(
            """
            import types
            from ecodata import hookimpl

            check = types.ModuleType("no_shouting")
            exec(open(__file__.replace("ecodata_shouting.py", "no_shouting_check.py")).read(), check.__dict__)


            @hookimpl
            def ecodata_checks():
                return [check]
            """
        ),
        encoding="utf-8",
    )
    (site / "no_shouting_check.py").write_text(SHOUTING_CHECK, encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    edit(descriptor, lambda document: document["ecodata"]["checks"].append("no-shouting"))
    assert findings(descriptor) == [("shouting", "protected_areas", row, "subject_en")]
    assert "(plugin shouting; declared in datapackage.json)" in run("checks", descriptor).output
    sys.modules.pop("ecodata_shouting", None)


def test_a_bug_is_exit_3_in_one_line_and_debug_shows_the_traceback(package_copy, monkeypatch):
    from ecodata.validate.checks import bilingual

    def broken(context, settings):
        raise ZeroDivisionError("a bug")
        yield

    monkeypatch.setattr(bilingual, "check", broken)
    from ecodata.validate import plugins

    monkeypatch.setattr(plugins, "builtin_checks", lambda: (plugins.as_check(bilingual, "built-in"),))
    edit(package_copy, lambda document: document.update(ecodata={"checks": ["bilingual"]}))
    result = run("validate", package_copy)
    assert result.exit_code == 3
    assert result.output == (
        "Error: internal error, a bug in ecodata: ZeroDivisionError: a bug (run with --debug for the traceback)\n"
    )
    debug = run("--debug", "validate", package_copy)
    assert debug.exit_code == 3  # still a bug's exit code (Python's own would be 1: "invalid" to CI)
    assert "Traceback (most recent call last)" in debug.output and "ZeroDivisionError: a bug" in debug.output


def test_the_reference_engine_says_which_declared_checks_it_cannot_run(package_copy):
    result = run("validate", package_copy, "--engine", "frictionless")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "note: categories, unique-keys: checked by the arrow engine only, not by frictionless"
    )


def test_the_readme_documents_the_declaration_schema_the_code_enforces():
    import re

    from conftest import ROOT

    from ecodata.validate.plugins import DECLARATION_SCHEMA

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = json.loads(re.search(r"JSON Schema \(.*?\):\n\n```json\n(.*?)```", readme, re.DOTALL).group(1))

    def bare(node):
        if isinstance(node, dict):
            return {k: bare(v) for k, v in node.items() if k not in ("$schema", "title", "description")}
        return [bare(item) for item in node] if isinstance(node, list) else node

    assert shown == bare(DECLARATION_SCHEMA)


def test_a_failing_check_of_the_package_is_its_own_fault_in_one_line(shouting):
    descriptor, _ = shouting
    (descriptor.parent / "validators" / "no_shouting.py").write_text(
        SHOUTING_CHECK.replace("row[settings", "row.vals[settings"), encoding="utf-8"
    )
    edit(descriptor, lambda document: document["ecodata"]["checks"].append("no-shouting"))
    result = run("validate", descriptor)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(
        "Error: validators/no_shouting.py: check 'no-shouting' failed: AttributeError"
    )


def test_check_runs_a_known_check_the_package_does_not_declare_and_says_so(package_copy):
    replace_cell(
        package_copy.parent / "resources" / "protected_areas.csv",
        "pa-all-protected-areas-count-2018",
        "note_en",
        "=1",
    )
    edit(package_copy, lambda document: document.pop("ecodata"))
    assert findings(package_copy) == []
    result = run("validate", package_copy, "--check", "formula-injection")
    assert result.exit_code == 1
    assert (
        "note: formula-injection: not declared by the package; run with its default settings (--check)"
        in (result.output)
    )


def test_declared_checks_read_the_columns_the_standard_pass_read(shouting, monkeypatch):
    """The files are read once: the declared checks take the standard pass's batches, and find the
    same as when they read the files themselves."""
    from ecodata.validate import context

    descriptor, row = shouting
    edit(descriptor, lambda document: document["ecodata"]["checks"].append("no-shouting"))
    read_again = []
    real = context.engine_batches
    monkeypatch.setattr(
        context, "engine_batches", lambda package, name: read_again.append(name) or real(package, name)
    )
    once = findings(descriptor)
    assert read_again == []
    assert ("shouting", "protected_areas", row, "subject_en") in once

    from ecodata.validate.engine import package_checks

    real_checks = package_checks.check_with_arrow
    monkeypatch.setattr(
        package_checks, "check_with_arrow", lambda *a, **k: real_checks(*a, **(k | {"keep_batches": False}))
    )
    assert findings(descriptor) == once
    assert "protected_areas" in read_again


def test_a_file_too_large_to_keep_is_read_again_a_piece_at_a_time_with_the_same_findings(
    shouting, monkeypatch
):
    """Past KEPT_BYTES of text the standard pass lets its batches go (memory stays flat as files
    grow); the declared checks then read the file again through the engine and find the same."""
    from ecodata.validate import batches
    from ecodata.validate.engine import package_checks

    descriptor, row = shouting
    edit(descriptor, lambda document: document["ecodata"]["checks"].append("no-shouting"))
    kept = findings(descriptor)
    assert ("shouting", "protected_areas", row, "subject_en") in kept

    monkeypatch.setattr(package_checks, "KEPT_BYTES", 1)
    read_again = []
    real = batches.numbered_batches
    monkeypatch.setattr(batches, "numbered_batches", lambda *a: read_again.append(a[0].name) or real(*a))
    assert findings(descriptor) == kept
    assert "protected_areas" in read_again


def test_formula_and_cell_size_checks_read_each_cell_by_its_bytes(tmp_path):
    """A formula is a cell whose first character is = + - @ tab or CR (not a lone placeholder, not a
    multi-byte character); a cell's size is counted in characters, not the bytes read to skip the check."""
    cells = ["=SUM(1)", "+86 10", "-", "+", "@x", "\tx", "中=", "é=", "", "ok", "éééééé", "ééééé"]
    rows = "".join(f'{index},"{cell}"\n' for index, cell in enumerate(cells))
    (tmp_path / "t.csv").write_text("id,note\n" + rows, encoding="utf-8")
    descriptor = {
        "resources": [
            {
                "name": "t",
                "path": "t.csv",
                "schema": {"fields": [{"name": "id", "type": "integer"}, {"name": "note"}]},
            }
        ],
        "ecodata": {"checks": ["formula-injection", {"name": "cell-size", "max": 5}]},
    }
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    found = [(kind, row) for kind, _, row, _ in findings(tmp_path / "datapackage.json")]
    assert found == [
        *[("formula-injection", row) for row in (2, 3, 6, 7)],
        ("cell-too-large", 2),  # =SUM(1): 7 characters
        ("cell-too-large", 3),  # +86 10: 6
        ("cell-too-large", 12),  # éééééé: 6 characters (12 bytes); ééééé, 10 bytes, is 5
    ]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=2),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3),
    max_leaves=6,
)
TEXT_OR_NOT = st.text(max_size=2) | JSON_VALUES  # near the schema's shapes, and now and then not
CHECK = st.text(max_size=2) | st.dictionaries(st.sampled_from(["name", "max", "x"]), TEXT_OR_NOT, max_size=3)
HEADLINE = st.dictionaries(st.sampled_from(["resource", "id", "x"]), TEXT_OR_NOT, max_size=3)
PART = (
    st.lists(CHECK | JSON_VALUES, max_size=3)
    | st.lists(HEADLINE | JSON_VALUES, max_size=3)
    | st.lists(TEXT_OR_NOT, max_size=3)
    | st.lists(st.sampled_from(["en", "zh-Hans", "zh"]), max_size=3)
    | st.dictionaries(st.text(max_size=2), TEXT_OR_NOT, max_size=3)
    | JSON_VALUES
)
DECLARATIONS = JSON_VALUES | st.dictionaries(
    st.sampled_from(["checks", "search_examples", "unit_fields", "ranges", "headlines", "languages", "x"]),
    PART,
    max_size=4,
)


@settings(max_examples=1000, deadline=None)
@given(DECLARATIONS)
def test_the_quick_test_of_a_declaration_never_passes_what_the_schema_refuses(declaration):
    import jsonschema

    from ecodata.validate.plugins import DECLARATION_SCHEMA, plainly_valid

    if plainly_valid(declaration):
        assert jsonschema.Draft202012Validator(DECLARATION_SCHEMA).is_valid(declaration), declaration


def test_the_quick_test_passes_this_packages_declaration():
    from ecodata.validate.plugins import plainly_valid

    assert plainly_valid(json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["ecodata"])


def test_the_readme_names_every_setting_of_every_shipped_check():
    """Its table of checks left out `sources` and `sha256` of the source checks, which work."""
    from conftest import ROOT

    from ecodata.validate.plugins import builtin_checks

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for check in builtin_checks():
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{check.name}` |"))
        missing = [name for name in check.settings if f"`{name}`" not in row]
        assert not missing, (check.name, missing)


@pytest.mark.parametrize("fields", [3, [{"name": ["x"]}]])
def test_a_malformed_schema_beside_a_declaration_is_invalid_not_a_bug(package_copy, fields):
    """The check that unit_fields name fields read every schema's fields: exit 3 on `"fields": 3`."""

    def change(document):
        document["resources"][0]["schema"]["fields"] = fields

    edit(package_copy, change)
    result = run("validate", package_copy)
    assert result.exit_code in (1, 2) and "internal error" not in result.output, result.output
