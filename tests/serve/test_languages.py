"""The web UI's languages follow the package: a package that describes itself in English alone (here
datasets/s-and-p-500-companies, which no one on this project wrote) gets its pages in English alone; one
that declares `"languages": ["en", "zh-Hans"]`, or describes itself in Chinese too, gets both."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, datasette_get
from test_browser import browser, free_port, page, wait_until_up  # noqa: F401 (fixtures)

REAL = ROOT / "tests" / "data" / "real" / "ds-s-and-p-500-companies"
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
PAGES = [
    "/",
    "/s-and-p-500-companies",
    "/s-and-p-500-companies/constituents",
    "/s-and-p-500-companies/constituents?_search=apple&_facet=GICS+Sector&_sort=Founded",
    "/s-and-p-500-companies/constituents?Founded__gt=1900&_size=2",
    "/s-and-p-500-companies/constituents/1",
    "/s-and-p-500-companies?sql=select+count(*)+from+constituents",
    "/-/search?q=apple",
    "/no-such-page",
]


def built_copy(tmp_path: Path, declaration: dict | None = None) -> Path:
    from ecodata.build.dist import build

    package = tmp_path / "package"
    shutil.copytree(REAL, package)
    if declaration is not None:
        descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
        descriptor["ecodata"] = declaration
        (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return build(package / "datapackage.json", tmp_path / "dist")


@pytest.fixture(scope="module")
def english(tmp_path_factory) -> Path:
    return built_copy(tmp_path_factory.mktemp("english"))


@pytest.mark.parametrize("path", PAGES)
def test_a_package_described_in_english_gets_its_pages_in_english_alone(english, path):
    response = datasette_get(english, path)
    assert response.status_code == (404 if path == "/no-such-page" else 200), path
    shown = SCRIPT.sub("", response.text)
    assert '<html lang="en">' in shown and not HAN.findall(shown), HAN.findall(shown)[:5]


def test_its_search_page_writes_its_messages_in_english_alone(english):
    said = datasette_get(english, "/-/search?q=apple").text
    assert "var CHINESE = false;" in said
    assert "Words match whole, singular or plural." in said and "Chinese matches" not in said


def test_a_package_with_no_text_to_search_offers_no_search_box(tmp_path):
    """A package of figures alone (datasets/house-prices-us) had the home page's box, and a search page
    that said "No table is set up for search." above "Searching 0 tables …", for ever."""
    from parity import table, write_package

    from ecodata.build.dist import build

    figures = table("prices", [{"name": "year", "type": "integer"}, {"name": "index", "type": "number"}])
    dist = build(
        write_package(tmp_path / "p", [figures], {"prices.csv": b"year,index\n2000,100.5\n"}), tmp_path / "d"
    )
    assert 'action="/-/search"' not in datasette_get(dist, "/").text
    assert (
        'action="/-/search"' in datasette_get(built_copy(tmp_path / "s"), "/").text
    )  # (a package with text)
    said = datasette_get(dist, "/-/search?q=100").text
    assert "No table is set up for search." in said and "!tables.length" in said


def test_a_package_may_ask_for_both_languages(tmp_path):
    dist = built_copy(tmp_path, {"languages": ["en", "zh-Hans"]})
    home = datasette_get(dist, "/").text
    assert "Download · 下载" in home and "Search all tables · 搜索全部数据表" in home
    table = datasette_get(dist, "/s-and-p-500-companies/constituents?_sort=Founded").text
    assert "Apply · 应用" in table and "按 Founded 升序排列" in table  # the description's Chinese twin
    assert "var CHINESE = true;" in datasette_get(dist, "/-/search?q=apple").text


def test_a_bilingual_package_that_asks_for_english_alone_gets_its_headers_in_english(tmp_path):
    """Declared `["en"]`, this package's table headers, facet headings and a phone's cell labels still
    carried each column's Chinese label: only its data (subjects, quotes) may be Chinese now."""
    from conftest import copy_package

    from ecodata.build.dist import build

    package_copy = copy_package(tmp_path / "package")
    descriptor = json.loads(package_copy.read_text(encoding="utf-8"))
    descriptor["ecodata"]["languages"] = ["en"]
    package_copy.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    dist = build(package_copy, tmp_path / "dist")
    shown = datasette_get(dist, "/china-biodiversity-conservation/protected_areas?_facet=designation").text
    head = re.search(r"<thead>.*?</thead>", shown, re.S).group(0)
    head = re.sub(r'data-column-description="[^"]*"', "", head)  # the descriptor's own text, as written
    head = re.sub(r"<ul>.*?</ul>", "", head, flags=re.S)  # its code lists' labels (个 · count): its data
    facets = re.findall(r'<div class="facet-info[^>]*>\s*<p class="facet-info-name">(.*?)</p>', shown, re.S)
    labels = re.findall(r'data-label="([^"]*)"', shown)
    assert labels and not HAN.findall(head + "".join(facets) + "".join(labels)), HAN.findall(head)[:5]
    assert HAN.search(re.search(r"<tbody>.*?</tbody>", shown, re.S).group(0))  # the data itself stays


