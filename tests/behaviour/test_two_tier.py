"""Two tiers (issue 14): the province and its communes since 1 July 2025.

The sample inputs/mau-2025 and a second two-tier workspace built here (tỉnh Khánh Hòa, with a
phường, a xã and a đặc khu; minimal config, so the defaults speak) are built in every format;
every output's text is checked for the words it must not contain and the figures it must.

Hand-computed figures of the workspace below, 2025-Q4:
- KH (the province's own office): resolved 3.000 + 4.999 + 1 late = 8.000, on time 7.999/8.000 =
  99,9875 %: printed 99,99 %, never 100 % (one late file in thousands);
- KH-NT (phường Nha Trang): online 2.999 of 2.999 + 6.901 + 100 = 10.000 new = 29,99 %, just under
  the 30 % target (rounded to one decimal it would read 30 %);
- KH-TS (đặc khu Trường Sa): on time 97/100 = 97 %, below 98 %;
- KH-CL (xã Cam Lâm): online 300 of 1.000 = 30 %, on time 100 %.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from reportgen.cli import main
from tests.conftest import write_workspace
from tests.readback import LEFTOVERS, docx_text, flat, pdf_text, texts

ROOT = Path(__file__).resolve().parents[2]

CONFIG = """\
province = "Khánh Hòa"

[labels.levels]
tinh = "cấp tỉnh"
xa = "cấp xã"

[targets]
on_time_share = { tinh = 0.98, xa = 0.98 }
online_share = { tinh = 0.50, xa = 0.30 }

[signers.KH.bao-cao]
name = "Nguyễn Văn An"
title = "CHỦ TỊCH"
authority = "TM. ỦY BAN NHÂN DÂN"

[signers.KH.thong-bao]
name = "Trần Thị Bình"
title = "CHÁNH VĂN PHÒNG"

