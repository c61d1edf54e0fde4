"""The build use case (reportgen.build): one request in, its results out; `reportgen build`
and the web page both call it (the no-op check, load, plan, the machine checks, the run)."""

from __future__ import annotations

import dataclasses

import pytest

from reportgen.build import BuildRequest, UnknownFormat, build
from reportgen.periods import Period

KEY = "2022-Q1/TM-MH/bao-cao"


def test_a_request_is_built_then_replayed_planned_and_forced(workspace, tmp_path):
    out = tmp_path / "out"
    request = BuildRequest(workspace, out, (Period.parse("2022-Q1"),), ("TM-MH",), ("bao-cao",), ("docx",))
    heard = []
    first = build(request, planned=lambda ws, jobs: heard.append([j.key for j in jobs]),
                  progress=lambda job: heard.append(job.key))
    assert heard == [[KEY], KEY]
    assert not first.replayed and [j.key for j in first.jobs] == [KEY]
    assert [(r.format, r.status, r.path) for r in first.results] == [("docx", "built", f"{out}/{KEY}.docx")]
    assert first.problems == [] and first.warnings == [] and first.fault is None
    again = build(request, planned=lambda ws, jobs: heard.append("planned again"))
    assert again.replayed and again.jobs == [] and heard == [[KEY], KEY]  # answered from the record: nothing loaded
    assert [(r.status, r.sha256) for r in again.results] == [("unchanged", first.results[0].sha256)]
    forced = build(dataclasses.replace(request, force=True))  # never replayed; the same bytes
    assert not forced.replayed and [(r.status, r.sha256) for r in forced.results] == [
        ("unchanged", first.results[0].sha256)]
    plan_only = build(dataclasses.replace(request, out=tmp_path / "other", dry_run=True))
    assert (plan_only.results, [j.key for j in plan_only.jobs]) == ([], [KEY])
    assert not (tmp_path / "other").exists()


def test_a_format_no_kind_writes_is_refused_before_loading(tmp_path, cli):
    with pytest.raises(UnknownFormat) as raised:
        build(BuildRequest(tmp_path / "none", tmp_path / "out", formats=("docx", "odt")))
    assert (str(raised.value), raised.value.exit_code) == ("--format: không có định dạng odt; có: docx, pdf, xlsx, html", 2)
    result = cli("build", "-w", tmp_path / "none", "-o", tmp_path / "out", "-f", "odt")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == ("Lỗi: Giá trị không hợp lệ cho '--format' / '-f': 'odt' is not one of "
                                              "'docx', 'pdf', 'xlsx', 'html'.")  # click's message, as before
