"""Reading the summary workbook as offices keep it (issue 10, part 1).

Every workbook here is made with openpyxl the way an office lays out its Biểu tổng hợp:
title rows, a two-row merged header in another column order, unit names written with the
other tone placement or without the level word, group and total rows, numbers as text, a
formula. Each must give exactly the figures of the sample's CSV; each broken variant its
exact message, naming the cell as Excel does.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from reportgen.errors import InvalidInput
from reportgen.sources.workbook import classify, name_key, period_in_text
from reportgen.validate import COUNTS
from reportgen.workspace import load_workspace
from tests.workbooks import FIELDS, PARTS, add_footer, csv_rows, office_sheet

# The header as the sample workbook writes it: (group, [(heading, field)]), in an order
# other than reportgen's: resolved first, received with "Trực tiếp" before "Trực tuyến".
# Names as offices write them: other tone placement, no level word, odd spacing, NFD


def put(workspace: Path, book, name: str = "bieu-2022-q1.xlsx", drop_csv: bool = True) -> Path:
    path = workspace / "figures" / name
    book.save(path)
    if drop_csv:
        (workspace / "figures" / "mot-cua-2022-q1.csv").unlink()
    return path


def figures_of(ws, period: str = "2022-Q1") -> dict[str, dict[str, int]]:
    rows = ws.figures[ws.figures["ky"] == period]
    return {r["ma_don_vi"]: {k: int(r[k]) for k in COUNTS} for _, r in rows.iterrows()}


def messages(workspace: Path, only_figures: bool = False) -> list[str]:
    """The errors of the workspace; ``only_figures`` leaves out the meeting file's, which has
    no figures left when a workbook cannot be read at all."""
    with pytest.raises(InvalidInput) as caught:
        load_workspace(workspace)
    return [str(p) for p in caught.value.problems
            if p.severity == "error" and (not only_figures or p.file.startswith("figures/"))]


def cell_of(ws, code_name: str, field: str) -> str:
    """The cell of a unit's figure in office_sheet, e.g. ('Xã Mỹ Hoà', 'truc_tuyen') -> 'K12'."""
    from openpyxl.utils import get_column_letter

    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == code_name)
    return f"{get_column_letter(3 + FIELDS.index(field))}{row}"


# --- matching keys ----------------------------------------------------------------------

def test_name_key_ignores_case_spacing_and_tone_placement_but_not_tones():
    assert name_key("Xã Mỹ Hoà") == name_key("xã  mỹ\nHòa") == name_key(unicodedata.normalize("NFD", "Xã Mỹ Hòa"))
    assert name_key("thuý") == name_key("thúy")
    assert name_key("Mỹ An") != name_key("Mỹ Ân")
    assert name_key("Hòa") != name_key("Hóa")


@pytest.mark.parametrize("text", ["Quý I năm 2022", "QUÝ I/2022", "quý 1 năm 2022", "BIỂU TỔNG HỢP QUÝ I NĂM 2022",
                                  "2022-Q1", "Quý I - 2022"])
def test_period_in_titles(text: str):
    assert str(period_in_text(text)) == "2022-Q1"


@pytest.mark.parametrize("text, expected", [
    ("BÁO CÁO KẾT QUẢ GIẢI QUYẾT TTHC 6 THÁNG ĐẦU NĂM 2026", "2026-6T"),
    ("Biểu tổng hợp 9 tháng đầu năm 2026", "2026-9T"),
    ("BIỂU TỔNG HỢP KẾT QUẢ GIẢI QUYẾT TTHC NĂM 2026", "2026"),
    ("Tình hình giải quyết TTHC năm 2025", "2025"),
    # a date's year, the second half (no report period) and a quarter written wrong are no period
    ("Tháp Mười, ngày 14 tháng 3 năm 2022", "None"),
    ("Kết quả 6 tháng cuối năm 2026", "None"),
    ("Biểu tổng hợp quý V năm 2026", "None"),
])
def test_periods_of_the_cycle_in_titles(text: str, expected: str):
    assert str(period_in_text(text)) == expected


