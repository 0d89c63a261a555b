"""The error-type vocabulary is derived, never typed twice: what the engine can report is listed in
`error_types.STANDARD`, every listed or declared type is accepted by `--check`, and the README documents each."""

import ast
import re
from pathlib import Path

from click.testing import CliRunner
from conftest import ROOT

from ecodata.cli import cli
from ecodata.validate import checks as shipped
from ecodata.validate.error_types import STANDARD, frictionless_types
from ecodata.validate.plugins import known_checks

ENGINE = Path(shipped.__file__).parent.parent / "engine"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def engine_types() -> set[str]:
    """Every frictionless error type the engine's code names: what it may report."""
    return {
        node.value
        for path in ENGINE.glob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value in frictionless_types()
    }


def test_every_type_the_engine_names_is_listed_with_its_meaning():
    assert engine_types() <= set(STANDARD), sorted(engine_types() - set(STANDARD))
    assert set(STANDARD) <= frictionless_types()  # frictionless's own names: the engines agree on them


def test_every_type_is_documented_in_the_readme():
    from ecodata.package import load_package

    declared = {kind for check in known_checks(load_package(ROOT)).values() for kind in check.types}
    documented = set(re.findall(r"^\| `[^`]+` \| `([a-z-]+)` \|", README, flags=re.MULTILINE))
    documented |= set(re.findall(r"^\| `([a-z-]+)` \| [^`|]", README, flags=re.MULTILINE))
    assert set(STANDARD) | declared <= documented, sorted((set(STANDARD) | declared) - documented)


def test_every_type_can_be_selected():
    for kind in STANDARD:
        result = CliRunner().invoke(cli, ["validate", str(ROOT), "--check", kind, "--format", "json"])
        assert result.exit_code == 0, (kind, result.output)
