"""Loading a workspace (reportgen/workspace.py): the sample read whole, a change tried before it
is written (``pending``), every error at once but bounded, and what is printed made safe."""

from __future__ import annotations

import pytest

from reportgen.errors import InvalidInput, Problem
from reportgen.periods import Period
from reportgen.workspace import bounded, figure_files, load_workspace, shown
from tests.conftest import SAMPLE

Q1 = Period.parse("2022-Q1")
FIGURES = "figures/mot-cua-2022-q1.csv"
MEETING = "meetings/2022-q1-thap-muoi.yaml"


def test_the_sample_loads():
    ws = load_workspace(SAMPLE)
    assert (len(ws.units), len(ws.figures), ws.warnings) == (14, 3 * 14, [])
    assert ws.meeting_files == {(Q1, "TM"): SAMPLE / MEETING}
    assert ws.meetings[(Q1, "TM")].chu_tri.ho_ten == "Trần Thị Quý"
    row = ws.figures[(ws.figures["ky"] == "2022-Q1") & (ws.figures["ma_don_vi"] == "TM")].iloc[0]
    assert [int(row[c]) for c in ("truc_tuyen", "truc_tiep", "buu_chinh", "ky_truoc", "qua_han")] == [336, 1850, 264, 120, 12]
    assert [p.name for p in figure_files(SAMPLE)] == ["mot-cua-2021-q1.csv", "mot-cua-2021-q4.csv", "mot-cua-2022-q1.csv"]


def test_no_workspace_says_how_to_make_one(tmp_path):
    with pytest.raises(InvalidInput) as caught:
        load_workspace(tmp_path / "khong-co")
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path}/khong-co: không tìm thấy thư mục dữ liệu (workspace): tạo mới bằng `reportgen init TÊN-THƯ-MỤC`, "
        "hoặc chỉ đến thư mục có sẵn bằng --workspace THƯ-MỤC"]


def test_a_pending_change_is_checked_before_anything_is_written(workspace):
    before = (workspace / FIGURES).read_bytes()
    text = before.decode("utf-8").replace("2022-Q1,TM,336,", "2022-Q1,TM,abc,", 1)
    with pytest.raises(InvalidInput) as caught:
        load_workspace(workspace, {FIGURES: text.encode("utf-8")})
    assert [str(p) for p in caught.value.problems] == [
        f"{FIGURES}, dòng 2, cột truc_tuyen: không phải số: cần số nguyên không âm (số hồ sơ), ví dụ 1850 hoặc 1.850 "
        "(giá trị: 'abc')"]
    assert (workspace / FIGURES).read_bytes() == before
    assert load_workspace(workspace, {MEETING: None}).meetings == {}  # as if the meeting file were removed
    assert (workspace / MEETING).exists()


def test_errors_are_bounded_and_counted():
    error = bounded([Problem("f", f"x{i}") for i in range(5)] + [Problem("f", "w", severity="warning")], limit=2)
    assert ([str(p) for p in error.problems], error.omitted, str(error)) == (["f: x0", "f: x1"], 3, "2 lỗi trong dữ liệu đầu vào")


def test_what_is_printed_is_shortened_and_has_no_control_characters():
    problem = shown(Problem("a\x1b[31m.csv", "m", value="v" * 300))
    assert problem.file == "a\\x1b[31m.csv"
    assert problem.value == "v" * 80 + "… (300 ký tự)"
