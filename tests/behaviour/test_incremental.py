"""Incremental builds (issue 9 item 4): fingerprints decide what is built again.

A small province (1 province, 2 districts of 2 communes) made by scripts/synthetic.py, so
that "one commune changed" has a commune, a district and a province above it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reportgen import __version__, batch
from reportgen import fingerprint as fp
from reportgen.periods import Period
from reportgen.plan import plan
from reportgen.store import SCHEME, STATE_DIR, STORE_FORMAT, Store
from reportgen.workspace import load_workspace
from scripts import synthetic
from tests.conftest import ROOT, bump_online, replace_in

COMMUNE = "P-D01-X001"


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> Path:
    return synthetic.make_province(tmp_path_factory.mktemp("p") / "ws", "2x2")


@pytest.fixture
def ws_copy(province: Path, tmp_path: Path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(province, target)
    return target


def run(workspace: Path, out: Path, force: bool = False, formats=("docx",), period="2022-Q1", **kw):
    ws = load_workspace(workspace)
    return batch.build(ws, plan(ws, [Period.parse(period)], **kw), out, formats, force=force)


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and STATE_DIR not in p.relative_to(out).parts}


def statuses(results) -> dict[str, str]:
    return {f"{r.unit}/{r.kind}.{r.format}": r.status for r in results}


def test_rebuild_with_nothing_changed_renders_nothing(ws_copy, tmp_path, monkeypatch, cli):
    out = tmp_path / "out"
    first = run(ws_copy, out)
    assert {r.status for r in first} == {"built"} and len(first) == 13  # 7 reports, 3 notices, 3 bulletins
    rendered = []
    monkeypatch.setattr(batch, "_render_one", lambda *a: rendered.append(a) or [])
    monkeypatch.setattr(batch, "build_context", lambda *a: rendered.append(a))
    again = run(ws_copy, out)
    assert rendered == []
    assert [r.status for r in again] == ["unchanged"] * 13
    assert [(r.path, r.sha256) for r in again] == [(r.path, r.sha256) for r in first]
    monkeypatch.undo()
    result = cli("build", "-w", ws_copy, "-o", out, "-p", "2022-Q1", "-f", "docx")
    assert result.exit_code == 0
    assert result.stdout.count("không đổi: ") == 13 and "đã ghi: " not in result.stdout
    assert result.stdout.endswith("Tổng kết: 0 tệp đã ghi, 13 tệp không đổi, 0 văn bản không lập được, 0 văn bản lỗi.\n")


def test_one_commune_changed_rebuilds_it_its_district_and_province_byte_identical(ws_copy, tmp_path):
    out, clean = tmp_path / "out", tmp_path / "clean"
    run(ws_copy, out, formats=("docx", "pdf"))
    bump_online(ws_copy, COMMUNE)
    again = run(ws_copy, out, formats=("docx", "pdf"))
    rebuilt = sorted(key for key, status in statuses(again).items() if status == "built")
    assert rebuilt == sorted(f"{unit}/{kind}.{fmt}" for unit, kinds in
                             ((COMMUNE, ["bao-cao"]), ("P-D01", ["bao-cao", "thong-bao", "tin-tuc"]),
                              ("P", ["bao-cao", "thong-bao", "tin-tuc"]))
                             for kind in kinds for fmt in ("docx", "pdf"))
    assert all(s == "unchanged" for k, s in statuses(again).items() if k not in rebuilt)
    run(ws_copy, clean, formats=("docx", "pdf"))
    assert files(out) == files(clean)


def test_force_rebuilds_everything(ws_copy, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run(ws_copy, out)
    calls = []
    real = batch._render_one
    monkeypatch.setattr(batch, "_render_one", lambda ws, task: calls.append(task[0]) or real(ws, task))
    forced = run(ws_copy, out, force=True)
    assert len(calls) == 13
    assert [r.status for r in forced] == ["unchanged"] * 13  # rendered again, same bytes: files not rewritten


@pytest.mark.parametrize("damage, expected", [
    (lambda p: p.write_text("{not json", encoding="utf-8"), "tệp dấu vân tay hỏng"),
    (lambda p: p.write_text(json.dumps({"format": STORE_FORMAT, "scheme": SCHEME, "reportgen": "0.0.1",
                                        "files": {}}), encoding="utf-8"),
     "dấu vân tay do reportgen 0.0.1 (lược đồ 1) ghi, không dùng được với reportgen"),
    (lambda p: p.write_text(json.dumps({"format": STORE_FORMAT, "scheme": SCHEME, "reportgen": __version__,
                                        "files": {"2022-Q1/P/bao-cao.docx": {"sha256": 1}}}), encoding="utf-8"),
     "tệp dấu vân tay hỏng"),
    (lambda p: p.unlink(), "không có dấu vân tay của lần lập trước; lập lại mọi văn bản"),
])
def test_untrusted_store_is_ignored_with_a_warning(ws_copy, tmp_path, monkeypatch, damage, expected, cli):
    out = tmp_path / "out"
    run(ws_copy, out)
    damage(out / ".reportgen" / "fingerprints.json")
    calls = []
    real = batch._render_one
    monkeypatch.setattr(batch, "_render_one", lambda ws, task: calls.append(task[0]) or real(ws, task))
    result = cli("build", "-w", ws_copy, "-o", out, "-p", "2022-Q1", "-f", "docx", "-j", "1")
    assert result.exit_code == 0
    assert len(calls) == 13  # nothing trusted: every document rendered again
    assert f"CẢNH BÁO: {out / '.reportgen' / 'fingerprints.json'}: " in result.stderr
    assert expected in result.stderr
    assert run(ws_copy, out).warnings == []  # the store is sound again


def test_a_first_build_into_a_new_folder_has_no_warning(ws_copy, tmp_path):
    assert run(ws_copy, tmp_path / "new").warnings == []


def test_edited_output_or_template_is_rebuilt(ws_copy, tmp_path):
    out = tmp_path / "out"
    run(ws_copy, out, formats=("docx", "pdf"))
    (out / "2022-Q1" / "P" / "bao-cao.pdf").write_bytes(b"edited")
    css = ws_copy / "templates" / "print.css"
    css.parent.mkdir()
    shutil.copy(ROOT / "templates" / "print.css", css)
    with css.open("a", encoding="utf-8") as handle:
        handle.write("\nbody { color: #111111 }\n")
    again = statuses(run(ws_copy, out, formats=("docx", "pdf")))
    # a workspace print.css changes every PDF, no DOCX; the edited PDF is replaced
    assert {k: s for k, s in again.items() if k.endswith(".pdf")} == {k: "built" for k in again if k.endswith(".pdf")}
    assert {s for k, s in again.items() if k.endswith(".docx")} == {"unchanged"}


def test_fingerprint_names_what_changed(ws_copy, tmp_path):
    out = tmp_path / "out"
    run(ws_copy, out, formats=("pdf",))
    ws = load_workspace(ws_copy)
    job = next(j for j in plan(ws, [Period.parse("2022-Q1")], ["P-D01"], ["bao-cao"]))
    store, warning = Store.load(out)
    assert warning is None
    assert fp.built_differences(store, fp.Inputs(ws), job, "pdf") == []
    (ws_copy / "templates").mkdir()
    (ws_copy / "templates" / "print.css").write_text("p { color: red }\n", encoding="utf-8")
    replace_in(ws_copy / "units.csv", "Huyện Mỹ An", "Huyện Mỹ An Mới")
    ws = load_workspace(ws_copy)
    assert fp.built_differences(store, fp.Inputs(ws), job, "pdf") == [
        "mẫu print.css: lúc lập dùng mẫu có sẵn, nay dùng mẫu workspace",
        "units.csv: dữ liệu của văn bản này đã đổi sau lần lập",
    ]
    other = next(j for j in plan(ws, [Period.parse("2022-Q1")], ["P-D02"], ["bao-cao"]))
    assert fp.built_differences(store, fp.Inputs(ws), other, "docx") == [
        f"{out / '2022-Q1' / 'P-D02' / 'bao-cao.docx'}: chưa được lập (không có trong {store.path})"]


def test_leftover_temporary_files_are_cleaned_and_counted(ws_copy, tmp_path, cli):
    out = tmp_path / "out"
    run(ws_copy, out)
    killed = out / ".reportgen" / "tmp" / "run-99999-abcd"  # a run that died: no process holds its lock
    (killed / "assets-x").mkdir(parents=True)
    (killed / ".lock").write_text("")
    (killed / ".bao-cao.pdf.k2j3h4g5.tmp").write_bytes(b"half")
    (killed / "assets-x" / "ty-le-truc-tuyen.png").write_bytes(b"png")
    stray = out / "2022-Q1" / "P" / ".bao-cao.pdf.a1b2c3d4.tmp"  # left by earlier versions, next to the file
    stray.write_bytes(b"half")
    result = cli("build", "-w", ws_copy, "-o", out, "-p", "2022-Q1", "-f", "docx")
    assert result.exit_code == 0
    assert "Đã dọn 3 tệp tạm của lần lập trước bị ngắt." in result.stderr
    assert not killed.exists() and not stray.exists()
    assert list((out / ".reportgen" / "tmp").iterdir()) == []
    again = cli("build", "-w", ws_copy, "-o", out, "-p", "2022-Q1", "-f", "docx")
    assert "Đã dọn" not in again.stderr
