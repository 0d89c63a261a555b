"""`release-check`: the version in datapackage.json must move with the data.

Semantic versioning applied to data (see CHANGELOG.md): a schema break (field or resource removed or
retyped, primary key changed) needs a major bump, new rows, fields or resources a minor one, corrected
or removed rows, or a change to how the package or a field is described, a patch. The base is a git revision, read with `git archive` so the work tree is untouched.
"""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path

from ..package import PackageError, find_descriptor
from .diff import diff_packages

LEVELS = ("patch", "minor", "major")
IDENTIFIERS = r"[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*"
SEMVER = re.compile(rf"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-({IDENTIFIERS}))?(?:\+{IDENTIFIERS})?$")


def required_bump(changes: dict) -> str | None:
    """The smallest version bump these changes need; None when the data did not change."""
    schema = changes["schema"]
    fields = schema["fields"].values()
    if schema["resources_removed"] or any(f["removed"] or f["retyped"] or f["primary_key"] for f in fields):
        return "major"
    rows = changes["resources"].values()
    if schema["resources_added"] or any(f["added"] for f in fields) or any(r["added"] for r in rows):
        return "minor"
    if any(r["changed"] or r["removed"] for r in rows) or changes.get("package"):
        return "patch"
    if any(f.get("properties") or f.get("columns_missing") for f in fields):  # how it is described, or read
        return "patch"
    return None


def parse_version(version: str | None, what: str = "version") -> tuple[int, int, int]:
    """MAJOR.MINOR.PATCH of a semantic version (its pre-release and build parts aside)."""
    return tuple(int(part) for part in semver(version, what).groups()[:3])


def semver(version: str | None, what: str = "version") -> re.Match:
    match = SEMVER.match(version) if isinstance(version, str) else None
    if not match:
        said = "missing" if version is None else f"{version!r}, not semantic"
        raise PackageError(f"{what} is {said} (MAJOR.MINOR.PATCH)")
    return match


def core_level(core: tuple[int, int, int]) -> str:
    """The bump a version's numbers make: 2.0.0 a major, 1.1.0 a minor, 1.1.1 a patch release."""
    return "major" if core[1:] == (0, 0) else "minor" if core[2] == 0 else "patch"


def bump_level(old: str | None, new: str | None) -> str | None:
    """Which part of the version went up ('major', 'minor', 'patch'), or None if it did not. From a
    pre-release to its release (1.1.0-rc.1 -> 1.1.0, or -rc.2), the release's own: 1.1.0 is a minor one."""
    before, after = parse_version(old), parse_version(new)
    old_pre, new_pre = semver(old)[4], semver(new)[4]
    if after == before and old_pre and new_pre != old_pre:
        return core_level(after)
    if after <= before:
        return None
    return next(level for level, i in (("major", 0), ("minor", 1), ("patch", 2)) if after[i] != before[i])


def next_version(old: str, level: str) -> str:
    major, minor, patch = core = parse_version(old)
    if semver(old)[4] and LEVELS.index(core_level(core)) >= LEVELS.index(level):
        return f"{major}.{minor}.{patch}"  # the release of the pre-release is bump enough
    return {
        "major": f"{major + 1}.0.0",
        "minor": f"{major}.{minor + 1}.0",
        "patch": f"{major}.{minor}.{patch + 1}",
    }[level]


def checkout(revision: str, repository: Path, folder: Path) -> None:
    """The tree at `revision` (e.g. a tag or origin/main) written into `folder`."""
    if revision.startswith("-"):  # git would read it as an option (--output=FILE writes a file)
        raise PackageError(f"{revision!r} is not a git revision")
    result = subprocess.run(
        ["git", "-C", str(repository), "archive", "--format=tar", revision], capture_output=True, check=False
    )
    if result.returncode != 0:
        reason = result.stderr.decode(errors="replace").strip().splitlines()
        raise PackageError(f"cannot read git revision {revision!r}: {reason[-1] if reason else 'git failed'}")
    with tarfile.open(fileobj=io.BytesIO(result.stdout)) as archive:
        archive.extractall(folder, filter="data")


def release_check(descriptor: Path, base: str) -> tuple[bool, str]:
    """(ok, message): is the version bumped enough for what changed since `base`?"""
    descriptor = find_descriptor(descriptor).resolve()
    top = subprocess.run(
        ["git", "-C", str(descriptor.parent), "rev-parse", "--show-toplevel"], capture_output=True, text=True
    )
    if top.returncode != 0:
        raise PackageError(f"{descriptor.parent} is not in a git repository")
    repository = Path(top.stdout.strip())
    with tempfile.TemporaryDirectory(prefix="ecodata-release-") as folder:
        checkout(base, repository, Path(folder))
        old_descriptor = Path(folder) / descriptor.relative_to(repository)
        if not old_descriptor.exists():
            return True, f"{base} has no {old_descriptor.name}: nothing to compare"
        changes = diff_packages(old_descriptor, descriptor)
    needed = required_bump(changes)
    old, new = changes["version"]["old"], changes["version"]["new"]
    if needed is None:
        return True, f"data unchanged since {base}" + (f" (version {new})" if new else "")
    if new is None:
        if old is not None:
            parse_version(old, f"the version at {base}")
        return False, (
            f"data changed since {base}, and {descriptor.name} has no version to say so; give it one "
            f'(MAJOR.MINOR.PATCH: "version": "{next_version(old, needed) if old else "1.0.0"}")'
        )
    parse_version(new, f"{descriptor.name}'s version")
    if old is None:  # nothing to bump from: the first version is any semantic one
        return True, f"data changed since {base}, which had no version; {new} is the first"
    parse_version(old, f"the version at {base}")
    done = bump_level(old, new)
    if done is not None and LEVELS.index(done) >= LEVELS.index(needed):
        return True, f"data changed since {base}; version {old} → {new} is a {done} release, enough"
    changelog = any((folder / "CHANGELOG.md").is_file() for folder in (descriptor.parent, repository))
    return False, (
        f"data changed since {base} and needs a {needed} release, but the version went "
        f"{old} → {new}; set it to {next_version(old, needed)}"
        + (" and add a CHANGELOG.md entry" if changelog else "")
    )
