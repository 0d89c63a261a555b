"""Browser tests: Debian Chromium driven by playwright against a real `ecodata serve`.

Without a browser these tests skip on a workstation but FAIL under CI=true, where `.ci/run` installs
chromium and fonts-noto-cjk. Screenshots are saved to tests/artifacts/.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT

from ecodata.package import load_package

DATABASE = load_package(ROOT / "datapackage.json").name
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def missing(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: .ci/run must install it)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"ecodata serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(url)


@pytest.fixture(scope="module")
def server(built):
    port = free_port()
    ecodata = Path(sys.executable).parent / "ecodata"
    process = subprocess.Popen(
        [
            str(ecodata),
            "serve",
            str(ROOT / "datapackage.json"),
            "--out",
            str(built),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/-/versions.json", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    # Debian's chromium here and in .ci/run; GitHub's Ubuntu runners ship google-chrome instead.
    executable = next(
        filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None
    )
    if not executable:
        missing("Debian chromium is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("python playwright is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def recording_page(browser, request, width: int, height: int):
    """A page that records console errors and uncaught exceptions; the test fails on any."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
    context.close()
    assert errors == [], f"console errors: {errors}"


@pytest.fixture
def page(browser, request):
    """A desktop window, 1280×900."""
    yield from recording_page(browser, request, 1280, 900)


@pytest.fixture
def phone(browser, request):
    """A phone's window, 390×844."""
    yield from recording_page(browser, request, 390, 844)


def test_home_page_is_bilingual_and_its_downloads_work(server, page):
    page.goto(server + "/")
    heading = page.locator("h1").inner_text()
    assert "中国生物多样性保护" in heading and "biodiversity" in heading
    assert page.locator("h2#downloads").is_visible()
    links = page.locator("a[download]")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert any(href.endswith(".zip") for href in hrefs) and any(href.endswith("SHA256SUMS") for href in hrefs)
    for href in hrefs:
        response = page.request.get(server + href)
        assert response.status == 200, href
        assert len(response.body()) > 0, href


def test_table_page_facets_and_paginates(server, page):
    page.goto(f"{server}/{DATABASE}/indicators?_size=20")
    assert page.locator("h1").inner_text().startswith("Other figures · 其他指标")
    page.locator('.facet-info[data-column="category"] li a').first.click()
    page.wait_for_url("**category=*")
    filtered = page.locator("table.rows-and-columns tbody tr").count()
    assert 0 < filtered <= 20
    page.goto(f"{server}/{DATABASE}/indicators?_size=20")
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url("**_next=*")
    assert page.locator("table.rows-and-columns tbody tr").count() > 0


def test_search_box_finds_wetlands(server, page):
    page.goto(server + "/")
    page.fill("#search-all-q", "湿地")
    page.locator('form[action="/-/search"] input[type=submit]').click()
    page.wait_for_url("**/-/search?q=*")
    page.locator("#search-all-results table").first.wait_for(timeout=15000)
    assert "湿地" in page.locator("#search-all-results").inner_text()
    page.goto(f"{server}/{DATABASE}/protected_areas")
    page.fill("input#_search", "湿地")
    page.locator("form.filters input[type=submit]").click()
    page.wait_for_url("**_search=*")
    assert "湿地" in page.locator("table.rows-and-columns").inner_text()


def test_search_hits_link_to_their_rows_and_evidence_with_the_terms_marked(server, page):
    page.goto(server + "/-/search?q=" + urllib.parse.quote("湿地"))
    page.locator("#search-all-results table").first.wait_for(timeout=15000)
    headings = page.locator("#search-all-results h2").all_inner_texts()
    assert headings and all("·" in heading for heading in headings)  # bilingual table titles
    assert "湿地" in page.locator("#search-all-results mark").first.inner_text()
    row_link = page.locator("#search-all-results tr.search-hit td:first-child a").first
    assert page.request.get(server + row_link.get_attribute("href")).status == 200
    evidence = page.locator("#search-all-results a", has_text="原文 · source").first
    assert "/sources/" in evidence.get_attribute("href") and "#q-" in evidence.get_attribute("href")
    page.locator("#search-all-no-results details").wait_for(timeout=15000)  # tables without hits, folded
    assert page.locator("#search-all-no-results details").get_attribute("open") is None
    fields = page.locator("#search-all-results tr.search-hit small").all_inner_texts()
    assert fields and all("·" in field for field in fields), fields  # subject_zh · 主题（中文）


