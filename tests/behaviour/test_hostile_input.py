"""A workspace from elsewhere, tried as an attacker would (issue 11, items 3 and 4, input side).

Every attack runs the real CLI (``reportgen validate`` / ``build``) and checks the exact
Vietnamese message, the exit code, that no traceback escapes, and, where a file outside
the workspace is involved, that none of its content reaches any output.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path

import matplotlib.text
import pytest

from reportgen import chart_cache
from reportgen.charts import online_share_chart
from tests.conftest import replace_in

MEETING = "meetings/2022-q1-thap-muoi.yaml"
FIGURES = "figures/mot-cua-2022-q1.csv"
SECRET = "BÍ-MẬT-NGOÀI-WORKSPACE root:x:0:0"
HEADER = "ky,ma_don_vi,truc_tuyen,truc_tiep,buu_chinh,ky_truoc,truoc_han,dung_han,qua_han,dang_trong_han,dang_qua_han"
SYMLINK = "là liên kết tượng trưng (symlink): không đọc; reportgen chỉ đọc tệp nằm thật trong thư mục dữ liệu"


def errors(result) -> list[str]:
    return [line[len("LỖI: "):] for line in result.stderr.splitlines() if line.startswith("LỖI: ")]


def validate(cli, ws: Path):
    result = cli("validate", "--workspace", ws)
    assert "Traceback" not in result.output
    return result


def invalid(cli, ws: Path, count: int = 1) -> list[str]:
    result = validate(cli, ws)
    assert result.exit_code == 2, result.output
    assert result.stderr.endswith(f"Dữ liệu không hợp lệ: {count} lỗi. Không có tệp nào được ghi.\n"), result.stderr
    return errors(result)


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET + "\nsecond line\n", encoding="utf-8")
    return path


# ---- the workspace is a boundary ------------------------------------------------------------------

@pytest.mark.parametrize("name", ["figures/passwd.csv", MEETING, "units.csv", "reportgen.toml"])
def test_a_file_symlinked_out_of_the_workspace_is_refused_unread(cli, workspace, secret, tmp_path, name):
    target = workspace / name
    target.unlink(missing_ok=True)
    target.symlink_to(secret)
    result = validate(cli, workspace)
    assert result.exit_code == 2
    assert f"{name}: {SYMLINK}" in errors(result)
    assert "BÍ-MẬT" not in result.output and "root:" not in result.output


def test_etc_passwd_as_figures_never_prints_its_first_line(cli, workspace, tmp_path):
    (workspace / "figures/passwd.csv").symlink_to("/etc/passwd")
    result = cli("build", "--workspace", workspace, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert errors(result) == [f"figures/passwd.csv: {SYMLINK}"]
    assert "root" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_symlink_inside_the_workspace_is_refused_too(cli, workspace):
    (workspace / "figures/copy.csv").symlink_to(workspace / FIGURES)
    assert invalid(cli, workspace) == [f"figures/copy.csv: {SYMLINK}"]


@pytest.mark.parametrize("folder", ["figures", "meetings"])
def test_a_folder_symlinked_out_of_the_workspace_is_refused(cli, workspace, tmp_path, folder):
    outside = tmp_path / "elsewhere"
    (workspace / folder).rename(outside)
    (workspace / folder).symlink_to(outside)
    result = validate(cli, workspace)
    assert result.exit_code == 2
    assert f"{folder}: {SYMLINK}" in errors(result)


def test_a_meeting_symlinked_out_cannot_reach_a_build(cli, workspace, secret, tmp_path):
    outside = tmp_path / "meeting.yaml"
    outside.write_text((workspace / MEETING).read_text(encoding="utf-8").replace(
        "Quang cảnh cuộc họp", SECRET), encoding="utf-8")
    (workspace / MEETING).unlink()
    (workspace / MEETING).symlink_to(outside)
    out = tmp_path / "out"
    result = cli("build", "--workspace", workspace, "--out", out, "--period", "2022-Q1", "--unit", "TM")
    assert result.exit_code == 2
    assert errors(result) == [f"{MEETING}: {SYMLINK}"]
    assert not out.exists()


def test_a_folder_named_like_a_figures_file_is_refused(cli, workspace):
    (workspace / "figures/thu-muc.csv").mkdir()
    assert invalid(cli, workspace) == [
        "figures/thu-muc.csv: không phải tệp thông thường (thư mục, thiết bị hoặc đường ống): không đọc"]


def test_a_named_pipe_is_refused_without_waiting_for_it(cli, workspace):
    os.mkfifo(workspace / "meetings/pipe.yaml")
    assert invalid(cli, workspace) == [
        "meetings/pipe.yaml: không phải tệp thông thường (thư mục, thiết bị hoặc đường ống): không đọc"]


# ---- YAML: aliases, nesting, repeated keys ----------------------------------------------------------

def alias_bomb() -> str:
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 40):
        lines.append(f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_is_refused_before_expansion(cli, workspace):
    text = alias_bomb()
    assert 3_000 < len(text.encode()) < 16_000
    (workspace / "meetings/bomb.yaml").write_text(text, encoding="utf-8")
    assert invalid(cli, workspace) == [
        "meetings/bomb.yaml, dòng 6: quá nhiều giá trị khi mở rộng các bí danh (alias *): quá 100000 giá trị"]


def test_five_thousand_nested_brackets(cli, workspace):
    (workspace / "meetings/deep.yaml").write_text("x: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    assert invalid(cli, workspace) == ["meetings/deep.yaml, dòng 1: lồng nhau quá sâu: quá 50 mức"]


def test_nesting_through_a_chain_of_aliases(cli, workspace):
    lines = ["a0: &a0 [1]"] + [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, 60)]
    (workspace / "meetings/chain.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert invalid(cli, workspace) == [
        "meetings/chain.yaml, dòng 50: lồng nhau quá sâu (kể cả qua bí danh *): quá 50 mức"]


def test_an_alias_that_contains_itself(cli, workspace):
    (workspace / "meetings/loop.yaml").write_text("a: &a\n  - x\n  - *a\n", encoding="utf-8")
    assert invalid(cli, workspace) == [
        "meetings/loop.yaml, dòng 1: bí danh (alias *) tham chiếu chính nó: vòng lặp không được phép"]


def test_a_repeated_key_is_rejected_with_its_line(cli, workspace):
    replace_in(workspace / MEETING, "ky: 2022-Q1\n", "ky: 2022-Q1\ndon_vi: TM-MH\n")
    assert invalid(cli, workspace) == [
        f"{MEETING}, dòng 4, cột don_vi: khóa lặp lại (đã có ở dòng 2); mỗi khóa chỉ được viết một lần"]


def test_a_repeated_key_in_a_nested_mapping(cli, workspace):
    replace_in(workspace / MEETING, "  ho_ten: Trần Thị Quý\n", "  ho_ten: Trần Thị Quý\n  ho_ten: Người Khác\n")
    assert invalid(cli, workspace) == [
        f"{MEETING}, dòng 8, cột ho_ten: khóa lặp lại (đã có ở dòng 7); mỗi khóa chỉ được viết một lần"]


def test_a_merge_key_is_not_a_repeat(cli, workspace):
    text = (workspace / MEETING).read_text(encoding="utf-8")
    text = text.replace("chu_tri:\n", "x_person: &p {danh_xung: bà}\nchu_tri:\n  <<: *p\n", 1)
    (workspace / MEETING).write_text(text, encoding="utf-8")
    assert invalid(cli, workspace) == [f"{MEETING}, dòng 6, cột x_person: khóa không được hỗ trợ (xem docs/workspace.md)"]


def test_an_integer_of_five_thousand_digits(cli, workspace):
    replace_in(workspace / MEETING, "  ca_nhan: 0\n", "  ca_nhan: " + "9" * 5000 + "\n")
    found = invalid(cli, workspace)
    assert found == [f"{MEETING}, dòng 41: số quá lớn: quá 15 chữ số (giá trị: '{'9' * 40}')"]


def test_a_plausible_commendation_count_is_bounded(cli, workspace):
    replace_in(workspace / MEETING, "  ca_nhan: 0\n", "  ca_nhan: 100000000\n")
    assert invalid(cli, workspace) == [
        f"{MEETING}, dòng 41, cột khen_thuong.ca_nhan: giá trị không hợp lệ: "
        "Input should be less than or equal to 100000 (giá trị: '100000000')"]


def test_a_python_tag_is_not_executed(cli, workspace, tmp_path):
    marker = tmp_path / "pwned"
    replace_in(workspace / MEETING, "ky: 2022-Q1\n", f"ky: !!python/object/apply:os.system ['touch {marker}']\n")
    found = invalid(cli, workspace)
    assert found[0].startswith(f"{MEETING}, dòng 3: YAML sai cú pháp: could not determine a constructor for the tag")
    assert not marker.exists()


def test_an_empty_meeting_file(cli, workspace):
    (workspace / "meetings/rong.yaml").write_text("# chưa viết\n", encoding="utf-8")
    assert invalid(cli, workspace) == ["meetings/rong.yaml: tệp cuộc họp rỗng: cần các khóa don_vi, ky, ngay, ..."]


# ---- sizes ----------------------------------------------------------------------------------------

def test_a_meeting_file_over_the_default_limit(cli, workspace):
    path = workspace / MEETING
    path.write_text(path.read_text(encoding="utf-8") + "#" * (1024 * 1024) + "\n", encoding="utf-8")
    size = path.stat().st_size
    grouped = f"{size:,}".replace(",", ".")
    assert invalid(cli, workspace) == [
        f"{MEETING}: tệp quá lớn: {grouped} byte, tối đa 1.048.576 byte "
        "(đặt [limits] meeting_file_mb trong reportgen.toml để nâng)"]


def test_the_limits_are_set_in_reportgen_toml(cli, workspace):
    with open(workspace / "reportgen.toml", "a", encoding="utf-8") as handle:
        handle.write("\n[limits]\nmeeting_file_mb = 0.001\nfigures_file_mb = 0.0005\n")
    found = invalid(cli, workspace, 5)  # units.csv, 3 figures files, the meeting
    size = (workspace / "figures/mot-cua-2022-q1.csv").stat().st_size
    assert f"{FIGURES}: tệp quá lớn: {size} byte, tối đa 524 byte " \
           "(đặt [limits] figures_file_mb trong reportgen.toml để nâng)" in found
    size = (workspace / MEETING).stat().st_size
    assert f"{MEETING}: tệp quá lớn: {f'{size:,}'.replace(',', '.')} byte, tối đa 1.048 byte " \
           "(đặt [limits] meeting_file_mb trong reportgen.toml để nâng)" in found


def test_units_csv_is_bounded_like_a_figures_file(cli, workspace):
    with open(workspace / "reportgen.toml", "a", encoding="utf-8") as handle:
        handle.write("\n[limits]\nfigures_file_mb = 0.0001\n")
    found = validate(cli, workspace)
    assert any(line.startswith("units.csv: tệp quá lớn: ") for line in errors(found))


def test_the_name_limit_cannot_be_raised_past_what_documents_lay_out(cli, workspace):
    with open(workspace / "reportgen.toml", "a", encoding="utf-8") as handle:
        handle.write("\n[limits]\nname_chars = 500\n")
    assert invalid(cli, workspace) == [
        "reportgen.toml, cột limits.name_chars: giá trị không hợp lệ: "
        "Input should be less than or equal to 100 (giá trị: '500')"]


def test_reportgen_toml_itself_is_bounded(cli, workspace):
    with open(workspace / "reportgen.toml", "a", encoding="utf-8") as handle:
        handle.write("#" * (1024 * 1024) + "\n")
    found = invalid(cli, workspace)
    assert found[0].startswith("reportgen.toml: tệp quá lớn: ")
    assert found[0].endswith("byte, tối đa 1.048.576 byte")


def test_an_xlsx_zip_bomb_is_refused_before_it_is_opened(cli, workspace):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADER.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/bomb.bin", b"\0" * 60_000_000)
    path = workspace / "figures/bom.xlsx"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 200_000
    found = invalid(cli, workspace)
    assert len(found) == 1
    assert re.fullmatch(r"figures/bom\.xlsx: tệp nén \(Excel\) giải nén ra quá lớn: 60\.0\d\d\.\d{3} byte, "
                        r"tối đa 52\.428\.800 byte, 5 lần giới hạn tệp "
                        r"\(đặt \[limits\] figures_file_mb trong reportgen\.toml để nâng\)", found[0]), found[0]


# ---- counts ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("count", ["1" * 40, "9" * 5000, "10000001", "1.000.000.000"])
def test_an_implausible_count(cli, workspace, count):
    replace_in(workspace / FIGURES, "2022-Q1,TM,336,", f"2022-Q1,TM,{count},")
    shown = count if len(count) <= 80 else count[:80] + f"… ({len(count):,} ký tự)".replace(",", ".")
    assert invalid(cli, workspace) == [
        f"{FIGURES}, dòng 2, cột truc_tuyen: số quá lớn: tối đa 10.000.000 hồ sơ (limits.max_count) "
        f"(giá trị: {shown!r})"]


def test_the_largest_plausible_count_is_accepted(cli, workspace):
    replace_in(workspace / FIGURES, "2022-Q1,TM,336,", "2022-Q1,TM,10.000.000,")
    assert validate(cli, workspace).exit_code == 0


# ---- error output is bounded ------------------------------------------------------------------------

def test_thousands_of_unknown_units_print_200_errors_and_a_count(cli, workspace):
    rows = [f"2022-Q2,X{i},1,1,1,1,1,1,1,1,0" for i in range(1000)]
    (workspace / "figures/lon.csv").write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = validate(cli, workspace)
    assert result.exit_code == 2
    found = errors(result)
    assert len(found) == 200
    assert found[0] == "figures/lon.csv, dòng 2, cột ma_don_vi: mã đơn vị không có trong units.csv (giá trị: 'X0')"
    assert found[-1] == "figures/lon.csv, dòng 201, cột ma_don_vi: mã đơn vị không có trong units.csv (giá trị: 'X199')"
    assert result.stderr.splitlines()[-2:] == [
        "... và 800 lỗi khác không in ra (chỉ in 200 lỗi đầu).",
        "Dữ liệu không hợp lệ: 1000 lỗi. Không có tệp nào được ghi."]


def test_a_meeting_of_thousands_of_unknown_keys(cli, workspace):
    keys = "".join(f"khoa_{i}: {i}\n" for i in range(20_000))
    replace_in(workspace / MEETING, "ky: 2022-Q1\n", "ky: 2022-Q1\n" + keys)
    result = validate(cli, workspace)
    assert result.exit_code == 2
    found = errors(result)
    assert found[0] == f"{MEETING}, dòng 4, cột khoa_0: khóa không được hỗ trợ (xem docs/workspace.md) (giá trị: '0')"
    assert found[199] == f"{MEETING}, dòng 203, cột khoa_199: khóa không được hỗ trợ (xem docs/workspace.md) (giá trị: '199')"
    assert result.stderr.splitlines()[-1] == "Dữ liệu không hợp lệ: 20000 lỗi. Không có tệp nào được ghi."


def test_a_huge_value_is_shown_shortened(cli, workspace):
    code = "X" * 100_000
    replace_in(workspace / FIGURES, "2022-Q1,TM-TT,", f"2022-Q1,{code},")
    found = invalid(cli, workspace)
    assert found == [f"{FIGURES}, dòng 3, cột ma_don_vi: mã đơn vị không có trong units.csv "
                     f"(giá trị: '{'X' * 80}… (100.000 ký tự)')"]


# ---- control characters -----------------------------------------------------------------------------

@pytest.mark.parametrize("char, code", [("\x00", "0000"), ("\x1b", "001B"), ("\t", "0009"), ("\u202e", "202E"),
                                        ("\x85", "0085"), ("\x7f", "007F"), ("\ufffe", "FFFE")])
def test_a_control_character_in_a_unit_name(cli, workspace, char, code):
    replace_in(workspace / "units.csv", "Huyện Tháp Mười,huyen", f"Huyện Tháp{char} Mười,huyen")
    assert invalid(cli, workspace) == [
        f"units.csv, dòng 2, cột ten_don_vi: ký tự điều khiển U+{code} ở vị trí 11 không được phép "
        f"trong văn bản (giá trị: {'Huyện Tháp' + char + ' Mười'!r})"]


def test_a_column_name_cannot_drive_the_terminal(cli, workspace):
    replace_in(workspace / "units.csv", ",nguoi_ky\n", ",nguoi_ky,\x1b]0;pwned\x07\n")
    result = validate(cli, workspace)
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "units.csv, dòng 1, cột \\x1b]0;pwned\\x07: ký tự điều khiển U+001B ở vị trí 1 không được phép trong văn bản " \
           "(giá trị: '\\x1b]0;pwned\\x07')" in errors(result)


def test_a_file_name_cannot_drive_the_terminal(cli, workspace):
    (workspace / "meetings/\x1b[2J.yaml").write_text("ky: [", encoding="utf-8")
    result = validate(cli, workspace)
    assert "\x1b" not in result.output
    assert errors(result)[0] == ("meetings/\\x1b[2J.yaml, dòng 1: YAML sai cú pháp: "
                                 "expected the node content, but found '<stream end>'")


def test_a_line_break_inside_a_quoted_cell(cli, workspace):
    replace_in(workspace / "units.csv", "TM,Huyện Tháp Mười,", 'TM,"Huyện Tháp\nMười",')
    assert invalid(cli, workspace) == [
        "units.csv, dòng 3, cột ten_don_vi: ký tự điều khiển U+000A ở vị trí 11 không được phép trong văn bản "
        "(giá trị: 'Huyện Tháp\\nMười')"]


def test_a_nul_in_a_figures_cell(cli, workspace):
    replace_in(workspace / FIGURES, "2022-Q1,TM,336,", "2022-Q1,TM,33\x006,")
    found = invalid(cli, workspace, 2)
    assert found[0] == (f"{FIGURES}, dòng 2, cột truc_tuyen: ký tự điều khiển U+0000 ở vị trí 3 không được phép "
                        "trong văn bản (giá trị: '33\\x006')")


def test_an_escaped_control_character_in_a_meeting(cli, workspace):
    replace_in(workspace / MEETING, "  ho_ten: Trần Thị Quý\n", '  ho_ten: "Trần Thị\\0 Quý"\n')
    assert invalid(cli, workspace) == [
        f"{MEETING}, dòng 7, cột chu_tri.ho_ten: ký tự điều khiển U+0000 ở vị trí 9 không được phép trong văn bản "
        "(giá trị: 'Trần Thị\\x00 Quý')"]


def test_a_lone_surrogate_escaped_in_a_meeting(cli, workspace):
    replace_in(workspace / MEETING, "  ho_ten: Trần Thị Quý\n", '  ho_ten: "Trần \\ud800"\n')
    assert invalid(cli, workspace) == [
        f"{MEETING}, dòng 7, cột chu_tri.ho_ten: ký tự điều khiển U+D800 ở vị trí 6 không được phép trong văn bản "
        "(giá trị: 'Trần \\ud800')"]


def test_a_raw_control_byte_in_a_meeting_names_line_and_column(cli, workspace):
    replace_in(workspace / MEETING, "ky: 2022-Q1\n", "ky: 2022\x07-Q1\n")
    assert invalid(cli, workspace) == [f"{MEETING}, dòng 3: ký tự điều khiển U+0007 ở cột 9 không được phép"]


def test_an_escaped_control_character_in_reportgen_toml(cli, workspace):
    replace_in(workspace / "reportgen.toml", 'province = "Đồng Tháp"', 'province = "Đồng\\u0000Tháp"')
    assert invalid(cli, workspace) == [
        "reportgen.toml, cột province: ký tự điều khiển U+0000 ở vị trí 5 không được phép trong văn bản "
        "(giá trị: 'Đồng\\x00Tháp')"]


def test_reportgen_toml_nested_too_deep(cli, workspace):
    with open(workspace / "reportgen.toml", "a", encoding="utf-8") as handle:
        handle.write("\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    assert invalid(cli, workspace) == [
        "reportgen.toml: TOML lồng nhau quá sâu (mảng hoặc bảng trong nhau quá nhiều mức)"]


# ---- names ----------------------------------------------------------------------------------------

def test_a_unit_name_over_the_limit(cli, workspace):
    name = "Xã " + "Mỹ Hòa " * 14 + "Mới"
    assert len(name) == 104
    replace_in(workspace / "units.csv", "Xã Mỹ Hòa,", f"{name},")
    assert invalid(cli, workspace) == [
        f"units.csv, dòng 5, cột ten_don_vi: tên quá dài: 104 ký tự, tối đa 100 (limits.name_chars) (giá trị: {name[:80] + '… (104 ký tự)'!r})"]


def test_a_name_of_exactly_the_limit_builds_the_notice(cli, workspace, tmp_path):
    name = ("Huyện " + "Tháp Mười " * 10)[:100]
    replace_in(workspace / "units.csv", "TM,Huyện Tháp Mười,", f"TM,{name},")
    replace_in(workspace / "units.csv", ",Tháp Mười,Trần Thị Quý", f",{name},{name}")
    result = cli("build", "--workspace", workspace, "--out", tmp_path / "out", "--period", "2022-Q1",
                 "--unit", "TM", "--kind", "thong-bao")
    assert result.exit_code == 0, result.output


def test_a_chair_name_over_the_limit_in_a_meeting(cli, workspace):
    replace_in(workspace / MEETING, "  ho_ten: Trần Thị Quý\n", "  ho_ten: " + "Trần " * 30 + "\n")
    assert invalid(cli, workspace) == [
        f"{MEETING}, dòng 7, cột chu_tri.ho_ten: tên quá dài: 149 ký tự, tối đa 100 "
        f"(giá trị: {('Trần ' * 30).strip()[:80] + '… (149 ký tự)'!r})"]


def test_a_signer_name_over_the_limit_in_reportgen_toml(cli, workspace):
    replace_in(workspace / "reportgen.toml", 'name = "Nguyễn Văn Thành"', 'name = "' + "Thành" * 21 + '"')
    assert invalid(cli, workspace) == [
        "reportgen.toml, cột signers.TM.thong-bao.name: tên quá dài: 105 ký tự, tối đa 100 "
        f"(giá trị: {'Thành' * 16 + '… (105 ký tự)'!r})"]


# ---- text from data is never matplotlib mathtext ---------------------------------------------------

def test_a_dollar_in_a_commune_name_is_drawn_literally(monkeypatch):
    drawn = []
    original = matplotlib.text.Text.draw

    def spy(self, renderer):
        if self.get_text():
            drawn.append((self.get_text(), self._preprocess_math(self.get_text())[1]))
        return original(self, renderer)

    monkeypatch.setattr(matplotlib.text.Text, "draw", spy)
    chart_cache.clear_memory()  # drawn, not taken from memory (a run before this one may have drawn it)
    png = online_share_chart(["Xã $x^2$", "Xã $\\frac{a}{"], [0.1, 0.2], 0.05, "Tỷ lệ $%$", "Mục tiêu 5%",
                             "chưa có số liệu")
    assert png.startswith(b"\x89PNG")
    assert ("Xã $x^2$", False) in drawn
    assert ("Xã $\\frac{a}{", False) in drawn
    assert all(math is False for _, math in drawn)


def test_a_unit_named_with_dollars_builds(cli, workspace, tmp_path):
    replace_in(workspace / "units.csv", "Xã Mỹ Hòa,", "Xã $x^2$,")
    replace_in(workspace / "units.csv", "Xã Mỹ An,", "Xã $\\frac{a}{$,")  # not even valid mathtext
    result = cli("build", "--workspace", workspace, "--out", tmp_path / "out", "--period", "2022-Q1",
                 "--unit", "TM", "--kind", "bao-cao", "--format", "docx")
    assert result.exit_code == 0, result.output
    from docx import Document
    text = "\n".join(c.text for t in Document(tmp_path / "out/2022-Q1/TM/bao-cao.docx").tables
                     for r in t.rows for c in r.cells)
    assert "Xã $x^2$" in text and "Xã $\\frac{a}{$" in text


# ---- unit codes that every file system accepts ----------------------------------------------------

RESERVED = ("mã đơn vị là tên thiết bị mà Windows dành riêng (CON, PRN, AUX, NUL, COM0-9, LPT0-9, "
            "kể cả có đuôi): không dùng làm tên thư mục được")


@pytest.mark.parametrize("code", ["CON", "aux", "Nul", "PRN", "COM1", "com9", "LPT1", "lpt9", "NUL.txt", "con.x.y"])
def test_a_windows_device_name_as_unit_code(cli, workspace, code):
    replace_in(workspace / "units.csv", "TM-MH,", f"{code},")
    found = validate(cli, workspace)
    assert f"units.csv, dòng 5, cột ma_don_vi: {RESERVED} (giá trị: {code!r})" in errors(found)


@pytest.mark.parametrize("code", ["CONSOLE", "COM10", "AUXI", "TM.CON"])
def test_names_that_only_look_reserved_are_accepted(cli, workspace, code):
    replace_in(workspace / "units.csv", "TM-MH,", f"{code},")
    replace_in(workspace / FIGURES, ",TM-MH,", f",{code},")
    replace_in(workspace / "figures/mot-cua-2021-q1.csv", ",TM-MH,", f",{code},")
    replace_in(workspace / "figures/mot-cua-2021-q4.csv", ",TM-MH,", f",{code},")
    result = validate(cli, workspace)
    assert result.exit_code == 0, result.output


def test_a_unit_code_with_a_trailing_dot(cli, workspace):
    replace_in(workspace / "units.csv", "TM-MH,", "TM.,")
    found = validate(cli, workspace)
    assert ("units.csv, dòng 5, cột ma_don_vi: mã đơn vị không được kết thúc bằng dấu chấm "
            "(Windows bỏ dấu chấm cuối tên thư mục) (giá trị: 'TM.')") in errors(found)


def test_a_unit_code_with_a_trailing_space_is_not_a_code(cli, workspace):
    replace_in(workspace / "units.csv", "TM-MH,", '"TM-MH ",')
    assert validate(cli, workspace).exit_code == 0  # cells are trimmed: "TM-MH " is TM-MH
    replace_in(workspace / "units.csv", '"TM-MH ",', '"TM MH",')
    found = validate(cli, workspace)
    assert ("units.csv, dòng 5, cột ma_don_vi: mã đơn vị chỉ gồm chữ không dấu, số, '-', '_' hoặc '.' "
            "(dùng làm tên thư mục) (giá trị: 'TM MH')") in errors(found)


def test_unit_codes_that_differ_only_in_case(cli, workspace):
    with open(workspace / "units.csv", "a", encoding="utf-8") as handle:
        handle.write("tm-mh,Xã Mỹ Hòa Hai,xa,TM,,\n")
    assert invalid(cli, workspace) == [
        "units.csv, dòng 16, cột ma_don_vi: mã đơn vị trùng với dòng 5 ('TM-MH': chữ hoa và chữ thường là "
        "một thư mục trên Windows, macOS) (giá trị: 'tm-mh')"]


# ---- meeting dates within a plausible window ---------------------------------------------------------

@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2021-12-31", "2022-07-01"])
def test_a_meeting_date_outside_its_period_window(cli, workspace, day):
    replace_in(workspace / MEETING, "ngay: 2022-03-09", f"ngay: {day}")
    assert invalid(cli, workspace) == [
        f"{MEETING}, dòng 4, cột ngay: ngày ngoài khoảng hợp lý của kỳ 2022-Q1: cần từ 01/01/2022 đến 30/06/2022 "
        f"(giá trị: {day!r})"]


@pytest.mark.parametrize("day", ["2022-01-01", "2022-06-30"])
def test_the_window_edges_are_accepted(cli, workspace, day):
    replace_in(workspace / MEETING, "ngay: 2022-03-09", f"ngay: {day}")
    assert validate(cli, workspace).exit_code == 0


def test_a_deadline_in_year_9999(cli, workspace):
    replace_in(workspace / MEETING, "thoi_han: 2022-03-31", "thoi_han: 9999-03-31")
    assert invalid(cli, workspace) == [
        f"{MEETING}, dòng 33, cột chi_dao.2.thoi_han: ngày ngoài khoảng hợp lý của kỳ 2022-Q1: "
        "cần từ 01/01/2022 đến 31/03/2024 (giá trị: '9999-03-31')"]


def test_a_notice_date_in_year_1(cli, workspace):
    replace_in(workspace / MEETING, "ngay: 2022-03-09\n", "ngay: 2022-03-09\nngay_thong_bao: 0001-03-11\n")
    assert invalid(cli, workspace) == [
        f"{MEETING}, dòng 5, cột ngay_thong_bao: ngày ngoài khoảng hợp lý của kỳ 2022-Q1: "
        "cần từ 01/01/2022 đến 30/06/2022 (giá trị: '0001-03-11')"]


# ---- a period with no figures -------------------------------------------------------------------------

def test_building_a_period_without_figures_says_so(cli, workspace, tmp_path):
    out = tmp_path / "out"
    result = cli("build", "--workspace", workspace, "--out", out, "--period", "2023-Q1")
    assert result.exit_code == 1
    assert result.stderr == ("Lỗi: không có số liệu của kỳ 2023-Q1 trong figures/ (các kỳ có số liệu: "
                             "2021-Q1, 2021-Q4, 2022-Q1); không có văn bản nào được lập\n")
    assert not out.exists()


# ---- periods within a plausible window (2000 to next year by default, [limits] first_year/last_year) -

NEXT_YEAR = dt.date.today().year + 1
YEARS = (f"cần năm từ 2000 đến {NEXT_YEAR} "
         "(đặt [limits] first_year, last_year trong reportgen.toml để đổi)")


@pytest.mark.parametrize("period", ["9998-Q1", "9999-Q4", "0000-Q1", "3000-Q1", "1999-Q4", f"{NEXT_YEAR + 1}-Q1"])
def test_a_meeting_period_outside_the_plausible_years(cli, workspace, tmp_path, period):
    replace_in(workspace / MEETING, "ky: 2022-Q1\n", f"ky: {period}\n")
    expected = [f"{MEETING}, dòng 3, cột ky: kỳ ngoài khoảng hợp lý: {YEARS} (giá trị: {period!r})"]
    assert invalid(cli, workspace) == expected
    result = cli("build", "--workspace", workspace, "--out", tmp_path / "out")
    assert (result.exit_code, errors(result)) == (2, expected)
    assert result.stderr.endswith("Dữ liệu không hợp lệ: 1 lỗi. Không có tệp nào được ghi.\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("period", ["0999-Q1", "0222-Q1", "0001-Q1", "1000-Q1", "3000-Q1", f"{NEXT_YEAR + 1}-Q4"])
def test_a_figures_row_of_an_implausible_year(cli, workspace, tmp_path, period):
    replace_in(workspace / FIGURES, "2022-Q1,TM-TT,", f"{period},TM-TT,")
    expected = [f"{FIGURES}, dòng 3, cột ky: kỳ báo cáo ngoài khoảng hợp lý: {YEARS} (giá trị: {period!r})"]
    assert invalid(cli, workspace) == expected
    result = cli("build", "--workspace", workspace, "--out", tmp_path / "out", "--period", "2022-Q1")
    assert (result.exit_code, errors(result)) == (2, expected)
    assert not (tmp_path / "out").exists()


def test_a_plain_xlsx_row_of_year_999(cli, workspace):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADER.split(","))
    book.active.append(["0999-Q1", "TM", *range(9)])
    book.save(workspace / "figures/them.xlsx")
    assert invalid(cli, workspace) == [
        f"figures/them.xlsx, dòng 2, cột ky: kỳ báo cáo ngoài khoảng hợp lý: {YEARS} (giá trị: '0999-Q1')"]


@pytest.mark.parametrize("period", ["2000-Q1", f"{NEXT_YEAR}-Q4"])
def test_the_first_and_last_plausible_years_are_accepted(cli, workspace, period):
    replace_in(workspace / FIGURES, "2022-Q1,TM-TT,", f"{period},TM-TT,")
    assert validate(cli, workspace).exit_code == 0


def test_the_plausible_years_are_set_in_reportgen_toml(cli, workspace):
    with open(workspace / "reportgen.toml", "a", encoding="utf-8") as handle:
        handle.write("\n[limits]\nfirst_year = 2022\nlast_year = 2022\n")
    found = invalid(cli, workspace, 28)  # the 14 rows of 2021-Q1 and of 2021-Q4
    assert found[0] == ("figures/mot-cua-2021-q1.csv, dòng 2, cột ky: kỳ báo cáo ngoài khoảng hợp lý: cần năm từ "
                        "2022 đến 2022 (đặt [limits] first_year, last_year trong reportgen.toml để đổi) "
                        "(giá trị: '2021-Q1')")


def test_last_year_before_first_year(cli, workspace):
    with open(workspace / "reportgen.toml", "a", encoding="utf-8") as handle:
        handle.write("\n[limits]\nfirst_year = 2022\nlast_year = 2021\n")
    assert invalid(cli, workspace) == [
        "reportgen.toml, cột limits: giá trị không hợp lệ: last_year (2021) phải từ first_year (2022) "
        "trở đi"]


# ---- only aliases count against the expansion limit ------------------------------------------------

def test_a_meeting_file_of_59000_plain_keys_lists_200_of_them(cli, workspace):
    """1 MB, inside the default limit, with no alias: the bounded list, not the alias message."""
    keys = "".join(f"khoa_{i}: {i}\n" for i in range(59_000))
    replace_in(workspace / MEETING, "ky: 2022-Q1\n", "ky: 2022-Q1\n" + keys)
    assert 1_000_000 < (workspace / MEETING).stat().st_size <= 1024 * 1024
    result = validate(cli, workspace)
    assert result.exit_code == 2
    found = errors(result)
    assert len(found) == 200
    assert found[0] == f"{MEETING}, dòng 4, cột khoa_0: khóa không được hỗ trợ (xem docs/workspace.md) (giá trị: '0')"
    assert found[199] == (f"{MEETING}, dòng 203, cột khoa_199: khóa không được hỗ trợ (xem docs/workspace.md) "
                          "(giá trị: '199')")
    assert "bí danh" not in result.stderr
    assert result.stderr.splitlines()[-2:] == [
        "... và 58800 lỗi khác không in ra (chỉ in 200 lỗi đầu).",
        "Dữ liệu không hợp lệ: 59000 lỗi. Không có tệp nào được ghi."]


@pytest.mark.parametrize("uses", [9, 10])
def test_aliases_adding_just_over_the_limit_are_refused(cli, workspace, uses):
    """An alias of 10 001 values used 10 times adds 100 010 values: refused; 9 times, 90 009: not."""
    items = "".join(f"  - {i}\n" for i in range(10_000))
    text = f"a: &a\n{items}b: [{', '.join(['*a'] * uses)}]\n"
    (workspace / "meetings/them.yaml").write_text(text, encoding="utf-8")
    result = validate(cli, workspace)
    assert result.exit_code == 2
    refused = "meetings/them.yaml, dòng 1: quá nhiều giá trị khi mở rộng các bí danh (alias *): quá 100000 giá trị"
    if uses == 10:
        assert errors(result) == [refused]
    else:
        assert "bí danh" not in result.stderr
        assert "meetings/them.yaml, dòng 1, cột a: khóa không được hỗ trợ (xem docs/workspace.md)" in errors(result)


# ---- a column named twice --------------------------------------------------------------------------

def test_a_figures_column_repeated_in_the_header(cli, workspace, tmp_path):
    path = workspace / FIGURES
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0] + ",truc_tuyen"] + [line + ",999" for line in lines[1:]]) + "\n",
                    encoding="utf-8")
    expected = (f"{FIGURES}, dòng 1, cột truc_tuyen: cột lặp lại (cột thứ 3 và cột thứ 12 của dòng tiêu đề): "
                "mỗi cột chỉ được có một lần")
    found = invalid(cli, workspace, 2)
    assert found == [expected, f"{MEETING}, cột ky: không có số liệu của kỳ này trong figures/ (giá trị: '2022-Q1')"]
    result = cli("build", "--workspace", workspace, "--out", tmp_path / "out", "--period", "2022-Q1")
    assert result.exit_code == 2 and expected in errors(result)
    assert not (tmp_path / "out").exists()


def test_a_units_column_repeated_in_the_header(cli, workspace):
    path = workspace / "units.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0] + ",ten_don_vi"] + [line + ",Khác" for line in lines[1:]]) + "\n",
                    encoding="utf-8")
    assert invalid(cli, workspace) == [
        "units.csv, dòng 1, cột ten_don_vi: cột lặp lại (cột thứ 2 và cột thứ 7 của dòng tiêu đề): "
        "mỗi cột chỉ được có một lần"]


def test_an_xlsx_column_repeated_in_the_header(cli, workspace):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADER.split(",") + ["qua_han"])
    book.active.append(["2022-Q2", "TM", *range(9), 5])
    book.save(workspace / "figures/them.xlsx")
    assert invalid(cli, workspace) == [
        "figures/them.xlsx, dòng 1, cột qua_han: cột lặp lại (ô I1 và ô L1 của dòng tiêu đề): "
        "mỗi cột chỉ được có một lần"]


@pytest.mark.parametrize("setting, column", [('[sources]\nky = "3000-Q1"', "sources.ky"),
                                             ('[cutoff.so_lieu_den]\n"0999-Q1" = 2022-03-08',
                                              "cutoff.so_lieu_den.0999-Q1")])
def test_a_period_of_an_implausible_year_in_reportgen_toml(cli, workspace, setting, column):
    with open(workspace / "reportgen.toml", "a", encoding="utf-8") as handle:
        handle.write(f"\n{setting}\n")
    value = column.rsplit(".", 1)[1] if column.startswith("cutoff") else "3000-Q1"
    assert invalid(cli, workspace) == [f"reportgen.toml, cột {column}: kỳ ngoài khoảng hợp lý: {YEARS} "
                                       f"(giá trị: {value!r})"]
