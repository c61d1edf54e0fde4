"""The archive tells the truth (issue 15): manifests safe to open, identity checked, a killed
run completed or rolled back, unusable folders reported, never a traceback.

Killed runs are real processes killed with SIGKILL at each step (``REPORTGEN_TEST_CRASH_AFTER``);
the read-only folder is a read-only bind mount in a private mount namespace when the tests
run as root (root ignores file modes), and a folder without write permission otherwise.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from reportgen.archive import archive, journal, manifest, repair, storage, verify
from reportgen.archive.verify import INTERRUPTED, UNLISTED, UNLISTED_TEMP, Mismatch, manifest_findings
from reportgen.cells import FORMULA_STARTS, restore
from reportgen.periods import Period
from reportgen.plan import plan
from reportgen.workspace import load_workspace
from tests.conftest import ROOT, SAMPLE, replace_in
from tests.tiny_pdf import hand_row

NOTICE = "2022/2022-Q1/TM/TB-VP_thong-bao.pdf"
NOTICE_V2 = "2022/2022-Q1/TM/TB-VP_thong-bao_v2.pdf"
BULLETIN = "2022/2022-Q1/TM/tin-tuc.pdf"
MEETING = "meetings/2022-q1-thap-muoi.yaml"
HYPERLINK = '=HYPERLINK("http://example.invalid/x?id=1","Xem")'
DDE = "=cmd|' /C calc'!A0"


def jobs(ws, units=("TM",), kinds=("thong-bao",)):
    return plan(ws, [Period.parse("2022-Q1")], list(units), list(kinds))


def messages(root: Path) -> list[str]:
    return [str(m) for m in verify(root)]


def csv_table(root: Path) -> list[dict[str, str]]:
    with open(root / "manifest.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def writable(path: Path) -> Path:
    path.chmod(0o644)
    return path


# ---- 2. manifests safe to open anywhere -----------------------------------------------------------

def test_formula_in_meeting_author_is_neutralised_in_csv_and_exact_in_jsonl(workspace, tmp_path):
    replace_in(workspace / MEETING, "ho_ten: Hoàng Kha", f"ho_ten: '{HYPERLINK}'")
    replace_in(workspace / MEETING, "don_vi: TTVH-TT và TT huyện Tháp Mười", f'don_vi: "{DDE}"')
    ws = load_workspace(workspace)
    root = tmp_path / "archive"
    [result] = archive(ws, jobs(ws, kinds=("tin-tuc",)), root)
    assert (result.status, result.path) == ("archived", BULLETIN)
    [row] = manifest.read_jsonl(root)[0]
    assert (row["signer"], row["issuer"]) == (HYPERLINK, DDE)          # JSONL: exact
    [cells] = csv_table(root)
    assert (cells["signer"], cells["issuer"]) == ("'" + HYPERLINK, "'" + DDE)
    assert [c for c in cells.values() if c.startswith(FORMULA_STARTS)] == []
    plain = {c: str(row[c]) for c in manifest.COLUMNS if c != "attachments"}
    assert {k: restore(v) for k, v in cells.items() if k != "attachments"} == plain
    assert verify(root) == []
    # a CSV "repaired" by a spreadsheet that dropped the quote is reported, not read as equal
    replace_in(writable(root / "manifest.csv"), "'" + DDE, DDE)
    assert messages(root) == [
        f"manifest.csv: dòng 2: cột issuer có thể bị bảng tính hiểu là công thức ({DDE!r}); "
        f"phải ghi {chr(39) + DDE!r}"]


def test_a_formula_in_every_column_of_both_manifests(tmp_path):
    """Every column of manifest.csv is neutralised (a formula start in each: = + - @ tab return,
    and a leading quote), manifest.jsonl keeps each value exactly, and the two agree. (sha256
    is 64 hex digits in any row read back: it cannot start like a formula.)"""
    starts = ["=1+1", "+84 912", "-5", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "'trích"]
    row, texts = {}, iter(starts * 5)
    for column in manifest.COLUMNS:
        if column == "path":
            row[column] = "=2022/2022-Q1/TM/x.pdf"
        elif column == "sha256":
            row[column] = "a" * 64
        elif column in manifest.INTEGERS:
            row[column] = -7  # written as "-7": a formula start too
        elif column == "attachments":
            row[column] = [{"name": "=so-lieu.csv", "sha256": "0" * 64}]
        else:
            row[column] = next(texts)
    root = tmp_path / "archive"
    root.mkdir()
    manifest.save(root, [row, {**row, "signer": HYPERLINK, "issuer": DDE}])
    [cells, cells2] = csv_table(root)
    assert list(cells) == list(manifest.COLUMNS)
    formulas = [c for c in manifest.COLUMNS if str(row[c] if c != "attachments" else "=")[:1] in "=+-@\t\r'"]
    assert formulas == [c for c in manifest.COLUMNS if c != "sha256"]  # a formula start in every other column
    assert {c: v for c, v in cells.items() if manifest.is_formula(v)} == {}
    assert [c for c, v in cells.items() if not v.startswith("'")] == ["sha256"]
    assert {c: restore(v) for c, v in cells.items() if c != "attachments"} == {  # read back: the text written
        c: str(row[c]) for c in manifest.COLUMNS if c != "attachments"}
    assert cells["attachments"] == "'=so-lieu.csv:" + "0" * 64
    assert (cells2["signer"], cells2["issuer"]) == ("'" + HYPERLINK, "'" + DDE)
    rows, problems = manifest.read_jsonl(root)
    assert problems == [] and rows[0] == row  # JSONL: exact
    assert manifest.disagreements(rows, manifest.read_csv(root)) == []


# ---- rows made by hand (no PDF): the manifest's and verify's rules one by one (issue 26, mutmut) ------

def test_load_refuses_a_malformed_jsonl_line_even_when_the_csv_lags(tmp_path):
    manifest.save(tmp_path, [hand_row()])
    with open(tmp_path / "manifest.jsonl", "a", encoding="utf-8") as handle:
        handle.write("{\n")
    with pytest.raises(manifest.ManifestError) as raised:
        manifest.load(tmp_path)
    assert str(raised.value) == ("Manifest hỏng, hãy kiểm tra bằng reportgen verify: manifest.jsonl dòng 2: "
                                 "không đọc được JSON (Expecting property name enclosed in double quotes)")


def test_load_refuses_a_csv_longer_than_the_jsonl_and_completes_a_shorter_one(tmp_path):
    first, second = hand_row(), hand_row(version=2, data=b"%PDF-1.7 y")
    manifest.save(tmp_path, [first, second])
    (tmp_path / "manifest.jsonl").write_text(json.dumps(first, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(manifest.ManifestError) as raised:
        manifest.load(tmp_path)
    assert str(raised.value) == ("Manifest hỏng, hãy kiểm tra bằng reportgen verify: manifest.csv có 2 dòng dữ "
                                 "liệu, manifest.jsonl có 1 dòng")
    assert len(manifest.read_csv(tmp_path)) == 2  # nothing rewritten
    manifest.save(tmp_path, [first])
    (tmp_path / "manifest.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (first, second)),
                                             encoding="utf-8")
    assert manifest.load(tmp_path) == ([first, second], 1)  # a run killed between the two files
    assert manifest.disagreements([first, second], manifest.read_csv(tmp_path)) == []


def test_save_writes_readable_utf8_jsonl_first_and_stops_at_the_manifest_crash_point(tmp_path, monkeypatch):
    """The crash point "manifest" lies between the two files (the killed-run tests reach it in a
    child process; here os.kill is caught in process): the JSONL is written, the CSV is not."""
    class Killed(Exception):
        pass

    def kill(pid, sig):
        raise Killed(sig)

    monkeypatch.setattr(storage.os, "kill", kill)
    monkeypatch.setenv(storage.CRASH_ENV, "manifest")
    with pytest.raises(Killed):
        manifest.save(tmp_path, [hand_row(signer="Trần Thị Quý")])
    assert "Trần Thị Quý" in (tmp_path / "manifest.jsonl").read_bytes().decode("utf-8")  # not \u escapes
    assert not (tmp_path / "manifest.csv").exists()
    monkeypatch.setenv(storage.CRASH_ENV, "row")
    manifest.save(tmp_path, [hand_row()])
    assert len(manifest.read_csv(tmp_path)) == 1


def test_a_malformed_or_unreadable_intent_is_reported_by_verify(tmp_path):
    manifest.save(tmp_path, [])
    (tmp_path / journal.INTENT_NAME).write_text("{", encoding="utf-8")
    assert verify(tmp_path) == [Mismatch(journal.INTENT_NAME, "interrupted", "không đọc được (Expecting property "
                                         "name enclosed in double quotes: line 1 column 2 (char 1))")]
    (tmp_path / journal.INTENT_NAME).unlink()
    (tmp_path / journal.INTENT_NAME).mkdir()
    assert verify(tmp_path) == [Mismatch(journal.INTENT_NAME, "unreadable", "không đọc được tệp: "
                                         f"{tmp_path / journal.INTENT_NAME}: là thư mục, không phải tệp")]


def test_a_pending_intent_is_reported_by_verify_at_its_records_path(tmp_path):
    manifest.save(tmp_path, [])
    row = hand_row()
    journal.begin(tmp_path, row)
    assert verify(tmp_path) == [Mismatch(row["path"], "interrupted", INTERRUPTED)]
    journal.end(tmp_path)
    assert verify(tmp_path) == []


def test_verify_names_each_check_missing_unreadable_not_a_pdf_unlisted_and_temporary(tmp_path, monkeypatch):
    first, second = hand_row(), hand_row(version=2, data=b"%PDF-1.7 y")
    third = hand_row(version=3, data=b"%PDF-1.7 z")
    manifest.save(tmp_path, [first, second, third])
    (tmp_path / "2022/2022-Q1/TM").mkdir(parents=True)
    (tmp_path / second["path"]).write_bytes(b"%PDF-1.7 y")
    (tmp_path / third["path"]).write_bytes(b"%PDF-1.7 z")
    (tmp_path / "2022/2022-Q1/TM/khac.pdf").write_bytes(b"x")
    (tmp_path / "2022/2022-Q1/TM/.khac.pdf.abcd1234.tmp").write_bytes(b"x")
    real = Path.read_bytes

    def refused(path):
        if path == tmp_path / second["path"]:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", refused)
    assert verify(tmp_path) == [
        Mismatch(first["path"], "missing", "có trong manifest nhưng không có tệp"),
        Mismatch(second["path"], "unreadable",
                 f"không đọc được tệp: {tmp_path / second['path']}: không có quyền truy cập"),
        Mismatch(third["path"], "unreadable", "không đọc được như PDF (PdfReadError: EOF marker not found)"),
        Mismatch("2022/2022-Q1/TM/.khac.pdf.abcd1234.tmp", "unlisted", UNLISTED_TEMP),
        Mismatch("2022/2022-Q1/TM/khac.pdf", "unlisted", UNLISTED),
    ]


@pytest.mark.parametrize("part, conformance, ok", [("3", "B", True), ("3", "U", False), ("3", "A", False),
                                                  ("2", "B", False), ("1", "B", False), (None, None, False)])
def test_only_pdf_a_3b_is_pdf_a_3b(part, conformance, ok):
    from reportgen.archive.pdf_facts import PdfFacts
    from reportgen.archive.verify import NOT_PDFA, XMP_OF_COLUMN, _pdf_mismatches

    row = hand_row()
    xmp = {"pdfaid:part": part, "pdfaid:conformance": conformance, "xmpTPg:NPages": "1",
           **{prop: str(row[column]) for column, prop in XMP_OF_COLUMN.items()}}
    found = _pdf_mismatches(row, PdfFacts(1, {k: v for k, v in xmp.items() if v is not None}, [], {}))
    assert found == ([] if ok else [Mismatch(row["path"], "pdfa", NOT_PDFA)])


def test_a_listed_file_that_cannot_be_read_is_named_by_manifest_findings(tmp_path, monkeypatch):
    row = hand_row()
    record = tmp_path / row["path"]
    record.parent.mkdir(parents=True)
    record.write_bytes(b"%PDF-1.7 x")
    real = Path.read_bytes

    def refused(path):
        if path == record:
            raise PermissionError(errno.EACCES, "Permission denied", str(record))
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", refused)
    assert manifest_findings(tmp_path, [row]) == [
        Mismatch(row["path"], "unreadable", f"không đọc được tệp: {record}: không có quyền truy cập")]


# ---- 3. verify checks identity --------------------------------------------------------------------

@pytest.fixture(scope="module")
def communes(tmp_path_factory):
    """The reports of two communes, archived once (copied by tests that change them)."""
    ws = load_workspace(SAMPLE)
    root = tmp_path_factory.mktemp("communes")
    results = archive(ws, jobs(ws, units=("TM-MH", "TM-TT"), kinds=("bao-cao",)), root)
    assert [r.status for r in results] == ["archived", "archived"]
    return root, [r.path for r in results]


def test_record_and_row_copied_over_another_communes_are_caught(communes, tmp_path):
    root = tmp_path / "archive"
    shutil.copytree(communes[0], root)
    mh, tt = communes[1]
    assert (mh, tt) == ("2022/2022-Q1/TM-MH/BC-UBND_bao-cao.pdf", "2022/2022-Q1/TM-TT/BC-UBND_bao-cao.pdf")
    writable(root / tt).write_bytes((root / mh).read_bytes())
    rows, _ = manifest.read_jsonl(root)
    rows[1] = dict(rows[0], path=tt)           # TM-MH's row, moved to TM-TT's path: checksums match
    manifest.save(root, rows)
    assert messages(root) == [
        f"{tt}: cùng văn bản và phiên bản (bao-cao TM-MH 2022-Q1, phiên bản 1) với {mh}",
        f"{tt}: cùng nội dung (SHA-256) với {mh}",
        f"{tt}: đường dẫn không khớp với loại, đơn vị, kỳ, số, ký hiệu và phiên bản của dòng manifest "
        f"(phải là {mh})",
    ]


def test_row_relabelled_to_the_other_commune_is_caught_by_the_record(communes, tmp_path):
    root = tmp_path / "archive"
    shutil.copytree(communes[0], root)
    mh, tt = communes[1]
    writable(root / tt).write_bytes((root / mh).read_bytes())
    rows, _ = manifest.read_jsonl(root)
    rows[1] = dict(rows[0], path=tt, unit="TM-TT")   # path and unit agree, the record says TM-MH
    manifest.save(root, rows)
    found = messages(root)
    assert f"{tt}: unit trong manifest ('TM-TT') khác tệp ('TM-MH')" in found
    assert f"{tt}: cùng nội dung (SHA-256) với {mh}" in found


def test_a_version_claimed_twice_is_caught(communes, tmp_path):
    root = tmp_path / "archive"
    shutil.copytree(communes[0], root)
    mh = communes[1][0]
    v2 = mh.replace(".pdf", "_v2.pdf")
    shutil.copy(root / mh, root / v2)
    rows, _ = manifest.read_jsonl(root)
    rows.append(dict(rows[0], path=v2))        # a copy listed as version 1 again, under the v2 name
    manifest.save(root, rows)
    assert messages(root) == [
        f"{v2}: cùng văn bản và phiên bản (bao-cao TM-MH 2022-Q1, phiên bản 1) với {mh}",
        f"{v2}: cùng nội dung (SHA-256) với {mh}",
        f"{v2}: đường dẫn không khớp với loại, đơn vị, kỳ, số, ký hiệu và phiên bản của dòng manifest "
        f"(phải là {mh})",
    ]


# ---- archive refuses a broken manifest (issue 22 item 6) ------------------------------------------

@pytest.mark.parametrize("broken", ["duplicate row", "changed hash", "wrong path"])
def test_archive_refuses_a_manifest_verify_reports(communes, tmp_path, broken, cli):
    root = tmp_path / "archive"
    shutil.copytree(communes[0], root)
    mh = communes[1][0]
    rows, _ = manifest.read_jsonl(root)
    if broken == "duplicate row":
        rows.append(dict(rows[0]))
    elif broken == "changed hash":
        rows[0] = dict(rows[0], sha256="0" * 64)
    else:
        rows[0] = dict(rows[0], version=3)
    manifest.save(root, rows)
    before = files_in(root)
    result = cli("archive", "-w", SAMPLE, "-a", root, "-p", "2022-Q1", "-u", "TM-MH", "-k", "bao-cao",
                 "--without-build")
    assert result.exit_code == 1
    assert f"Lỗi: Kho lưu trữ {root}: manifest không khớp với hồ sơ" in result.stderr
    assert "Chưa lưu trữ gì" in result.stderr and f"reportgen verify --repair {root}" in result.stderr
    assert files_in(root) == before and not (root / mh.replace(".pdf", "_v2.pdf")).exists()
    finding = {"duplicate row": f"{mh} có 2 dòng trong manifest",
               "changed hash": f"{mh}: SHA-256 ", "wrong path": f"{mh}: đường dẫn không khớp"}[broken]
    assert finding in result.stderr


# ---- 4. crash-consistent archive -----------------------------------------------------------------

def run_killed(workspace: Path, root: Path, stage: str) -> subprocess.CompletedProcess:
    """``python -m reportgen archive`` (the notice) in a process that kills itself at ``stage``."""
    env = {**os.environ, storage.CRASH_ENV: stage}
    args = [sys.executable, "-m", "reportgen", "archive", "--workspace", str(workspace), "--archive", str(root),
            "--period", "2022-Q1", "--unit", "TM", "--kind", "thong-bao", "--without-build"]
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def files_in(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


OWN = [".archive.intent.json", ".archive.lock"]
ROLLED_BACK = f"ĐÃ SỬA: {NOTICE}: lần lưu trữ bị ngắt trước khi ghi xong hồ sơ; đã huỷ (kho không đổi)"
COMPLETED = f"ĐÃ SỬA: {NOTICE}: hồ sơ đã ghi nhưng chưa có trong manifest; đã thêm dòng manifest"
FINISHED = f"ĐÃ SỬA: {NOTICE}: lần lưu trữ bị ngắt đã xong (có trong manifest); đã xoá ghi chú dở dang"
CSV_LEVELLED = "ĐÃ SỬA: manifest.csv: đã bổ sung 1 dòng cho khớp manifest.jsonl"
# stage -> (files left, verify's findings before repair, what repair says, record kept)
STAGES = {
    "intent": (OWN, [f"{NOTICE}: {INTERRUPTED}"], [ROLLED_BACK], False),
    "record-temp": (OWN + ["<temp>"], [f"{NOTICE}: {INTERRUPTED}", "<temp>"], ["<temp>", ROLLED_BACK], False),
    "record": (OWN + [NOTICE], [f"{NOTICE}: {INTERRUPTED}", f"{NOTICE}: tệp không có trong manifest"],
               [COMPLETED], True),
    "manifest": (OWN + [NOTICE, "manifest.jsonl"],
                 ["manifest.csv: thiếu tệp manifest.csv", f"{NOTICE}: {INTERRUPTED}"], [CSV_LEVELLED, FINISHED], True),
    "row": (OWN + [NOTICE, "manifest.csv", "manifest.jsonl"], [f"{NOTICE}: {INTERRUPTED}"], [FINISHED], True),
}
TEMP_PREFIX = "2022/2022-Q1/TM/.TB-VP_thong-bao.pdf."


def with_temp(expected: list[str], actual: list[str], template: str) -> list[str]:
    """``expected`` with "<temp>" replaced by the one temporary-file entry of ``actual``."""
    [temp] = [a for a in actual if TEMP_PREFIX in a and ".tmp" in a]
    assert temp == template.format(temp=temp[temp.index(TEMP_PREFIX):temp.index(".tmp") + 4])
    return [temp if e == "<temp>" else e for e in expected]


@pytest.mark.parametrize("stage", list(STAGES))
def test_killed_at_each_step_then_data_changed_then_repair(stage, workspace, tmp_path, cli):
    left, findings, repairs, kept = STAGES[stage]
    root = tmp_path / "archive"
    killed = run_killed(workspace, root, stage)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    on_disk = files_in(root)
    assert on_disk == sorted(with_temp(left, on_disk, "{temp}") if "<temp>" in left else left)
    found = messages(root)
    if "<temp>" in findings:
        findings = with_temp(findings, found, "{temp}: tệp tạm của một lần lưu trữ bị ngắt "
                                              "(chạy lại reportgen archive để dọn và hoàn tất)")
    assert found == findings
    written = (root / NOTICE).read_bytes() if kept else None
    # the data change after the crash: the record archive would make now is a different one
    with open(workspace / MEETING, "a", encoding="utf-8") as handle:
        handle.write("# sửa sau lần lưu trữ bị ngắt\n")

    result = cli("verify", "--repair", root)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    if "<temp>" in repairs:
        repairs = with_temp(repairs, lines, "ĐÃ SỬA: {temp}: đã xoá tệp tạm của lần chạy bị ngắt")
    assert lines == repairs + [f"Kho lưu trữ {root}: {int(kept)} hồ sơ, tất cả khớp manifest."]
    assert files_in(root) == sorted([".archive.lock"] + ([NOTICE, "manifest.csv", "manifest.jsonl"] if kept else []))
    if kept:  # completed from the intent: the record as written, with the row it was meant to have
        assert (root / NOTICE).read_bytes() == written
        assert [r["path"] for r in manifest.read_jsonl(root)[0]] == [NOTICE]
    again = cli("verify", "--repair", root)
    assert again.stdout.splitlines() == [f"Kho lưu trữ {root}: {int(kept)} hồ sơ, tất cả khớp manifest."]

    rerun = cli("archive", "--workspace", workspace, "--archive", root, "--period", "2022-Q1", "--unit", "TM",
                "--kind", "thong-bao", "--without-build")
    assert rerun.exit_code == 0, rerun.output
    assert rerun.stdout.splitlines()[0] == (f"phiên bản mới: {root / NOTICE_V2}" if kept
                                            else f"đã lưu trữ: {root / NOTICE}")
    assert verify(root) == []
    assert PdfReader(root / (NOTICE_V2 if kept else NOTICE)).attachments["cuoc-hop_2022-Q1_TM.yaml"][0].endswith(
        "# sửa sau lần lưu trữ bị ngắt\n".encode())


def test_the_next_archive_completes_an_interrupted_run_and_says_so(workspace, tmp_path, cli):
    root = tmp_path / "archive"
    assert run_killed(workspace, root, "record").returncode == -signal.SIGKILL
    written = (root / NOTICE).read_bytes()
    result = cli("archive", "--workspace", workspace, "--archive", root, "--period", "2022-Q1", "--unit", "TM",
                 "--kind", "thong-bao", "--kind", "tin-tuc", "--without-build")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        COMPLETED, f"không đổi: {root / NOTICE}", f"đã lưu trữ: {root / BULLETIN}",
        "Tổng kết: 1 hồ sơ đã lưu trữ, 0 phiên bản mới, 1 không đổi, 0 không lập được, 0 lỗi."]
    assert (root / NOTICE).read_bytes() == written
    assert verify(root) == []


def test_repair_keeps_a_file_that_is_not_the_intended_record(communes, tmp_path):
    root = tmp_path / "archive"
    shutil.copytree(communes[0], root)
    mh = communes[1][0]
    v2 = mh.replace(".pdf", "_v2.pdf")
    (root / v2).write_bytes(b"%PDF-1.7 something else\n")
    rows, _ = manifest.read_jsonl(root)
    journal.begin(root, dict(rows[0], path=v2, version=2, sha256="0" * 64))
    assert repair(root) == [f"{v2}: tệp có nội dung khác với lần lưu trữ bị ngắt; giữ nguyên tệp, "
                            "huỷ lần lưu trữ đó (reportgen verify sẽ báo tệp này)"]
    assert (root / v2).read_bytes() == b"%PDF-1.7 something else\n"      # never deleted
    assert messages(root) == [f"{v2}: tệp không có trong manifest"]
    assert repair(root) == []


def test_a_malformed_intent_stops_archive_and_is_reported(communes, tmp_path, cli):
    root = tmp_path / "archive"
    shutil.copytree(communes[0], root)
    (root / journal.INTENT_NAME).write_text('{"path": "x.pdf"}\n', encoding="utf-8")
    assert messages(root)[0].startswith(".archive.intent.json: cột sai: thiếu [")
    result = cli("verify", "--repair", root)
    assert result.exit_code == 1
    assert result.stderr.startswith("Lỗi: .archive.intent.json: cột sai: thiếu [")


# ---- 7. unusable folders: a message and an exit code, never a traceback ------------------------------

def test_archive_into_a_symlink_loop(tmp_path, cli):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    reason = f"{loop}: vòng lặp liên kết tượng trưng (symlink)"
    result = cli("archive", "--workspace", SAMPLE, "--archive", loop, "--unit", "TM", "--kind", "thong-bao",
                 "--period", "2022-Q1", "--without-build")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "", f"Lỗi: Không dùng được thư mục lưu trữ {loop}: {reason}\n")
    result = cli("verify", "--repair", loop)
    assert (result.exit_code, result.stderr) == (1, f"Lỗi: Không dùng được thư mục lưu trữ {loop}: {reason}\n")
    result = cli("verify", loop)
    assert (result.exit_code, result.stdout) == (1, f"KHÔNG KHỚP: {loop}: không đọc được kho lưu trữ: {reason}\n")


def test_archive_into_a_file(tmp_path, cli):
    target = tmp_path / "not-a-folder"
    target.write_text("x")
    result = cli("archive", "--workspace", SAMPLE, "--archive", target, "--unit", "TM", "--kind", "thong-bao",
                 "--period", "2022-Q1", "--without-build")
    assert (result.exit_code, result.stderr) == (
        1, f"Lỗi: Không dùng được thư mục lưu trữ {target}: {target}: không phải thư mục\n")


def run_read_only(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m reportgen *args`` with ``folder`` read-only for it."""
    command = [sys.executable, "-m", "reportgen", *map(str, args)]
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")] if p.is_dir()}
        for path in modes:
            path.chmod(0o555)
        try:
            return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
    if shutil.which("unshare") is None:
        pytest.skip("running as root without unshare(1): cannot make a read-only folder")
    script = 'mount --bind -o ro "$0" "$0" && exec "$@"'
    result = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script, str(folder),
                             *command], cwd=ROOT, capture_output=True, text=True, timeout=300)
    if "mount:" in result.stderr or "unshare:" in result.stderr:
        pytest.skip(f"running as root, and a read-only bind mount is not allowed here: {result.stderr.strip()}")
    return result


