"""The optional indicator columns (issue 19, item 2): read from a CSV or an office workbook,
refused when impossible, stated in the report's text, its appendix (PDF, DOCX), its workbook
(read back as input), each share written one way (item 4).

Hand-computed figures of inputs/mau-2025, 2025-Q4 (illustrative numbers):
- AG (the province's own centre): new = 3.102 + 2.116 + 1.433 + 60 = 6.711; toàn trình 3.102 / 6.711
  = 46,22 % -> "46,2%"; digitised at intake 6.020 / 6.711 = 89,70 % -> "89,7%"; results digitised
  5.890 / resolved 6.847 = 86,02 % -> "86%"; paid online 1.862 / 2.450 with a fee = 76 %;
  satisfied 3.150 / 3.204 = 98,31 % -> "98,3%"; 766 score 86,42; received 6.958 = resolved 6.847
  + withdrawn 12 + in progress 99.
- the six communes: toàn trình 2.709, một phần 2.179; 766 scores ranked 88,15 (Long Xuyên), 87,02
  (Phú Quốc), 85,60, 84,37, 81,05, 79,88 (Óc Eo); on time 8.238 / 8.243 = 99,939 % -> "99,94%"
  in the text as in the table.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from reportgen import columns
from reportgen.errors import InvalidInput
from reportgen.vi import share, share_table
from reportgen.workspace import load_workspace
from tests.conftest import ROOT, replace_in
from tests.readback import flat, pdf_text

MAU = ROOT / "inputs" / "mau-2025"
Q4 = "figures/mot-cua-2025-q4.csv"
HEADER = ("ky,ma_don_vi,truc_tuyen_toan_trinh,truc_tuyen_mot_phan,truc_tiep,buu_chinh,ky_truoc,truoc_han,dung_han,"
          "qua_han,rut_tra_lai,dang_trong_han,dang_qua_han,so_hoa_dau_vao,so_hoa_ket_qua,co_phi,"
          "thanh_toan_truc_tuyen,luot_danh_gia,hai_long,chi_so_766,pakn_tiep_nhan,pakn_da_xu_ly")
LX = '2025-Q4,AG-LX,802,589,707,48,81,1.498,679,0,5,45,0,1.870,1.905,640,498,1.120,1.098,"88,15",2,2'


@pytest.fixture
def mau(tmp_path: Path) -> Path:
    target = tmp_path / "mau"
    shutil.copytree(MAU, target)
    return target


def errors_of(ws: Path) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        load_workspace(ws)
    return [str(p) for p in caught.value.problems if p.severity == "error"]


# --- the registry -------------------------------------------------------------------------

def test_roles_of_the_new_columns():
    assert columns.role_of("chi_so_766") == columns.SCORE
    assert columns.role_of("rut_tra_lai") == columns.FLOW
    assert columns.role_of("so_hoa_dau_vao") == columns.FLOW
    assert set(columns.OPTIONAL) == {
        "truc_tuyen_toan_trinh", "truc_tuyen_mot_phan", "rut_tra_lai", "so_hoa_dau_vao", "so_hoa_ket_qua", "co_phi",
        "thanh_toan_truc_tuyen", "luot_danh_gia", "hai_long", "chi_so_766", "pakn_tiep_nhan", "pakn_da_xu_ly"}


ADDED = '''
import sys
from reportgen import columns
columns.declare(columns.Column("lien_thong", None, "Liên thông", "Hồ sơ liên thông",
                               ("ho so lien thong", "lien thong"), required=False))
from reportgen.workspace import load_workspace
from reportgen.kinds import build_context
from reportgen.job import Job
from reportgen.periods import Period
from reportgen.render.to_xlsx import render_xlsx
ws = load_workspace(sys.argv[1])
print(ws.figures.set_index("ma_don_vi")["lien_thong"].dropna().to_dict())
_, ctx, _ = build_context(ws, Job("bao-cao", "AG-LX", Period.parse("2025-Q4")))
print(ctx["fig"]["present"][-1], ctx["labels"]["columns"]["lien_thong"])
open(sys.argv[2], "wb").write(render_xlsx(ctx))
'''


def test_a_column_added_in_one_declaration_is_read_stated_and_written(mau, tmp_path):
    """docs/architecture.md, "Adding a column": one Column(...) and the CSV reader, validation,
    [labels.columns], the context and the workbook take it (in a fresh process: the modules copy
    the registry's tables when imported)."""
    figures = mau / Q4
    lines = figures.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",lien_thong"] + [line + (",17" if ",AG-LX," in line else ",") for line in lines[1:]]
    figures.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "lx.xlsx"
    run = subprocess.run([sys.executable, "-c", ADDED, str(mau), str(out)], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert run.stdout.splitlines() == ["{'AG-LX': 17.0}", "lien_thong Liên thông"]
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    heads = [c.value for c in sheet[7]]  # a column alone: headed over the two header rows
    assert heads[-2:] == ["Liên thông", "Tỷ lệ đúng và trước hạn (%)"]
    assert sheet.cell(10, len(heads) - 1).value == 17


# --- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize(("old", "new", "expected"), [
    # a part above its whole: a share above 100 %
    ("1.870,1.905", "2.300,1.905",
     f"{Q4}, dòng 3, cột so_hoa_dau_vao: lớn hơn số hồ sơ mới tiếp nhận (truc_tuyen + truc_tiep + buu_chinh) "
     "(2.146): tỷ lệ 107% vượt 100%; cần không quá 2.146 (giá trị: '2.300')"),
    ("1.120,1.098", "1.120,1.121",
     f"{Q4}, dòng 3, cột hai_long: lớn hơn số lượt đánh giá (luot_danh_gia) (1.120): tỷ lệ 100% vượt 100%; "
     "cần không quá 1.120 (giá trị: '1.121')"),
    ("640,498", "640,641",
     f"{Q4}, dòng 3, cột thanh_toan_truc_tuyen: lớn hơn số hồ sơ có phí (co_phi) (640): tỷ lệ 100% vượt 100%; "
     "cần không quá 640 (giá trị: '641')"),
    ('"88,15",2,2', '"88,15",2,3',
     f"{Q4}, dòng 3, cột pakn_da_xu_ly: lớn hơn số phản ánh, kiến nghị tiếp nhận (pakn_tiep_nhan) (2): "
     "cần không quá 2 (giá trị: '3')"),
    # a score above 100, or a count where a score belongs (a sum over units or quarters)
    ('"88,15"', '"101,5"',
     f"{Q4}, dòng 3, cột chi_so_766: điểm vượt 100: chỉ số 766 là điểm trên thang 100 (không cộng dồn theo kỳ "
     "hay theo đơn vị như số hồ sơ); cần điểm từ 0 đến 100, ví dụ 87,35 (giá trị: '101,5')"),
    ('"88,15"', "1.850",
     f"{Q4}, dòng 3, cột chi_so_766: điểm vượt 100: chỉ số 766 là điểm trên thang 100 (không cộng dồn theo kỳ "
     "hay theo đơn vị như số hồ sơ); cần điểm từ 0 đến 100, ví dụ 87,35 (giá trị: '1.850')"),
    # withdrawn files that leave a negative number in progress
    ("679,0,5,45", "679,0,97,45",
     f"{Q4}, dòng 3, cột rut_tra_lai: số hồ sơ đang giải quyết sẽ âm (-47): cần rut_tra_lai không quá số hồ sơ "
     "tiếp nhận chưa giải quyết (tiếp nhận − đã giải quyết), tức 50 (giá trị: '97')"),
])
def test_impossible_values_are_errors_at_their_cell(mau, old, new, expected):
    replace_in(mau / Q4, LX, LX.replace(old, new))
    assert errors_of(mau) == [expected]


