"""The bad-input corpus: every broken package gets its exact findings and exit code, never a traceback."""

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecodata.cli import cli

CORPUS = Path(__file__).resolve().parent.parent / "data" / "bad"
CASES = sorted(path for path in CORPUS.iterdir() if path.is_dir())


def run_validate(folder: Path):
    result = CliRunner().invoke(cli, ["validate", str(folder / "datapackage.json"), "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40


@pytest.mark.parametrize("folder", CASES, ids=lambda path: path.name)
def test_case(folder):
    expected = json.loads((folder / "expected.json").read_text())
    result = run_validate(folder)
    assert result.exit_code == expected["exit"], result.output[-2000:]
    if expected["exit"] == 2:  # one line on stderr; the same said in the JSON asked for
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.output
        assert json.loads(result.stdout) == {"valid": False, "error": result.stderr[7:-1], "errors": []}
        return
    report = json.loads(result.stdout)
    found = [(e["type"], e["resource"], e["row"], e["field"]) for e in report["errors"]]
    if "findings" in expected:
        assert Counter(found) == Counter(tuple(f) for f in expected["findings"]), found
    else:
        assert set(expected["types"]) <= {f[0] for f in found}, found
        assert all(e["message"] and (e["path"] or e["resource"]) for e in report["errors"])


def test_words_containing_marker_characters_are_not_markers():
    from ecodata.qualifiers import expected_qualifiers

    assert expected_qualifiers("《生物多样性公约》确定的三大目标", 3) == {("exact", None)}
    assert expected_qualifiers("全国近岸海域优良水质面积比例为77.4%", 77.4) == {("exact", None)}
    assert expected_qualifiers("约占陆地国土面积的28.8%", 28.8) == {("about", "约")}
