"""A `pattern` constraint made of single characters, checked on a batch's bytes with numpy.

RE2 costs about 50 ns a cell, the dearest check of a column. Most patterns of identifiers —
`obs-[0-9]+`, `[A-Z]{2}\\d{4}`, `ISO-[A-Z]{3}` — are a row of single characters, at most one of
them repeated a variable number of times. Such a pattern gives each byte of a cell of a given width
one set of allowed bytes, so the cells of one width are checked with a few whole-buffer passes.

Python's own parser and compiler read the pattern (frictionless matches `^pattern$` with `re`), so
each set is what `re` means by it. Only "plain" cells, ASCII without a line end, are judged here;
the caller leaves the others to Python, as it does with RE2.
"""

from __future__ import annotations

import numpy as np

try:  # the parser and compiler `re` itself uses: private, so any surprise means "not compiled"
    from re import _compiler, _constants, _parser
except ImportError:  # pragma: no cover — a Python without them checks every pattern with RE2
    _parser = None

MAX_RANGES = 4  # byte ranges per character set ([A-Za-z0-9_] has four); more and RE2 is as quick
MAX_WIDTHS = 8  # distinct cell widths in a batch read this way, at most; more and RE2 takes the batch
MAX_WIDTH = 256  # bytes: longer cells are no identifiers
CHUNK = 1 << 18  # bytes checked in one pass
KEPT_WIDTHS = 16  # widths whose byte sets are kept ready
ASCII = [chr(code) for code in range(128)]


