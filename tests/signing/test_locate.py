"""reportgen.signing.locate: the lines the clerk fills and the signature space, read back from the
PDFs of the 2022 sample as the suite builds them once (the session fixture ``sample_builds``)."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from reportgen.signing.locate import APPENDIX_LINE, DATE_LINE, NUMBER_LINE, find_layout, text_width

BLANK = "\xa0" * 6  # the number left blank, as the templates write it


@pytest.fixture(scope="module")
def layouts(sample_builds):
    folder = sample_builds[0] / "sample-out" / "2022-Q1" / "TM"
    return {kind: find_layout(PdfReader(folder / f"{kind}.pdf")) for kind in ("bao-cao", "thong-bao", "tin-tuc")}


def test_the_reports_number_date_appendix_and_signature_space(layouts):
    report = layouts["bao-cao"]
    assert (report.number.page, report.number.text, report.number.style) == (0, f"Số:{BLANK}/BC-UBND", "Regular")
    assert round(report.number.size) == 13
    assert (report.date.page, report.date.text, report.date.style) == (0, "Tháp Mười, ngày 09 tháng 3 năm 2022", "Italic")
    assert report.appendix.page == 3
    assert report.appendix.text == (f"(Kèm theo Báo cáo số {BLANK}/BC-UBND ngày 09/3/2022 của Ủy ban nhân dân huyện "
                                    "Tháp Mười)")
    assert report.signature_page == 2
    assert (report.signer_name.page, report.signer_name.text, report.signer_name.style) == (2, "Trần Thị Quý", "Bold")
    x0, y0, x1, y1 = report.signature_box
    assert x1 - x0 == 140.0 and 69 < y1 - y0 < 72  # the 2.5 cm space (70.9 pt) of the closing table
    assert y0 > report.signer_name.y and abs((x0 + x1) / 2 - report.signer_name.center) < 0.01
    assert x0 > report.page_sizes[2][0] / 2  # in the right cell
    assert report.page_sizes == ((595.275591, 841.889764),) * 3 + ((841.889764, 595.275591),)  # the appendix: landscape


def test_the_notice_has_no_appendix_and_the_bulletin_nothing_to_sign(layouts):
    notice = layouts["thong-bao"]
    assert notice.number.text == f"Số:{BLANK}/TB-VP" and notice.date.text == "Tháp Mười, ngày 09 tháng 3 năm 2022"
    assert notice.appendix is None
    assert (notice.signature_page, notice.signer_name.text) == (1, "Nguyễn Văn Thành")
    bulletin = layouts["tin-tuc"]
    assert (bulletin.number, bulletin.date, bulletin.appendix, bulletin.signature_page, bulletin.signature_box,
            bulletin.signer_name) == (None,) * 6


def test_a_lines_width_is_measured_in_its_own_font(layouts):
    name = layouts["bao-cao"].signer_name
    assert abs(text_width(name.text, name.size, "Bold") - name.width) < 0.01
    assert text_width("Trần Thị Quý", 14, "Bold") > text_width("Trần Thị Quý", 14, "Regular")
    assert text_width("", 14) == 0
    assert abs(text_width("ab", 14) - (text_width("a", 14) + text_width("b", 14))) < 1e-9


@pytest.mark.parametrize("text, parts", [("Số: 05/BC-UBND", {"number": "05", "symbol": "BC-UBND"}),
                                         (f"Số:{BLANK}/TB-VP", {"number": "", "symbol": "TB-VP"}),
                                         ("Số 05/BC-UBND", None), ("Số: 05/BC UBND", None)])
def test_the_number_line(text, parts):
    match = NUMBER_LINE.match(text)
    assert (match.groupdict() if match else None) == parts


def test_the_date_and_appendix_lines():
    assert DATE_LINE.match("Tháp Mười, ngày 09 tháng 3 năm 2022")["place"] == "Tháp Mười"
    assert DATE_LINE.match("ngày 09 tháng 3 năm 2022") is None
    assert APPENDIX_LINE.search(f"(Kèm theo Báo cáo số {BLANK}/BC-UBND ngày 09/3/2022)")
    assert APPENDIX_LINE.search("(Kèm theo Báo cáo số 05/BC-UBND ngày 15/3/2022)")
    assert APPENDIX_LINE.search("Kèm theo Báo cáo /BC-UBND") is None
