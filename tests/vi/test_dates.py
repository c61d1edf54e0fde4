from datetime import date, datetime

import pytest

from reportgen.vi.dates import date_line, date_prose, date_table, part_of_day


@pytest.mark.parametrize(
    "value, expected",
    [
        (date(2022, 3, 9), "ngày 09 tháng 3 năm 2022"),
        (date(2022, 3, 10), "ngày 10 tháng 3 năm 2022"),
        (date(2022, 1, 1), "ngày 01 tháng 01 năm 2022"),
        (date(2022, 2, 5), "ngày 05 tháng 02 năm 2022"),
        (date(2021, 12, 15), "ngày 15 tháng 12 năm 2021"),
        (date(2022, 10, 31), "ngày 31 tháng 10 năm 2022"),
        (datetime(2022, 3, 9, 14, 30), "ngày 09 tháng 3 năm 2022"),
        ("2022-03-09", "ngày 09 tháng 3 năm 2022"),
    ],
)
def test_date_prose(value, expected):
    assert date_prose(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (date(2022, 3, 9), "09/3/2022"),
        (date(2022, 2, 5), "05/02/2022"),
        (date(2022, 1, 10), "10/01/2022"),
        (date(2021, 12, 15), "15/12/2021"),
        (date(2022, 3, 14), "14/3/2022"),
    ],
)
def test_date_table(value, expected):
    assert date_table(value) == expected


def test_date_line():
    assert date_line("Tháp Mười", date(2022, 3, 9)) == "Tháp Mười, ngày 09 tháng 3 năm 2022"


def test_date_line_normalises_place_to_nfc():
    decomposed = "Tha\u0301p Mu\u031bo\u031b\u0300i"
    assert date_line(decomposed, date(2022, 2, 5)) == "Tháp Mười, ngày 05 tháng 02 năm 2022"


def test_date_line_needs_a_place():
    with pytest.raises(ValueError):
        date_line("  ", date(2022, 3, 9))
    with pytest.raises(ValueError, match=r"^date_line\(\) needs a place name$"):
        date_line(None, date(2022, 3, 9))


@pytest.mark.parametrize("value", [None, "09/03/2022", 20220309])
def test_bad_dates_raise(value):
    with pytest.raises(ValueError):
        date_prose(value)


@pytest.mark.parametrize(
    "key, expected",
    [("sang", "Sáng"), ("chieu", "Chiều"), ("toi", "Tối"), ("sáng", "Sáng"), ("chiều", "Chiều"),
     ("tối", "Tối"), ("Sáng", "Sáng"), (" CHIEU ", "Chiều"), ("chie\u0302\u0300u", "Chiều")],
)
def test_part_of_day(key, expected):
    assert part_of_day(key) == expected


@pytest.mark.parametrize("key", ["trua", "morning", ""])
def test_part_of_day_unknown(key):
    with pytest.raises(ValueError):
        part_of_day(key)
