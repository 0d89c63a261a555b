"""Browser tests of what a new reader sees on the dashboard and the source pages (issue P4, items 6-7):
charts on linear scales with whole-number ticks, bars side by side with their values, labels in both
languages instead of codes; source pages that read as paragraphs, link every highlight to its row and
open a cited passage with its context above it."""

import json
import re
import urllib.parse
from pathlib import Path

import pytest
from test_browser import DATABASE, browser, overflows_sideways, page, phone, server  # noqa: F401 (fixtures)

HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{3}")
CODE = re.compile(r"^[a-z0-9]+(?:[_-][a-z0-9]+)+$")  # a slug or table name such as white-paper-2021
WHOLE_NUMBER = re.compile(r"^\d{1,3}(?:,\d{3})*$")


def bilingual(text: str) -> bool:
    return bool(HAN.search(text)) and bool(LATIN.search(text))


def vega_lite_charts(built) -> dict:
    metadata = json.loads((built / "metadata.json").read_text(encoding="utf-8"))
    dashboard = metadata["plugins"]["datasette-dashboards"]["headline-figures"]
    return {slug: chart for slug, chart in dashboard["charts"].items() if chart["library"] == "vega-lite"}


CHART_FACTS = """(slug) => {
  const svg = document.querySelector(`#chart-${slug} svg`);
  const texts = (selector) => Array.from(svg.querySelectorAll(selector)).map((e) => e.textContent);
  const axes = Array.from(svg.querySelectorAll('g.role-axis')).map((axis) => ({
    aria: axis.getAttribute('aria-label') || '',
    labels: Array.from(axis.querySelectorAll('g.role-axis-label text')).map((e) => e.textContent),
    title: Array.from(axis.querySelectorAll('g.role-axis-title text')).map((e) => e.textContent).join(' '),
  }));
  const bars = Array.from(svg.querySelectorAll('g.role-mark path[aria-roledescription="bar"]')).map((bar) => {
    const box = bar.getBoundingClientRect();
    return {x: box.x, y: box.y, w: box.width, h: box.height, aria: bar.getAttribute('aria-label')};
  });
  return {
    axes, bars,
    values: texts('g.mark-text.role-mark text'),
    legendTitles: texts('g.role-legend-title text'),
    legendLabels: texts('g.role-legend-label text'),
  };
}"""


def overlapping(bars: list[dict]) -> list[tuple[str, str]]:
    """Pairs of bars whose drawn boxes share more than a hairline."""
    found = []
    for index, a in enumerate(bars):
        for b in bars[index + 1 :]:
            width = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
            height = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
            if width > 0.5 and height > 0.5:
                found.append((a["aria"], b["aria"]))
    return found


def open_dashboard(page, server, built) -> dict:  # noqa: F811
    """The dashboard, once every chart has drawn its bars; its vega-lite charts by slug."""
    charts = vega_lite_charts(built)
    page.goto(server + "/-/dashboards/headline-figures")
    page.wait_for_function(
        f"document.querySelectorAll('.vega-embed svg.marks g.role-mark path').length > 0 && "
        f"document.querySelectorAll('.vega-embed svg.marks').length >= {len(charts)}",
        timeout=20000,
    )
    return charts


def test_dashboard_charts_can_be_trusted(server, page, built):  # noqa: F811
    charts = open_dashboard(page, server, built)
    for title in page.locator(".dashboard-card-title").all_inner_texts():
        assert bilingual(title), title
    for slug in charts:
        facts = page.evaluate(CHART_FACTS, slug)
        continuous = [axis for axis in facts["axes"] if " scale with values from " in axis["aria"]]
        assert continuous, slug
        for axis in continuous:
            assert "for a linear scale" in axis["aria"], (slug, axis["aria"])  # no log scale
            assert bilingual(axis["title"]), (slug, axis["title"])
            assert axis["labels"] and all(WHOLE_NUMBER.match(label) for label in axis["labels"]), (
                slug,
                axis["labels"],  # counts are whole numbers: no 0.5 steps
            )
        for axis in facts["axes"]:
            if axis not in continuous:
                assert all(bilingual(label) and not CODE.match(label) for label in axis["labels"]), slug
        assert facts["bars"], slug
        assert overlapping(facts["bars"]) == [], slug
        assert len(facts["values"]) == len(facts["bars"]), slug  # every bar says its value
        assert all(WHOLE_NUMBER.match(value) for value in facts["values"]), (slug, facts["values"])
        for text in facts["legendTitles"] + facts["legendLabels"]:
            assert bilingual(text) and not CODE.match(text), (slug, text)


