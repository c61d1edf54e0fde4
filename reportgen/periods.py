"""Reporting periods as values: a quarter, six months, nine months or a year, and their windows.

A :class:`Period` is parsed once, where a period comes in (``--period``, a figures row, a
meeting's ``ky``, ``[sources] ky``, the web page), from ``2026-Q1`` … ``2026-Q4``, ``2026-6T``,
``2026-9T`` or ``2026``, in any letter case; everything after that passes the value.
``str(period)`` is its canonical spelling, the one output paths use (``outputs/2026-6T/…``).

A period is the run of quarters ``first``..``last`` of its year: a quarter is one, six months
are Q1–Q2, nine months Q1–Q3, the year Q1–Q4. The second half (Q3–Q4, "6 tháng cuối năm") is
a value too, the one a six-month report's next tasks look to; it is not a period one reports on,
so it is never parsed. Wording lives in :mod:`reportgen.vi.period_words`; this module knows what a
period is, which quarters it holds, and its cut-off window.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import total_ordering
from typing import Iterable

from reportgen.errors import InvalidInput, Problem

_PERIOD_RE = re.compile(r"^(\d{4})(?:-(Q[1-4]|6T|9T))?$", re.IGNORECASE)
PERIOD_FORMAT = "NĂM-Qn (quý n), NĂM-6T (6 tháng), NĂM-9T (9 tháng) hoặc NĂM (cả năm), ví dụ 2026-Q1, 2026-6T, 2026"

# the spellings of a period inside its year, and the quarters each covers
PARTS = {"Q1": (1, 1), "Q2": (2, 2), "Q3": (3, 3), "Q4": (4, 4), "6T": (1, 2), "9T": (1, 3), "": (1, 4)}
_SECOND_HALF = (3, 4)  # "6 tháng cuối năm": a value only (next tasks), never parsed
_SUFFIX = {quarters: part for part, quarters in PARTS.items()} | {_SECOND_HALF: "6C"}


def period_format_message(what: str = "kỳ") -> str:
    """The one message for a badly written period: ``"kỳ sai định dạng: cần NĂM-Q1 … "``."""
    return f"{what} sai định dạng: cần {PERIOD_FORMAT}"


PERIOD_FORMAT_MESSAGE = period_format_message()


@total_ordering
@dataclass(frozen=True)
class Period:
    """Quarters ``first``..``last`` of ``year``: ``Period(2026, 1)`` is 2026-Q1,
    ``Period(2026, 1, 2)`` 2026-6T, ``Period(2026, 1, 4)`` the year 2026.

    Periods sort by their end, the shorter first: Q1, Q2, 6T, Q3, 9T, Q4, year.
    """

    year: int
    first: int
    last: int = 0  # 0: the same as first (a quarter)

    def __post_init__(self) -> None:
        if self.last == 0:
            object.__setattr__(self, "last", self.first)
        if (self.first, self.last) not in _SUFFIX:
            raise ValueError(f"not a reporting period: quarters {self.first}..{self.last}")

    @classmethod
    def parse(cls, text: str) -> "Period":
        """Parse ``2026-Q1``, ``2026-q1``, ``2026-6T``, ``2026-9t`` or ``2026``; raise ValueError
        with the expected forms otherwise."""
        match = _PERIOD_RE.match(str(text).strip())
        if not match:
            raise ValueError(f"{PERIOD_FORMAT_MESSAGE} (giá trị: {text!r})")
        return cls(int(match.group(1)), *PARTS[(match.group(2) or "").upper()])

    def __str__(self) -> str:
        suffix = _SUFFIX[(self.first, self.last)]
        return f"{self.year:04d}-{suffix}" if suffix else f"{self.year:04d}"  # 0999-Q1 reads back as written

    def _key(self) -> tuple[int, int, int]:
        return (self.year, self.last, -self.first)

    def __lt__(self, other: "Period") -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() < other._key()

    # --- what it is ---------------------------------------------------------------------
    @property
    def is_quarter(self) -> bool:
        return self.first == self.last

    @property
    def is_year(self) -> bool:
        return (self.first, self.last) == (1, 4)

    @property
    def is_cumulative(self) -> bool:
        """Made of several quarters (six months, nine months, the year)."""
        return not self.is_quarter

    @property
    def quarter(self) -> int:
        """The quarter's number; the last quarter of a longer period."""
        return self.last

    @property
    def last_month(self) -> int:
        """The last calendar month of the period (3, 6, 9 or 12)."""
        return self.last * 3

    def quarters(self) -> tuple["Period", ...]:
        """The quarters inside, in order: 2026-6T -> (2026-Q1, 2026-Q2)."""
        return tuple(Period(self.year, q) for q in range(self.first, self.last + 1))

    def contains(self, other: "Period") -> bool:
        """True when every quarter of ``other`` is one of this period's."""
        return other.year == self.year and self.first <= other.first and other.last <= self.last

    # --- the periods around it ------------------------------------------------------------
    def year_before(self) -> "Period":
        """The same period one year earlier."""
        return Period(self.year - 1, self.first, self.last)

    def previous(self) -> "Period":
        """The period before it of the same length: the previous quarter; for six months the
        second half of the year before (and the other way round); for nine months and the
        year, the same period a year earlier (there is no other)."""
        if self.is_quarter:
            return Period(self.year - 1, 4) if self.first == 1 else Period(self.year, self.first - 1)
        if (self.first, self.last) == (1, 2):
            return Period(self.year - 1, *_SECOND_HALF)
        if (self.first, self.last) == _SECOND_HALF:
            return Period(self.year, 1, 2)
        return self.year_before()

    def next(self) -> "Period":
        """The period the next tasks look to: the next quarter after a quarter, the second
        half of the year after six months, the fourth quarter after nine months, the next year
        after a year (and the next six months after the second half)."""
        if self.is_quarter:
            return Period(self.year + 1, 1) if self.first == 4 else Period(self.year, self.first + 1)
        if (self.first, self.last) == (1, 2):
            return Period(self.year, *_SECOND_HALF)
        if (self.first, self.last) == (1, 3):
            return Period(self.year, 4)
        if (self.first, self.last) == _SECOND_HALF:
            return Period(self.year + 1, 1, 2)
        return Period(self.year + 1, 1, 4)

    @classmethod
    def of_window(cls, start: dt.date, end: dt.date, end_day: int = 14) -> "Period | None":
        """The period a window "từ ngày ``start`` đến ngày ``end``" reports on: the one whose window
        ends on ``end`` and starts on or before ``start``, the latest starting (15/3–14/6 is Q2,
        15/12–14/6 six months; a unit founded inside the window starts on its founding day, see
        :meth:`window`); None when no period's window ends on ``end``."""
        found = [p for p in (cls(end.year, *quarters) for quarters in PARTS.values())
                 if p.window(end_day)[1] == end and p.window(end_day)[0] <= start]
        return max(found, key=lambda p: p.window(end_day)[0]) if found else None

    # --- its window (Decree 09/2019/NĐ-CP, art. 12) ----------------------------------------
    def window(self, end_day: int = 14, founded: dt.date | None = None) -> tuple[dt.date, dt.date]:
        """First and last day of the figures: from the first quarter's start to the last one's end.

        A quarter runs from day ``end_day`` + 1 of the month before it to day ``end_day`` of its
        last month (reportgen.toml ``[cutoff] ngay_chot``, 14 by default: 2022-Q1 is 15/12/2021
        to 14/3/2022; 31: the calendar quarter). A unit founded inside the window (``founded``)
        counts from that day.
        """
        end = _day_of(self.year, self.last_month, end_day)
        year, month = (self.year, self.first * 3 - 3) if self.first > 1 else (self.year - 1, 12)
        start = _day_of(year, month, end_day) + dt.timedelta(days=1)
        if founded is not None and founded > start:
            start = founded
        return start, end


def _day_of(year: int, month: int, day: int) -> dt.date:
    """``day`` of the month, or the month's last day when it is shorter."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def read_periods(texts: Iterable[Period | str], source: str = "--period") -> tuple[Period, ...]:
    """The periods a request names (``--period``, a web form), each parsed here, once, in the
    order given and without repeats; every spelling that is not a period is a Problem of
    ``source``, raised together as InvalidInput."""
    values, problems = [], []
    for text in texts:
        try:
            values.append(text if isinstance(text, Period) else Period.parse(text))
        except ValueError:
            problems.append(Problem(source, PERIOD_FORMAT_MESSAGE, value=str(text)))
    if problems:
        raise InvalidInput(problems)
    return tuple(dict.fromkeys(values))
