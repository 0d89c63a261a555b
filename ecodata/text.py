"""Text normalisation shared by the evidence checks and the numeral reader."""

import re

WHITESPACE = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """Remove all whitespace: the archived texts break lines and space characters mid-sentence."""
    return WHITESPACE.sub("", text)


HAN_CLASS = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"  # Chinese characters, for Python and RE2
HAN = re.compile(HAN_CLASS)
CHINESE_WORDS = re.compile(  # " · " and Chinese words (with any Latin ones among them: 导出 CSV) to their end
    rf" · (?=[A-Za-z0-9 ]*{HAN_CLASS})[\w\u3000-\u303f\uff00-\uffef\u2026 ]*[\w\u3000-\u303f\uff00-\uffef\u2026]"
)


def english(text) -> str:
    """`Apply · 应用` → `Apply`, `- column · 列 -` → `- column -`: interface words without their Chinese,
    for a site in English alone (a package that describes itself in English only:
    build/metadata.interface_languages)."""
    return CHINESE_WORDS.sub("", str(text))
