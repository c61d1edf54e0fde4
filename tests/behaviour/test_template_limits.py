"""Hostile templates (issue 11, items 3 and 4): links out of the template folders, huge values,
endless loops and recursion. Each is refused as a TemplateFailure naming the template."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reportgen import templating
from reportgen.errors import TemplateFailure
from reportgen.templating import check_templates, render_html

TOO_BIG = "giá trị quá lớn (1.000.000.000 phần tử; giới hạn 20.000.000) / value too large"
RECURSION = "mẫu gọi lại chính nó không dừng (include hoặc macro đệ quy) / endless template recursion"
OUTSIDE = "không đọc / template leads outside the template folder, refused"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def failure(name: str, folder: Path) -> str:
    with pytest.raises(TemplateFailure) as info:
        render_html(name, {}, workspace_templates=folder)
    return str(info.value)


# ---- nothing is read outside the template folders -------------------------------------------

def test_a_template_linked_to_etc_passwd_is_refused(folder):
    (folder / "passwd.j2").symlink_to("/etc/passwd")
    assert failure("passwd.j2", folder) == (
        f"Mẫu 'passwd.j2' ({folder}/passwd.j2) dẫn ra ngoài thư mục mẫu {folder} (tới /etc/passwd): {OUTSIDE}")


def test_an_include_through_a_link_names_the_including_template(folder):
    (folder / "passwd.j2").symlink_to("/etc/passwd")
    write(folder, "doc.html.j2", "<p>a</p>\n{% include 'passwd.j2' %}\n")
    assert failure("doc.html.j2", folder) == (
        f"Mẫu {folder}/doc.html.j2, dòng 2: Mẫu 'passwd.j2' ({folder}/passwd.j2) dẫn ra ngoài thư mục mẫu "
        f"{folder} (tới /etc/passwd): {OUTSIDE}")


def test_a_folder_linked_to_etc_is_refused(folder):
    (folder / "sub").symlink_to("/etc")
    write(folder, "doc.html.j2", "{% include 'sub/hostname' %}\n")
    assert failure("doc.html.j2", folder) == (
        f"Mẫu {folder}/doc.html.j2, dòng 1: Mẫu 'sub/hostname' ({folder}/sub/hostname) dẫn ra ngoài thư mục mẫu "
        f"{folder} (tới {os.path.realpath('/etc/hostname')}): {OUTSIDE}")


def test_a_dangling_link_is_refused_not_looked_up_elsewhere(folder):
    (folder / "base.html.j2").symlink_to("/nonexistent/base.html.j2")  # would shadow the built-in one
    assert "dẫn ra ngoài thư mục mẫu" in failure("base.html.j2", folder)


def test_a_link_inside_the_folder_is_allowed(folder):
    write(folder, "real.html.j2", "<p>thật</p>\n")
    (folder / "alias.html.j2").symlink_to(folder / "real.html.j2")
    assert render_html("alias.html.j2", {}, workspace_templates=folder) == "<p>thật</p>\n"


def test_parent_paths_are_not_templates(folder):
    write(folder.parent, "secret.j2", "bí mật\n")
    write(folder, "doc.html.j2", "{% include '../secret.j2' %}\n")
    assert "Không tìm thấy mẫu '../secret.j2'" in failure("doc.html.j2", folder)


def test_a_templates_folder_linked_out_of_the_workspace_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    write(elsewhere, "doc.html.j2", "<p>a</p>\n")
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "templates").symlink_to(elsewhere)
    with pytest.raises(TemplateFailure) as info:
        render_html("doc.html.j2", {}, workspace_templates=tmp_path / "ws" / "templates")
    assert str(info.value) == (f"Thư mục mẫu {tmp_path}/ws/templates dẫn ra ngoài {tmp_path}/ws (tới {elsewhere}): "
                               "không đọc / templates folder leads outside the workspace, refused")


# ---- values and output bounded ----------------------------------------------------------------

@pytest.mark.parametrize("expression", [
    "'a' * 10**9",
    "10**9 * 'a'",
    "['a'] * 10**9",
    "'a'.ljust(10**9)",
    "'a'|center(10**9)",
    "'a'.zfill(10**9)",
    "'%1000000000s' % 'a'",
    "'%*s' % (10**9, 'a')",
    "'%1000000000s'|format('a')",
    "'{:>1000000000}'.format('a')",
    "'{:>{}}'.format('a', 10**9)",
])
def test_a_huge_value_is_refused_before_it_is_made(folder, expression):
    write(folder, "big.html.j2", f"<p>a</p>\n<p>{{{{ {expression} }}}}</p>\n")
    assert failure("big.html.j2", folder) == (
        f"Mẫu {folder}/big.html.j2, dòng 2: {TOO_BIG} [<p>{{{{ {expression} }}}}</p>]")


def test_a_huge_replacement_is_refused(folder):
    write(folder, "big.html.j2", "{{ ('ab' * 10**6)|replace('a', 'a' * 1000) }}\n")
    assert "giá trị quá lớn (1.001.000.000 phần tử; giới hạn 20.000.000)" in failure("big.html.j2", folder)


def test_a_huge_power_is_refused(folder):
    write(folder, "pow.html.j2", "{{ 7 ** 100000 }}\n")
    assert failure("pow.html.j2", folder) == (
        f"Mẫu {folder}/pow.html.j2, dòng 1: lũy thừa quá lớn (7 ** 100000) / power too large [{{{{ 7 ** 100000 }}}}]")


def test_ordinary_arithmetic_and_formatting_still_work(folder):
    write(folder, "ok.html.j2", "{{ 'ab' * 3 }} {{ 2 ** 10 }} {{ '%5s' % 'x' }} {{ '{:>4}|{}'.format('y', 10**9) }}"
                                " {{ 'xay'|replace('a', 'bb') }} {{ 'x'|center(5) }}\n")
    assert render_html("ok.html.j2", {}, workspace_templates=folder) == (
        "ababab 1024     x    y|1000000000 xbby   x  \n")


def test_output_size_is_bounded(folder, monkeypatch):
    monkeypatch.setattr(templating.sandbox, "MAX_OUTPUT_CHARS", 1000)
    write(folder, "long.html.j2", "{% for i in range(1000) %}<p>{{ i }}</p>\n{% endfor %}")
    assert failure("long.html.j2", folder) == (
        "Mẫu long.html.j2: văn bản dựng ra vượt 1.000 ký tự, đã dừng / output too large")


def test_render_time_is_bounded(folder, monkeypatch):
    monkeypatch.setattr(templating.time_limit, "RENDER_SECONDS", 0.5)
    write(folder, "loop.html.j2",
          "<p>a</p>\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n")
    assert failure("loop.html.j2", folder) == (
        f"Mẫu {folder}/loop.html.j2, dòng 2: dựng văn bản quá 0.5 giây, đã dừng (vòng lặp quá lớn?) "
        "/ render timed out [{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}]")


def test_render_time_is_bounded_outside_the_main_thread(folder, monkeypatch):
    import threading

    monkeypatch.setattr(templating.time_limit, "RENDER_SECONDS", 0.5)
    write(folder, "loop.html.j2", "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")
    found = []
    thread = threading.Thread(target=lambda: found.append(failure("loop.html.j2", folder)))
    thread.start()
    thread.join(60)
    assert found and "dựng văn bản quá 0.5 giây, đã dừng" in found[0]


def test_the_timer_is_cleared_after_a_render(folder):
    import signal

    write(folder, "ok.html.j2", "<p>a</p>\n")
    render_html("ok.html.j2", {}, workspace_templates=folder)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL


def test_a_self_including_template_is_named(folder):
    write(folder, "self.html.j2", "<p>a</p>\n{% include 'self.html.j2' %}\n")
    assert failure("self.html.j2", folder) == (
        f"Mẫu {folder}/self.html.j2, dòng 2: {RECURSION} [{{% include 'self.html.j2' %}}]")


def test_a_recursive_macro_is_named(folder):
    write(folder, "rec.html.j2", "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}\n{{ f(1) }}\n")
    assert failure("rec.html.j2", folder) == (
        f"Mẫu {folder}/rec.html.j2, dòng 1: {RECURSION} [{{% macro f(n) %}}{{{{ f(n + 1) }}}}{{% endmacro %}}]")


# ---- check_templates: what a build loads before rendering ----------------------------------

def test_check_templates_passes_the_builtin_templates():
    checked = check_templates(["bao-cao.html.j2", "thong-bao.html.j2", "tin-tuc.html.j2"])
    # the three documents, then what they extend, import and include, each once
    assert checked[:3] == ["bao-cao.html.j2", "thong-bao.html.j2", "tin-tuc.html.j2"]
    assert {"base.html.j2", "macros.html.j2", "phrases.html.j2"} <= set(checked[3:])
    assert len(checked) == len(set(checked))


def test_check_templates_finds_a_syntax_error_in_an_imported_template(folder):
    write(folder, "macros.html.j2", "{% macro x() %}\n{% if %}\n{% endmacro %}\n")
    with pytest.raises(TemplateFailure) as info:
        check_templates(["bao-cao.html.j2"], folder)
    assert str(info.value) == f"Mẫu {folder}/macros.html.j2, dòng 2: lỗi cú pháp: Expected an expression, got 'end of statement block'"


def test_check_templates_names_the_template_that_includes_a_missing_one(folder):
    write(folder, "doc.html.j2", "{% include 'khong-co.html.j2' %}{% include 'tuy-chon.j2' ignore missing %}\n")
    with pytest.raises(TemplateFailure) as info:
        check_templates(["doc.html.j2"], folder)
    assert str(info.value).startswith(f"Mẫu {folder}/doc.html.j2: Không tìm thấy mẫu 'khong-co.html.j2' (đã tìm trong: ")


def test_check_templates_refuses_a_linked_include(folder):
    (folder / "passwd.j2").symlink_to("/etc/passwd")
    write(folder, "doc.html.j2", "{% include 'passwd.j2' %}\n")
    with pytest.raises(TemplateFailure, match="dẫn ra ngoài thư mục mẫu"):
        check_templates(["doc.html.j2"], folder)