@pytest.fixture(scope="module")
def notice_archive(tmp_path_factory):
    ws = load_workspace(SAMPLE)
    root = tmp_path_factory.mktemp("notice") / "archive"
    [result] = archive(ws, jobs(ws), root)
    assert result.status == "archived"
    return root


ARCHIVE_NOTICE = ("archive", "--workspace", SAMPLE, "--period", "2022-Q1", "--unit", "TM", "--without-build")


def test_read_only_archive_with_nothing_to_write_succeeds(notice_archive, tmp_path):
    root = tmp_path / "archive"
    shutil.copytree(notice_archive, root)
    result = run_read_only(root, *ARCHIVE_NOTICE, "--kind", "thong-bao", "--archive", root)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (f"không đổi: {root / NOTICE}\n"
                             "Tổng kết: 0 hồ sơ đã lưu trữ, 0 phiên bản mới, 1 không đổi, 0 không lập được, 0 lỗi.\n")
    verified = run_read_only(root, "verify", "--repair", root)
    assert (verified.returncode, verified.stdout) == (0, f"Kho lưu trữ {root}: 1 hồ sơ, tất cả khớp manifest.\n")


def test_read_only_archive_refuses_a_new_record_with_the_reason(notice_archive, tmp_path):
    root = tmp_path / "archive"
    shutil.copytree(notice_archive, root)
    result = run_read_only(root, *ARCHIVE_NOTICE, "--kind", "tin-tuc", "--archive", root)
    reason = "hệ thống tệp chỉ đọc" if os.geteuid() == 0 else "không có quyền truy cập"
    assert result.returncode == 1
    assert result.stderr == (f"LỖI: 2022-Q1 TM tin-tuc: không ghi được vào kho lưu trữ: {root}: {reason}\n")
    assert "Traceback" not in result.stdout + result.stderr
    assert files_in(root) == [".archive.lock", NOTICE, "manifest.csv", "manifest.jsonl"]


