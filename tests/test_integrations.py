"""The GitHub Action (action.yml) and the pre-commit hook (.pre-commit-hooks.yaml) that other repositories use.

Their commands are read from the files themselves and run, as GitHub or pre-commit would, on small packages
written here in folders outside the repository, with the `ecodata` of this interpreter's environment.
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SCHEMA = {"fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]}
EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")
ANNOTATION = re.compile(r"^::error file=([^,:]+),line=(\d+),title=([\w-]+)::", re.MULTILINE)


def write_package(folder: Path, rows: str) -> Path:
    """A one-resource package: people.csv with an integer id and a string name."""
    folder.mkdir(parents=True, exist_ok=True)
    resource = {"name": "people", "path": "people.csv", "format": "csv", "schema": SCHEMA}
    descriptor = {"name": "people", "title": "People", "resources": [resource]}
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    (folder / "people.csv").write_text(rows, encoding="utf-8")
    return folder


@pytest.fixture
def valid_package(tmp_path) -> Path:
    return write_package(tmp_path / "valid", "id,name\n1,Ada\n2,Grace\n")


@pytest.fixture
def invalid_package(tmp_path) -> Path:
    return write_package(tmp_path / "invalid", "id,name\n1,Ada\nabc,Grace\n")


def environment() -> dict[str, str]:
    """The environment of a runner: this interpreter's `ecodata` first on PATH, no GitHub variables."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")}
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    env.pop("PYTHONPATH", None)
    return env


def action() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


def action_step(needle: str) -> dict:
    steps = [step for step in action()["runs"]["steps"] if needle in step.get("run", "")]
    assert len(steps) == 1, f"one step of action.yml should run {needle!r}"
    return steps[0]


def substitute(text: str, inputs: dict[str, str]) -> str:
    """Evaluates the `${{ inputs.NAME }}` and `${{ github.action_path }}` expressions, like the runner."""
    values = {name: spec.get("default", "") for name, spec in action()["inputs"].items()}
    values.update(inputs)

    def value(match: re.Match) -> str:
        expression = match.group(1)
        if expression == "github.action_path":
            return str(ROOT)
        context, _, name = expression.partition(".")
        assert context == "inputs" and name in values, f"action.yml uses an unknown {expression}"
        return str(values[name])

    return EXPRESSION.sub(value, text)


