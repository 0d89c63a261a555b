"""Qualifiers: what the marker words next to a number say about how exact it is.

Markers before the number (the nearest one in the same clause, after any earlier number): 近 nearly,
约 about, 超过/超/突破/逾 more_than, 不足/不到 less_than, 至少 at_least. Markers right after it (past at
most two unit characters such as %, 个, 倍): 余/多 more_than, 以上 at_least, 左右 about. No marker: exact.
Used by the qualifier-mismatch check and by `ecodata new-row` to suggest a qualifier.
"""

import re

from .numbers import number_spans, same_number
from .text import squeeze

BEFORE = {
    "超过": "more_than",
    "突破": "more_than",
    "不足": "less_than",
    "不到": "less_than",
    "至少": "at_least",
    "近": "nearly",
    "约": "about",
    "超": "more_than",
    "逾": "more_than",
}
AFTER = re.compile(r"^[^\d，。；：,;:、余多以左]{0,2}(余|多|以上|左右)")
AFTER_MEANING = {"余": "more_than", "多": "more_than", "以上": "at_least", "左右": "about"}
CLAUSE_END = "，。；：,;:"
# Words that contain a marker character without its meaning: 公约 (convention) is not 约 (about).
NOT_MARKERS = re.compile(r"公约|条约|契约|制约|约束|约定|预约|附近|最近|近岸|近海|近年|超额")


def marker_before(text, start, floor):
    """The nearest marker between the previous number (or clause start) and the number at `start`."""
    clause = NOT_MARKERS.sub(lambda match: "_" * len(match[0]), text[floor:start])
    for delimiter in CLAUSE_END:
        clause = clause.rsplit(delimiter, 1)[-1]
    nearest = None
    for word, meaning in BEFORE.items():
        position = clause.rfind(word)
        if position >= 0 and (nearest is None or position > nearest[0]):
            nearest = (position, meaning, word)
    return nearest[1:] if nearest else None


def expected_qualifiers(quote, value):
    """What the quote says about the number equal to `value`: a set of (qualifier, marker) readings."""
    text = squeeze(quote)
    readings = set()
    spans = number_spans(text)
    for start, end, values in spans:
        if not any(same_number(value, candidate) for candidate in values):
            continue
        after = AFTER.match(text[end:])
        if after:
            readings.add((AFTER_MEANING[after[1]], after[1]))
        else:
            floor = max((other_end for _, other_end, _ in spans if other_end <= start), default=0)
            readings.add(marker_before(text, start, floor) or ("exact", None))
    return readings
