"""Datasette's own interface words in both languages: the crumbs and the menu, a table page's filters,
sort description, export links and panel, facet headings and column menu, a saved query's page and the
footer, at a desktop's width and a phone's; and the table page's CSV link downloads the file."""

from __future__ import annotations

import re

import pytest
from conftest import assert_upstream_template_with, datasette_get
from test_browser import DATABASE, browser, page, phone, server  # noqa: F401 (fixtures)

from ecodata.serve.words import description_zh

# In-process first: with the browser open, playwright's event loop is running in this thread.


def test_the_table_page_s_csv_link_downloads_the_file(built):
    html = datasette_get(built, f"/{DATABASE}/protected_areas").text
    link = re.search(r'<a href="([^"]*\.csv\?[^"]*)" download>CSV</a>', html).group(1).replace("&amp;", "&")
    assert "_dl=1" in link
    response = datasette_get(built, link)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment")
    query = datasette_get(built, QUERY).text
    assert re.search(r'<a href="[^"]*\.csv\?[^"]*_dl=1" download>CSV</a>', query)


def test_a_table_s_description_says_its_filters_and_sort_in_chinese():
    from datasette.filters import Filters

    filters = Filters([("designation", "x"), ("value__gte", "10"), ("note_en__isblank", "1")])
    assert description_zh(filters, "湿地", None, "value") == (
        '筛选：搜索 "湿地"，且 designation = "x"，且 value ≥ 10，且 note_en 为空；按 value 降序排列'
    )
    assert description_zh(Filters([]), None, "id", None) == "按 id 升序排列"
    assert description_zh(Filters([]), None, None, None) == ""


# An English interface word (a regular expression, case-sensitive) → the Chinese the same line must carry.
INTERFACE_WORDS = [
    (r"\bhome\b", "首页"),
    (r"\bDashboards\b", "图表"),
    (r"Search all tables", "搜索全部数据表"),
    (r"\bSearch\b", "搜索"),
    (r"\bsorted by\b", "排列"),
    (r"\bwhere\b", "筛选"),
    (r"View and edit SQL", "查看并编辑"),
    (r"This data as", "数据格式"),
    (r"\badvanced\b", "高级"),
    (r"- column -|- column ·", "列"),
    (r"remove filter", "移除筛选"),
    (r"\bcontains\b", "包含"),
    (r"\bstarts with\b", "开头"),
    (r"\bends with\b", "结尾"),
    (r"\bis (not )?(null|blank)\b", "空"),
    (r"\bSort\b", "排序|排列"),
    (r"\bdescending\b", "降序"),
    (r"\bApply\b", "应用"),
    (r"\(array", "列表"),
    (r"Next page", "下一页"),
    (r"JSON shape", "JSON 结构"),
    (r"CSV options", "CSV 选项"),
    (r"download file", "下载文件"),
    (r"expand labels", "展开标签"),
    (r"Export CSV", "导出 CSV"),
    (r"Custom SQL query", "自定义 SQL 查询"),
    (r"\brows?\b", "行"),
    (r"\(show\)|\(hide\)", "显示|隐藏"),
    (r"Run SQL", "运行"),
    (r"Edit SQL", "编辑 SQL"),
    (r"Query parameters", "查询参数"),
    (r"Powered by", "技术支持"),
    (r"Queries took", "查询耗时"),
    (r"Data license", "数据许可"),
    (r"Data source", "数据来源"),
    (r"\bAbout:", "关于"),
    # the column menu (table.js)
    (r"Sort ascending", "升序"),
    (r"Sort descending", "降序"),
    (r"Facet by this", "分面"),
    (r"Hide this column", "隐藏此列"),
    (r"Show all columns", "显示全部列"),
    (r"Show not-blank rows", "非空"),
    (r"\bType\b", "类型"),
]

# The page's own words, without its data: rows, descriptions, facet values, SQL. Submit buttons by
# their value; options of a visible select each on a line.
INTERFACE_TEXT = """() => {
    const content = document.querySelector("body").cloneNode(true);
    const drop = "tbody, .metadata-description, .column-descriptions, .facet-info ul, pre, textarea, "
        + "script, style, .dropdown-menu, .ecodata-units-note, ul.bullets small";
    const live = [...document.querySelectorAll("input[type=submit], button")].filter((el) => el.offsetParent);
    for (const element of content.querySelectorAll(drop)) element.remove();
    const holder = document.createElement("div");
    holder.style.position = "absolute"; holder.style.left = "-99999px"; holder.style.width = "1200px";
    holder.appendChild(content);
    document.body.appendChild(holder);
    const text = content.innerText;
    holder.remove();
    return [text, ...live.map((el) => el.value || el.innerText)].join("\\n");
}"""


