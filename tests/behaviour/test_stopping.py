"""Stopping a build (issue 15 items 5 and 6): workers die with the main process, signals
stop the whole run with 130/143, and nothing is left half-written or behind.

Each test runs ``reportgen build --jobs 2`` as a real process on a small synthetic
province and watches its processes through /proc.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from reportgen.store import STATE_DIR, Store, sha256_file
from scripts import synthetic

REPORTGEN = Path(sys.executable).with_name("reportgen")
pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> Path:
    return synthetic.make_province(tmp_path_factory.mktemp("p") / "ws", "3x4")


def start(province: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([str(REPORTGEN), "build", "-w", str(province), "-o", str(out), "-p", "2022-Q1",
                             "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def session(sid: int) -> list[int]:
    """Live processes of the build's session (its main process and workers; zombies are gone)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[3]) == sid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting for a reaper counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def wait_for_workers(process: subprocess.Popen, timeout: float = 120) -> list[int]:
    """The build's workers (processes of its session besides the main one), once there are any."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes()
        workers = []
        for pid in session(process.pid):
            try:
                if pid != process.pid and Path(f"/proc/{pid}/cmdline").read_bytes() == cmdline:
                    workers.append(pid)
            except OSError:
                pass
        if workers:
            return workers
        time.sleep(0.05)
    raise AssertionError("the build never started its workers")


def wait_for_a_document(out: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(out.glob("2022-Q1/*/*.pdf")):
            return
        time.sleep(0.05)
    raise AssertionError("no document was written")


def assert_nothing_half_written(out: Path) -> None:
    assert [p for p in out.rglob("*.tmp")] == []
    assert list((out / STATE_DIR / "tmp").iterdir()) == []
    for path in out.glob("2022-Q1/*/*"):
        data = path.read_bytes()
        if path.suffix == ".pdf":
            assert len(PdfReader(io.BytesIO(data)).pages) >= 1
        elif path.suffix == ".docx":
            assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    store, warning = Store.load(out)
    assert warning is None
    for relpath, entry in store.entries.items():  # what the store remembers is on disk, whole
        assert sha256_file(out / relpath) == entry.sha256


def test_sigkill_of_the_main_process_takes_the_workers_and_frees_its_output(province, tmp_path):
    out = tmp_path / "out"
    process = start(province, out)
    workers = wait_for_workers(process)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    deadline = time.monotonic() + 5
    while session(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert session(process.pid) == []  # every worker, whichever was running
    assert workers and not any(alive(pid) for pid in workers)
    # nobody holds the main process's stdout or stderr: a reader sees the end at once
    process.stdout.read()
    process.stderr.read()


def test_the_next_build_cleans_what_a_killed_run_left(province, tmp_path):
    out = tmp_path / "out"
    process = start(province, out)
    wait_for_workers(process)
    os.killpg(process.pid, signal.SIGKILL)  # the whole group, mid-render
    process.communicate(timeout=30)
    left = [p for p in (out / STATE_DIR / "tmp").rglob("*") if p.is_file() and p.name != ".lock"]
    # what the killed run left depends on timing: two leftovers are planted so the count is never 0,
    # a dead run's folder (no lock held) and a stray temp beside an output, as older versions left
    planted = out / STATE_DIR / "tmp" / "run-1-planted"
    planted.mkdir(parents=True)
    (planted / "bao-cao.pdf").write_bytes(b"%PDF-1.7 half")
    (out / "2022-Q1").mkdir(parents=True, exist_ok=True)
    (out / "2022-Q1" / ".bao-cao.pdf.abcd1234.tmp").write_bytes(b"half")
    again = subprocess.run([str(REPORTGEN), "build", "-w", str(province), "-o", str(out), "-p", "2022-Q1",
                            "--jobs", "2"], capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert f"Đã dọn {len(left) + 2} tệp tạm của lần lập trước bị ngắt." in again.stderr
    assert not planted.exists() and not (out / "2022-Q1" / ".bao-cao.pdf.abcd1234.tmp").exists()
    assert_nothing_half_written(out)


@pytest.mark.parametrize("signum, code, name", [(signal.SIGTERM, 143, "SIGTERM"),
                                                (signal.SIGINT, 130, "Ctrl-C / SIGINT")])
def test_signals_stop_the_whole_run_cleanly(province, tmp_path, signum, code, name):
    out = tmp_path / "out"
    process = start(province, out)
    workers = wait_for_workers(process)
    wait_for_a_document(out)
    if signum == signal.SIGINT:
        os.killpg(process.pid, signum)  # Ctrl-C reaches every process of the terminal's group
    else:
        os.kill(process.pid, signum)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == code
    assert stderr.decode().endswith(f"Đã dừng ({name}): các tệp đã lập xong được giữ, không có tệp ghi dở.\n")
    assert "Traceback" not in stderr.decode()
    assert workers and session(process.pid) == []
    assert_nothing_half_written(out)
