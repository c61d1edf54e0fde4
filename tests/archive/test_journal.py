"""reportgen.archive.journal: the write-ahead intent and how the next run settles what a killed
run left (finished, completed, rolled back, or another file kept), on rows made by hand. Runs
really killed at each step are in tests/behaviour/test_archive_integrity.py."""

from __future__ import annotations

import hashlib
import json

import pytest

from reportgen.archive import journal, manifest, storage
from reportgen.archive.journal import INTENT_NAME, IntentError
from tests.tiny_pdf import GOOD, PATH, archive_of, row_of

ROW = row_of(GOOD)


def test_an_intent_is_written_durably_read_back_and_removed(tmp_path):
    assert journal.pending(tmp_path) is None
    journal.begin(tmp_path, ROW)
    assert (tmp_path / INTENT_NAME).read_text(encoding="utf-8") == json.dumps(ROW, ensure_ascii=False) + "\n"
    assert journal.pending(tmp_path) == ROW
    journal.end(tmp_path)
    assert journal.pending(tmp_path) is None and list(tmp_path.iterdir()) == []
    journal.end(tmp_path)  # nothing to remove is no error


@pytest.mark.parametrize("text, message", [
    ("{", f"{INTENT_NAME}: không đọc được (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"),
    ("[]", f"{INTENT_NAME}: không phải một đối tượng JSON"),
    (json.dumps({**ROW, "size": "1", "sha256": "x"}), f"{INTENT_NAME}: size phải là số nguyên; sha256 không hợp lệ"),
])
def test_a_malformed_intent_is_an_error_for_a_person(tmp_path, text, message):
    (tmp_path / INTENT_NAME).write_text(text, encoding="utf-8")
    with pytest.raises(IntentError) as raised:
        journal.pending(tmp_path)
    assert str(raised.value) == message
    assert isinstance(raised.value, manifest.ManifestError)
    with pytest.raises(IntentError):
        journal.recover(tmp_path)
    assert (tmp_path / INTENT_NAME).exists()  # left for the person to look at


def test_a_bad_encoding_is_malformed_too(tmp_path):
    (tmp_path / INTENT_NAME).write_bytes(b"\xff\xfe")
    with pytest.raises(IntentError, match=r"^\.archive\.intent\.json: không đọc được \("):
        journal.pending(tmp_path)


def test_nothing_left_nothing_done(tmp_path):
    archive_of(tmp_path, (GOOD, ROW))
    assert journal.recover(tmp_path) == ([ROW], [])


def test_killed_after_the_row_the_intent_is_only_removed(tmp_path):
    archive_of(tmp_path, (GOOD, ROW))
    journal.begin(tmp_path, ROW)
    assert journal.recover(tmp_path) == (
        [ROW], [f"{PATH}: lần lưu trữ bị ngắt đã xong (có trong manifest); đã xoá ghi chú dở dang"])
    assert not (tmp_path / INTENT_NAME).exists()


def test_killed_after_the_record_the_row_is_added_from_the_intent(tmp_path):
    manifest.save(tmp_path, [])
    journal.begin(tmp_path, ROW)
    storage.write_once(tmp_path / PATH, GOOD)
    assert journal.recover(tmp_path) == (
        [ROW], [f"{PATH}: hồ sơ đã ghi nhưng chưa có trong manifest; đã thêm dòng manifest"])
    assert manifest.read_jsonl(tmp_path) == ([ROW], [])
    assert manifest.read_csv(tmp_path) == [manifest.csv_cells(ROW)]
    assert not (tmp_path / INTENT_NAME).exists()


def test_killed_before_the_record_the_run_is_rolled_back_and_its_temporary_file_removed(tmp_path):
    manifest.save(tmp_path, [])
    journal.begin(tmp_path, ROW)
    temp = tmp_path / "2022" / "2022-Q1" / "TM" / ".TB-VP_thong-bao.pdf.x1y2.tmp"
    temp.parent.mkdir(parents=True)
    temp.write_bytes(GOOD[:100])
    assert journal.recover(tmp_path) == ([], [
        "2022/2022-Q1/TM/.TB-VP_thong-bao.pdf.x1y2.tmp: đã xoá tệp tạm của lần chạy bị ngắt",
        f"{PATH}: lần lưu trữ bị ngắt trước khi ghi xong hồ sơ; đã huỷ (kho không đổi)"])
    assert not temp.exists() and not (tmp_path / INTENT_NAME).exists()
    assert manifest.read_jsonl(tmp_path) == ([], [])


def test_another_file_at_the_intents_path_is_kept_and_the_intent_dropped(tmp_path):
    manifest.save(tmp_path, [])
    journal.begin(tmp_path, ROW)
    (tmp_path / PATH).parent.mkdir(parents=True)
    (tmp_path / PATH).write_bytes(b"%PDF other")
    assert hashlib.sha256(b"%PDF other").hexdigest() != ROW["sha256"]
    assert journal.recover(tmp_path) == ([], [
        f"{PATH}: tệp có nội dung khác với lần lưu trữ bị ngắt; giữ nguyên tệp, huỷ lần lưu trữ đó "
        "(reportgen verify sẽ báo tệp này)"])
    assert (tmp_path / PATH).read_bytes() == b"%PDF other"
    assert not (tmp_path / INTENT_NAME).exists()


def test_killed_between_the_two_manifests_the_csv_is_brought_level(tmp_path):
    second = row_of(GOOD, version=2)
    manifest.save(tmp_path, [ROW])
    (tmp_path / manifest.JSONL_NAME).write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (ROW, second)), encoding="utf-8")
    journal.begin(tmp_path, second)
    assert journal.recover(tmp_path) == ([ROW, second], [
        "manifest.csv: đã bổ sung 1 dòng cho khớp manifest.jsonl",
        f"{second['path']}: lần lưu trữ bị ngắt đã xong (có trong manifest); đã xoá ghi chú dở dang"])
    assert manifest.read_csv(tmp_path) == [manifest.csv_cells(ROW), manifest.csv_cells(second)]
