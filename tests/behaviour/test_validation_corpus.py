"""A corpus of broken workspaces: each must give exit code 2, the exact problem, and no output."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import replace_in

Q1 = "figures/mot-cua-2022-q1.csv"
Q4 = "figures/mot-cua-2021-q4.csv"
MEETING = "meetings/2022-q1-thap-muoi.yaml"
HEADER = "ky,ma_don_vi,truc_tuyen,truc_tiep,buu_chinh,ky_truoc,truoc_han,dung_han,qua_han,dang_trong_han,dang_qua_han"
MH_ROW = "2022-Q1,TM-MH,7,198,3,3,145,54,0,12,0"  # line 5 of Q1


def _edit(rel, old, new):
    return lambda ws: replace_in(ws / rel, old, new)


def _append(rel, text):
    def mutate(ws: Path):
        with open(ws / rel, "a", encoding="utf-8") as f:
            f.write(text)
    return mutate


def _remove(rel):
    return lambda ws: (ws / rel).unlink()


def _write(rel, text):
    return lambda ws: (ws / rel).write_text(text, encoding="utf-8")


CASES = {
    "missing column": (
        _edit(Q1, ",buu_chinh,", ",")
        , f"{Q1}, dòng 1, cột buu_chinh: thiếu cột bắt buộc"),
    "misspelt column": (
        _edit(Q1, "truc_tuyen,", "truc_tuyeen,"),
        f"{Q1}, dòng 1, cột truc_tuyeen: cột không được hỗ trợ; có phải là 'truc_tuyen'?"),
    "period quarter 5": (
        _edit(Q1, MH_ROW, MH_ROW.replace("2022-Q1", "2022-Q5")),
        f"{Q1}, dòng 5, cột ky: kỳ báo cáo sai định dạng: cần NĂM-Qn (quý n), NĂM-6T (6 tháng), NĂM-9T (9 tháng) hoặc NĂM (cả năm), ví dụ 2026-Q1, 2026-6T, 2026 (giá trị: '2022-Q5')"),
    "period written Q1/2022": (
        _edit(Q1, MH_ROW, MH_ROW.replace("2022-Q1", "Q1/2022")),
        f"{Q1}, dòng 5, cột ky: kỳ báo cáo sai định dạng: cần NĂM-Qn (quý n), NĂM-6T (6 tháng), NĂM-9T (9 tháng) hoặc NĂM (cả năm), ví dụ 2026-Q1, 2026-6T, 2026 (giá trị: 'Q1/2022')"),
    "unknown unit": (
        _edit(Q1, "TM-MH,", "TM-XX,"),
        f"{Q1}, dòng 5, cột ma_don_vi: mã đơn vị không có trong units.csv (giá trị: 'TM-XX')"),
    "duplicate in file": (
        _append(Q1, MH_ROW + "\n"),
        f"{Q1}, dòng 16, cột ky, ma_don_vi: trùng kỳ và đơn vị với {Q1}, dòng 5 (giá trị: '2022-Q1, TM-MH')"),
    "duplicate across files": (
        _append(Q4, MH_ROW + "\n"),
        f"{Q1}, dòng 5, cột ky, ma_don_vi: trùng kỳ và đơn vị với {Q4}, dòng 16 (giá trị: '2022-Q1, TM-MH')"),
    "negative count": (
        _edit(Q1, MH_ROW, "2022-Q1,TM-MH,-7,198,3,3,145,54,0,12,0"),
        f"{Q1}, dòng 5, cột truc_tuyen: số âm: cần số nguyên không âm (số hồ sơ), ví dụ 1850 hoặc 1.850 (giá trị: '-7')"),
    "fractional count": (
        _edit(Q1, MH_ROW, "2022-Q1,TM-MH,7,198.5,3,3,145,54,0,12,0"),
        f"{Q1}, dòng 5, cột truc_tiep: số lẻ hoặc dấu phân cách sai: cần số nguyên không âm (số hồ sơ), "
        "ví dụ 1850 hoặc 1.850 (giá trị: '198.5')"),
    "text count": (
        _edit(Q1, MH_ROW, "2022-Q1,TM-MH,7,198,ba,3,145,54,0,12,0"),
        f"{Q1}, dòng 5, cột buu_chinh: không phải số: cần số nguyên không âm (số hồ sơ), ví dụ 1850 hoặc 1.850 "
        "(giá trị: 'ba')"),
    "empty count": (
        _edit(Q1, MH_ROW, "2022-Q1,TM-MH,7,198,3,,145,54,0,12,0"),
        f"{Q1}, dòng 5, cột ky_truoc: ô trống: cần số nguyên không âm (số hồ sơ), ví dụ 1850 hoặc 1.850 (giá trị: '')"),
    "comma as thousands separator": (
        _edit(Q1, MH_ROW, "2022-Q1,TM-MH,7,\"1,198\",3,3,145,54,0,12,0"),
        f"{Q1}, dòng 5, cột truc_tiep: số lẻ hoặc dấu phân cách sai: cần số nguyên không âm (số hồ sơ), "
        "ví dụ 1850 hoặc 1.850 (giá trị: '1,198')"),
    "badly grouped thousands": (
        _edit(Q1, MH_ROW, "2022-Q1,TM-MH,7,19.80,3,3,145,54,0,12,0"),
        f"{Q1}, dòng 5, cột truc_tiep: số lẻ hoặc dấu phân cách sai: cần số nguyên không âm (số hồ sơ), "
        "ví dụ 1850 hoặc 1.850 (giá trị: '19.80')"),
    "exponent": (
        _edit(Q1, MH_ROW, "2022-Q1,TM-MH,7,2e2,3,3,145,54,0,12,0"),
        f"{Q1}, dòng 5, cột truc_tiep: không phải số: cần số nguyên không âm (số hồ sơ), ví dụ 1850 hoặc 1.850 "
        "(giá trị: '2e2')"),
    "commune under a commune": (
        _edit("units.csv", "TM-MH,Xã Mỹ Hòa,xa,TM,", "TM-MH,Xã Mỹ Hòa,xa,TM-MA,"),
        "units.csv, dòng 5, cột cap: cấp xa không thể trực thuộc đơn vị cấp xa (TM-MA); cấp dưới phải thấp hơn: "
        "tinh > huyen > xa (giá trị: 'xa')"),
    "extra values": (
        _edit(Q1, MH_ROW, MH_ROW + ",99"),
        f"{Q1}, dòng 5: dòng có nhiều giá trị hơn số cột tiêu đề (giá trị: '99')"),
    "unknown parent": (
        _edit("units.csv", "TM-MH,Xã Mỹ Hòa,xa,TM,", "TM-MH,Xã Mỹ Hòa,xa,TX,"),
        "units.csv, dòng 5, cột ma_cap_tren: mã cấp trên không có trong units.csv (giá trị: 'TX')"),
    "parent cycle": (
        lambda ws: (replace_in(ws / "units.csv", "TM,Huyện Tháp Mười,huyen,,", "TM,Huyện Tháp Mười,huyen,TM-MH,")),
        "units.csv, dòng 2, cột ma_cap_tren: vòng lặp cấp trên: TM → TM-MH → TM (giá trị: 'TM-MH')"),
    "unknown level": (
        _edit("units.csv", "TM-MH,Xã Mỹ Hòa,xa,", "TM-MH,Xã Mỹ Hòa,phuong,"),
        "units.csv, dòng 5, cột cap: cấp phải là một trong: tinh, huyen, xa (giá trị: 'phuong')"),
    "duplicate unit": (
        _append("units.csv", "TM-MH,Xã Mỹ Hòa 2,xa,TM,Mỹ Hòa,\n"),
        "units.csv, dòng 16, cột ma_don_vi: mã đơn vị trùng với dòng 5 (giá trị: 'TM-MH')"),
    "unit code as a path": (
        _append("units.csv", "../etc,Xã Lạ,xa,TM,,\n"),
        "units.csv, dòng 16, cột ma_don_vi: mã đơn vị chỉ gồm chữ không dấu, số, '-', '_' hoặc '.' "
        "(dùng làm tên thư mục) (giá trị: '../etc')"),
    "units missing column": (
        _edit("units.csv", "ten_don_vi,cap,", "ten,cap,"),
        "units.csv, dòng 1, cột ten_don_vi: thiếu cột bắt buộc"),
    "no units file": (
        _remove("units.csv"),
        "units.csv: thiếu tệp danh sách đơn vị units.csv"),
    "no figures": (
        lambda ws: [p.unlink() for p in (ws / "figures").iterdir()],
        "figures: không có tệp số liệu .csv hoặc .xlsx"),
    "meeting unknown unit": (
        _edit(MEETING, "don_vi: TM\n", "don_vi: TM-XX\n"),
        f"{MEETING}, cột don_vi: mã đơn vị không có trong units.csv (giá trị: 'TM-XX')"),
    "meeting malformed period": (
        _edit(MEETING, "ky: 2022-Q1", "ky: quý 1/2022"),
        f"{MEETING}, dòng 3, cột ky: kỳ sai định dạng: cần NĂM-Qn (quý n), NĂM-6T (6 tháng), NĂM-9T (9 tháng) hoặc NĂM (cả năm), ví dụ 2026-Q1, 2026-6T, 2026 (giá trị: 'quý 1/2022')"),
    "meeting period without figures": (
        _edit(MEETING, "ky: 2022-Q1", "ky: 2023-Q2"),
        f"{MEETING}, cột ky: không có số liệu của kỳ này trong figures/ (giá trị: '2023-Q2')"),
    "meeting missing chair": (
        _edit(MEETING, "chu_tri:\n  ho_ten: Trần Thị Quý\n  danh_xung: bà             # bà | ông\n"
              "  chuc_vu: Chủ tịch Ủy ban nhân dân huyện Tháp Mười\n", ""),
        f"{MEETING}, cột chu_tri: thiếu khóa bắt buộc"),
    "meeting bad part of day": (
        _edit(MEETING, "buoi: sang ", "buoi: trua "),
        f"{MEETING}, dòng 5, cột buoi: giá trị không hợp lệ: Input should be 'sang', 'chieu' or 'toi' (giá trị: 'trua')"),
    "meeting impossible date": (
        _edit(MEETING, "ngay: 2022-03-09", "ngay: 2022-02-30"),
        f"{MEETING}, dòng 4: ngày không có thật: day is out of range for month; cần NĂM-THÁNG-NGÀY, "
        "ví dụ 2022-03-09 (giá trị: '2022-02-30')"),
    "meeting without participants": (
        _edit(MEETING, "thanh_phan:\n", "thanh_phan: []\nkhong_dung:\n"),
        f"{MEETING}, dòng 10, cột thanh_phan: giá trị không hợp lệ: List should have at least 1 item after "
        "validation, not 0"),
    "meeting bad YAML": (
        _edit(MEETING, "thanh_phan:\n", "thanh_phan: [\n"),
        f"{MEETING}, dòng 11: YAML sai cú pháp: expected the node content, but found '-'"),
    "config bad TOML": (
        _edit("reportgen.toml", "[page]", "[page"),
        "reportgen.toml, dòng 11: TOML sai cú pháp:"),
    "config margin out of range": (
        _edit("reportgen.toml", "left = 30", "left = 25"),
        "reportgen.toml, cột page.left: giá trị không hợp lệ: Input should be greater than or equal to 30 (giá trị: '25')"),
    "config unknown key": (
        _edit("reportgen.toml", "[page]", "[pgae]\ntop = 20\n[page]"),
        "reportgen.toml, cột pgae: khóa không được hỗ trợ (xem docs/workspace.md)"),
    "undecodable bytes": (
        lambda ws: (ws / Q1).write_bytes(HEADER.encode() + b"\n2022-Q1,TM\x81\x90,1,1,1,1,1,1,1,1,1\n"),
        f"{Q1}: không đọc được mã ký tự ở byte"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_input_is_reported_exactly(name, workspace, cli, tmp_path):
    mutate, expected = CASES[name]
    mutate(workspace)
    out = tmp_path / "out"
    result = cli("build", "--workspace", workspace, "--out", out)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("LỖI: ")]
    assert any(line[len("LỖI: "):].startswith(expected) for line in lines), result.stderr
    assert "Không có tệp nào được ghi." in result.stderr
    assert not out.exists()

    again = cli("validate", "--workspace", workspace)
    assert again.exit_code == 2
    assert again.stderr == result.stderr


def test_all_problems_reported_at_once(workspace, cli):
    replace_in(workspace / Q1, MH_ROW, "2022-Q1,TM-MH,-7,198,3,3,145,54,0,12,0")
    replace_in(workspace / Q4, "TM-MH,", "TM-XX,")
    replace_in(workspace / "units.csv", "TM-MQ,Xã Mỹ Quý,xa,", "TM-MQ,Xã Mỹ Quý,phuong,")
    result = cli("validate", "--workspace", workspace)
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("LỖI: ")]
    assert len(errors) == 3, result.stderr
    assert "Dữ liệu không hợp lệ: 3 lỗi." in result.stderr


def test_grouped_thousands_are_read_as_vietnamese_writes_them(workspace):
    from reportgen.workspace import load_workspace

    replace_in(workspace / Q1, "2022-Q1,TM,336,1850,264,120,1716,724,12,115,3",
               '2022-Q1,TM,336,1.850,264,120,"1 716",724,12,115,3')
    ws = load_workspace(workspace)
    row = ws.figures[(ws.figures["ky"] == "2022-Q1") & (ws.figures["ma_don_vi"] == "TM")].iloc[0]
    assert (row["truc_tiep"], row["truoc_han"]) == (1850, 1716)


def test_inconsistent_totals_are_a_warning_not_an_error(workspace, cli):
    replace_in(workspace / Q1, MH_ROW, "2022-Q1,TM-MH,7,198,3,3,245,54,0,12,0")
    result = cli("validate", "--workspace", workspace)
    assert result.exit_code == 0, result.output
    assert (f"CẢNH BÁO: {Q1}, dòng 5: đã giải quyết (299) + đang giải quyết (12) khác tổng tiếp nhận (211)"
            in result.stderr)
