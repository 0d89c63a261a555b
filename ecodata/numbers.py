"""Read every number a Chinese text states: Arabic or Chinese numerals, 万/亿/千 multipliers, decimals,
percentages and fractions such as 十分之一. Used to prove a row's value is readable from its quote."""

from __future__ import annotations

import math
import re

from .text import squeeze

DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
LARGE_UNITS = {"万": 10**4, "亿": 10**8}
SUFFIX_FACTORS = {**LARGE_UNITS, "千": 1000}  # what may follow an Arabic number: 1.2万, 2600亿, 3千
CHINESE = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(LARGE_UNITS)

LONGEST_NUMERAL = 24  # 九千九百九十九亿九千九百九十九万九千九百九十九 has 23 characters
ARABIC = re.compile(r"(\d+(?:\.\d+)?)\s*([万亿千]*)")
CHINESE_RUN = re.compile(f"[{CHINESE}]+")
FRACTION = re.compile(f"([{CHINESE}]+|\\d+)分之([{CHINESE}]+|\\d+)")


def chinese_to_number(text: str) -> int | None:
    """一千二百 → 1200, 十五 → 15, 百万 → 10^6, 二十万 → 200000; None when not a numeral (a bare 百, 万…)."""
    if text[0] in "万亿" or text in ("百", "千"):
        return None
    total, section, digit = 0, 0, None
    for char in text:
        if char in DIGITS:
            digit = DIGITS[char]
        elif char in SMALL_UNITS:
            section += (1 if digit is None else digit) * SMALL_UNITS[char]
            digit = None
        elif char in LARGE_UNITS:
            section += digit or 0
            total += (section or 1) * LARGE_UNITS[char]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def multiplier(suffix: str) -> int:
    """万 → 10^4, 千万 → 10^7, 万亿 → 10^12."""
    factor = 1
    for char in suffix:
        factor *= SUFFIX_FACTORS[char]
    return factor


def number_spans(text: str) -> list[tuple[int, int, set[float]]]:
    """Where each number stands in `text` (start, end) and the values it can be read as.

    `text` should have its whitespace removed first (see `squeeze`), so spaced-out numbers read whole.
    """
    spans = []
    for match in ARABIC.finditer(text):
        value = float(match[1])
        spans.append((match.start(), match.end(), {value, value * multiplier(match[2])}))
    for match in CHINESE_RUN.finditer(text):
        run = match[0]
        if len(run) > LONGEST_NUMERAL:
            continue  # not a numeral but a hostile cell; reading every suffix would be quadratic
        for offset in range(len(run)):  # 占十分之一 or 三大: also read numerals inside a longer run
            value = chinese_to_number(run[offset:])
            if value is not None:
                spans.append((match.start() + offset, match.end(), {float(value)}))
    for match in FRACTION.finditer(text):
        denominator, numerator = (as_number(part) for part in match.groups())
        if denominator and numerator is not None:
            spans.append(
                (match.start(), match.end(), {numerator / denominator, 100 * numerator / denominator})
            )
    return spans


def numbers_in(text: str) -> set[float]:
    """Every number the text states, as written and with its multiplier applied."""
    found: set[float] = set()
    for _, _, values in number_spans(squeeze(text)):
        found |= values
    return found


def same_number(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def as_number(part: str) -> float | None:
    if part.isdigit():
        return float(part)
    value = chinese_to_number(part)
    return None if value is None else float(value)


def readable_from(value: float, text: str) -> bool:
    return any(same_number(value, candidate) for candidate in numbers_in(text))


def number_text(value: float | int) -> str:
    """A number as plainly written, never rounded: 1136869.0 -> 1136869, 0.25 -> 0.25 (not %g's 1.13687e+06)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)