def test_toan_trinh_and_mot_phan_must_add_up_to_truc_tuyen(mau):
    """truc_tuyen given beside its parts must be their sum; left empty, it is their sum."""
    figures = mau / Q4
    lines = figures.read_text(encoding="utf-8").splitlines()
    given = {"AG-LX": "1.391", "AG-RG": "1.239"}  # 802 + 589 = 1.391; 698 + 542 = 1.240
    lines = [lines[0] + ",truc_tuyen"] + [line + "," + given.get(line.split(",")[1], "") for line in lines[1:]]
    figures.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert errors_of(mau) == [
        f"{Q4}, dòng 4, cột truc_tuyen: truc_tuyen_toan_trinh (698) + truc_tuyen_mot_phan (542) = 1.240, khác "
        "truc_tuyen (1.239): cần truc_tuyen bằng tổng các phần, hoặc để trống cột truc_tuyen (giá trị: '1.239')"]
    replace_in(figures, ",1.239\n", ",1.240\n")
    assert load_workspace(mau).figures.set_index(["ky", "ma_don_vi"]).loc[("2025-Q4", "AG"), "truc_tuyen"] == 5218


def test_without_truc_tuyen_it_is_the_sum_of_its_parts():
    ws = load_workspace(MAU)
    row = ws.figures.set_index(["ky", "ma_don_vi"]).loc[("2025-Q4", "AG-LX")]
    assert (row["truc_tuyen"], row["truc_tuyen_toan_trinh"], row["truc_tuyen_mot_phan"]) == (1391, 802, 589)
    assert ws.figures.set_index(["ky", "ma_don_vi"]).loc[("2025-Q3", "AG-LX"), "so_hoa_dau_vao"] != \
        ws.figures.set_index(["ky", "ma_don_vi"]).loc[("2025-Q3", "AG-LX"), "so_hoa_dau_vao"]  # NaN: not given


