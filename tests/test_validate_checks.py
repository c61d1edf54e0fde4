"""`validate` checks what `build` checks (issue 22 item 7): templates (exit 3) and meeting
files through PyYAML's C loader with the same limits."""

from __future__ import annotations

import os
import tracemalloc

import pytest
import yaml

from reportgen.sources import structured
from reportgen.sources.structured import load_meeting

MEETING = "meetings/2022-q1-thap-muoi.yaml"


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


def big_meeting(workspace, items: int) -> str:
    """The sample meeting with ``items`` tiny values before its three results."""
    text = (workspace / MEETING).read_text(encoding="utf-8")
    values = "".join(f"\n  - x{i % 10}" for i in range(items))
    (workspace / MEETING).write_text(text.replace("ket_qua:", "ket_qua:" + values + "\n", 1), encoding="utf-8")
    return MEETING


@pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="PyYAML without libyaml")
def test_meeting_files_go_through_the_c_loader(workspace, monkeypatch):
    assert structured.FastLoader is yaml.CSafeLoader
    monkeypatch.setattr(structured, "BoundedLoader", None)  # the pure-Python parser is not used
    meeting, problems = load_meeting(workspace, MEETING)
    assert meeting is not None and meeting.don_vi == "TM"


def test_a_big_meeting_costs_tens_of_megabytes(workspace):
    """A 0.7 MB file of 90,000 tiny values (the worst shape: a node every 7 bytes): ~57 MB of
    RSS with the C loader, ~84 MB with the pure-Python one (measured in the commit message)."""
    name = big_meeting(workspace, 90_000)
    tracemalloc.start()
    meeting, problems = load_meeting(workspace, name)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert meeting is not None and len(meeting.ket_qua) == 90_003
    assert peak < 90_000_000
