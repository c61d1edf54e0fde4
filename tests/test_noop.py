"""The no-op rebuild decided before the workspace is loaded (issue 9 item 4, reportgen/noop.py).

A small province (1 province, 2 districts of 2 communes, 13 DOCX files for 2022-Q1) is
built once; each test works on a copy. "Fast" means the build answered without loading
the workspace (``load_workspace`` not called) and rendered nothing; "fell back" means it
loaded the workspace and decided through the fingerprints as before.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen import batch
from reportgen import workspace as workspace_module
from reportgen.cli import main
from reportgen.store import sha256_file
from scripts import synthetic
from tests.conftest import ROOT, bump_online, replace_in

COMMUNE = "P-D01-X001"
BUILD = ("build", "-p", "2022-Q1", "-f", "docx", "-j", "1")
ALL = {f"{unit}/{kind}" for unit in ("P", "P-D01", "P-D02") for kind in ("bao-cao", "thong-bao", "tin-tuc")} | {
    f"P-D0{d}-X00{c}/bao-cao" for d in (1, 2) for c in (1, 2)}
COMMUNE_UP = {f"{COMMUNE}/bao-cao"} | {f"{unit}/{kind}" for unit in ("P-D01", "P")
                                       for kind in ("bao-cao", "thong-bao", "tin-tuc")}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """The province, with a figures warning and workspace copies of a template and base.docx, built once."""
    root = tmp_path_factory.mktemp("noop")
    ws = synthetic.make_province(root / "ws", "2x2")
    figures = ws / "figures" / "mot-cua-2021-q1.csv"
    lines = figures.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("2021-Q1,P-D02-X002,"))
    cells = lines[row].split(",")
    cells[2] = str(int(cells[2]) + 1)  # received no longer adds up: a warning every build shows
    lines[row] = ",".join(cells)
    figures.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (ws / "templates").mkdir()
    for name in ("thong-bao.html.j2", "base.docx"):
        shutil.copy(ROOT / "templates" / name, ws / "templates" / name)
    out = root / "out"
    result = CliRunner().invoke(main, [*BUILD, "-w", str(ws), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return ws, out


@pytest.fixture
def site(built, tmp_path) -> tuple[Path, Path]:
    """A copy of the built workspace and outputs (a new place: no run recorded for it yet)."""
    ws, out = tmp_path / "ws", tmp_path / "out"
    shutil.copytree(built[0], ws)
    shutil.copytree(built[1], out)
    return ws, out


class Spy:
    """Counts workspace loads and the documents rendered (``-j 1``: in this process)."""

    def __init__(self, monkeypatch):
        self.loads, self.rendered = 0, []
        load, render = workspace_module.load_workspace, batch._render_one

        def counted_load(*args, **kwargs):
            self.loads += 1
            return load(*args, **kwargs)

        def counted_render(ws, task):
            self.rendered.append(f"{task[0].unit}/{task[0].kind}")
            return render(ws, task)

        monkeypatch.setattr(workspace_module, "load_workspace", counted_load)
        monkeypatch.setattr(batch, "_render_one", counted_render)

    def reset(self) -> None:
        self.loads, self.rendered = 0, []


@pytest.fixture
def spy(monkeypatch) -> Spy:
    return Spy(monkeypatch)


def build(spy: Spy, ws: Path, out: Path, *extra):
    spy.reset()
    return CliRunner().invoke(main, [str(a) for a in (*BUILD, "-w", ws, "-o", out, *extra)], catch_exceptions=False)


def recorded(spy: Spy, ws: Path, out: Path, *extra):
    """Build twice: the first (normal) records the run, the second must be fast; return the second."""
    build(spy, ws, out, *extra)
    result = build(spy, ws, out, *extra)
    assert (spy.loads, spy.rendered) == (0, []), "the second build of the same command was not a fast no-op"
    return result


def drop_runs(out: Path) -> None:
    """Forget the recorded runs (the fingerprints stay): the next build takes the normal path."""
    store = out / ".reportgen" / "fingerprints.json"
    data = json.loads(store.read_text(encoding="utf-8"))
    assert data.pop("runs")
    store.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_fast_no_op_prints_exactly_what_the_normal_no_op_prints(site, spy):
    ws, out = site
    selections = {"text": (), "json": ("--json",),
                  "a job that cannot be made": ("-k", "bao-cao", "-k", "thong-bao", "-u", "P-D01", "-u", COMMUNE)}
    for name, extra in selections.items():
        fast = recorded(spy, ws, out, *extra)
        drop_runs(out)
        normal = build(spy, ws, out, *extra)
        assert spy.loads == 1 and spy.rendered == [], name
        assert (fast.exit_code, fast.stdout, fast.stderr) == (normal.exit_code, normal.stdout, normal.stderr), name
    warning = "CẢNH BÁO: figures/mot-cua-2021-q1.csv, dòng "
    text = recorded(spy, ws, out)
    assert text.exit_code == 0 and text.stderr.startswith(warning)
    assert text.stdout.count("không đổi: ") == 13 and "đã ghi: " not in text.stdout
    assert text.stdout.endswith("Tổng kết: 0 tệp đã ghi, 13 tệp không đổi, 0 văn bản không lập được, 0 văn bản lỗi.\n")
    lines = [json.loads(line) for line in recorded(spy, ws, out, "--json").stdout.splitlines()]
    assert [(r["status"], r["path"]) for r in lines] == [
        ("unchanged", str(out / "2022-Q1" / key.split("/")[0] / f"{key.split('/')[1]}.docx"))
        for key in [f"{u}/{k}" for u in ("P", "P-D01", COMMUNE, "P-D01-X002", "P-D02", "P-D02-X001", "P-D02-X002")
                    for k in ("bao-cao", "thong-bao", "tin-tuc") if f"{u}/{k}" in ALL]]
    assert all(r["sha256"] == sha256_file(Path(r["path"])) for r in lines)
    skipped = recorded(spy, ws, out, "-k", "bao-cao", "-k", "thong-bao", "-u", "P-D01", "-u", COMMUNE)
    assert skipped.exit_code == 1
    assert (f"KHÔNG LẬP ĐƯỢC: 2022-Q1 {COMMUNE} thong-bao: không có tệp cuộc họp (meetings/*.yaml) "
            f"của đơn vị {COMMUNE} kỳ 2022-Q1") in skipped.stderr


def _figures(ws: Path) -> None:
    bump_online(ws, COMMUNE)


def _base_docx(ws: Path) -> None:
    """One byte of one part of the workspace's base.docx (a valid package still)."""
    path = ws / "templates" / "base.docx"
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in parts:
            if info.filename == "docProps/app.xml":
                data = data.replace(b"<Application>", b"<Application>x", 1) if b"<Application>" in data else data + b" "
            target.writestr(info, data)