@pytest.mark.parametrize("title, period", [("BIỂU TỔNG HỢP KẾT QUẢ GIẢI QUYẾT TTHC 6 THÁNG ĐẦU NĂM 2022", "2022-6T"),
                                           ("BIỂU TỔNG HỢP KẾT QUẢ GIẢI QUYẾT TTHC NĂM 2022", "2022")])
def test_a_six_month_or_year_workbook_reads_as_that_period(workspace, title, period):
    """An office's workbook of a cumulative period gives its rows directly for that period (issue 19)."""
    expected = csv_rows(workspace)
    book, _ = office_sheet(workspace, title=title)
    put(workspace, book)
    for meeting in (workspace / "meetings").glob("*.yaml"):  # the sample's meeting is of 2022-Q1
        meeting.unlink()
    ws = load_workspace(workspace)
    assert figures_of(ws, period) == expected
    assert "2022-Q1" not in set(ws.figures["ky"])  # the rows are the period's own, not a quarter's


def test_standard_headings_in_any_spelling():
    assert classify("Số hồ sơ nhận giải quyết", "Trực tuyến") == "truc_tuyen"
    assert classify(None, "Số mới tiếp nhận trực tuyến") == "truc_tuyen"
    assert classify("SỐ HỒ SƠ NHẬN GIẢI QUYẾT", "Qua dịch vụ\nbưu chính công ích") == "buu_chinh"
    assert classify("Số hồ sơ nhận giải quyết", "(Số) kỳ trước chuyển qua") == "ky_truoc"
    assert classify("Số hồ sơ đã giải quyết", "Trả đúng thời hạn") == "dung_han"
    assert classify("Số hồ sơ đã giải quyết", "Quá hạn") == "qua_han"
    assert classify("Số hồ sơ đang giải quyết", "Quá hạn") == "dang_qua_han"
    assert classify("Số hồ sơ đang giải quyết", "Trong hạn") == "dang_trong_han"
    assert classify("Số hồ sơ đang giải quyết", "Tổng số") == "in_progress_total"
    assert classify(None, "Đang giải quyết quá hạn") == "dang_qua_han"
    assert classify(None, "Quá hạn") is None  # which group's? never guessed
    assert classify("Số hồ sơ đang giải quyết", "Trước hạn") is None


# --- the office's workbook gives the CSV's figures ---------------------------------------

def test_office_workbook_gives_the_figures_of_the_csv(workspace: Path):
    expected = csv_rows(workspace)
    book, ws = office_sheet(workspace)
    # numbers as Vietnamese writes them, in text cells
    ws[cell_of(ws, "Huyện Tháp Mười", "truc_tiep")] = "1.850"
    ws[cell_of(ws, "Xã Mỹ Hoà", "truc_tuyen")] = " 7 "
    put(workspace, book)
    ws_loaded = load_workspace(workspace)
    assert figures_of(ws_loaded) == expected
    assert ws_loaded.warnings == []
    rows = ws_loaded.figures[ws_loaded.figures["ky"] == "2022-Q1"]
    assert set(rows["_file"]) == {"figures/bieu-2022-q1.xlsx"}
    assert list(rows["_row"])[:3] == [8, 10, 11]  # Excel's row numbers


def test_one_row_header_with_office_headings_and_codes(workspace: Path):
    expected = csv_rows(workspace)
    book = Workbook()
    ws = book.active
    headings = ["Mã đơn vị", "Kỳ", "Trực tuyến", "Trực tiếp", "Bưu chính", "Kỳ trước chuyển qua",
                "Đã giải quyết trước hạn", "Đã giải quyết đúng hạn", "Đã giải quyết quá hạn",
                "Đang giải quyết trong hạn", "Đang giải quyết quá hạn"]
    ws.append(headings)
    for code, counts in expected.items():
        ws.append([code, "Quý I năm 2022", *[counts[f] for f in COUNTS]])
    put(workspace, book)
    assert figures_of(load_workspace(workspace)) == expected


