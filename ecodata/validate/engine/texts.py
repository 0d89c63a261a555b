"""One batch of one column's texts, read at the byte level: the batch-wide facts several checks share
(`Cells`), the values the digits of a canonical spelling name (numbers, days, seconds, times), and the
Arrow array helpers the column checks build their answers with."""

from __future__ import annotations

from datetime import date
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NULL_TEXT = pa.scalar(None, pa.string())


DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


FIRST_DAY = (date(1, 1, 1) - date(1970, 1, 1)).days  # date32 of 0001-01-01, the first day Python has


class Cells:
    """One batch of one column, with the batch-wide facts several checks share, each computed once.

    The byte lengths come from the offsets buffer and the questions "any non-ASCII byte?", "any
    newline?", "any 'x'?" from one scan of the data buffer: no per-cell kernel call for a batch whose
    answer is "none", which is nearly every batch of a real file.
    """

    def __init__(self, array: pa.Array):  # a string array without nulls, as every reader gives
        self.array = array
        self.offsets = np.frombuffer(
            array.buffers()[1], dtype=np.int32, count=len(array) + 1, offset=array.offset * 4
        )
        self.lengths = np.diff(self.offsets)  # bytes per cell

    def __len__(self) -> int:
        return len(self.array)

    @cached_property
    def raw(self) -> np.ndarray:
        """Every cell's bytes, end to end, as a view (no copy)."""
        buffer = self.array.buffers()[2]
        start, end = int(self.offsets[0]), int(self.offsets[-1])
        if buffer is None or end == start:
            return np.zeros(0, dtype=np.uint8)
        return np.frombuffer(buffer, dtype=np.uint8, count=end - start, offset=start)

    @cached_property
    def data(self) -> bytes:
        """The same bytes as one bytes object, for substring searches."""
        return self.raw.tobytes()

    @cached_property
    def ascii(self) -> bool:
        return not len(self.raw) or int(self.raw.max()) < 0x80

    def spelled(self, mask: np.ndarray, form: bytes) -> tuple[np.ndarray, list[np.ndarray]]:
        """The cells of `mask` spelled exactly as `form` ("d" any ASCII digit, any other byte itself).

        Returns their positions and the value of each "d" there, one array per "d". A batch whose
        every cell has the form's width is read as one matrix, with no copy; otherwise the cells are
        gathered. Column by column: numpy is slow to reduce along a row of a few bytes.
        """
        width = len(form)
        positions = np.flatnonzero(mask & (self.lengths == width))
        if len(positions) == len(self):
            matrix = self.raw.reshape(-1, width)
        else:
            starts = self.offsets[positions] - self.offsets[0]
            matrix = self.raw[starts[:, None] + np.arange(width)]
        fits = np.ones(len(positions), dtype=bool)
        digits = []
        for index, expected in enumerate(form):
            column = matrix[:, index]
            if expected == ord("d"):
                column = column - np.uint8(ord("0"))  # a non-digit wraps round to 10 or more
                fits &= column < 10
                digits.append(column)
            else:
                fits &= column == expected
        if not fits.all():
            positions, digits = positions[fits], [column[fits] for column in digits]
        return positions, digits

    @cached_property
    def plain(self) -> bool:
        """ASCII and one line: RE2 and Python's re read a pattern alike on such a cell."""
        return self.ascii and b"\n" not in self.data

    def contains(self, text: bytes) -> bool:
        return text in self.data

    def first_bytes(self) -> np.ndarray:
        """Each cell's first byte, 0 for an empty cell: what an ASCII prefix test needs, with no kernel call."""
        found = np.zeros(len(self), dtype=np.uint8)
        present = self.lengths > 0
        found[present] = self.raw[(self.offsets[:-1] - self.offsets[0])[present]]
        return found

    def char_lengths(self) -> np.ndarray:
        if self.ascii:
            return self.lengths
        return pc.utf8_length(self.array).to_numpy(zero_copy_only=False)