def test_one_part_alone_needs_truc_tuyen(mau):
    replace_in(mau / Q4, HEADER, HEADER.replace("truc_tuyen_mot_phan,", "mot_phan_bo,"))
    errors = errors_of(mau)
    assert f"{Q4}, dòng 1, cột truc_tuyen: thiếu cột bắt buộc" in errors


def test_withdrawn_files_make_the_table_add_up_without_warning(cli):
    result = cli("validate", "--workspace", MAU)
    assert result.exit_code == 0
    assert "0 cảnh báo" in result.output and "CẢNH BÁO" not in result.output


def test_a_table_that_does_not_add_up_names_the_withdrawn_files(mau, cli):
    replace_in(mau / Q4, LX, LX.replace("679,0,5,45", "679,0,4,45"))
    result = cli("validate", "--workspace", mau)
    assert result.exit_code == 0
    assert (f"CẢNH BÁO: {Q4}, dòng 3: đã giải quyết (2177) + rút, trả lại (4) + đang giải quyết (45) khác tổng "
            "tiếp nhận (2227); hãy kiểm tra") in result.output


def test_bad_input_writes_nothing(mau, cli, tmp_path):
    replace_in(mau / Q4, LX, LX.replace('"88,15"', '"188,15"'))
    out = tmp_path / "out"
    result = cli("build", "--workspace", mau, "--out", out)
    assert result.exit_code == 2
    assert "cột chi_so_766: điểm vượt 100" in result.output
    assert not out.exists()


# --- the office's workbook --------------------------------------------------------------------

OFFICE_HEADINGS = [
    # (group, column) as the office's workbook writes them, row 4 / row 5
    ("Số hồ sơ mới tiếp nhận", "Trực tuyến toàn trình"), (None, "Trực tuyến một phần"), (None, "Trực tiếp"),
    (None, "Bưu chính"), ("Kỳ trước chuyển qua", None), ("Số hồ sơ đã giải quyết", "Trước hạn"), (None, "Đúng hạn"),
    (None, "Quá hạn"), ("Rút, trả lại", None), ("Số hồ sơ đang giải quyết", "Trong hạn"), (None, "Quá hạn"),
    ("Số hóa", "Đầu vào"), (None, "Kết quả"), ("Thanh toán", "Hồ sơ có phí"), (None, "Thanh toán trực tuyến"),
    ("Đánh giá", "Lượt đánh giá"), (None, "Hài lòng"), ("Chỉ số 766", None),
]
LX_VALUES = [802, 589, 707, 48, 81, 1498, 679, 0, 5, 45, 0, 1870, 1905, 640, 498, 1120, 1098, 88.15]