def test_config_maps_other_headings_and_gives_the_period(workspace: Path):
    expected = csv_rows(workspace)
    book, ws = office_sheet(workspace, title="BIỂU TỔNG HỢP KẾT QUẢ GIẢI QUYẾT TTHC")
    ws["D5"] = "Giải quyết đúng quy định"  # the office's own wording for "Đúng hạn"
    put(workspace, book)
    with open(workspace / "reportgen.toml", "a", encoding="utf-8") as handle:
        handle.write('\n[sources]\nky = "2022-Q1"\n\n[sources.columns]\n'
                     '"Số hồ sơ đã giải quyết / Giải quyết đúng quy định" = "dung_han"\n')
    assert figures_of(load_workspace(workspace)) == expected


def _with_cached_value(path: Path, cell: str, value: int) -> None:
    """Give a formula cell the value Excel would have cached when saving (openpyxl writes none)."""
    with zipfile.ZipFile(path) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    sheet = entries["xl/worksheets/sheet1.xml"].decode()
    sheet, found = re.subn(rf'(<c r="{cell}"[^>]*><f>[^<]*</f>)<v\s*/?>(</v>)?', rf"\g<1><v>{value}</v>", sheet)
    assert found == 1
    entries["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in entries.items():
            target.writestr(name, data)


def test_formula_read_by_its_cached_value(workspace: Path):
    expected = csv_rows(workspace)
    book, ws = office_sheet(workspace)
    received = cell_of(ws, "Xã Mỹ Hoà", "received")
    row = received[1:]
    parts = "+".join(cell_of(ws, "Xã Mỹ Hoà", f)[:-len(row)] + row for f in PARTS["received"])
    ws[received] = f"={parts}"
    path = put(workspace, book)
    _with_cached_value(path, received, sum(expected["TM-MH"][f] for f in PARTS["received"]))
    ws_loaded = load_workspace(workspace)
    assert figures_of(ws_loaded) == expected
    assert ws_loaded.warnings == []


# --- warnings: totals that disagree -----------------------------------------------------

def test_a_wrong_total_row_and_a_wrong_total_column_are_warnings(workspace: Path):
    expected = csv_rows(workspace)
    book, ws = office_sheet(workspace)
    online = cell_of(ws, "Cộng cấp xã", "truc_tuyen")
    ws[online] = 89  # the communes' rows add up to 90
    ws[cell_of(ws, "Xã Mỹ Hoà", "resolved")] = 1  # Tổng số of the resolved files, against its parts
    put(workspace, book)
    ws_loaded = load_workspace(workspace)
    assert figures_of(ws_loaded) == expected
    mh_resolved = sum(expected["TM-MH"][f] for f in PARTS["resolved"])
    assert [str(w) for w in ws_loaded.warnings] == [
        f"figures/bieu-2022-q1.xlsx, ô {cell_of(ws, 'Xã Mỹ Hoà', 'resolved')}: cột 'Số hồ sơ đã giải quyết / "
        f"Tổng số' ghi 1, cộng các cột thành phần được {mh_resolved}",
        f"figures/bieu-2022-q1.xlsx, ô {online}: dòng tổng 'Cộng cấp xã', cột 'Số hồ sơ nhận giải quyết / "
        "Trực tuyến': ghi 89, cộng các dòng đơn vị được 90",
    ]


def _resolved(counts: dict) -> int:
    return sum(counts[f] for f in PARTS["resolved"])


def _commune_resolved(expected: dict) -> int:
    return sum(_resolved(c) for code, c in expected.items() if code != "TM")


# --- broken variants: the exact message, with the cell ----------------------------------

def test_unknown_heading_names_its_cell(workspace: Path):
    book, ws = office_sheet(workspace)
    ws["F5"] = "Hồ sơ bổ sung"
    put(workspace, book, "bieu.xlsx")
    assert messages(workspace, only_figures=True) == [
        "figures/bieu.xlsx, ô F5: tiêu đề cột không nhận ra: 'Số hồ sơ đã giải quyết / Hồ sơ bổ sung'; dùng tiêu đề "
        "chuẩn của biểu tổng hợp hoặc khai báo trong [sources.columns] của reportgen.toml "
        "(tiêu đề = \"tên trường\")",
        "figures/bieu.xlsx, dòng 4: thiếu cột Đã giải quyết / Quá hạn (qua_han) trong dòng tiêu đề 4–5"]


def test_unit_name_matching_nothing_gives_the_closest_names(workspace: Path):
    book, ws = office_sheet(workspace, names={"TM-MD": "Xã Mỹ Đong"})
    put(workspace, book)
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Xã Mỹ Đong")
    assert messages(workspace) == [
        f"figures/bieu-2022-q1.xlsx, ô B{row}: tên đơn vị không có trong units.csv; gần nhất: Xã Mỹ Đông, "
        "Xã Mỹ An, Xã Mỹ Hòa (giá trị: 'Xã Mỹ Đong')"]


def test_unit_name_matching_two_units(workspace: Path):
    book, ws = office_sheet(workspace, names={"TM-MA": "Mỹ An"})
    put(workspace, book)
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Mỹ An")
    assert messages(workspace) == [
        f"figures/bieu-2022-q1.xlsx, ô B{row}: tên đơn vị ứng với nhiều đơn vị trong units.csv: Thị trấn Mỹ An, "
        "Xã Mỹ An; hãy ghi đủ cấp (xã, thị trấn...) hoặc mã đơn vị (giá trị: 'Mỹ An')"]


def test_no_period_anywhere(workspace: Path):
    book, ws = office_sheet(workspace, title="BIỂU TỔNG HỢP KẾT QUẢ GIẢI QUYẾT TTHC")
    put(workspace, book)
    assert messages(workspace, only_figures=True) == [
        "figures/bieu-2022-q1.xlsx: không xác định được kỳ báo cáo: cần cột \"Kỳ\", hoặc tiêu đề ghi kỳ "
        "(ví dụ \"Quý I năm 2022\"), hoặc ky trong [sources] của reportgen.toml"]


def test_title_and_config_disagree(workspace: Path):
    book, ws = office_sheet(workspace)
    put(workspace, book)
    with open(workspace / "reportgen.toml", "a", encoding="utf-8") as handle:
        handle.write('\n[sources]\nky = "2022-Q2"\n')
    assert messages(workspace, only_figures=True) == [
        "figures/bieu-2022-q1.xlsx: kỳ ở tiêu đề (ô A2: 2022-Q1) khác kỳ trong reportgen.toml ([sources] ky = 2022-Q2)"]


def test_formula_without_a_cached_value(workspace: Path):
    book, ws = office_sheet(workspace)
    received = cell_of(ws, "Xã Mỹ Hoà", "truc_tuyen")
    ws[received] = "=1+1"
    put(workspace, book)
    assert messages(workspace) == [
        f"figures/bieu-2022-q1.xlsx, ô {received}: công thức =1+1 chưa có giá trị đã tính: hãy mở tệp bằng Excel "
        "hoặc LibreOffice rồi lưu lại (Lưu/Save) để ghi giá trị vào tệp"]


def test_existing_validation_names_the_cell(workspace: Path):
    book, ws = office_sheet(workspace)
    late = cell_of(ws, "Xã Mỹ Hoà", "qua_han")
    online = cell_of(ws, "Huyện Tháp Mười", "truc_tuyen")
    ws[late] = "hai"
    ws[online] = 1.5
    ws[cell_of(ws, "Xã Thạnh Lợi", "ky_truoc")] = None
    put(workspace, book)
    assert messages(workspace) == [
        f"figures/bieu-2022-q1.xlsx, ô {online}: số lẻ hoặc dấu phân cách sai: cần số nguyên không âm (số hồ sơ), "
        "ví dụ 1850 hoặc 1.850 (giá trị: '1.5')",
        f"figures/bieu-2022-q1.xlsx, ô {late}: không phải số: cần số nguyên không âm (số hồ sơ), "
        "ví dụ 1850 hoặc 1.850 (giá trị: 'hai')",
        f"figures/bieu-2022-q1.xlsx, ô {cell_of(ws, 'Xã Thạnh Lợi', 'ky_truoc')}: ô trống: cần số nguyên không âm "
        "(số hồ sơ), ví dụ 1850 hoặc 1.850 (giá trị: '')"]


def test_workbook_duplicating_the_csv_is_reported(workspace: Path):
    book, ws = office_sheet(workspace)
    put(workspace, book, drop_csv=False)
    found = messages(workspace)
    assert len(found) == 14
    assert found[0] == ("figures/mot-cua-2022-q1.csv, dòng 2, cột ky, ma_don_vi: trùng kỳ và đơn vị với "
                        "figures/bieu-2022-q1.xlsx, dòng 8 (giá trị: '2022-Q1, TM')")


def test_reportgen_column_names_in_xlsx_still_read_as_before(workspace: Path):
    expected = csv_rows(workspace)
    book = Workbook()
    ws = book.active
    ws.append(["ky", "ma_don_vi", *COUNTS])
    for code, counts in expected.items():
        ws.append(["2022-Q1", code, *[counts[f] for f in COUNTS]])
    put(workspace, book)
    assert figures_of(load_workspace(workspace)) == expected


def test_two_row_header_without_merged_cells(workspace: Path):
    """Group headings written once over their columns, nothing merged."""
    expected = csv_rows(workspace)
    book, ws = office_sheet(workspace)
    for cells in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(cells))
    put(workspace, book)
    assert figures_of(load_workspace(workspace)) == expected