def test_an_english_package_that_cites_its_sources_gets_its_source_pages_in_english(tmp_path):
    """Its archived sources' pages said `Sources · 来源文献`, `Back to the data · 返回数据`, `(1 rows · 1 行)`."""
    import hashlib

    from ecodata.build.dist import build

    package = tmp_path / "p"
    (package / "data").mkdir(parents=True)
    (package / "sources").mkdir()
    text = b"The reserve covers 474 hectares of wetland.\n"
    (package / "sources" / "report.txt").write_bytes(text)
    digest = hashlib.sha256(text).hexdigest()
    (package / "data" / "sources.csv").write_text(
        f"id,title,file,sha256\nS1,Annual report,sources/report.txt,{digest}\n"
    )
    (package / "data" / "facts.csv").write_text(
        "id,subject,value,quote,source_id\nf1,Wetland reserve area,474,The reserve covers 474 hectares of wetland.,S1\n"
    )
    strings = {"type": "string"}
    descriptor = {
        "name": "ev",
        "title": "Evidence",
        "ecodata": {"checks": ["quote-in-source"]},
        "resources": [
            {
                "name": "sources",
                "path": "data/sources.csv",
                "schema": {
                    "fields": [{"name": name} | strings for name in ("id", "title", "file", "sha256")],
                    "primaryKey": ["id"],
                },
            },
            {
                "name": "facts",
                "path": "data/facts.csv",
                "schema": {
                    "fields": [
                        {"name": "id"} | strings,
                        {"name": "subject"} | strings,
                        {"name": "value", "type": "number"},
                        {"name": "quote"} | strings,
                        {"name": "source_id"} | strings,
                    ],
                    "primaryKey": ["id"],
                    "foreignKeys": [
                        {"fields": ["source_id"], "reference": {"resource": "sources", "fields": ["id"]}}
                    ],
                },
            },
        ],
    }
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    dist = build(package / "datapackage.json", tmp_path / "dist")
    written = sorted((dist / "sources").glob("*.html"))
    assert [path.name for path in written] == ["index.html", "report.html"]
    for path in written:
        shown = path.read_text(encoding="utf-8")
        assert not HAN.findall(shown) and ("Back to the data" in shown or "Data home" in shown), path.name
    assert "(1 rows)" in (dist / "sources" / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "words, shown",
    [
        ("Apply · 应用", "Apply"),
        ("- remove filter · 移除筛选 -", "- remove filter -"),  # Datasette's own dashes kept
        ("Export CSV · 导出 CSV", "Export CSV"),
        ("JSON shape · JSON 结构", "JSON shape"),
        (
            "Open the highlighted passage in the source · 在原文中查看高亮段落 ↗",
            "Open the highlighted passage in the source ↗",
        ),
        ("Sort... · 排序…", "Sort..."),
        (
            "Archived sources, quotes highlighted · 存档原文（引文高亮）",
            "Archived sources, quotes highlighted",
        ),
        ("原文 · source ↗", "原文 · source ↗"),  # no Chinese after the dot: nothing to take away
        ("wetland", "wetland"),
    ],
)
def test_an_english_site_keeps_the_words_around_the_chinese_it_leaves_out(words, shown):
    from ecodata.text import english

    assert english(words) == shown