def office_workbook(path: Path, headings=OFFICE_HEADINGS, values=LX_VALUES) -> Path:
    book = Workbook()
    sheet = book.active
    sheet["A1"] = "UBND TỈNH AN GIANG"
    sheet["A2"] = "BIỂU TỔNG HỢP KẾT QUẢ GIẢI QUYẾT TTHC QUÝ IV/2025"
    sheet.cell(4, 1, "STT")
    sheet.cell(4, 2, "Tên đơn vị")
    sheet.merge_cells(start_row=4, start_column=1, end_row=5, end_column=1)
    sheet.merge_cells(start_row=4, start_column=2, end_row=5, end_column=2)
    start = None
    for col, (group, name) in enumerate(headings, start=3):
        if group and name:
            sheet.cell(4, col, group)
            start = col
        elif group:
            sheet.cell(4, col, group)
            sheet.merge_cells(start_row=4, start_column=col, end_row=5, end_column=col)
            start = None
        if name:
            sheet.cell(5, col, name)
        if start and (col - 2 == len(headings) or headings[col - 2][0] is not None) and col > start:
            sheet.merge_cells(start_row=4, start_column=start, end_row=4, end_column=col)
    sheet.append([1, "Phường Long Xuyên", *values])
    book.save(path)
    return path


def only_figures(mau: Path) -> None:
    """No figures, meetings or report texts: a test writes the figures it needs (and no other period)."""
    for folder in ("figures", "meetings", "noi-dung"):
        for name in (mau / folder).iterdir():
            name.unlink()


def test_the_office_workbook_headings_of_the_new_columns(mau):
    only_figures(mau)
    office_workbook(mau / "figures" / "bieu.xlsx")
    ws = load_workspace(mau)
    row = ws.figures.set_index("ma_don_vi").loc["AG-LX"]
    got = {k: row[k] for k in ("truc_tuyen", "truc_tuyen_toan_trinh", "truc_tuyen_mot_phan", "rut_tra_lai",
                                "so_hoa_dau_vao", "so_hoa_ket_qua", "co_phi", "thanh_toan_truc_tuyen",
                                "luot_danh_gia", "hai_long", "chi_so_766")}
    assert got == {"truc_tuyen": 1391, "truc_tuyen_toan_trinh": 802, "truc_tuyen_mot_phan": 589, "rut_tra_lai": 5,
                   "so_hoa_dau_vao": 1870, "so_hoa_ket_qua": 1905, "co_phi": 640, "thanh_toan_truc_tuyen": 498,
                   "luot_danh_gia": 1120, "hai_long": 1098, "chi_so_766": 88.15}
    assert ws.figures.at[0, "ky"] == "2025-Q4"


def test_a_share_column_without_its_counts_is_refused_not_dropped(mau):
    only_figures(mau)
    headings = OFFICE_HEADINGS[:11] + [("Tỷ lệ số hóa hồ sơ (%)", None)]
    office_workbook(mau / "figures" / "bieu.xlsx", headings, LX_VALUES[:11] + [87.1])
    assert errors_of(mau) == [
        "figures/bieu.xlsx, ô N4: cột tỷ lệ 'Tỷ lệ số hóa hồ sơ (%)' không đọc được: reportgen tự tính tỷ lệ từ số hồ "
        "sơ; cần cột số lượng 'Số hóa / Đầu vào' (so_hoa_dau_vao), hoặc khai báo tiêu đề này = \"bo_qua\" trong "
        "[sources.columns] của reportgen.toml để bỏ qua"]


def test_a_share_column_beside_its_counts_is_left_to_reportgen(mau):
    only_figures(mau)
    headings = OFFICE_HEADINGS + [("Tỷ lệ số hóa hồ sơ (%)", None)]
    office_workbook(mau / "figures" / "bieu.xlsx", headings, LX_VALUES + [87.1])
    ws = load_workspace(mau)
    assert ws.figures.at[0, "so_hoa_dau_vao"] == 1870


