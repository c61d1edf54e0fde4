"""Reporting periods: parsing ``2022-Q1`` and arithmetic on quarters.

Formatting periods in Vietnamese lives in :mod:`reportgen.vi`; this module only knows
what a period is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PERIOD_RE = re.compile(r"^(\d{4})-Q([1-4])$")
PERIOD_FORMAT = "NĂM-Qn, ví dụ 2022-Q1"


def period_format_message(what: str = "kỳ") -> str:
    """The one message for a badly written period: ``"kỳ sai định dạng: cần NĂM-Qn, ví dụ 2022-Q1"``."""
    return f"{what} sai định dạng: cần {PERIOD_FORMAT}"


PERIOD_FORMAT_MESSAGE = period_format_message()


@dataclass(frozen=True, order=True)
class Period:
    """A calendar quarter, e.g. ``Period(2022, 1)`` for ``2022-Q1``."""

    year: int
    quarter: int

    @classmethod
    def parse(cls, text: str) -> "Period":
        """Parse ``YYYY-Qn``; raise ValueError with the expected form otherwise."""
        match = _PERIOD_RE.match(str(text).strip())
        if not match:
            raise ValueError(f"{PERIOD_FORMAT_MESSAGE} (giá trị: {text!r})")
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.year:04d}-Q{self.quarter}"  # 0999-Q1 reads back as it was written

    def previous(self) -> "Period":
        """The quarter before this one."""
        if self.quarter == 1:
            return Period(self.year - 1, 4)
        return Period(self.year, self.quarter - 1)

    def next(self) -> "Period":
        """The quarter after this one."""
        if self.quarter == 4:
            return Period(self.year + 1, 1)
        return Period(self.year, self.quarter + 1)

    def year_before(self) -> "Period":
        """The same quarter one year earlier."""
        return Period(self.year - 1, self.quarter)

    @property
    def last_month(self) -> int:
        """The last calendar month of the quarter (3, 6, 9 or 12)."""
        return self.quarter * 3