def test_search_hits_show_numbers_as_the_tables_do(server, page):
    page.goto(server + "/-/search?q=" + urllib.parse.quote("172 8万"))  # 各类自然保护地面积超过172.8万…
    page.locator("#search-all-results table").first.wait_for(timeout=15000)
    text = page.locator("#search-all-results").inner_text()
    assert "1,728,000" in text and "1728000" not in text


def test_a_search_with_no_hit_anywhere_says_so(server, page):
    page.goto(server + "/-/search?q=" + urllib.parse.quote("xylophone"))
    page.locator("#search-all-no-results details").wait_for(timeout=15000)
    said = page.locator("#search-all-results").inner_text()
    assert "No row holds “xylophone”" in said, said
    assert "没有找到含“xylophone”的记录" in said


def test_a_search_that_cannot_match_says_why_and_offers_what_works(server, page):
    page.goto(server + "/-/search?q=" + urllib.parse.quote("1.18万"))
    advice = page.locator(".search-advice")
    assert "punctuation" in advice.inner_text() and "标点" in advice.inner_text()
    assert "cannot match" not in advice.inner_text()  # it may match, as separate words: hits can follow
    advice.locator("a").first.click()
    page.wait_for_url("**/-/search?q=1%2018*")
    page.locator("#search-all-results table").first.wait_for(timeout=15000)
    assert "1.18万" in page.locator("#search-all-results").inner_text()
    page.goto(server + "/-/search?q=" + urllib.parse.quote("中华人民共和国濒危野生动植物进出口管理"))
    assert "16" in page.locator(".search-advice").inner_text()


@pytest.mark.parametrize(
    "query, said",
    [
        ("%", "has no letter or digit to search for"),  # it said "No row holds “%”" of quotes holding %
        ('"', "has no letter or digit to search for"),  # a lone quote listed every row of every table
        ("172.8万", "as the index reads it (see above)"),  # not "No row holds", beside the advice
        ("x" * 3000, "No row holds"),
    ],
    ids=["percent", "quote", "punctuated", "very long"],
)
def test_a_search_that_finds_nothing_says_why_and_stays_on_the_screen(server, page, query, said):
    page.goto(server + "/-/search?q=" + urllib.parse.quote(query))
    page.locator("#search-all-no-results details").wait_for(timeout=15000)
    text = page.locator("#search-all-results").inner_text()
    assert said in text and page.locator("#search-all-results table").count() == 0, text
    assert not overflows_sideways(page)  # a 3,000-character query made the page 24,000 px wide


def test_row_page_shows_the_quote_and_opens_it_in_the_source(server, page):
    row_id = "gb-crop-germplasm-long-term-accessions-2021wp"
    page.goto(f"{server}/{DATABASE}/germplasm_banks/{row_id}")
    quote = page.locator("q.evidence-quote").inner_text()
    assert "52万余份" in quote
    page.locator("a.evidence-source").click()
    page.wait_for_url(f"**/sources/*.html#q-{row_id}")
    current = page.locator("mark.current")
    current.first.wait_for()
    assert "".join(current.all_inner_texts()).replace("\n", "").replace(" ", "") == quote.replace(" ", "")
    assert current.first.is_visible()


def test_dashboard_renders_charts(server, page):
    page.goto(server + "/-/dashboards/headline-figures")
    drawn = page.locator(".vega-embed").filter(has=page.locator("svg, canvas"))
    drawn.nth(3).wait_for(timeout=20000)  # charts arrive one by one: the fourth chart drawn, not the
    assert drawn.count() >= 4  # fourth drawing (a chart may hold two), which came before its fourth chart
    assert "Headline figures · 主要数字" in page.locator("h1").inner_text()


# Pages people can read (the measures of issue P4): a table is a screen of rows, figures read as people
# read them, a row is an evidence card, and a phone gets all of it without scrolling sideways.

