"""Rules of the shipped data that no generic check states: one thing per row, listings kept together by
`group_id`, a named law findable on its own, and dates from the statement's own sentence (README, The data)."""

import csv
import re
from collections import defaultdict

import pytest
from conftest import ROOT, datasette_get

from ecodata.package import load_package
from ecodata.text import squeeze

DATABASE = load_package(ROOT / "datapackage.json").name
TOPICS = [
    "protected_areas",
    "germplasm_banks",
    "enforcement_actions",
    "international_partnerships",
    "indicators",
]
SOURCES = {
    "position-paper-2020": ROOT / "sources" / "position-paper-2020.zh.txt",
    "white-paper-2021": ROOT / "sources" / "white-paper-2021-excerpt.zh.txt",
}


def rows(resource):
    with open(ROOT / "resources" / f"{resource}.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


ALL = [(resource, row) for resource in TOPICS for row in rows(resource)]


def test_a_row_names_at_most_one_titled_document():
    assert [row["id"] for _, row in ALL if row["subject_zh"].count("《") > 1] == []


def test_the_rows_of_a_listing_share_its_quote_and_no_listing_row_remains_without_its_own_figure():
    groups = defaultdict(list)
    for _, row in ALL:
        if row["group_id"]:
            groups[row["group_id"]].append(row)
    ids = {row["id"]: row for _, row in ALL}
    assert len(groups) >= 10
    for group, members in groups.items():
        assert len(members) >= 2, group
        assert len({squeeze(row["quote"]) for row in members}) == 1, group
        if group in ids:  # the listing's row stays only as the listing's own figure, in its group
            assert ids[group]["group_id"] == group and ids[group]["value"], group


def test_the_ten_laws_of_the_position_paper_have_a_row_each():
    laws = [row for row in rows("enforcement_actions") if row["group_id"] == "ea-biodiversity-laws-2020pp"]
    assert (
        sorted(row["subject_zh"] for row in laws) == sorted(re.findall(r"《[^》]+》", laws[0]["quote"]))
        and len(laws) == 10
    )


@pytest.mark.parametrize("law", ["种子法", "长江保护法", "自然保护区条例", "生物技术研究开发安全管理办法"])
def test_a_named_law_is_found_on_its_own_row(built, law):
    response = datasette_get(
        built, f"/{DATABASE}/enforcement_actions.json?_shape=array&_col=subject_zh&_search={law}&_size=max"
    )
    found = [row for row in response.json() if law in row["subject_zh"]]
    assert found and all(row["subject_zh"].strip("《》") == law for row in found), found


def sentences_of(text, quote):
    """The sentences (to 。！？) the quote spans, whitespace removed."""
    start = text.index(quote)
    end = start + len(quote)
    first = max(text.rfind(mark, 0, start) for mark in "。！？") + 1
    last = min([i for i in (text.find(mark, end - 1) for mark in "。！？") if i >= 0] or [len(text)])
    return text[first:last]


def test_a_date_comes_from_the_statement_s_own_sentence():
    """as_of's year is written in the sentences the quote spans (今年 counts as the source's year), never
    only in an earlier sentence: 截至2018年底 is not carried to the next sentence's area."""
    texts = {key: squeeze(path.read_text(encoding="utf-8")) for key, path in SOURCES.items()}
    published = {row["id"]: row["date_published"][:4] for row in rows("sources")}
    carried = []
    for _, row in ALL:
        if not row["as_of"]:
            continue
        own = sentences_of(texts[row["source_id"]], squeeze(row["quote"]))
        year = row["as_of"][:4]
        if year not in own and not ("今年" in own and year == published[row["source_id"]]):
            carried.append(row["id"])
    assert carried == []


def test_an_annual_figure_does_not_take_the_span_of_a_cumulative_one():
    ind = {row["id"]: row for row in rows("indicators")}
    counties = ind["ind-key-eco-function-zone-transfer-counties"]
    assert (counties["period_start"], counties["period_end"], counties["as_of"]) == ("", "", "")
    payments = ind["ind-key-eco-function-zone-transfer-payments"]
    assert (payments["period_start"], payments["period_end"]) == ("2008", "2019")
