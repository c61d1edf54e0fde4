"""reportgen.archive.records: one record made (the TM notice of the 2022 sample as PDF/A-3b, about
1.5 s) and read back, its fields as the manifest and XMP carry them, and a bulletin's fields named
after its author; no build."""

from __future__ import annotations

import hashlib

import pytest

from reportgen import __version__
from reportgen.archive import attachments, manifest
from reportgen.archive.pdf_facts import read_pdf
from reportgen.archive.records import make_record, record_fields
from reportgen.archive.verify import verify
from reportgen.job import Job
from reportgen.kinds import build_context
from reportgen.periods import Period
from reportgen.workspace import load_workspace
from tests.conftest import SAMPLE

Q1 = Period(2022, 1)
NOTICE = Job("thong-bao", "TM", Q1)
COMMON = {"language": "vi", "generator": "reportgen", "generator_version": __version__, "unit": "TM",
          "period": "2022-Q1", "period_name": "quý I năm 2022", "number": "", "date": "2022-03-09"}


@pytest.fixture(scope="module")
def sample():
    return load_workspace(SAMPLE)


@pytest.fixture(scope="module")
def notice(sample):
    return make_record(sample, NOTICE)


def test_the_notices_fields(notice):
    assert notice.fields == {
        **COMMON, "kind": "thong-bao", "document_type": "THÔNG BÁO", "symbol": "TB-VP",
        "title": "Kết luận của Chủ tịch Ủy ban nhân dân huyện Tháp Mười tại cuộc họp đánh giá kết quả thực hiện cải "
                 "cách hành chính quý I năm 2022 và triển khai nhiệm vụ trọng tâm năm 2022",
        "issuer": "Văn phòng HĐND và UBND huyện Tháp Mười", "signer": "Nguyễn Văn Thành",
        "signer_title": "CHÁNH VĂN PHÒNG"}


def test_a_bulletin_is_issued_and_signed_by_its_author(sample):
    job = Job("tin-tuc", "TM", Q1)
    _, context, _ = build_context(sample, job)
    assert record_fields(context, job) == {
        **COMMON, "kind": "tin-tuc", "document_type": "TIN BÀI", "symbol": "", "signer_title": "",
        "title": "HUYỆN THÁP MƯỜI: Cuộc họp đánh giá kết quả thực hiện cải cách hành chính quý I năm 2022",
        "issuer": "TTVH-TT và TT huyện Tháp Mười", "signer": "Hoàng Kha"}


def test_the_record_embeds_its_sources_in_name_order_and_says_so_in_xmp(sample, notice):
    facts = read_pdf(notice.pdf)
    assert (notice.pages, facts.pages, facts.unembedded_fonts, facts.interpolated_images) == (2, 2, [], 0)
    names = ["cuoc-hop_2022-Q1_TM.yaml", "so-lieu_2022-Q1_TM.csv", "thong-bao_2022-Q1_TM.docx"]
    assert [a["name"] for a in notice.attachments] == names == sorted(facts.attachments)
    assert {a["name"]: a["sha256"] for a in notice.attachments} == {
        name: hashlib.sha256(data).hexdigest() for name, data in facts.attachments.items()}
    assert facts.attachments["so-lieu_2022-Q1_TM.csv"] == attachments.figure_rows_csv(sample, NOTICE)
    assert facts.attachments["cuoc-hop_2022-Q1_TM.yaml"] == (SAMPLE / "meetings" / "2022-q1-thap-muoi.yaml").read_bytes()
    assert (facts.xmp["pdfaid:part"], facts.xmp["pdfaid:conformance"]) == ("3", "B")
    assert facts.xmp["vb:periodName"] == "quý I năm 2022" and facts.xmp["vb:signer"] == "Nguyễn Văn Thành"
    assert notice.sha256 == hashlib.sha256(notice.pdf).hexdigest()


def test_a_record_and_its_row_pass_verify(notice, tmp_path):
    path = "2022/2022-Q1/TM/TB-VP_thong-bao.pdf"
    row = manifest.new_row(notice, path, 1, "2022-03-16T08:00:00+07:00")
    assert (row["size"], row["pages"], row["generator"]) == (len(notice.pdf), 2, f"reportgen {__version__}")
    manifest.save(tmp_path, [row])
    (tmp_path / path).parent.mkdir(parents=True)
    (tmp_path / path).write_bytes(notice.pdf)
    assert verify(tmp_path) == []
