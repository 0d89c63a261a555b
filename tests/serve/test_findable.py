"""Findable and accessible: every page says its language and what it is, the home page describes the
dataset in schema.org terms, robots.txt and the sitemap let search engines in (but not into every
query-string variant), and a missing page helps the reader on, in both languages."""

from __future__ import annotations

import json
import re
import urllib.parse

import pytest
from conftest import ROOT, assert_upstream_template_with, datasette_get

from ecodata.package import load_package

DATABASE = load_package(ROOT / "datapackage.json").name
PAGES = [
    "/",
    f"/{DATABASE}",
    f"/{DATABASE}/indicators",
    f"/{DATABASE}/sources",
    "/no-such-page",
    "/sources/index.html",
    "/sources/white-paper-2021-excerpt.zh.html",
]


def test_our_base_template_is_datasette_s_with_three_additions_and_bilingual_menu_words():
    assert_upstream_template_with(
        "base.html",
        [
            ("<html>", "<html lang=\"{{ page_lang or 'en' }}\">"),
            (
                "<head>\n    <title>{% block title %}{% endblock %}</title>\n",
                "<head>\n    <title>{% block title %}{% endblock %}</title>\n"
                '    <meta name="description" content="{% block meta_description %}{{ page_description }}{% endblock %}">\n',
            ),
            (
                "{%- block extra_head %}{% endblock -%}\n",
                "{%- block extra_head %}{% endblock -%}\n{%- if json_ld %}\n"
                '    <script type="application/ld+json">{{ json_ld }}</script>\n{%- endif %}\n',
            ),
            # and the menu's words in both languages (words.py; test_words.py)
            (
                '<title id="nav-menu-svg-title">Menu</title>',
                '<title id="nav-menu-svg-title">Menu · 菜单</title>',
            ),
            ("{{ link.label }}</a>", "{{ link.label|both }}</a>"),
            # the content a landmark a screen reader can jump to (Datasette's page has none)
            ('<section class="content">', '<main class="content">'),
            ("{% endblock %}\n</section>", "{% endblock %}\n</main>"),
        ],
    )


@pytest.mark.parametrize("path", PAGES)
def test_every_page_says_its_language_and_what_it_is(built, path):
    page = datasette_get(built, path).text
    assert page.count("<main") == 1, path  # a landmark to jump to
    assert re.search(r'<html lang="[a-z]{2}', page)
    description = re.search(r'<meta name="description" content="([^"]*)"', page)
    assert description and len(description.group(1)) > 40


def test_a_table_page_is_described_by_its_table(built):
    page = datasette_get(built, f"/{DATABASE}/protected_areas").text
    meta = re.search(r'<meta name="description" content="([^"]*)"', page).group(1)
    table = load_package(ROOT / "datapackage.json").table("protected_areas")
    assert meta.replace("&#39;", "'")[:60] == " ".join(table["description"].split())[:60]


def test_the_home_page_describes_the_dataset_for_dataset_search(built):
    page = datasette_get(built, "/").text
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, flags=re.S)
    dataset = json.loads(found.group(1))
    descriptor = load_package(ROOT / "datapackage.json").descriptor
    assert dataset["@type"] == "Dataset" and dataset["name"] == descriptor["title"]
    assert dataset["license"] == descriptor["licenses"][0]["path"]
    assert dataset["creator"] and dataset["citation"] and dataset["keywords"] == descriptor["keywords"]
    start, end = dataset["temporalCoverage"].split("/")
    assert start < end
    kinds = {download["encodingFormat"] for download in dataset["distribution"]}
    assert {"application/zip", "application/x-sqlite3", "text/csv", "application/vnd.apache.parquet"} <= kinds
    for download in dataset["distribution"][:4]:
        response = datasette_get(built, urllib.parse.urlsplit(download["contentUrl"]).path)
        assert response.status_code == 200


def test_robots_let_search_engines_in_but_not_into_query_variants(built):
    lines = datasette_get(built, "/robots.txt").text.splitlines()
    assert "Disallow: /" not in lines
    assert {"Disallow: /*?sql=", "Disallow: /*?_"} <= set(lines)
    assert any(line.startswith("Sitemap: ") and line.endswith("/sitemap.xml") for line in lines)


