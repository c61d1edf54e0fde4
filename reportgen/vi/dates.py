"""Dates in administrative Vietnamese (Decree 30/2020, Appendix I).

Days below 10 and the months 1 and 2 take a leading zero; other months do not:
``ngày 05 tháng 02 năm 2022``, ``ngày 09 tháng 3 năm 2022``.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

_PARTS_OF_DAY = {"sang": "Sáng", "chieu": "Chiều", "toi": "Tối"}
_PARTS_OF_DAY.update({value.lower(): value for value in list(_PARTS_OF_DAY.values())})


def as_date(d: object) -> date:
    """Accept a ``date``, a ``datetime`` (its date part) or an ISO string ``"2022-03-09"``."""
    if isinstance(d, datetime):
        return d.date()
    if isinstance(d, date):
        return d
    if isinstance(d, str):
        try:
            return date.fromisoformat(d.strip())
        except ValueError:
            raise ValueError(f"expected a date like 2022-03-09, got {d!r}") from None
    raise ValueError(f"expected a date, got {type(d).__name__} ({d!r})")


def _day(d: date) -> str:
    return f"{d.day:02d}"


def _month(d: date) -> str:
    return f"{d.month:02d}" if d.month <= 2 else str(d.month)


def date_prose(d: object) -> str:
    """``date(2022, 3, 9)`` -> ``"ngày 09 tháng 3 năm 2022"``."""
    value = as_date(d)
    return f"ngày {_day(value)} tháng {_month(value)} năm {value.year}"


def date_line(place: str, d: object) -> str:
    """The place-and-date line: ``"Tháp Mười, ngày 09 tháng 3 năm 2022"``."""
    name = unicodedata.normalize("NFC", str(place or "")).strip()
    if not name:
        raise ValueError("date_line() needs a place name")
    return f"{name}, {date_prose(d)}"


def date_table(d: object) -> str:
    """Short form for tables and cut-off lines: ``"09/3/2022"``, ``"05/02/2022"``, ``"15/12/2021"``."""
    value = as_date(d)
    return f"{_day(value)}/{_month(value)}/{value.year}"


def date_news(d: object) -> str:
    """The date as news items write it, without the year or leading zeros: ``"16/12"``, ``"9/3"``."""
    value = as_date(d)
    return f"{value.day}/{value.month}"


def part_of_day(key: str) -> str:
    """``"sang"``/``"sáng"`` -> ``"Sáng"``, ``"chieu"``/``"chiều"`` -> ``"Chiều"``, ``"toi"``/``"tối"`` -> ``"Tối"``.

    Case-insensitive; anything else raises ValueError.
    """
    normalised = unicodedata.normalize("NFC", str(key)).strip().lower()
    try:
        return _PARTS_OF_DAY[normalised]
    except KeyError:
        raise ValueError(f"unknown part of day {key!r}; expected sang, chieu or toi") from None


__all__ = ["date_prose", "date_line", "date_table", "date_news", "part_of_day"]
