"""The build of a list of jobs (reportgen/batch.py): what changed is rendered and written whole,
what did not is "unchanged", a skipped job is reported, the store remembers every file. The
bulletin in HTML only: no PDF or DOCX renderer runs here."""

from __future__ import annotations

import pytest

from reportgen import batch
from reportgen.job import Job
from reportgen.periods import Period
from reportgen.plan import Selection
from reportgen.store import STATE_DIR, Store, sha256_file
from reportgen.workspace import load_workspace
from tests.conftest import replace_in

Q1 = Period.parse("2022-Q1")
BULLETIN = Job("tin-tuc", "TM", Q1)
SKIPPED = Job("tin-tuc", "TM-MH", Q1, reason="không có tệp cuộc họp (meetings/*.yaml) của đơn vị TM-MH kỳ 2022-Q1")


def statuses(outputs) -> list[tuple[str, str, str | None]]:
    return [(r.unit, r.status, r.format) for r in outputs]


@pytest.fixture
def built(workspace, tmp_path):
    out = tmp_path / "out"
    outputs = batch.build(load_workspace(workspace), [BULLETIN, SKIPPED], out, ("html",))
    return workspace, out, outputs


def test_a_first_build_writes_the_files_and_remembers_them(built):
    _, out, outputs = built
    assert statuses(outputs) == [("TM", "built", "html"), ("TM", "built", "fragment.html"), ("TM-MH", "skipped", None)]
    assert (outputs.warnings, outputs.cleaned, outputs.fault) == ([], 0, None)
    page = out / "2022-Q1" / "TM" / "tin-tuc.html"
    assert outputs[0].path == str(page) and outputs[0].sha256 == sha256_file(page)
    assert "Cuộc họp đánh giá kết quả thực hiện cải cách hành chính quý I năm 2022" in page.read_text(encoding="utf-8")
    assert outputs[2].reason == SKIPPED.reason and outputs[2].exit_code == 1
    store, warning = Store.load(out)
    assert warning is None and sorted(store.entries) == ["2022-Q1/TM/tin-tuc.fragment.html", "2022-Q1/TM/tin-tuc.html"]
    assert [p.name for p in (out / STATE_DIR / batch.TEMP_DIR).iterdir()] == []  # the run's own folder is gone


def test_nothing_changed_nothing_rendered(built, monkeypatch):
    workspace, out, first = built

    def no_render(*args, **kwargs):
        raise AssertionError("rendered although nothing changed")

    monkeypatch.setattr(batch, "_render_one", no_render)
    monkeypatch.setattr(batch, "_context_of", no_render)
    again = batch.build(load_workspace(workspace), [BULLETIN], out, ("html",))
    assert statuses(again) == [("TM", "unchanged", "html"), ("TM", "unchanged", "fragment.html")]
    assert [r.sha256 for r in again] == [r.sha256 for r in first[:2]]


def test_an_edited_meeting_rebuilds_and_force_renders_anyway(built, monkeypatch):
    workspace, out, first = built
    replace_in(workspace / "meetings" / "2022-q1-thap-muoi.yaml", "ho_ten: Hoàng Kha", "ho_ten: Hoàng Khang")
    again = batch.build(load_workspace(workspace), [BULLETIN], out, ("html",))
    assert [r.status for r in again] == ["built", "built"]
    assert [r.sha256 for r in again] != [r.sha256 for r in first[:2]]
    rendered = []
    render_one = batch._render_one
    monkeypatch.setattr(batch, "_render_one", lambda ws, task: rendered.append(task) or render_one(ws, task))
    forced = batch.build(load_workspace(workspace), [BULLETIN], out, ("html",), force=True)
    # rendered again, the same bytes: the files are left as they are
    assert len(rendered) == 1 and [r.status for r in forced] == ["unchanged", "unchanged"]
    assert [r.sha256 for r in forced] == [r.sha256 for r in again]


def test_a_file_no_longer_planned_is_removed(built):
    workspace, out, _ = built
    outputs = batch.build(load_workspace(workspace), [], out, ("html",), selection=None)
    assert outputs == []  # without a selection or jobs nothing is in scope: nothing is touched
    removed = batch.build(load_workspace(workspace), [], out, ("html",), selection=Selection((Q1,)))
    assert [(r.status, r.format) for r in removed] == [("removed", "fragment.html"), ("removed", "html")]
    assert not (out / "2022-Q1").exists()
