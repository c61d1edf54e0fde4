"""Figures by field of procedure (lĩnh vực; issue 20): input, errors, cumulative periods.

The workspace below: a province P, a ward P-A that gives its figures by field (Q1: hộ tịch,
chứng thực written in lower case, đất đai; Q2: hộ tịch, đất đai, xây dựng) and a commune P-B that
gives totals, for 2026-Q1 and 2026-Q2, [periods] Q2 = 6T. Every row adds up (received = resolved
+ in progress), so no warning is expected.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen import cycle
from reportgen.columns import COUNTS
from reportgen.periods import Period
from reportgen.procedure_fields import FieldIndex, shipped
from reportgen.workspace import load_workspace
from tests.conftest import write_workspace

CONFIG = """province = "Mẫu"
[periods]
Q1 = "Q1"
Q2 = "6T"
[labels.levels]
tinh = "cấp tỉnh"
xa = "cấp xã"
"""
UNITS = """ma_don_vi,ten_don_vi,cap,ma_cap_tren,dia_danh,nguoi_ky,ngay_thanh_lap
P,Tỉnh Mẫu,tinh,,Mẫu,Lê Văn An,01/07/2025
P-A,Phường Một,xa,P,Một,Trần Văn Bình,01/07/2025
P-B,Xã Hai,xa,P,Hai,Nguyễn Thị Chi,01/07/2025
"""
HEADER = "ky,ma_don_vi,linh_vuc," + ",".join(COUNTS)
FIELD_ROWS = {
    "2026-Q1": [("P-A", "Hộ tịch", "100,50,0,10,120,30,0,10,0"),
                ("P-A", "chứng  thực", "200,100,0,0,250,45,0,5,0"),
                ("P-A", "Đất đai", "20,30,5,15,20,10,3,30,7")],
    "2026-Q2": [("P-A", "Hộ tịch", "90,40,0,10,110,20,0,10,0"),
                ("P-A", "Đất đai", "30,20,0,37,25,20,5,30,7"),
                ("P-A", "Xây dựng", "10,5,0,0,5,5,1,4,0")],
}
TOTAL_ROWS = {
    "2026-Q1": [("P", "400,100,10,20,450,70,0,10,0"), ("P-B", "50,50,0,0,80,15,0,5,0")],
    "2026-Q2": [("P", "400,100,10,10,450,60,0,10,0"), ("P-B", "60,40,0,5,80,20,0,5,0")],
}


def figures_csv(period: str, extra: str = "") -> str:
    lines = [HEADER] + [f"{period},{code},,{counts}" for code, counts in TOTAL_ROWS[period]]
    lines += [f"{period},{code},{name},{counts}" for code, name, counts in FIELD_ROWS[period]]
    return "\n".join(lines) + "\n" + extra


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_workspace(tmp_path / "ws", CONFIG, UNITS,
                           {f"mot-cua-{p.lower()}.csv": figures_csv(p) for p in FIELD_ROWS}, {})


def _counts(frame, key) -> list[int]:
    return [int(frame.loc[key, c]) for c in COUNTS]


def test_a_unit_by_field_and_a_unit_by_total_in_one_workspace(root):
    ws = load_workspace(root)
    assert ws.warnings == []
    q1 = ws.figures[ws.figures["ky"] == "2026-Q1"].set_index("ma_don_vi")
    # the ward's row is the sum of its fields; the commune's and the province's rows are as given
    assert _counts(q1, "P-A") == [320, 180, 5, 25, 390, 85, 3, 45, 7]
    assert _counts(q1, "P-B") == [50, 50, 0, 0, 80, 15, 0, 5, 0]
    assert list(q1.index) == ["P", "P-B", "P-A"]  # in the files' order, a unit by field where its first field is
    assert (q1.at["P-A", "_file"], int(q1.at["P-A", "_row"])) == ("figures/mot-cua-2026-q1.csv", 4)
    fields = ws.fields[ws.fields["ky"] == "2026-Q1"]
    # a field is written as the list writes it, whatever the case and spacing it was given in
    assert list(fields["linh_vuc"]) == ["Hộ tịch", "Chứng thực", "Đất đai"]
    assert set(ws.fields["ma_don_vi"]) == {"P-A"}
    assert [str(p) for p in ws.periods] == ["2026-Q1", "2026-6T"]


def test_a_cumulative_period_by_field(root):
    ws = load_workspace(root)
    six = cycle.field_counts(ws.fields, ws.figures, Period.parse("2026-6T"))
    # flows add up; carried over is the first quarter's (0 for xây dựng, new in Q2); in progress the
    # last quarter's (0 for chứng thực, absent from Q2)
    assert _counts(six, ("P-A", "Hộ tịch")) == [190, 90, 0, 10, 230, 50, 0, 10, 0]
    assert _counts(six, ("P-A", "Chứng thực")) == [200, 100, 0, 0, 250, 45, 0, 0, 0]
    assert _counts(six, ("P-A", "Đất đai")) == [50, 50, 5, 15, 45, 30, 8, 30, 7]
    assert _counts(six, ("P-A", "Xây dựng")) == [10, 5, 0, 0, 5, 5, 1, 4, 0]
    # the fields add up to the unit's own six months, made from its quarters
    unit = cycle.counts(ws.figures, Period.parse("2026-6T"))
    assert [int(six[c].sum()) for c in COUNTS] == _counts(unit, "P-A") == [450, 245, 5, 25, 530, 130, 9, 44, 7]


def test_a_unit_with_a_total_in_one_quarter_has_no_fields_over_the_six_months(tmp_path):
    q1 = figures_csv("2026-Q1").replace("2026-Q1,P-A,Hộ tịch", "2026-Q1,P-A,").splitlines()
    q1 = "\n".join(line for line in q1 if not line.startswith("2026-Q1,P-A,chứng") and "Đất đai" not in line)
    root = write_workspace(tmp_path / "ws", CONFIG, UNITS, {"q1.csv": q1 + "\n", "q2.csv": figures_csv("2026-Q2")}, {})
    ws = load_workspace(root)
    assert cycle.field_counts(ws.fields, ws.figures, Period.parse("2026-6T")).empty
    assert len(cycle.field_counts(ws.fields, ws.figures, Period.parse("2026-Q2"))) == 3


def test_the_usual_fields_and_a_workspaces_own_order():
    assert shipped()[:4] == ("Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng")
    index = FieldIndex(["Đất đai", "Văn phòng đăng ký đất đai"])
    assert index.find("LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI") == ("Lao động – Thương binh và Xã hội", None)
    assert index.find("Hoà giải ở cơ sở") == ("Hòa giải ở cơ sở", None)  # tone-mark placement
    assert index.find("Hộ tich") == ("Hộ tich", "Hộ tịch")  # unknown: kept as written, the closest named
    names = ["Hộ tịch", "Hộ tich", "Văn phòng đăng ký đất đai", "Đất đai"]
    assert sorted(names, key=index.order) == ["Đất đai", "Văn phòng đăng ký đất đai", "Hộ tịch", "Hộ tich"]


def test_an_unknown_field_is_kept_with_one_warning_naming_the_closest(root):
    path = root / "figures" / "mot-cua-2026-q2.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Xây dựng", "Xây dưng"), encoding="utf-8")
    ws = load_workspace(root)
    assert [str(p) for p in ws.warnings] == [
        "figures/mot-cua-2026-q2.csv, dòng 6, cột linh_vuc: lĩnh vực không có trong danh sách lĩnh vực thường dùng "
        "(reportgen/linh-vuc.txt) hay [linh_vuc] thu_tu của reportgen.toml: giữ nguyên như đã ghi; gần nhất: "
        "'Xây dựng' (giá trị: 'Xây dưng')"]
    assert "Xây dưng" in set(ws.fields["linh_vuc"])


BAD = (
    "2026-Q2,,Hộ tịch,1,0,0,0,1,0,0,0,0\n"                      # row 7: a field row without a unit
    "2026-Q2,P-A,,255,125,0,47,250,50,6,114,7\n"                   # row 8: a total beside the fields
    "2026-Q2,P-A,Hộ  TỊCH,1,0,0,0,1,0,0,0,0\n"                    # row 9: hộ tịch again
    f"2026-Q2,P-A,{'Lĩnh vực rất dài ' * 7},1,0,0,0,1,0,0,0,0\n"  # row 10: over 100 characters
    "2026-Q2,P-A,Hộ\x07tịch,1,0,0,0,1,0,0,0,0\n"                  # row 11: a control character
)


def test_bad_input_by_field_each_at_its_row_and_nothing_written(cli, root, tmp_path):
    (root / "figures" / "mot-cua-2026-q2.csv").write_text(figures_csv("2026-Q2", BAD), encoding="utf-8")
    out = tmp_path / "out"
    result = cli("build", "--workspace", root, "--out", out)
    assert result.exit_code == 2
    assert not out.exists()
    lines = [line.strip().removeprefix("LỖI: ") for line in result.output.splitlines()]
    assert lines[-1] == "Dữ liệu không hợp lệ: 5 lỗi. Không có tệp nào được ghi."
    label = "figures/mot-cua-2026-q2.csv"
    expected = [
        f"{label}, dòng 7, cột ma_don_vi: dòng lĩnh vực 'Hộ tịch' thiếu mã đơn vị: cần mã đơn vị (cột ma_don_vi) "
        "có lĩnh vực này (giá trị: '')",
        f"{label}, dòng 9, cột linh_vuc: lĩnh vực 'Hộ tịch' của đơn vị P-A kỳ 2026-Q2 trùng với {label}, dòng 4: "
        "mỗi lĩnh vực chỉ ghi một dòng trong một kỳ (giá trị: 'Hộ tịch')",
        f"{label}, dòng 8, cột ky, ma_don_vi, linh_vuc: dòng tổng của đơn vị P-A kỳ 2026-Q2 ghi cùng các dòng theo "
        f"lĩnh vực ({label}, dòng 4: 'Hộ tịch'): trong một kỳ, một đơn vị ghi hoặc một dòng tổng (linh_vuc để "
        "trống), hoặc các dòng theo lĩnh vực (số liệu của đơn vị là tổng các lĩnh vực) (giá trị: '2026-Q2, P-A, ')",
        f"{label}, dòng 10, cột linh_vuc: tên lĩnh vực quá dài: 118 ký tự, tối đa 100 (limits.name_chars)",
        f"{label}, dòng 11, cột linh_vuc: ký tự điều khiển U+0007 ở vị trí 3 không được phép trong văn bản "
        "(giá trị: 'Hộ\\x07tịch')",
    ]
    for line in expected:
        assert any(shown.startswith(line) for shown in lines), (line, result.output)
    assert not any("CẢNH BÁO" in line for line in lines)  # no warning of an unknown field for the rows in error


def test_a_score_is_the_units_never_a_fields(cli, root):
    path = root / "figures" / "mot-cua-2026-q1.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    text = [text[0] + ",chi_so_766"] + [line + (",87,5" if ",Đất đai," in line else ",") for line in text[1:]]
    path.write_text("\n".join(text).replace(",87,5", ',"87,5"') + "\n", encoding="utf-8")
    result = cli("validate", "--workspace", root)
    assert result.exit_code == 2
    assert ("figures/mot-cua-2026-q1.csv, dòng 6, cột chi_so_766: chi_so_766 là điểm của cả đơn vị, không ghi theo "
            "lĩnh vực: để trống ở dòng lĩnh vực (hoặc ghi số liệu của đơn vị thành một dòng tổng) (giá trị: '87.5')"
            in result.output)


# --- the by-field export, as one-stop software writes it ---------------------------------------------

EXPORT_HEADER = [["STT", "Lĩnh vực", "Số hồ sơ nhận giải quyết", None, None, None, None, "Số hồ sơ đã giải quyết",
                  None, None, None, "Số hồ sơ đang giải quyết", None, None],
                 [None, None, "Tổng số", "Trực tuyến", "Trực tiếp", "Bưu chính", "Kỳ trước chuyển qua", "Tổng số",
                  "Trước hạn", "Đúng hạn", "Quá hạn", "Tổng số", "Trong hạn", "Quá hạn"]]


def _export_row(stt, name, counts: str) -> list:
    tt, tr, bc, kt, th, dh, qh, dt, dq = (int(x) for x in counts.split(","))
    return [stt, name, tt + tr + bc + kt, tt, tr, bc, kt, th + dh + qh, th, dh, qh, dt + dq, dt, dq]


def _sum(rows: list[list]) -> list:
    return [sum(r[i] for r in rows) for i in range(2, 14)]


def export(path: Path, title: list[str], fields: dict[str, list[tuple[str, str]]], total_fix=None) -> Path:
    """A by-field export: title rows, a two-row merged header, (1)…(14), level group rows with their
    fields and sub-totals, the grand total and the footer."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for line in title:
        sheet.append([line])
    sheet.append([])
    for line in EXPORT_HEADER:
        sheet.append(line)
    top = sheet.max_row - 1
    for col in (1, 2):
        sheet.merge_cells(start_row=top, start_column=col, end_row=top + 1, end_column=col)
    for start, end in ((3, 7), (8, 11), (12, 14)):
        sheet.merge_cells(start_row=top, start_column=start, end_row=top, end_column=end)
    sheet.append([f"({i})" for i in range(1, 15)])
    everything = []
    for number, (level, rows) in enumerate(fields.items()):
        sheet.append(["I" * (number + 1), level])
        made = [_export_row(i, name, counts) for i, (name, counts) in enumerate(rows, start=1)]
        for row in made:
            sheet.append(row)
        sheet.append([None, f"Cộng {level.lower()}", *_sum(made)])
        everything += made
    total = _sum(everything)
    if total_fix:
        total[total_fix[0]] += total_fix[1]
    sheet.append([None, "Tổng cộng", *total])
    sheet.append([])
    sheet.append([None, None, None, None, None, None, None, None, None, None, "Mẫu, ngày 15 tháng 3 năm 2026"])
    sheet.append([None, "NGƯỜI LẬP BIỂU", None, None, None, None, None, None, None, None, "THỦ TRƯỞNG ĐƠN VỊ"])
    sheet.append([None, "Nguyễn Văn Lập", None, None, None, None, None, None, None, None, "Trần Văn Bình"])
    book.save(path)
    return path


