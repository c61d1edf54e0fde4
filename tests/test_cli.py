"""The command line: help on every command, exit codes, init, plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.cli import main


def test_every_command_has_help_with_an_example(cli):
    assert main.help and "Ví dụ:" in main.help
    for name, command in main.commands.items():
        assert command.help, name
        assert "Ví dụ:" in command.help, name
        result = cli(name, "--help")
        assert result.exit_code == 0
        assert f"reportgen {name}" in result.output


def test_top_level_help_lists_commands(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for name in ("init", "validate", "build"):
        assert f"  {name} " in result.output


def test_validate_sample(cli):
    result = cli("validate", "--workspace", Path(__file__).parent.parent / "inputs")
    assert result.exit_code == 0, result.output
    assert result.stdout == ("Hợp lệ: 14 đơn vị, 42 dòng số liệu, 1 cuộc họp, kỳ 2021-Q1, 2021-Q4, 2022-Q1; "
                             "0 cảnh báo.\n")


def test_missing_workspace_folder(cli, tmp_path):
    result = cli("validate", "--workspace", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert f"LỖI: {tmp_path / 'nowhere'}: không tìm thấy thư mục dữ liệu (workspace)" in result.stderr


def test_init_creates_a_workspace_that_validates(cli, tmp_path):
    target = tmp_path / "huyen-moi"
    result = cli("init", target)
    assert result.exit_code == 0, result.output
    assert (target / "reportgen.toml").is_file()
    assert (target / "meetings" / "2022-q1-thap-muoi.yaml").is_file()
    assert cli("validate", "--workspace", target).exit_code == 0


def test_init_beside_unrelated_files_keeps_them_and_says_so(cli, tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("giữ")
    result = cli("init", tmp_path / "x")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["figures", "keep.txt", "meetings", "reportgen.toml",
                                                                  "units.csv"]
    assert (tmp_path / "x" / "keep.txt").read_text() == "giữ"
    assert result.stderr == ("Thư mục đã có 1 mục khác (keep.txt): giữ nguyên, không sửa hay xóa; reportgen chỉ thêm "
                             "reportgen.toml, units.csv, figures, meetings và chỉ đọc các mục đó.\n")
    assert cli("validate", "--workspace", tmp_path / "x").exit_code == 0


def test_init_refuses_a_folder_with_part_of_a_workspace(cli, tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "units.csv").write_text("giữ")
    result = cli("init", tmp_path / "x")
    assert result.exit_code == 2
    assert ("thư mục đã có dữ liệu của một workspace (units.csv); reportgen init không ghi đè gì: hãy chọn một thư mục "
            "mới hoặc rỗng, hoặc dùng thư mục này bằng --workspace") in result.stderr
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["units.csv"]
    assert (tmp_path / "x" / "units.csv").read_text() == "giữ"


def test_build_without_a_workspace_says_how_to_make_one(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("build")
    assert result.exit_code == 2
    assert result.stderr.startswith("LỖI: inputs: không tìm thấy thư mục dữ liệu (workspace): tạo mới bằng "
                                    "`reportgen init TÊN-THƯ-MỤC`, hoặc chỉ đến thư mục có sẵn bằng --workspace THƯ-MỤC\n")


def test_a_period_is_accepted_in_lower_case(cli, workspace, tmp_path):
    result = cli("build", "-w", workspace, "--out", tmp_path / "o", "--period", "2022-q1", "--unit", "TM", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "2022-Q1  TM       bao-cao    sẽ lập" in result.stdout


@pytest.mark.parametrize("command", [[], ["build"], ["validate"], ["init"], ["archive"], ["verify"], ["serve"],
                                     ["sign"], ["verify-signature"]])
def test_help_is_in_vietnamese(cli, command):
    import re

    result = cli(*command, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("Cách dùng: ")
    assert "In hướng dẫn này rồi thoát." in result.stdout and "Tùy chọn:" in result.stdout
    for english in ("Show this message", "Options:", "Usage:", "(repeatable)", "Example:", "folder", "my-district"):
        assert english not in result.stdout, english
    for placeholder in ("OPTIONS", "COMMAND", "ARGS", "PATH", "FILE", "DIRECTORY", "TEXT", "INTEGER", "ARCHIVE"):
        assert not re.search(rf"\b{placeholder}\b", result.stdout), placeholder
    assert "[TÙY CHỌN]" in result.stdout.splitlines()[0]


def test_help_placeholders_name_what_to_give(cli):
    assert cli("--help").stdout.startswith("Cách dùng: main [TÙY CHỌN] LỆNH [THAM SỐ]...\n")
    assert cli("init", "--help").stdout.startswith("Cách dùng: main init [TÙY CHỌN] THƯ-MỤC\n")
    assert cli("verify", "--help").stdout.startswith("Cách dùng: main verify [TÙY CHỌN] [KHO]\n")
    assert cli("sign", "--help").stdout.startswith("Cách dùng: main sign [TÙY CHỌN] TỆP-PDF\n")
    build = cli("build", "--help").stdout
    for option in ("-w, --workspace ĐƯỜNG-DẪN", "-p, --period KỲ", "-u, --unit MÃ-ĐƠN-VỊ", "-j, --jobs SỐ"):
        assert option in build, option
    assert "--seal-image TỆP" in cli("sign", "--help").stdout


def test_dry_run_plan_for_one_unit(cli, workspace, tmp_path):
    out = tmp_path / "out"
    result = cli("build", "-w", workspace, "--out", out, "--period", "2022-Q1", "--unit", "TM", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "2022-Q1  TM       bao-cao    sẽ lập" in result.stdout
    assert "2022-Q1  TM       tin-tuc    sẽ lập" in result.stdout
    assert not out.exists()


def test_dry_run_reports_what_cannot_be_built(cli, workspace, tmp_path):
    result = cli("build", "-w", workspace, "--out", tmp_path / "o", "-p", "2022-Q1", "-u", "TM-MH",
                 "-k", "tin-tuc", "--dry-run")
    assert result.exit_code == 0, result.output
    assert ("2022-Q1  TM-MH    tin-tuc    KHÔNG LẬP ĐƯỢC: không có tệp cuộc họp (meetings/*.yaml) "
            "của đơn vị TM-MH kỳ 2022-Q1") in result.stdout


def test_unknown_selectors_exit_2(cli, workspace, tmp_path):
    result = cli("build", "-w", workspace, "-k", "bien-ban", "-u", "XX", "--dry-run")
    assert result.exit_code == 2
    assert "LỖI: --kind: loại văn bản không có; có: bao-cao, thong-bao, tin-tuc (giá trị: 'bien-ban')" in result.stderr
    assert "LỖI: --unit: mã đơn vị không có trong units.csv" in result.stderr


@pytest.mark.parametrize("command", ["build", "archive"])
def test_a_badly_written_period_is_refused_before_anything_is_read(cli, tmp_path, command):
    """The periods are read once, where the command line comes in: a bad one is its own error
    (exit 2), before the workspace is loaded (here there is none) or anything is written."""
    out = tmp_path / "o"
    result = cli(command, "-w", tmp_path / "khong-co", *(["--out", out] if command == "build" else []),
                 "-p", "2022-Q1", "-p", "2022-Q7", "-p", "Q1-2022")
    assert result.exit_code == 2, result.output
    form = "kỳ sai định dạng: cần NĂM-Qn (quý n), NĂM-6T (6 tháng), NĂM-9T (9 tháng) hoặc NĂM (cả năm), ví dụ 2026-Q1, 2026-6T, 2026"
    assert f"LỖI: --period: {form} (giá trị: '2022-Q7')" in result.stderr
    assert f"LỖI: --period: {form} (giá trị: 'Q1-2022')" in result.stderr
    assert "khong-co" not in result.stderr
    assert not out.exists()


def test_python_dash_m(tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "reportgen", "--help"], capture_output=True, text=True)
    assert done.returncode == 0
    assert "Cách dùng:" in done.stdout and "validate" in done.stdout


def test_a_kind_without_the_asked_format_is_an_error(cli, workspace, tmp_path):
    result = cli("build", "-w", workspace, "-o", tmp_path / "o", "-k", "bao-cao", "-f", "html")
    assert result.exit_code == 2
    assert "LỖI: --format: bao-cao không có định dạng html; có: docx, pdf, xlsx (giá trị: 'bao-cao')" in result.stderr
    assert not (tmp_path / "o").exists()


class _Stream:
    def __init__(self, tty: bool):
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_progress_bar_only_on_a_terminal_for_several_documents():
    from reportgen.cli import wants_progress

    assert wants_progress(10, False, _Stream(True))
    assert not wants_progress(10, False, _Stream(False))
    assert not wants_progress(10, True, _Stream(True))
    assert not wants_progress(3, False, _Stream(True))


def test_init_two_tier_sample_2025(cli, tmp_path):
    target = tmp_path / "tinh-moi"
    result = cli("init", target, "--mau", "2025")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith(f"Đã tạo workspace {target} (9 tệp).")
    assert not (target / "mau-2025").exists()
    levels = [line.split(",")[2] for line in (target / "units.csv").read_text(encoding="utf-8").splitlines()[1:]]
    assert sorted(set(levels)) == ["tinh", "xa"]
    checked = cli("validate", "--workspace", target)
    assert checked.exit_code == 0, checked.output
    assert "7 đơn vị, 28 dòng số liệu, 2 cuộc họp, kỳ 2025-Q3, 2025-Q4, 2026-Q1, 2026-6T" in checked.stdout


def test_init_2022_sample_does_not_copy_the_2025_one(cli, tmp_path):
    target = tmp_path / "huyen"
    assert cli("init", target).exit_code == 0
    assert not (target / "mau-2025").exists()
    assert sorted(p.name for p in target.iterdir()) == ["figures", "meetings", "reportgen.toml", "units.csv"]


def test_an_unknown_unit_in_a_province_names_the_closest_codes_not_all(tmp_path, cli):
    """At province scale the message suggests the nearest codes instead of listing hundreds."""
    from tests.conftest import write_workspace

    communes = [f"P-X{n:03d}" for n in range(1, 31)]
    units = "ma_don_vi,ten_don_vi,cap,ma_cap_tren,dia_danh,nguoi_ky\nP,Tỉnh Đồng Sen,tinh,,Đồng Sen,Trần Văn Hà\n" + "".join(
        f"{code},Xã Số {code[-3:]},xa,P,Số {code[-3:]},Bùi Văn Lan\n" for code in communes)
    figures = ("ky,ma_don_vi,truc_tuyen,truc_tiep,buu_chinh,ky_truoc,truoc_han,dung_han,qua_han,dang_trong_han,"
               "dang_qua_han\n2022-Q1,P,336,1850,264,120,1716,724,12,115,3\n")
    write_workspace(tmp_path / "ws", 'province = "Đồng Sen"\n', units, {"q1.csv": figures}, {})
    result = cli("build", "-w", str(tmp_path / "ws"), "-o", str(tmp_path / "out"), "-p", "2022-Q1", "-u", "P-X031")
    assert result.exit_code == 2
    assert ("LỖI: --unit: mã đơn vị không có trong units.csv; gần giống: P-X030, P-X023, P-X021, P-X019, P-X018; "
            "units.csv có 31 mã (giá trị: 'P-X031')") in result.output + result.stderr
    assert not (tmp_path / "out").exists()
