"""reportgen.sources.structured: meeting files and reportgen.toml read, bounded, and checked, each
problem on its line. Meeting files go through PyYAML's C loader with the same limits as the
pure-Python one (issue 22 item 7); the CLI's side of hostile files is in
tests/behaviour/test_hostile_input.py."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
import yaml

from reportgen.periods import Period
from reportgen.sources import structured
from reportgen.sources.structured import load_config, load_meeting, meeting_window
from tests.conftest import SAMPLE

MEETING = "meetings/2022-q1-thap-muoi.yaml"


@pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="PyYAML without libyaml")
def test_meeting_files_go_through_the_c_loader(workspace, monkeypatch):
    assert structured.FastLoader is yaml.CSafeLoader
    monkeypatch.setattr(structured, "BoundedLoader", None)  # the pure-Python parser is not used
    meeting, problems = load_meeting(workspace, MEETING)
    assert meeting is not None and meeting.don_vi == "TM"


PEAK = """
import gc, sys
from pathlib import Path
from reportgen.sources import structured

def status(field):
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) // 1024 for line in handle if line.startswith(field))

if sys.argv[3] == "pure-python":
    structured.FastLoader = structured.BoundedLoader
gc.collect()
with open("/proc/self/clear_refs", "w") as handle:
    handle.write("5")  # resets VmHWM (the peak RSS) to the RSS now: the imports' peak is not counted
before = status("VmRSS:")
meeting, problems = structured.load_meeting(Path(sys.argv[1]), sys.argv[2])
assert meeting is not None and len(meeting.ket_qua) == 80_003, problems
print(status("VmHWM:") - before)
"""
LIMIT_MB = 58  # measured on a 0.96 MB file: C loader 46 MB, pure-Python loader 70 MB (Python 3.11, PyYAML 6)


@pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="PyYAML without libyaml")
def test_a_big_meeting_costs_tens_of_megabytes(workspace):
    """A 0.96 MB file of 80,000 short values (near both limits: 1 MB, 100,000 values): the peak
    RSS that loading it adds, in a fresh process (tracemalloc does not see libyaml's memory),
    stays under LIMIT_MB with the C loader and exceeds it with the pure-Python one."""
    text = (workspace / MEETING).read_text(encoding="utf-8")
    values = "".join(f"\n  - m{i:06d}" for i in range(80_000))
    (workspace / MEETING).write_text(text.replace("ket_qua:", "ket_qua:" + values + "\n", 1), encoding="utf-8")
    assert 0.9 * 2**20 < (workspace / MEETING).stat().st_size < 2**20

    def peak_mb(loader: str) -> int:
        done = subprocess.run([sys.executable, "-c", PEAK, str(workspace), MEETING, loader],
                              capture_output=True, text=True, timeout=300, check=True)
        return int(done.stdout)

    c, pure = peak_mb("c"), peak_mb("pure-python")
    assert c < LIMIT_MB < pure, (c, pure)


# ---- what load_meeting and load_config say, on bytes not yet written (data=) ---------------------

SAMPLE_MEETING = (SAMPLE / MEETING).read_text(encoding="utf-8")


def meeting_problems(text: str) -> tuple[bool, list[tuple]]:
    meeting, problems = load_meeting(SAMPLE, MEETING, data=text.encode("utf-8"))
    return meeting is not None, [(p.message, p.row, p.column, p.value, p.severity) for p in problems]


def test_the_sample_meeting_reads_without_a_problem():
    meeting, problems = load_meeting(SAMPLE, MEETING)
    assert problems == []
    assert (meeting.don_vi, str(meeting.ky), meeting.ngay, len(meeting.chi_dao)) == ("TM", "2022-Q1",
                                                                                      dt.date(2022, 3, 9), 5)


@pytest.mark.parametrize("edit, loaded, problems", [
    (lambda t: "", False, [("tệp cuộc họp rỗng: cần các khóa don_vi, ky, ngay, ...", None, None, None, "error")]),
    (lambda t: "- a\n- b\n", False, [("tệp cuộc họp phải là một bảng khóa: giá trị (don_vi, ky, ngay, ...)", None,
                                      None, None, "error")]),
    (lambda t: t.replace("buoi: sang", "buoi: sang\nbuoi: chieu"), False,
     [("khóa lặp lại (đã có ở dòng 5); mỗi khóa chỉ được viết một lần", 6, "buoi", None, "error")]),
    (lambda t: t.replace("ngay: 2022-03-09", "ngay: 2022-02-30"), False,
     [("ngày không có thật: day is out of range for month; cần NĂM-THÁNG-NGÀY, ví dụ 2022-03-09", 4, None,
       "2022-02-30", "error")]),
    (lambda t: t.replace("chu_tri:", "chu_tri: [", 1), False,
     [("YAML sai cú pháp: expected ',' or ']', but got ':'", 8, None, None, "error")]),
    (lambda t: t.replace("buoi: sang", "buoi: trua"), False,
     [("giá trị không hợp lệ: Input should be 'sang', 'chieu' or 'toi'", 5, "buoi", "trua", "error")]),
    (lambda t: t + "khong_biet: 1\n", False,
     [("khóa không được hỗ trợ (xem docs/workspace.md)", 54, "khong_biet", "1", "error")]),
    # returned with its errors, so that the workspace's own checks run too
    (lambda t: t.replace("ngay: 2022-03-09", "ngay: 2021-12-31"), True,
     [("ngày ngoài khoảng hợp lý của kỳ 2022-Q1: cần từ 01/01/2022 đến 30/06/2022", 4, "ngay", "2021-12-31",
       "error")]),
    (lambda t: t.replace("  - Bưu điện huyện\n", "  - Bưu điện huyện\n  - Bưu  điện huyện\n"), True,
     [("mục lặp lại trong danh sách (sẽ in hai lần)", 13, "thanh_phan", "Bưu  điện huyện", "warning")]),
])
def test_a_meeting_file_s_problem_on_its_line(edit, loaded, problems):
    assert meeting_problems(edit(SAMPLE_MEETING)) == (loaded, problems)


@pytest.mark.parametrize("period, months, window", [
    ("2022-Q1", 3, (dt.date(2022, 1, 1), dt.date(2022, 6, 30))),
    ("2022-Q4", 3, (dt.date(2022, 10, 1), dt.date(2023, 3, 31))),
    ("2026-6T", 1, (dt.date(2026, 1, 1), dt.date(2026, 7, 31))),
    ("2026", 0, (dt.date(2026, 1, 1), dt.date(2026, 12, 31))),
    ("2024-Q4", 2, (dt.date(2024, 10, 1), dt.date(2025, 2, 28))),
])
def test_the_plausible_dates_of_a_period(period, months, window):
    assert meeting_window(Period.parse(period), months) == window


def test_load_config():
    config, problems = load_config(SAMPLE, "reportgen.toml")
    assert config is not None and problems == []
    config, problems = load_config(SAMPLE, "reportgen.toml", data=b"[sources\n")
    assert config is None
    assert [(p.message, p.row) for p in problems] == [
        ("TOML sai cú pháp: Expected ']' at the end of a table declaration (at line 1, column 9)", 1)]
    config, problems = load_config(SAMPLE / "khong-co", "reportgen.toml")
    assert config is None
    assert [p.message for p in problems] == ["thiếu tệp cấu hình reportgen.toml (tạo bằng `reportgen init`)"]