TITLE = ["ỦY BAN NHÂN DÂN TỈNH MẪU", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG MỘT",
         "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC",
         "(Từ ngày 15/12/2025 đến ngày 14/03/2026)"]
LEVELS_Q1 = {"Cấp xã": [("Hộ tịch", FIELD_ROWS["2026-Q1"][0][2]), ("Chứng thực", FIELD_ROWS["2026-Q1"][1][2])],
             "Cấp tỉnh": [("Đất đai", FIELD_ROWS["2026-Q1"][2][2])]}


def _without_fields(root: Path, period: str = "2026-Q1") -> None:
    """The CSV of ``period`` without P-A's field rows (the export gives them)."""
    path = root / "figures" / f"mot-cua-{period.lower()}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line for line in lines if f"{period},P-A," not in line) + "\n", encoding="utf-8")


def test_the_by_field_export_read_as_it_is(root):
    _without_fields(root)
    export(root / "figures" / "phuong-mot.xlsx", TITLE, LEVELS_Q1)
    ws = load_workspace(root)
    assert ws.warnings == []
    fields = ws.fields[ws.fields["ky"] == "2026-Q1"]
    assert list(fields["linh_vuc"]) == ["Hộ tịch", "Chứng thực", "Đất đai"]
    assert list(fields["_row"]) == [10, 11, 14]  # under the group rows; sub-totals, total and footer skipped
    assert set(fields["ma_don_vi"]) == {"P-A"}  # the ward the title names (below the province it also names)
    q1 = ws.figures[ws.figures["ky"] == "2026-Q1"].set_index("ma_don_vi")
    assert _counts(q1, "P-A") == [320, 180, 5, 25, 390, 85, 3, 45, 7]
    # the window is the six months' when it starts in December and ends in June
    export(root / "figures" / "phuong-mot.xlsx", [*TITLE[:3], "Từ ngày 15/12/2025 đến ngày 14/6/2026"], LEVELS_Q1)
    ws = load_workspace(root)
    assert set(ws.fields["ky"]) == {"2026-6T", "2026-Q2"}