def test_a_row_period_other_than_the_title_is_an_error(workspace: Path):
    book = Workbook()
    ws = book.active
    ws.append(["Biểu tổng hợp quý 1 năm 2022"])
    ws.append(["Mã đơn vị", "Kỳ", "Trực tuyến", "Trực tiếp", "Bưu chính", "Kỳ trước", "Đã giải quyết trước hạn",
               "Đã giải quyết đúng hạn", "Đã giải quyết quá hạn", "Đang giải quyết trong hạn",
               "Đang giải quyết quá hạn"])
    ws.append(["TM", "Quý II/2022", *range(9)])
    put(workspace, book, "q.xlsx", drop_csv=False)
    assert messages(workspace) == [
        "figures/q.xlsx, ô B3: kỳ của dòng (2022-Q2) khác kỳ của biểu (2022-Q1) (giá trị: 'Quý II/2022')"]


def test_cli_validate_names_cells_and_exits_as_documented(workspace: Path, cli):
    book, ws = office_sheet(workspace)
    ws[cell_of(ws, "Cộng cấp xã", "truc_tuyen")] = 89
    put(workspace, book)
    result = cli("validate", "--workspace", workspace)
    assert result.exit_code == 0
    assert (f"CẢNH BÁO: figures/bieu-2022-q1.xlsx, ô {cell_of(ws, 'Cộng cấp xã', 'truc_tuyen')}: dòng tổng "
            "'Cộng cấp xã', cột 'Số hồ sơ nhận giải quyết / Trực tuyến': ghi 89, cộng các dòng đơn vị được 90"
            in result.stderr)
    ws["F5"] = "Hồ sơ bổ sung"
    book.save(workspace / "figures" / "bieu-2022-q1.xlsx")
    result = cli("validate", "--workspace", workspace)
    assert result.exit_code == 2
    assert "LỖI: figures/bieu-2022-q1.xlsx, ô F5: tiêu đề cột không nhận ra: 'Số hồ sơ đã giải quyết / " \
           "Hồ sơ bổ sung'" in result.stderr


