"""A second workspace, built here: another district, other quarters, other figures and wording.

Huyện Châu Thành, 2023-Q2 and 2023-Q3 (hand-computed):
district office Q3: online 500 (Q2: 450, +50 = 11,1 %), resolved 1.200 with 10 late -> 1.190/1.200 = 99,17 %;
communes Q3: online 40 + 20 + 10 = 70 (Q2: 57, +13 = 22,8 %), resolved 527 with 12 late -> 515/527 = 97,72 %,
below the 98 % target, so the bulletin must NOT say "đều đạt trên 98%". No 2022 figures: no year-on-year.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli import main
from tests.chau_thanh import CONFIG, FIGURES, MEETING, UNITS
from tests.conftest import write_workspace
from tests.readback import LEFTOVERS, docx_text, flat, pdf_text, xlsx_text


@pytest.fixture(scope="module")
def other(tmp_path_factory):
    root = write_workspace(tmp_path_factory.mktemp("chau-thanh"), CONFIG, UNITS, {"xuat-mot-cua.csv": FIGURES},
                           {"q3.yaml": MEETING})
    out = root / "out"
    result = CliRunner().invoke(main, ["build", "-w", str(root), "-o", str(out), "-p", "2023-Q3", "-u", "CT",
                                       "--json"])
    assert result.exit_code == 0, result.output
    return out / "2023-Q3" / "CT", [json.loads(line) for line in result.stdout.splitlines()]


def test_bulletin_follows_the_data(other):
    folder, _ = other
    text = flat((folder / "tin-tuc.fragment.html").read_text(encoding="utf-8"))
    # the online share rose, but the bulletin does not say so: no rise in its headline
    assert "HUYỆN CHÂU THÀNH: Cuộc họp đánh giá kết quả thực hiện cải cách hành chính quý III năm 2023" in text
    assert "Chiều 20/9, ông Nguyễn Văn Bình, Chủ tịch Ủy ban nhân dân (UBND) huyện Châu Thành" in text
    assert ("Trong quý III năm 2023, cấp huyện tiếp nhận 1.350 hồ sơ thủ tục hành chính (TTHC), đã giải quyết "
            "1.200 hồ sơ, tỷ lệ giải quyết hồ sơ đúng và trước hạn đạt 99,17%; cấp xã tiếp nhận 570 hồ sơ, đã "
            "giải quyết 527 hồ sơ, tỷ lệ giải quyết hồ sơ đúng và trước hạn đạt 97,72%.") in text
    assert ("cấp huyện có 500 hồ sơ dịch vụ công trực tuyến toàn trình và một phần và 100 hồ sơ qua dịch vụ bưu "
            "chính công ích; cấp xã có 70 hồ sơ") in text
    assert "đều đạt" not in text and "Nâng cao" not in text
    assert "Nguyên nhân hồ sơ trễ hạn ở cấp xã; giải pháp tăng hồ sơ trực tuyến toàn trình." in text
    assert "Giấy khen" not in text
    assert "Khắc phục ngay tình trạng hồ sơ trễ hạn ở cấp xã./." in text
    assert "Thu Hà, Trung tâm VH-TT huyện Châu Thành" in text
    assert "Tháp Mười" not in text and "2022" not in text


def test_report_comparisons_and_number(other):
    folder, _ = other
    text = flat(pdf_text(folder / "bao-cao.pdf"))
    assert "Số: 07/BC-UBND" in text
    assert "Châu Thành, ngày 20 tháng 9 năm 2023" in text
    assert "(số liệu tính từ ngày 15/6/2023 đến ngày 14/9/2023)" in text
    assert "tăng 50 hồ sơ (11,1%) so với quý II năm 2023, chưa có số liệu cùng kỳ năm 2022 để so sánh" in text
    assert "tăng 13 hồ sơ (22,8%) so với quý II năm 2023" in text
    assert "tỷ lệ giải quyết hồ sơ đúng và trước hạn đạt 97,72%" in text  # as its table: one figure, one way
    assert "Cấp xã còn 12 hồ sơ giải quyết quá hạn, gồm: thị trấn An Châu 08 hồ sơ, xã An Hòa 04 hồ sơ." in text
    assert "Cấp xã có 02 đơn vị có tỷ lệ giải quyết hồ sơ đúng và trước hạn chưa đạt 98%" in text
    assert "III. NHIỆM VỤ TRỌNG TÂM QUÝ IV NĂM 2023" in text
    assert "Đẩy mạnh hướng dẫn người dân nộp hồ sơ trực tuyến toàn trình." in text
    assert "Nguyễn Văn Bình" in text


def test_notice_signed_by_deputy(other):
    folder, _ = other
    text = flat(docx_text(folder / "thong-bao.docx"))
    assert "KT. CHÁNH VĂN PHÒNG" in text and "PHÓ CHÁNH VĂN PHÒNG" in text and "Lê Minh Tâm" in text
    assert "a) Khắc phục ngay tình trạng hồ sơ trễ hạn ở cấp xã (đơn vị thực hiện: UBND thị trấn An Châu)." in text
    assert "Khen thưởng" not in text


def test_no_leftovers(other):
    folder, records = other
    assert sorted(Path(r["path"]).name for r in records) == sorted(
        ["bao-cao.docx", "bao-cao.pdf", "bao-cao.xlsx", "thong-bao.docx", "thong-bao.pdf", "tin-tuc.docx",
         "tin-tuc.pdf", "tin-tuc.html", "tin-tuc.fragment.html"])
    assert all(Path(r["path"]).parent == folder and Path(r["path"]).is_file() for r in records)
    for r in records:
        path = Path(r["path"])
        text = {"pdf": pdf_text, "docx": docx_text, "xlsx": xlsx_text}.get(
            r["format"], lambda p: p.read_text(encoding="utf-8"))(path)
        assert not LEFTOVERS.findall(text), path