def prefixed(prefix: str, text: pa.Array, mask: np.ndarray) -> pa.Array:
    """Key texts: `prefix` + text where `mask` holds, null elsewhere."""
    keys = pc.binary_join_element_wise(prefix, text, "")
    return keys if mask.all() else pc.if_else(pa.array(mask), keys, NULL_TEXT)


def decimal_text(numbers: pa.Array) -> pa.Array:
    """The canonical text of plain decimals (`keys.number_key`): 1.50 → 1.5, 2.0 → 2, 007 → 7, -0.0 → 0.

    Only a text that ends or starts with a zero can change, so the regexes, slow per cell, read those alone.
    """
    changing = pc.or_(
        pc.ends_with(numbers, "0"), pc.or_(pc.starts_with(numbers, "0"), pc.starts_with(numbers, "-0"))
    )
    if not pc.any(changing).as_py():
        return numbers
    text = numbers.filter(changing)
    text = pc.replace_substring_regex(text, r"(\.[0-9]*?)0+$", r"\1")
    text = pc.replace_substring_regex(text, r"\.$", "")
    text = pc.replace_substring_regex(text, r"^(-?)0+([0-9])", r"\1\2")
    text = pc.replace_substring_regex(text, r"^-0$", "0")
    return pc.replace_with_mask(numbers, changing, text)


def decided(count: int, positions: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """A mask of `count` cells: true at the `positions` whose value is valid."""
    mask = np.zeros(count, dtype=bool)
    mask[positions[valid]] = True
    return mask


def number(digits: list[np.ndarray]) -> np.ndarray:
    """The numbers the digit columns spell, most significant first."""
    value = digits[0].astype(np.int32)
    for column in digits[1:]:
        value = value * 10 + column
    return value


def real_day(digits: list[np.ndarray]) -> np.ndarray:
    """YYYY MM DD digit columns that name a day Python's `date` has (year 1 to 9999, no 30 February)."""
    year, month, day = number(digits[0:4]), number(digits[4:6]), number(digits[6:8])
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    longest = DAYS_IN_MONTH[np.clip(month, 1, 12) - 1] + ((month == 2) & leap)
    return (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= longest)


def epoch_seconds(digits: list[np.ndarray]) -> np.ndarray:
    """Seconds since 1970-01-01T00:00:00 of YYYY MM DD hh mm ss digit columns (a real day and time)."""
    year, month, day = number(digits[0:4]).astype(np.int64), number(digits[4:6]), number(digits[6:8])
    year = year - (month <= 2)  # H. Hinnant's days-from-civil count: a year starts in March
    era = year // 400
    of_era = year - era * 400
    of_year = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    days = era * 146_097 + of_era * 365 + of_era // 4 - of_era // 100 + of_year - 719_468
    hour, minute, second = number(digits[8:10]), number(digits[10:12]), number(digits[12:14])
    return days * 86_400 + hour * 3600 + minute * 60 + second


def real_time(digits: list[np.ndarray]) -> np.ndarray:
    """HH MM SS digit columns of a time of day; 24:00:00, which dateutil reads as the next midnight, is left out."""
    hour, minute, second = number(digits[0:2]), number(digits[2:4]), number(digits[4:6])
    return (hour <= 23) & (minute <= 59) & (second <= 59)


def filled(array: pa.Array, keep: np.ndarray, filler: str) -> pa.Array:
    """The array with `filler` wherever `keep` is false (the array itself when it keeps every cell)."""
    return array if keep.all() else pc.if_else(pa.array(keep), array, filler)


def whole_cast(array: pa.Array, present: np.ndarray, filler: str, to: pa.DataType) -> pa.Array | None:
    """The batch cast to `to` in one go (missing cells read as `filler`), or None if any cell refuses."""
    try:
        return pc.cast(filled(array, present, filler), to)
    except pa.ArrowInvalid:
        return None
