"""The stale decision (reportgen/stale.py): the files a job makes, what is up to date, and the
files reportgen wrote that the plan no longer makes, removed unless someone edited them."""

from __future__ import annotations

import pytest

from reportgen import stale
from reportgen.job import Job
from reportgen.periods import Period
from reportgen.plan import Selection
from reportgen.store import Fingerprint, Store, sha256_bytes
from reportgen.workspace import load_workspace
from tests.conftest import SAMPLE

Q1 = Period.parse("2022-Q1")
REPORT, BULLETIN = Job("bao-cao", "TM", Q1), Job("tin-tuc", "TM", Q1)


@pytest.fixture(scope="module")
def ws():
    return load_workspace(SAMPLE)


def test_the_files_of_each_job(ws):
    assert list(stale.planned_files(ws, [REPORT, BULLETIN, Job("thong-bao", "TM", Q1, reason="x")], ("pdf", "html"))) == [
        "2022-Q1/TM/bao-cao.pdf", "2022-Q1/TM/tin-tuc.pdf", "2022-Q1/TM/tin-tuc.html", "2022-Q1/TM/tin-tuc.fragment.html"]
    assert stale.wanted(REPORT, ()) == ["docx", "pdf", "xlsx"]
    assert stale.wanted(REPORT, ("html",)) == []


def test_the_asked_format_of_a_file():
    assert [stale.asked_format("tin-tuc", s) for s in ("pdf", "fragment.html", "anh.jpg")] == ["pdf", "html", "html"]
    assert stale.asked_format("khac", "abc") == "abc"


def written(store: Store, out, relpath: str, data: bytes) -> None:
    path = out / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    store.record(relpath, sha256_bytes(data), None, "t", Fingerprint({}))


def test_a_file_the_plan_no_longer_makes_is_removed_with_its_empty_folders(ws, tmp_path):
    store = Store(tmp_path)
    written(store, tmp_path, "2022-Q1/TM/bao-cao.pdf", b"kept")
    written(store, tmp_path, "2021-Q4/TM-MH/bao-cao.pdf", b"old")
    warnings: list[str] = []
    removed = stale.remove_stale(store, tmp_path, ws, [REPORT], ("pdf",), Selection(), warnings)
    assert [(r.period, r.unit, r.kind, r.status, r.format) for r in removed] == [
        ("2021-Q4", "TM-MH", "bao-cao", "removed", "pdf")]
    assert sorted(store.entries) == ["2022-Q1/TM/bao-cao.pdf"]
    assert not (tmp_path / "2021-Q4").exists() and (tmp_path / "2022-Q1/TM/bao-cao.pdf").read_bytes() == b"kept"
    assert warnings == []


def test_an_edited_file_is_left_and_forgotten_and_nothing_outside_the_selection_is_touched(ws, tmp_path):
    store = Store(tmp_path)
    written(store, tmp_path, "2021-Q4/TM/bao-cao.pdf", b"written")
    (tmp_path / "2021-Q4/TM/bao-cao.pdf").write_bytes(b"edited by hand")
    written(store, tmp_path, "2021-Q1/TM/bao-cao.pdf", b"other period")
    warnings: list[str] = []
    assert stale.remove_stale(store, tmp_path, ws, [REPORT], ("pdf",), Selection((Period.parse("2021-Q4"), Q1)), warnings) == []
    assert warnings == [f"{tmp_path}/2021-Q4/TM/bao-cao.pdf: không còn trong kế hoạch lập nhưng đã bị sửa sau khi lập; "
                        "giữ nguyên, không theo dõi nữa"]
    assert sorted(store.entries) == ["2021-Q1/TM/bao-cao.pdf"]
    assert (tmp_path / "2021-Q4/TM/bao-cao.pdf").read_bytes() == b"edited by hand"


def test_unchanged_needs_every_file_in_the_store(ws, tmp_path):
    store = Store(tmp_path)
    assert stale.unchanged(store, ws, [REPORT], tmp_path, ("pdf",)) is None
    store.record("2022-Q1/TM/bao-cao.pdf", "ab", 4, "t", Fingerprint({}))
    [result] = stale.unchanged(store, ws, [REPORT, Job("thong-bao", "TM-MH", Q1, reason="x")], tmp_path, ("pdf",))[:1]
    assert (result.status, result.sha256, result.pages, result.path) == (
        "unchanged", "ab", 4, str(tmp_path / "2022-Q1/TM/bao-cao.pdf"))
    assert [r.status for r in stale.unchanged(store, ws, [REPORT, Job("thong-bao", "TM-MH", Q1, reason="x")],
                                              tmp_path, ("pdf",))] == ["unchanged", "skipped"]