AREA_ROW = "pa-all-protected-areas-area-2018"  # 超过172.8万平方公里
RESERVES_ROW = "pa-national-nature-reserves-count-2018"  # 国家级自然保护区474个


def page_height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def overflows_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def test_a_table_page_is_a_screen_of_readable_rows(server, page):
    page.goto(f"{server}/{DATABASE}/protected_areas")
    assert page_height(page) <= 6000  # 26 238 px before: a row was ~700 px tall
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() == 35
    assert (
        rows.nth(1).bounding_box()["y"] + rows.nth(1).bounding_box()["height"] <= 900
    )  # on the first screen
    page.locator("table.rows-and-columns").evaluate("table => table.scrollIntoView()")
    tops = [rows.nth(i).bounding_box() for i in range(14)]
    assert sum(box["y"] + box["height"] <= 900 for box in tops) >= 12  # a dozen rows on one screen
    columns = page.locator("table.rows-and-columns thead th").evaluate_all(
        "cells => cells.map(cell => cell.dataset.column)"
    )
    assert columns[:7] == ["id", "subject_zh", "subject_en", "value", "as_of", "source_id", "quote"]
    for name in ("value", "as_of", "source_id", "quote"):  # the key columns are all in the window
        box = page.locator(f'thead th[data-column="{name}"]').bounding_box()
        assert box["x"] + box["width"] <= 1280, name
    assert page.locator("form.filters").is_visible() and page.locator(".facet-results").is_visible()
    assert not page.locator("button.ecodata-fold-toggle").first.is_visible()  # folded on phones only
    descriptions = page.locator("details.ecodata-columns")
    assert not descriptions.locator("dl").is_visible()
    descriptions.locator("summary").click()
    assert descriptions.locator("dl").is_visible()


def test_figures_read_as_people_read_them(server, page):
    page.goto(f"{server}/{DATABASE}/protected_areas")
    area = page.locator(f'tr:has(a[href$="/{AREA_ROW}"])')
    value = " ".join(area.locator("td.col-value").inner_text().split())
    assert value == "more than · 超过 1,728,000 km² 172.8万"
    values = page.locator("td.col-value").all_inner_texts()
    assert not [text for text in values if re.search(r"\d\.0\b", text)]  # no 474.0, 18.0
    reserves = page.locator(f'tr:has(a[href$="/{RESERVES_ROW}"]) td.col-value')
    assert reserves.inner_text().strip() == "474"


def test_a_quote_is_two_lines_with_a_short_link_and_a_note_opens_on_a_click(server, page):
    page.goto(f"{server}/{DATABASE}/protected_areas")
    row = page.locator(f'tr:has(a[href$="/{AREA_ROW}"])')
    link = row.locator("a.evidence-source")
    assert link.inner_text() == "原文 · source ↗" and link.get_attribute("href").endswith(f"#q-{AREA_ROW}")
    quote = row.locator("q.evidence-quote").bounding_box()
    assert quote["height"] <= 3 * 22  # clipped to two lines
    note = row.locator("td.col-note_en details")
    clipped = note.bounding_box()["height"]
    assert clipped <= 3 * 22
    note.locator("summary").click()
    assert note.bounding_box()["height"] > 2 * clipped


def test_a_table_page_fits_a_phone(server, phone):
    phone.goto(f"{server}/{DATABASE}/protected_areas")
    assert not overflows_sideways(phone)
    first = phone.locator("table.rows-and-columns tbody tr").first
    value = first.locator("td.col-value")
    assert value.is_visible() and "1,728,000" in value.inner_text()
    label = value.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert "value" in label and "数值" in label  # each cell says its column
    assert first.bounding_box()["width"] <= 390
    folded = first.locator("td.ecodata-role-other, td.ecodata-role-number").all()
    hidden = sum(not cell.is_visible() for cell in folded)
    assert hidden == len(folded)
    note = phone.locator("p.ecodata-phone-only")  # the columns a card leaves out are said, not dropped unsaid
    assert (
        hidden
        and note.is_visible()
        and note.inner_text().startswith(f"{hidden} more columns on each row's page")
    )
    for table in ("international_partnerships", "indicators"):
        phone.goto(f"{server}/{DATABASE}/{table}")
        assert not overflows_sideways(phone), table


