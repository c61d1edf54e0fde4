"""The sample's 2022-Q1 figures as an office keeps them in a workbook (Biểu tổng hợp), made
with openpyxl: shared by the workbook reader's tests, the web page's and the browser's."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

from openpyxl import Workbook

from reportgen.validate import COUNTS

HEADER = [
    ("Số hồ sơ đã giải quyết", [("Tổng số", "resolved"), ("Đúng thời hạn", "dung_han"),
                                ("Trước hạn", "truoc_han"), ("Quá hạn", "qua_han")]),
    ("Số hồ sơ nhận giải quyết", [("Tổng số", "received"), ("Số kỳ trước chuyển qua", "ky_truoc"),
                                  ("Trực tiếp", "truc_tiep"), ("Trực tuyến", "truc_tuyen"),
                                  ("Qua dịch vụ bưu chính công ích", "buu_chinh")]),
    ("Số hồ sơ đang giải quyết", [("Tổng số", "in_progress"), ("Chưa đến hạn", "dang_trong_han"),
                                  ("Quá hạn", "dang_qua_han")]),
]


FIELDS = [f for _, columns in HEADER for _, f in columns]


PARTS = {"received": ("truc_tuyen", "truc_tiep", "buu_chinh", "ky_truoc"),
         "resolved": ("truoc_han", "dung_han", "qua_han"), "in_progress": ("dang_trong_han", "dang_qua_han")}


WRITTEN = {"TM-MH": "Xã Mỹ Hoà", "TM-MQ": "mỹ qúy", "TM-TT": "Thị  trấn\nMỹ An",
           "TM-TK": unicodedata.normalize("NFD", "Xã Tân Kiều")}


def csv_rows(workspace: Path, period_file: str = "mot-cua-2022-q1.csv") -> dict[str, dict[str, int]]:
    with open(workspace / "figures" / period_file, encoding="utf-8") as handle:
        return {r["ma_don_vi"]: {k: int(v) for k, v in r.items() if k in COUNTS} for r in csv.DictReader(handle)}


def unit_names(workspace: Path) -> dict[str, str]:
    with open(workspace / "units.csv", encoding="utf-8") as handle:
        return {r["ma_don_vi"]: r["ten_don_vi"] for r in csv.DictReader(handle)}


def with_totals(counts: dict[str, int]) -> dict[str, int]:
    return {**counts, **{total: sum(counts[p] for p in parts) for total, parts in PARTS.items()}}


def office_sheet(workspace: Path, *, title: str = "BIỂU TỔNG HỢP KẾT QUẢ GIẢI QUYẾT TTHC QUÝ I/2022",
                 names: dict[str, str] | None = None):
    """The 2022-Q1 figures of the sample as an office's workbook; returns (book, sheet).

    Rows: 1-2 titles, 4-5 header, 6 numbering, 7 "I | Cấp huyện", 8 the district,
    9 "II | Cấp xã", 10-22 the communes, 23 "Cộng cấp xã", 24 "Tổng cộng".
    """
    figures, units = csv_rows(workspace), unit_names(workspace)
    names = {**units, **WRITTEN, **(names or {})}
    book = Workbook()
    ws = book.active
    ws.title = "Biểu 01"
    ws["A1"] = "ỦY BAN NHÂN DÂN HUYỆN THÁP MƯỜI"
    ws["A2"] = title
    ws.merge_cells("A2:P2")
    ws["A4"], ws["B4"] = "STT", "Tên đơn vị"
    ws.merge_cells("A4:A5")
    ws.merge_cells("B4:B5")
    col = 3
    for group, columns in HEADER:
        ws.cell(4, col, group)
        ws.merge_cells(start_row=4, start_column=col, end_row=4, end_column=col + len(columns) - 1)
        for offset, (heading, _) in enumerate(columns):
            ws.cell(5, col + offset, heading)
        col += len(columns)
    ws.cell(4, col, "Ghi chú")
    ws.merge_cells(start_row=4, start_column=col, end_row=5, end_column=col)
    for i in range(1, col + 1):
        ws.cell(6, i, f"({i})")
    ws.append(["I", "Cấp huyện"])
    ws.append([1, names["TM"], *[with_totals(figures["TM"])[f] for f in FIELDS]])
    ws.append(["II", "Cấp xã"])
    communes = [c for c in figures if c != "TM"]
    for i, code in enumerate(communes, start=1):
        ws.append([i, names[code], *[with_totals(figures[code])[f] for f in FIELDS]])
    commune_sum = with_totals({k: sum(figures[c][k] for c in communes) for k in COUNTS})
    ws.append(["", "Cộng cấp xã", *[commune_sum[f] for f in FIELDS]])
    everything = with_totals({k: sum(figures[c][k] for c in figures) for k in COUNTS})
    ws.append(["", "Tổng cộng", *[everything[f] for f in FIELDS]])
    return book, ws


def add_footer(ws) -> int:
    """The lines an office writes under its table: place and date, the signers' titles, their names.
    Returns the row of the first line. Text lands in number columns too (the signature block)."""
    first = ws.max_row + 2
    ws.cell(first, 2, "Người lập biểu")
    ws.cell(first, 10, "Tháp Mười, ngày 20 tháng 3 năm 2022")
    ws.cell(first + 1, 2, "NGƯỜI LẬP BIỂU")
    ws.cell(first + 1, 10, "KT. CHỦ TỊCH")
    ws.cell(first + 2, 10, "PHÓ CHỦ TỊCH")
    ws.cell(first + 5, 2, "Nguyễn Văn A")
    ws.cell(first + 5, 10, "Trần Thị Quý")
    return first
