"""Issue 22's findings, each as a regression test: an incremental build that is never wrong,
outputs that match the plan, faults named for what they are.

A small province (scripts/synthetic.py 1x1: a province, a district, a commune; meetings for
the province and the district) keeps these quick.
"""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reportgen import fingerprint as fp
from reportgen.resources import BUILTIN_TEMPLATES
from reportgen.store import STATE_DIR, Store
from scripts import synthetic
from tests.conftest import replace_in

MEETING = "meetings/2022-q1-p-d01.yaml"


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    return synthetic.make_province(tmp_path_factory.mktemp("findings") / "ws", "1x1")


@pytest.fixture
def ws(source, tmp_path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(source, target)
    return target


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and STATE_DIR not in p.relative_to(out).parts}


def build(cli, ws: Path, out: Path, *extra):
    return cli("build", "-w", ws, "-o", out, "-j", "1", *extra)


def same_as_clean(cli, ws: Path, out: Path, tmp_path: Path, *extra) -> None:
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    assert build(cli, ws, clean, *extra).exit_code == 0
    assert tree(out) == tree(clean)


# ---- 1. the fingerprint covers what makes the file -------------------------------------------

def test_units_csv_reordered_rebuilds_what_shows_the_order(cli, workspace, tmp_path):
    """The sample district: two communes swapped in units.csv swap in the report's workbook."""
    out, selection = tmp_path / "out", ("-f", "xlsx", "-p", "2022-Q1", "-u", "TM", "-k", "bao-cao")
    assert build(cli, workspace, out, *selection).exit_code == 0
    units = workspace / "units.csv"
    lines = units.read_text(encoding="utf-8").splitlines()
    lines[2], lines[3] = lines[3], lines[2]  # Thị trấn Mỹ An, Xã Mỹ An
    units.write_text("\n".join(lines) + "\n", encoding="utf-8")
    again = build(cli, workspace, out, *selection)
    assert again.exit_code == 0 and f"đã ghi: {out / '2022-Q1' / 'TM' / 'bao-cao.xlsx'}" in again.stdout
    same_as_clean(cli, workspace, out, tmp_path, *selection)


def test_a_dot_named_partial_is_fingerprinted(cli, ws, tmp_path):
    folder = ws / "templates"
    folder.mkdir()
    builtin = (BUILTIN_TEMPLATES / "tin-tuc.html.j2").read_text(encoding="utf-8")
    anchor = "{% block body %}\n"
    assert anchor in builtin  # the override below must really include the partial
    (folder / "tin-tuc.html.j2").write_text(builtin.replace(
        anchor, anchor + '{% include "./.ghi-chu.html.j2" %}\n', 1), encoding="utf-8")
    (folder / ".ghi-chu.html.j2").write_text("<p>Ghi chú thứ nhất.</p>\n", encoding="utf-8")
    out = tmp_path / "out"
    assert build(cli, ws, out, "-f", "html").exit_code == 0
    (folder / ".ghi-chu.html.j2").write_text("<p>Ghi chú thứ hai.</p>\n", encoding="utf-8")
    again = build(cli, ws, out, "-f", "html")
    assert "đã ghi: " in again.stdout
    page = (out / "2022-Q1" / "P-D01" / "tin-tuc.html").read_text(encoding="utf-8")
    assert "Ghi chú thứ hai." in page and "Ghi chú thứ nhất." not in page
    same_as_clean(cli, ws, out, tmp_path, "-f", "html")


def test_a_file_no_part_accounts_for_renders_every_document(cli, ws, tmp_path):
    """A new input a newer loader may read (tai-lieu/...) is covered by construction."""
    out = tmp_path / "out"
    assert build(cli, ws, out, "-f", "html").exit_code == 0
    (ws / "tai-lieu").mkdir()
    (ws / "tai-lieu" / "2022-Q1-P.yaml").write_text("tieu_de: mới\n", encoding="utf-8")
    store = Store.load(out)[0]
    again = build(cli, ws, out, "-f", "html")
    after = Store.load(out)[0]
    assert again.exit_code == 0
    assert all("tệp tai-lieu/2022-Q1-P.yaml" in e.fingerprint.parts for e in after.entries.values())
    assert all(store.entries[k].fingerprint != e.fingerprint for k, e in after.entries.items())