def test_a_wide_screen_is_not_told_of_columns_it_shows(server, page):
    page.goto(f"{server}/{DATABASE}/protected_areas")
    assert (
        page.locator("p.ecodata-phone-only").count() == 1
        and not page.locator("p.ecodata-phone-only").is_visible()
    )


def test_a_phone_sees_rows_on_the_first_screen_and_unfolds_filters_and_facets(server, phone):
    phone.goto(f"{server}/{DATABASE}/protected_areas")
    first = phone.locator("table.rows-and-columns tbody tr").first
    assert first.bounding_box()["y"] + 100 <= 844  # it started at y ≈ 1 090, below description and facets
    assert "35 rows" in phone.locator("h2.ecodata-count").inner_text()
    empty = phone.locator("table.rows-and-columns td.type-none")
    assert empty.count() and not any(
        cell.is_visible() for cell in empty.all()[:40]
    )  # no blank line in a card
    for hidden in ("form.filters", ".facet-results", ".metadata-description"):
        assert not phone.locator(hidden).first.is_visible(), hidden
    phone.get_by_text("Search, filters and facets · 搜索、筛选与分面").click()
    assert phone.locator("form.filters").is_visible() and phone.locator(".facet-results").is_visible()
    phone.get_by_text("About this table · 关于本表").click()
    assert phone.locator(".metadata-description").first.is_visible()


def test_a_row_page_is_an_evidence_card_on_the_first_screen(server, page):
    page.goto(f"{server}/{DATABASE}/protected_areas/{RESERVES_ROW}")
    heading = " ".join(page.locator("h1").inner_text().split())
    assert heading == "National nature reserves · 国家级自然保护区: 474 (2018-12-31)"

    def on_first_screen(locator) -> bool:
        box = locator.bounding_box()
        return locator.is_visible() and box["y"] >= 0 and box["y"] + box["height"] <= 900 and box["x"] >= 0

    quote = page.locator("q.evidence-quote")
    assert quote.inner_text() == "国家级自然保护区474个" and on_first_screen(quote)
    citation = page.locator("dl.ecodata-citation")
    assert on_first_screen(citation)
    text = citation.inner_text()
    assert (
        "共建地球生命共同体" in text
        and "中华人民共和国政府" in text
        and "2020-09" in text
        and "sha256" in text
    )
    passage = page.locator("a.evidence-source")
    assert on_first_screen(passage)
    fields = page.locator(".ecodata-field")
    schema = load_package(ROOT / "datapackage.json").table("protected_areas")["schema"]
    assert fields.count() == len(schema["fields"]) - 1  # every field but the quote, shown above
    assert all(on_first_screen(fields.nth(i)) for i in range(fields.count()))
    designation = page.locator(".ecodata-field-designation").inner_text()
    assert "国家级自然保护区 · national nature reserve" in designation and "保护地类型" in designation
    cite = page.locator("#cite")
    assert "[Data row protected_areas/" + RESERVES_ROW + "]" in cite.locator("pre.ecodata-apa").inner_text()
    assert cite.locator("pre.ecodata-bibtex").inner_text().startswith("@misc{protected_areas:" + RESERVES_ROW)
    for name, exact in (("JSON", "474.0"), ("CSV", "474.0")):
        response = page.request.get(
            server + page.get_by_role("link", name=name, exact=True).get_attribute("href")
        )
        assert response.status == 200 and exact in response.text(), name
    passage.click()
    page.wait_for_url(f"**/sources/*.html#q-{RESERVES_ROW}")
    assert page.locator("mark.current").first.is_visible()


def test_a_row_page_fits_a_phone(server, phone):
    phone.goto(f"{server}/{DATABASE}/protected_areas/{AREA_ROW}")
    assert not overflows_sideways(phone)
    assert phone.locator("q.evidence-quote").is_visible()
    assert "172.8万" in phone.locator("h1").inner_text()


