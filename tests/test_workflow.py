"""The GitHub Actions workflow is valid YAML and has the steps contributors rely on."""

import yaml
from conftest import ROOT

WORKFLOW = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
TRIGGERS = WORKFLOW.get("on", WORKFLOW.get(True))  # YAML 1.1 reads a bare `on` as true


def steps(job: str) -> list[dict]:
    return WORKFLOW["jobs"][job]["steps"]


def runs(job: str) -> str:
    return "\n".join(step.get("run", "") for step in steps(job))


def test_runs_on_push_pull_request_and_tags():
    assert "pull_request" in TRIGGERS
    assert "v*" in TRIGGERS["push"]["tags"]


def test_tests_run_on_python_311_and_312_with_pip_cache():
    job = WORKFLOW["jobs"]["test"]
    assert job["strategy"]["matrix"]["python-version"] == ["3.11", "3.12"]
    setup = next(step for step in job["steps"] if step.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["cache"] == "pip"


def test_test_job_tests_annotates_builds_and_uploads_in_that_order():
    commands = [step.get("run", "") + step.get("uses", "") for step in steps("test")]
    order = [
        next(i for i, command in enumerate(commands) if needle in command)
        for needle in ("make test", "validate --format github", "ecodata build", "upload-artifact")
    ]
    assert order == sorted(order)
    validate = next(step for step in steps("test") if "--format github" in step.get("run", ""))
    assert "cancelled" in validate["if"]  # annotations also when the tests fail on the same cell
    upload = next(
        step for step in steps("test") if step.get("uses", "").startswith("actions/upload-artifact")
    )
    for part in ("dist/*.zip", "dist/*.db", "dist/parquet/", "dist/SHA256SUMS"):
        assert part in upload["with"]["path"]
    make_test = next(step for step in steps("test") if "make test" in step.get("run", ""))
    assert make_test["env"]["CI"] == "true"


def test_pull_requests_get_the_data_diff_as_a_comment():
    job = WORKFLOW["jobs"]["data-diff"]
    assert job["if"] == "github.event_name == 'pull_request'"
    assert "ecodata diff" in runs("data-diff") and "--format markdown" in runs("data-diff")
    assert "gh pr comment" in runs("data-diff")
    assert job["permissions"]["pull-requests"] == "write"


def test_tags_attach_the_zip_to_the_release():
    job = WORKFLOW["jobs"]["release"]
    assert job["if"].startswith("startsWith(github.ref, 'refs/tags/v')")
    assert "gh release" in runs("release") and "dist/*.zip" in runs("release")
    assert job["permissions"]["contents"] == "write"


def test_pre_commit_runs_ruff_and_validate_and_each_hook_passes():
    import shlex
    import subprocess
    import sys
    from pathlib import Path

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff-check", "ruff-format", "ecodata-validate"} <= set(hooks)
    venv_bin = Path(sys.executable).parent
    for hook in hooks.values():
        command = shlex.split(hook["entry"])
        command[0] = str(venv_bin / Path(command[0]).name)  # the hooks name .venv/bin/…; use this venv
        arguments = [] if hook.get("pass_filenames") is False else ["ecodata", "tests"]
        result = subprocess.run(command + arguments, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, (hook["id"], result.stdout[-1000:], result.stderr[-1000:])
