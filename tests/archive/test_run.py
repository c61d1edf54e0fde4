"""reportgen.archive.run: the archive use case's own rules (a new record, the same one again, a
missing file put back, a new version, a file a killed run left, a broken manifest refused before
anything is written, repair), with the record made by hand (tests/tiny_pdf.py) in place of the
PDF/A layout. The whole use case on the sample is in tests/archive/test_archive.py."""

from __future__ import annotations

import hashlib
import re

import pytest

from reportgen.archive import manifest, run, storage
from reportgen.archive.records import Record
from reportgen.archive.verify import verify
from reportgen.job import Job
from reportgen.periods import Period
from tests.tiny_pdf import FIELDS, FIGURES, PATH, archive_of, row_of, tiny_pdf

NOTICE = Job("thong-bao", "TM", Period(2022, 1))
V2 = "2022/2022-Q1/TM/TB-VP_thong-bao_v2.pdf"


def record_of(pdf: bytes, **fields) -> Record:
    return Record(NOTICE, pdf, 1, {**FIELDS, **fields},
                  [{"name": "so-lieu.csv", "sha256": hashlib.sha256(FIGURES).hexdigest()}])


@pytest.fixture
def made(monkeypatch):
    """The record each archive() call makes: set ``made.record``."""
    class Made:
        record = record_of(tiny_pdf(attachments={"so-lieu.csv": FIGURES}))

    monkeypatch.setattr(run, "make_record", lambda ws, job: Made.record)
    return Made


def outcome(result) -> tuple:
    return result.status, result.path, result.version, result.note


def test_a_record_is_filed_once_then_found_unchanged(made, tmp_path):
    [first] = run.archive(None, [NOTICE], tmp_path)
    assert outcome(first) == ("archived", PATH, 1, None)
    assert (first.kind, first.unit, first.period, first.sha256, first.pages) == (
        "thong-bao", "TM", "2022-Q1", made.record.sha256, 1)
    assert (tmp_path / PATH).read_bytes() == made.record.pdf
    assert verify(tmp_path) == []
    [again] = run.archive(None, [NOTICE], tmp_path)
    assert outcome(again) == ("unchanged", PATH, 1, None)
    assert len(manifest.read_jsonl(tmp_path)[0]) == 1


def test_a_missing_record_is_put_back_from_the_same_bytes(made, tmp_path):
    run.archive(None, [NOTICE], tmp_path)
    (tmp_path / PATH).unlink()
    [result] = run.archive(None, [NOTICE], tmp_path)
    assert outcome(result) == ("unchanged", PATH, 1, "đã khôi phục tệp bị thiếu (cùng SHA-256 trong manifest)")
    assert (tmp_path / PATH).read_bytes() == made.record.pdf


def test_other_bytes_are_a_new_version_beside_the_first(made, tmp_path):
    run.archive(None, [NOTICE], tmp_path)
    first = (tmp_path / PATH).read_bytes()
    made.record = record_of(tiny_pdf({**FIELDS, "signer": "Lê Văn B"}, attachments={"so-lieu.csv": FIGURES}),
                            signer="Lê Văn B")
    [result] = run.archive(None, [NOTICE], tmp_path)
    assert outcome(result) == ("new-version", V2, 2, None)
    assert (tmp_path / PATH).read_bytes() == first
    assert [r["path"] for r in manifest.read_jsonl(tmp_path)[0]] == [PATH, V2]
    assert verify(tmp_path) == []


def test_a_record_a_killed_run_left_without_its_row_is_listed_not_written_again(made, tmp_path):
    manifest.save(tmp_path, [])
    (tmp_path / PATH).parent.mkdir(parents=True)
    (tmp_path / PATH).write_bytes(made.record.pdf)
    [result] = run.archive(None, [NOTICE], tmp_path)
    assert outcome(result) == ("archived", PATH, 1, "đã bổ sung dòng manifest cho tệp có sẵn")
    assert verify(tmp_path) == []


def test_a_job_that_cannot_be_built_is_skipped_and_a_failure_named(made, tmp_path, monkeypatch):
    skipped = Job("thong-bao", "TM-MA", Period(2022, 1), reason="chưa có tệp cuộc họp")
    [result] = run.archive(None, [skipped], tmp_path)
    assert result.status == "skipped"
    monkeypatch.setattr(run.storage, "write_once", lambda path, data: (_ for _ in ()).throw(storage.RecordExists(path)))
    [failed] = run.archive(None, [NOTICE], tmp_path)
    assert failed.status == "failed"
    assert failed.reason == f"tệp {tmp_path / PATH} đã có, không ghi đè"
    assert not (tmp_path / ".archive.intent.json").exists()  # rolled back: nothing of it visible


def test_a_broken_manifest_is_refused_before_anything_is_written(made, tmp_path):
    good = tiny_pdf(attachments={"so-lieu.csv": FIGURES})
    archive_of(tmp_path, *[(good, row_of(good, version=v, unit="AG")) for v in range(1, 3)])
    rows_before = (tmp_path / manifest.JSONL_NAME).read_bytes()
    with pytest.raises(manifest.ManifestError) as raised:
        run.archive(None, [NOTICE], tmp_path)
    wrong_path = ("đường dẫn không khớp với loại, đơn vị, kỳ, số, ký hiệu và phiên bản của dòng manifest "
                  "(phải là 2022/2022-Q1/AG/TB-VP_thong-bao{}.pdf)")
    assert str(raised.value) == (
        f"Kho lưu trữ {tmp_path}: manifest không khớp với hồ sơ (3 điểm): {V2}: cùng nội dung (SHA-256) với {PATH}; "
        f"{PATH}: {wrong_path.format('')}; {V2}: {wrong_path.format('_v2')}. Chưa lưu trữ gì. Cách sửa: xem đủ bằng "
        f"reportgen verify {tmp_path}; sửa manifest.jsonl và manifest.csv cho khớp với các tệp hồ sơ (hoặc khôi phục "
        f"chúng từ bản sao lưu), chạy reportgen verify --repair {tmp_path} cho tới khi không còn điểm không khớp, rồi "
        "lưu trữ lại")
    assert raised.value.exit_code == 1
    assert (tmp_path / manifest.JSONL_NAME).read_bytes() == rows_before
    many = tmp_path / "nhieu"
    archive_of(many, *[(good, row_of(good, version=v, unit="AG")) for v in range(1, 7)])
    with pytest.raises(manifest.ManifestError, match=r"\(11 điểm\): .*; và 1 điểm khác\. Chưa lưu trữ gì\."):
        run.archive(None, [NOTICE], many)


def test_repair_settles_a_killed_run_and_leaves_a_non_archive_alone(made, tmp_path):
    assert run.repair(tmp_path / "chua-co") == []
    assert not (tmp_path / "chua-co").exists()
    assert run.repair(tmp_path) == [] and list(tmp_path.iterdir()) == []  # not even a lock
    run.archive(None, [NOTICE], tmp_path)
    assert run.repair(tmp_path) == []
    (tmp_path / "2022" / ".TB-VP_thong-bao_v2.pdf.ab12.tmp").write_bytes(b"%PDF")
    assert run.repair(tmp_path) == ["2022/.TB-VP_thong-bao_v2.pdf.ab12.tmp: đã xoá tệp tạm của lần chạy bị ngắt"]


def test_archived_at_is_utc_to_the_second_or_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1647388800")
    assert run.archived_at() == "2022-03-16T00:00:00Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "không phải số")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", run.archived_at())
