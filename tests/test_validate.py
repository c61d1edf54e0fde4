"""Validation of the tabular inputs (reportgen/validate.py): every problem of units.csv and the
figure files at once, located by file, row and column, with the value and what was expected."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reportgen.periods import Period
from reportgen.sources.tables import read_csv
from reportgen.validate import check_columns, check_figures, check_units

UNITS = ("ma_don_vi,ten_don_vi,cap,ma_cap_tren,ngay_thanh_lap\n"
         "H,Huyện A,huyen,,\nX1,Xã B,xa,H,1/7/2025\n")
HEAD = "ky,ma_don_vi,truc_tuyen,truc_tiep,buu_chinh,ky_truoc,truoc_han,dung_han,qua_han,dang_trong_han,dang_qua_han\n"
NUMBERS = "cần số nguyên không âm (số hồ sơ), ví dụ 1850 hoặc 1.850"


def table(folder: Path, name: str, text: str):
    (folder / name).write_text(text, encoding="utf-8")
    return read_csv(folder / name)


@pytest.fixture
def units(tmp_path):
    frame, problems = check_units(table(tmp_path, "units.csv", UNITS), "units.csv")
    assert problems == []
    return frame


def test_good_units(units):
    assert list(units.index) == ["H", "X1"]
    assert units.loc["X1", ["ten_don_vi", "cap", "ma_cap_tren", "_row"]].tolist() == ["Xã B", "xa", "H", 3]
    assert (units.loc["X1", "ngay_thanh_lap"], units.loc["H", "ngay_thanh_lap"]) == (dt.date(2025, 7, 1), None)


def test_every_problem_of_units_at_once(tmp_path):
    text = ("ma_don_vi,ten_don_vi,cap,ma_cap_tren,ngay_thanh_lap,ghi_chu\n"
            "H,Huyện A,huyen,,\nX1,Xã B,xa,H,1/7/2025\nx1,Xã C,xa,H,\nCON,Xã D,xa,H,\nX2,Xã E,tinh,H,31/02/2025\n"
            "X3,,xa,Y,\nP,Tỉnh,tinh,Q,\nQ,Tỉnh 2,tinh,P,\n")
    frame, problems = check_units(table(tmp_path, "units.csv", text), "units.csv")
    assert list(frame.index) == ["H", "X1", "X2", "X3", "P", "Q"]
    assert [str(p) for p in problems] == [
        "units.csv, dòng 1, cột ghi_chu: cột không được hỗ trợ; các cột hợp lệ: ma_don_vi, ten_don_vi, cap, ma_cap_tren, "
        "dia_danh, nguoi_ky, ngay_thanh_lap",
        "units.csv, dòng 4, cột ma_don_vi: mã đơn vị trùng với dòng 3 ('X1': chữ hoa và chữ thường là một thư mục trên "
        "Windows, macOS) (giá trị: 'x1')",
        "units.csv, dòng 5, cột ma_don_vi: mã đơn vị là tên thiết bị mà Windows dành riêng (CON, PRN, AUX, NUL, COM0-9, "
        "LPT0-9, kể cả có đuôi): không dùng làm tên thư mục được (giá trị: 'CON')",
        "units.csv, dòng 6, cột ngay_thanh_lap: ngày thành lập không hợp lệ: cần NGÀY/THÁNG/NĂM, ví dụ 01/07/2025, hoặc "
        "2025-07-01 (giá trị: '31/02/2025')",
        "units.csv, dòng 7, cột ten_don_vi: thiếu tên đơn vị",
        "units.csv, dòng 7, cột ma_cap_tren: mã cấp trên không có trong units.csv (giá trị: 'Y')",
        "units.csv, dòng 6, cột cap: cấp tinh không thể trực thuộc đơn vị cấp huyen (H); cấp dưới phải thấp hơn: "
        "tinh > huyen > xa (giá trị: 'tinh')",
        "units.csv, dòng 8, cột cap: cấp tinh không thể trực thuộc đơn vị cấp tinh (Q); cấp dưới phải thấp hơn: "
        "tinh > huyen > xa (giá trị: 'tinh')",
        "units.csv, dòng 9, cột cap: cấp tinh không thể trực thuộc đơn vị cấp tinh (P); cấp dưới phải thấp hơn: "
        "tinh > huyen > xa (giá trị: 'tinh')",
        "units.csv, dòng 8, cột ma_cap_tren: vòng lặp cấp trên: P → Q → P (giá trị: 'Q')"]


def test_figures_read_with_their_period_parsed_once(tmp_path, units):
    figures = check_figures([(table(tmp_path, "f.csv", HEAD + "2022-q1,H,10,20,0,5,15,10,2,6,2\n"), "figures/f.csv")], units)
    assert figures.problems == []
    assert figures.period_of == {"2022-Q1": Period(2022, 1, 1)}
    [row] = figures.totals.to_dict("records")
    assert ({k: row[k] for k in ("ky", "ma_don_vi", "truc_tuyen", "truc_tiep", "qua_han", "dang_qua_han", "_row")}
            == {"ky": "2022-Q1", "ma_don_vi": "H", "truc_tuyen": 10, "truc_tiep": 20, "qua_han": 2, "dang_qua_han": 2,
                "_row": 2})


def test_every_problem_of_the_figures_at_once(tmp_path, units):
    text = HEAD + ("2022-Q1,X1,1,2,0,0,1,1,0,1,0\n2022-Q1,X9,1,2,0,0,1,1,0,1,0\n2022-Q1,X1,1,2,0,0,1,1,0,1,0\n"
                   "2022-Q5,X1,a,-1,1.5,,1,1,0,1,0\n")
    figures = check_figures([(table(tmp_path, "f.csv", text), "figures/f.csv")], units)
    assert [(str(p), p.severity) for p in figures.problems] == [(message, "error") for message in (
        "figures/f.csv, dòng 3, cột ma_don_vi: mã đơn vị không có trong units.csv (giá trị: 'X9')",
        "figures/f.csv, dòng 5, cột ky: kỳ báo cáo sai định dạng: cần NĂM-Qn (quý n), NĂM-6T (6 tháng), NĂM-9T (9 tháng) "
        "hoặc NĂM (cả năm), ví dụ 2026-Q1, 2026-6T, 2026 (giá trị: '2022-Q5')",
        f"figures/f.csv, dòng 5, cột truc_tuyen: không phải số: {NUMBERS} (giá trị: 'a')",
        f"figures/f.csv, dòng 5, cột truc_tiep: số âm: {NUMBERS} (giá trị: '-1')",
        f"figures/f.csv, dòng 5, cột buu_chinh: số lẻ hoặc dấu phân cách sai: {NUMBERS} (giá trị: '1.5')",
        f"figures/f.csv, dòng 5, cột ky_truoc: ô trống: {NUMBERS} (giá trị: '')",
        "figures/f.csv, dòng 4, cột ky, ma_don_vi: trùng kỳ và đơn vị với figures/f.csv, dòng 2 (giá trị: '2022-Q1, X1')")]


def test_columns_missing_unknown_repeated(tmp_path):
    problems = check_columns(table(tmp_path, "c.csv", "ky,ma_don_vi,truc_tuyn,x,x\n"), "figures/c.csv",
                             ["ky", "ma_don_vi", "truc_tuyen"])
    assert [str(p) for p in problems] == [
        "figures/c.csv, dòng 1, cột x: cột lặp lại (cột thứ 4 và cột thứ 5 của dòng tiêu đề): mỗi cột chỉ được có một lần",
        "figures/c.csv, dòng 1, cột truc_tuyn: cột không được hỗ trợ; có phải là 'truc_tuyen'?",
        "figures/c.csv, dòng 1, cột x: cột không được hỗ trợ; các cột hợp lệ: ky, ma_don_vi, truc_tuyen",
        "figures/c.csv, dòng 1, cột x: cột không được hỗ trợ; các cột hợp lệ: ky, ma_don_vi, truc_tuyen",
        "figures/c.csv, dòng 1, cột truc_tuyen: thiếu cột bắt buộc"]


def test_a_file_without_a_required_column_is_not_read(tmp_path, units):
    figures = check_figures([(table(tmp_path, "f.csv", "ky,ma_don_vi\n2022-Q1,H\n"), "figures/f.csv")], units)
    assert figures.totals.empty
    assert [p.column for p in figures.problems if p.message == "thiếu cột bắt buộc"] == [
        "truc_tuyen", "truc_tiep", "buu_chinh", "ky_truoc", "truoc_han", "dung_han", "qua_han", "dang_trong_han",
        "dang_qua_han"]