def test_an_empty_period_cell_without_a_title_period(workspace: Path):
    book = Workbook()
    ws = book.active
    ws.append(["Mã đơn vị", "Kỳ", "Trực tuyến", "Trực tiếp", "Bưu chính", "Kỳ trước", "Đã giải quyết trước hạn",
               "Đã giải quyết đúng hạn", "Đã giải quyết quá hạn", "Đang giải quyết trong hạn",
               "Đang giải quyết quá hạn"])
    ws.append(["TM", "2022-Q2", *range(9)])
    ws.append(["TM-MH", None, *range(9)])
    put(workspace, book, "k.xlsx", drop_csv=False)
    assert messages(workspace) == [
        "figures/k.xlsx, ô B3: ô trống: cần kỳ báo cáo, ví dụ \"Quý I năm 2022\" hoặc 2022-Q1 (hoặc ghi kỳ ở tiêu đề "
        "biểu, hoặc ky trong [sources] của reportgen.toml) (giá trị: '')"]


def test_a_title_of_an_implausible_year_is_one_error_at_its_cell(workspace: Path, cli):
    import datetime as dt

    book, ws = office_sheet(workspace, title="BIỂU TỔNG HỢP KẾT QUẢ GIẢI QUYẾT TTHC QUÝ I/3000")
    put(workspace, book)
    assert messages(workspace, only_figures=True) == [
        f"figures/bieu-2022-q1.xlsx, ô A2: kỳ ở tiêu đề biểu ngoài khoảng hợp lý: cần năm từ 2000 đến "
        f"{dt.date.today().year + 1} (đặt [limits] first_year, last_year trong reportgen.toml để đổi) "
        "(giá trị: 'BIỂU TỔNG HỢP KẾT QUẢ GIẢI QUYẾT TTHC QUÝ I/3000')"]
    assert cli("validate", "--workspace", workspace).exit_code == 2


