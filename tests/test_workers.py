"""The worker pool of batch.build (issue 9 item 6): recycled workers, a worker that dies,
biggest documents first; the files are those of a serial build."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from reportgen import batch
from reportgen.plan import plan
from reportgen.workspace import load_workspace

sys.path.insert(0, str(ROOT / "scripts"))
import synthetic  # noqa: E402


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> Path:
    return synthetic.make_province(tmp_path_factory.mktemp("p") / "ws", "2x2")


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.glob("2022-Q1/*/*"))}


def test_recycled_workers_build_the_same_files_as_one_process(province, tmp_path, monkeypatch):
    ws = load_workspace(province)
    jobs = plan(ws, ["2022-Q1"])
    serial = batch.build(ws, jobs, tmp_path / "serial", ("docx",))
    monkeypatch.setattr(batch, "WORKER_RSS_LIMIT_MB", 0)  # every worker retires after each document
    monkeypatch.setattr(batch, "WORKER_GROWTH_MB", -1)
    started = []
    real_start = batch._Pool._start
    monkeypatch.setattr(batch._Pool, "_start", lambda self: started.append(1) or real_start(self))
    parallel = batch.build(ws, jobs, tmp_path / "parallel", ("docx",), workers=2)
    assert len(started) == len(jobs)  # one fresh worker per document
    assert [(o.unit, o.kind, o.status, o.sha256) for o in parallel] == [(o.unit, o.kind, o.status, o.sha256)
                                                                         for o in serial]
    assert files(tmp_path / "parallel") == files(tmp_path / "serial")


def test_a_worker_that_dies_fails_its_document_only(province, tmp_path, monkeypatch):
    ws = load_workspace(province)
    jobs = plan(ws, ["2022-Q1"], kinds=["bao-cao"])
    real = batch._render_one

    def render(ws, task):
        if task[0].unit == "P-D02-X001":
            os._exit(9)  # as if killed (out of memory) in the middle of the document
        return real(ws, task)

    monkeypatch.setattr(batch, "_render_one", render)
    results = batch.build(ws, jobs, tmp_path / "out", ("docx",), workers=2)
    failed = [o for o in results if o.status == "failed"]
    assert [(o.unit, o.reason) for o in failed] == [
        ("P-D02-X001", "tiến trình dựng văn bản dừng đột ngột (mã thoát 9); các văn bản khác vẫn được lập")]
    assert sorted(o.unit for o in results if o.status == "built") == sorted(j.unit for j in jobs
                                                                            if j.unit != "P-D02-X001")
    assert not (tmp_path / "out" / "2022-Q1" / "P-D02-X001").exists()


def test_biggest_documents_go_first(province, tmp_path, monkeypatch):
    ws = load_workspace(province)
    jobs = plan(ws, ["2022-Q1"], kinds=["bao-cao"])
    order = []
    real = batch._Pool.map

    def spy(self, documents, task):
        order.extend(d.job.unit for d in documents)
        return real(self, documents, task)

    monkeypatch.setattr(batch._Pool, "map", spy)
    batch.build(ws, jobs, tmp_path / "out", ("docx",), workers=2)
    assert order[:3] == ["P", "P-D01", "P-D02"]  # 7, 3 and 3 units in scope, then the communes
