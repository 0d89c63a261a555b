"""The reading layout of archived texts: the print layout's line breaks joined, paragraphs kept apart,
whitespace the only thing changed."""

from conftest import ROOT

from ecodata.build.reflow import Reading, gaps
from ecodata.text import squeeze

WHITE_PAPER = ROOT / "sources" / "white-paper-2021-excerpt.zh.txt"
POSITION_PAPER = ROOT / "sources" / "position-paper-2020.zh.txt"


def shown(text: str) -> str:
    return "\n".join(Reading(text).paragraphs())


def test_lines_broken_mid_sentence_join_and_sentences_ending_a_line_stay_apart():
    text = "中国持续加大迁地保护力度，系统实施濒危\n\n物种拯救工程，长期保存 52\n\n万余份。\n\n（二）标题\n\n下一段。"
    assert (
        shown(text)
        == "中国持续加大迁地保护力度，系统实施濒危物种拯救工程，长期保存 52万余份。\n（二）标题\n下一段。"
    )


def test_a_heading_without_punctuation_is_not_joined_to_the_paragraph_after_it():
    assert shown("结束语\n\n地球是人类共同生活的家园，") == "结束语\n地球是人类共同生活的家园，"
    assert shown("COP15会标\n\n中国愿与各方分享") == "COP15会标\n中国愿与各方分享"
    assert shown("（一）深度参与《公约》进程\n\n中国是") == "（一）深度参与《公约》进程\n中国是"


def test_an_open_quote_carries_the_line_on():
    assert shown("组织开展“联合国十年中国\n\n行动”系列活动。") == "组织开展“联合国十年中国行动”系列活动。"


def test_a_wider_break_or_an_indent_starts_a_paragraph():
    assert shown("甲乙，丙\n丁，戊\n\n己庚。") == "甲乙，丙丁，戊\n己庚。"
    assert shown("甲乙，丙\n丁，戊\n\u3000\u3000己庚。") == "甲乙，丙丁，戊\n己庚。"


def test_english_lines_join_with_a_space_and_justified_chinese_loses_its_spacing():
    assert shown("the quick, brown\nfox jumps.") == "the quick, brown fox jumps."
    wrapped = "\n".join(["a line of English prose filled to the width"] * 12 + ["the end."])
    assert shown(wrapped).count("\n") == 0 and "width a line" in shown(wrapped)
    assert shown("保 护 领 域 的 资 金 ，为 加 强") == "保护领域的资金，为加强"
    assert shown("划定 35 个区域") == "划定 35 个区域"  # a space between Han and digits is typography


def test_a_hard_wrapped_line_without_punctuation_joins_when_it_fills_the_usual_width():
    lines = ["甲乙丙丁戊己庚辛壬癸，甲乙丙丁戊己庚辛"] * 12
    assert shown("\n".join([*lines, "甲乙丙丁戊己庚辛壬癸甲乙丙丁戊己庚辛壬", "尾。"])).count("\n") == 0
    assert shown("\n".join([*lines, "甲乙丙丁。", "短标题", "尾。"])).endswith("甲乙丙丁。\n短标题\n尾。")


def test_only_whitespace_is_replaced():
    for path in (WHITE_PAPER, POSITION_PAPER):
        text = path.read_text(encoding="utf-8")
        for gap in gaps(text):
            assert text[gap.start : gap.end].isspace() and gap.shown in ("", " ", None)
        assert squeeze("".join(Reading(text).paragraphs())) == squeeze(text)


def test_the_white_paper_reads_as_its_paragraphs():
    paragraphs = Reading(WHITE_PAPER.read_text(encoding="utf-8")).paragraphs()
    assert any("长期保存作物种质资源 52万余份、畜禽遗传资源 96万份。" in p for p in paragraphs)
    assert any("为加强生物多样性保护提供重要保障。" in p for p in paragraphs)
    for heading in (
        "（二）完善迁地保护体系",
        "三、提升生物多样性治理能力",
        "结束语",
        "（新华社北京10月 8日电）",
    ):
        assert heading in paragraphs  # a paragraph of its own
    after = next(i for i, p in enumerate(paragraphs) if p.endswith("多种濒危野生动植物得到保护和恢复。"))
    assert paragraphs[after + 1].startswith("逐步完善迁地保护体系。")  # two paragraphs stay two
    assert 50 <= len(paragraphs) <= 80  # not 372 print lines, not a handful of walls of text


def test_the_position_paper_keeps_its_paragraphs_and_mends_its_page_breaks():
    paragraphs = Reading(POSITION_PAPER.read_text(encoding="utf-8")).paragraphs()
    assert "COP15会标" in paragraphs and "（二）深化南南合作" in paragraphs
    assert any("2019年，法国总统马克龙访华期间，与中国国家主席习近平" in p for p in paragraphs)
    assert any("实现生态优势向经济优势的转化。" in p for p in paragraphs)