def test_read_only_empty_folder(tmp_path):
    root = tmp_path / "empty"
    root.mkdir()
    result = run_read_only(root, *ARCHIVE_NOTICE, "--kind", "thong-bao", "--archive", root)
    reason = "hệ thống tệp chỉ đọc" if os.geteuid() == 0 else "không có quyền truy cập"
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"Lỗi: Không dùng được thư mục lưu trữ {root}: {root / '.archive.lock'}: {reason}\n"
    assert list(root.iterdir()) == []


# ---- a full disk while archiving (issue 22 item 5): a fault injected at the write -----------------
def full_disk_at(monkeypatch, where) -> None:
    """ENOSPC from os.fsync on any file whose path ``where`` accepts (a write that ran out of room)."""
    real_fsync = os.fsync

    def fsync(fd):
        if where(os.readlink(f"/proc/self/fd/{fd}")):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def test_a_full_disk_at_a_records_write_fails_that_record_by_its_folder(notice_archive, tmp_path, cli, monkeypatch):
    root = tmp_path / "archive"
    shutil.copytree(notice_archive, root)
    full_disk_at(monkeypatch, lambda name: "/.tin-tuc.pdf." in name)
    result = cli(*ARCHIVE_NOTICE, "--kind", "thong-bao", "--kind", "tin-tuc", "--archive", root)
    monkeypatch.undo()
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == f"không đổi: {root / NOTICE}"
    assert result.stderr == (f"LỖI: 2022-Q1 TM tin-tuc: không ghi được vào kho lưu trữ: {root / '2022/2022-Q1/TM'}: "
                             "hết chỗ trên đĩa\n")
    assert files_in(root) == [".archive.lock", NOTICE, "manifest.csv", "manifest.jsonl"]  # nothing partial
    assert verify(root) == []


def test_a_full_disk_at_the_manifest_stops_the_run_after_reporting_what_was_filed(tmp_path, cli, monkeypatch):
    root = tmp_path / "archive"
    full_disk_at(monkeypatch, lambda name: "/.manifest." in name and (root / BULLETIN).exists())
    result = cli(*ARCHIVE_NOTICE, "--kind", "thong-bao", "--kind", "tin-tuc", "--archive", root)
    monkeypatch.undo()
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"đã lưu trữ: {root / NOTICE}",
        "Tổng kết: 1 hồ sơ đã lưu trữ, 0 phiên bản mới, 0 không đổi, 0 không lập được, 0 lỗi."]
    assert result.stderr == (f"LỖI: Hồ sơ {BULLETIN} đã ghi nhưng không ghi được manifest ({root}: hết chỗ trên "
                             "đĩa); khắc phục rồi chạy reportgen verify --repair để hoàn tất\n")
    assert "nhóm phát triển" not in result.output
    repaired = cli("verify", "--repair", root)
    assert repaired.exit_code == 0, repaired.output
    assert repaired.stdout.splitlines()[-1] == f"Kho lưu trữ {root}: 2 hồ sơ, tất cả khớp manifest."