def run_action_validate(cwd: Path, **inputs: str) -> subprocess.CompletedProcess:
    step = action_step("ecodata validate")
    command = substitute(step["run"], inputs)
    env = environment() | {name: substitute(value, inputs) for name, value in step.get("env", {}).items()}
    return subprocess.run(
        ["bash", "-e", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def hook() -> dict:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [found] = [hook for hook in hooks if hook["id"] == "ecodata-validate"]
    return found


def run_hook(cwd: Path, *extra: str) -> subprocess.CompletedProcess:
    spec = hook()
    command = [*shlex.split(spec["entry"]), *spec.get("args", []), *extra]
    command[0] = shutil.which(command[0], path=environment()["PATH"]) or command[0]
    return subprocess.run(command, cwd=cwd, env=environment(), capture_output=True, text=True, timeout=300)


def test_action_is_composite_with_its_inputs():
    document = action()
    assert document["runs"]["using"] == "composite"
    inputs = document["inputs"]
    assert set(inputs) == {"descriptor", "version", "python-version", "args"}
    assert inputs["descriptor"]["default"] == "datapackage.json"
    assert inputs["python-version"]["default"] == "3.11"
    assert inputs["args"]["default"] == ""
    assert inputs["version"]["default"] == ""
    assert all(spec.get("description") for spec in inputs.values())
    steps = document["runs"]["steps"]
    assert steps[0]["uses"] == "actions/setup-python@v5"
    assert steps[0]["with"]["python-version"] == "${{ inputs.python-version }}"
    assert all(step["shell"] == "bash" for step in steps if "run" in step)
    assert '"--format", "github"' in action_step("ecodata validate")["run"]


@pytest.mark.parametrize(
    ("version", "installed"),
    [("", str(ROOT)), ("ecodata==0.1.0", "ecodata==0.1.0")],
    ids=["own-checkout", "requirement"],
)
def test_action_installs_its_checkout_unless_given_a_requirement(tmp_path, version, installed):
    step = action_step("pip install")
    command = substitute(step["run"], {"version": version})
    env = environment() | {
        name: substitute(value, {"version": version}) for name, value in step["env"].items()
    }
    # `python` stands in for the interpreter of setup-python and prints what it would install.
    script = f"python() {{ printf '%s\\n' \"$@\"; }}\n{command}"
    result = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:3] == ["-m", "pip", "install"]
    assert result.stdout.splitlines()[-1] == installed
    if not version:  # its dependencies as the lock pins them, as `make` installs them
        assert f"--require-hashes\n-r\n{ROOT}/requirements/runtime.txt\n" in result.stdout
        assert (ROOT / "requirements" / "runtime.txt").is_file()


def test_action_passes_a_valid_package(valid_package):
    result = run_action_validate(valid_package)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "::error" not in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("::notice title=ecodata validate::valid")


def test_action_annotates_an_invalid_package(invalid_package):
    result = run_action_validate(invalid_package)
    assert result.returncode == 1, result.stdout + result.stderr
    annotations = ANNOTATION.findall(result.stdout)
    assert ("people.csv", "3", "type-error") in annotations, result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("::error title=ecodata validate::invalid")


def test_action_descriptor_and_args_inputs(invalid_package, tmp_path):
    """A descriptor in a sub-folder of the workspace, and extra arguments split as separate words."""
    descriptor = invalid_package.relative_to(tmp_path) / "datapackage.json"
    result = run_action_validate(tmp_path, descriptor=str(descriptor), args="--limit-errors 1 --quiet")
    assert result.returncode == 1, result.stdout + result.stderr
    # placed by the workspace's path (GitHub's), not the package's: the annotation lands on the file
    assert ANNOTATION.findall(result.stdout) == [("invalid/people.csv", "3", "type-error")], result.stdout

    result = run_action_validate(tmp_path, descriptor="missing/datapackage.json")
    assert result.returncode == 2, result.stdout + result.stderr


def test_action_inputs_are_words_never_commands(invalid_package, tmp_path):
    """The inputs were pasted into the step's script: `args: $(touch x)` ran `touch x` on the runner."""
    for inputs in ({"args": "$(touch ran) --limit-errors 1"}, {"descriptor": 'x"; touch ran; echo "'}):
        result = run_action_validate(invalid_package, **inputs)
        assert result.returncode == 2 and not (invalid_package / "ran").exists(), (
            result.stdout + result.stderr
        )
    result = run_action_validate(invalid_package, args="--skip *")  # a word, not the folder's files
    assert result.returncode == 2 and "'*'" in result.stderr, result.stderr
    quoted = run_action_validate(invalid_package, args="--check 'type-error' --limit-errors \"1\"")
    assert quoted.returncode == 1, quoted.stdout + quoted.stderr  # quotes read as a shell reads them
    assert [kind for _, _, kind in ANNOTATION.findall(quoted.stdout)] == ["type-error"], quoted.stdout
    unbalanced = run_action_validate(invalid_package, args="--skip 'type-error")
    assert (
        unbalanced.returncode == 2 and "cannot run: the args input: No closing quotation" in unbalanced.stdout
    )


def test_hook_metadata():
    spec = hook()
    assert spec["language"] == "python"
    assert spec["pass_filenames"] is False
    assert shlex.split(spec["entry"])[:2] == ["ecodata", "validate"]
    assert spec.get("description")
    files = re.compile(spec["files"])
    for path in ["datapackage.json", "data/datapackage.yaml", "sub/datapackage.yml", "resources/people.csv"]:
        assert files.search(path), path
    for path in ["README.md", "datapackage.json.bak", "people.csv.orig", "ecodata/cli.py"]:
        assert not files.search(path), path


def test_hook_passes_a_valid_package(valid_package):
    result = run_hook(valid_package)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("valid: ")


def test_hook_fails_an_invalid_package(invalid_package):
    result = run_hook(invalid_package)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "people.csv" in result.stdout and "type-error" in result.stdout
