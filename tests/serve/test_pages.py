"""Pages people can read, in-process: figures formatted from the descriptor's declarations, quotes
clipped with a short link, the row page an evidence card, the JSON and CSV untouched, and a package
that declares nothing still served sensibly. The browser measures the same pages in test_browser.py."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from conftest import ROOT, assert_upstream_template_with, datasette_get

from ecodata.build.display import chinese_label, page_plan
from ecodata.package import load_package
from ecodata.serve.figures import chinese_reading, plain_number, qualifier_marker

DATABASE = load_package(ROOT / "datapackage.json").name
AREA_ROW = "pa-all-protected-areas-area-2018"  # 超过172.8万平方公里 → 1728000, more_than, km2
RESERVES_ROW = "pa-national-nature-reserves-count-2018"  # 国家级自然保护区474个


# Datasette's table.html → ours: the interface's words in both languages, every control labelled,
# headings in order (h1, then h2), besides the folded column descriptions.
TABLE_TEMPLATE_EDITS = [
    # the title: the table's bilingual title (not the database's slug), its count and description in both
    (
        '{% block title %}{{ database }}: {{ table }}: {% if filtered_table_rows_count or filtered_table_rows_count == 0 %}{{ "{:,}".format(filtered_table_rows_count) }} row{% if filtered_table_rows_count == 1 %}{% else %}s{% endif %}{% endif %}{% if human_description_en %} {{ human_description_en }}{% endif %}{% endblock %}',
        '{% block title %}{{ metadata.title or table }}: {% if filtered_table_rows_count or filtered_table_rows_count == 0 %}{{ "{:,}".format(filtered_table_rows_count) }} row{% if filtered_table_rows_count == 1 %}{% else %}s{% endif %} · 行{% endif %}{% if human_description_en %} {{ human_description_en }}{% set zh = description_zh(filters, search, sort, sort_desc) if chinese and description_zh is defined else "" %}{% if zh %} · {{ zh }}{% endif %}{% endif %}{% endblock %}',
    ),
    (
        '    <h3>{% if filtered_table_rows_count or filtered_table_rows_count == 0 %}{{ "{:,}".format(filtered_table_rows_count) }} row{% if filtered_table_rows_count == 1 %}{% else %}s{% endif %}{% endif %}\n        {% if human_description_en %}{{ human_description_en }}{% endif %}\n    </h3>',
        '    <h2 class="ecodata-count">{% if filtered_table_rows_count or filtered_table_rows_count == 0 %}{{ "{:,}".format(filtered_table_rows_count) }} row{% if filtered_table_rows_count == 1 %}{% else %}s{% endif %} · 行{% endif %}\n        {% if human_description_en %}{{ human_description_en }}{% set zh = description_zh(filters, search, sort, sort_desc) if chinese and description_zh is defined else "" %}{% if zh %} · {{ zh }}{% endif %}{% endif %}\n    </h2>',
    ),
    # a link to skip the crumbs, search, filters and facets: the first Tab stop
    (
        "{% block crumbs %}\n{{ crumbs.nav(",
        '{% block crumbs %}\n{% if display_rows %}<a class="ecodata-skip" href="#rows">Skip to the rows · 跳到数据行</a>{% endif %}\n{{ crumbs.nav(',
    ),
    ('<label for="_search">Search:</label>', '<label for="_search">Search · 搜索:</label>'),
    (
        '<select name="_filter_column_{{ loop.index }}">',
        '<select name="_filter_column_{{ loop.index }}" aria-label="Filter column · 筛选列">',
    ),
    (
        '<select name="_filter_op_{{ loop.index }}">',
        '<select name="_filter_op_{{ loop.index }}" aria-label="Condition · 条件">',
    ),
    (
        '<input type="text" name="_filter_value_{{ loop.index }}" class="filter-value" value="{{ value }}">',
        '<input type="text" name="_filter_value_{{ loop.index }}" class="filter-value" value="{{ value }}" aria-label="Value · 值">',
    ),
    ('<select name="_filter_column">', '<select name="_filter_column" aria-label="Filter column · 筛选列">'),
    ('<select name="_filter_op">', '<select name="_filter_op" aria-label="Condition · 条件">'),
    (
        '<input type="text" name="_filter_value" class="filter-value">',
        '<input type="text" name="_filter_value" class="filter-value" aria-label="Value · 值">',
    ),
    ('<select name="_sort" id="sort_by">', '<select name="_sort" id="sort_by" aria-label="Sort by · 排序">'),
    ('<input type="submit" value="Apply">', '<input type="submit" value="Apply · 应用">'),
    (
        '<p><a href="{{ next_url }}">Next page</a></p>',
        '<p><a href="{{ next_url }}">Next page · 下一页</a></p>',
    ),
    ("<h3>Advanced export</h3>", "<h2>Advanced export · 高级导出</h2>"),
    ('<option value="">- remove filter -</option>', '<option value="">- remove filter · 移除筛选 -</option>'),
    ('<option value="">- column -</option>', '<option value="">- column · 列 -</option>'),
    # (twice: the filter rows' conditions and the new filter's) contains · 包含, … (words.WORDS)
    *[
        (
            f'{indent}<option value="{{{{ key }}}}{{% if no_argument %}}__1{{% endif %}}"{{% if key == lookup %}} selected{{% endif %}}>{{{{ display }}}}</option>',
            f'{indent}<option value="{{{{ key }}}}{{% if no_argument %}}__1{{% endif %}}"{{% if key == lookup %}} selected{{% endif %}}>{{{{ display|both }}}}</option>',
        )
        for indent in (" " * 24, " " * 20)
    ],
    ('<option value="">Sort...</option>', '<option value="">Sort... · 排序…</option>'),
    (
        ">Sort by {{ column.name }}</option>",
        ">Sort by {{ column.name }} · 按 {{ column.name }} 排序</option>",
    ),
    ("> descending</label>", "> descending · 降序</label>"),
    (
        "extra where clause{% if extra_wheres_for_ui|length != 1 %}s{% endif %}</h3>",
        "extra where clause{% if extra_wheres_for_ui|length != 1 %}s{% endif %} · 附加 where 条件</h3>",
    ),
    (">remove</a>]", ">remove · 移除</a>]"),
    (
        '<span class="underlined">View and edit SQL</span>',
        '<span class="underlined">View and edit SQL · 查看并编辑 SQL</span>',
    ),
    ('<p class="export-links">This data as {%', '<p class="export-links">This data as · 数据格式: {%'),
    # the CSV link downloads the file (text/csv with Content-Disposition), not text/plain in a tab; the
    # table's files follow (the link gives a page of rows: no CSV streaming)
    (
        '<a href="{{ url_csv }}">CSV</a> (<a href="#export">advanced</a>){% endif %}</p>',
        '<a href="{{ append_querystring(url_csv, \'_dl=1\') }}" download>CSV</a> (<a href="#export">advanced · 高级</a>){% endif %}'
        '{% if table_files %} · the whole table · 整表: <a href="{{ table_files.csv.url }}" download>CSV</a> '
        '<small>({{ table_files.csv.size }})</small>, <a href="{{ table_files.parquet.url }}" download>Parquet</a> '
        "<small>({{ table_files.parquet.size }})</small>{% endif %}</p>",
    ),
    ("These facets timed out:", "These facets timed out · 以下分面超时:"),
    ("<p>JSON shape:", "<p>JSON shape · JSON 结构:"),
    (">default</a>,", ">default · 默认</a>,"),
    (">array</a>,", ">array · 数组</a>,"),
    (">newline-delimited</a>", ">newline-delimited · 每行一条</a>"),
    (">object</a>", ">object · 对象</a>"),
    ("CSV options:", "CSV options · CSV 选项:"),
    ("> download file</label>", "> download file · 下载文件</label>"),
    ("> expand labels</label>", "> expand labels · 展开标签</label>"),
    ("> stream all rows</label>", "> stream all rows · 导出全部行</label>"),
    ('<input type="submit" value="Export CSV">', '<input type="submit" value="Export CSV · 导出 CSV">'),
    # the described columns (the build leaves out those without a description) in the table's order
    (
        "{% if metadata.columns %}\n",
        '{% set described = columns|select("in", metadata.columns or {})|list %}{% if described %}\n',
    ),
    (
        "    {% for column_name, column_description in metadata.columns.items() %}\n",
        "    {% for column_name in described %}{% set column_description = metadata.columns[column_name] %}\n",
    ),
    # on a phone the description, and the search, filters and facets, folded behind a button each
    (
        "{% block description_source_license %}",
        '<div class="ecodata-fold"><button type="button" class="ecodata-fold-toggle" aria-expanded="true">About this table · 关于本表</button>\n{% block description_source_license %}',
    ),
    (
        "{% endif %}\n\n{% if filtered_table_rows_count or human_description_en %}",
        "{% endif %}\n</div>\n\n{% if filtered_table_rows_count or human_description_en %}",
    ),
    (
        '<form class="filters" action=',
        '<div class="ecodata-fold"><button type="button" class="ecodata-fold-toggle" aria-expanded="true">Search, filters and facets · 搜索、筛选与分面</button>\n<form class="filters" action=',
    ),
    (
        "{% include custom_table_templates %}",
        '</div>\n{% include "_ecodata_fold.html" %}\n\n{% include custom_table_templates %}',
    ),
]


def test_our_table_template_is_datasette_s_with_the_listed_changes():
    def unfold(text: str) -> str:
        folded = re.search(r'<details class="ecodata-columns">\n<summary>.*?</summary>\n', text).group(0)
        return text.replace(folded, "").replace("</dl>\n</details>\n", "</dl>\n")

    assert_upstream_template_with("table.html", TABLE_TEMPLATE_EDITS, restore=unfold)


def test_a_number_column_named_as_an_id_is_shown_as_written_and_never_the_lead(tmp_path):
    """datasets/covid-19's UID read 84,000,053, and was its rows' leading figure (before Population)."""
    from ecodata.build.dist import build
    from tests.parity import table, write_package

    fields = [
        {"name": "Combined_Key", "type": "string"},
        {"name": "UID", "type": "integer"},
        {"name": "Population", "type": "integer"},
    ]
    resource = table("places", fields, primaryKey=["Combined_Key"])
    files = {"places.csv": b"Combined_Key,UID,Population\nAlabama US,84000001,4903185\n"}
    plan = page_plan(resource, {}, None, {})
    assert list(plan["figures"]) == ["Population"]
    dist = build(write_package(tmp_path / "p", [resource], files), tmp_path / "dist")
    page = datasette_get(dist, "/parity/places").text
    assert re.search(r'<td class="col-UID[^>]*>\s*<div class="ecodata-cell">84000001</div>', page)
    assert "4,903,185" in page


def test_the_columns_are_described_in_the_table_s_order_and_only_where_described(built, tmp_path):
    """The list was alphabetical (metadata.json sorts its keys), and named every column without a
    description too (datasets/house-prices-us: 24 bare names)."""
    from ecodata.build.dist import build
    from tests.parity import table, write_package

    fields = load_package(ROOT / "datapackage.json").resource("protected_areas")["schema"]["fields"]
    page = datasette_get(built, f"/{DATABASE}/protected_areas").text
    listed = re.findall(
        r"<dt>([^<]+)</dt>", page.split('<dl class="column-descriptions">')[1].split("</dl>")[0]
    )
    assert listed == [field["name"] for field in fields if field.get("description")]
    assert sorted(listed) != listed  # (the schema's order is not the alphabet's)
    undescribed = table(
        "t", [{"name": "b", "type": "integer"}, {"name": "a", "type": "integer", "description": "A."}]
    )
    dist = build(write_package(tmp_path / "p", [undescribed], {"t.csv": b"b,a\n1,2\n"}), tmp_path / "dist")
    assert (
        "About the 1 column<" in datasette_get(dist, "/parity/t").text
        and "<dt>b</dt>" not in datasette_get(dist, "/parity/t").text
    )


@pytest.mark.parametrize(
    "value, shown",
    [
        (1728000.0, "1,728,000"),
        (474.0, "474"),
        (18.0, "18"),
        (2020, "2020"),
        (11800, "11,800"),
        (0.25, "0.25"),
        (12345.5, "12,345.5"),
        (1.18, "1.18"),
        (-25000.0, "-25,000"),
        (1e-06, "0.000001"),  # not as Python writes it
        (-2.5e-07, "-0.00000025"),
        (1.5e16, "15,000,000,000,000,000"),
        (1 / 30000, "0.000033333333333333335"),  # a computed value, as exact as a double holds it
        (1.5e-30, "1.5e-30"),  # past MOST_CHARACTERS: the exponent is what a reader can count
    ],
)
def test_numbers_read_as_people_read_them(value, shown):
    assert plain_number(value) == shown


def test_each_row_has_a_bibtex_key_of_its_own_in_the_characters_bibtex_takes():
    from ecodata.serve.row_card import bibtex_key

    keys = [bibtex_key("unsd", row) for row in ("中国", "日本", "Côte d'Ivoire", "Chad")]
    assert len(set(keys)) == 4 and all(re.fullmatch(r"[A-Za-z0-9:_-]+", key) for key in keys)
    assert keys[3] == "unsd:Chad" and keys[2].startswith("unsd:C-te-d-Ivoire-")  # readable where it can be


def test_the_quote_s_own_reading_and_marker_are_found():
    assert chinese_reading(1728000.0, "各类自然保护地面积超过172.8万平方公里") == "172.8万"
    assert chinese_reading(474.0, "国家级自然保护区474个") is None  # written without 万: nothing beside it
    assert chinese_reading(520000.0, "长期保存作物种质资源52万余份") == "52万"
    assert qualifier_marker(1728000.0, "各类自然保护地面积超过172.8万平方公里", "more_than") == "超过"
    assert qualifier_marker(18.0, "占国土面积18%以上", "at_least") == "以上"


def test_a_field_s_chinese_label_is_the_last_sentence_of_its_description():
    assert chinese_label("Unit of value, as stated (code list codes_unit); empty. 单位。") == "单位"
    assert chinese_label("SHA-256 of the archived file's bytes. 存档文件的SHA-256。") == "存档文件的SHA-256"
    assert chinese_label("Only English. No Chinese here.") == ""


def test_a_plan_comes_from_the_declarations_not_from_names():
    resource = {
        "name": "things",
        "schema": {
            "primaryKey": ["key"],
            "fields": [
                {"name": "key", "type": "string"},
                {"name": "kind", "type": "string", "constraints": {"enum": ["a", "b"]}},
                {"name": "naam_nl", "type": "string"},
                {"name": "naam_fr", "type": "string"},
                {"name": "amount", "type": "number"},
                {"name": "most", "type": "number"},
                {"name": "per", "type": "string"},
                {"name": "how", "type": "string"},
                {"name": "when", "type": "date"},
                {"name": "said", "type": "string"},
                {"name": "doc", "type": "string"},
            ],
        },
    }
    declared = {
        "bilingual": {"pairs": ["_nl", "_fr"]},
        "qualifier": {"value": "amount", "qualifier": "how", "quote": "said"},
        "value-in-quote": {"values": ["amount"], "quote": "said"},
    }
    plan = page_plan(
        resource, declared, {"quote": "said", "source": "doc"}, {"amount": "per"}, {"amount": "most"}
    )
    assert plan["order"][:7] == ["key", "naam_nl", "naam_fr", "amount", "when", "doc", "said"]
    assert plan["figures"]["amount"] == {"unit": "per", "symbol": None, "qualifier": "how", "upper": "most"}
    bare = page_plan(resource, {}, None, {})
    assert bare["order"][:3] == ["key", "naam_nl", "amount"] and bare["quote"] is None
    assert bare["figures"]["amount"] == {"unit": None, "symbol": None, "qualifier": None, "upper": None}


def test_the_table_page_shows_figures_short_citations_and_folded_descriptions(built):
    page = datasette_get(built, f"/{DATABASE}/protected_areas").text
    area = re.search(rf'href="[^"]*/{AREA_ROW}">.*?</tr>', page, flags=re.S).group(0)
    assert '<data class="ecodata-number" value="1728000.0">1,728,000</data>' in area
    assert '<span class="ecodata-reading" lang="zh-Hans">172.8万</span>' in area
    assert "more than · 超过" in area and ">km²</abbr>" in area
    assert ">474</data>" in page and "474.0<" not in page and "1728000.0<" not in page
    assert area.count("原文 · source ↗") == 1 and "Building a Shared Future" not in area.split("title=")[0]
    assert '<details class="ecodata-columns">' in page  # column descriptions one click away
    header = page.index('<table class="rows-and-columns ecodata-table">')
    columns = re.findall(r'<th [^>]*data-column="(\w+)"', page[header:])
    assert columns[:7] == ["id", "subject_zh", "subject_en", "value", "as_of", "source_id", "quote"]


def test_sorting_by_a_figure_offers_one_unit_at_a_time(built):
    page = datasette_get(built, f"/{DATABASE}/protected_areas?_sort=value").text
    note = re.search(r'<p class="ecodata-units-note">(.*?)</p>', page, flags=re.S).group(1)
    assert "unit=km2" in note and ">km²</a>" in note and "unit=percent" in note


def test_the_row_page_is_an_evidence_card(built):
    page = datasette_get(built, f"/{DATABASE}/protected_areas/{RESERVES_ROW}").text
    heading = re.sub(r"<[^>]+>", "", re.search(r"<h1>(.*?)</h1>", page, flags=re.S).group(1))
    assert " ".join(heading.split()) == "National nature reserves · 国家级自然保护区: 474 (2018-12-31)"
    assert '<q lang="zh-Hans" class="evidence-quote">国家级自然保护区474个</q>' in page
    sources = list(csv.DictReader(open(ROOT / "resources" / "sources.csv", encoding="utf-8")))
    source = next(row for row in sources if row["id"] == "position-paper-2020")
    for part in (source["title_zh"], source["publisher_zh"], source["date_published"], source["sha256"]):
        assert part in page.replace("&#39;", "'")
    assert f'class="evidence-source" href="/sources/position-paper-2020.zh.html#q-{RESERVES_ROW}"' in page
    text = re.sub(r"<[^>]+>", "", page)
    assert "国家级自然保护区 · national nature reserve" in text and "value_max · 区间上限" in text
    assert "@misc{protected_areas:" + RESERVES_ROW in page and "[Data row protected_areas/" in page


def test_json_and_csv_keep_the_exact_values(built):
    rows = datasette_get(built, f"/{DATABASE}/protected_areas.json?_shape=array&id={AREA_ROW}").json()
    assert rows[0]["value"] == 1728000.0 and rows[0]["qualifier"] == "more_than" and rows[0]["unit"] == "km2"
    row = datasette_get(built, f"/{DATABASE}/protected_areas/{RESERVES_ROW}.json?_shape=array").json()
    assert row[0]["value"] == 474.0 and row[0]["designation"] == "national_nature_reserve"
    for path in (
        f"/{DATABASE}/protected_areas.csv?id={AREA_ROW}",
        f"/{DATABASE}/protected_areas/{AREA_ROW}.csv",
    ):
        (found,) = csv.DictReader(io.StringIO(datasette_get(built, path).text))
        assert found["value"] == "1728000.0" and found["qualifier"] == "more_than", path


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """A package that declares nothing: no evidence, no bilingual labels, no units."""
    from ecodata.build.dist import build

    folder = tmp_path_factory.mktemp("shop")
    (folder / "products.csv").write_text(
        "id,name,category,price,added,notes\n1,Oak table,furniture,120.50,2024-03-01,\n"
        "2,Desk lamp,lighting,35,2024-03-15,\n3,Warehouse shelving,furniture,12500,2024-04-02,"
        "Forty adjustable shelves and a lifetime guarantee; delivered flat and assembled on site by the maker\n",
        encoding="utf-8",
    )
    (folder / "categories.csv").write_text(
        "code,label\nfurniture,Furniture\nlighting,Lighting\n", encoding="utf-8"
    )
    fields = [
        {"name": "id", "type": "integer"},
        {"name": "name", "type": "string"},
        {"name": "category", "type": "string"},
        {"name": "price", "type": "number"},
        {"name": "added", "type": "date"},
        {"name": "notes", "type": "string"},
    ]
    descriptor = {
        "name": "shop",
        "resources": [
            {
                "name": "categories",
                "path": "categories.csv",
                "schema": {
                    "fields": [{"name": "code", "type": "string"}, {"name": "label", "type": "string"}]
                },
            },
            {
                "name": "products",
                "path": "products.csv",
                "schema": {
                    "fields": fields,
                    "primaryKey": ["id"],
                    "foreignKeys": [
                        {"fields": ["category"], "reference": {"resource": "categories", "fields": ["code"]}}
                    ],
                },
            },
        ],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return build(folder / "datapackage.json", folder / "dist")


def test_a_package_without_evidence_or_labels_still_reads_well(shop):
    table = datasette_get(shop, "/shop/products")
    assert table.status_code == 200
    assert (
        ">120.5</data>" in table.text
        and ">12,500</data>" in table.text
        and "evidence-source" not in table.text
    )
    assert re.search(r'<details class="ecodata-more"><summary[^>]*>Forty adjustable', table.text)  # clipped
    card = datasette_get(shop, "/shop/products/3")
    assert card.status_code == 200
    heading = re.sub(r"<[^>]+>", "", re.search(r"<h1>(.*?)</h1>", card.text, flags=re.S).group(1))
    assert " ".join(heading.split()) == "Warehouse shelving: 12,500 (2024-04-02)"
    assert "Quote · 原文摘录" not in card.text and "@misc{products:3" in card.text
    assert datasette_get(shop, "/shop/products/3.json?_shape=array").json()[0]["price"] == 12500.0


FACET_TEMPLATE_EDITS = [
    (
        '<li><a href="{{ facet_value.toggle_url }}">{{ (facet_value.label | string()) or "-" }}</a> {{ "{:,}".format(facet_value.count) }}</li>',
        '<li><a href="{{ facet_value.toggle_url }}">{{ facet_labels(facet_info.name, facet_value) }}</a> {{ "{:,}".format(facet_value.count) }}</li>',
    ),
    (
        '<li>{{ facet_value.label or "-" }} &middot; {{ "{:,}".format(facet_value.count) }}',
        '<li>{{ facet_labels(facet_info.name, facet_value) }} &middot; {{ "{:,}".format(facet_value.count) }}',
    ),
    # the heading: the column's label in both languages (datasette_plugin.column_label), its name in the title
    (
        '<strong>{{ facet_info.name }}{% if facet_info.type != "column" %} ({{ facet_info.type }}){% endif %}',
        '<strong title="{{ facet_info.name }}{% if facet_info.type != "column" %} ({{ facet_info.type }}){% endif %}">{{ facet_heading(facet_info.name) if facet_heading is defined else facet_info.name }}{% if facet_info.type != "column" %} ({{ facet_info.type|both }}){% endif %}',
    ),
]


def test_our_facet_template_is_datasette_s_with_values_shown_by_their_labels():
    assert_upstream_template_with("_facet_results.html", FACET_TEMPLATE_EDITS)


def test_the_partner_country_facet_names_each_country_in_both_languages(built):
    page = datasette_get(built, f"/{DATABASE}/international_partnerships").text
    facet = page[page.index('data-column="partners_iso3"') :]
    facet = facet[: facet.index("</ul>")]
    assert "partners_iso3__arraycontains=JPN" in facet and "日本 · Japan" in facet
    assert ">JPN<" not in facet


def test_a_categories_facet_shows_each_value_with_its_labels_in_both_languages(built):
    page = datasette_get(built, f"/{DATABASE}/international_partnerships").text
    facet = page[page.index('data-column="china_role"') :]
    facet = facet[: facet.index("</ul>")]
    field = next(
        f
        for f in load_package(ROOT / "datapackage.json").table("international_partnerships")["schema"][
            "fields"
        ]
        if f["name"] == "china_role"
    )
    shown = [c for c in field["categories"] if f'china_role={c["value"]}"' in facet]
    assert shown and all(f"{c['label_zh']} · {c['label']}" in facet for c in shown)


DASHBOARD_TEMPLATE_EDITS = {
    "dashboard_view.html": [
        (
            '<a href="{{ urls.instance() }}">home</a> /\n        <a href="{{ urls.path(\'-/dashboards\') }}">dashboards</a>',
            '<a href="{{ urls.instance() }}">home · 首页</a> /\n        <a href="{{ urls.path(\'-/dashboards\') }}">dashboards · 图表</a>',
        ),
        (
            '<button type="button" onclick="toggleFullscreen()">Fullscreen</button>',
            '<button type="button" onclick="toggleFullscreen()">Fullscreen · 全屏</button>',
        ),
        ('<input type="submit" value="Apply">', '<input type="submit" value="Apply · 应用">'),
    ],
    "dashboard_list.html": [
        ('<a href="{{ urls.instance() }}">home</a>', '<a href="{{ urls.instance() }}">home · 首页</a>'),
        ("<h1>Dashboards</h1>", "<h1>Dashboards · 图表</h1>"),
        ("<p>No dashboards found</p>", "<p>No dashboards found · 没有图表</p>"),
    ],
}


@pytest.mark.parametrize("name", DASHBOARD_TEMPLATE_EDITS)
def test_our_dashboard_templates_are_the_plugin_s_with_bilingual_words(name):
    assert_upstream_template_with(name, DASHBOARD_TEMPLATE_EDITS[name], upstream="datasette_dashboards")


def test_the_dashboard_pages_speak_both_languages(built):
    page = datasette_get(built, "/-/dashboards/headline-figures").text
    assert "home · 首页" in page and "Apply · 应用" in page
    assert "Dashboards · 图表" in datasette_get(built, "/-/dashboards").text


def test_a_time_series_without_a_key_reads_date_first_with_one_link_to_each_row(tmp_path):
    """datasets/finance-vix: a table with no key showed its first number before its date, its rowid twice
    (Datasette's link and a column) and, last, the link a phone's card hid: no way to a row's page."""
    import shutil

    from ecodata.build.dist import build

    shutil.copytree(ROOT / "tests" / "data" / "real" / "ds-finance-vix", tmp_path / "vix")
    dist = build(tmp_path / "vix" / "datapackage.json", tmp_path / "dist")
    page = datasette_get(dist, "/finance-vix/vix-daily?_size=3").text
    headers = re.findall(r'<th [^>]*data-column="([^"]+)"', page)
    assert headers == ["Link", "DATE", "OPEN", "HIGH", "LOW", "CLOSE"]
    cells = re.findall(
        r'<td class="col-Link type-pk ecodata-role-key"[^>]*><div class="ecodata-cell">(.*?)</div>', page
    )
    assert cells == [f'<a href="/finance-vix/vix-daily/{row}">{row}</a>' for row in (1, 2, 3)]
    assert 'data-column="rowid"' not in page and "col-rowid" not in page


def test_a_dashboard_filter_holds_for_its_own_request_only(built):
    """datasette-dashboards writes a request's filters into its charts' queries in the configuration
    it is given; the server handed it the same one each time, so the first request's filter stuck:
    every later visitor's Source filter did nothing, or the unfiltered page counted 0."""
    import asyncio
    import urllib.parse

    from ecodata.serve.app import make_datasette

    source = "2021 中国的生物多样性保护 · Biodiversity Conservation in China"
    filtered = f"/-/dashboards/headline-figures?source={urllib.parse.quote(source)}"

    async def pages():
        datasette = make_datasette(built)
        await datasette.invoke_startup()
        return [
            (await datasette.client.get(path)).text
            for path in (filtered, "/-/dashboards/headline-figures", filtered)
        ]

    first, plain, again = asyncio.run(pages())
    condition = "AND src.label = :source"
    assert condition in first and condition not in plain and condition in again


def test_a_data_column_called_link_is_a_column_like_any_other(tmp_path):
    """Only Datasette's own link column (untyped, first, in a table without a one-field key) leads the
    table as the way to each row: a publisher's column named Link stays in its place."""
    from parity import table, write_package

    from ecodata.build.dist import build

    fields = [
        {"name": "id", "type": "integer"},
        {"name": "name", "type": "string"},
        {"name": "Link", "type": "string"},
    ]
    files = {"items.csv": b"id,name,Link\n1,one,https://example.org/1\n"}
    dist = build(
        write_package(tmp_path / "p", [table("items", fields, primaryKey=["id"])], files), tmp_path / "dist"
    )
    page = datasette_get(dist, "/parity/items").text
    assert re.findall(r'<th [^>]*data-column="([^"]+)"', page) == ["id", "name", "Link"]
    assert "col-Link type-str ecodata-role-text" in page  # text, as any column of text