def _template(ws: Path) -> None:
    with (ws / "templates" / "thong-bao.html.j2").open("a", encoding="utf-8") as handle:
        handle.write("\n")  # one byte more: the same document, but the template changed


CHANGES = {
    "figures": (_figures, COMMUNE_UP),
    "meeting": (lambda ws: replace_in(ws / "meetings" / "2022-q1-p-d01.yaml", "ngay: 2022-03-09", "ngay: 2022-03-08"),
                {"P-D01/bao-cao", "P-D01/thong-bao", "P-D01/tin-tuc"}),
    "template": (_template, {"P/thong-bao", "P-D01/thong-bao", "P-D02/thong-bao"}),
    "base.docx": (_base_docx, ALL),
    "config": (lambda ws: replace_in(ws / "reportgen.toml", 'archive = "VT"', 'archive = "VX"'), ALL),
    "a comment of the config": (lambda ws: replace_in(ws / "reportgen.toml", "# Default", "#  Default"), set()),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_changed_input_falls_back_and_rebuilds_exactly_its_dependents(site, spy, change):
    ws, out = site
    recorded(spy, ws, out)
    alter, dependents = CHANGES[change]
    alter(ws)
    result = build(spy, ws, out)
    assert result.exit_code == 0
    assert spy.loads == 1 and sorted(spy.rendered) == sorted(dependents)
    recorded(spy, ws, out)  # the fallback recorded the new run: fast again


def test_an_edit_that_keeps_size_and_modification_time_is_still_seen(site, spy):
    ws, out = site
    meeting = ws / "meetings" / "2022-q1-p-d01.yaml"
    before = meeting.stat()
    os.utime(meeting, ns=(before.st_atime_ns, before.st_mtime_ns - 10 ** 10))  # as if written long ago
    recorded(spy, ws, out)
    replace_in(meeting, "ngay: 2022-03-09", "ngay: 2022-03-08")
    os.utime(meeting, ns=(before.st_atime_ns, before.st_mtime_ns - 10 ** 10))  # same size, same mtime: ctime moved
    assert meeting.stat().st_size == before.st_size
    build(spy, ws, out)
    assert spy.loads == 1 and sorted(spy.rendered) == ["P-D01/bao-cao", "P-D01/thong-bao", "P-D01/tin-tuc"]


def test_touched_files_stay_a_fast_no_op(site, spy):
    ws, out = site
    recorded(spy, ws, out)
    for path in (ws / "units.csv", out / "2022-Q1" / "P" / "bao-cao.docx"):
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10 ** 9))  # same bytes
    result = build(spy, ws, out)
    assert (spy.loads, spy.rendered) == (0, []) and result.stdout.count("không đổi: ") == 13


def test_a_new_file_anywhere_in_the_workspace_falls_back(site, spy):
    ws, out = site
    recorded(spy, ws, out)
    (ws / "ghi-chu.txt").write_text("chưa dùng\n", encoding="utf-8")
    result = build(spy, ws, out)
    # a file no part accounts for is an input of every document (issue 22): each is rendered,
    # and the same bytes come out ("không đổi" after rendering)
    assert spy.loads == 1 and sorted(spy.rendered) == sorted(ALL)
    assert result.stdout.count("không đổi: ") == 13
    build(spy, ws, out)
    assert spy.loads == 0  # recorded again: the next one is the fast no-op
    (ws / "templates" / "extra.css").write_text("p { color: #000 }\n", encoding="utf-8")
    build(spy, ws, out)
    assert spy.loads == 1 and sorted(spy.rendered) == sorted(ALL)  # a stylesheet of the template folder: every file


