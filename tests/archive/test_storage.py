"""reportgen.archive.storage: records written once and never replaced, stray temporary files,
the archive lock, and the reasons a folder cannot be used, in Vietnamese."""

from __future__ import annotations

import errno
import os
import stat
import threading
import time

import pytest

from reportgen.archive import storage
from reportgen.errors import DiskFault


def test_a_record_is_never_overwritten(tmp_path):
    path = tmp_path / "x.pdf"
    storage.write_once(path, b"first")
    with pytest.raises(storage.RecordExists):
        storage.write_once(path, b"second")
    assert path.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["x.pdf"]  # no temporary file left


def test_a_record_is_written_read_only_into_folders_made_for_it(tmp_path):
    path = tmp_path / "2022" / "2022-Q1" / "TM" / "bao-cao.pdf"
    storage.write_once(path, b"%PDF-1.7")
    assert path.read_bytes() == b"%PDF-1.7"
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_without_hard_links_the_record_is_moved_into_place_and_still_never_replaced(tmp_path, monkeypatch):
    def no_links(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(storage.os, "link", no_links)
    storage.write_once(tmp_path / "x.pdf", b"first")
    with pytest.raises(storage.RecordExists):
        storage.write_once(tmp_path / "x.pdf", b"second")
    assert (tmp_path / "x.pdf").read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["x.pdf"]


def test_another_link_failure_is_not_taken_for_a_file_system_without_links(tmp_path, monkeypatch):
    def full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage.os, "link", full)
    with pytest.raises(OSError) as raised:
        storage.write_once(tmp_path / "x.pdf", b"data")
    assert raised.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []  # the temporary file is removed


@pytest.mark.parametrize("name, temp", [(".bao-cao.pdf.a1b2.tmp", True), ("bao-cao.pdf.tmp", False),
                                        (".archive.lock", False), (".x.tmp", True), ("bao-cao.pdf", False)])
def test_is_temp(tmp_path, name, temp):
    assert storage.is_temp(tmp_path / name) is temp


def test_stray_temporary_files_are_removed_and_nothing_else(tmp_path):
    (tmp_path / "2022" / "TM").mkdir(parents=True)
    stray = [tmp_path / ".manifest.jsonl.x1.tmp", tmp_path / "2022" / "TM" / ".bao-cao.pdf.y2.tmp"]
    kept = [tmp_path / "2022" / "TM" / "bao-cao.pdf", tmp_path / "ghi-chu.tmp", tmp_path / ".archive.lock"]
    for path in stray + kept:
        path.write_bytes(b"x")
    (tmp_path / ".thu-muc.tmp").mkdir()  # a folder is not one of our files
    assert sorted(storage.remove_stray_temps(tmp_path)) == sorted(stray)
    assert all(p.exists() for p in kept) and not any(p.exists() for p in stray)
    assert (tmp_path / ".thu-muc.tmp").is_dir()


@pytest.mark.parametrize("exc, text", [
    (OSError(errno.EROFS, "Read-only file system", "kho/2022"), "kho/2022: hệ thống tệp chỉ đọc"),
    (OSError(errno.ENOSPC, "No space left on device", "kho/2022/.bao-cao.pdf.ab12.tmp"), "kho/2022: hết chỗ trên đĩa"),
    (OSError(errno.ELOOP, "Too many levels of symbolic links"), "vòng lặp liên kết tượng trưng (symlink)"),
    (OSError(errno.EACCES, "Permission denied", "kho"), "kho: không có quyền truy cập"),
    (OSError(999, "lạ", "kho"), "kho: lạ"),
])
def test_describe_says_what_went_wrong_and_where(exc, text):
    assert storage.describe(exc) == text


def test_describe_names_a_disk_faults_folder(tmp_path):
    fault = DiskFault(errno.ENOSPC, tmp_path / "kho", "ghi hồ sơ")
    assert storage.describe(fault) == f"{tmp_path / 'kho'}: hết chỗ trên đĩa"


def test_a_folder_that_cannot_be_used_is_unavailable_with_the_reason(tmp_path):
    (tmp_path / "tep").write_text("x", encoding="utf-8")
    with pytest.raises(storage.ArchiveUnavailable) as raised:
        with storage.locked(tmp_path / "tep"):
            pass
    assert str(raised.value) == f"Không dùng được thư mục lưu trữ {tmp_path / 'tep'}: {tmp_path / 'tep'}: không phải thư mục"
    assert raised.value.exit_code == 1
    (tmp_path / "vong").symlink_to(tmp_path / "vong")
    with pytest.raises(storage.ArchiveUnavailable, match="vòng lặp liên kết tượng trưng"):
        with storage.locked(tmp_path / "vong"):
            pass
    with pytest.raises(storage.ArchiveUnavailable, match="không tồn tại"):
        with storage.locked(tmp_path / "chua-co", create=False):
            pass
    assert not (tmp_path / "chua-co").exists()


def test_the_lock_makes_the_folder_and_keeps_a_second_run_waiting(tmp_path):
    root = tmp_path / "kho" / "moi"
    order = []

    def second():
        with storage.locked(root):
            order.append("second")

    with storage.locked(root):
        assert (root / storage.LOCK_NAME).is_file()
        other = threading.Thread(target=second)
        other.start()
        time.sleep(0.2)
        order.append("first")
    other.join(5)
    assert order == ["first", "second"]


def test_the_crash_point_does_nothing_unless_its_stage_is_named(monkeypatch):
    killed = []
    monkeypatch.setattr(storage.os, "kill", lambda pid, sig: killed.append((pid, sig)))
    monkeypatch.delenv(storage.CRASH_ENV, raising=False)
    storage.crash_point("record")
    monkeypatch.setenv(storage.CRASH_ENV, "manifest")
    storage.crash_point("record")
    assert killed == []
    storage.crash_point("manifest")
    assert killed == [(os.getpid(), 9)]
