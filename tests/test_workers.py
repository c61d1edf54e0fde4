"""The worker pool (reportgen.workers) as batch.build uses it (issue 9 item 6): recycled
workers, a worker that dies, biggest documents first; the files are those of a serial build."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from reportgen import batch, workers
from reportgen.errors import InvalidInput
from reportgen.periods import Period
from reportgen.plan import plan
from reportgen.workspace import load_workspace
from scripts import synthetic


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> Path:
    return synthetic.make_province(tmp_path_factory.mktemp("p") / "ws", "2x2")


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.glob("2022-Q1/*/*"))}


def test_recycled_workers_build_the_same_files_as_one_process(province, tmp_path, monkeypatch):
    ws = load_workspace(province)
    jobs = plan(ws, [Period.parse("2022-Q1")])
    serial = batch.build(ws, jobs, tmp_path / "serial", ("docx",))
    monkeypatch.setattr(workers, "WORKER_RSS_LIMIT_MB", 0)  # every worker retires after each document
    monkeypatch.setattr(workers, "WORKER_GROWTH_MB", -1)
    started = []
    real_start = workers.Pool._start
    monkeypatch.setattr(workers.Pool, "_start", lambda self: started.append(1) or real_start(self))
    parallel = batch.build(ws, jobs, tmp_path / "parallel", ("docx",), workers=2)
    assert len(started) == 2 * len(jobs)  # one fresh worker per document and phase (context, render)
    assert [(o.unit, o.kind, o.status, o.sha256) for o in parallel] == [(o.unit, o.kind, o.status, o.sha256)
                                                                         for o in serial]
    assert files(tmp_path / "parallel") == files(tmp_path / "serial")


def test_a_worker_that_dies_fails_its_document_only(province, tmp_path, monkeypatch):
    ws = load_workspace(province)
    jobs = plan(ws, [Period.parse("2022-Q1")], kinds=["bao-cao"])
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
    jobs = plan(ws, [Period.parse("2022-Q1")], kinds=["bao-cao"])
    order = []
    real = workers.Pool.map

    def spy(self, documents, payload):
        order.extend(d.job.unit for d in documents)
        return real(self, documents, payload)

    monkeypatch.setattr(workers.Pool, "map", spy)
    batch.build(ws, jobs, tmp_path / "out", ("docx",), workers=2)
    assert order[:3] == ["P", "P-D01", "P-D02"]  # 7, 3 and 3 units in scope, then the communes


def _without_signers(province: Path, tmp_path: Path, units: list[str]) -> Path:
    """A copy of the province whose notices of ``units`` have no signer (an input problem
    found only when their contexts are built)."""
    ws = tmp_path / "ws"
    shutil.copytree(province, ws)
    config = ws / "reportgen.toml"
    text = config.read_text(encoding="utf-8")
    for unit in units:
        start = text.index(f"[signers.{unit}.thong-bao]")
        end = text.find("\n[", start + 1)
        text = text[:start] + (text[end + 1:] if end != -1 else "")
    config.write_text(text, encoding="utf-8")
    return ws


def test_an_input_problem_found_by_a_worker_stops_the_run_before_anything_is_written(province, tmp_path):
    ws = load_workspace(_without_signers(province, tmp_path, ["P-D02", "P-D01"]))
    jobs = plan(ws, [Period.parse("2022-Q1")])
    with pytest.raises(InvalidInput) as serial:
        batch.build(ws, jobs, tmp_path / "serial", ("docx",))
    with pytest.raises(InvalidInput) as parallel:
        batch.build(ws, jobs, tmp_path / "parallel", ("docx",), workers=2)
    # the first problem in plan order, as a build in one process reports it, whatever worker found it first
    assert [str(p) for p in parallel.value.problems] == [str(p) for p in serial.value.problems] == [
        "reportgen.toml, cột signers.P-D01.thong-bao: chưa có người ký thong-bao của đơn vị P-D01: thêm "
        "[signers.P-D01.thong-bao] (name, title, authority)"]
    assert not (tmp_path / "serial").exists() and not (tmp_path / "parallel").exists()


def test_an_input_problem_from_a_worker_exits_2_with_its_message(province, tmp_path, cli):
    ws = _without_signers(province, tmp_path, ["P-D02"])
    result = cli("build", "-w", ws, "-o", tmp_path / "o", "-p", "2022-Q1", "-f", "docx", "-j", "2")
    assert result.exit_code == 2
    assert ("LỖI: reportgen.toml, cột signers.P-D02.thong-bao: chưa có người ký thong-bao của đơn vị P-D02: thêm "
            "[signers.P-D02.thong-bao] (name, title, authority)") in result.stderr
    assert not (tmp_path / "o").exists()


def test_contexts_are_built_in_the_workers_and_rendered_by_fresh_ones(province, tmp_path, monkeypatch):
    ws = load_workspace(province)
    jobs = plan(ws, [Period.parse("2022-Q1")])
    log = tmp_path / "pids"
    real_context, real_render = batch.build_context, batch._render_one

    def note(step, job):
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"{step} {os.getpid()} {job.unit} {job.kind}\n")

    monkeypatch.setattr(batch, "build_context", lambda ws, job: note("context", job) or real_context(ws, job))
    monkeypatch.setattr(batch, "_render_one", lambda ws, task: note("render", task[0]) or real_render(ws, task))
    results = batch.build(ws, jobs, tmp_path / "out", ("docx",), workers=2)
    assert {o.status for o in results} == {"built"}
    lines = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    contexts = [(unit, kind) for step, _, unit, kind in lines if step == "context"]
    assert sorted(contexts) == sorted((j.unit, j.kind) for j in jobs)  # each once
    pids = {step: {int(pid) for s, pid, *_ in lines if s == step} for step in ("context", "render")}
    assert os.getpid() not in pids["context"] | pids["render"]
    assert not pids["context"] & pids["render"]  # the renderers were forked after phase 1


def test_a_context_that_fails_in_a_worker_fails_its_document_only(province, tmp_path, monkeypatch):
    ws = load_workspace(province)
    jobs = plan(ws, [Period.parse("2022-Q1")])
    real = batch.build_context

    def context(ws, job):
        if (job.unit, job.kind) == ("P-D01", "bao-cao"):
            raise ZeroDivisionError("a bug")
        return real(ws, job)

    monkeypatch.setattr(batch, "build_context", context)
    serial = batch.build(ws, jobs, tmp_path / "serial", ("docx",))
    parallel = batch.build(ws, jobs, tmp_path / "parallel", ("docx",), workers=2)
    summary = [(o.unit, o.kind, o.status, o.sha256, (o.reason or "").split(";")[0]) for o in parallel]
    assert summary == [(o.unit, o.kind, o.status, o.sha256, (o.reason or "").split(";")[0]) for o in serial]
    assert [(o.unit, o.kind, o.reason.split(";")[0]) for o in parallel if o.status == "failed"] == [
        ("P-D01", "bao-cao", "lỗi không lường trước (ZeroDivisionError: a bug)")]
    assert files(tmp_path / "parallel") == files(tmp_path / "serial")
    assert not (tmp_path / "parallel" / "2022-Q1" / "P-D01" / "bao-cao.docx").exists()


# ---- the pool itself: handed its task ----------------------------------------------------------------

def _doubled_or_dead(n: int) -> int:
    if n == 3:
        os._exit(7)  # as if killed in the middle of its item
    return 2 * n


def test_the_pool_runs_the_task_it_is_handed_and_says_which_item_died():
    with workers.Pool(_doubled_or_dead, 2) as pool:
        outcomes = dict(pool.map([1, 2, 3, 4], lambda item: item))
    assert outcomes == {1: 2, 2: 4, 3: workers.Died(7), 4: 8}
    assert pool.workers == {}  # every worker let go on leaving
