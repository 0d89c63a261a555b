"""Semantic versioning for data: `ecodata release-check` and `make release-check`."""

import json
import subprocess

import pytest
from click.testing import CliRunner
from conftest import ROOT, replace_cell, stopped_while_writing

from ecodata.cli import cli
from ecodata.maintain.release import bump_level, next_version, required_bump
from ecodata.package import PackageError

SHIPPED = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
PATCH, MINOR = next_version(SHIPPED, "patch"), next_version(SHIPPED, "minor")


def git(folder, *arguments):
    subprocess.run(["git", "-C", str(folder), *arguments], check=True, capture_output=True)


@pytest.fixture
def repository(package_copy):
    """The package copy committed as the base of a release."""
    folder = package_copy.parent
    git(folder, "init", "-q")
    git(folder, "-c", "user.name=t", "-c", "user.email=t@t", "add", ".")
    git(folder, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base")
    return package_copy


def set_version(descriptor, version):
    document = json.loads(descriptor.read_text(encoding="utf-8"))
    document["version"] = version
    descriptor.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")


def check(descriptor):
    return CliRunner().invoke(cli, ["release-check", str(descriptor), "--base", "HEAD"])


def test_unchanged_data_passes(repository):
    result = check(repository)
    assert result.exit_code == 0 and "data unchanged" in result.output


def test_a_corrected_value_needs_a_patch_release(repository):
    replace_cell(
        repository.parent / "resources" / "sources.csv", "white-paper-2021", "licence_note", "corrected"
    )
    result = check(repository)
    assert result.exit_code == 1
    assert "needs a patch release" in result.output and f"set it to {PATCH}" in result.output
    set_version(repository, PATCH)
    assert check(repository).exit_code == 0


def test_a_change_to_how_a_field_is_described_needs_a_patch_release(repository):
    """A date's `format` or a constraint changes how the data reads: "data unchanged" before."""
    document = json.loads(repository.read_text(encoding="utf-8"))
    fields = next(r for r in document["resources"] if r["name"] == "protected_areas")["schema"]["fields"]
    next(field for field in fields if field["name"] == "value").pop("constraints")
    repository.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    result = check(repository)
    assert result.exit_code == 1 and "needs a patch release" in result.output, result.output
    set_version(repository, PATCH)
    assert check(repository).exit_code == 0


def test_a_new_row_needs_a_minor_release(repository):
    path = repository.parent / "resources" / "codes_unit.csv"
    path.write_text(path.read_text(encoding="utf-8") + "zz,测试,test unit\n", encoding="utf-8")
    set_version(repository, PATCH)
    result = check(repository)
    assert result.exit_code == 1 and "needs a minor release" in result.output and MINOR in result.output
    assert "CHANGELOG.md" not in result.output  # the flagship's habit: said where the package keeps one
    (repository.parent / "CHANGELOG.md").write_text("# Changes\n", encoding="utf-8")
    assert result.output.replace("\n", " and add a CHANGELOG.md entry\n") == check(repository).output
    set_version(repository, MINOR)
    assert check(repository).exit_code == 0


def test_rows_repeating_a_key_are_a_change_too(repository):
    """A reviewer's copy and paste adds rows validate refuses; release-check, a CI gate, said "data
    unchanged" (diff compared the last row of each key only)."""
    path = repository.parent / "resources" / "codes_unit.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines + lines[1:3]), encoding="utf-8")
    result = check(repository)
    assert result.exit_code == 1 and "needs a minor release" in result.output


def test_a_version_that_is_not_text_is_one_line_exit_2(repository):
    document = json.loads(repository.read_text(encoding="utf-8"))
    document["version"] = 2
    repository.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    path = repository.parent / "resources" / "codes_unit.csv"
    path.write_text(path.read_text(encoding="utf-8") + "zz,测试,test unit\n", encoding="utf-8")
    result = check(repository)
    assert result.exit_code == 2 and result.output == (
        "Error: datapackage.json's version is 2, not semantic (MAJOR.MINOR.PATCH)\n"
    )


def test_a_removed_field_needs_a_major_release(repository):
    document = json.loads(repository.read_text(encoding="utf-8"))
    fields = document["resources"][0]["schema"]["fields"]
    fields.pop()
    document["version"] = MINOR
    repository.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = check(repository)
    assert result.exit_code == 1 and "needs a major release" in result.output


def test_an_unknown_revision_is_a_one_line_error(repository):
    result = CliRunner().invoke(cli, ["release-check", str(repository), "--base", "v9.9.9"])
    assert result.exit_code == 2 and "cannot read git revision 'v9.9.9'" in result.output


def test_version_arithmetic():
    assert bump_level("0.1.0", "0.1.1") == "patch"
    assert bump_level("0.1.9", "0.2.0") == "minor"
    assert bump_level("0.9.0", "1.0.0") == "major"
    assert bump_level("0.2.0", "0.1.0") is None and bump_level("0.1.0", "0.1.0") is None
    assert next_version("1.2.3", "minor") == "1.3.0"
    # a pre-release's release is the bump its numbers make (SemVer: 1.1.0-rc.1 < 1.1.0)
    assert bump_level("1.1.0-rc.1", "1.1.0") == "minor" and bump_level("2.0.0-rc.1", "2.0.0-rc.2") == "major"
    assert next_version("1.1.0-rc.1", "minor") == "1.1.0" and next_version("1.1.0-rc.1", "major") == "2.0.0"
    with pytest.raises(PackageError, match=r"'01\.1\.0', not semantic"):  # SemVer: no leading zeros
        bump_level("01.1.0", "1.2.0")
    empty = {"resources": {}, "schema": {"resources_added": [], "resources_removed": [], "fields": {}}}
    assert required_bump(empty) is None


def test_the_default_descriptor_is_the_package_in_the_current_folder(repository, monkeypatch):
    monkeypatch.chdir(repository.parent)
    result = CliRunner().invoke(cli, ["release-check", "--base", "HEAD"])
    assert result.exit_code == 0 and "data unchanged" in result.output, result.output


def test_a_base_that_looks_like_an_option_is_refused_not_passed_to_git(repository, tmp_path):
    target = tmp_path / "victim.txt"
    target.write_text("keep me", encoding="utf-8")
    result = CliRunner().invoke(cli, ["release-check", str(repository), "--base", f"--output={target}"])
    assert result.exit_code == 2 and "is not a git revision" in result.output
    assert target.read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize("signal_number", [2, 15])  # Ctrl-C; SIGTERM as a cancelled CI job sends
def test_a_stopped_check_removes_the_base_revisions_checkout(repository, tmp_path, signal_number):
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    arguments = ["release-check", repository, "--base", "HEAD"]
    code, output = stopped_while_writing(
        arguments, temporary, "ecodata-release-*/resources/*", signal_number, temporary
    )
    assert code == 128 + signal_number, output
    assert not any(temporary.iterdir())


def commit(folder, message="next"):
    git(folder, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", message)


def test_the_version_at_fault_is_named_and_a_first_version_needs_no_bump(repository):
    document = json.loads(repository.read_text(encoding="utf-8"))
    del document["version"]
    repository.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    commit(repository.parent)
    assert check(repository.parent).output == "data unchanged since HEAD\n"  # not "(version None)"
    path = repository.parent / "resources" / "codes_unit.csv"
    path.write_text(path.read_text(encoding="utf-8") + "zz,测试,test unit\n", encoding="utf-8")
    result = check(repository)
    assert result.exit_code == 1  # as `ecodata init` describes a package: a version to give, not a crash
    assert result.output == (
        "data changed since HEAD, and datapackage.json has no version to say so; give it one "
        '(MAJOR.MINOR.PATCH: "version": "1.0.0")\n'
    )
    set_version(repository, "1.0.1")
    result = check(repository)
    assert result.exit_code == 0 and "which had no version; 1.0.1 is the first" in result.output
    set_version(repository, "banana")
    commit(repository.parent)
    set_version(repository, "1.0.1")
    path.write_text(path.read_text(encoding="utf-8") + "zy,测试,test unit\n", encoding="utf-8")
    result = check(repository)
    assert result.exit_code == 2
    assert result.output == "Error: the version at HEAD is 'banana', not semantic (MAJOR.MINOR.PATCH)\n"
