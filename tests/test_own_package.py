"""README "Use it on your own package": its commands give the output it shows, and the web pages fit a
package that has no sources, dashboards or search examples of its own."""

import json
import re
import shlex
from pathlib import Path

from click.testing import CliRunner
from conftest import ROOT, datasette_get

from ecodata.cli import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## Use it on your own package") : README.index("## The data")]
BLOCK = re.compile(r"^```(\w+)(?: (\S+))?\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def blocks():
    return [(kind, name, body) for kind, name, body in BLOCK.findall(SECTION)]


def console_steps(body: str):
    """(command, expected output lines) for each `$ ` line of a console block."""
    steps = []
    for line in body.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    return steps


def test_the_walk_through_gives_the_output_the_readme_shows(tmp_path, monkeypatch):
    shop = tmp_path / "shop"
    shop.mkdir()
    monkeypatch.chdir(tmp_path)
    ran = []
    for kind, name, body in blocks():
        if kind in ("csv", "python") and name:
            (shop / name).parent.mkdir(parents=True, exist_ok=True)
            (shop / name).write_text(body, encoding="utf-8")
        elif kind == "json" and name == "datapackage.json":
            descriptor = json.loads((shop / name).read_text(encoding="utf-8"))
            descriptor.update(json.loads("{" + body + "}"))
            (shop / name).write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
        elif kind == "console":
            for command, expected in console_steps(body):
                words = shlex.split(command)
                if words[0] == "cd":
                    monkeypatch.chdir(Path.cwd() / words[1])
                    continue
                if words[0] != "ecodata" or words[1] == "serve":
                    continue  # installing, and a server that runs until stopped
                result = CliRunner().invoke(cli, words[1:])
                assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
                assert result.stdout.splitlines() == expected, command
                ran.append(words[1])
    assert ran == ["init", "validate", "build", "checks", "validate"]


def test_pages_show_only_what_the_package_has(tmp_path, built):
    """A package without archived sources, dashboards or search examples gets no links or examples for them."""
    shop = tmp_path / "shop"
    shop.mkdir()
    for kind, name, body in blocks():
        if kind == "csv":
            (shop / name).write_text(body, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(shop)]).exit_code == 0
    assert runner.invoke(cli, ["build", str(shop), "--out", str(tmp_path / "dist")]).exit_code == 0
    for path in ("/", "/shop"):
        page = datasette_get(tmp_path / "dist", path).text
        assert (
            "/-/dashboards" not in page and "/sources/index.html" not in page and "placeholder=" not in page
        )
        assert "Search all tables" in page
        own = datasette_get(built, path if path == "/" else "/china-biodiversity-conservation").text
        assert "/-/dashboards" in own and "/sources/index.html" in own
        assert 'placeholder="湿地, 大熊猫, wetland, nature reserve"' in own


def test_search_in_a_package_without_chinese_text_matches_words_and_plurals_not_codes(tmp_path):
    shop = tmp_path / "shop"
    shop.mkdir()
    for kind, name, body in blocks():
        if kind == "csv":
            (shop / name).write_text(body, encoding="utf-8")
    (shop / "products.csv").write_text(
        (shop / "products.csv").read_text(encoding="utf-8") + "11,湿地 lamp,lighting,1,2024-05-01\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(shop)]).exit_code == 0
    assert runner.invoke(cli, ["build", str(shop), "--out", str(tmp_path / "dist")]).exit_code == 0

    def found(query):
        page = datasette_get(tmp_path / "dist", f"/shop/products.json?_search={query}&_shape=array&_col=id")
        return sorted(row["id"] for row in page.json())

    assert found("lamps") == [2, 10, 11]  # porter stemming, rows with and without Chinese text
    assert found("湿") == [11] and found("table") == [1]
    assert found("lighting") == []  # a code column (a foreign key): its facet finds it, not the search box


def test_the_readme_s_own_check_refuses_a_field_the_package_does_not_have(tmp_path, monkeypatch):
    shop = tmp_path / "shop"
    (shop / "validators").mkdir(parents=True)
    for kind, name, body in blocks():
        if kind in ("csv", "python") and name:
            (shop / name).write_text(body, encoding="utf-8")
    monkeypatch.chdir(shop)
    runner = CliRunner()
    assert runner.invoke(cli, ["init"]).exit_code == 0
    descriptor = json.loads((shop / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["ecodata"] = {"checks": [{"name": "capitalised", "field": "nosuch"}]}
    (shop / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    for command in ("validate", "checks"):
        result = runner.invoke(cli, [command])
        assert result.exit_code == 2
        assert result.output == (
            "Error: datapackage.json: check 'capitalised': "
            '"field" must be the name of a field in the package, not "nosuch"\n'
        )
