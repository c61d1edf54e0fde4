"""reportgen.web.figures_upload: an upload checked, validated with the whole workspace, written
under a new name beside the name it had, a replaced file kept as a dated copy, and a heading
mapped into reportgen.toml; on a copy of the sample workspace, without the page."""

from __future__ import annotations

import datetime as dt

import pytest

from reportgen.errors import Problem
from reportgen.web import figures_upload as upload

HEADER = b"ky,ma_don_vi,truc_tuyen,truc_tiep,buu_chinh,ky_truoc,truoc_han,dung_han,qua_han,dang_trong_han,dang_qua_han\n"
Q2 = HEADER + b"2022-Q2,TM-MH,8,201,3,12,150,60,0,14,0\n"
NOW = dt.datetime(2026, 12, 7, 14, 5, 9)
STORED = "tai-len-20261207-140509.csv"
MB = 1024 * 1024


@pytest.mark.parametrize("name, data, problem", [
    ("so-lieu.txt", b"x", Problem("so-lieu.txt", "chỉ nhận tệp .csv hoặc .xlsx", value=".txt")),
    ("", b"x", Problem("(không tên)", "chỉ nhận tệp .csv hoặc .xlsx", value="")),
    ("SO-LIEU.CSV", b"", Problem("SO-LIEU.CSV", "tệp rỗng")),
    ("a.csv", b"x" * (2 * MB + 1), Problem("a.csv", "tệp quá lớn: tối đa 2 MB", value=f"{2 * MB + 1} byte")),
    ("a.xlsx", b"ky,ma_don_vi", Problem("a.xlsx", "không phải tệp Excel .xlsx (nội dung không đúng định dạng)")),
    ("a.csv", b"ky\x00", Problem("a.csv", "không phải tệp văn bản CSV (có byte NUL)")),
])
def test_an_upload_that_is_not_what_it_says_is_refused_before_it_is_read(name, data, problem):
    assert upload.check_file(name, data, 2 * MB) == [problem]


def test_a_csv_or_an_xlsx_within_the_limit_passes_the_first_check():
    assert upload.check_file("a.csv", b"x" * (2 * MB), 2 * MB) == []
    assert upload.check_file("Bieu.XLSX", b"PK\x03\x04rest", 2 * MB) == []


def test_an_upload_is_written_under_a_new_name_with_its_own_kept_beside_it(workspace):
    before = upload.replaceable(workspace)
    assert before == ["mot-cua-2021-q1.csv", "mot-cua-2021-q4.csv", "mot-cua-2022-q1.csv"]
    outcome = upload.accept(workspace, "Số liệu quý 2.csv", Q2, None, NOW)
    assert (outcome.written, outcome.kept_copy, outcome.original, outcome.problems) == (
        f"figures/{STORED}", None, "Số liệu quý 2.csv", [])
    assert (workspace / "figures" / STORED).read_bytes() == Q2
    assert upload.original_name(workspace, STORED) == "Số liệu quý 2.csv"
    assert [str(p) for p in outcome.recognised.periods] == ["2022-Q2"]
    assert (outcome.recognised.units, outcome.recognised.received, outcome.recognised.resolved,
            outcome.recognised.in_progress) == (1, 224, 210, 14)
    assert upload.replaceable(workspace) == before + [STORED]


def test_figures_another_file_has_are_one_problem_naming_that_file(workspace):
    upload.accept(workspace, "Số liệu quý 2.csv", Q2, None, NOW)
    again = upload.accept(workspace, "lại.csv", Q2, None, NOW)
    assert again.written is None
    assert [str(p) for p in again.problems] == [
        "lại.csv, dòng 2, cột ky, ma_don_vi: số liệu Quý II/2022 của 1 đơn vị đã có trong tệp Số liệu quý 2.csv; nếu "
        "tệp mới thay cho tệp đó, hãy chọn tệp đó ở mục “Thay thế tệp đang có” và đánh dấu ô xác nhận"]
    assert (again.duplicate_of, again.duplicate_periods) == ([STORED], ["2022-Q2"])
    assert sorted(p.name for p in (workspace / "figures").iterdir()) == [
        "mot-cua-2021-q1.csv", "mot-cua-2021-q4.csv", "mot-cua-2022-q1.csv", STORED, STORED + ".ten-goc.txt"]


def test_replacing_a_file_keeps_the_old_one_as_a_dated_copy_outside_figures(workspace):
    upload.accept(workspace, "Số liệu quý 2.csv", Q2, None, NOW)
    changed = Q2.replace(b",8,201", b",9,201")
    outcome = upload.accept(workspace, "thay.csv", changed, STORED, NOW)
    copy = "tai-len-20261207-140509-20261207-140509.csv"
    assert (outcome.written, outcome.kept_copy) == ("figures/tai-len-20261207-140509-2.csv", f"luu-cu/figures/{copy}")
    assert outcome.recognised.received == 225
    assert not (workspace / "figures" / STORED).exists()
    assert (workspace / "luu-cu" / "figures" / copy).read_bytes() == Q2
    assert (workspace / "luu-cu" / "figures" / (copy + ".ten-goc.txt")).read_text(encoding="utf-8") == "Số liệu quý 2.csv"


def test_a_wrong_upload_writes_nothing_and_names_the_file_as_the_user_did(workspace):
    outcome = upload.accept(workspace, "sai.csv", b"ky,ma_don_vi,la\n2022-Q2,TM,1\n", None, NOW)
    assert outcome.written is None
    assert [p.file for p in outcome.problems if p.severity == "error"] == ["sai.csv"] * 10
    assert outcome.problems[0].message.startswith("cột không được hỗ trợ; các cột hợp lệ: ky, ma_don_vi, ")
    assert upload.replaceable(workspace) == ["mot-cua-2021-q1.csv", "mot-cua-2021-q4.csv", "mot-cua-2022-q1.csv"]


def test_in_order_puts_errors_first_then_by_file_and_row():
    warning = Problem("b.csv", "w", row=1, severity="warning")
    late, early, other = Problem("b.csv", "e", row=9), Problem("b.csv", "e", row=2), Problem("a.csv", "e")
    assert upload.in_order([warning, late, early, other]) == [other, early, late, warning]


def test_a_heading_is_mapped_into_reportgen_toml_keeping_the_file(workspace):
    config = workspace / "reportgen.toml"
    before = config.read_text(encoding="utf-8")
    assert upload.map_heading(workspace, "Trực tuyến", "khong-co") == [
        Problem("reportgen.toml", "hãy chọn một trường trong danh sách", column="sources.columns", value="khong-co")]
    assert upload.map_heading(workspace, "a\tb", "truc_tuyen") == [
        Problem("reportgen.toml", "tiêu đề cột không hợp lệ (tối đa 200 ký tự, không ký tự điều khiển)",
                column="sources.columns", value="a\tb")]
    assert upload.map_heading(workspace, " ", "truc_tuyen")[0].message.startswith("tiêu đề cột không hợp lệ")
    assert config.read_text(encoding="utf-8") == before
    assert upload.map_heading(workspace, " Nhận trực tuyến ", "truc_tuyen") == []
    assert config.read_text(encoding="utf-8") == before + '\n[sources.columns]\n"Nhận trực tuyến" = "truc_tuyen"\n'