def test_a_report_text_is_a_part_of_its_own_report_only(cli, ws, tmp_path):
    """noi-dung/*.yaml has its own part (the unit's report of the period), never also ``tệp``."""
    out = tmp_path / "out"
    assert build(cli, ws, out, "-f", "docx").exit_code == 0
    (ws / "noi-dung").mkdir()
    (ws / "noi-dung" / "2022-Q1-P-D01-X001.yaml").write_text(
        "don_vi: P-D01-X001\nky: 2022-Q1\nde_xuat:\n  - Đề nghị bổ sung máy quét.\n", encoding="utf-8")
    store = Store.load(out)[0]
    again = build(cli, ws, out, "-f", "docx")
    after = Store.load(out)[0]
    assert again.exit_code == 0, again.output
    changed = sorted(k for k, e in after.entries.items() if store.entries[k].fingerprint != e.fingerprint)
    assert changed == ["2022-Q1/P-D01-X001/bao-cao.docx"]
    assert "noi-dung/2022-Q1-P-D01-X001.yaml" in after.entries[changed[0]].fingerprint.parts
    assert not any(part.startswith(fp.OTHER_PREFIX + "noi-dung/")
                   for e in after.entries.values() for part in e.fingerprint.parts)


def test_an_unreadable_input_makes_a_new_digest_every_build(ws, monkeypatch):
    """Unreadable (any reason, root included): a digest no later build repeats, and no no-op run."""
    from reportgen import noop
    from reportgen.workspace import load_workspace

    (ws / "ghi-chu.txt").write_text("x", encoding="utf-8")
    real = fp.sha256_file

    def refuse(path):
        if Path(path).name == "ghi-chu.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(fp, "sha256_file", refuse)  # the fingerprints' digests
    monkeypatch.setattr(noop, "sha256_file", refuse)  # the no-op snapshot's (reportgen.store's function)
    loaded = load_workspace(ws)
    first, second = fp.Inputs(loaded).other_files, fp.Inputs(loaded).other_files
    assert first["tệp ghi-chu.txt"].startswith("không đọc được:") and first != second
    snapshot = noop.take_snapshot(noop.Request(ws, ws.parent / "out"))
    assert snapshot.inputs is None  # nothing recorded: the fast path never answers "không đổi"


# ---- 2. outputs match the plan -----------------------------------------------------------------

def test_a_deleted_meeting_removes_its_notice_and_bulletin(cli, ws, tmp_path):
    out = tmp_path / "out"
    assert build(cli, ws, out, "-f", "docx", "-p", "2022-Q1").exit_code == 0
    mine = out / "2022-Q1" / "mine.txt"
    mine.write_text("của tôi", encoding="utf-8")  # never touched: reportgen did not write it
    (ws / MEETING).unlink()
    result = build(cli, ws, out, "-f", "docx", "-p", "2022-Q1", "--json")
    assert result.exit_code == 0
    removed = [json.loads(line) for line in result.stdout.splitlines() if '"removed"' in line]
    assert sorted((r["unit"], r["kind"], r["format"]) for r in removed) == [
        ("P-D01", "thong-bao", "docx"), ("P-D01", "tin-tuc", "docx")]
    assert not (out / "2022-Q1" / "P-D01" / "thong-bao.docx").exists() and mine.read_text("utf-8") == "của tôi"
    assert "2 tệp đã xoá" in result.stderr
    mine.unlink()
    same_as_clean(cli, ws, out, tmp_path, "-f", "docx", "-p", "2022-Q1")


def test_files_written_before_an_upgrade_are_still_removed(cli, ws, tmp_path):
    """A store of another reportgen version is not trusted, but its list of written files is."""
    out = tmp_path / "out"
    assert build(cli, ws, out, "-f", "html", "-p", "2022-Q1").exit_code == 0
    store = out / ".reportgen" / "fingerprints.json"
    data = json.loads(store.read_text("utf-8"))
    store.write_text(json.dumps({**data, "reportgen": "0.0.1"}), encoding="utf-8")
    bulletin = out / "2022-Q1" / "P-D01" / "tin-tuc.html"
    bulletin.with_name("tin-tuc.fragment.html").write_text("sửa tay", encoding="utf-8")  # edited: left
    (ws / MEETING).unlink()
    result = build(cli, ws, out, "-f", "html", "-p", "2022-Q1")
    assert result.exit_code == 0
    assert "dấu vân tay do reportgen 0.0.1 (lược đồ 1) ghi, không dùng được với reportgen" in result.stderr
    assert f"đã xoá: {bulletin}" in result.stdout and not bulletin.exists()
    assert bulletin.with_name("tin-tuc.fragment.html").read_text("utf-8") == "sửa tay"