def english_only(text: str) -> list[str]:
    """Each line with an English interface word but not its Chinese."""
    found = []
    for line in text.splitlines():
        for english, chinese in INTERFACE_WORDS:
            if re.search(english, line) and not re.search(chinese, line):
                found.append(f"{english!r}: {line.strip()[:160]}")
    return found


def open_everything(window) -> None:
    """The phone's folds and the nav menu open, so their words are on the page."""
    folded = window.locator('.ecodata-fold-toggle[aria-expanded="false"]')
    for _ in range(5):
        if not folded.count():
            break
        folded.first.click()
    window.evaluate("() => document.querySelector('details.nav-menu')?.setAttribute('open', '')")


TABLE = f"/{DATABASE}/international_partnerships?_size=20&_sort_desc=value&category__not=x"
QUERY = f"/{DATABASE}/enforcement_by_year_and_type"


@pytest.mark.parametrize(
    "path",
    [TABLE, QUERY, f"/{DATABASE}", f"/{DATABASE}/protected_areas/{'pa-national-nature-reserves-count-2018'}"],
)
@pytest.mark.parametrize("viewport", ["page", "phone"])
def test_datasette_s_words_are_in_both_languages(server, request, viewport, path):  # noqa: F811
    window = request.getfixturevalue(viewport)
    window.goto(server + path)
    open_everything(window)
    text = window.evaluate(INTERFACE_TEXT)
    assert "首页" in text and "技术支持" in text  # the crumbs and the footer were read
    assert english_only(text) == []
    assert "·" in window.title() and not window.title().startswith(DATABASE)  # bilingual, not the slug


def test_a_table_page_s_interface_reads_in_both_languages(server, page):  # noqa: F811
    page.goto(server + TABLE)
    open_everything(page)
    text = page.evaluate(INTERFACE_TEXT)
    for shown in [
        "Next page · 下一页",
        "JSON shape · JSON 结构",
        "Export CSV · 导出 CSV",
        "sorted by value descending",
    ]:
        assert shown in text
    assert "按 value 降序排列" in page.locator("h2.ecodata-count").inner_text()
    links = page.locator(".nav-menu-inner a").all_inner_texts()
    assert "Dashboards · 图表" in links and "Search all tables · 搜索全部数据表" in links


def test_facet_headings_are_the_columns_labels_with_their_names_in_the_title(server, page):  # noqa: F811
    page.goto(f"{server}/{DATABASE}/international_partnerships")
    headings = page.locator(".facet-info-name strong")
    assert headings.count() >= 5
    for index in range(headings.count()):
        heading = headings.nth(index)
        column = heading.locator("xpath=ancestor::div[@data-column]").get_attribute("data-column")
        assert heading.get_attribute("title").startswith(column)
        assert re.search(r"[\u4e00-\u9fff]", heading.inner_text()), heading.inner_text()
    partners = page.locator('.facet-info[data-column="partners_iso3"] strong').inner_text()
    assert partners.startswith("partners_iso3 · 合作国家 (array · 列表)")


def test_the_column_menu_reads_in_both_languages(server, page):  # noqa: F811
    page.goto(f"{server}/{DATABASE}/protected_areas?_nocol=group_id")
    page.locator('th[data-column="as_of"] .dropdown-menu-icon').click()
    menu = page.locator("body > .dropdown-menu")
    menu.wait_for()
    text = menu.inner_text()
    for shown in [
        "Sort ascending · 升序",
        "Sort descending · 降序",
        "Facet by this · 按此列分面",
        "Hide this column · 隐藏此列",
        "Show all columns · 显示全部列",
        "Type · 类型: TEXT",
    ]:
        assert shown in text
    assert english_only(text) == []
    page.keyboard.press("Escape")
    page.locator("h1").click()
    page.locator('th[data-column="value"] .dropdown-menu-icon').click()  # the type line, set anew
    assert "Type · 类型: REAL" in menu.inner_text()


