"""Read every number a Chinese text states: Arabic or Chinese numerals, 万/亿/千 multipliers, decimals,
percentages and fractions such as 十分之一. Used to prove a row's value is readable from its quote."""

from __future__ import annotations

import math
import re

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
LARGE_UNITS = {"万": 10**4, "亿": 10**8}
CHINESE = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(LARGE_UNITS)

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
    factor = 1
    for char in suffix:
        factor *= {"万": 10**4, "亿": 10**8, "千": 1000}[char]
    return factor


def numbers_in(text: str) -> set[float]:
    """Every number the text states, as written and with its multiplier applied."""
    text = re.sub(r"\s+", "", text)
    found: set[float] = set()
    for match in ARABIC.finditer(text):
        value = float(match[1])
        found |= {value, value * multiplier(match[2])}
    for match in CHINESE_RUN.finditer(text):
        run = match[0]
        for start in range(len(run)):  # 占十分之一 or 三大: also read numerals inside a longer run
            value = chinese_to_number(run[start:])
            if value is not None:
                found.add(float(value))
    for match in FRACTION.finditer(text):
        denominator, numerator = (as_number(part) for part in match.groups())
        if denominator and numerator is not None:
            found |= {numerator / denominator, 100 * numerator / denominator}
    return found


def as_number(part: str) -> float | None:
    if part.isdigit():
        return float(part)
    value = chinese_to_number(part)
    return None if value is None else float(value)


def readable_from(value: float, text: str) -> bool:
    return any(math.isclose(value, candidate, rel_tol=1e-9, abs_tol=1e-9) for candidate in numbers_in(text))
