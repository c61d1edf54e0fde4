"""Reading: encodings, NFC, Excel sheets, delimiters; row numbers as the user sees them."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from openpyxl import Workbook

from reportgen.errors import InvalidInput
from reportgen.periods import Period
from reportgen.sources.tables import read_csv, read_xlsx
from reportgen.workspace import load_workspace

UNITS = "ma_don_vi,ten_don_vi,cap,ma_cap_tren\nTM,Huyện Tháp Mười,huyen,\nTM-MH,Xã Mỹ Hòa,xa,TM\n"


def test_utf8_with_bom(tmp_path: Path):
    path = tmp_path / "units.csv"
    path.write_bytes(b"\xef\xbb\xbf" + UNITS.encode("utf-8"))
    table = read_csv(path)
    assert table.header == ["ma_don_vi", "ten_don_vi", "cap", "ma_cap_tren"]
    assert table.rows[1] == (3, {"ma_don_vi": "TM-MH", "ten_don_vi": "Xã Mỹ Hòa", "cap": "xa", "ma_cap_tren": "TM"})


TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: base letter (with its hat or horn) then a combining tone."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out += (base + "".join(c for c in parts if c in TONES)).encode("cp1258")
    return out


def test_windows_1258_is_decoded_to_nfc(tmp_path: Path):
    path = tmp_path / "units.csv"
    path.write_bytes(to_cp1258(UNITS))
    name = read_csv(path).rows[0][1]["ten_don_vi"]
    assert name == "Huyện Tháp Mười"
    assert unicodedata.is_normalized("NFC", name)


def test_nfd_text_is_normalised(tmp_path: Path):
    path = tmp_path / "units.csv"
    path.write_text(unicodedata.normalize("NFD", UNITS), encoding="utf-8")
    name = read_csv(path).rows[1][1]["ten_don_vi"]
    assert name == unicodedata.normalize("NFC", "Xã Mỹ Hòa")
    assert len(name) == 9


def test_semicolon_separated_csv(tmp_path: Path):
    path = tmp_path / "units.csv"
    path.write_text(UNITS.replace(",", ";"), encoding="utf-8")
    assert read_csv(path).rows[1][1]["ma_cap_tren"] == "TM"


def test_blank_lines_keep_editor_line_numbers(tmp_path: Path):
    path = tmp_path / "units.csv"
    path.write_text(UNITS.replace("\nTM-MH", "\n\n\nTM-MH"), encoding="utf-8")
    assert [number for number, _ in read_csv(path).rows] == [2, 5]


def _workbook(path: Path, sheets: dict[str, list[list]]) -> None:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)


def test_xlsx_first_sheet_and_excel_row_numbers(tmp_path: Path):
    path = tmp_path / "f.xlsx"
    _workbook(path, {"Q1": [["ky", "ma_don_vi", "truc_tuyen"], ["2022-Q1", "TM", 336.0], [], ["2022-Q1", "TM-MH", 7]],
                     "Khac": [["x"]]})
    table = read_xlsx(path, None)
    assert table.rows == [(2, {"ky": "2022-Q1", "ma_don_vi": "TM", "truc_tuyen": "336"}),
                          (4, {"ky": "2022-Q1", "ma_don_vi": "TM-MH", "truc_tuyen": "7"})]


def test_xlsx_named_sheet_and_missing_sheet(tmp_path: Path):
    from reportgen.sources.tables import UnreadableFile

    path = tmp_path / "f.xlsx"
    _workbook(path, {"Bia": [["ghi chú"]], "So lieu": [["ky"], ["2022-Q1"]]})
    assert read_xlsx(path, "So lieu").rows == [(2, {"ky": "2022-Q1"})]
    with pytest.raises(UnreadableFile, match="không có trang tính 'Thiếu'; các trang có: Bia, So lieu"):
        read_xlsx(path, "Thiếu")


def test_workspace_mixing_csv_and_xlsx(workspace: Path):
    csv_path = workspace / "figures" / "mot-cua-2021-q1.csv"
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    rows = [line.split(",") for line in lines]
    body = [[r[0], r[1], *[int(v) for v in r[2:]]] for r in rows[1:]]
    _workbook(workspace / "figures" / "mot-cua-2021-q1.xlsx", {"Sheet1": [rows[0], *body]})
    csv_path.unlink()
    ws = load_workspace(workspace)
    q1 = ws.figures[(ws.figures["ky"] == "2021-Q1") & (ws.figures["ma_don_vi"] == "TM")]
    assert int(q1["truc_tuyen"].iloc[0]) == 180
    assert q1["_file"].iloc[0] == "figures/mot-cua-2021-q1.xlsx"


def test_fractional_count_in_excel_is_reported(workspace: Path):
    _workbook(workspace / "figures" / "extra.xlsx", {
        "S": [["ky", "ma_don_vi", "truc_tuyen", "truc_tiep", "buu_chinh", "ky_truoc", "truoc_han", "dung_han",
               "qua_han", "dang_trong_han", "dang_qua_han"],
              ["2022-Q2", "TM", 1.5, 1, 1, 1, 1, 1, 1, 1, 1]]})
    with pytest.raises(InvalidInput) as caught:
        load_workspace(workspace)
    assert [str(p) for p in caught.value.problems] == [
        "figures/extra.xlsx, dòng 2, cột truc_tuyen: số lẻ hoặc dấu phân cách sai: cần số nguyên không âm (số hồ sơ), "
        "ví dụ 1850 hoặc 1.850 (giá trị: '1.5')"]


def test_sample_workspace_loads(workspace: Path):
    ws = load_workspace(workspace)
    assert [str(p) for p in ws.periods] == ["2021-Q1", "2021-Q4", "2022-Q1"]
    assert len(ws.units) == 14
    assert list(ws.meetings) == [(Period(2022, 1), "TM")]
    assert ws.warnings == []


def test_tcvn3_units_file_is_converted_with_a_warning(workspace: Path, cli):
    from reportgen.sources.legacy import encode_single_byte, to_tcvn3

    path = workspace / "units.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(encode_single_byte(to_tcvn3(text)))
    ws = load_workspace(workspace)
    assert ws.units.at["TM-MH", "ten_don_vi"] == "Xã Mỹ Hòa"
    assert ws.units.at["TM-DBK", "ten_don_vi"] == "Xã Đốc Binh Kiều"
    assert [str(w) for w in ws.warnings] == ["units.csv: tệp có vẻ mã hóa TCVN3 (ABC); đã chuyển sang Unicode"]
    result = cli("validate", "--workspace", workspace)
    assert result.exit_code == 0
    assert "CẢNH BÁO: units.csv: tệp có vẻ mã hóa TCVN3 (ABC); đã chuyển sang Unicode" in result.stderr


def test_vni_text_saved_as_utf8_is_converted(tmp_path: Path):
    from reportgen.sources.legacy import to_vni

    path = tmp_path / "units.csv"
    path.write_text(to_vni(UNITS), encoding="utf-8")
    table = read_csv(path)
    assert table.rows[1][1]["ten_don_vi"] == "Xã Mỹ Hòa"
    assert table.notes == ["tệp có vẻ mã hóa VNI; đã chuyển sang Unicode"]
