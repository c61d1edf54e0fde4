"""Exit codes 0-4 exactly as the README says, each reached by a real run; never a traceback
(issue 11, items 5 and 6); one result type and one reporting path (issue 13, item 5)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from reportgen import templating
from reportgen.render import fonts
from reportgen.results import Result, run_exit_code

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "inputs"
ONE = ("-p", "2022-Q1", "-u", "TM-MH", "-k", "bao-cao")
SUMMARY_0 = "Tổng kết: 0 tệp đã ghi, 0 tệp không đổi, 0 văn bản không lập được, 1 văn bản lỗi.\n"


def files_under(folder: Path) -> list[str]:
    """The documents under an output root (not the build's own state in .reportgen/)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and ".reportgen" not in p.parts) if folder.exists() else []


def write_template(workspace: Path, name: str, text: str) -> Path:
    (workspace / "templates").mkdir(exist_ok=True)
    path = workspace / "templates" / name
    path.write_text(text, encoding="utf-8")
    return path


# ---- 0 ------------------------------------------------------------------------------------

def test_exit_0_when_every_document_is_built(cli, workspace, tmp_path):
    result = cli("build", "-w", workspace, "-o", tmp_path / "o", *ONE, "-f", "docx")
    assert result.exit_code == 0
    assert result.stdout == (f"đã ghi: {tmp_path / 'o/2022-Q1/TM-MH/bao-cao.docx'}\n"
                             "Tổng kết: 1 tệp đã ghi, 0 tệp không đổi, 0 văn bản không lập được, 0 văn bản lỗi.\n")
    assert result.stderr == ""


# ---- 1 ------------------------------------------------------------------------------------

def test_exit_1_when_a_document_cannot_be_rendered_in_time(cli, workspace, tmp_path, monkeypatch):
    monkeypatch.setattr(templating.time_limit, "RENDER_SECONDS", 1)
    path = write_template(workspace, "bao-cao.html.j2", '{% extends "base.html.j2" %}\n{% block body %}\n'
                          "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n"
                          "{% endblock %}\n")
    result = cli("build", "-w", workspace, "-o", tmp_path / "o", *ONE, "-f", "docx", "-j", "1")
    assert result.exit_code == 1
    assert result.stderr == (
        f"LỖI: 2022-Q1 TM-MH bao-cao: Mẫu {path}, dòng 3: dựng văn bản quá 1 giây, đã dừng (vòng lặp quá lớn?) "
        "/ render timed out [{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}]\n")
    assert result.stdout == SUMMARY_0
    assert files_under(tmp_path / "o") == []


def test_exit_1_for_a_huge_value_in_a_worker_process(cli, workspace, tmp_path):
    path = write_template(workspace, "bao-cao.html.j2",
                          '{% extends "base.html.j2" %}\n{% block body %}<p>{{ "a" * 10**9 }}</p>{% endblock %}\n')
    result = cli("build", "-w", workspace, "-o", tmp_path / "o", "-p", "2022-Q1", "-u", "TM-MH", "-u", "TM-MA",
                 "-k", "bao-cao", "-f", "docx", "-j", "2")
    assert result.exit_code == 1
    line = (f"Mẫu {path}, dòng 2: giá trị quá lớn (1.000.000.000 phần tử; giới hạn 20.000.000) / value too large "
            '[{% block body %}<p>{{ "a" * 10**9 }}</p>{% endblock %}]')
    assert result.stderr == f"LỖI: 2022-Q1 TM-MH bao-cao: {line}\nLỖI: 2022-Q1 TM-MA bao-cao: {line}\n"


def test_exit_1_and_a_log_file_for_an_unexpected_error_in_one_document(cli, workspace, tmp_path, monkeypatch):
    from reportgen.render import documents

    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    original = documents.render_all

    def buggy(template, context, *args):
        if context["unit"]["code"] == "TM-MH":
            raise ZeroDivisionError("division by zero")
        return original(template, context, *args)

    monkeypatch.setattr(documents, "render_all", buggy)
    out = tmp_path / "o"
    result = cli("build", "-w", workspace, "-o", out, "-p", "2022-Q1", "-u", "TM-MH", "-u", "TM-MA",
                 "-k", "bao-cao", "-f", "docx", "-j", "1")
    assert result.exit_code == 1
    logs = list((tmp_path / "tmp" / "reportgen-logs").glob("reportgen-*.log"))
    assert len(logs) == 1
    assert result.stderr == (f"LỖI: 2022-Q1 TM-MH bao-cao: lỗi không lường trước (ZeroDivisionError: division by "
                             f"zero); chi tiết trong {logs[0]}; hãy gửi tệp này cho nhóm phát triển\n")
    log = logs[0].read_text(encoding="utf-8")
    assert " 2022-Q1 TM-MH bao-cao\nTraceback (most recent call last):\n" in log
    assert "in buggy\n" in log and log.endswith("ZeroDivisionError: division by zero\n\n")
    assert files_under(out) == ["2022-Q1/TM-MA/bao-cao.docx"]  # the other document is written


def test_exit_1_for_an_unexpected_error_while_preparing_one_document(cli, workspace, tmp_path, monkeypatch):
    from reportgen import batch

    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    monkeypatch.setattr(batch, "build_context", lambda ws, job: {}["thiếu"])
    result = cli("build", "-w", workspace, "-o", tmp_path / "o", *ONE, "-f", "docx")
    assert result.exit_code == 1
    [log] = (tmp_path / "tmp" / "reportgen-logs").glob("*.log")
    assert result.stderr == (f"LỖI: 2022-Q1 TM-MH bao-cao: lỗi không lường trước (KeyError: 'thiếu'); "
                             f"chi tiết trong {log}; hãy gửi tệp này cho nhóm phát triển\n")


def test_exit_1_and_no_traceback_for_an_unexpected_error_outside_documents(cli, workspace, tmp_path, monkeypatch):
    from reportgen import workspace as workspace_module

    def broken(root):
        raise RuntimeError("hỏng\nhai dòng")

    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    monkeypatch.setattr(workspace_module, "load_workspace", broken)
    result = cli("validate", "-w", workspace)  # catch_exceptions=False: a traceback would fail the test
    assert result.exit_code == 1
    [log] = (tmp_path / "tmp" / "reportgen-logs").glob("*.log")
    assert result.stderr == (f"LỖI: lỗi không lường trước (RuntimeError: hỏng hai dòng); chi tiết trong {log}; "
                             "hãy gửi tệp này cho nhóm phát triển\n")
    assert " reportgen validate\nTraceback" in log.read_text(encoding="utf-8")


# ---- 2 ------------------------------------------------------------------------------------

def test_exit_2_for_invalid_input_nothing_written(cli, workspace, tmp_path):
    (workspace / "units.csv").write_text("ma_don_vi,ten\n", encoding="utf-8")
    result = cli("build", "-w", workspace, "-o", tmp_path / "o")
    assert result.exit_code == 2
    assert result.stderr.endswith("Không có tệp nào được ghi.\n")
    assert not (tmp_path / "o").exists()


def test_verify_without_an_archive_says_so(cli, tmp_path):
    result = cli("verify", tmp_path / "khong-co")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (f"LỖI: {tmp_path / 'khong-co'}: không có kho lưu trữ: thư mục không tồn tại\n"
                             "Dữ liệu không hợp lệ: 1 lỗi. Không có tệp nào được ghi.\n")


NO_MANIFEST = "thư mục không có manifest.jsonl (chưa có hồ sơ nào được lưu trữ vào đây bằng reportgen archive)"


@pytest.mark.parametrize("repair", [False, True])
@pytest.mark.parametrize("what", ["workspace", "empty", "file"])
def test_verify_of_something_that_is_not_an_archive_says_so(cli, workspace, tmp_path, what, repair):
    """A folder is an archive once reportgen archive has used it (manifest, intent or lock)."""
    path = {"workspace": workspace, "empty": tmp_path / "rong", "file": workspace / "units.csv"}[what]
    if what == "empty":
        path.mkdir()
    before = files_under(workspace) + files_under(tmp_path / "rong")
    result = cli("verify", *(["--repair"] if repair else []), path)
    reason = "là một tệp, không phải thư mục" if what == "file" else NO_MANIFEST
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (f"LỖI: {path}: không có kho lưu trữ: {reason}\n"
                             "Dữ liệu không hợp lệ: 1 lỗi. Không có tệp nào được ghi.\n")
    assert files_under(workspace) + files_under(tmp_path / "rong") == before  # not even a lock file


def test_the_library_verify_says_there_is_no_archive(workspace):
    from reportgen.archive import Mismatch, verify

    assert verify(workspace) == [Mismatch(str(workspace), "missing", f"không có kho lưu trữ: {NO_MANIFEST}")]


def test_a_folder_an_archive_run_has_locked_is_an_empty_archive(cli, tmp_path):
    (tmp_path / "kho").mkdir()
    (tmp_path / "kho" / ".archive.lock").touch()  # every document of the run failed: nothing filed yet
    result = cli("verify", tmp_path / "kho")
    assert (result.exit_code, result.stdout) == (0, f"Kho lưu trữ {tmp_path / 'kho'}: 0 hồ sơ, tất cả khớp manifest.\n")


def test_a_repeated_unit_plans_one_job(cli, workspace):
    result = cli("build", "-w", workspace, "-p", "2022-Q1", "-p", "2022-Q1", "-u", "TM", "-u", "TM",
                 "-k", "bao-cao", "-k", "bao-cao", "--dry-run")
    assert result.exit_code == 0
    assert result.stdout == "2022-Q1  TM       bao-cao    sẽ lập\nKế hoạch: 1 văn bản sẽ lập, 0 không lập được.\n"


def test_a_repeated_unit_builds_each_file_once(cli, workspace, tmp_path):
    result = cli("build", "-w", workspace, "-o", tmp_path / "o", *ONE, "-u", "TM-MH", "-f", "docx", "-f", "docx",
                 "--json")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 1


# ---- 3 ------------------------------------------------------------------------------------

def test_exit_3_for_a_template_that_cannot_be_compiled_nothing_written(cli, workspace, tmp_path):
    path = write_template(workspace, "bao-cao.html.j2", '{% extends "base.html.j2" %}\n{% block body %}\n'
                          "{% for x in %}\n{% endblock %}\n")
    out = tmp_path / "o"
    result = cli("build", "-w", workspace, "-o", out, "-p", "2022-Q1", "-u", "TM")
    assert result.exit_code == 3
    assert result.stderr == f"Lỗi: Mẫu {path}, dòng 3: lỗi cú pháp: Expected an expression, got 'end of statement block'\n"
    assert result.stdout == ""
    assert not out.exists()


def test_exit_3_for_a_template_read_through_a_link(cli, workspace, tmp_path):
    (workspace / "templates").mkdir()
    (workspace / "templates" / "passwd.j2").symlink_to("/etc/passwd")
    write_template(workspace, "tin-tuc.html.j2", '{% extends "base.html.j2" %}\n{% block body %}\n'
                   '<p>{% include "passwd.j2" %}</p>\n{% endblock %}\n')
    out = tmp_path / "o"
    result = cli("build", "-w", workspace, "-o", out, "-p", "2022-Q1", "-u", "TM")
    assert result.exit_code == 3
    folder = workspace / "templates"
    assert result.stderr == (f"Lỗi: Mẫu 'passwd.j2' ({folder}/passwd.j2) dẫn ra ngoài thư mục mẫu {folder} "
                             "(tới /etc/passwd): không đọc / template leads outside the template folder, refused\n")
    assert not out.exists()


def test_a_link_reached_only_while_rendering_fails_that_document(cli, workspace, tmp_path):
    (workspace / "templates").mkdir()
    (workspace / "templates" / "sub").symlink_to("/etc")
    path = write_template(workspace, "bao-cao.html.j2", '{% extends "base.html.j2" %}\n{% block body %}\n'
                          '{% set name = "sub/" ~ "hostname" %}<p>{% include name %}</p>\n{% endblock %}\n')
    result = cli("build", "-w", workspace, "-o", tmp_path / "o", *ONE, "-f", "docx", "-j", "1")
    assert result.exit_code == 1
    folder = workspace / "templates"
    assert result.stderr == (f"LỖI: 2022-Q1 TM-MH bao-cao: Mẫu {path}, dòng 3: Mẫu 'sub/hostname' "
                             f"({folder}/sub/hostname) dẫn ra ngoài thư mục mẫu {folder} "
                             f"(tới {os.path.realpath('/etc/hostname')}): không đọc / template leads outside the "
                             "template folder, refused\n")


# ---- 4 ------------------------------------------------------------------------------------

def test_exit_4_without_a_vietnamese_font(workspace, tmp_path):
    config = tmp_path / "fonts.conf"
    config.write_text('<?xml version="1.0"?>\n<fontconfig></fontconfig>\n', encoding="utf-8")
    out = tmp_path / "o"
    done = subprocess.run([sys.executable, "-m", "reportgen", "build", "-w", str(workspace), "-o", str(out), *ONE,
                           "-j", "1"], capture_output=True, text=True,
                          env={**os.environ, "FONTCONFIG_FILE": str(config)}, timeout=600)
    assert done.returncode == 4, done.stderr
    assert done.stderr == f"Lỗi: {fonts.INSTALL_HINT}\n"  # before WeasyPrint is even imported (no warning)
    assert done.stdout == ""
    assert files_under(out) == []


def test_a_docx_only_build_needs_no_font(workspace, tmp_path):
    config = tmp_path / "fonts.conf"
    config.write_text('<?xml version="1.0"?>\n<fontconfig></fontconfig>\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "reportgen", "build", "-w", str(workspace), "-o", str(tmp_path / "o"),
                           *ONE, "-f", "docx", "-j", "1"], capture_output=True, text=True,
                          env={**os.environ, "FONTCONFIG_FILE": str(config)}, timeout=600)
    assert done.returncode == 0, done.stderr
    assert files_under(tmp_path / "o") == ["2022-Q1/TM-MH/bao-cao.docx"]


