"""Reporting periods in administrative Vietnamese: ``quý I năm 2022`` and the cut-off window."""

from __future__ import annotations

from datetime import date

from reportgen.periods import Period
from reportgen.vi.dates import date_table
from reportgen.vi.numbers import roman


def as_period(p: Period | str) -> Period:
    """Accept a :class:`~reportgen.periods.Period` or a ``"2022-Q1"`` string."""
    if isinstance(p, Period):
        return p
    if isinstance(p, str):
        return Period.parse(p)
    raise ValueError(f"expected a Period or a string like 2022-Q1, got {type(p).__name__} ({p!r})")


def quarter_name(p: Period | str) -> str:
    """``"2022-Q1"`` -> ``"quý I"``."""
    return f"quý {roman(as_period(p).quarter)}"


def period(p: Period | str) -> str:
    """``"2022-Q1"`` -> ``"quý I năm 2022"`` (the year is never digit-grouped)."""
    value = as_period(p)
    return f"{quarter_name(value)} năm {value.year}"


def period_upper(p: Period | str) -> str:
    """``"2022-Q1"`` -> ``"QUÝ I NĂM 2022"`` for upper-case titles."""
    return period(p).upper()


def cutoff_dates(p: Period | str) -> tuple[date, date]:
    """First and last day of the figures for a quarter (Decree 09/2019/ND-CP, art. 12).

    Day 15 of the month before the quarter to day 14 of the quarter's last month;
    Q1 starts in December of the previous year: ``2022-Q1`` -> (2021-12-15, 2022-03-14).
    """
    value = as_period(p)
    first_month = value.last_month - 2
    if first_month == 1:
        start = date(value.year - 1, 12, 15)
    else:
        start = date(value.year, first_month - 1, 15)
    return start, date(value.year, value.last_month, 14)


def cutoff_window(p: Period | str) -> str:
    """``"2022-Q1"`` -> ``"từ ngày 15/12/2021 đến ngày 14/3/2022"``."""
    start, end = cutoff_dates(p)
    return f"từ ngày {date_table(start)} đến ngày {date_table(end)}"


__all__ = ["period", "period_upper", "quarter_name", "cutoff_dates", "cutoff_window"]