def test_deleted_unit_rows_remove_the_units_report_even_with_force(cli, ws, tmp_path):
    out = tmp_path / "out"
    assert build(cli, ws, out, "-f", "xlsx").exit_code == 0
    figures = ws / "figures" / "mot-cua-2021-q4.csv"
    figures.write_text("".join(line for line in figures.read_text("utf-8").splitlines(keepends=True)
                               if ",P-D01-X001," not in line), encoding="utf-8")
    result = build(cli, ws, out, "-f", "xlsx", "--force")
    report = out / "2021-Q4" / "P-D01-X001" / "bao-cao.xlsx"
    assert f"đã xoá: {report}\n" in result.stdout and not report.parent.exists()
    same_as_clean(cli, ws, out, tmp_path, "-f", "xlsx")


def test_a_photo_switched_from_jpg_to_png_leaves_no_jpg(cli, ws, tmp_path):
    from PIL import Image

    def photo(fmt):
        buffer = io.BytesIO()
        Image.new("RGB", (40, 30), (200, 10, 10)).save(buffer, format=fmt)
        return buffer.getvalue()

    (ws / "anh.jpg").write_bytes(photo("JPEG"))
    replace_in(ws / MEETING, "anh:\n", "anh:\n  tep: anh.jpg\n")
    out = tmp_path / "out"
    assert build(cli, ws, out, "-f", "html").exit_code == 0
    folder = out / "2022-Q1" / "P-D01"
    assert (folder / "tin-tuc.anh.jpg").is_file()
    (ws / "anh.jpg").unlink()
    (ws / "anh.png").write_bytes(photo("PNG"))
    replace_in(ws / MEETING, "tep: anh.jpg", "tep: anh.png")
    result = build(cli, ws, out, "-f", "html")
    assert f"đã xoá: {folder / 'tin-tuc.anh.jpg'}" in result.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["tin-tuc.anh.png", "tin-tuc.fragment.html", "tin-tuc.html"]
    same_as_clean(cli, ws, out, tmp_path, "-f", "html")


def test_a_narrower_build_removes_nothing_outside_its_selection(cli, ws, tmp_path):
    out = tmp_path / "out"
    assert build(cli, ws, out, "-f", "docx", "-p", "2022-Q1").exit_code == 0
    before = tree(out)
    (ws / MEETING).unlink()
    result = build(cli, ws, out, "-f", "docx", "-p", "2022-Q1", "-k", "bao-cao")
    assert "đã xoá" not in result.stdout and set(tree(out)) == set(before)


def test_a_stale_file_edited_by_hand_is_left_and_named(cli, ws, tmp_path):
    out = tmp_path / "out"
    assert build(cli, ws, out, "-f", "docx", "-p", "2022-Q1").exit_code == 0
    edited = out / "2022-Q1" / "P-D01" / "thong-bao.docx"
    edited.write_bytes(b"ban sua tay")
    (ws / MEETING).unlink()
    result = build(cli, ws, out, "-f", "docx", "-p", "2022-Q1")
    assert edited.read_bytes() == b"ban sua tay"
    assert f"{edited}: không còn trong kế hoạch lập nhưng đã bị sửa sau khi lập; giữ nguyên" in result.stderr
    assert "2022-Q1/P-D01/thong-bao.docx" not in Store.load(out)[0].entries


