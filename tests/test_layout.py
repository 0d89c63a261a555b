"""The package is laid out as the pipeline runs (DESIGN.md, "Layout by stage"): a stage imports only the
stages before it — validate ← build ← serve; maintain uses validate and build; nothing imports serve
except the CLI — and every module may import the top-level leaves."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ecodata"
LEAVES = {
    "ecodata.package",
    "ecodata.zipped",
    "ecodata.text",
    "ecodata.numbers",
    "ecodata.qualifiers",
    "ecodata.memory",
}
SHELL = {"ecodata", "ecodata.cli", "ecodata.exits", "ecodata.__main__"}  # the CLI, the entry points
MAY_IMPORT = {
    "leaf": {"leaf"},
    "validate": {"leaf", "validate"},
    "build": {"leaf", "validate", "build"},
    "serve": {"leaf", "validate", "build", "serve"},
    "maintain": {"leaf", "validate", "build", "maintain"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage(module: str) -> str:
    if module in LEAVES:
        return "leaf"
    if module in SHELL:
        return "shell"
    folder = module.split(".")[1]
    assert folder in MAY_IMPORT, f"{module}: a top-level module that is neither a leaf nor the CLI"
    return folder


def imports(path: Path) -> set[str]:
    """Every ecodata module `path` imports, at the top or inside a function."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("ecodata"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.startswith("ecodata"):
                found.add(target)
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_a_stage_imports_only_the_stages_before_it(path: Path):
    importer = stage(module_name(path))
    if importer == "shell":
        return
    later = sorted(target for target in imports(path) if stage(target) not in MAY_IMPORT[importer])
    assert not later, f"{module_name(path)} ({importer}) imports {later}"


def test_every_stage_folder_says_what_it_holds_and_may_import():
    for folder in MAY_IMPORT.keys() - {"leaf"}:
        source = (PACKAGE / folder / "__init__.py").read_text(encoding="utf-8")
        docstring = ast.get_docstring(ast.parse(source))
        assert docstring and "import" in docstring, folder
