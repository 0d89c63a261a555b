"""Numbers as people read them: `1728000.0` → `1,728,000`, and beside it `172.8万` when the row's quote
wrote the number with 万 or 亿; the qualifier in words, the marker the quote used in Chinese.

Display only: the database, JSON and CSV keep the exact values.
"""

from __future__ import annotations

import functools
import math
from decimal import Decimal

from ..numbers import number_spans, same_number
from ..qualifiers import expected_qualifiers
from ..text import squeeze

MOST_CHARACTERS = 25  # a number longer than this written out keeps its exponent (1.5e-30, 1e+300)
GROUP_FROM = 10_000  # 2020 and 4-digit figures stay as written; 11800 → 11,800
EXACT = "exact"  # the qualifier check's word for a figure without a marker (qualifiers.py)
# Print symbols of common unit codes (UCUM-style). A unit code list's own `symbol` column comes first;
# a code with neither shows its bilingual label. An empty symbol: a bare count, shown without a unit.
UNIT_SYMBOLS = {
    "km2": "km²",
    "m2": "m²",
    "km": "km",
    "m": "m",
    "ha": "ha",
    "kg": "kg",
    "t": "t",
    "percent": "%",
    "%": "%",
    "ug_m3": "µg/m³",
    "count": "",
    "1": "",
}


def plain_number(value: float | int) -> str:
    """474.0 → 474, 1728000.0 → 1,728,000, 0.25 → 0.25, 12345.5 → 12,345.5, 1e-06 → 0.000001 (never
    rounded)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= GROUP_FROM else str(value)
    text = repr(value)
    if "e" in text or "E" in text:  # 1e-06 is 0.000001 to a reader; 1e-300 stays as Python writes it
        positional = format(Decimal(text), "f")
        if len(positional.lstrip("-")) > MOST_CHARACTERS:
            return text
        text = positional
    whole, _, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = int(whole.lstrip("-"))
    grouped = f"{digits:,}" if digits >= GROUP_FROM else str(digits)
    return f"{sign}{grouped}.{fraction}" if fraction else f"{sign}{grouped}"


@functools.lru_cache(maxsize=8192)  # served data never changes: each (value, quote) is read once
def chinese_reading(value: float, quote: str | None) -> str | None:
    """How the quote wrote `value` when it used 万 or 亿 (`172.8万`), else None."""
    if not quote or value is None:
        return None
    text = squeeze(quote)
    for start, end, values in number_spans(text):
        written = text[start:end]
        if ("万" in written or "亿" in written) and any(same_number(value, found) for found in values):
            return written
    return None


@functools.lru_cache(maxsize=8192)
def qualifier_marker(value: float, quote: str | None, qualifier: str) -> str | None:
    """The marker word the quote used for `qualifier` next to `value` (超过, 余, 以上…), if any."""
    if not quote or value is None:
        return None
    markers = sorted(
        marker for found, marker in expected_qualifiers(quote, value) if found == qualifier and marker
    )
    return markers[0] if markers else None


def unit_symbol(code: str | None, labels: dict | None) -> str | None:
    """The unit as shown after a number: its symbol, or None when only its labels can say it."""
    if code in (None, ""):
        return ""
    if labels and labels.get("symbol") is not None:
        return labels["symbol"]
    return UNIT_SYMBOLS.get(code)
