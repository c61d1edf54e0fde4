"""Writing files whole (reportgen/files.py): atomic replace, create-only, a fault named by its
folder, a build's temporary folder and what a killed run left behind."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from reportgen.errors import DiskFault
from reportgen.files import (
    STRAY_TEMP,
    RunFolder,
    faults_named,
    remove_stale_runs,
    remove_stray_temps,
    write_atomic,
    write_new,
    write_temp,
)


def test_write_atomic_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "a" / "b.pdf"
    write_atomic(target, b"one")
    write_atomic(target, b"two", mode=0o600)
    assert target.read_bytes() == b"two"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == ["b.pdf"]


def test_a_temporary_file_is_named_for_its_file(tmp_path):
    temp = write_temp(tmp_path / "bao-cao.pdf", b"x", temp_dir=None)
    assert STRAY_TEMP.match(temp.name) and temp.name.startswith(".bao-cao.pdf.") and temp.read_bytes() == b"x"
    assert stat.S_IMODE(temp.stat().st_mode) == 0o644


def test_write_new_never_replaces(tmp_path):
    target = tmp_path / "record.pdf"
    assert write_new(target, b"first") is True
    assert write_new(target, b"second") is False
    assert target.read_bytes() == b"first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["record.pdf"]


def test_a_fault_of_the_machine_names_the_folder(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(DiskFault) as caught:
        write_atomic(tmp_path / "file" / "out.pdf", b"x")
    assert (caught.value.errno, caught.value.folder) == (errno.EEXIST, str(tmp_path / "file"))
    assert str(caught.value) == f"Không ghi được vào thư mục {tmp_path}/file: đã có; hãy khắc phục rồi chạy lại lệnh"


def test_faults_named_passes_a_disk_fault_and_other_errors_as_they_are(tmp_path):
    with pytest.raises(DiskFault) as caught:
        with faults_named(tmp_path, "xoá tệp"):
            raise OSError(errno.ENOSPC, "No space left on device")
    assert str(caught.value).startswith(f"Không ghi được vào thư mục {tmp_path} khi xoá tệp: hết chỗ trên đĩa")
    with pytest.raises(ValueError):
        with faults_named(tmp_path):
            raise ValueError("not the disk")


def test_a_run_folder_is_locked_while_it_lives_and_removed_after(tmp_path):
    with RunFolder(tmp_path) as run:
        assert run.path.parent == tmp_path and run.path.name.startswith(f"run-{os.getpid()}-")
        (run.path / "doc.pdf").write_bytes(b"x")
        assert remove_stale_runs(tmp_path) == 0 and run.path.is_dir()  # held: not a leftover
    assert not run.path.exists()


def test_the_next_run_removes_and_counts_what_a_killed_run_left(tmp_path):
    dead = tmp_path / "run-1-abcdefgh"
    (dead / "sub").mkdir(parents=True)
    (dead / ".lock").write_bytes(b"")
    (dead / "a.pdf").write_bytes(b"x")
    (dead / "sub" / "b.docx").write_bytes(b"y")
    (tmp_path / "stray-file").write_bytes(b"z")
    with RunFolder(tmp_path) as run:
        assert run.cleaned == 3
        assert [p.name for p in tmp_path.iterdir()] == [run.path.name]


def test_stray_temporary_files_are_removed_and_counted(tmp_path):
    (tmp_path / "2022-Q1" / "TM").mkdir(parents=True)
    (tmp_path / ".reportgen").mkdir()
    for folder in (tmp_path / "2022-Q1" / "TM", tmp_path / ".reportgen"):
        (folder / ".bao-cao.pdf.ab12cd_9.tmp").write_bytes(b"x")
    (tmp_path / "2022-Q1" / "TM" / "bao-cao.pdf").write_bytes(b"kept")
    (tmp_path / "2022-Q1" / ".ghi-chu.tmp").write_bytes(b"kept: not a name reportgen writes")
    assert remove_stray_temps(tmp_path, skip=".reportgen") == 1
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == [
        ".reportgen/.bao-cao.pdf.ab12cd_9.tmp", "2022-Q1/.ghi-chu.tmp", "2022-Q1/TM/bao-cao.pdf"]