def test_a_total_of_the_export_that_does_not_add_up_is_a_warning_at_its_cell(root):
    _without_fields(root)
    export(root / "figures" / "phuong-mot.xlsx", TITLE, LEVELS_Q1, total_fix=(1, 10))
    ws = load_workspace(root)
    assert [str(p) for p in ws.warnings] == [
        "figures/phuong-mot.xlsx, ô D16: dòng tổng 'Tổng cộng', cột 'Số hồ sơ nhận giải quyết / Trực tuyến': "
        "ghi 330, cộng các dòng đơn vị được 320"]


def test_a_by_field_export_whose_unit_cannot_be_told(cli, root, tmp_path):
    _without_fields(root)
    export(root / "figures" / "bieu.xlsx", TITLE[2:], LEVELS_Q1)
    result = cli("build", "--workspace", root, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists()
    assert ("LỖI: figures/bieu.xlsx: không xác định được biểu theo lĩnh vực này là của đơn vị nào: tiêu đề (dòng 1–3) "
            "không ghi tên đơn vị nào của units.csv; ghi tên đơn vị vào tiêu đề (ví dụ \"Đơn vị: Phường Long Xuyên\") "
            "hoặc khai báo mã đơn vị trong reportgen.toml: [sources.don_vi] \"bieu.xlsx\" = \"MÃ-ĐƠN-VỊ\"") in result.output
    # [sources.don_vi] tells it
    config = root / "reportgen.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        '[periods]', '[sources.don_vi]\n"bieu.xlsx" = "P-A"\n\n[periods]'), encoding="utf-8")
    assert set(load_workspace(root).fields["ma_don_vi"]) == {"P-A"}


def test_a_window_that_is_no_period(cli, root):
    _without_fields(root)
    export(root / "figures" / "phuong-mot.xlsx", [*TITLE[:3], "Từ ngày 01/01/2026 đến ngày 31/03/2026"], LEVELS_Q1)
    result = cli("validate", "--workspace", root)
    assert result.exit_code == 2
    assert ("LỖI: figures/phuong-mot.xlsx, ô A4: khoảng thời gian ở tiêu đề (01/01/2026 – 31/03/2026) không phải kỳ "
            "báo cáo nào: cần từ ngày 15 của tháng trước quý đến ngày 14 của tháng cuối quý, 6 tháng, 9 tháng hoặc năm "
            "([cutoff] ngay_chot của reportgen.toml), hoặc từ ngày thành lập của đơn vị (units.csv cột ngay_thanh_lap) "
            "(giá trị: 'Từ ngày 01/01/2026 đến ngày 31/03/2026')") in result.output


# --- the outputs: the appendix by field, the province's second table, the text, the workbook ----------

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The three reports of 2026-Q1 (province, ward by field, commune by total), every format: one build."""
    from click.testing import CliRunner

    from reportgen.cli import main

    base = tmp_path_factory.mktemp("fields")
    root = write_workspace(base / "ws", CONFIG, UNITS, {f"mot-cua-{p.lower()}.csv": figures_csv(p) for p in FIELD_ROWS},
                           {})
    out = base / "out"
    result = CliRunner().invoke(main, ["build", "--workspace", str(root), "--out", str(out), "--period", "2026-Q1",
                                       "--kind", "bao-cao"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root, out / "2026-Q1"


def _pdf_lines(path: Path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [line for page in pdf.pages for line in (page.extract_text() or "").splitlines()]


def _docx_tables(path: Path) -> list[list[list[str]]]:
    from docx import Document

    return [[[cell.text for cell in row.cells] for row in table.rows] for table in Document(str(path)).tables]


WARD_ROWS = [["1", "Hộ tịch", "160", "100", "50", "0", "10", "150", "120", "30", "0", "10", "10", "0", "100,00"],
             ["2", "Chứng thực", "300", "200", "100", "0", "0", "295", "250", "45", "0", "5", "5", "0", "100,00"],
             ["3", "Đất đai", "70", "20", "30", "5", "15", "33", "20", "10", "3", "37", "30", "7", "90,91"]]
WARD_TOTAL = ["", "Tổng cộng", "530", "320", "180", "5", "25", "478", "390", "85", "3", "52", "45", "7", "99,37"]


def test_a_unit_by_field_gets_an_appendix_of_its_fields(built):
    _, out = built
    lines = _pdf_lines(out / "P-A" / "bao-cao.pdf")
    start = lines.index("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT")
    assert lines[start + 1:start + 3] == ["THỦ TỤC HÀNH CHÍNH THEO LĨNH VỰC", "(Từ ngày 15/12/2025 đến ngày 14/3/2026)"]
    body = lines[lines.index("(1) (2) (3) (4) (5) (6) (7) (8) (9) (10) (11) (12) (13) (14) (15)", start) + 1:]
    assert body[:4] == [" ".join(r) for r in WARD_ROWS] + [" ".join(WARD_TOTAL[1:])]
    table = _docx_tables(out / "P-A" / "bao-cao.docx")[-1]
    assert table[0][:2] == ["STT", "Lĩnh vực"]
    assert table[3:] == WARD_ROWS + [WARD_TOTAL]


def test_the_province_keeps_its_units_and_adds_a_table_by_field(built):
    _, out = built
    tables = _docx_tables(out / "P" / "bao-cao.docx")
    units, fields = tables[-2], tables[-1]
    assert [row[1] for row in units[3:]] == ["Cấp tỉnh", "Trung tâm Phục vụ hành chính công tỉnh", "Cấp xã",
                                             "Phường Một", "Xã Hai", "Cộng cấp xã", "Tổng cộng"]
    assert units[6][2:] == ["530", "320", "180", "5", "25", "478", "390", "85", "3", "52", "45", "7", "99,37"]
    assert fields[3:] == WARD_ROWS + [
        ["", "Chưa phân theo lĩnh vực", "630", "450", "150", "10", "20", "615", "530", "85", "0", "15", "15", "0",
         "100,00"],
        ["", "Tổng cộng", "1.160", "770", "330", "15", "45", "1.093", "920", "170", "3", "67", "60", "7", "99,73"]]
    assert units[-1][2:] == fields[-1][2:]  # the province's total, by unit and by field
    lines = _pdf_lines(out / "P" / "bao-cao.pdf")
    assert "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH THEO LĨNH VỰC TRÊN ĐỊA BÀN TỈNH MẪU" in lines
    assert ("Chưa phân theo lĩnh vực: số liệu của Tỉnh Mẫu, Xã Hai, báo cáo tổng số, không theo lĩnh vực."
            in " ".join(lines))
    # a unit that gives totals only has the appendix it always had
    assert [row[1] for row in _docx_tables(out / "P-B" / "bao-cao.docx")[-1][3:]] == ["Xã Hai"]


def test_the_text_names_the_late_fields(built):
    _, out = built
    text = " ".join(_pdf_lines(out / "P-A" / "bao-cao.pdf"))
    assert ("Theo lĩnh vực, hồ sơ giải quyết quá hạn ở lĩnh vực đất đai (03 hồ sơ); hồ sơ đang giải quyết quá hạn "
            "ở lĩnh vực đất đai (07 hồ sơ); 02 lĩnh vực còn lại không có hồ sơ quá hạn.") in text
    text = " ".join(_pdf_lines(out / "P" / "bao-cao.pdf"))
    assert ("Theo lĩnh vực (số liệu của 01 đơn vị báo cáo theo lĩnh vực), hồ sơ giải quyết quá hạn ở lĩnh vực đất "
            "đai (03 hồ sơ)") in text


def _report_html(root: Path, unit: str, period: str) -> str:
    from reportgen.job import Job
    from reportgen.kinds import build_context
    from reportgen.templating import render_html

    ws = load_workspace(root)
    context = build_context(ws, Job("bao-cao", unit, Period.parse(period)))[1]
    return render_html("bao-cao.html.j2", context, ws.templates_dir)


def test_the_text_by_field_when_none_is_late_and_when_many_are(root):
    path = root / "figures" / "mot-cua-2026-q1.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Đất đai,20,30,5,15,20,10,3,30,7", "Đất đai,20,30,5,15,20,13,0,37,0"),
                    encoding="utf-8")
    html = _report_html(root, "P-A", "2026-Q1")
    assert ("<p>Trong quý I năm 2026, không có hồ sơ giải quyết quá hạn và không có hồ sơ đang giải quyết quá hạn"
            in html)
    assert ("<p>Theo lĩnh vực, cả 03 lĩnh vực đều không có hồ sơ giải quyết quá hạn và không có hồ sơ đang giải "
            "quyết quá hạn.</p>") in html
    late = {"Hộ tịch": "100,50,0,10,118,30,2,10,0", "chứng  thực": "200,100,0,0,249,45,1,5,0",
            "Đất đai": "20,30,5,15,20,9,4,30,7"}
    lines = [f"2026-Q1,P-A,{name},{counts}" for name, counts in late.items()]
    lines += ["2026-Q1,P-A,Xây dựng,1,0,0,0,0,0,1,0,0"]
    path.write_text("\n".join([line for line in text.splitlines() if ",P-A," not in line] + lines) + "\n",
                    encoding="utf-8")
    html = _report_html(root, "P-A", "2026-Q1")
    assert ("<p>Theo lĩnh vực, hồ sơ giải quyết quá hạn tập trung ở các lĩnh vực đất đai (04 hồ sơ), hộ tịch "
            "(02 hồ sơ), chứng thực (01 hồ sơ) và 01 lĩnh vực khác; hồ sơ đang giải quyết quá hạn ở lĩnh vực đất đai "
            "(07 hồ sơ).</p>") in html


def test_a_cumulative_report_by_field(root):
    from reportgen.job import Job
    from reportgen.kinds import build_context

    ws = load_workspace(root)
    fields = build_context(ws, Job("bao-cao", "P-A", Period.parse("2026-6T")))[1]["fig"]["fields"]
    assert fields["alone"]
    assert [(r["name"], r["received"], r["resolved"], r["in_progress"], r["qua_han"]) for r in fields["rows"]] == [
        ("Hộ tịch", 290, 280, 10, 0), ("Chứng thực", 300, 295, 0, 0), ("Đất đai", 120, 83, 37, 8),
        ("Xây dựng", 15, 11, 4, 1)]
    assert (fields["total"]["received"], fields["total"]["in_progress"]) == (725, 51)


def test_the_workbook_by_field_reads_back_as_input(built, tmp_path):
    import shutil

    root, out = built
    copy = tmp_path / "ws"
    shutil.copytree(root, copy)
    _without_fields(copy)
    shutil.copy(out / "P-A" / "bao-cao.xlsx", copy / "figures" / "phuong-mot.xlsx")
    ws = load_workspace(copy)
    assert ws.warnings == []
    original = load_workspace(root)
    columns = ["ky", "ma_don_vi", "linh_vuc", *COUNTS]
    assert (ws.fields[ws.fields["ky"] == "2026-Q1"][columns].values.tolist()
            == original.fields[original.fields["ky"] == "2026-Q1"][columns].values.tolist())
    # the province's workbook: its units on the first sheet (read back), its fields on the second
    from openpyxl import load_workbook

    book = load_workbook(out / "P" / "bao-cao.xlsx")
    assert book.sheetnames == ["Biểu tổng hợp", "Theo lĩnh vực"]
    sheet = book["Theo lĩnh vực"]
    rows = [[c.value for c in row][:4] for row in sheet.iter_rows(min_row=11)]
    assert rows == [[1, "Hộ tịch", 160, 100], [2, "Chứng thực", 300, 200], [3, "Đất đai", 70, 20],
                    [None, "Chưa phân theo lĩnh vực", 630, 450], [None, "Tổng cộng", 1160, 770]]
