"""Locating quotes in archived texts that break lines and space characters mid-sentence, highlighting
them on pages that read as paragraphs and link each quote to its row, without changing the archived bytes."""

import hashlib
import html
import re

import pytest
from conftest import ROOT

from ecodata.build.source_pages import Citation, citations, highlighted, locate
from ecodata.text import squeeze

WHITE_PAPER = ROOT / "sources" / "white-paper-2021-excerpt.zh.txt"
POSITION_PAPER = ROOT / "sources" / "position-paper-2020.zh.txt"


def test_a_quote_is_found_across_line_breaks_and_spaced_characters():
    text = "前文。各类自然保护地\n面积超过 172.8 万平方公里。后文"
    start, end = locate(text, "各类自然保护地面积超过172.8万平方公里")
    assert text[start:end] == "各类自然保护地\n面积超过 172.8 万平方公里"


def test_a_quote_that_is_not_there_is_not_located():
    assert locate("中国的生物多样性保护", "大熊猫") is None
    assert locate("中国", "  ") is None


def test_overlapping_quotes_mark_each_stretch_with_every_row_that_cites_it():
    text = "甲乙丙丁"
    cited = citations(text, [("t", "a", "甲乙丙"), ("t", "b", "乙丙丁"), ("t", "c", "不在")])
    assert cited == [Citation("a", "t", 0, 3), Citation("b", "t", 1, 4)]
    page = highlighted(text, cited)
    assert page == (
        '<p><span id="q-a"></span><mark data-q="a">甲</mark>'
        '<span id="q-b"></span><mark data-q="a b">乙丙</mark>'
        '<mark data-q="b">丁</mark></p>'
    )


def test_each_quote_ends_with_a_numbered_link_to_its_row():
    text = "甲乙丙丁"
    cited = citations(text, [("t", "a", "甲乙丙"), ("t", "b", "乙丙丁")])
    page = highlighted(text, cited, lambda c: (f"../db/{c.table}/{c.row_id}", f"T · {c.row_id}"))
    assert page == (
        '<p><span id="q-a"></span><mark data-q="a">甲</mark>'
        '<span id="q-b"></span><mark data-q="a b">乙丙</mark>'
        '<sup class="to-rows"><a href="../db/t/a" title="T · a">1</a></sup>'
        '<mark data-q="b">丁</mark>'
        '<sup class="to-rows"><a href="../db/t/b" title="T · b">2</a></sup></p>'
    )


def test_text_is_escaped_and_whitespace_only_is_changed():
    text = "<script>x</script>\n第二行"
    assert highlighted(text, []) == "<p>&lt;script&gt;x&lt;/script&gt;</p>\n<p>第二行</p>"


def source_rows():
    import csv

    for table in ("protected_areas", "germplasm_banks", "enforcement_actions", "international_partnerships"):
        with open(ROOT / "resources" / f"{table}.csv", encoding="utf-8") as handle:
            yield from ((table, row) for row in csv.DictReader(handle))


@pytest.mark.parametrize("path", [WHITE_PAPER, POSITION_PAPER], ids=lambda p: p.name)
def test_every_quote_stays_highlighted_after_the_reflow(path):
    text = path.read_text(encoding="utf-8")
    source_id = "white-paper-2021" if path == WHITE_PAPER else "position-paper-2020"
    rows = [(t, row["id"], row["quote"]) for t, row in source_rows() if row["source_id"] == source_id]
    cited = citations(text, rows)
    assert len(cited) == len(rows)
    page = highlighted(text, cited, lambda c: (f"../db/{c.table}/{c.row_id}", c.row_id))
    for table, row_id, quote in rows:
        marked = re.findall(rf'<mark data-q="(?:[^"]* )?{re.escape(row_id)}(?: [^"]*)?">(.*?)</mark>', page)
        assert squeeze(html.unescape("".join(marked))) == squeeze(quote), row_id
        assert f'<a href="../db/{table}/{row_id}"' in page


def test_the_archived_texts_are_copied_byte_for_byte(built):
    import csv

    with open(ROOT / "resources" / "sources.csv", encoding="utf-8") as handle:
        sources = list(csv.DictReader(handle))
    for source in sources:
        archived = ROOT / source["file"]
        copy = built / "sources" / archived.name
        assert copy.read_bytes() == archived.read_bytes()
        assert hashlib.sha256(copy.read_bytes()).hexdigest() == source["sha256"]
        page = (built / "sources" / archived.name.replace(".txt", ".html")).read_text(encoding="utf-8")
        assert f'<a href="{archived.name}">' in page  # downloadable next to the page
