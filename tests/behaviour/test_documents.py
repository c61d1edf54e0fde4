"""The three documents, read back from the files a build writes, against hand-computed figures.

Sample workspace, 2022-Q1, district TM (hand-computed from inputs/figures/mot-cua-2022-q1.csv):
district office: received 2.570 (336 online, 1.850 in person, 264 by post, 120 carried over),
resolved 2.452 (1.716 early, 724 on time, 12 late) -> on time or early 2.440/2.452 = 99,51 %;
communes: received 4.909 (90 online, 40 by post), resolved 4.792, late 03 -> 4.789/4.792 = 99,94 %.
Online vs 2021-Q4: district 336 vs 290 (+46, 15,9 %), communes 90 vs 71 (+19, 26,8 %).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pdfplumber
import pytest
from docx import Document

from tests.conftest import SAMPLE
from tests.readback import LEFTOVERS, docx_text, flat, pdf_text, xlsx_text


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory):
    from click.testing import CliRunner

    from reportgen.cli import main

    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(main, ["build", "-w", str(SAMPLE), "-o", str(out), "-p", "2022-Q1",
                                       "-u", "TM", "-u", "TM-MH", "--json"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    return out, records


def test_json_lines_describe_every_file(sample_build):
    out, records = sample_build
    files = {(r["unit"], r["kind"], r["format"]) for r in records}
    assert ("TM", "bao-cao", "pdf") in files and ("TM", "tin-tuc", "fragment.html") in files
    assert ("TM-MH", "bao-cao", "docx") in files
    assert not any(r["unit"] == "TM-MH" and r["kind"] == "tin-tuc" for r in records)  # no meeting: not planned
    for r in records:
        assert r["status"] == "built" and r["period"] == "2022-Q1"
        assert Path(r["path"]) == out / "2022-Q1" / r["unit"] / f"{r['kind']}.{r['format']}"
        assert len(r["sha256"]) == 64
        assert (r["pages"] or 0) >= (1 if r["format"] == "pdf" else 0)


def test_report_figures_district(sample_build):
    out, _ = sample_build
    for text in (flat(pdf_text(out / "2022-Q1/TM/bao-cao.pdf")), flat(docx_text(out / "2022-Q1/TM/bao-cao.docx"))):
        assert "Số: /BC-UBND" in text
        assert "Tháp Mười, ngày 09 tháng 3 năm 2022" in text
        assert "(số liệu tính từ ngày 15/12/2021 đến ngày 08/3/2022)" in text
        assert ("Tổng số hồ sơ tiếp nhận: 2.570 hồ sơ, trong đó: tiếp nhận trực tuyến 336 hồ sơ; trực tiếp "
                "1.850 hồ sơ; qua dịch vụ bưu chính công ích 264 hồ sơ; kỳ trước chuyển sang 120 hồ sơ.") in text
        # the share as the appendix's column writes it (issue 19, item 4: 2.440 of 2.452 = 99,51 %)
        assert "tỷ lệ giải quyết hồ sơ đúng và trước hạn đạt 99,51%" in text
        assert "tăng 46 hồ sơ (15,9%) so với quý IV năm 2021" in text
        assert "tăng 19 hồ sơ (26,8%) so với quý IV năm 2021" in text
        assert "Cấp xã còn 03 hồ sơ giải quyết quá hạn, gồm: xã Láng Biển 01 hồ sơ, xã Đốc Binh Kiều 02 hồ sơ." in text
        assert "xã Thanh Mỹ (0,6%); xã Trường Xuân (0,8%); xã Phú Điền (0,6%)" in text
        assert "III. NHIỆM VỤ TRỌNG TÂM QUÝ II NĂM 2022" in text
        assert "quý I năm 2022 của UBND huyện Tháp Mười./." in text
        assert "TM. ỦY BAN NHÂN DÂN" in text and "Trần Thị Quý" in text
        assert "Cộng cấp xã 4.909 90 4.713 40 66 4.792 3.189 1.600 3 117 116 1 99,94" in text
        assert "Tổng cộng 7.479 426 6.563 304 186 7.244 4.905 2.324 15 235 231 4 99,79" in text


def test_report_order_of_parts(sample_build):
    out, _ = sample_build
    text = flat(pdf_text(out / "2022-Q1/TM/bao-cao.pdf"))
    parts = ["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO",
             "I. KẾT QUẢ ĐẠT ĐƯỢC", "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "III. NHIỆM VỤ TRỌNG TÂM",
             "Nơi nhận:", "BIỂU TỔNG HỢP TÌNH HÌNH"]
    positions = [text.index(p) for p in parts]
    assert positions == sorted(positions)


def test_report_of_a_commune(sample_build):
    out, _ = sample_build
    text = flat(pdf_text(out / "2022-Q1/TM-MH/bao-cao.pdf"))
    assert "ỦY BAN NHÂN DÂN" in text and "XÃ MỸ HÒA" in text
    assert "Mỹ Hòa, ngày 14 tháng 3 năm 2022" in text  # no meeting: dated at the cut-off
    assert "Tổng số hồ sơ tiếp nhận: 211 hồ sơ, trong đó: tiếp nhận trực tuyến 07 hồ sơ" in text
    assert "- UBND huyện (b/c);" in text
    assert "Phạm Văn Tài" in text  # units.csv nguoi_ky
    assert "Cấp huyện" not in text


def test_bulletin_content(sample_build):
    out, _ = sample_build
    text = flat((out / "2022-Q1/TM/tin-tuc.fragment.html").read_text(encoding="utf-8"))
    # late files at both levels: the headline names the event, not a rise nor a share
    assert text.startswith('<p class="headline">HUYỆN THÁP MƯỜI: Cuộc họp đánh giá kết quả thực hiện cải cách '
                           'hành chính quý I năm 2022</p>')
    assert "Sáng 9/3, bà Trần Thị Quý, Chủ tịch Ủy ban nhân dân (UBND) huyện Tháp Mười chủ trì cuộc họp" in text
    assert "cải cách hành chính (CCHC) quý I năm 2022" in text
    assert ("Trong quý I năm 2022, cấp huyện tiếp nhận 2.570 hồ sơ thủ tục hành chính (TTHC), đã giải quyết 2.452 "
            "hồ sơ, tỷ lệ giải quyết hồ sơ đúng và trước hạn đạt 99,51%; cấp xã tiếp nhận 4.909 hồ sơ, đã giải "
            "quyết 4.792 hồ sơ, tỷ lệ giải quyết hồ sơ đúng và trước hạn đạt 99,94%.") in text
    assert ("cấp huyện có 336 hồ sơ dịch vụ công trực tuyến mức độ 3, mức độ 4 và 264 hồ sơ qua dịch vụ bưu chính "
            "công ích; cấp xã có 90 hồ sơ") in text
    assert "trên 98%" not in text
    assert "Quang cảnh" not in text  # the meeting file's caption has no photo (anh.tep): not printed
    assert "Phát biểu tại cuộc họp, Chủ tịch UBND huyện đề nghị" in text
    assert text.count("Trần Thị Quý") == 1
    assert '<p class="byline">Hoàng Kha, TTVH-TT và TT huyện Tháp Mười</p>' in text
    assert "tặng Giấy khen cho 06 tập thể" in text and text.count("./.") == 1
    assert "<html" not in text and "<style" not in text
    page = (out / "2022-Q1/TM/tin-tuc.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="vi">' in page and "<style>" in page


def test_notice_content(sample_build):
    out, _ = sample_build
    header = [p.text for p in Document(str(out / "2022-Q1/TM/thong-bao.docx")).tables[0].rows[0].cells[0].paragraphs]
    assert header[:2] == ["UBND HUYỆN THÁP MƯỜI", "VĂN PHÒNG HĐND VÀ UBND"]
    text = flat(pdf_text(out / "2022-Q1/TM/thong-bao.pdf"))
    assert "Số: /TB-VP" in text and "THÔNG BÁO" in text
    assert "Kết luận của Chủ tịch Ủy ban nhân dân huyện Tháp Mười tại cuộc họp" in text
    assert "a) Tăng cường và quan tâm hơn nữa" in text and "đ) Ứng dụng hiệu quả" in text
    assert "thời hạn: trước ngày 31 tháng 3 năm 2022" in text
    assert "tặng Giấy khen cho 06 tập thể" in text
    # issued by the office in its own name (the district's default): signed by its head as such
    assert "TL. CHỦ TỊCH" not in text and "CHÁNH VĂN PHÒNG" in text and "Nguyễn Văn Thành" in text
    assert ("Bên cạnh kết quả đạt được, công tác CCHC quý I năm 2022 còn một số hạn chế: cấp huyện còn 12 hồ sơ "
            "giải quyết quá hạn, 03 hồ sơ đang giải quyết đã quá hạn; cấp xã còn 03 hồ sơ giải quyết quá hạn "
            "(xã Láng Biển 01 hồ sơ, xã Đốc Binh Kiều 02 hồ sơ), 01 hồ sơ đang giải quyết đã quá hạn (xã Đốc "
            "Binh Kiều 01 hồ sơ).") in text


def test_no_leftovers_in_any_output(sample_build):
    out, records = sample_build
    # every format of both units is there to be read: TM's 3 kinds (9 files), TM-MH's report (3)
    assert sorted((r["unit"], r["kind"], r["format"]) for r in records) == sorted(
        [("TM", "bao-cao", f) for f in ("docx", "pdf", "xlsx")] + [("TM", "thong-bao", f) for f in ("docx", "pdf")]
        + [("TM", "tin-tuc", f) for f in ("docx", "pdf", "html", "fragment.html")]
        + [("TM-MH", "bao-cao", f) for f in ("docx", "pdf", "xlsx")])
    assert all(Path(r["path"]).is_file() for r in records)
    for r in records:
        path = Path(r["path"])
        if r["format"] == "pdf":
            text = pdf_text(path)
        elif r["format"] == "docx":
            text = docx_text(path)
        elif r["format"] == "xlsx":
            text = xlsx_text(path)
        else:
            text = re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8"))
        found = LEFTOVERS.findall(text)
        assert not found, f"{path}: {found}"


def test_a_document_that_cannot_be_built_is_reported_and_the_rest_built(workspace, cli, tmp_path):
    (workspace / "templates").mkdir()
    (workspace / "templates" / "thong-bao.html.j2").write_text(
        '{% extends "base.html.j2" %}\n{% block body %}\n<p>{{ khong_co }}</p>\n{% endblock %}\n', encoding="utf-8")
    out = tmp_path / "out"
    result = cli("build", "-w", workspace, "-o", out, "-p", "2022-Q1", "-u", "TM", "-u", "TM-MH",
                 "-k", "thong-bao", "-k", "bao-cao", "-f", "docx")
    assert result.exit_code == 1, result.output
    assert "LỖI: 2022-Q1 TM thong-bao: Mẫu " in result.stderr
    assert "thong-bao.html.j2, dòng 3: biến 'khong_co' không có trong dữ liệu" in result.stderr
    assert ("KHÔNG LẬP ĐƯỢC: 2022-Q1 TM-MH thong-bao: không có tệp cuộc họp (meetings/*.yaml) của đơn vị TM-MH "
            "kỳ 2022-Q1") in result.stderr
    assert "Tổng kết: 2 tệp đã ghi, 0 tệp không đổi, 1 văn bản không lập được, 1 văn bản lỗi." in result.stdout
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and ".reportgen" not in p.parts)
    assert written == ["2022-Q1/TM-MH/bao-cao.docx", "2022-Q1/TM/bao-cao.docx"]


def test_rebuild_reports_unchanged_files(workspace, cli, tmp_path):
    args = ("build", "-w", workspace, "-o", tmp_path / "o", "-p", "2022-Q1", "-u", "TM-MH", "-f", "docx")
    assert cli(*args).exit_code == 0
    again = cli(*args)
    assert again.exit_code == 0
    assert "không đổi: " in again.stdout and "Tổng kết: 0 tệp đã ghi, 1 tệp không đổi" in again.stdout


def test_builds_are_byte_identical(cli, tmp_path):
    digests = []
    for name in ("a", "b"):
        result = cli("build", "-w", SAMPLE, "-o", tmp_path / name, "-p", "2022-Q1", "-u", "TM", "-k", "bao-cao",
                     "--json")
        assert result.exit_code == 0, result.output
        digests.append({(r["format"], r["sha256"]) for r in map(json.loads, result.stdout.splitlines())})
    assert digests[0] == digests[1] and len(digests[0]) == 3  # docx, pdf (with the chart), xlsx


def test_chart_is_in_the_report_pdf(sample_build):
    out, _ = sample_build
    with pdfplumber.open(out / "2022-Q1/TM/bao-cao.pdf") as pdf:
        images = [image for page in pdf.pages for image in page.images]
    assert len(images) == 1
    assert images[0]["x1"] - images[0]["x0"] > 400  # fitted to the text width (~467 pt)
    with pdfplumber.open(out / "2022-Q1/TM-MH/bao-cao.pdf") as pdf:
        assert not any(page.images for page in pdf.pages)  # a commune alone: no chart of one bar


def test_parallel_build_gives_the_same_files(cli, tmp_path):
    digests = []
    for workers in ("1", "2"):
        result = cli("build", "-w", SAMPLE, "-o", tmp_path / workers, "-p", "2022-Q1", "-u", "TM", "-u", "TM-MH",
                     "-f", "pdf", "--json", "--jobs", workers)
        assert result.exit_code == 0, result.output
        digests.append([(r["unit"], r["kind"], r["sha256"]) for r in map(json.loads, result.stdout.splitlines())])
    assert digests[0] == digests[1] and len(digests[0]) == 4  # same files, same order


def test_markup_outside_the_subset_fails_every_format(workspace, cli, tmp_path):
    (workspace / "templates").mkdir()
    (workspace / "templates" / "tin-tuc.html.j2").write_text(
        '{% extends "base.html.j2" %}\n{% block body %}\n<div class="quang-cao">mua ngay</div>\n{% endblock %}\n',
        encoding="utf-8")
    out = tmp_path / "out"
    result = cli("build", "-w", workspace, "-o", out, "-p", "2022-Q1", "-u", "TM", "-k", "tin-tuc", "-f", "html")
    assert result.exit_code == 1
    assert ("LỖI: 2022-Q1 TM tin-tuc: Mẫu tin-tuc.html.j2: thẻ <div class='quang-cao'> không thuộc tập HTML "
            "được hỗ trợ (docs/html-subset.md)") in result.stderr
    assert not out.exists() or not any(out.rglob("*.html"))


def test_notice_needs_an_explicit_signer(workspace, cli, tmp_path):
    text = (workspace / "reportgen.toml").read_text(encoding="utf-8")
    start = text.index("[signers.TM.thong-bao]")
    (workspace / "reportgen.toml").write_text(text[:start], encoding="utf-8")
    result = cli("build", "-w", workspace, "-o", tmp_path / "o", "-p", "2022-Q1", "-u", "TM")
    assert result.exit_code == 2
    assert ("LỖI: reportgen.toml, cột signers.TM.thong-bao: chưa có người ký thong-bao của đơn vị TM: thêm "
            "[signers.TM.thong-bao] (name, title, authority)") in result.stderr
    assert not (tmp_path / "o").exists()


def test_a_commune_notice_is_issued_by_its_peoples_committee(workspace, cli, tmp_path):
    meeting = (workspace / "meetings" / "2022-q1-thap-muoi.yaml").read_text(encoding="utf-8")
    meeting = meeting.replace("don_vi: TM\n", "don_vi: TM-TT\n").replace(
        "chuc_vu: Chủ tịch Ủy ban nhân dân huyện Tháp Mười", "chuc_vu: Chủ tịch Ủy ban nhân dân thị trấn Mỹ An")
    (workspace / "meetings" / "tt.yaml").write_text(meeting, encoding="utf-8")
    (workspace / "meetings" / "2022-q1-thap-muoi.yaml").unlink()
    with open(workspace / "reportgen.toml", "a", encoding="utf-8") as f:
        f.write('\n[signers.TM-TT.thong-bao]\nname = "Nguyễn Văn Hùng"\ntitle = "CHỦ TỊCH"\n'
                'authority = "TM. ỦY BAN NHÂN DÂN"\n')
    out = tmp_path / "o"
    result = cli("build", "-w", workspace, "-o", out, "-p", "2022-Q1", "-u", "TM-TT", "-k", "thong-bao", "-f", "docx")
    assert result.exit_code == 0, result.output
    doc = Document(str(out / "2022-Q1/TM-TT/thong-bao.docx"))
    left = [p.text for p in doc.tables[0].rows[0].cells[0].paragraphs if p.text]
    assert left == ["ỦY BAN NHÂN DÂN\nTHỊ TRẤN MỸ AN", "Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/TB-UBND"]
    text = flat(docx_text(out / "2022-Q1/TM-TT/thong-bao.docx"))
    assert "Chủ tịch UBND thị trấn kết luận như sau:" in text
    # no units below a commune: no "địa phương"; the bodies its tasks name are among the recipients
    assert "UBND thị trấn Mỹ An thông báo để các cơ quan, đơn vị biết, thực hiện./." in text
    assert "- Văn phòng HĐND và UBND huyện;" in text and "- Bưu điện huyện;" in text


def test_report_date_from_the_meeting_file(workspace, cli, tmp_path):
    with open(workspace / "meetings" / "2022-q1-thap-muoi.yaml", "a", encoding="utf-8") as f:
        f.write("ngay_bao_cao: 2022-03-07\n")
    out = tmp_path / "o"
    assert cli("build", "-w", workspace, "-o", out, "-p", "2022-Q1", "-u", "TM", "-k", "bao-cao", "-f", "docx").exit_code == 0
    text = flat(docx_text(out / "2022-Q1/TM/bao-cao.docx"))
    assert "Tháp Mười, ngày 07 tháng 3 năm 2022" in text
    assert "(Kèm theo Báo cáo số /BC-UBND ngày 07/3/2022 của Ủy ban nhân dân huyện Tháp Mười)" in text