def test_the_sitemap_lists_every_table_and_row_page_and_each_answers(built):
    text = datasette_get(built, "/sitemap.xml").text
    paths = [urllib.parse.urlsplit(url).path for url in re.findall(r"<loc>(.*?)</loc>", text)]
    package = load_package(ROOT / "datapackage.json")
    for resource in package.tables:
        assert f"/{DATABASE}/{resource['name']}" in paths
    rows = [path for path in paths if path.startswith(f"/{DATABASE}/indicators/")]
    assert len(rows) == len(datasette_get(built, f"/{DATABASE}/indicators.json?_size=max").json()["rows"])
    assert all("?" not in path for path in paths)
    for path in paths[::60]:
        assert (
            datasette_get(built, urllib.parse.unquote(path) if "~" not in path else path).status_code == 200
        )


def test_the_sitemap_holds_what_one_sitemap_may_and_the_tables_and_source_pages_first(built, monkeypatch):
    """sitemaps.org: 50 000 URLs a file. Listing every row of a 1 M-row table ran past the time limit
    (a 500 to the crawler); the row pages now fill what room is left, table by table, in key order."""
    from ecodata.serve import findable

    def listed():
        text = datasette_get(built, "/sitemap.xml").text
        return [urllib.parse.urlsplit(url).path for url in re.findall(r"<loc>(.*?)</loc>", text)]

    assert findable.MAX_SITEMAP_URLS == 50_000
    every = listed()
    monkeypatch.setattr(findable, "MAX_SITEMAP_URLS", 40)
    first = listed()
    rows = [path for path in every if path.count("/") == 3 and not path.startswith("/sources/")]
    assert (
        len(first) == 40
        and first == [path for path in every if path not in rows] + rows[: 40 - len(every) + len(rows)]
    )


def test_a_missing_page_is_bilingual_and_leads_on(built):
    response = datasette_get(built, f"/{DATABASE}/no_such_table")
    assert response.status_code == 404
    page = response.text
    assert "Page not found" in page and "未找到" in page
    assert 'action="/-/search"' in page and f'href="/{DATABASE}/indicators"' in page
    assert datasette_get(built, f"/{DATABASE}/no_such_table.json").json()["status"] == 404


def test_a_package_without_titles_or_a_description_is_named_once_and_described(tmp_path):
    """datasets/global-temp: "annual annual · 319 rows" (a table without a title is named by its name,
    which the line repeated), and its JSON-LD said `"description": ""`."""
    import json as json_module

    from parity import table, write_package

    from ecodata.build.dist import build

    dist = build(
        write_package(
            tmp_path / "p", [table("annual", [{"name": "a", "type": "integer"}])], {"annual.csv": b"a\n1\n"}
        ),
        tmp_path / "d",
    )
    home = datasette_get(dist, "/").text
    assert ">annual</a>\n      <small>1 row</small>" in home, home
    document = json_module.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', home, re.S).group(1)
    )
    assert document["description"] == document["name"] == "parity"


def test_a_package_s_web_source_and_homepage_are_linked(tmp_path):
    """datasets/house-prices-us names its source at a web address and has a homepage: both were plain text."""
    from parity import table, write_package

    from ecodata.build.dist import build

    descriptor = write_package(
        tmp_path / "p", [table("t", [{"name": "a", "type": "integer"}])], {"t.csv": b"a\n1\n"}
    )
    document = json.loads(descriptor.read_text()) | {
        "homepage": "https://example.org/prices",
        "sources": [{"title": "S&P Case-Shiller", "path": "https://example.org/case-shiller"}],
    }
    descriptor.write_text(json.dumps(document))
    home = datasette_get(build(descriptor, tmp_path / "d"), "/").text
    assert re.search(r'<a href="https://example.org/case-shiller">\s*S&amp;P Case-Shiller</a>', home)
    assert 'href="https://example.org/prices"' in home
