"""Numbers in administrative Vietnamese.

Separators and the percent sign come from Babel's ``vi`` locale data (group ``.``,
decimal ``,``, percent ``%``); this module only decides rounding and padding.
Rounding is done here with :mod:`decimal` before Babel formats the value, because
Babel itself rounds half-to-even.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from numbers import Integral, Real

from babel import Locale
from babel.numbers import format_decimal

LOCALE = "vi"

_ROUNDING_MODES = {"half_up": ROUND_HALF_UP, "down": ROUND_FLOOR}
_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)


def _symbols() -> dict[str, str]:
    symbols = Locale.parse(LOCALE).number_symbols
    # Babel >= 2.15 keys the symbols by numbering system; older releases do not.
    return symbols.get("latn", symbols)


PERCENT_SIGN: str = _symbols()["percentSign"]


def to_decimal(value: object, what: str = "value") -> Decimal:
    """Convert an int, float or Decimal to an exact Decimal; None, NaN and bools raise ValueError.

    Floats go through their shortest ``repr`` so that ``0.985`` becomes ``Decimal("0.985")``
    and not ``0.98499999...``.
    """
    if value is None:
        raise ValueError(f"{what} is missing (None); handle missing data before formatting")
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number, got a bool ({value!r})")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, Integral):
        result = Decimal(int(value))
    elif isinstance(value, Real):
        result = Decimal(repr(float(value)))
    else:
        raise ValueError(f"{what} must be a number, got {type(value).__name__} ({value!r})")
    if not result.is_finite():
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return result


def to_int(value: object, what: str = "value") -> int:
    """Convert an integral number (``5``, ``5.0``, ``Decimal(5)``) to int; anything else raises ValueError."""
    exact = to_decimal(value, what)
    if exact != exact.to_integral_value():
        raise ValueError(f"{what} must be a whole number, got {value!r}")
    return int(exact)


def round_decimal(value: Decimal, digits: int, rounding: str = "half_up") -> Decimal:
    """Round to ``digits`` decimals: ``"half_up"`` (ROUND_HALF_UP) or ``"down"`` (floor)."""
    if rounding not in _ROUNDING_MODES:
        raise ValueError(f"rounding must be one of {sorted(_ROUNDING_MODES)}, got {rounding!r}")
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 0:
        raise ValueError(f"digits must be a non-negative int, got {digits!r}")
    return value.quantize(Decimal(1).scaleb(-digits), rounding=_ROUNDING_MODES[rounding])


def format_fixed(value: Decimal, digits: int) -> str:
    """Format an already rounded Decimal with exactly ``digits`` decimals, vi separators."""
    if value == 0:
        value = abs(value)  # no "-0,0"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def format_trimmed(value: Decimal, digits: int) -> str:
    """Like :func:`format_fixed`, but a whole value is written without decimals (``100``, not ``100,0``)."""
    if value == value.to_integral_value():
        return format_fixed(value, 0)
    return format_fixed(value, digits)


def number(n: object) -> str:
    """A whole number with thousands grouped: ``1234567`` -> ``"1.234.567"``, ``-1234`` -> ``"-1.234"``.

    Accepts ints and integral floats/Decimals (``1234.0``); fractions raise ValueError
    (use :func:`decimal`).
    """
    return format_fixed(Decimal(to_int(n, "number")), 0)


def decimal(x: object, digits: int = 1, trim: bool = False) -> str:
    """A number with exactly ``digits`` decimals, rounded half-up (ROUND_HALF_UP).

    ``decimal(98.45)`` -> ``"98,5"``, ``decimal(98, 1)`` -> ``"98,0"``, ``decimal(1234.5, 0)`` -> ``"1.235"``.
    ``trim=True`` writes a whole result without decimals, as :func:`percent` does
    (``decimal(2, 1, trim=True)`` -> ``"2"``, ``decimal(2.34, 1, trim=True)`` -> ``"2,3"``).
    """
    value = round_decimal(to_decimal(x, "decimal"), digits)
    return format_trimmed(value, digits) if trim else format_fixed(value, digits)


def percent(ratio: object, digits: int = 1, rounding: str = "half_up", short_of: object = None) -> str:
    """A ratio (0..1) as a percentage: ``0.985`` -> ``"98,5%"``.

    The percentage (ratio x 100) is rounded to ``digits`` decimals, half-up
    (``rounding="half_up"``, ROUND_HALF_UP) or floored (``rounding="down"``, as the news
    bulletin does: ``percent(0.9899, 0, "down")`` -> ``"98%"``).
    Trailing zeros rule: a result with a fractional part keeps exactly ``digits`` decimals
    (``"98,5%"``, ``"12,30%"`` with digits=2); a whole result is written without decimals
    (``"100%"``, ``"98%"``, never ``"100,0%"``).
    A share that falls short of 100% (or of ``short_of``, a target) is never printed as
    reaching it: see :func:`share_value` (6,845 of 6,846 -> ``"99,99%"``, not ``"100%"``).
    No space before the sign. None raises ValueError: callers handle missing data explicitly.
    """
    value, used = share_value(ratio, digits, rounding, short_of)
    # CLDR's vi percent pattern is "#,##0%" (no space); the domain rule is "98,5%" in any
    # case, so the locale's sign is appended directly rather than relying on the pattern.
    return format_trimmed(value, used) + PERCENT_SIGN


def share_value(ratio: object, digits: int = 1, rounding: str = "half_up",
                short_of: object = None) -> tuple[Decimal, int]:
    """The percentage of ``ratio`` rounded to ``digits`` decimals, and the decimals used.

    The rounding never reaches a boundary the exact figure falls short of: 100% always, and
    ``short_of`` (a target ratio) when given. Then up to 3 more decimals are taken until the
    rounded value stays below it (``0.999856`` -> 99,99), and if that is not enough the value
    is floored at the last of them (``0.9999999`` -> 99,999).
    """
    exact = to_decimal(ratio, "ratio") * 100
    value = round_decimal(exact, digits, rounding)
    bounds = [Decimal(100)] + ([] if short_of is None else [to_decimal(short_of, "short_of") * 100])
    limits = [b for b in bounds if exact < b <= value]
    if not limits:
        return value, digits
    bound = min(limits)
    used = digits
    while value >= bound and used < digits + 3:
        used += 1
        value = round_decimal(exact, used, rounding)
    if value >= bound:
        value = round_decimal(exact, used, "down")
    return value, used


def share_cell(ratio: object, digits: int = 2, short_of: object = None) -> str:
    """A share for a table's percentage column, without the sign: ``0.9982`` -> ``"99,82"``,
    always with at least ``digits`` decimals, and never ``"100,00"`` for a share short of
    100% (``0.99996`` -> ``"99,996"``)."""
    value, used = share_value(ratio, digits, "half_up", short_of)
    return format_fixed(value, used)


def percent_exact(ratio: object) -> str:
    """A ratio as a percentage with the decimals it has (up to 3): ``0.98`` -> ``"98%"``,
    ``0.985`` -> ``"98,5%"``; for targets and thresholds, which are never rounded."""
    exponent = (to_decimal(ratio, "ratio") * 100).normalize().as_tuple().exponent
    return percent(ratio, min(max(0, -int(exponent)), 3))


def count(n: object) -> str:
    """A count for official prose: 1-9 zero-padded (``"06"``), 0 -> ``"0"``, 10+ -> :func:`number`.

    Zero is written ``"0"`` (not ``"00"`` nor ``"không"``); wording such as
    "không có hồ sơ quá hạn" is the template's choice. Negative counts raise ValueError.
    """
    value = to_int(n, "count")
    if value < 0:
        raise ValueError(f"count must not be negative, got {n!r}")
    if 1 <= value <= 9:
        return f"0{value}"
    return number(value)


def roman(n: object) -> str:
    """Upper-case Roman numeral for 1..3999: ``4`` -> ``"IV"``; outside that range raises ValueError."""
    value = to_int(n, "roman")
    if not 1 <= value <= 3999:
        raise ValueError(f"roman numerals cover 1..3999, got {n!r}")
    parts = []
    for amount, letters in _ROMAN:
        times, value = divmod(value, amount)
        parts.append(letters * times)
    return "".join(parts)


__all__ = ["number", "decimal", "percent", "percent_exact", "share_cell", "share_value", "count", "roman", "PERCENT_SIGN",
           "LOCALE"]
