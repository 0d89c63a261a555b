"""Text normalisation shared by the evidence checks and the numeral reader."""

import re

WHITESPACE = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """Remove all whitespace: the archived texts break lines and space characters mid-sentence."""
    return WHITESPACE.sub("", text)