class BytePattern:
    """Allowed byte ranges per position: `items` is [(ranges, fewest, most)], one variable at most."""

    def __init__(self, items: list[tuple[list[tuple[int, int]], int, int]]):
        self.items = items
        self.fixed = sum(fewest for _, fewest, most in items if fewest == most)
        variable = [(fewest, most) for _, fewest, most in items if fewest != most]
        fewest, most = variable[0] if variable else (0, 0)
        self.narrowest, self.widest = self.fixed + fewest, self.fixed + most
        self.ranges = max((len(ranges) for ranges, _, _ in items), default=1)
        self.tiled: dict[int, np.ndarray] = {}  # width → (2 × ranges, one pass) lows and spans, repeated

    def matches(
        self, raw: np.ndarray, offsets: np.ndarray, lengths: np.ndarray, most_widths: int = MAX_WIDTHS
    ) -> np.ndarray | None:
        """Whether each cell matches. None when the cells the pattern's widths allow come in more than
        `most_widths` widths, or are long: gathering them width by width then costs more than RE2."""
        matched = np.zeros(len(lengths), dtype=bool)
        if not len(lengths):
            return matched
        shortest, longest = int(lengths.min()), int(lengths.max())
        low, high = max(shortest, self.narrowest), min(longest, self.widest)
        if high > MAX_WIDTH:
            return None
        if shortest == longest:  # one width, the usual batch: its bytes as they lie
            if low <= high:
                matched[:] = self.fits(raw, shortest)
            return matched
        if low > high:
            return matched
        allowed = lengths[(lengths >= low) & (lengths <= high)]
        widths = low + np.flatnonzero(np.bincount(allowed - low, minlength=high - low + 1))
        if len(widths) > most_widths:
            return None
        for width in widths.tolist():
            positions = np.flatnonzero(lengths == width)
            rows = max(CHUNK // max(width, 1), 1)
            for first in range(0, len(positions), rows):  # a bounded gather, index included
                chosen = positions[first : first + rows]
                starts = offsets[chosen] - offsets[0]
                spans = starts[:, None] + np.arange(width, dtype=starts.dtype)
                matched[chosen] = self.fits(raw[spans.ravel()], width)
        return matched

    def fits(self, flat: np.ndarray, width: int) -> np.ndarray | bool:
        """Per cell of `width` bytes laid end to end in `flat`: every byte in its position's set (True: all)."""
        if width == 0:
            return True
        bounds = self.bounds(width)
        step = bounds.shape[1]  # whole cells per pass
        cells_fit = None
        for start in range(0, len(flat), step):
            chunk = flat[start : start + step]
            size = len(chunk)
            # a byte under its range's low wraps round above the span; the result overwrites the
            # difference, so a pass takes one fresh buffer, not two (fresh pages are dear on a VM)
            below = np.subtract(chunk, bounds[0, :size])
            ok = np.less_equal(below, bounds[1, :size], out=below.view(bool))
            for index in range(1, self.ranges):
                ok |= np.subtract(chunk, bounds[2 * index, :size]) <= bounds[2 * index + 1, :size]
            if not ok.all():
                if cells_fit is None:
                    cells_fit = np.ones(len(flat) // width, dtype=bool)
                cells_fit[start // width : (start + size) // width] = ok.reshape(-1, width).all(axis=1)
        return True if cells_fit is None else cells_fit

    def bounds(self, width: int) -> np.ndarray:
        """Each position's range lows and spans for cells of `width`, repeated over one pass of whole cells."""
        known = self.tiled.get(width)
        if known is None:
            one = np.array([self.position_bounds(width)], dtype=np.uint8).reshape(width, -1).T
            known = np.tile(one, (1, max(CHUNK // width, 1)))
            kept = (
                self.tiled if len(self.tiled) < KEPT_WIDTHS else {}
            )  # a file of ever new widths: start over
            kept[width] = known
            self.tiled = kept  # threads sharing the checker see the old dict or the new, each whole
        return known

    def position_bounds(self, width: int) -> list[int]:
        """[low, span] × ranges for each byte of a cell of `width`; a shorter list repeats its first range."""
        spare = width - self.fixed
        row = []
        for ranges, fewest, most in self.items:
            count = fewest if fewest == most else spare
            padded = ranges + [ranges[0]] * (self.ranges - len(ranges))
            row += [bound for low, high in padded for bound in (low, high - low)] * count
        return row


def compile_pattern(pattern: str) -> BytePattern | None:
    """`^pattern$` as a BytePattern, or None when it is not a row of single characters."""
    if _parser is None:
        return None
    try:
        parsed = _parser.parse(f"^{pattern}$")
        if parsed.state.flags & ~_constants.SRE_FLAG_UNICODE:
            return None
        tokens = flattened(unanchored(list(parsed)))
        if tokens is None:
            return None
        sets: dict[str, list[tuple[int, int]]] = {}  # the same character set is read once
        items = [single(parsed, token, sets) for token in tokens]
    except Exception:  # anything odd in a private parser: RE2 decides instead
        return None
    if any(item is None for item in items) or sum(fewest != most for _, fewest, most in items) > 1:
        return None
    return BytePattern(items)


def unanchored(tokens: list) -> list:
    """The tokens between the outer `^…$` (a pattern's own `^` and `$` there mean the same)."""
    begin, end = (_constants.AT, _constants.AT_BEGINNING), (_constants.AT, _constants.AT_END)
    while tokens and tokens[0] == begin:
        tokens = tokens[1:]
    while tokens and tokens[-1] == end:
        tokens = tokens[:-1]
    return tokens


def flattened(tokens) -> list | None:
    """The tokens with plain groups opened; None for a group with flags or an anchor inside."""
    flat = []
    for op, argument in tokens:
        if op is _constants.SUBPATTERN:
            _group, add_flags, del_flags, inner = argument
            opened = None if add_flags or del_flags else flattened(inner)
            if opened is None:
                return None
            flat += opened
        elif op is _constants.AT:
            return None
        else:
            flat.append((op, argument))
    return flat


def single(parsed, token, sets: dict) -> tuple[list[tuple[int, int]], int, int] | None:
    """(ranges of ASCII bytes, fewest, most) of one character, or of one repeated; None otherwise."""
    op, argument = token
    fewest = most = 1
    if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT):  # possessive repeats do not backtrack: refused
        fewest, most, inner = argument
        if len(inner) != 1 or fewest > MAX_WIDTH:  # no cell this module reads is that wide
            return None
        op, argument = inner[0]
        most = min(most, 1 << 30)  # MAXREPEAT: no limit
    if op not in (_constants.LITERAL, _constants.NOT_LITERAL, _constants.ANY, _constants.IN):
        return None
    key = f"{op} {argument}"
    if key not in sets:
        one = _compiler.compile(_parser.SubPattern(parsed.state, [(op, argument)]))
        sets[key] = byte_ranges([one.fullmatch(text) is not None for text in ASCII])
    ranges = sets[key]
    if not ranges or len(ranges) > MAX_RANGES:
        return None
    return ranges, fewest, most


def byte_ranges(allowed: list[bool]) -> list[tuple[int, int]]:
    """The runs of allowed bytes as (first, last)."""
    ranges = []
    for code, yes in enumerate(allowed):
        if yes and ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        elif yes:
            ranges.append((code, code))
    return ranges
