"""`validate` checks what `build` checks (issue 22 item 7): templates (exit 3) and meeting
files through PyYAML's C loader with the same limits."""

from __future__ import annotations

import os
import subprocess
import sys

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
