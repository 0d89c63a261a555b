"""How an archived text reads on its source page: the print layout's line breaks joined again.

The archived file is never changed. This only decides, for runs of whitespace in it, what the reading page
shows instead: nothing or one space (a line broken mid-sentence by the print layout, or characters spaced
out by justified type), or a paragraph break. Only whitespace is ever replaced, and quotes are located
with all whitespace removed, so every quote stays findable and highlightable.

A line break joins two lines only when the line before it
1. does not end a sentence (。！？.!?…：, maybe followed by a closing quote or bracket),
2. reads as running text, not a heading or caption: it holds clause punctuation (，、；) once a leading
   enumeration (一、 （二） 3.) is set aside, or leaves a quote or bracket open, or, in a hard-wrapped
   text, it fills the usual line width,
3. and the break is no wider than the text's usual one (an extra blank line or an indent starts a
   paragraph).
Anything in doubt stays a paragraph break: splitting a paragraph at a sentence end costs the reader
nothing, joining two paragraphs would misrepresent the document.
"""

from __future__ import annotations

import bisect
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass

HAN_OR_FULLWIDTH = "\u3001-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60"
LINE_BREAK = re.compile(r"\s*\n\s*")
SPACED_OUT = re.compile(rf"(?<=[{HAN_OR_FULLWIDTH}])[^\S\n]+(?=[{HAN_OR_FULLWIDTH}])")
SENTENCE_END = re.compile(r"[。！？!?…：:.][\"'”’」』）)》\]]*$")
CLAUSE = re.compile(r"[，、；,;]|[。！？](?=.)")
PAIRS = ("“”", "「」", "『』", "《》", "（）", "()", "〔〕", "【】")
ENUMERATION = re.compile(r"^[（(]?[一二三四五六七八九十百零〇\d]{1,3}[）)、．.]\s*")
WRAPPED_SHARE = 0.6  # a text is hard-wrapped when this share of its lines is about as wide as the median
FULL_LINE = 0.8  # a line at least this share of the usual width fills its line
MIN_LINES = 10  # fewer lines say nothing about a usual width


@dataclass(frozen=True)
class Gap:
    """A run of whitespace in the archived text and what the reading page shows instead:
    `shown` is "" or " " inside a paragraph, None for a paragraph break."""

    start: int
    end: int
    shown: str | None


def width(line: str) -> int:
    """Display width: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


def is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def usual_width(lines: list[str]) -> float | None:
    """The width a hard-wrapped text fills its lines to, or None when its lines are paragraphs."""
    widths = [width(line) for line in lines]
    if len(widths) < MIN_LINES:
        return None
    median = statistics.median(widths)
    alike = sum(FULL_LINE * median <= w <= median / FULL_LINE for w in widths)
    return median if alike >= WRAPPED_SHARE * len(widths) else None


def breaks_shape(run: str) -> tuple[int, bool]:
    """A line break's shape: how many line ends, and whether the next line is indented."""
    return run.count("\n"), bool(run.rsplit("\n", 1)[1])


def runs_on(line: str, full: float | None) -> bool:
    """Whether a line carries on into the next one (rules 1 and 2 of the module docstring)."""
    if SENTENCE_END.search(line):
        return False
    if CLAUSE.search(ENUMERATION.sub("", line)) or any(line.count(a) > line.count(b) for a, b in PAIRS):
        return True
    return full is not None and width(line) >= full


def gaps(text: str) -> list[Gap]:
    """Every whitespace run the reading page shows differently, in text order."""
    body_start = len(text) - len(text.lstrip())
    body_end = len(text.rstrip())
    if body_start >= body_end:
        return [Gap(0, len(text), "")] if text else []
    found = [Gap(0, body_start, "")] if body_start else []
    runs = list(LINE_BREAK.finditer(text, body_start, body_end))
    starts = [body_start] + [run.end() for run in runs]
    ends = [run.start() for run in runs] + [body_end]
    lines = [text[start:end] for start, end in zip(starts, ends)]
    usual = usual_width(lines)
    full = FULL_LINE * usual if usual else None
    common = Counter(breaks_shape(run.group()) for run in runs).most_common(1)
    usual_lines, usual_indent = common[0][0] if common else (1, False)
    for index, run in enumerate(runs):
        before, after = lines[index], lines[index + 1]
        newlines, indent = breaks_shape(run.group())
        wider = newlines > usual_lines or (indent and not usual_indent)
        if runs_on(before, full) and not wider:
            joined = "" if is_wide(before[-1]) or is_wide(after[0]) else " "
            found.append(Gap(run.start(), run.end(), joined))
        else:
            found.append(Gap(run.start(), run.end(), None))
    found += [Gap(m.start(), m.end(), "") for m in SPACED_OUT.finditer(text, body_start, body_end)]
    if body_end < len(text):
        found.append(Gap(body_end, len(text), ""))
    return sorted(found, key=lambda gap: gap.start)


class Reading:
    """The reading view of one text: paragraph breaks, and how any stretch between them reads."""

    def __init__(self, text: str):
        self.text = text
        found = gaps(text)
        self.paragraph_breaks = [(gap.start, gap.end) for gap in found if gap.shown is None]
        self.inline = [gap for gap in found if gap.shown is not None]
        self.inline_starts = [gap.start for gap in self.inline]

    def shown(self, start: int, end: int) -> str:
        """text[start:end] as the page shows it (the stretch must not cut a whitespace run in two)."""
        parts, at = [], start
        for gap in self.inline[bisect.bisect_left(self.inline_starts, start) :]:
            if gap.start >= end:
                break
            parts += [self.text[at : gap.start], gap.shown]
            at = gap.end
        parts.append(self.text[at:end])
        return "".join(parts)

    def paragraphs(self) -> list[str]:
        """The whole text as the page shows it, one string per paragraph."""
        cuts = [0, *(edge for pair in self.paragraph_breaks for edge in pair), len(self.text)]
        return [self.shown(cuts[i], cuts[i + 1]) for i in range(0, len(cuts), 2)]
