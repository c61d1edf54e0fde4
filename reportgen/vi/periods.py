"""Reporting periods in administrative Vietnamese: ``quý I năm 2022`` and the cut-off window."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

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


def cutoff_dates(p: Period | str, end_day: int = 14) -> tuple[date, date]:
    """First and last day of the figures for a quarter (Decree 09/2019/ND-CP, art. 12).

    Day 15 of the month before the quarter to day 14 of the quarter's last month;
    Q1 starts in December of the previous year: ``2022-Q1`` -> (2021-12-15, 2022-03-14).
    ``end_day`` (reportgen.toml ``[cutoff] ngay_chot``) moves the window: it ends on that day
    of the quarter's last month (31: the month's last day, the calendar quarter) and starts
    the day after the same day three months earlier.
    """
    value = as_period(p)
    end = _day_of(value.year, value.last_month, end_day)
    year, month = (value.year, value.last_month - 3) if value.last_month > 3 else (value.year - 1, 12)
    start = _day_of(year, month, end_day) + timedelta(days=1)
    return start, end


def _day_of(year: int, month: int, day: int) -> date:
    """``day`` of the month, or the month's last day when it is shorter."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def cutoff_window(p: Period | str, end_day: int = 14) -> str:
    """``"2022-Q1"`` -> ``"từ ngày 15/12/2021 đến ngày 14/3/2022"``."""
    start, end = cutoff_dates(p, end_day)
    return f"từ ngày {date_table(start)} đến ngày {date_table(end)}"


__all__ = ["period", "period_upper", "quarter_name", "cutoff_dates", "cutoff_window"]
