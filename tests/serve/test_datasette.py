"""The Datasette experience, in-process: bilingual metadata, search, evidence links, queries, charts, downloads."""

import csv
import hashlib
import html
import json
import re
import urllib.parse

import pytest
from conftest import ROOT, datasette_get

from ecodata.build.dist import zip_name
from ecodata.build.metadata import datasette_metadata
from ecodata.build.search import search_terms
from ecodata.package import load_package
from ecodata.text import squeeze
from ecodata.validate.context import evidence_of

PACKAGE = load_package(ROOT / "datapackage.json")
DATABASE = PACKAGE.name
STATEMENT_TABLES = [
    "protected_areas",
    "germplasm_banks",
    "enforcement_actions",
    "international_partnerships",
    "indicators",
]
HAN = re.compile(r"[\u4e00-\u9fff]")


def csv_rows(table: str) -> list[dict]:
    with open(ROOT / "resources" / f"{table}.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def json_rows(built, path: str, **params) -> list[dict]:
    response = datasette_get(built, f"{path}.json?" + urllib.parse.urlencode({"_shape": "array", **params}))
    assert response.status_code == 200, response.text
    return response.json()


def search(built, table: str, query: str) -> set[str]:
    return {
        row["id"] for row in json_rows(built, f"/{DATABASE}/{table}", _search=query, _col="id", _size="max")
    }


def is_bilingual(text: str) -> bool:
    return bool(HAN.search(text)) and bool(re.search(r"[A-Za-z]{3}", text))


# 1. Metadata from datapackage.json


def test_every_table_has_bilingual_title_description_and_column_descriptions(built):
    metadata = json.loads((built / "metadata.json").read_text(encoding="utf-8"))
    evidence = evidence_of(PACKAGE)
    assert evidence == {
        "quote": "quote",
        "source": "source_id",
        "sources": "sources",
        "id": "id",
        "file": "file",
        "sha256": "sha256",
    }
    assert metadata == json.loads(json.dumps(datasette_metadata(PACKAGE, csv_rows("sources"), evidence)))
    assert is_bilingual(metadata["title"]) and is_bilingual(metadata["description"])
    assert metadata["license_url"].startswith("https://creativecommons.org/")
    tables = metadata["databases"][DATABASE]["tables"]
    assert set(tables) == {resource["name"] for resource in PACKAGE.resources}
    for name, table in tables.items():
        assert is_bilingual(table["title"]) and is_bilingual(table["description"]), name
        fields = PACKAGE.resource(name)["schema"]["fields"]
        assert all(is_bilingual(table["columns"][field["name"]]) for field in fields), name
        assert table["sort"] == PACKAGE.resource(name)["schema"]["primaryKey"][0]


def test_facets_search_and_labels_are_configured(built):
    tables = json.loads((built / "metadata.json").read_text(encoding="utf-8"))["databases"][DATABASE][
        "tables"
    ]
    for name in STATEMENT_TABLES:
        schema = PACKAGE.resource(name)["schema"]
        linked = {field for key in schema.get("foreignKeys", []) for field in key["fields"]}
        coded = [
            field["name"]
            for field in schema["fields"]
            if field["name"] in linked or "categories" in field or "enum" in field.get("constraints", {})
        ]
        assert [
            facet for facet in tables[name]["facets"] if isinstance(facet, str)
        ] == coded  # every code column
        assert tables[name]["fts_table"] == f"{name}_fts" and tables[name]["fts_pk"] == "rowid"
    assert {"array": "partners_iso3"} in tables["international_partnerships"]["facets"]
    assert tables["codes_unit"]["label_column"] == tables["sources"]["label_column"] == "label"


def test_a_linked_code_s_facet_shows_its_label_in_both_languages(built):
    response = datasette_get(built, f"/{DATABASE}/protected_areas.json?_size=0")
    facets = response.json()["facet_results"]
    for column in ("designation", "unit", "source_id"):
        labels = [result["label"] for result in facets[column]["results"]]
        assert labels and all(" · " in label for label in labels), (column, labels)


def test_table_page_shows_bilingual_title_facets_and_labelled_codes(built):
    page = datasette_get(built, f"/{DATABASE}/protected_areas").text
    assert "Protected areas · 自然保护地" in page
    for facet in ("category", "measure", "unit", "source_id"):
        assert f'data-column="{facet}"' in page
    assert "平方公里 · square kilometres" in page  # the unit code shown with its generated label
    assert (
        f'href="/{DATABASE}/protected_areas.csv' in page and f'href="/{DATABASE}/protected_areas.json' in page
    )


def test_partner_facet_counts_countries_inside_lists(built):
    response = datasette_get(built, f"/{DATABASE}/international_partnerships.json?_facet_array=partners_iso3")
    results = response.json()["facet_results"]["partners_iso3"]["results"]
    counts = {item["value"]: item["count"] for item in results}
    expected = {}
    for row in csv_rows("international_partnerships"):
        for code in filter(None, row["partners_iso3"].split(",")):
            expected[code] = expected.get(code, 0) + 1
    assert counts == {code: n for code, n in expected.items() if code in counts}
    assert max(counts.values()) == max(expected.values())


# 2. Search


def test_search_terms_hold_every_short_chinese_substring_and_lowercased_words():
    terms = search_terms("湿地公园 Wetland parks, 截至2020年底52万余份")
    assert {"湿", "湿地", "地公", "湿地公园", "wetland", "parks", "2020年", "52万", "万余份", "年底"} <= terms
    assert "Wetland" not in terms and "湿地 公园" not in terms


def searchable_text(row: dict) -> str:
    return " ".join(value for key, value in row.items() if key not in ("sha256", "file", "url"))


@pytest.mark.parametrize(
    "query",
    ["湿", "湿地", "熊猫", "大熊猫", "国家公园", "生物多样性保护优先区域", "52万", "2020年", "万余份"],
)
def test_chinese_search_finds_exactly_the_rows_containing_the_query(built, query):
    found_somewhere = False
    for table in STATEMENT_TABLES:
        expected = {row["id"] for row in csv_rows(table) if query in searchable_text(row)}
        assert search(built, table, query) == expected, table
        found_somewhere |= bool(expected)
    assert found_somewhere


def test_every_search_example_the_package_shows_finds_rows(built):
    """The search box's placeholder and the README offer these; `panda reserve` once found nothing."""
    examples = load_package(ROOT / "datapackage.json").descriptor["ecodata"]["search_examples"]
    for query in examples:
        assert any(search(built, table, query) for table in STATEMENT_TABLES), query


@pytest.mark.parametrize(
    "query, patterns",
    [
        ("wetland", [r"\bwetlands?\b"]),
        ("panda reserve", [r"\bpandas?\b", r"\breserves?\b"]),
        ("giant panda", [r"\bgiant\b", r"\bpandas?\b"]),
        ("Nature reserves", [r"\bnature\b", r"\breserves?\b"]),
    ],
)
def test_english_search_matches_whole_words_in_any_case_and_number(built, query, patterns):
    for table in STATEMENT_TABLES:
        expected = {
            row["id"]
            for row in csv_rows(table)
            if all(re.search(pattern, searchable_text(row), re.IGNORECASE) for pattern in patterns)
        }
        assert search(built, table, query) == expected, table


def test_a_short_term_in_a_multi_term_query_is_not_dropped(built):
    both = search(built, "international_partnerships", "湿地 公约")
    assert both == {
        row["id"]
        for row in csv_rows("international_partnerships")
        if "湿地" in searchable_text(row) and "公约" in searchable_text(row)
    }
    assert both and both < search(built, "international_partnerships", "公约")


def test_search_all_lists_every_searchable_table(built):
    page = datasette_get(built, "/-/search?q=" + urllib.parse.quote("湿地")).text
    for table in STATEMENT_TABLES:
        assert f'"table": "{table}"' in page


# 3. Evidence


def test_row_page_shows_quote_source_details_and_a_link_to_the_highlighted_text(built):
    row = csv_rows("germplasm_banks")[0]
    page = datasette_get(built, f"/{DATABASE}/germplasm_banks/{row['id']}").text
    source = next(s for s in csv_rows("sources") if s["id"] == row["source_id"])
    assert row["quote"].replace('"', "&#34;") in page or row["quote"] in page
    for detail in ("title_zh", "publisher_zh", "date_published"):
        assert source[detail] in page
    page_name = source["file"].removeprefix("sources/").removesuffix(".txt") + ".html"
    assert f'href="/sources/{page_name}#q-{row["id"]}"' in page


@pytest.mark.parametrize("source", csv_rows("sources"), ids=lambda s: s["id"])
def test_source_page_highlights_every_quote_of_its_rows(built, source):
    page_name = source["file"].removeprefix("sources/").removesuffix(".txt") + ".html"
    response = datasette_get(built, f"/sources/{page_name}")
    assert response.status_code == 200 and '<meta charset="utf-8">' in response.text
    page = response.text
    for table in STATEMENT_TABLES:
        for row in csv_rows(table):
            if row["source_id"] != source["id"]:
                continue
            anchor = page.index(f'<span id="q-{row["id"]}"></span>')
            marked = re.findall(
                rf'<mark data-q="[^"]*\b{re.escape(row["id"])}\b[^"]*">(.*?)</mark>', page, re.S
            )
            assert squeeze(html.unescape("".join(marked))) == squeeze(row["quote"])
            assert anchor < page.index("<footer>")
    archived = datasette_get(built, f"/sources/{source['file'].removeprefix('sources/')}")
    assert hashlib.sha256(archived.content).hexdigest() == source["sha256"]


# 4. Canned queries


def test_at_least_five_bilingual_canned_queries_run(built):
    queries = json.loads((built / "metadata.json").read_text(encoding="utf-8"))["databases"][DATABASE][
        "queries"
    ]
    assert len(queries) >= 5
    for name, query in queries.items():
        assert is_bilingual(query["title"]), name
        assert json_rows(built, f"/{DATABASE}/{name}"), name


def test_figures_in_both_documents_show_conflicts(built):
    rows = json_rows(built, f"/{DATABASE}/figures_in_both_documents")
    crop = next(row for row in rows if row["statement"] == "gb-crop-germplasm-long-term-accessions")
    assert (crop["value_2020pp"], crop["value_2021wp"], crop["same_value"]) == (510000, 520000, 0)
    assert any(row["same_value"] == 1 for row in rows)


@pytest.mark.parametrize(
    "query", ["figures_in_both_documents", "germplasm_accessions_over_time", "national_parks_and_areas"]
)
def test_saved_queries_show_numbers_and_codes_as_people_read_them(built, query):
    """The page shows 510,000 and 余、多、超过 · more than where the JSON keeps 510000.0 and the code."""
    import re

    page = datasette_get(built, f"/{DATABASE}/{query}").text
    cells = re.findall(r'<td class="col-[^"]*"[^>]*>(.*?)</td>', page, flags=re.DOTALL)
    assert cells, query
    assert not [cell for cell in cells if re.fullmatch(r"\s*-?\d+\.0\s*", cell)], query  # no 474.0
    raw_codes = {
        "exact",
        "more_than",
        "about",
        "at_least",
        "nearly",
        "less_than",
        "count",
        "area",
        "accessions",
    }
    assert not [cell for cell in cells if cell.strip() in raw_codes], query


def test_partnerships_by_country_counts_list_items(built):
    rows = json_rows(built, f"/{DATABASE}/partnerships_by_country")
    expected = {}
    for row in csv_rows("international_partnerships"):
        for code in filter(None, row["partners_iso3"].split(",")):
            expected[code] = expected.get(code, 0) + 1
    assert {row["iso3"]: row["statements"] for row in rows} == expected


# 5. Charts


def test_dashboard_renders_and_every_chart_query_returns_rows(built):
    metadata = json.loads((built / "metadata.json").read_text(encoding="utf-8"))
    dashboards = metadata["plugins"]["datasette-dashboards"]
    for slug, dashboard in dashboards.items():
        page = datasette_get(built, f"/-/dashboards/{slug}")
        assert page.status_code == 200
        assert "vega-lite.min.js" in page.text
        for name, chart in dashboard["charts"].items():
            sql = re.sub(r"\[\[.*?\]\]", "", chart["query"])  # unset optional filters
            rows = json_rows(built, f"/{chart['db']}", sql=sql)
            assert rows, name
            if chart["library"] == "vega-lite":  # every bar links to the rows behind it
                assert chart["display"]["encoding"]["href"] == {"field": "url", "type": "nominal"}
                for row in rows:
                    linked = datasette_get(built, row["url"])
                    shown = (
                        "<tbody>" in linked.text or 'class="ecodata-card"' in linked.text
                    )  # rows, or one row
                    assert linked.status_code == 200 and shown, row["url"]


def test_dashboard_labels_are_bilingual_and_its_source_filter_narrows_every_chart(built):
    metadata = json.loads((built / "metadata.json").read_text(encoding="utf-8"))
    dashboard = metadata["plugins"]["datasette-dashboards"]["headline-figures"]
    labels = [
        row["label"] for row in json_rows(built, f"/{DATABASE}", sql=dashboard["filters"]["source"]["query"])
    ]
    assert len(labels) == len(csv_rows("sources")) and all(is_bilingual(label) for label in labels)
    titles = {resource.get("title") for resource in PACKAGE.resources}
    white_paper = next(label for label in labels if label.startswith("2021"))
    for name, chart in dashboard["charts"].items():
        every = json_rows(built, f"/{DATABASE}", sql=re.sub(r"\[\[.*?\]\]", "", chart["query"]))
        only = json_rows(
            built, f"/{DATABASE}", sql=re.sub(r"\[\[(.*?)\]\]", r"\1", chart["query"]), source=white_paper
        )
        assert only, name
        if chart["library"] != "vega-lite":
            assert 0 < next(iter(only[0].values())) < next(iter(every[0].values())), name
            continue
        assert {row["source"] for row in only} == {white_paper}, name
        for row in every:  # labels, not codes: a table's title from the descriptor, items in both languages
            label = row.get("resource") or row.get("subject") or row["country"]
            assert is_bilingual(label) and " · " in label, (name, label)
            assert "resource" not in row or row["resource"] in titles, (name, label)


# 6. Downloads


def test_home_page_is_bilingual_and_links_every_download_with_its_size(built):
    page = datasette_get(built, "/").text
    assert "Download · 下载" in page and "Search all tables · 搜索全部数据表" in page
    assert f"version 版本 {PACKAGE.version}" in page
    links = re.findall(r'<a href="(/download/[^"]+)" download>([^<]+)</a> <small>\(([^)]+)\)</small>', page)
    names = {name for _, name, _ in links}
    assert {zip_name(PACKAGE), "SHA256SUMS", f"{DATABASE}.db"} <= names
    assert {f"csv/{r['name']}.csv" for r in PACKAGE.resources} <= names
    assert {f"parquet/{r['name']}.parquet" for r in PACKAGE.resources} <= names
    sums = dict(line.split("  ")[::-1] for line in (built / "SHA256SUMS").read_text().splitlines())
    for url, name, size in links:
        response = datasette_get(built, url)
        assert response.status_code == 200, url
        assert response.content == (built / name).read_bytes()
        if name != "SHA256SUMS":
            assert hashlib.sha256(response.content).hexdigest() == sums[name]
        assert size.split()[1] in ("B", "KB", "MB")


def test_database_page_links_downloads_and_lists_queries(built):
    page = datasette_get(built, f"/{DATABASE}").text
    assert f'href="/download/{zip_name(PACKAGE)}"' in page
    assert "Figures stated in both documents, side by side · 两份文件中都出现的数字对照" in page


@pytest.mark.parametrize(
    "query", ['"', '湿地"', "'); drop table indicators; --", "NEAR(a b)", "* OR -", "^湿", "湿地*"]
)
def test_hostile_or_odd_search_input_answers_normally(built, query):
    response = datasette_get(
        built, f"/{DATABASE}/indicators.json?" + urllib.parse.urlencode({"_search": query})
    )
    assert response.status_code == 200, response.text
    if query == '"':  # no word to search for: no row, and the reason (Datasette: a 400)
        assert (
            response.json()["rows"] == [] and "no letter or digit" in response.json()["human_description_en"]
        )
    assert json_rows(built, f"/{DATABASE}/indicators", _col="id", _size="max")  # the table is still there


def test_a_resource_name_with_a_hyphen_builds_and_is_searchable(package_copy, tmp_path):
    from ecodata.build.dist import build

    document = json.loads(package_copy.read_text(encoding="utf-8"))
    next(r for r in document["resources"] if r["name"] == "indicators")["name"] = "other-indicators"
    package_copy.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    dist = build(package_copy, tmp_path / "dist")
    found = json_rows(dist, f"/{DATABASE}/other-indicators", _search="湿地", _col="id")
    assert {row["id"] for row in found} == {
        row["id"] for row in csv_rows("indicators") if "湿地" in searchable_text(row)
    }


def test_a_key_of_names_and_a_listed_value_are_searched_and_a_table_without_text_finds_nothing(tmp_path):
    """Another publisher's package (as `ecodata init` describes datasets/gdp): a search for a country
    found nothing, its name being the key; on a table of numbers alone, Datasette dropped the search
    and listed every row."""
    from ecodata.build.dist import build
    from tests.parity import table, write_package

    economies = table(
        "economies",
        [
            {"name": "Country Name", "type": "string"},
            {"name": "Region", "type": "string", "constraints": {"enum": ["Africa", "亚洲"]}},
            {"name": "code", "type": "string", "constraints": {"pattern": "[A-Z]{3}"}},
        ],
        primaryKey=["Country Name"],
    )
    coded = table("coded", [{"name": "code", "type": "string", "constraints": {"pattern": "[A-Z]{3}"}}])
    coded["schema"]["primaryKey"] = ["code"]
    figures = table("figures", [{"name": "year", "type": "integer"}, {"name": "usd", "type": "number"}])
    files = {
        "economies.csv": "Country Name,Region,code\nChad,Africa,TCD\n中国,亚洲,CHN\n".encode(),
        "coded.csv": b"code\nTCD\n",
        "figures.csv": b"year,usd\n2000,1.5\n2001,2.5\n",
    }
    dist = build(write_package(tmp_path / "p", [economies, coded, figures], files), tmp_path / "dist")

    def found(table_name: str, query: str) -> list:
        return [next(iter(row.values())) for row in json_rows(dist, f"/parity/{table_name}", _search=query)]

    assert found("economies", "chad") == ["Chad"] and found("economies", "中国") == ["中国"]
    assert found("economies", "亚洲") == ["中国"] and found("economies", "Africa") == ["Chad"]
    assert found("economies", "CHN") == ["中国"]  # an identifier, searched beside the names it goes with
    assert found("coded", "TCD") == [] and found("figures", "2000") == []  # no text to search: no row
    page = datasette_get(dist, "/parity/figures?_search=Chad").text
    assert "the table has no text to search" in page  # in English: the package describes itself so
    assert "此数据表没有可检索的文本" not in page
    assert json_rows(dist, "/parity/figures", _search="")  # no search: every row, as Datasette lists them


def test_the_database_page_lists_topic_tables_then_code_lists_without_hidden_tables(built):
    page = datasette_get(built, f"/{DATABASE}").text
    topics, codes = page.index('id="tables"'), page.index('id="code-lists"')
    for name in STATEMENT_TABLES:
        assert topics < page.index(f'href="/{DATABASE}/{name}"') < codes
    for referenced in ("codes_unit", "codes_country", "sources"):
        assert page.index(f'href="/{DATABASE}/{referenced}"') > codes
    assert "hidden table" not in page and "_fts" not in page
    assert "Saved queries · " in page and "Custom SQL query · " in page


def test_a_saved_query_shows_its_answer_and_keeps_its_sql_folded(built):
    name = sorted((ROOT / "datasette" / "queries").glob("*.sql"))[0].stem
    page = datasette_get(built, f"/{DATABASE}/{name}").text
    assert "_show_sql=1" in page and "<textarea" not in page
    assert 'class="rows-and-columns"' in page


def test_the_home_page_leads_with_the_declared_headline_figures(built):
    page = datasette_get(built, "/").text
    headlines = PACKAGE.descriptor["ecodata"]["headlines"]
    listed = page[
        page.index('<ul class="ecodata-headlines">') : page.index("</ul>", page.index("ecodata-headlines"))
    ]
    assert listed.count("<li>") == len(headlines)
    for wanted in headlines:
        assert f'href="/{DATABASE}/{wanted["resource"]}/{wanted["id"]}"' in listed
        assert f'#q-{wanted["id"]}"' in listed  # its quote, highlighted in the source
    assert "1,728,000" in listed and "172.8万" in listed  # the figure as people read it
    assert page.index("ecodata-headlines") < page.index('id="downloads"')


def test_a_statement_both_documents_make_is_one_bar_pair_on_the_dashboard(built):
    """Its two rows (…-2020pp, …-2021wp) may word the subject differently (长期保存作物资源 /
    长期保存作物种质资源); the chart labels both with one subject, so their bars stand side by side."""
    import re

    dashboards = json.loads((ROOT / "datasette" / "dashboards.json").read_text(encoding="utf-8"))
    charts = [chart for dashboard in dashboards.values() for chart in dashboard["charts"].values()]
    figures = [chart["query"] for chart in charts if "AS subject" in chart.get("query", "")]
    assert figures
    for query in figures:
        sql = re.sub(r"\[\[.*?\]\]", "", query)  # the optional source filter, left out
        rows = datasette_get(
            built, f"/{DATABASE}.json?" + urllib.parse.urlencode({"sql": sql, "_shape": "objects"})
        )
        subjects: dict[str, set] = {}
        for row in rows.json()["rows"]:
            stem = re.sub(r"-(2020pp|2021wp)$", "", row["url"].rsplit("/", 1)[-1])
            subjects.setdefault(stem, set()).add(row["subject"])
        assert all(len(found) == 1 for found in subjects.values()), {
            s: f for s, f in subjects.items() if len(f) > 1
        }


def test_a_foreign_key_to_a_list_of_names_is_searched_and_one_to_labelled_codes_is_not(tmp_path):
    """datasets/s-and-p-500-companies with its sector column pointing at its sector list: a search for
    "Industrials" on the companies found none of them (the column counted as a code), only words that
    stem alike ("Industrial Gases"). A column pointing at a code list with labels stays unsearched."""
    import shutil

    from ecodata.build.dist import build

    package = tmp_path / "sp"
    shutil.copytree(ROOT / "tests" / "data" / "real" / "ds-s-and-p-500-companies", package)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    companies = next(r for r in descriptor["resources"] if r["name"] == "constituents")
    companies["schema"]["foreignKeys"] = [
        {"fields": ["GICS Sector"], "reference": {"resource": "sector-counts", "fields": ["sector"]}}
    ]
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    dist = build(package / "datapackage.json", tmp_path / "dist")
    with open(package / "data" / "constituents.csv", encoding="utf-8") as handle:
        industrials = sum(1 for row in csv.DictReader(handle) if row["GICS Sector"] == "Industrials")
    found = json_rows(dist, "/s-and-p-500-companies/constituents", _search="Industrials", _size="max")
    assert industrials > 50 and sum(row["GICS Sector"] == "Industrials" for row in found) == industrials
    from ecodata.build.search import searchable_columns
    from ecodata.package import load_package

    flagship = load_package(ROOT / "datapackage.json")  # its codes point at code lists, labelled there
    pointing = {
        table["name"]: {name for key in table["schema"].get("foreignKeys", []) for name in key["fields"]}
        for table in flagship.tables
    }
    assert len([name for name, columns in pointing.items() if columns]) >= 5
    for table in flagship.tables:
        assert not pointing[table["name"]] & set(searchable_columns(table, flagship.tables)), table["name"]


def test_a_code_list_of_code_and_label_names_its_codes_in_facets_and_cells(tmp_path):
    """Datasette names a linked row by a `name` or `title` column, or the one beside an `id`: a code
    list of `code,label` showed its codes (furniture) in facets and cells, never its labels."""
    from parity import table, write_package

    from ecodata.build.dist import build

    categories = table(
        "categories",
        [{"name": "code", "type": "string"}, {"name": "label", "type": "string"}],
        primaryKey=["code"],
    )
    fields = [{"name": "id", "type": "integer"}, {"name": "category", "type": "string"}]
    reference = {"fields": ["category"], "reference": {"resource": "categories", "fields": ["code"]}}
    products = table("products", fields, primaryKey=["id"], foreignKeys=[reference])
    files = {
        "categories.csv": b"code,label\nfurniture,Furniture and fittings\ntoys,Toys\n",
        "products.csv": b"id,category\n1,furniture\n2,toys\n3,furniture\n",
    }
    dist = build(write_package(tmp_path / "p", [categories, products], files), tmp_path / "dist")
    data = datasette_get(dist, "/parity/products.json?_facet=category&_labels=on").json()
    facet = {item["value"]: item["label"] for item in data["facet_results"]["category"]["results"]}
    assert facet == {"furniture": "Furniture and fittings", "toys": "Toys"}
    assert data["rows"][0]["category"] == {"value": "furniture", "label": "Furniture and fittings"}
    assert "Furniture and fittings" in datasette_get(dist, "/parity/products").text
    card = datasette_get(dist, "/parity/products/1").text  # the row card named the code alone
    assert 'Furniture and fittings <code class="ecodata-code">furniture</code>' in card


def test_a_boolean_reads_true_or_false_in_cells_facets_and_the_row_card(tmp_path):
    """SQLite holds a boolean as 1 or 0, which Datasette shows as such."""
    from parity import table, write_package

    from ecodata.build.dist import build

    fields = [{"name": "id", "type": "integer"}, {"name": "in_stock", "type": "boolean"}]
    files = {"items.csv": b"id,in_stock\n1,true\n2,false\n3,\n"}
    dist = build(
        write_package(tmp_path / "p", [table("items", fields, primaryKey=["id"])], files), tmp_path / "dist"
    )
    page = datasette_get(dist, "/parity/items?_facet=in_stock").text
    cells = re.findall(r'<td class="col-in_stock[^"]*"[^>]*><div class="ecodata-cell">(.*?)</div>', page)
    assert cells == ["true", "false", "&nbsp;"]
    facet = re.search(r'<ul class="tight-bullets">(.*?)</ul>', page, re.S).group(1)
    assert ">true</a> 1" in facet and ">false</a> 1" in facet
    assert re.search(r"<dd>false</dd>", datasette_get(dist, "/parity/items/2").text)
    assert json_rows(dist, "/parity/items")[0]["in_stock"] == 1  # the data as stored: only pages read words


def test_a_range_reads_as_both_its_ends_in_the_table_the_headline_and_the_citation(built):
    """The quote "每年3至4个月" read "3 个月 · months" on the row card, in its citations and, on a phone, in the
    table (which hides value_max there): a range now shows both ends wherever its figure shows."""
    from ecodata.serve.figures import plain_number

    ranged = [
        (table, row)
        for table in STATEMENT_TABLES
        for row in csv_rows(table)
        if row.get("value_max") not in (None, "")
    ]
    assert ranged
    for table, row in ranged:
        both = f"{plain_number(float(row['value']))}–{plain_number(float(row['value_max']))}"
        card = datasette_get(built, f"/{DATABASE}/{table}/{row['id']}").text
        headline = re.sub(r"<[^>]+>", "", re.search(r"<h1>(.*?)</h1>", card, re.S).group(1))
        assert both in headline and card.count(both) >= 3, (row["id"], headline)  # + APA and BibTeX
        listed = datasette_get(built, f"/{DATABASE}/{table}?id={row['id']}").text
        cell = re.search(r'<td class="col-value [^"]*"[^>]*>(.*?)</td>', listed, re.S).group(1)
        assert both in re.sub(r"<[^>]+>", "", cell), cell


def test_a_link_beside_a_list_of_names_neither_names_its_rows_nor_hides_them_from_search(tmp_path):
    """A sector list of `sector,url` had its URL taken for each sector's label (every company's sector
    cell read https://…) and, as other text naming the sectors, kept the companies' sector unsearched."""
    from parity import table, write_package

    from ecodata.build.dist import build

    sectors = table(
        "sectors",
        [{"name": "sector", "type": "string"}, {"name": "url", "type": "string", "format": "uri"}],
        primaryKey=["sector"],
    )
    reference = {"fields": ["sector"], "reference": {"resource": "sectors", "fields": ["sector"]}}
    companies = table(
        "companies",
        [{"name": "ticker", "type": "string"}, {"name": "sector", "type": "string"}],
        primaryKey=["ticker"],
        foreignKeys=[reference],
    )
    files = {
        "sectors.csv": b"sector,url\nIndustrials,https://example.org/industrials\nEnergy,https://example.org/energy\n",
        "companies.csv": b"ticker,sector\nMMM,Industrials\nXOM,Energy\n",
    }
    dist = build(write_package(tmp_path / "p", [sectors, companies], files), tmp_path / "dist")
    rows = datasette_get(dist, "/parity/companies.json?_labels=on&_shape=array").json()
    assert rows[0]["sector"] in ("Industrials", {"value": "Industrials", "label": "Industrials"})
    assert [row["ticker"] for row in json_rows(dist, "/parity/companies", _search="Industrials")] == ["MMM"]