@pytest.mark.parametrize(("group", "heading", "key"), [
    (None, "Số hồ sơ rút, trả lại", "rut_tra_lai"),
    (None, "Hồ sơ trả lại", "rut_tra_lai"),
    (None, "Số hóa đầu vào", "so_hoa_dau_vao"),
    (None, "Số hồ sơ số hóa kết quả", "so_hoa_ket_qua"),
    ("Số hồ sơ tiếp nhận", "Dịch vụ công trực tuyến toàn trình", "truc_tuyen_toan_trinh"),
    (None, "Hồ sơ có phí, lệ phí", "co_phi"),
    ("Thanh toán trực tuyến", "Hồ sơ có phí", "co_phi"),
    ("Thanh toán", "Trực tuyến", "thanh_toan_truc_tuyen"),
    ("Đánh giá", "Tổng số", "luot_danh_gia"),
    (None, "Mức độ hài lòng", "hai_long"),
    (None, "Điểm Chỉ số 766", "chi_so_766"),
    ("Phản ánh, kiến nghị", "Tiếp nhận", "pakn_tiep_nhan"),
    ("Phản ánh, kiến nghị", "Đã xử lý", "pakn_da_xu_ly"),
    ("Số hồ sơ nhận giải quyết", "Toàn trình", "truc_tuyen_toan_trinh"),
    ("Trong đó trực tuyến", "Một phần", "truc_tuyen_mot_phan"),
])
def test_common_spellings(group, heading, key):
    from reportgen.sources.workbook import classify

    assert classify(group, heading) == key


def test_a_heading_that_needs_its_group_is_never_guessed():
    from reportgen.sources.workbook import classify

    assert classify(None, "Đầu vào") is None
    assert classify("Số hồ sơ đã giải quyết", "Kết quả") is None
    assert classify("Số hồ sơ nhận giải quyết", "Tiếp nhận") is None


# --- the documents ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(sample_builds):
    """inputs/mau-2025 as `reportgen build` builds it by default (the golden test's build, shared)."""
    return sample_builds[0] / "mau-2025-out"


def docx_parts(path: Path) -> tuple[str, list[list[str]]]:
    document = Document(str(path))
    body = flat("\n".join(p.text for p in document.paragraphs))
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return body, tables


PROVINCE_SENTENCES = [
    "tiếp nhận trực tuyến 5.218 hồ sơ (toàn trình 3.102 hồ sơ, một phần 2.116 hồ sơ)",
    "Số hồ sơ rút, trả lại: 12 hồ sơ.",
    "Trong đó, hồ sơ trực tuyến toàn trình: 3.102 hồ sơ, chiếm 46,2% tổng số hồ sơ tiếp nhận mới; hồ sơ trực "
    "tuyến một phần: 2.116 hồ sơ, chiếm 31,5%.",
    "Cấp tỉnh: số hóa hồ sơ khi tiếp nhận 6.020 hồ sơ, đạt 89,7% số hồ sơ tiếp nhận mới; số hóa kết quả giải "
    "quyết 5.890 hồ sơ, đạt 86% số hồ sơ đã giải quyết; thanh toán trực tuyến 1.862 hồ sơ trên tổng số 2.450 hồ "
    "sơ có phí, lệ phí, đạt 76%; 3.204 lượt đánh giá mức độ hài lòng, trong đó 3.150 lượt hài lòng, đạt 98,3%.",
    "dịch vụ công (Quyết định số 766/QĐ-TTg) của tỉnh An Giang đạt 86,42 điểm.",
    "Xếp hạng Chỉ số 766 cấp xã: 1. phường Long Xuyên (88,15 điểm); 2. đặc khu Phú Quốc (87,02 điểm); 3. phường "
    "Rạch Giá (85,60 điểm); 4. phường Châu Đốc (84,37 điểm); 5. xã Mỹ Hòa Hưng (81,05 điểm); 6. xã Óc Eo (79,88 "
    "điểm).",
    "Cấp tỉnh tiếp nhận 04 phản ánh, kiến nghị về quy định hành chính, đã xử lý 04 phản ánh, kiến nghị.",
    # item 4: the commune level's on-time share as its table's total row writes it (99,94)
    "tỷ lệ giải quyết hồ sơ đúng và trước hạn đạt 99,94%",
]


