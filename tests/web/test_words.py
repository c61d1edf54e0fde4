"""reportgen.web.words: the clerk's words for what the library names by code."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from reportgen.archive.built import NOT_BUILT, RERUN
from reportgen.periods import Period
from reportgen.web import words


@pytest.mark.parametrize("code, text", [(Period.parse("2022-Q2"), "Quý II/2022"), ("2022-Q2", "Quý II/2022"),
                                        ("2026-6T", "6 tháng đầu năm 2026"), ("2026-9T", "9 tháng đầu năm 2026"),
                                        ("2026", "Năm 2026"), ("abc", "abc"), (None, "None")])
def test_period_words(code, text):
    assert words.period_words(code) == text


def test_kind_words():
    assert [words.kind_words(k) for k in ("bao-cao", "thong-bao", "tin-tuc", "khac")] == [
        "Báo cáo", "Thông báo kết luận", "Tin bài", "khac"]


@pytest.mark.parametrize("name, text", [
    ("tin-tuc.fragment.html", "Đoạn HTML dán vào Cổng thông tin"), ("bao-cao.pdf", "PDF"), ("bao-cao.docx", "Word"),
    ("bao-cao.xlsx", "Bảng tính Excel"), ("bao-cao.html", "Trang tin (HTML)"), ("bao-cao.zzz", "zzz"),
    ("README", "README")])
def test_file_words(name, text):
    assert words.file_words(name) == text


@pytest.mark.parametrize("column, text", [
    ("truc_tuyen", "Số hồ sơ nhận giải quyết / Trực tuyến"), ("chi_dao.0.thoi_han", "Thời hạn thực hiện"),
    ("ky, ma_don_vi", "Kỳ báo cáo, Mã đơn vị"), ("ky,la_gi", "Kỳ báo cáo, la_gi"), ("la_gi", "la_gi"),
    ("thao_luan.con_nua", "Còn ý kiến thảo luận khác")])
def test_column_words(column, text):
    assert words.column_words(column) == text


def test_unit_words_from_units_csv_or_the_code():
    class Workspace:
        units = pd.DataFrame({"ten_don_vi": ["Xã Mỹ An"]}, index=["MA"])

    assert words.unit_words(Workspace(), "MA") == "Xã Mỹ An"
    assert words.unit_words(Workspace(), "ZZ") == "ZZ"
    assert words.unit_words(None, "ZZ") == "ZZ"


def test_time_count_and_date_words():
    assert words.time_words(dt.datetime(2026, 12, 7, 14, 5)) == "14 giờ 05 phút, ngày 07/12/2026"
    assert words.time_words(dt.datetime(2026, 1, 2, 0, 0)) == "0 giờ 00 phút, ngày 02/01/2026"
    assert [words.count_words(n) for n in (0, 999, 4792, 1_234_567)] == ["0", "999", "4.792", "1.234.567"]
    assert words.date_words("2022-03-09") == "09/03/2022"
    assert words.date_words("2026-12-07T13:56:56+00:00") == "07/12/2026"
    assert words.date_words("không rõ") == "không rõ" and words.date_words("") == ""


def test_an_archive_reason_tells_the_clerk_what_to_do_on_the_page():
    assert words.archive_reason(f"{NOT_BUILT}: outputs/2022-Q1/TM/bao-cao.pdf") == (
        "chưa lập văn bản: hãy lập văn bản ở trang Lập văn bản trước khi lưu trữ")
    assert words.archive_reason(f"số liệu đã đổi; {RERUN}") == (
        "số liệu đã đổi; hãy lập lại văn bản ở trang Lập văn bản rồi lưu trữ")
    assert words.archive_reason("đĩa đầy") == "đĩa đầy"
    assert words.archive_reason(None) is None


def test_the_filters_the_pages_use():
    assert words.FILTERS["ky"]("2022-Q1") == "Quý I/2022"
    assert words.FILTERS["so"](1000) == "1.000"
    assert set(words.FILTERS) == {"ngay", "so", "ky", "van_ban", "tep", "cot", "ly_do_luu_tru"}