def test_current_outputs_are_the_plans_files_only(ws, tmp_path, cli):
    from reportgen import stale
    from reportgen.workspace import load_workspace

    out = tmp_path / "out"
    assert build(cli, ws, out, "-f", "docx", "-p", "2022-Q1").exit_code == 0
    (out / "2022-Q1" / "P-D01" / "tin-tuc.anh.jpg").write_bytes(b"old photo")
    shutil.copy(ws / MEETING, tmp_path / "meeting.yaml")
    (ws / MEETING).unlink()  # not built since: the notice and bulletin are still there
    names = {f"{job.unit}/{job.kind}.{suffix}" for job, suffix, _ in stale.current_outputs(load_workspace(ws), out)}
    assert names == {"P/bao-cao.docx", "P/thong-bao.docx", "P/tin-tuc.docx", "P-D01/bao-cao.docx",
                     "P-D01-X001/bao-cao.docx"}


# ---- 4. text is text -------------------------------------------------------------------------

FORMULAS = ('=HYPERLINK("http://x.example","bấm")', "=cmd|' /C calc'!A0", "+84 1", "-1+1", "@SUM(A1)", "'=1")


def test_a_unit_named_as_a_formula_stays_text_in_the_workbook(cli, ws, tmp_path):
    units = ws / "units.csv"
    lines = units.read_text(encoding="utf-8").splitlines()
    for index, name in ((2, FORMULAS[0]), (3, FORMULAS[1])):
        cells = lines[index].split(",")
        cells[1] = '"' + name.replace('"', '""') + '"'
        lines[index] = ",".join(cells)
    units.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert build(cli, ws, out, "-f", "xlsx", "-p", "2022-Q1", "-u", "P").exit_code == 0
    sheet = load_workbook(out / "2022-Q1" / "P" / "bao-cao.xlsx").active
    found = {c.value: c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value in FORMULAS}
    assert set(found) == {FORMULAS[0], FORMULAS[1]}  # read back: the original text
    assert all(c.data_type == "s" and c.quotePrefix for c in found.values())