@pytest.mark.parametrize("sentence", PROVINCE_SENTENCES)
def test_the_province_report_states_each_indicator(built, sentence):
    assert sentence in flat(pdf_text(built / "2025-Q4/AG/bao-cao.pdf"))
    assert sentence in docx_parts(built / "2025-Q4/AG/bao-cao.docx")[0]


def test_a_ward_report_states_its_own_figures_and_no_ranking(built):
    text = flat(pdf_text(built / "2025-Q4/AG-LX/bao-cao.pdf"))
    assert ("Phường Long Xuyên: số hóa hồ sơ khi tiếp nhận 1.870 hồ sơ, đạt 87,1% số hồ sơ tiếp nhận mới" in text)
    assert "của phường Long Xuyên đạt 88,15 điểm." in text
    assert "Xếp hạng" not in text


EXTRA_HEAD = ["Toàn trình", "Một phần", "Rút, trả lại", "Đầu vào", "Kết quả", "Hồ sơ có phí", "Thanh toán trực tuyến",
              "Lượt đánh giá", "Hài lòng", "Chỉ số 766", "Tiếp nhận", "Đã xử lý"]
LX_ROW = ["802", "589", "5", "1.870", "1.905", "640", "498", "1.120", "1.098", "88,15", "2", "2"]
COMMUNES_ROW = ["2.709", "2.179", "14", "6.994", "6.824", "2.472", "1.688", "4.117", "3.988", "-", "6", "5"]


def test_the_appendix_has_a_column_for_each_indicator_docx(built):
    _, tables = docx_parts(built / "2025-Q4/AG/bao-cao.docx")
    extra = tables[-1]
    assert [c for c in extra[1] if c in EXTRA_HEAD] == EXTRA_HEAD
    rows = {row[1]: row[2:] for row in extra}
    assert rows["Phường Long Xuyên"] == LX_ROW
    assert rows["Cộng cấp xã"] == COMMUNES_ROW  # a score is never summed
    assert any(row[1] == "Cộng cấp xã" and row[-1] == "99,94" for row in tables[-2])


def test_the_appendix_has_a_column_for_each_indicator_pdf(built):
    import pdfplumber

    with pdfplumber.open(built / "2025-Q4/AG/bao-cao.pdf") as pdf:
        rows = [[re.sub(r"\s+", " ", c or "").strip() for c in row]
                for page in pdf.pages for table in page.extract_tables() for row in table]
    names = {row[1]: row[2:] for row in rows if len(row) == 14}
    assert names["Phường Long Xuyên"] == LX_ROW
    assert names["Cộng cấp xã"] == COMMUNES_ROW