def test_an_output_edited_by_hand_is_rebuilt(site, spy):
    ws, out = site
    recorded(spy, ws, out)
    edited = out / "2022-Q1" / "P-D02" / "thong-bao.docx"
    good = edited.read_bytes()
    edited.write_bytes(good[:-1] + bytes([good[-1] ^ 1]))  # same size
    result = build(spy, ws, out)
    assert spy.loads == 1 and spy.rendered == ["P-D02/thong-bao"]
    assert f"đã ghi: {edited}\n" in result.stdout and result.stdout.count("không đổi: ") == 12
    assert edited.read_bytes() == good
    edited.unlink()
    build(spy, ws, out)
    assert spy.loads == 1 and spy.rendered == ["P-D02/thong-bao"] and edited.read_bytes() == good


def test_force_rebuilds_everything_then_the_no_op_is_fast_again(site, spy):
    ws, out = site
    recorded(spy, ws, out)
    result = build(spy, ws, out, "--force")
    assert spy.loads == 1 and sorted(spy.rendered) == sorted(ALL)
    assert result.stdout.count("không đổi: ") == 13  # rendered again, same bytes
    build(spy, ws, out)
    assert (spy.loads, spy.rendered) == (0, [])


def test_a_corrupt_recorded_run_is_no_replay_and_is_replaced(site, spy):
    """The store keeps noop's runs as opaque records (reportgen.store): one that noop cannot
    read as a run is not replayed; the normal build, whose fingerprints still hold, renders
    nothing and records a good run in its place."""
    ws, out = site
    recorded(spy, ws, out)
    store = out / ".reportgen" / "fingerprints.json"
    data = json.loads(store.read_text(encoding="utf-8"))
    elsewhere = str(out / "elsewhere.docx")
    for run in data["runs"].values():  # this command's and the copied folder's: a result without its output's stat
        run["results"][0]["path"] = elsewhere
    store.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = build(spy, ws, out)
    assert (result.exit_code, spy.loads, spy.rendered) == (0, 1, [])
    assert "tệp dấu vân tay hỏng" not in result.stderr and result.stdout.count("không đổi: ") == 13
    runs = json.loads(store.read_text(encoding="utf-8"))["runs"].values()
    assert len(runs) == len(data["runs"]) and [r["results"][0]["path"] == elsewhere for r in runs].count(False) == 1
    recorded(spy, ws, out)


def test_runs_that_are_not_objects_make_the_store_corrupt(site, spy):
    """What the store itself checks of the runs it keeps: a JSON object of objects."""
    ws, out = site
    recorded(spy, ws, out)
    store = out / ".reportgen" / "fingerprints.json"
    data = json.loads(store.read_text(encoding="utf-8"))
    data["runs"] = {"x": 1}
    store.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = build(spy, ws, out)
    assert spy.loads == 1 and sorted(spy.rendered) == sorted(ALL)
    assert f"CẢNH BÁO: {store}: tệp dấu vân tay hỏng (mục runs sai dạng)" in result.stderr
    recorded(spy, ws, out)


def test_leftovers_of_a_killed_build_fall_back_and_are_cleaned(site, spy):
    ws, out = site
    recorded(spy, ws, out)
    killed = out / ".reportgen" / "tmp" / "run-99999-abcd"
    killed.mkdir(parents=True)
    (killed / ".bao-cao.docx.k2j3h4g5.tmp").write_bytes(b"half")
    result = build(spy, ws, out)
    assert spy.loads == 1 and "Đã dọn 1 tệp tạm của lần lập trước bị ngắt." in result.stderr
    recorded(spy, ws, out)
    (out / "2022-Q1" / "P" / ".bao-cao.docx.a1b2c3d4.tmp").write_bytes(b"half")
    result = build(spy, ws, out)
    assert spy.loads == 1 and "Đã dọn 1 tệp tạm của lần lập trước bị ngắt." in result.stderr


def test_outputs_inside_the_workspace_are_not_its_inputs(site, spy):
    ws, _ = site
    out = ws / "outputs"
    build(spy, ws, out)
    assert sorted(spy.rendered) == sorted(ALL)
    result = recorded(spy, ws, out)
    assert result.stdout.count("không đổi: ") == 13


def test_fast_no_op_imports_neither_pandas_nor_a_renderer(site):
    ws, out = site
    script = ("import sys\nfrom reportgen.cli import main\ntry:\n    main(sys.argv[1:])\nfinally:\n"
              "    heavy = ('pandas', 'numpy', 'pydantic', 'jinja2', 'weasyprint', 'docx', 'matplotlib', 'openpyxl')\n"
              "    print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n")
    command = [sys.executable, "-c", script, *BUILD, "-w", str(ws), "-o", str(out)]
    first = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert "'pandas'" in first.stderr.splitlines()[-1]  # a new place: the normal path, which records
    second = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0 and second.stderr.splitlines()[-1] == "[]"
    assert second.stdout == first.stdout and second.stdout.count("không đổi: ") == 13