PHONE_CHART = """(slug) => {
  const card = document.querySelector(`#chart-${slug}`).getBoundingClientRect();
  const svg = document.querySelector(`#chart-${slug} svg.marks`);
  const boxes = (selector) => Array.from(svg.querySelectorAll(selector)).map((e) => {
    const box = e.getBoundingClientRect();
    return {x: box.x, y: box.y, w: box.width, h: box.height, aria: e.textContent};
  });
  const axes = Array.from(svg.querySelectorAll('g.role-axis'));
  return {
    card: {left: card.left, right: card.right}, svg: svg.getBoundingClientRect().right,
    bars: boxes('g.role-mark path[aria-roledescription="bar"]'),
    labels: axes.map((axis) => boxes_of(axis)),
  };
  function boxes_of(axis) {
    const shown = (e) => e.getAttribute('opacity') !== '0';  // labelOverlap hides a label, keeps it
    return Array.from(axis.querySelectorAll('g.role-axis-label text')).filter(shown).map((e) => {
      const box = e.getBoundingClientRect();
      const lines = Array.from(e.querySelectorAll('tspan')).map((line) => line.textContent);
      return {x: box.x, y: box.y, w: box.width, h: box.height, aria: e.textContent, lines};
    });
  }
}"""


def known_words(built: Path) -> set[str]:
    """Every Latin-script word of the built metadata and database: what a chart's labels are made of."""
    import sqlite3

    words = set(re.findall(r"[A-Za-z]+", (built / "metadata.json").read_text(encoding="utf-8")))
    with sqlite3.connect(next(built.glob("*.db"))) as db:
        tables = [  # not the search indexes: they hold no text, and cannot be scanned (columnsize=0)
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
            )
        ]
        for table in tables:
            for row in db.execute(f'SELECT * FROM "{table}"'):
                words.update(
                    word for cell in row if isinstance(cell, str) for word in re.findall(r"[A-Za-z]+", cell)
                )
    return words


def latin_words(lines: list[str]) -> list[str]:
    """The whole Latin-script words of a wrapped label's lines (a word cut short by … left out)."""
    return [word for line in lines for word in re.findall(r"[A-Za-z]+(?![A-Za-z]*…)", line)]


def test_dashboard_charts_can_be_read_on_a_phone(server, phone, built):  # noqa: F811
    charts = open_dashboard(phone, server, built)
    vocabulary = known_words(built)
    assert not overflows_sideways(phone)
    for slug in charts:
        facts = phone.evaluate(PHONE_CHART, slug)
        assert facts["svg"] <= facts["card"]["right"] + 1, slug  # labels, bars and values inside the card
        for labels in facts["labels"]:  # axis labels (wrapped, or fewer ticks) never collide
            assert overlapping(labels) == [], (slug, overlapping(labels)[:2])
            for label in labels:  # and an English label breaks between words, not inside one
                assert set(latin_words(label["lines"])) <= vocabulary, (slug, label["lines"])
        longest = max(bar["w"] for bar in facts["bars"])
        assert longest >= 0.2 * (facts["card"]["right"] - facts["card"]["left"]), (slug, longest)
        facts = phone.evaluate(CHART_FACTS, slug)  # and what the desktop promises still holds
        assert overlapping(facts["bars"]) == [] and len(facts["values"]) == len(facts["bars"]), slug
        for axis in facts["axes"]:
            if " scale with values from " in axis["aria"]:
                assert "for a linear scale" in axis["aria"], slug
                assert all(WHOLE_NUMBER.match(label) for label in axis["labels"]), (slug, axis["labels"])