def test_the_workbook_has_them_and_reads_back(built, mau):
    from openpyxl import load_workbook

    sheet = load_workbook(built / "2025-Q4/AG/bao-cao.xlsx").active
    assert [c.value for c in sheet[7]][14:] == ["Trong đó trực tuyến", None, "Rút, trả lại", "Số hóa", None,
                                                "Thanh toán", None, "Đánh giá", None, "Chỉ số 766",
                                                "Phản ánh, kiến nghị", None, "Tỷ lệ đúng và trước hạn (%)"]
    assert [c.value for c in sheet[8]][14:] == ["Toàn trình", "Một phần", None, "Đầu vào", "Kết quả", "Hồ sơ có phí",
                                                "Thanh toán trực tuyến", "Lượt đánh giá", "Hài lòng", None,
                                                "Tiếp nhận", "Đã xử lý", None]
    long_xuyen = next(row for row in sheet.iter_rows(values_only=True) if row[1] == "Phường Long Xuyên")
    assert long_xuyen[14:] == (802, 589, 5, 1870, 1905, 640, 498, 1120, 1098, 88.15, 2, 2, 100)
    only_figures(mau)
    communes = ("LX", "RG", "CD", "MHH", "OE", "PQ")
    result = subprocess.run([sys.executable, "-m", "reportgen", "build", "--workspace", str(MAU), "--out",
                             str(mau / "out"), "--period", "2025-Q4", "--kind", "bao-cao", "--format", "xlsx",
                             *(arg for unit in communes for arg in ("--unit", f"AG-{unit}"))],
                            capture_output=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    for unit in communes:
        shutil.copy(mau / f"out/2025-Q4/AG-{unit}/bao-cao.xlsx", mau / "figures" / f"{unit}.xlsx")
    shutil.rmtree(mau / "out")
    again = load_workspace(mau).figures.drop(columns=["_file", "_row"]).set_index("ma_don_vi").sort_index()
    source = load_workspace(MAU).figures
    source = source[(source["ky"] == "2025-Q4") & (source["ma_don_vi"] != "AG")]
    source = source.drop(columns=["_file", "_row"]).set_index("ma_don_vi").sort_index()
    assert again.equals(source)


def test_without_the_columns_nothing_is_added(built):
    text = flat(pdf_text(built / "2025-Q3/AG/bao-cao.pdf"))
    for words in ("(toàn trình", "hồ sơ trực tuyến toàn trình", "Số hóa", "766", "rút, trả lại", "Các chỉ tiêu khác"):
        assert words not in text
    from openpyxl import load_workbook

    assert load_workbook(built / "2025-Q3/AG/bao-cao.xlsx").active.max_column == 15


# --- one figure, one way --------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 10**6), st.sampled_from(sorted(columns.SHARES)))
def test_text_and_table_write_the_same_figure(part, whole, key):
    """The share in running text is the table's figure with its sign (a whole value without decimals)."""
    ratio = min(part, whole) / whole
    text, cell = share(ratio, key), share_table(ratio, key)
    assert text.endswith("%")
    number = text[:-1]
    assert cell == number or (cell.startswith(number + ",") and set(cell[len(number) + 1:]) == {"0"})
    assert number != "100" or part >= whole  # never 100 % short of it


@settings(max_examples=100, deadline=None)
@given(new=st.integers(0, 5000), digitised=st.integers(0, 6000), fee=st.integers(0, 3000), paid=st.integers(0, 3000),
       score=st.decimals(0, 120, places=2))
def test_validation_accepts_exactly_what_is_possible(tmp_path_factory, new, digitised, fee, paid, score):
    """A row is refused if and only if a part exceeds its whole or the score exceeds 100, and then at that column."""
    root = tmp_path_factory.mktemp("prop")
    (root / "figures").mkdir()
    (root / "units.csv").write_text("ma_don_vi,ten_don_vi,cap,ma_cap_tren\nX,Xã A,xa,\n", encoding="utf-8")
    (root / "reportgen.toml").write_text("", encoding="utf-8")
    text = f"{score}".replace(".", ",")
    (root / "figures" / "f.csv").write_text(
        "ky,ma_don_vi,truc_tuyen,truc_tiep,buu_chinh,ky_truoc,truoc_han,dung_han,qua_han,dang_trong_han,dang_qua_han,"
        "so_hoa_dau_vao,co_phi,thanh_toan_truc_tuyen,chi_so_766\n"
        f'2025-Q4,X,{new},0,0,{fee},{new + fee},0,0,0,0,{digitised},{fee},{paid},"{text}"\n', encoding="utf-8")
    expected = {c for c, bad in (("so_hoa_dau_vao", digitised > new), ("thanh_toan_truc_tuyen", paid > fee),
                                 ("chi_so_766", score > 100)) if bad}
    try:
        ws = load_workspace(root)
    except InvalidInput as error:
        assert {p.column for p in error.problems if p.severity == "error"} == expected
    else:
        assert not expected
        assert ws.figures.at[0, "chi_so_766"] == float(score)
