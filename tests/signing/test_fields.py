"""reportgen.signing.fields: the text each fillable line holds once the clerk gives the number and
the date (the fields themselves, in a signed PDF, are in test_sign.py)."""

from __future__ import annotations

from datetime import date

from reportgen.signing import fields
from reportgen.signing.locate import Layout, Line

NUMBER = Line(0, "Số:      /BC-UBND", 100, 700, 13, "Regular", 90)
DATE = Line(0, "Tháp Mười, ngày 09 tháng 3 năm 2022", 300, 700, 14, "Italic", 200)
APPENDIX = Line(2, "(Kèm theo Báo cáo số      /BC-UBND ngày 09/3/2022 của UBND huyện)", 80, 800, 13, "Italic", 400)


def layout(number=NUMBER, day=DATE, appendix=APPENDIX) -> Layout:
    return Layout(number, day, appendix, 1, None, None, ((595.0, 842.0),))


def test_each_line_filled_with_the_number_and_the_date():
    assert fields.filled_texts(layout(), 5, date(2022, 3, 15)) == {
        fields.NUMBER: (NUMBER, "Số: 05/BC-UBND"),
        fields.DATE: (DATE, "Tháp Mười, ngày 15 tháng 3 năm 2022"),
        fields.APPENDIX: (APPENDIX, "(Kèm theo Báo cáo số 05/BC-UBND ngày 15/3/2022 của UBND huyện)")}


def test_numbers_and_dates_as_decree_30_writes_them():
    texts = fields.filled_texts(layout(), 123, date(2022, 12, 1))
    assert texts[fields.NUMBER][1] == "Số: 123/BC-UBND"
    assert texts[fields.DATE][1] == "Tháp Mười, ngày 01 tháng 12 năm 2022"  # day 1-9 and months 1-2 with a zero
    assert texts[fields.APPENDIX][1] == "(Kèm theo Báo cáo số 123/BC-UBND ngày 01/12/2022 của UBND huyện)"
    texts = fields.filled_texts(layout(), 7, date(2023, 1, 20))
    assert texts[fields.DATE][1] == "Tháp Mười, ngày 20 tháng 01 năm 2023"


def test_only_the_lines_a_document_has():
    assert fields.filled_texts(Layout(None, None, None, None, None, None, ()), 5, date(2022, 3, 15)) == {}
    notice = fields.filled_texts(layout(Line(0, "Số:   /TB-VP", 90, 700, 13, "Regular", 60), appendix=None), 8,
                                 date(2022, 3, 10))
    assert {name: text for name, (_, text) in notice.items()} == {
        fields.NUMBER: "Số: 08/TB-VP", fields.DATE: "Tháp Mười, ngày 10 tháng 3 năm 2022"}
