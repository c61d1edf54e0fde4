"""`validate` checks what `build` checks (issue 22 item 7): templates (exit 3). Meeting files read
through PyYAML's C loader with the same limits: tests/sources/test_structured.py."""

from __future__ import annotations

import os

import pytest


def templates(workspace):
    folder = workspace / "templates"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("case", ["missing include", "syntax in a dot-named partial", "link out"])
def test_validate_refuses_a_template_build_would_refuse(cli, workspace, case):
    folder = templates(workspace)
    if case == "missing include":
        (folder / "tin-tuc.html.j2").write_text(
            '{% extends "base.html.j2" %}{% block body %}{% include "khong-co.html.j2" %}{% endblock %}', "utf-8")
        expected = "Không tìm thấy mẫu 'khong-co.html.j2'"
    elif case == "syntax in a dot-named partial":
        (folder / ".ghi-chu.html.j2").write_text("{% if %}", encoding="utf-8")
        (folder / "thong-bao.html.j2").write_text(
            '{% extends "base.html.j2" %}{% block body %}{% include ".ghi-chu.html.j2" %}{% endblock %}', "utf-8")
        expected = f"Lỗi: Mẫu {folder / '.ghi-chu.html.j2'}, dòng 1: lỗi cú pháp"
    else:
        os.symlink("/etc/passwd", folder / "print.css")
        expected = "dẫn ra ngoài thư mục mẫu"
    validated = cli("validate", "-w", workspace)
    assert validated.exit_code == 3 and expected in validated.stderr and "Hợp lệ" not in validated.stdout
    assert cli("build", "-w", workspace, "-o", workspace.parent / "out", "-f", "docx").exit_code == 3


def test_validate_still_accepts_the_sample(cli, workspace):
    result = cli("validate", "-w", workspace)
    assert result.exit_code == 0 and result.stdout.startswith("Hợp lệ: ")
