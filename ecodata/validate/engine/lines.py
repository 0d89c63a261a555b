"""The physical line each row starts on, recorded while a file is read, so no finding needs a re-read.

A row's line is its rowNumber plus an offset; the offset changes only after a row that spans several
lines (a quoted line break) or a line that is not a row. The map keeps one (first row, offset) pair
per stretch of rows with the same offset: one pair for an ordinary file, whatever its size.
"""

from __future__ import annotations

import bisect
import csv
import io
from dataclasses import dataclass, field

import numpy as np

UNKNOWN = "unknown"


@dataclass
class LineMap:
    rows: list[int] = field(default_factory=list)  # the first row of each stretch
    offsets: list[int] = field(default_factory=list)  # its line minus its rowNumber
    known: bool = True
    next_line: int = 1  # the first line of what is read next

    def restart(self) -> None:
        """Forget what was recorded: the file is read again from its first line."""
        self.rows, self.offsets, self.known, self.next_line = [], [], True, 1

    def stretch(self, row: int, offset: int) -> None:
        if not self.offsets or self.offsets[-1] != offset:
            self.rows.append(row)
            self.offsets.append(offset)

    def add_row(self, row: int, line: int) -> None:
        self.stretch(row, line - row)

    def add_piece(self, first_row: int, rows: int, lines: int, starts, header: bool) -> None:
        """A piece of `lines` lines holding `rows` rows from `first_row` (after a header line when
        `header`); `starts`: each row's first line within the piece (1-based), None when every row is
        one line, UNKNOWN when they could not be told."""
        before = self.next_line - 1
        self.next_line += lines
        if starts is None:
            if rows:
                self.stretch(first_row, before + int(header) + 1 - first_row)
            return
        if isinstance(starts, str):
            self.known = False
            return
        offsets = before + np.asarray(starts, dtype=np.int64) - (first_row + np.arange(rows, dtype=np.int64))
        changes = np.flatnonzero(np.diff(offsets, prepend=offsets[0] - 1)) if rows else []
        for index in changes:
            self.stretch(first_row + int(index), int(offsets[index]))

    def line(self, row: int | None) -> int | None:
        if row is None or not self.known or not self.rows:
            return None
        index = bisect.bisect_right(self.rows, row) - 1
        return row + self.offsets[index] if index >= 0 else None


def piece_lines(piece: memoryview, rows: int, header: bool, dialect: dict, encoding: str):
    """(lines in the piece, each row's first line or None when every row is one line, or UNKNOWN)."""
    data = np.frombuffer(piece, dtype=np.uint8)
    lines = int(np.count_nonzero(data == 10)) + int(len(data) > 0 and data[-1] != 10)
    if lines == rows + int(header):
        return lines, None
    text = bytes(piece).decode(encoding.replace("-sig", ""), errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), **dialect)
    starts, line = [], 1
    try:
        for _ in reader:
            starts.append(line)
            line = reader.line_num + 1
    except csv.Error:
        return lines, UNKNOWN
    starts = starts[1:] if header else starts
    return lines, (starts if len(starts) == rows else UNKNOWN)