def in_both_languages(text: str) -> bool:
    """`缔约方 · Party`: Chinese, then English, as every code label reads."""
    chinese, _, english = text.partition(" · ")
    return bool(re.search(r"[\u3400-\u9fff]", chinese) and re.search(r"[A-Za-z]", english))


def test_codes_read_in_both_languages_in_facets_cells_and_the_row_card(server, page):
    page.goto(f"{server}/{DATABASE}/international_partnerships")
    for column in ("category", "china_role", "instrument_type", "qualifier", "unit"):
        labels = page.locator(f'.facet-info[data-column="{column}"] li a').all_inner_texts()
        assert labels and all(map(in_both_languages, labels)), (column, labels)
    for column in ("category", "china_role", "instrument_type"):
        cells = [text for text in page.locator(f"td.col-{column}").all_inner_texts() if text.strip()]
        assert cells and all(map(in_both_languages, cells)), (column, cells[:3])
    page.locator("td.col-id a").first.click()
    page.wait_for_url(f"**/{DATABASE}/international_partnerships/*")
    for column in ("category", "china_role", "instrument_type"):
        shown = page.locator(f".ecodata-field-{column} dd").inner_text()
        assert in_both_languages(shown), (column, shown)


def test_a_figure_is_sorted_within_one_unit_and_a_sort_across_units_says_why_not(server, page):
    page.goto(f"{server}/{DATABASE}/protected_areas")
    header = page.locator('thead th[data-column="value"]')
    assert header.locator(":scope > a").count() == 0  # no sort that ranks km² against counts
    header.locator("summary", has_text="sort per unit · 按单位排序").click()
    header.get_by_role("link", name="km²").click()
    page.wait_for_url("**unit=km2*")
    assert "_sort=value" in page.url
    units = page.locator("td.col-value abbr.ecodata-unit").all_inner_texts()
    assert units and set(units) == {"km²"}
    numbers = [
        float(n)
        for n in page.locator("td.col-value data.ecodata-number").evaluate_all("ds => ds.map(d => d.value)")
    ]
    assert numbers == sorted(numbers)
    assert page.locator('thead th[data-column="value"] > a').is_visible()  # one unit: an ordinary sort
    page.goto(f"{server}/{DATABASE}/protected_areas?_sort_desc=value")  # a typed or old link
    note = page.locator(".ecodata-units-note")
    assert "mix 4 units" in note.inner_text() and "混合了 4 种单位" in note.inner_text()
    assert "unit=km2" in note.get_by_role("link", name="km²").get_attribute("href")
    answer = page.request.get(f"{server}/{DATABASE}/protected_areas.json?_sort=value&_shape=array").json()
    values = [row["value"] for row in answer if row["value"] is not None]
    assert values == sorted(values)  # the API sorts as asked


WORDS_SPLIT_ACROSS_LINES = """() => {
  const split = [];
  for (const item of document.querySelectorAll(".facet-info li")) {
    const walker = document.createTreeWalker(item, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      for (const word of node.textContent.matchAll(/[A-Za-z]{4,}/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        if (range.getClientRects().length > 1) split.push(word[0]);
      }
    }
  }
  return split;
}"""


def test_facet_values_break_between_words(server, page):
    page.goto(f"{server}/{DATABASE}/protected_areas")
    assert page.evaluate(WORDS_SPLIT_ACROSS_LINES) == []


@pytest.mark.parametrize("window", ["page", "phone"])
def test_search_engines_read_the_dataset_json_ld_in_the_browser(server, window, request):
    """The JSON-LD a dataset search engine reads, as the browser has it, at both sizes."""
    tab = request.getfixturevalue(window)
    tab.goto(server + "/")
    (found,) = tab.evaluate(
        "Array.from(document.querySelectorAll('script[type=\"application/ld+json\"]')).map(s => JSON.parse(s.textContent))"
    )
    assert found["@type"] == "Dataset" and found["name"] and found["license"] and found["temporalCoverage"]
    downloads = {item["encodingFormat"]: item["contentUrl"] for item in found["distribution"]}
    for url in downloads.values():
        assert tab.request.head(url).status == 200, url
    assert {"application/vnd.apache.parquet", "application/x-sqlite3"} <= set(downloads)
