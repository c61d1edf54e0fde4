"""The report cycle (reportgen/cycle.py): cumulative periods from their quarters, founding dates,
[periods], and the bad input that stops a build (issue 19, periods).

The workspace below: a province P and two communes founded on 1/7/2025 (P-B's date written the
ISO way), four quarters 2025-Q3 … 2026-Q2 and [periods] Q1, 6T, Q3, year. P-A's six months
2026-6T, computed by hand, are SIX_MONTHS.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen import cycle
from reportgen.columns import COUNTS
from reportgen.context import figures_context
from reportgen.indicators import derive
from reportgen.job import Job
from reportgen.kinds import build_context
from reportgen.periods import Period
from reportgen.plan import plan
from reportgen.templating import render_html
from reportgen.workspace import load_workspace
from tests.conftest import replace_in, write_workspace
from tests.readback import texts

ROOT = Path(__file__).resolve().parents[1]

CONFIG = """province = "Mẫu"

[labels.levels]
tinh = "cấp tỉnh"
xa = "cấp xã"

[periods]
Q1 = "Q1"
q2 = "6t"
Q3 = "Q3"
Q4 = "năm"
"""

UNITS = """ma_don_vi,ten_don_vi,cap,ma_cap_tren,dia_danh,nguoi_ky,ngay_thanh_lap
P,Tỉnh Mẫu,tinh,,Mẫu,Lê Văn An,01/07/2025
P-A,Phường Một,xa,P,Một,Trần Văn Bình,1/7/2025
P-B,Xã Hai,xa,P,Hai,Nguyễn Thị Chi,2025-07-01
"""

# truc_tuyen, truc_tiep, buu_chinh, ky_truoc, truoc_han, dung_han, qua_han, dang_trong_han, dang_qua_han
QUARTERS = {
    "2025-Q3": (100, 50, 10, 0, 100, 40, 0, 20, 0),
    "2025-Q4": (120, 40, 10, 20, 120, 50, 0, 20, 0),
    "2026-Q1": (130, 40, 10, 20, 140, 38, 2, 19, 1),
    "2026-Q2": (150, 30, 10, 20, 150, 40, 0, 20, 0),
}
# P-A's 2026-6T by hand: flows add up, carried over = Q1's, in progress = Q2's
SIX_MONTHS = {"truc_tuyen": 280, "truc_tiep": 70, "buu_chinh": 20, "ky_truoc": 20, "truoc_han": 290,
              "dung_han": 78, "qua_han": 2, "dang_trong_han": 20, "dang_qua_han": 0}
HEADER = "ky,ma_don_vi," + ",".join(COUNTS)


def _rows(period: str, unit: str, factor: int) -> str:
    return f"{period},{unit}," + ",".join(str(v * factor) for v in QUARTERS[period])


def figures(periods=tuple(QUARTERS)) -> str:
    return "\n".join([HEADER] + [_rows(p, u, f) for p in periods for u, f in (("P", 3), ("P-A", 1), ("P-B", 2))]) + "\n"


@pytest.fixture
def ws_root(tmp_path) -> Path:
    return write_workspace(tmp_path / "ws", CONFIG, UNITS, {"mot-cua.csv": figures()}, {})


def _html(ws, unit: str, period: str) -> str:
    template, context, _ = build_context(ws, Job("bao-cao", unit, Period.parse(period)))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", render_html(template, context, ws.templates_dir)))


def test_six_months_add_flows_and_take_stocks_at_the_window_ends(ws_root):
    ws = load_workspace(ws_root)
    fig = figures_context(ws, "P-A", Period.parse("2026-6T"))
    totals = fig["levels"][0]["totals"]
    assert {c: totals[c] for c in COUNTS} == SIX_MONTHS
    assert (totals["received"], totals["resolved"], totals["in_progress"]) == (390, 370, 20)
    assert fig["cutoff"]["start"].isoformat() == "2025-12-15" and fig["cutoff"]["end"].isoformat() == "2026-06-14"
    province = figures_context(ws, "P", Period.parse("2026-6T"))
    assert province["level"]["xa"]["totals"]["truc_tuyen"] == 280 * 3
    assert province["level"]["tinh"]["totals"]["truc_tuyen"] == 280 * 3


def test_the_six_month_report_speaks_of_six_months_and_looks_to_the_second_half(ws_root):
    text = _html(load_workspace(ws_root), "P-A", "2026-6T")
    assert "BÁO CÁO Kết quả tiếp nhận, giải quyết thủ tục hành chính 6 tháng đầu năm 2026" in text
    assert "6 tháng đầu năm 2026 (số liệu tính từ ngày 15/12/2025 đến ngày 14/6/2026)" in text
    assert "Tổng số hồ sơ tiếp nhận: 390 hồ sơ" in text
    assert "III. NHIỆM VỤ TRỌNG TÂM 6 THÁNG CUỐI NĂM 2026" in text
    assert "BIỂU TỔNG HỢP TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH 6 THÁNG ĐẦU NĂM 2026" in text
    # compared with the second half of 2025 (Q3 + Q4: 220 online) and the first half of 2025,
    # which ended before the ward was founded
    assert "tiếp nhận 280 hồ sơ" in text and "tăng 60 hồ sơ (27,3%) so với 6 tháng cuối năm 2025" in text
    assert "không có số liệu cùng kỳ năm 2025 để so sánh, số liệu tính từ ngày 01/7/2025" in text
    assert "quý" not in text.lower()


def test_q4_makes_the_year_report_from_the_founding_day(ws_root):
    text = _html(load_workspace(ws_root), "P-A", "2025")
    assert "thủ tục hành chính năm 2025" in text
    assert "năm 2025 (số liệu tính từ ngày 01/7/2025 đến ngày 14/12/2025)" in text
    assert "Tổng số hồ sơ tiếp nhận: 330 hồ sơ" in text  # 160 + 170 new, nothing carried into the year
    assert "III. NHIỆM VỤ TRỌNG TÂM NĂM 2026" in text
    # a year has one comparison, the year before, which ended before the founding
    assert "(không có số liệu năm 2024 để so sánh, số liệu tính từ ngày 01/7/2025)" in text
    assert "cùng kỳ" not in text


def test_a_quarter_with_its_founding_inside_the_window(ws_root):
    text = _html(load_workspace(ws_root), "P-A", "2025-Q3")
    assert "quý III năm 2025 (số liệu tính từ ngày 01/7/2025 đến ngày 14/9/2025)" in text
    assert "III. NHIỆM VỤ TRỌNG TÂM QUÝ IV NĂM 2025" in text


def test_periods_says_which_reports_a_build_makes(ws_root):
    ws = load_workspace(ws_root)
    assert [str(p) for p in ws.periods] == ["2025-Q3", "2025", "2026-Q1", "2026-6T"]
    assert {str(j.period) for j in plan(ws)} == {"2025-Q3", "2025", "2026-Q1", "2026-6T"}
    replace_in(ws_root / "reportgen.toml", 'Q1 = "Q1"\nq2 = "6t"\nQ3 = "Q3"\nQ4 = "năm"\n', "")
    replace_in(ws_root / "reportgen.toml", "[periods]\n", "")
    assert [str(p) for p in load_workspace(ws_root).periods] == list(QUARTERS)  # today's behaviour


def test_nine_months_are_built_only_when_their_quarters_are_there(ws_root):
    replace_in(ws_root / "reportgen.toml", 'Q3 = "Q3"', 'Q3 = ["Q3", "9T"]')
    assert "2026-9T" not in [str(p) for p in load_workspace(ws_root).periods]
    (ws_root / "figures" / "q3.csv").write_text(
        HEADER + "\n" + "\n".join(f"2026-Q3,{u},10,0,0,20,10,0,0,20,0" for u in ("P", "P-A", "P-B")) + "\n")
    ws = load_workspace(ws_root)
    assert [str(p) for p in ws.periods][-3:] == ["2026-6T", "2026-Q3", "2026-9T"]
    assert figures_context(ws, "P-A", Period.parse("2026-9T"))["levels"][0]["totals"]["received"] == 400


def test_a_row_given_for_six_months_is_used_as_is_and_a_disagreement_is_warned(ws_root):
    own = "2026-6T,P-A,281,70,20,20,290,79,2,20,0"
    with open(ws_root / "figures" / "mot-cua.csv", "a", encoding="utf-8") as f:
        f.write(own + "\n")
    ws = load_workspace(ws_root)
    assert [str(w) for w in ws.warnings] == [
        "figures/mot-cua.csv, dòng 14, cột truc_tuyen, dung_han: số liệu kỳ 2026-6T của đơn vị P-A khác tổng "
        "các quý (2026-Q1: figures/mot-cua.csv, dòng 9; 2026-Q2: figures/mot-cua.csv, dòng 12) ở cột "
        "truc_tuyen (281 ≠ 280), dung_han (79 ≠ 78); dùng dòng kỳ 2026-6T"]
    totals = figures_context(ws, "P-A", Period.parse("2026-6T"))["levels"][0]["totals"]
    assert (totals["truc_tuyen"], totals["dung_han"]) == (281, 79)


def test_a_row_given_for_six_months_alone(tmp_path):
    root = write_workspace(tmp_path / "ws", CONFIG, UNITS, {"mot-cua.csv": f"{HEADER}\n2026-6T,P-A,"
                                                            + ",".join(map(str, SIX_MONTHS.values())) + "\n"}, {})
    ws = load_workspace(root)
    assert ws.warnings == [] and [str(p) for p in ws.periods] == ["2026-6T"]
    assert figures_context(ws, "P-A", Period.parse("2026-6T"))["levels"][0]["totals"]["received"] == 390


# ---- bad input: exit 2, the message, nothing written -------------------------------------------

def _refused(cli, root: Path, tmp_path: Path, *args) -> str:
    out = tmp_path / "out"
    result = cli("build", "-w", root, "-o", out, *args)
    assert result.exit_code == 2, result.output
    assert not out.exists() or not any(p.is_file() for p in out.rglob("*") if ".reportgen" not in p.parts)
    return result.stderr


def test_an_unknown_period_spelling(cli, ws_root, tmp_path):
    assert ("LỖI: --period: kỳ sai định dạng: cần NĂM-Qn (quý n), NĂM-6T (6 tháng), NĂM-9T (9 tháng) hoặc NĂM "
            "(cả năm), ví dụ 2026-Q1, 2026-6T, 2026 (giá trị: '2026-H1')") in _refused(cli, ws_root, tmp_path, "-p", "2026-H1")
    replace_in(ws_root / "figures" / "mot-cua.csv", "2026-Q2,P-A", "2026-6 tháng,P-A")
    assert ("LỖI: figures/mot-cua.csv, dòng 12, cột ky: kỳ báo cáo sai định dạng: cần NĂM-Qn (quý n), NĂM-6T "
            "(6 tháng), NĂM-9T (9 tháng) hoặc NĂM (cả năm), ví dụ 2026-Q1, 2026-6T, 2026 (giá trị: '2026-6 tháng')"
            ) in _refused(cli, ws_root, tmp_path)


def test_a_cumulative_period_with_a_quarter_missing(cli, ws_root, tmp_path):
    replace_in(ws_root / "figures" / "mot-cua.csv", _rows("2026-Q2", "P-B", 2) + "\n", "")
    expected = ("LỖI: figures, cột ky: thiếu số liệu kỳ 2026-Q2 của đơn vị P-B: cần đủ các quý 2026-Q1, 2026-Q2 "
                "để tính kỳ 2026-6T (giá trị: '2026-Q2')")
    assert expected in _refused(cli, ws_root, tmp_path, "-p", "2026-6t")
    assert expected in _refused(cli, ws_root, tmp_path)  # [periods]: Q2 makes the six months


def test_a_missing_quarter_before_the_founding_is_not_missing(cli, ws_root, tmp_path):
    result = cli("build", "-w", ws_root, "-o", tmp_path / "out", "-p", "2025-9T", "-u", "P-A", "-k", "bao-cao",
                 "-f", "docx")
    assert result.exit_code == 0, result.output
    assert "2025-9T/P-A/bao-cao.docx" in "\n".join(texts(tmp_path / "out"))


def test_a_founding_date_after_the_period(cli, ws_root, tmp_path):
    replace_in(ws_root / "units.csv", "P-B,Xã Hai,xa,P,Hai,Nguyễn Thị Chi,2025-07-01", "P-B,Xã Hai,xa,P,Hai,Nguyễn Thị Chi,2025-10-01")
    assert ("LỖI: figures/mot-cua.csv, dòng 4, cột ky: kỳ 2025-Q3 (đến ngày 14/09/2025) kết thúc trước ngày thành "
            "lập của đơn vị P-B (01/10/2025, units.csv cột ngay_thanh_lap) (giá trị: '2025-Q3')"
            ) in _refused(cli, ws_root, tmp_path, "-p", "2026-Q1")


def test_a_founding_date_not_a_date(cli, ws_root, tmp_path):
    replace_in(ws_root / "units.csv", "2025-07-01", "1/7")
    assert ("LỖI: units.csv, dòng 4, cột ngay_thanh_lap: ngày thành lập không hợp lệ: cần NGÀY/THÁNG/NĂM, ví dụ "
            "01/07/2025, hoặc 2025-07-01 (giá trị: '1/7')") in _refused(cli, ws_root, tmp_path)


@pytest.mark.parametrize("setting, message", [
    ('Q2 = "9T"', "Q2 = '9T': hết Q2 chỉ lập được Q2 hoặc 6T"),
    ('Q5 = "Q1"', "'Q5': khóa phải là Q1, Q2, Q3 hoặc Q4 (quý kết thúc kỳ báo cáo)")])
def test_a_periods_setting_that_cannot_be(cli, ws_root, tmp_path, setting, message):
    replace_in(ws_root / "reportgen.toml", 'Q1 = "Q1"', setting)
    assert message in _refused(cli, ws_root, tmp_path)


# ---- the 2025 sample: make demo builds its six-month report --------------------------------------

def test_the_sample_builds_its_six_month_report(cli, tmp_path):
    out = tmp_path / "out"
    result = cli("build", "-w", ROOT / "inputs" / "mau-2025", "-o", out, "-p", "2026-6T", "-u", "AG-LX",
                 "-k", "bao-cao")
    assert result.exit_code == 0, result.output
    built = texts(out)
    for fmt in ("pdf", "docx"):
        text = built[f"2026-6T/AG-LX/bao-cao.{fmt}"]
        assert "6 tháng đầu năm 2026 (số liệu tính từ ngày 15/12/2025 đến ngày 14/6/2026)" in text
        # 1.402 + 1.536 online, 655 + 617 in person, 44 + 47 by post, 45 carried over from 2025
        assert "Tổng số hồ sơ tiếp nhận: 4.346 hồ sơ" in text
        assert "NHIỆM VỤ TRỌNG TÂM 6 THÁNG CUỐI NĂM 2026" in text
    assert {p.split("/")[0] for p in built} == {"2026-6T"}
    ws = load_workspace(ROOT / "inputs" / "mau-2025")
    assert [str(p) for p in ws.periods] == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-6T"]


# ---- the aggregation, for any quarters ----------------------------------------------------------

counts = st.lists(st.integers(0, 10**6), min_size=len(COUNTS), max_size=len(COUNTS))


@settings(deadline=None)  # a loaded machine: no per-example time limit
@given(st.lists(counts, min_size=2, max_size=4))
def test_a_cumulative_period_is_its_quarters_combined(quarters):
    import pandas as pd
    kind = {2: (1, 2), 3: (1, 3), 4: (1, 4)}[len(quarters)]
    period = Period(2026, *kind)
    frame = pd.DataFrame([{"ky": str(q), "ma_don_vi": "X", **dict(zip(COUNTS, values)), "_file": "f", "_row": i}
                          for i, (q, values) in enumerate(zip(period.quarters(), quarters))])
    combined = cycle.counts(frame, period).loc["X"]
    for i, column in enumerate(COUNTS):
        expected = {"ky_truoc": quarters[0][i], "dang_trong_han": quarters[-1][i],
                    "dang_qua_han": quarters[-1][i]}.get(column, sum(q[i] for q in quarters))
        assert combined[column] == expected
    new = sum(q[0] + q[1] + q[2] for q in quarters)
    assert derive(cycle.counts(frame, period)).loc["X", "received"] == new + quarters[0][3]
    assert cycle.disagreements(frame, {str(q): q for q in period.quarters()}) == []
