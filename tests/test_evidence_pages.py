"""Locating quotes in archived texts that break lines and space characters mid-sentence."""

from ecodata.evidence import Citation, citations, highlighted, locate


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
        '<span id="q-a"></span><mark data-q="a">甲</mark>'
        '<span id="q-b"></span><mark data-q="a b">乙丙</mark>'
        '<mark data-q="b">丁</mark>'
    )


def test_text_is_escaped_and_kept_verbatim():
    text = "<script>x</script>\n第二行"
    assert highlighted(text, []) == "&lt;script&gt;x&lt;/script&gt;\n第二行"