[signers.KH-TS.thong-bao]
name = "Lê Văn Cường"
title = "CHÁNH VĂN PHÒNG"
authority = "TL. CHỦ TỊCH"
"""
UNITS = """\
ma_don_vi,ten_don_vi,cap,ma_cap_tren,dia_danh,nguoi_ky
KH,Tỉnh Khánh Hòa,tinh,,Khánh Hòa,Nguyễn Văn An
KH-NT,Phường Nha Trang,xa,KH,Nha Trang,Phạm Thị Dung
KH-TS,Đặc khu Trường Sa,xa,KH,Trường Sa,Hồ Văn Em
KH-CL,Xã Cam Lâm,xa,KH,Cam Lâm,Võ Thị Giang
"""
FIGURES = """\
ky,ma_don_vi,truc_tuyen,truc_tiep,buu_chinh,ky_truoc,truoc_han,dung_han,qua_han,dang_trong_han,dang_qua_han
2025-Q3,KH,5000,2800,100,100,3000,4800,0,200,0
2025-Q3,KH-NT,2500,7300,100,100,5000,4800,0,200,0
2025-Q3,KH-TS,40,60,0,0,50,48,0,2,0
2025-Q3,KH-CL,250,740,10,0,500,490,0,10,0
2025-Q4,KH,5200,2700,100,100,3000,4999,1,100,0
2025-Q4,KH-NT,2999,6901,100,100,5000,5000,0,100,0
2025-Q4,KH-TS,50,50,0,0,60,37,3,0,0
2025-Q4,KH-CL,300,690,10,0,500,490,0,10,0
"""
MEETING_PROVINCE = """\
don_vi: KH
ky: 2025-Q4
ngay: 2025-12-19
buoi: sang
chu_tri: {ho_ten: Nguyễn Văn An, danh_xung: ông, chuc_vu: Chủ tịch Ủy ban nhân dân tỉnh Khánh Hòa}
thanh_phan: [lãnh đạo các sở, ban, ngành tỉnh, Chủ tịch UBND các xã, phường, đặc khu]
thao_luan: {noi_dung: [hồ sơ trễ hạn]}
chi_dao: [{noi_dung: giải quyết dứt điểm hồ sơ quá hạn}]
tac_gia: {ho_ten: Thu Hà, don_vi: Văn phòng UBND tỉnh}
"""
MEETING_ZONE = """\
don_vi: KH-TS
ky: 2025-Q4
ngay: 2025-12-17
buoi: chieu
chu_tri: {ho_ten: Hồ Văn Em, danh_xung: ông, chuc_vu: Chủ tịch Ủy ban nhân dân đặc khu Trường Sa}
thanh_phan: [công chức Bộ phận Một cửa đặc khu]
thao_luan: {noi_dung: [số hóa hồ sơ]}
chi_dao: [{noi_dung: không để phát sinh hồ sơ trễ hạn}]
tac_gia: {ho_ten: Minh Khoa, don_vi: UBND đặc khu Trường Sa}
"""

# words no output of a province-and-communes workspace may contain
DISTRICT = re.compile(r"huyện|HUYỆN|Huyện|quận\b|Quận\b|thị trấn|Thị trấn")


def write_two_tier(root: Path) -> Path:
    return write_workspace(root, CONFIG, UNITS, {"mot-cua.csv": FIGURES},
                           {"2025-q4-kh.yaml": MEETING_PROVINCE, "2025-q4-ts.yaml": MEETING_ZONE})


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = write_two_tier(tmp_path_factory.mktemp("kh") / "ws")
    out = tmp_path_factory.mktemp("kh-out")
    result = CliRunner().invoke(main, ["build", "--workspace", str(root), "--out", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return texts(out)


@pytest.fixture(scope="module")
def sample(sample_builds):
    """inputs/mau-2025 built as `reportgen build` builds it by default (the golden test's build, shared)."""
    return texts(sample_builds[0] / "mau-2025-out")


def test_every_kind_and_format_is_built(built):
    assert {"2025-Q4/KH/bao-cao.pdf", "2025-Q4/KH/bao-cao.docx", "2025-Q4/KH/thong-bao.pdf",
            "2025-Q4/KH/tin-tuc.html", "2025-Q4/KH/tin-tuc.fragment.html", "2025-Q4/KH-TS/thong-bao.docx",
            "2025-Q4/KH-NT/bao-cao.pdf"} <= set(built)


@pytest.mark.parametrize("which", ["built", "sample"])
def test_no_district_no_empty_level_no_leftovers(which, request):
    texts_ = request.getfixturevalue(which)
    # every unit's report of every period, in both formats, is among the texts read:
    # 4 units x 2 periods here, 7 units x 4 periods (2025-Q3, 2025-Q4, 2026-Q1, 2026-6T) in inputs/mau-2025
    reports = sorted(name for name in texts_ if name.endswith("/bao-cao.pdf"))
    assert len(reports) == {"built": 8, "sample": 28}[which]
    assert all(name[:-3] + "docx" in texts_ for name in reports)
    assert [name for name, text in texts_.items() if not text.strip()] == []
    for name, text in texts_.items():
        assert not DISTRICT.search(text), (name, DISTRICT.search(text).group(0))
        assert "cấp huyện" not in text.lower(), name
        assert not LEFTOVERS.search(text), (name, LEFTOVERS.search(text).group(0))


def test_one_late_file_in_thousands_is_not_100_percent(built, sample):
    for fmt in ("pdf", "docx"):
        text = built[f"2025-Q4/KH/bao-cao.{fmt}"]
        assert "quá hạn 01 hồ sơ; tỷ lệ giải quyết hồ sơ đúng và trước hạn đạt 99,99%" in text
        assert "99,99" in text.split("BIỂU TỔNG HỢP")[1]
        assert "100,00" not in text.split("BIỂU TỔNG HỢP")[1].split("Cấp xã")[0]
        notice = built[f"2025-Q4/KH/thong-bao.{fmt}"]
        assert "đúng và trước hạn đạt 99,99%; còn 01 hồ sơ giải quyết quá hạn" in notice
        assert "đạt 100%" not in sample[f"2025-Q4/AG/bao-cao.{fmt}"]
        assert "đúng và trước hạn đạt 99,99%" in sample[f"2025-Q4/AG/bao-cao.{fmt}"]


def test_a_share_just_under_the_target_is_not_rounded_up_to_it(built):
    for fmt in ("pdf", "docx"):
        report = built[f"2025-Q4/KH-NT/bao-cao.{fmt}"]
        assert ("Tỷ lệ hồ sơ tiếp nhận trực tuyến của phường Nha Trang đạt 29,99%, chưa đạt mục tiêu 30%"
                in report)
        province = built[f"2025-Q4/KH/bao-cao.{fmt}"]
        assert ("Cấp xã có 01 đơn vị có tỷ lệ hồ sơ tiếp nhận trực tuyến chưa đạt mục tiêu 30%: "
                "phường Nha Trang (29,99%)") in province
        assert ("Cấp xã có 01 đơn vị có tỷ lệ giải quyết hồ sơ đúng và trước hạn chưa đạt 98%: "
                "đặc khu Trường Sa (97%)") in province


def test_a_q4_meeting_looks_ahead_to_the_next_year(built, sample):
    for texts_, unit in ((built, "KH"), (built, "KH-TS"), (sample, "AG"), (sample, "AG-LX")):
        for fmt in ("pdf", "docx"):
            notice = texts_[f"2025-Q4/{unit}/thong-bao.{fmt}"]
            assert "quý IV năm 2025 và triển khai nhiệm vụ trọng tâm năm 2026" in notice
            assert "nhiệm vụ trọng tâm năm 2025" not in notice
        for fmt in ("pdf", "docx", "html"):
            bulletin = texts_[f"2025-Q4/{unit}/tin-tuc.{fmt}"]
            assert "triển khai các nhiệm vụ trọng tâm năm 2026" in bulletin
            assert "năm 2025." not in bulletin.split(" chủ trì ")[1][:120]


def test_a_single_commune_speaks_of_itself_by_name(built, sample):
    for name, text in list(built.items()) + list(sample.items()):
        unit = name.split("/")[1]
        if unit not in ("KH", "AG"):
            assert "cấp xã" not in text.lower(), name
    for fmt in ("pdf", "docx"):
        assert "Phường Nha Trang: tiếp nhận 2.999 hồ sơ dịch vụ công trực tuyến" in built[f"2025-Q4/KH-NT/bao-cao.{fmt}"]
        notice = built[f"2025-Q4/KH-TS/thong-bao.{fmt}"]
        assert "Kết quả cụ thể: - Đặc khu Trường Sa: tiếp nhận 100 hồ sơ, trong đó 50 hồ sơ" in notice
        assert "Đặc khu Trường Sa còn 03 hồ sơ giải quyết quá hạn" in built[f"2025-Q4/KH-TS/bao-cao.{fmt}"]
    assert "Phường Long Xuyên: tiếp nhận 1.391 hồ sơ" in sample["2025-Q4/AG-LX/bao-cao.pdf"]


def test_level_words_of_a_special_zone(built):
    for fmt in ("pdf", "docx"):
        notice = built[f"2025-Q4/KH-TS/thong-bao.{fmt}"]
        assert "ĐẶC KHU TRƯỜNG SA" in notice
        assert "Trường Sa, ngày 17 tháng 12 năm 2025" in notice
        assert "Chủ tịch UBND đặc khu kết luận như sau" in notice
        # before the conclusions the zone is named mid-sentence, its level word in lower case
        opening = notice.split("kết luận như sau")[0]
        assert "Đặc khu Trường Sa" not in opening
        assert "Kết luận của Chủ tịch Ủy ban nhân dân đặc khu Trường Sa tại cuộc họp" in opening
        assert "ông Hồ Văn Em, Chủ tịch Ủy ban nhân dân (UBND) đặc khu Trường Sa chủ trì" in opening
        # the office reports to the meeting (issue 25), named with the zone's level word
        assert "Sau khi nghe Văn phòng Hội đồng nhân dân (HĐND) và UBND đặc khu Trường Sa báo cáo" in opening
        province = built[f"2025-Q4/KH/bao-cao.{fmt}"]
        assert "gồm: đặc khu Trường Sa 03 hồ sơ" in province
    assert "ĐẶC KHU TRƯỜNG SA: " in built["2025-Q4/KH-TS/tin-tuc.html"]


def test_the_province_own_office_row_is_not_read_as_the_total(built, sample):
    for fmt in ("pdf", "docx"):
        table = built[f"2025-Q4/KH/bao-cao.{fmt}"].split("BIỂU TỔNG HỢP")[1]
        assert "Cấp tỉnh 1 Trung tâm Phục vụ hành chính công tỉnh 8.100" in table
        assert "Tỉnh Khánh Hòa" not in table.split("Tổng cộng")[0].replace("Ủy ban nhân dân tỉnh Khánh Hòa", "")
        table = sample[f"2025-Q4/AG/bao-cao.{fmt}"].split("BIỂU TỔNG HỢP")[1]
        assert "1 Trung tâm Phục vụ hành chính công tỉnh 6.958" in table  # 12 of them withdrawn (rut_tra_lai)


def test_own_office_name_is_configurable(tmp_path):
    root = write_two_tier(tmp_path / "ws")
    with (root / "reportgen.toml").open("a", encoding="utf-8") as f:
        f.write('\n[labels.own_office]\ntinh = "Các sở, ban, ngành {cap}"\n')
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--workspace", str(root), "--out", str(out), "--unit", "KH",
                                       "--kind", "bao-cao", "--format", "pdf"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "1 Các sở, ban, ngành tỉnh 8.100" in flat(pdf_text(out / "2025-Q4/KH/bao-cao.pdf"))


def test_a_commune_report_goes_to_the_province_by_default(built):
    for fmt in ("pdf", "docx"):
        text = built[f"2025-Q4/KH-NT/bao-cao.{fmt}"]
        recipients = text.split("Nơi nhận:")[1].split("BIỂU TỔNG HỢP")[0]
        assert "- UBND tỉnh Khánh Hòa (b/c);" in recipients and "- Lưu: VT." in recipients
        assert "Nơi nhận:" in built[f"2025-Q4/KH/bao-cao.{fmt}"]
        assert "(b/c)" not in built[f"2025-Q4/KH/bao-cao.{fmt}"]


def test_the_chart_legend_is_below_the_axes(tmp_path):
    from io import BytesIO

    from PIL import Image

    from reportgen.charts import online_share_chart

    png = online_share_chart(["Phường A", "Xã B"], [0.31, 0.99], 0.30, "Biểu đồ", "Mục tiêu 30%", "chưa có số liệu")
    image = Image.open(BytesIO(png)).convert("L")
    # the legend's red dashed line sample lies in the bottom eighth of the picture, under the
    # x axis's labels; nothing dark is drawn right of the longest bar's label
    width, height = image.size
    red = Image.open(BytesIO(png)).convert("RGB")
    rows = [y for y in range(height) for x in range(0, width, 2) if red.getpixel((x, y))[0] > 150
            and red.getpixel((x, y))[1] < 80 and red.getpixel((x, y))[2] < 80]
    assert rows and max(rows) > height * 0.85


# ---- dates that agree (item 2), the cut-off rule in the config, repeated list items ----------

def test_a_report_dated_before_the_window_ends_says_figures_to_the_day_before(tmp_path):
    from tests.conftest import SAMPLE

    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--workspace", str(SAMPLE), "--out", str(out), "--unit", "TM",
                                       "--period", "2022-Q1", "--kind", "bao-cao"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for text in (flat(pdf_text(out / "2022-Q1/TM/bao-cao.pdf")), flat(docx_text(out / "2022-Q1/TM/bao-cao.docx"))):
        assert "Tháp Mười, ngày 09 tháng 3 năm 2022" in text
        assert "(số liệu tính từ ngày 15/12/2021 đến ngày 08/3/2022)" in text
        assert "14/3/2022" not in text


def _one_report(root: Path, out: Path, unit: str = "KH-NT") -> str:
    result = CliRunner().invoke(main, ["build", "--workspace", str(root), "--out", str(out), "--unit", unit,
                                       "--period", "2025-Q4", "--kind", "bao-cao"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    pdf, docx = flat(pdf_text(out / f"2025-Q4/{unit}/bao-cao.pdf")), flat(docx_text(out / f"2025-Q4/{unit}/bao-cao.docx"))
    window = re.search(r"\(số liệu tính từ ngày [^)]*\)", pdf).group(0)
    assert window in docx
    return window


def test_the_cutoff_rule_and_the_day_figures_were_taken_come_from_the_config(tmp_path):
    root = write_two_tier(tmp_path / "ws")
    # Decree 09's window by default; no meeting: dated the window's last day
    assert _one_report(root, tmp_path / "a") == "(số liệu tính từ ngày 15/9/2025 đến ngày 14/12/2025)"
    with (root / "reportgen.toml").open("a", encoding="utf-8") as f:
        f.write('\n[cutoff]\nngay_chot = 31\n')
    assert _one_report(root, tmp_path / "b") == "(số liệu tính từ ngày 01/10/2025 đến ngày 31/12/2025)"
    with (root / "reportgen.toml").open("a", encoding="utf-8") as f:
        f.write('so_lieu_den = { "2025-Q4" = 2025-12-20 }\n')
    assert _one_report(root, tmp_path / "c") == "(số liệu tính từ ngày 01/10/2025 đến ngày 20/12/2025)"
    # the province's meeting is on 19/12: its report is dated before the window's end
    assert _one_report(root, tmp_path / "d", "KH") == "(số liệu tính từ ngày 01/10/2025 đến ngày 20/12/2025)"
    result = CliRunner().invoke(main, ["validate", "--workspace", str(root)], catch_exceptions=False)
    assert result.exit_code == 0
    assert ("reportgen.toml, cột cutoff.so_lieu_den.2025-Q4: số liệu kỳ 2025-Q4 tính đến sau ngày báo cáo "
            "của KH (19/12/2025)") in result.output


def test_a_report_dated_inside_the_window_and_so_lieu_den_of_the_meeting(tmp_path):
    root = write_two_tier(tmp_path / "ws")
    with (root / "reportgen.toml").open("a", encoding="utf-8") as f:
        f.write('\n[cutoff]\nngay_chot = 31\n')
    assert _one_report(root, tmp_path / "a", "KH") == "(số liệu tính từ ngày 01/10/2025 đến ngày 18/12/2025)"
    meeting = root / "meetings" / "2025-q4-kh.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8") + "so_lieu_den: 2025-12-15\n", encoding="utf-8")
    assert _one_report(root, tmp_path / "b", "KH") == "(số liệu tính từ ngày 01/10/2025 đến ngày 15/12/2025)"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace("so_lieu_den: 2025-12-15", "so_lieu_den: 2025-12-22"),
                       encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--workspace", str(root)], catch_exceptions=False)
    assert result.exit_code == 0
    assert ("meetings/2025-q4-kh.yaml, dòng 10, cột so_lieu_den: số liệu tính đến sau ngày báo cáo (19/12/2025): "
            "báo cáo không thể có số liệu của những ngày chưa đến") in result.output


def test_repeated_items_in_lists_are_warned_with_the_key(tmp_path):
    root = write_two_tier(tmp_path / "ws")
    with (root / "reportgen.toml").open("a", encoding="utf-8") as f:
        f.write('\n[issuers.bao-cao]\nrecipients = ["UBND tỉnh (b/c)", "Sở Nội vụ", "UBND  tỉnh (b/c)"]\n')
    meeting = root / "meetings" / "2025-q4-kh.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace(
        "thanh_phan: [lãnh đạo các sở, ban, ngành tỉnh,", "thanh_phan: [Bưu điện tỉnh, bưu điện tỉnh,"), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--workspace", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert ("reportgen.toml, cột issuers.bao-cao.recipients: mục lặp lại trong danh sách (sẽ in hai lần)"
            in result.output)
    assert "UBND  tỉnh (b/c)" in result.output
    assert ("meetings/2025-q4-kh.yaml, dòng 6, cột thanh_phan: mục lặp lại trong danh sách (sẽ in hai lần)"
            in result.output)


def test_the_closing_sentence_stays_with_the_signature(tmp_path):
    """No page holds the recipients and signature alone: the closing sentence goes with them
    (print.css: table.closing break-before: avoid; DOCX: keep with next, keep lines together)."""
    import pdfplumber

    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--workspace", str(ROOT / "inputs" / "mau-2025"), "--out", str(out),
                                       "--kind", "bao-cao", "--period", "2025-Q4", "--period", "2026-6T"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    reports = sorted(out.rglob("bao-cao.pdf"))
    assert len(reports) == 14  # the province's Q4 report had its signature alone on page 4
    for path in reports:
        with pdfplumber.open(path) as pdf:
            pages = [flat(page.extract_text() or "") for page in pdf.pages]
        closing = next(page for page in pages if "Nơi nhận:" in page)
        assert "Trên đây là báo cáo kết quả tiếp nhận, giải quyết TTHC" in closing, path
        docx = Document(str(path.with_suffix(".docx")))
        body = [p for p in docx.paragraphs if p.text.startswith("Trên đây là báo cáo")]
        assert body and body[0].paragraph_format.keep_with_next and body[0].paragraph_format.keep_together