WHITE_PAPER = "/sources/white-paper-2021-excerpt.zh.html"
CROP_ROW = "gb-crop-germplasm-long-term-accessions-2021wp"

TEXT_RECT = """([needle, beforeMark]) => {
  // the rectangle of the last occurrence of `needle` before the current mark, across text nodes
  const root = document.querySelector('.text');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = []; let text = ''; let markAt = -1; let node;
  const mark = document.querySelector(beforeMark);
  while ((node = walker.nextNode())) {
    if (markAt < 0 && mark.contains(node)) markAt = text.length;
    nodes.push([node, text.length]); text += node.textContent;
  }
  const start = text.lastIndexOf(needle, markAt);
  if (start < 0) return null;
  const at = (index) => { for (let i = nodes.length - 1; i >= 0; i--) if (nodes[i][1] <= index) return [nodes[i][0], index - nodes[i][1]]; };
  const range = document.createRange();
  range.setStart(...at(start)); range.setEnd(...at(start + needle.length));
  const box = range.getBoundingClientRect();
  return {top: box.top, bottom: box.bottom};
}"""


def test_source_page_reads_as_paragraphs_and_opens_a_quote_with_its_context(server, page):  # noqa: F811
    page.goto(f"{server}{WHITE_PAPER}#q-{CROP_ROW}")
    page.locator("mark.current").first.wait_for()
    page.wait_for_timeout(300)  # the browser's own scroll to the fragment
    text = page.locator(".text").inner_text()
    assert "52万余份" in text  # not "52 / 万余份" across a print line break
    assert "保护领域的资金，为加强生物多样性保护提供重要保障。" in text  # justified spacing gone
    assert "（二）完善迁地保护体系\n" in text  # a heading stays its own paragraph
    viewport = page.viewport_size["height"]
    quote_top = page.locator("mark.current").first.bounding_box()["y"]
    assert viewport * 0.15 < quote_top < viewport * 0.8, quote_top  # not flush at the top: context above
    date = page.evaluate(TEXT_RECT, ["截至 2020 年底", "mark.current"])  # the figure's date, as_of 2020-12-31
    assert date is not None and 0 <= date["top"] and date["bottom"] <= quote_top, date


@pytest.mark.parametrize("source", ["white-paper-2021-excerpt.zh.html", "position-paper-2020.zh.html"])
def test_a_source_page_fits_a_phone(server, phone, source):  # noqa: F811
    phone.goto(f"{server}/sources/{source}")
    assert not overflows_sideways(phone)


def test_every_highlight_links_to_its_rows_and_back_to_the_data(server, page):  # noqa: F811
    page.goto(server + WHITE_PAPER)
    cited = set()
    for ids in page.locator("mark[data-q]").evaluate_all("marks => marks.map(m => m.dataset.q)"):
        cited |= set(ids.split())
    links = page.locator("sup.to-rows a").evaluate_all("links => links.map(a => a.href)")
    linked = {urllib.parse.unquote(link.rsplit("/", 1)[1]): link for link in links}
    assert cited and set(linked) == cited
    for row_id, link in sorted(linked.items()):
        assert link.startswith(f"{server}/{DATABASE}/"), link
        response = page.request.get(link)
        assert response.status == 200 and row_id in response.text(), link
    home = page.locator("nav.back a").first
    assert home.get_attribute("href") in ("/", "../")
    tables = page.locator("nav.back a[href*='source_id=white-paper-2021']")
    assert tables.count() >= 5
    for label in tables.all_inner_texts():
        assert bilingual(label), label
    tables.first.click()
    page.wait_for_url("**source_id=white-paper-2021*")
    assert page.locator("table.rows-and-columns tbody tr").count() > 0


@pytest.mark.parametrize("name", ["white-paper-2021-excerpt.zh.txt", "position-paper-2020.zh.txt"])
def test_the_archived_text_is_served_byte_for_byte(server, page, name):  # noqa: F811
    from conftest import ROOT

    response = page.request.get(f"{server}/sources/{name}")
    assert response.status == 200 and response.body() == (ROOT / "sources" / name).read_bytes()