def test_a_font_missing_while_rendering_one_document_exits_4(cli, workspace, tmp_path, monkeypatch):
    from reportgen.errors import MissingSystemDependency
    from reportgen.render import documents

    def no_font(*args):
        raise MissingSystemDependency(fonts.INSTALL_HINT)

    monkeypatch.setattr(documents, "render_all", no_font)
    result = cli("build", "-w", workspace, "-o", tmp_path / "o", *ONE, "-j", "1")
    assert result.exit_code == 4
    assert result.stderr == f"LỖI: 2022-Q1 TM-MH bao-cao: {fonts.INSTALL_HINT}\n"


# ---- one result type ----------------------------------------------------------------------

def test_the_run_exits_with_the_highest_code_of_its_results():
    class Job:
        kind, unit, period, reason = "bao-cao", "TM", "2022-Q1", "không có số liệu"

    from reportgen.errors import MissingSystemDependency, TemplateFailure

    built = Result("bao-cao", "TM", "2022-Q1", "built", format="pdf", path="o/x.pdf")
    assert run_exit_code([built]) == 0
    assert run_exit_code([built, Result.skipped(Job)]) == 1
    assert run_exit_code([built, Result.failed(Job, TemplateFailure("x"))]) == 1  # one document's template error
    assert run_exit_code([Result.failed(Job, MissingSystemDependency("x")), Result.skipped(Job)]) == 4
    assert Result.skipped(Job).as_dict() == {
        "kind": "bao-cao", "unit": "TM", "period": "2022-Q1", "status": "skipped", "format": None, "path": None,
        "sha256": None, "pages": None, "version": None, "reason": "không có số liệu", "note": None}


# ---- fast command line (issue 9, item 5) ----------------------------------------------------

HEAVY = ("weasyprint", "docx", "matplotlib", "pypdf", "pikepdf")


def imported_by(*args: str) -> set[str]:
    """Top-level packages loaded by running the CLI with ``args`` in a fresh interpreter."""
    code = ("import sys\nfrom reportgen.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split("\n")[-2].split())


def test_build_help_lists_the_kinds_of_the_registry(cli):
    from reportgen.kinds import KINDS

    result = cli("build", "--help")
    assert result.exit_code == 0
    assert f"Loại văn bản: {', '.join(KINDS)}" in " ".join(result.stdout.split())


def test_help_imports_no_renderer_and_no_pandas():
    loaded = imported_by("--help")
    assert not loaded & {*HEAVY, "pandas", "numpy", "jinja2"}


@pytest.mark.parametrize("args", [("validate", "-w", str(SAMPLE)), ("build", "-w", str(SAMPLE), "--dry-run")])
def test_validate_and_dry_run_import_no_renderer(args):
    loaded = imported_by(*args)
    assert "pandas" in loaded  # the check is real: the workspace was read
    assert not loaded & set(HEAVY)
