"""The lock files agree with pyproject.toml: every dependency pinned with ==, hashed, and inside its range.

requirements/lock.txt (runtime + test, what `make install` installs) and requirements/runtime.txt (the
runtime part, what .ci/wheel-check installs) are written by `make lock`; editing pyproject.toml without
running it fails here.
"""

import re
import sys
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from conftest import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCK = ROOT / "requirements" / "lock.txt"
RUNTIME_LOCK = ROOT / "requirements" / "runtime.txt"


@dataclass(frozen=True)
class Pin:
    requirement: Requirement
    hashes: tuple[str, ...]

    @property
    def name(self) -> str:
        return canonicalize_name(self.requirement.name)

    @property
    def version(self) -> str | None:
        """The pinned version, or None unless the line is exactly one `==` on a whole version."""
        specifiers = list(self.requirement.specifier)
        if len(specifiers) == 1 and specifiers[0].operator == "==" and "*" not in specifiers[0].version:
            return specifiers[0].version
        return None


def read_lock(text: str) -> list[Pin]:
    """The requirement lines of a hashed requirements file; comments dropped, continuations joined."""
    pins, logical = [], ""
    for line in [*text.splitlines(), ""]:
        if line.lstrip().startswith("#"):
            continue
        logical += " " + line.rstrip().removesuffix("\\")
        if line.rstrip().endswith("\\"):
            continue
        if logical.strip():
            requirement, *hashes = re.split(r"\s+--hash=", logical.strip())
            pins.append(Pin(Requirement(requirement), tuple(hashes)))
        logical = ""
    return pins


def problems(lock_text: str, required: list[str]) -> list[str]:
    """What is wrong with a lock for these pyproject requirements; empty when nothing is."""
    pins = read_lock(lock_text)
    found = []
    for pin in pins:
        if pin.version is None:
            found.append(f"{pin.requirement}: not pinned with a single ==")
        if not any(re.fullmatch(r"sha256:[0-9a-f]{64}", digest) for digest in pin.hashes):
            found.append(f"{pin.requirement}: no --hash=sha256:")
    by_name: dict[str, list[Pin]] = {}
    for pin in pins:
        by_name.setdefault(pin.name, []).append(pin)
    for line in required:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        if name == canonicalize_name(PYPROJECT["project"]["name"]):
            continue  # ecodata[dask] in the test extra: the project itself, installed from the work tree
        if name not in by_name:
            found.append(f"{requirement}: not in the lock")
        for pin in by_name.get(name, []):
            if pin.version is not None and not requirement.specifier.contains(pin.version, prereleases=True):
                found.append(f"{requirement}: the lock pins {pin.version}")
    return found


def runtime_requirements() -> list[str]:
    return PYPROJECT["project"]["dependencies"]


def all_requirements() -> list[str]:
    """Runtime, every extra, and the build backend (make builds the editable install with the lock's)."""
    extras = PYPROJECT["project"]["optional-dependencies"]
    return [
        *runtime_requirements(),
        *(line for lines in extras.values() for line in lines),
        *PYPROJECT["build-system"]["requires"],
    ]


def test_the_lock_pins_and_hashes_every_dependency_within_pyproject_ranges():
    assert problems(LOCK.read_text(encoding="utf-8"), all_requirements()) == []


def test_the_runtime_lock_pins_and_hashes_every_runtime_dependency():
    assert problems(RUNTIME_LOCK.read_text(encoding="utf-8"), runtime_requirements()) == []


def test_the_runtime_lock_is_the_lock_without_the_test_dependencies():
    full = {(pin.name, pin.version): pin.hashes for pin in read_lock(LOCK.read_text(encoding="utf-8"))}
    runtime = read_lock(RUNTIME_LOCK.read_text(encoding="utf-8"))
    for pin in runtime:
        assert full.get((pin.name, pin.version)) == pin.hashes, (
            f"{pin.name}=={pin.version} differs from lock.txt"
        )
    test_only = {
        canonicalize_name(Requirement(line).name)
        for line in PYPROJECT["project"]["optional-dependencies"]["test"]
    }
    assert test_only.isdisjoint(pin.name for pin in runtime), (
        "a test dependency would hide a missing runtime one"
    )


def test_datasette_plugins_are_pinned_including_transitive_ones():
    """The declared plugins, and the ones they bring (datasette-dashboards brings datasette-leaflet and
    datasette-render-markdown), are each pinned and hashed."""
    pins = read_lock(LOCK.read_text(encoding="utf-8"))
    plugins = {pin.name for pin in pins if pin.name.startswith("datasette-")}
    declared = {canonicalize_name(Requirement(line).name) for line in runtime_requirements()}
    assert {name for name in declared if name.startswith("datasette-")} <= plugins
    assert plugins - declared, "no transitive datasette plugin in the lock: has datasette-dashboards changed?"
    assert not [
        problem for problem in problems(LOCK.read_text(encoding="utf-8"), []) if "datasette" in problem
    ]


def test_problems_finds_drift():
    hash_line = " \\\n    --hash=sha256:" + "0" * 64
    lock = (
        "# a comment\n"
        f"datasette==0.64.0{hash_line}\n"
        "    # via ecodata\n"
        "datasette-leaflet==0.2.2\n"
        f"pandas>=2.2{hash_line}\n"
        f"numpy==2.4.6 ; python_full_version < '3.12'{hash_line}\n"
        f"numpy==2.5.5 ; python_full_version >= '3.12'{hash_line}\n"
    )
    assert [pin.name for pin in read_lock(lock)] == [
        "datasette",
        "datasette-leaflet",
        "pandas",
        "numpy",
        "numpy",
    ]
    found = problems(
        lock, ["datasette==0.65.5", "pandas>=2.2,<4", "numpy>=2.5", "click>=8.1", "ecodata[dask]"]
    )
    assert found == [
        "datasette-leaflet==0.2.2: no --hash=sha256:",
        "pandas>=2.2: not pinned with a single ==",
        "datasette==0.65.5: the lock pins 0.64.0",
        "numpy>=2.5: the lock pins 2.4.6",
        "click>=8.1: not in the lock",
    ]
    assert problems(lock.replace("0.64.0", "0.65.5"), ["datasette==0.65.5"]) == [
        "datasette-leaflet==0.2.2: no --hash=sha256:",
        "pandas>=2.2: not pinned with a single ==",
    ]


def in_bootstrapped_venv() -> bool:
    venv = ROOT / ".venv"
    return (venv / ".installed").exists() and Path(sys.prefix).resolve() == venv.resolve()


@pytest.mark.skipif(not in_bootstrapped_venv(), reason="not running in the .venv that make installed")
def test_make_installed_exactly_the_locked_versions():
    wrong = []
    for pin in read_lock(LOCK.read_text(encoding="utf-8")):
        if pin.requirement.marker is None or pin.requirement.marker.evaluate():
            try:
                installed = metadata.version(pin.name)
            except metadata.PackageNotFoundError:
                installed = None
            if installed != pin.version:
                wrong.append(f"{pin.name}: {installed} installed, {pin.version} locked")
    assert wrong == []


@pytest.mark.skipif(not in_bootstrapped_venv(), reason="not running in the .venv that make installed")
def test_every_installed_datasette_plugin_is_locked():
    locked = {pin.name for pin in read_lock(LOCK.read_text(encoding="utf-8"))}
    plugins = {
        canonicalize_name(dist.metadata["Name"])
        for dist in metadata.distributions()
        if any(entry.group == "datasette" for entry in dist.entry_points)
    }
    assert plugins - {"ecodata"} <= locked