# --- the lines under the table (issue 21) ------------------------------------------------

def test_footer_lines_under_the_last_total_are_ignored(workspace: Path):
    expected = csv_rows(workspace)
    book, ws = office_sheet(workspace)
    add_footer(ws)
    put(workspace, book)
    loaded = load_workspace(workspace)
    assert figures_of(loaded) == expected
    assert loaded.warnings == []


def test_a_row_with_a_number_under_the_last_total_is_still_read(workspace: Path):
    book, ws = office_sheet(workspace)
    first = add_footer(ws)
    ws.cell(first + 3, 2, "Xã Không Có")
    ws.cell(first + 3, 3, 12)
    put(workspace, book)
    assert messages(workspace, only_figures=True)[0].startswith(
        f"figures/bieu-2022-q1.xlsx, ô B{first + 3}: tên đơn vị không có trong units.csv")


def test_text_in_number_columns_above_the_last_total_stays_an_error(workspace: Path):
    book, ws = office_sheet(workspace)
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "Cộng cấp xã")
    ws.insert_rows(row)
    ws.cell(row, 2, "NGƯỜI LẬP BIỂU")
    ws.cell(row, 10, "KT. CHỦ TỊCH")
    put(workspace, book)
    assert messages(workspace, only_figures=True)[0].startswith(
        f"figures/bieu-2022-q1.xlsx, ô B{row}: tên đơn vị không có trong units.csv")


def test_a_rejected_unit_row_brings_no_warning_about_the_totals_over_it(workspace: Path):
    book, ws = office_sheet(workspace, names={"TM-MD": "Xã Mỹ Đong"})
    put(workspace, book)
    with pytest.raises(InvalidInput) as caught:
        load_workspace(workspace)
    assert [p.severity for p in caught.value.problems if p.file.startswith("figures/")] == ["error"]