# Datasette's templates → ours: the words in both languages, and the edits named beside them.
FOOTER_EDITS = [
    (
        'Powered by <a href="https://datasette.io/" title="Datasette v{{ datasette_version }}">Datasette</a>',
        'Powered by · 技术支持: <a href="https://datasette.io/" title="Datasette v{{ datasette_version }}">Datasette</a>',
    ),
    ("&middot; Queries took {{", "&middot; Queries took · 查询耗时 {{"),
    ("&middot; Data license:", "&middot; Data license · 数据许可:"),
    ("        Data source: {%", "        Data source · 数据来源: {%"),
    ("        About: {%", "        About · 关于: {%"),
]
LICENSE_EDITS = [
    ("%}Data license:\n", "%}Data license · 数据许可:\n"),
    ("        Data source: {%", "        Data source · 数据来源: {%"),
    ("        About: {%", "        About · 关于: {%"),
]
CRUMBS_EDITS = [
    (
        '<a href="{{ item.href }}">{{ item.label }}</a>',
        '<a href="{{ item.href }}">{{ item.label|both if loop.first else item.label }}</a>',
    )
]
# a saved query titled by its title, not its SQL; its CSV link downloads; headings in order; the SQL labelled
QUERY_EDITS = [
    (
        "{% block title %}{{ database }}{% if query and query.sql %}: {{ query.sql }}{% endif %}{% endblock %}",
        "{% block title %}{% if canned_query and metadata.title %}{{ metadata.title }}{% else %}{{ database }}{% if query and query.sql %}: {{ query.sql }}{% endif %}{% endif %}{% endblock %}",
    ),
    (
        '<p class="message-error">This query cannot be executed because the database is immutable.</p>',
        '<p class="message-error">This query cannot be executed because the database is immutable. · 数据库只读，无法执行此查询。</p>',
    ),
    (
        '    <h3>Custom SQL query{% if display_rows %} returning {% if truncated %}more than {% endif %}{{ "{:,}".format(display_rows|length) }} row{% if display_rows|length == 1 %}{% else %}s{% endif %}{% endif %}{% if not query_error %}\n        <span class="show-hide-sql">(<a href="{{ show_hide_link }}">{{ show_hide_text }}</a>)</span>\n    {% endif %}</h3>',
        '    <h2>Custom SQL query{% if display_rows %} returning {% if truncated %}more than {% endif %}{{ "{:,}".format(display_rows|length) }} row{% if display_rows|length == 1 %}{% else %}s{% endif %}{% endif %} · 自定义 SQL 查询{% if display_rows and chinese %}，返回{{ "超过" if truncated }} {{ "{:,}".format(display_rows|length) }} 行{% endif %}{% if not query_error %}\n        <span class="show-hide-sql">(<a href="{{ show_hide_link }}">{{ show_hide_text|both }}</a>)</span>\n    {% endif %}</h2>',
    ),
    (
        '<p><textarea id="sql-editor" name="sql"{%',
        '<p><textarea id="sql-editor" name="sql" aria-label="SQL"{%',
    ),
    ("<h3>Query parameters</h3>", "<h2>Query parameters · 查询参数</h2>"),
    (
        '<button id="sql-format" type="button" hidden>Format SQL</button>',
        '<button id="sql-format" type="button" hidden>Format SQL · 格式化 SQL</button>',
    ),
    ('<input type="submit" value="Run SQL"{%', '<input type="submit" value="Run SQL · 运行"{%'),
    ('class="canned-query-edit-sql">Edit SQL</a>', 'class="canned-query-edit-sql">Edit SQL · 编辑 SQL</a>'),
    ('<p class="export-links">This data as {%', '<p class="export-links">This data as · 数据格式: {%'),
    (
        '<a href="{{ url_csv }}">CSV</a></p>',
        "<a href=\"{{ url_csv }}{{ '&' if '?' in url_csv else '?' }}_dl=1\" download>CSV</a></p>",
    ),
    ('<p class="zero-results">0 results</p>', '<p class="zero-results">0 results · 没有结果</p>'),
]


@pytest.mark.parametrize(
    "name, edits",
    [
        ("_footer.html", FOOTER_EDITS),
        ("_description_source_license.html", LICENSE_EDITS),
        ("_crumbs.html", CRUMBS_EDITS),
        ("query.html", QUERY_EDITS),
    ],
)
def test_our_templates_are_datasette_s_with_their_words_in_both_languages(name, edits):
    assert_upstream_template_with(name, edits)


def test_a_column_menu_opens_and_closes_from_the_keyboard(server, page):  # noqa: F811
    """table.js's ⚙ icons were bare SVGs listening for clicks: no Tab stop, no key opened them."""
    page.goto(f"{server}/{DATABASE}/protected_areas")
    icon = page.locator('th[data-column="as_of"] .dropdown-menu-icon')
    assert icon.get_attribute("tabindex") == "0" and icon.get_attribute("role") == "button"
    icon.focus()
    page.keyboard.press("Enter")
    menu = page.locator("body > .dropdown-menu")
    menu.wait_for()
    assert page.evaluate("document.activeElement.closest('.dropdown-menu') !== null")  # its first item
    page.keyboard.press("Escape")
    menu.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.classList.contains('dropdown-menu-icon')")


def test_the_first_tab_on_a_table_page_offers_to_skip_to_the_rows(server, page):  # noqa: F811
    """The first column header was the 45th Tab stop, after the crumbs, the search, filters and facets."""
    page.goto(f"{server}/{DATABASE}/protected_areas")
    skip = page.locator("a.ecodata-skip")
    assert not skip.is_visible() or skip.bounding_box()["x"] < 0  # out of sight until it has the focus
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "ecodata-skip"
    assert skip.bounding_box()["x"] >= 0 and "Skip to the rows" in skip.inner_text()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#rows thead') !== null")  # a header's control