@pytest.mark.parametrize("text", FORMULAS)
def test_the_one_rule_for_csv_and_workbook(text):
    from openpyxl import Workbook

    from reportgen import cells

    assert cells.restore(cells.neutralise(text)) == text and not cells.is_formula(cells.neutralise(text))
    book = Workbook()
    cells.put_text(book.active["A1"], text)
    buffer = io.BytesIO()
    book.save(buffer)
    cell = load_workbook(buffer).active["A1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


def test_figure_rows_embedded_in_a_record_are_neutralised(ws):
    from reportgen.archive.attachments import figure_rows_csv
    from reportgen.job import Job
    from reportgen.periods import Period
    from reportgen.workspace import load_workspace

    loaded = load_workspace(ws)
    loaded.figures["ky"] = loaded.figures["ky"].astype(object)
    csv_text = figure_rows_csv(loaded, Job("bao-cao", "P-D01-X001", Period.parse("2022-Q1"))).decode("utf-8")
    assert csv_text.splitlines()[1].startswith("2021-Q1,P-D01-X001,")
    loaded.figures.loc[loaded.figures.index[0], "ma_don_vi"] = "=1+1"
    loaded.figures.loc[loaded.figures.index[0], "ky"] = "2022-Q1"
    import csv

    rows = list(csv.reader(io.StringIO(figure_rows_csv(loaded, Job("bao-cao", "P", Period.parse("2022-Q1"))).decode("utf-8"))))
    assert all(not cell.startswith("=") for row in rows for cell in row)


# ---- 5. faults named ---------------------------------------------------------------------------

def test_a_removed_photo_removes_its_copy(cli, ws, tmp_path):
    """The photo removed from the meeting (not switched): tin-tuc.anh.jpg goes."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buffer, format="JPEG")
    (ws / "anh.jpg").write_bytes(buffer.getvalue())
    replace_in(ws / MEETING, "anh:\n", "anh:\n  tep: anh.jpg\n")
    out = tmp_path / "out"
    assert build(cli, ws, out, "-f", "html").exit_code == 0
    folder = out / "2022-Q1" / "P-D01"
    assert (folder / "tin-tuc.anh.jpg").is_file()
    replace_in(ws / MEETING, "  tep: anh.jpg\n", "")
    (ws / "anh.jpg").unlink()
    result = build(cli, ws, out, "-f", "html")
    assert result.exit_code == 0
    assert f"đã xoá: {folder / 'tin-tuc.anh.jpg'}" in result.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["tin-tuc.fragment.html", "tin-tuc.html"]
    same_as_clean(cli, ws, out, tmp_path, "-f", "html")


def test_a_full_disk_at_the_fingerprint_store_keeps_the_results_and_names_the_folder(cli, ws, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert build(cli, ws, out, "-f", "xlsx", "-p", "2022-Q1").exit_code == 0
    store = out / ".reportgen" / "fingerprints.json"
    before = store.read_bytes()
    from tests.conftest import bump_online

    bump_online(ws, "P-D01-X001")  # the commune's, the district's and the province's reports change
    real_fsync = os.fsync

    def full(fd):
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".tmp") and "fingerprints.json" in os.readlink(
                f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full)
    result = build(cli, ws, out, "-f", "xlsx", "-p", "2022-Q1")
    monkeypatch.undo()
    assert result.exit_code == 1
    assert result.stdout.count("đã ghi: ") == 3  # the documents written are reported
    assert f"LỖI: Không ghi được vào thư mục {out / '.reportgen'}: hết chỗ trên đĩa; hãy giải phóng" in result.stderr
    assert "nhóm phát triển" not in result.output
    assert store.read_bytes() == before  # never half-written: the store before this build
    assert [p for p in out.rglob("*") if p.name.endswith(".tmp") or "run-" in p.name] == []


def test_a_full_disk_at_a_documents_write_fails_that_document_by_name(cli, ws, tmp_path, monkeypatch):
    out = tmp_path / "out"
    real_fsync = os.fsync

    def full(fd):
        if "bao-cao.xlsx" in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full)
    result = build(cli, ws, out, "-f", "xlsx", "-f", "html", "-p", "2022-Q1")
    monkeypatch.undo()
    assert result.exit_code == 1 and "nhóm phát triển" not in result.output
    assert "hết chỗ trên đĩa" in result.stderr and "thư mục tạm" not in result.stderr
    # named by the document's folder, not the build's temporary folder (<out>/.reportgen/tmp/run-…)
    assert f"Không ghi được vào thư mục {out / '2022-Q1' / 'P'}: hết chỗ trên đĩa" in result.stderr
    assert ".reportgen" not in result.stderr
    assert result.stdout.count("đã ghi: ") == 4  # the bulletins' HTML, fragment of P and P-D01
    assert not list(out.rglob("bao-cao.xlsx")) and [p for p in out.rglob("*.tmp")] == []


def _unshare_works() -> bool:
    try:
        return subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                              capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@pytest.mark.skipif(not _unshare_works(), reason="this machine does not allow mounting a tmpfs")
def test_a_real_full_disk_and_a_read_only_file_system(ws, tmp_path):
    """On a 400 kB tmpfs: the build fills it; then, mounted read-only, it cannot write."""
    out = tmp_path / "out"
    out.mkdir()
    reportgen = Path(sys.executable).parent / "reportgen"
    script = (f"mount -t tmpfs -o size=400k tmpfs {out} && "
              f"{reportgen} build -w {ws} -o {out} -j 1 -f docx -f xlsx > {tmp_path}/full.out 2> {tmp_path}/full.err; "
              f"echo $? > {tmp_path}/full.code; "
              f"mount -o remount,ro {out} && sed -i 's/= \"dịch vụ bưu chính công ích\"/= \"BCCI\"/' {ws}/reportgen.toml; "
              f"{reportgen} build -w {ws} -o {out} -j 1 -f xlsx > {tmp_path}/ro.out 2> {tmp_path}/ro.err; "
              f"echo $? > {tmp_path}/ro.code; find {out} -name '*.tmp' -o -name 'run-*' > {tmp_path}/left")
    subprocess.run(["unshare", "-rm", "sh", "-c", script], check=True, timeout=600)
    read = lambda name: (tmp_path / name).read_text(encoding="utf-8")  # noqa: E731
    assert read("full.code").strip() == "1" and "hết chỗ trên đĩa" in read("full.err")
    assert "nhóm phát triển" not in read("full.err") + read("full.out")
    assert "đã ghi: " in read("full.out") and f"Không ghi được vào thư mục {out}" in read("full.err")
    assert read("ro.code").strip() == "1" and "hệ thống tệp chỉ đọc" in read("ro.err")
    assert "nhóm phát triển" not in read("ro.err") + read("ro.out")
    assert read("left") == ""
