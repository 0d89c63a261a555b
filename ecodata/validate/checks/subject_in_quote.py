"""subject-in-quote: a quote must name its row's subject, not only state its figure.

A row passes when its quote, whitespace removed, contains one of its subject's terms:
- the opening term of each subject field that has Han characters: the first `chars` (default 2)
  characters of its first run of at least `chars` Han characters, punctuation and Latin letters
  skipped (《“ are not part of it). A subject names what the row is about first and the measured
  quantity after (麋鹿保护种群总数 → 麋鹿; 绿色联盟开展的活动 → 绿色; “碧海”海洋生态环境保护 → 碧海), so
  a quote that holds only the figure's clause (总数已突破8000只) lacks it;
- an acronym or code in any subject field, as a whole word written the same way: a run of Latin
  letters and digits (dots inside allowed) with two or more capitals, or a capital and a digit
  (NBS, GPBB, COP15, PM2.5; not 13th, Sino or wetland), so 中国和新西兰共同牵头NBS领域工作 names “基于自然的解决方案”（NBS）.
A row with no such term in any subject field (an empty or purely lowercase English subject) is not
checked. What passes although it should not: a quote that holds the opening characters in another
word (动物园饲养各类动物 opens with 动物, which 饲养各类动物775种 also holds); raise `chars` to catch
those, at the price of subjects that open with the source's exact words.

Settings: `quote` (default `quote`), `subjects` (the subject fields, default `subject_zh`,
`subject_en`; a field the resource lacks is skipped) and `chars` (2). Each distinct combination of
quote and subjects is read once.
"""

import re

from ecodata.text import HAN_CLASS, squeeze
from ecodata.validate.settings import FIELD, FIELDS, POSITIVE_WHOLE_NUMBER

NAME = "subject-in-quote"
TYPES = ("subject-not-in-quote",)
SETTINGS = {"quote": "quote", "subjects": ["subject_zh", "subject_en"], "chars": 2}
RULES = {"quote": FIELD, "subjects": FIELDS, "chars": POSITIVE_WHOLE_NUMBER}

HAN_RUN = re.compile(f"{HAN_CLASS}+")
WORD = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.]*[A-Za-z0-9])?")


def opening_term(subject: str, chars: int) -> str | None:
    """The first `chars` characters of the subject's first run of at least `chars` Han characters."""
    # whole runs, then their length: a regex's {chars,} overflows for a declared chars past 2**32 - 1
    run = next((run for run in HAN_RUN.findall(subject) if len(run) >= chars), None)
    return run[:chars] if run else None


def acronyms(subject: str) -> set[str]:
    """Latin words with two or more capitals, or a capital and a digit: NBS, COP15, PM2.5 (not 13th)."""
    found = set()
    for word in WORD.findall(subject):
        capitals = sum(c.isupper() for c in word)
        if capitals >= 2 or (capitals and re.search(r"\d", word)):
            found.add(word)
    return found


def terms_of(subjects, chars: int) -> tuple[list[str], set[str]]:
    """(opening terms, acronyms) of the subject cells."""
    openings = [term for term in (opening_term(s, chars) for s in subjects if s) if term]
    return openings, set().union(*(acronyms(s) for s in subjects if s))


def names(quote: str, openings: list[str], words: set[str]) -> bool:
    text = squeeze(quote)
    if any(term in text for term in openings):
        return True
    return any(re.search(rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])", text) for word in words)


def check(context, settings):
    chars = settings["chars"]

    def missing(quote, *subjects) -> str | None:
        """The terms a quote lacks (for the message), or None when it names its subject."""
        if not quote or not quote.strip():
            return None  # an empty quote is a required-field error
        openings, words = terms_of(subjects, chars)
        if (not openings and not words) or names(quote, openings, words):
            return None
        return " or ".join(repr(term) for term in [*openings, *sorted(words)])

    for resource in context.resources_with(settings, "quote"):
        present = {f["name"] for f in resource["schema"]["fields"]}
        subject_fields = [name for name in settings["subjects"] if name in present]
        if not subject_fields:
            continue
        fields = [settings["quote"], *subject_fields]
        for row, (quote, *_), said in context.judged(resource, fields, missing):
            yield context.cell_finding(
                TYPES[0],
                resource,
                row,
                settings["quote"],
                quote,
                f"does not name its subject: {said} from "
                f"{'/'.join(subject_fields)} is not in it; extend the quote to the clause that names it",
            )