def test_the_languages_a_package_may_ask_for_are_checked(tmp_path):
    from click.testing import CliRunner

    from ecodata.cli import cli

    for wrong in (["zh-Hans"], ["en", "fr"], "en", ["en", "en"]):
        package = tmp_path / f"p{len(list(tmp_path.iterdir()))}"
        shutil.copytree(REAL, package)
        descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
        descriptor["ecodata"] = {"languages": wrong}
        (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        result = CliRunner().invoke(cli, ["validate", str(package)])
        assert result.exit_code == 2 and "ecodata/languages" in result.output, (wrong, result.output)
        assert len(result.output.strip().splitlines()) == 1, result.output


def test_this_package_describes_itself_in_chinese_too_so_its_site_is_bilingual():
    from ecodata.build.metadata import interface_languages
    from ecodata.package import load_package

    assert interface_languages(load_package(ROOT / "datapackage.json")) == ["en", "zh-Hans"]
    assert interface_languages(load_package(REAL / "datapackage.json")) == ["en"]


# in a browser last: playwright keeps an event loop running in this thread, where asyncio.run fails
@pytest.fixture(scope="module")
def english_server(english):
    yield from served(english.parent / "package", english)


def served(package: Path, dist: Path):
    """`ecodata serve` of a built package, on a port of its own, for as long as the generator lives."""
    import subprocess
    import sys

    port = free_port()
    command = [str(Path(sys.executable).parent / "ecodata"), "serve", str(package)]
    command += ["--out", str(dist), "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/-/versions.json", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def keyless_server(tmp_path_factory):
    """datasets/global-temp's shape: a table without a primary key, its text the same on many rows."""
    from ecodata.build.dist import build
    from tests.parity import table, write_package

    folder = tmp_path_factory.mktemp("keyless")
    fields = [
        {"name": "Source", "type": "string"},
        {"name": "Year", "type": "integer"},
        {"name": "Mean", "type": "number"},
    ]
    rows = b"Source,Year,Mean\nGISTEMP,2015,0.9\nGISTEMP,2016,1.01\ngcag,2016,0.94\n"
    descriptor = write_package(folder / "package", [table("annual", fields)], {"annual.csv": rows})
    yield from served(descriptor.parent, build(descriptor, folder / "dist"))


def test_a_search_hit_in_a_table_without_a_key_links_to_its_row_and_names_it(keyless_server, page):  # noqa: F811
    """Each hit was a link "row" to the list of hits, beside "Source GISTEMP": five identical lines."""
    page.goto(f"{keyless_server}/-/search?q=gistemp")
    page.locator("#search-all-results tr.search-hit").first.wait_for(timeout=15000)
    links = page.locator("#search-all-results tr.search-hit td:first-child a").all()
    assert [link.inner_text() for link in links] == ["GISTEMP, 2015", "GISTEMP, 2016"]
    assert [link.get_attribute("href") for link in links] == ["/parity/annual/1", "/parity/annual/2"]


@pytest.mark.parametrize("query", ["apple", "xylophone", "3.M"])
def test_its_search_page_speaks_english_alone_in_the_browser(english_server, page, query):  # noqa: F811
    page.goto(f"{english_server}/-/search?q={query}")
    page.locator("#search-all-no-results details, #search-all-results p").first.wait_for(timeout=15000)
    text = page.locator("main, body").first.inner_text()
    assert not HAN.findall(text), text
    if query == "apple":
        assert "Apple" in page.locator("#search-all-results mark").first.inner_text()
