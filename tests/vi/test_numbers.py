import re
from decimal import Decimal

import pytest
from babel import Locale

from reportgen.vi.numbers import count, decimal, number, percent, roman, round_decimal, share_value


def test_babel_vi_symbols_are_the_ones_the_domain_expects():
    symbols = Locale.parse("vi").number_symbols
    symbols = symbols.get("latn", symbols)
    assert (symbols["group"], symbols["decimal"], symbols["percentSign"]) == (".", ",", "%")


@pytest.mark.parametrize(
    "value, expected",
    [
        (0, "0"), (9, "9"), (10, "10"), (999, "999"), (1000, "1.000"), (1234, "1.234"),
        (1234567, "1.234.567"), (-1234, "-1.234"), (-5, "-5"), (1234.0, "1.234"),
        (Decimal("20000"), "20.000"),
    ],
)
def test_number(value, expected):
    assert number(value) == expected


@pytest.mark.parametrize("value", [None, 1.5, "12", True, float("nan")])
def test_number_rejects_non_integers(value):
    with pytest.raises(ValueError):
        number(value)


@pytest.mark.parametrize(
    "args, expected",
    [
        ((98.5,), "98,5"), ((98.45,), "98,5"), ((98.44,), "98,4"), ((98,), "98,0"),
        ((0.125, 2), "0,13"), ((2.5, 0), "3"), ((1234.5, 0), "1.235"), ((1234567.891, 2), "1.234.567,89"),
        ((-0.04,), "0,0"), ((-1.25,), "-1,3"),
    ],
)
def test_decimal_rounds_half_up(args, expected):
    assert decimal(*args) == expected


def test_decimal_rejects_none_and_negative_digits():
    with pytest.raises(ValueError):
        decimal(None)
    with pytest.raises(ValueError):
        decimal(1.0, -1)


@pytest.mark.parametrize(
    "args, expected",
    [
        ((0.985,), "98,5%"),
        ((0.98499,), "98,5%"),
        ((0.98449,), "98,4%"),
        ((0.98499, 2), "98,50%"),
        ((0.98449, 0), "98%"),
        ((0.985, 0), "99%"),
        ((0.98499, 0), "98%"),
        ((1,), "100%"),
        ((1.0, 2), "100%"),
        ((0.98,), "98%"),
        ((0.9999,), "99,99%"),  # short of 100%: never printed as 100% (issue 14)
        ((0,), "0%"),
        ((0.001,), "0,1%"),
        ((0.123, 2), "12,30%"),
        ((12.5,), "1.250%"),
        ((Decimal("0.152"),), "15,2%"),
    ],
)
def test_percent_half_up(args, expected):
    assert percent(*args) == expected


@pytest.mark.parametrize(
    "args, expected",
    [
        ((0.9899, 0, "down"), "98%"),
        ((0.99, 0, "down"), "99%"),
        ((0.29, 0, "down"), "29%"),
        ((0.9999, 0, "down"), "99%"),
        ((0.98499, 1, "down"), "98,4%"),
        ((1, 0, "down"), "100%"),
    ],
)
def test_percent_rounded_down(args, expected):
    assert percent(*args) == expected


def test_percent_has_no_space_before_sign():
    text = percent(0.5)
    assert text == "50%"
    assert not any(ch.isspace() for ch in text)


@pytest.mark.parametrize("digits", [True, 1.5, -1])
def test_round_decimal_takes_only_a_whole_number_of_digits(digits):
    with pytest.raises(ValueError, match=f"^digits must be a non-negative int, got {digits!r}$"):
        round_decimal(Decimal("2.345"), digits)


def test_share_value_defaults_to_one_decimal_half_up():
    # the workbook (render/to_xlsx) calls it with the default rounding
    assert share_value(0.12345) == (Decimal("12.3"), 1)
    assert share_value(0.12345, 2) == (Decimal("12.35"), 2)
    assert share_value(0.99996, 2) == (Decimal("99.996"), 3)  # never 100 short of it


def test_round_decimal_names_the_rounding_rules():
    with pytest.raises(ValueError, match=re.escape("rounding must be one of ['down', 'half_up'], got 'up'")):
        round_decimal(Decimal("2.345"), 1, "up")


def test_percent_rejects_missing_data_and_unknown_rounding():
    with pytest.raises(ValueError):
        percent(None)
    with pytest.raises(ValueError):
        percent(0.5, 1, "up")


@pytest.mark.parametrize(
    "value, expected",
    [(0, "0"), (1, "01"), (6, "06"), (9, "09"), (10, "10"), (99, "99"), (1000, "1.000"), (1234, "1.234"), (9.0, "09")],
)
def test_count(value, expected):
    assert count(value) == expected


@pytest.mark.parametrize("value", [-1, None, 2.5])
def test_count_rejects(value):
    with pytest.raises(ValueError):
        count(value)


@pytest.mark.parametrize(
    "value, expected",
    [(1, "I"), (2, "II"), (3, "III"), (4, "IV"), (9, "IX"), (14, "XIV"), (40, "XL"), (90, "XC"),
     (400, "CD"), (1994, "MCMXCIV"), (2022, "MMXXII"), (3999, "MMMCMXCIX")],
)
def test_roman(value, expected):
    assert roman(value) == expected


@pytest.mark.parametrize("value", [0, 4000, -1, None])
def test_roman_out_of_range(value):
    with pytest.raises(ValueError):
        roman(value)


@pytest.mark.parametrize(
    "args, expected",
    [
        ((6945 / 6946,), "99,99%"),       # one late file in thousands: never "100%"
        ((6845 / 6846,), "99,99%"),
        ((1 - 1 / 300_000,), "99,9997%"),  # three more decimals, then floored
        ((1 - 1e-9,), "99,9999%"),
        ((1,), "100%"),                  # all on time: 100%
        ((0.29996, 1, "half_up", 0.30), "29,996%"),  # just under a target: not "30%"
        ((0.2996, 1, "half_up", 0.30), "29,96%"),
        ((0.30, 1, "half_up", 0.30), "30%"),  # at the target: the target
        ((0.2949, 1, "half_up", 0.30), "29,5%"),  # far enough below: as usual
    ],
)
def test_percent_never_reaches_a_boundary_it_falls_short_of(args, expected):
    assert percent(*args) == expected


def test_share_cell_keeps_two_decimals_and_never_prints_100_short_of_it():
    from reportgen.vi import share_cell
    assert share_cell(6945 / 6946) == "99,99"
    assert share_cell(1 - 1 / 300_000) == "99,9997"
    assert share_cell(1) == "100,00"
    assert share_cell(0.97) == "97,00"
    assert share_cell(0.9982) == "99,82"


def test_share_cell_never_reaches_a_target_it_falls_short_of():
    """A survivor of make mutate: short_of was never given. 94,996% of a 95% target is not "95,00"."""
    from reportgen.vi import share_cell
    assert share_cell(0.94996) == "95,00"
    assert share_cell(0.94996, short_of=0.95) == "94,996"
    assert share_cell(0.95, short_of=0.95) == "95,00"  # reaching it exactly is reaching it
