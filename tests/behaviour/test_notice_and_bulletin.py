"""The notice and the bulletin as offices write them after the 2025 reform (issue 25).

A two-tier workspace built here (tỉnh Lâm Đồng, 2026-Q1; not the samples' units, figures or
wording), hand-computed:
- LD (the province's own office): received 3.000 + 1.500 + 50 + 50 = 4.600, resolved 2.000 +
  2.396 + 4 late = 4.400, on time 4.396/4.400 = 99,909 % -> "99,91%" (issue 19 item 4: two decimals, as the table); 5 overdue in progress;
- LD-XH (phường Xuân Hương): received 800 + 900 + 20 + 30 = 1.750, resolved 1.000 + 700 = 1.700,
  none late: on time 100 %;
- LD-LB (xã Lạc Dương): received 90 + 300 + 5 + 5 = 400, resolved 200 + 180 + 7 late = 387, on
  time 380/387 = 98,19 % -> "98,19%"; 3 overdue in progress.
The ward's notice is the People's Committee's (the commune default), the province's the
office's own, signed by a deputy ("KT. CHÁNH VĂN PHÒNG").
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from PIL import Image

from reportgen.cli import main
from tests.conftest import write_workspace
from tests.readback import docx_text, flat, pdf_text

CONFIG = """\
province = "Lâm Đồng"

[labels.levels]
tinh = "cấp tỉnh"
xa = "cấp xã"

[targets]
on_time_share = { tinh = 0.98, xa = 0.98 }

[issuers.thong-bao]
issued_by = "office"
recipients = ["CT, các PCT UBND tỉnh", "Các sở, ban, ngành tỉnh", "UBND các xã, phường"]

[issuers."thong-bao.xa"]
issued_by = "committee"
recipients = ["CT, các PCT UBND", "Văn phòng HĐND và UBND"]

[signers.LD.thong-bao]
name = "Đỗ Văn Hải"
title = "PHÓ CHÁNH VĂN PHÒNG"
authority = "KT. CHÁNH VĂN PHÒNG"

[signers.LD-XH.thong-bao]
name = "Vũ Thị Mai"
title = "CHÁNH VĂN PHÒNG"
authority = "TL. CHỦ TỊCH"

[signers.LD-LB.thong-bao]
name = "Hà Văn Sơn"
title = "CHÁNH VĂN PHÒNG"
authority = "TL. CHỦ TỊCH"
"""
UNITS = """\
ma_don_vi,ten_don_vi,cap,ma_cap_tren,dia_danh,nguoi_ky
LD,Tỉnh Lâm Đồng,tinh,,Lâm Đồng,Trần Quốc Bảo
LD-XH,Phường Xuân Hương,xa,LD,Xuân Hương,Phạm Thị Lan
LD-LB,Xã Lạc Dương,xa,LD,Lạc Dương,K'Brơi Ha
"""
FIGURES = """\
ky,ma_don_vi,truc_tuyen,truc_tiep,buu_chinh,ky_truoc,truoc_han,dung_han,qua_han,dang_trong_han,dang_qua_han
2026-Q1,LD,3000,1500,50,50,2000,2396,4,195,5
2026-Q1,LD-XH,800,900,20,30,1000,700,0,50,0
2026-Q1,LD-LB,90,300,5,5,200,180,7,10,3
"""
WARD = """\
don_vi: LD-XH
ky: 2026-Q1
ngay: 2026-03-12
buoi: sang
chu_tri: {ho_ten: Phạm Thị Lan, danh_xung: bà, chuc_vu: Chủ tịch Ủy ban nhân dân phường Xuân Hương}
thanh_phan: [công chức Trung tâm Phục vụ hành chính công phường, Bưu điện phường Xuân Hương]
thao_luan: {noi_dung: [số hóa hồ sơ đầu vào], con_nua: false}
chi_dao:
  - noi_dung: giữ vững tỷ lệ hồ sơ giải quyết đúng hạn
    don_vi: Trung tâm Phục vụ hành chính công phường
  - noi_dung: niêm yết đầy đủ thủ tục hành chính
anh: {tep: anh/hop.jpg, tac_gia: Ngọc Ánh}
tac_gia: {ho_ten: Minh Thư}
"""
COMMUNE = """\
don_vi: LD-LB
ky: 2026-Q1
ngay: 2026-03-13
buoi: chieu
loai_hop: hội nghị
chu_tri: {ho_ten: K'Brơi Ha, danh_xung: ông, chuc_vu: Chủ tịch Ủy ban nhân dân xã Lạc Dương}
thanh_phan: [các phòng chuyên môn thuộc UBND xã]
thao_luan: {noi_dung: [hồ sơ trễ hạn], con_nua: false}
chi_dao:
  - noi_dung: xử lý dứt điểm hồ sơ quá hạn
    don_vi: Trung tâm Phục vụ hành chính công xã
han_che: [một số công chức chưa thành thạo phần mềm một cửa điện tử]
anh: {chu_thich: Quang cảnh hội nghị}
tac_gia: {ho_ten: Y Liêng, don_vi: Đài Truyền thanh xã Lạc Dương}
"""
PROVINCE = """\
don_vi: LD
ky: 2026-Q1
ngay: 2026-03-16
buoi: sang
chu_tri: {ho_ten: Trần Quốc Bảo, danh_xung: ông, chuc_vu: Chủ tịch Ủy ban nhân dân tỉnh Lâm Đồng}
thanh_phan: [lãnh đạo các sở, ban, ngành tỉnh]
thao_luan: {noi_dung: [hồ sơ quá hạn]}
chi_dao:
  - noi_dung: xử lý hồ sơ quá hạn
    don_vi: Các sở, ban, ngành tỉnh; UBND các xã, phường
tac_gia: {ho_ten: Thu Hà}
"""
MEETINGS = {"xh.yaml": WARD, "lb.yaml": COMMUNE, "ld.yaml": PROVINCE}


def write(root: Path, config: str = CONFIG, meetings: dict[str, str] | None = None) -> Path:
    root = write_workspace(root, config, UNITS, {"mot-cua.csv": FIGURES}, MEETINGS if meetings is None else meetings)
    (root / "anh").mkdir()
    Image.new("RGB", (300, 200), (30, 120, 60)).save(root / "anh" / "hop.jpg")
    return root


def run(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    root = write(tmp_path_factory.mktemp("lam-dong") / "ws")
    out = root / "out"
    result = run("build", "-w", root, "-o", out, "-f", "docx", "-f", "html")
    assert result.exit_code == 0, result.output
    result = run("build", "-w", root, "-o", out, "-k", "tin-tuc", "-u", "LD-XH", "-u", "LD-LB", "-f", "pdf")
    assert result.exit_code == 0, result.output
    return out / "2026-Q1"


def header(path: Path) -> list[str]:
    """The left column of the notice's header block: issuer lines and the number."""
    return [p.text for p in Document(str(path)).tables[0].rows[0].cells[0].paragraphs if p.text]


def signature(path: Path) -> list[str]:
    """The signature block: the closing table's right cell."""
    return [p.text for p in Document(str(path)).tables[-1].rows[0].cells[1].paragraphs if p.text]


def recipients(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).tables[-1].rows[0].cells[0].paragraphs if p.text]


def fragment(out: Path, unit: str) -> str:
    return flat(html.unescape(re.sub(r"<[^>]+>", " ", (out / unit / "tin-tuc.fragment.html").read_text(encoding="utf-8"))))


# ---- 1. issuer and signer agree ------------------------------------------------------------

def test_a_ward_notice_is_issued_by_its_peoples_committee_and_signed_by_order(out):
    notice = out / "LD-XH" / "thong-bao.docx"
    assert header(notice) == ["ỦY BAN NHÂN DÂN\nPHƯỜNG XUÂN HƯƠNG", "Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/TB-UBND"]
    assert signature(notice) == ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "Vũ Thị Mai"]
    text = flat(docx_text(notice))
    assert "UBND phường Xuân Hương thông báo để các cơ quan, đơn vị biết, thực hiện./." in text
    # the office reported (no bao_cao_boi): not "UBND phường ... báo cáo"
    assert "Sau khi nghe Văn phòng Hội đồng nhân dân (HĐND) và UBND phường Xuân Hương báo cáo" in text


def test_a_province_notice_is_issued_by_its_office_and_signed_by_a_deputy(out):
    notice = out / "LD" / "thong-bao.docx"
    assert header(notice) == ["UBND TỈNH LÂM ĐỒNG", "VĂN PHÒNG", "Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/TB-VP"]
    assert signature(notice) == ["KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "Đỗ Văn Hải"]
    assert "Văn phòng UBND tỉnh Lâm Đồng thông báo để các cơ quan, đơn vị, địa phương biết, thực hiện./." in \
        flat(docx_text(notice))


@pytest.mark.parametrize("config, keys, authority", [
    # an office header signed by order of the chair
    (CONFIG.replace('name = "Đỗ Văn Hải"\ntitle = "PHÓ CHÁNH VĂN PHÒNG"\nauthority = "KT. CHÁNH VĂN PHÒNG"',
                    'name = "Đỗ Văn Hải"\ntitle = "CHÁNH VĂN PHÒNG"\nauthority = "TL. CHỦ TỊCH"'),
     "issuers.thong-bao, signers.LD.thong-bao.authority", "TL. CHỦ TỊCH"),
    # the Committee's header signed by the office head as such
    (CONFIG.replace('name = "Vũ Thị Mai"\ntitle = "CHÁNH VĂN PHÒNG"\nauthority = "TL. CHỦ TỊCH"',
                    'name = "Vũ Thị Mai"\ntitle = "CHÁNH VĂN PHÒNG"'),
     'issuers."thong-bao.xa", signers.LD-XH.thong-bao.authority', ""),
])
def test_a_mix_of_the_two_forms_is_refused_naming_the_keys(tmp_path, config, keys, authority):
    root = write(tmp_path / "ws", config)
    result = run("build", "-w", root, "-o", tmp_path / "o")
    assert result.exit_code == 2
    assert f"LỖI: reportgen.toml, cột {keys}: thong-bao của" in result.stderr
    assert "Nghị định 30/2020/NĐ-CP, Điều 13" in result.stderr
    assert f"(giá trị: {authority!r})" in result.stderr
    assert not (tmp_path / "o").exists()


def test_the_kind_default_of_a_commune_is_named_when_its_signer_disagrees(tmp_path):
    config = CONFIG.replace('[issuers."thong-bao.xa"]\nissued_by = "committee"\n'
                            'recipients = ["CT, các PCT UBND", "Văn phòng HĐND và UBND"]\n', "")
    config = config.replace('name = "Hà Văn Sơn"\ntitle = "CHÁNH VĂN PHÒNG"\nauthority = "TL. CHỦ TỊCH"',
                            'name = "Hà Văn Sơn"\ntitle = "PHÓ CHÁNH VĂN PHÒNG"\nauthority = "KT. CHÁNH VĂN PHÒNG"')
    result = run("validate", "-w", write(tmp_path / "ws", config))
    assert result.exit_code == 2
    assert ('LỖI: reportgen.toml, cột issuers."thong-bao.xa", signers.LD-LB.thong-bao.authority: thong-bao của '
            "LD-LB: người ký (KT. CHÁNH VĂN PHÒNG / PHÓ CHÁNH VĂN PHÒNG) theo thể thức Văn phòng ban hành nhưng văn "
            'bản do Ủy ban nhân dân ban hành (issuers."thong-bao.xa" (chưa đặt: mặc định cấp xa là Ủy ban nhân dân '
            "ban hành): ỦY BAN NHÂN DÂN / {don_vi}, TB-UBND)") in result.stderr


def test_issued_by_against_its_own_header_and_number_is_refused(tmp_path):
    config = CONFIG.replace('[issuers.thong-bao]\nissued_by = "office"\n',
                            '[issuers.thong-bao]\nissued_by = "committee"\nbody = ["VĂN PHÒNG"]\nsymbol = "TB-VP"\n')
    result = run("validate", "-w", write(tmp_path / "ws", config))
    assert result.exit_code == 2
    assert ("LỖI: reportgen.toml, cột issuers.thong-bao.issued_by, issuers.thong-bao.body: issued_by = 'committee' "
            "(Ủy ban nhân dân ban hành) nhưng body là của Văn phòng ban hành.") in result.stderr
    assert ("LỖI: reportgen.toml, cột issuers.thong-bao.issued_by, issuers.thong-bao.symbol: issued_by = "
            "'committee' (Ủy ban nhân dân ban hành) nhưng ký hiệu 'TB-VP' là của Văn phòng ban hành.") in result.stderr


# ---- 2. tasks reach their bodies -----------------------------------------------------------

def test_a_task_without_a_body_is_a_warning_naming_its_line(tmp_path):
    result = run("validate", "-w", write(tmp_path / "ws"))
    assert result.exit_code == 0, result.output
    assert ("CẢNH BÁO: meetings/xh.yaml, dòng 11, cột chi_dao.1: nhiệm vụ chưa có đơn vị thực hiện: thêm don_vi "
            "(các cơ quan, đơn vị thực hiện, cách nhau bằng dấu ;) (giá trị: 'niêm yết đầy đủ thủ tục hành chính')"
            ) in result.output
    assert result.output.count("nhiệm vụ chưa có đơn vị thực hiện") == 1


def test_a_body_given_a_task_is_added_to_the_recipients(out):
    assert recipients(out / "LD-XH" / "thong-bao.docx") == [
        "Nơi nhận:", "- CT, các PCT UBND;", "- Văn phòng HĐND và UBND;",
        "- Trung tâm Phục vụ hành chính công phường;", "- Lưu: VT."]
    # the province's task bodies are its recipients already: nothing added
    assert recipients(out / "LD" / "thong-bao.docx") == [
        "Nơi nhận:", "- CT, các PCT UBND tỉnh;", "- Các sở, ban, ngành tỉnh;", "- UBND các xã, phường;", "- Lưu: VT."]


def test_a_body_missing_from_the_recipients_is_warned_about_when_the_config_says_so(tmp_path):
    config = CONFIG.replace('[issuers."thong-bao.xa"]\nissued_by = "committee"\n',
                            '[issuers."thong-bao.xa"]\nissued_by = "committee"\ntask_recipients = "warn"\n')
    root = write(tmp_path / "ws", config)
    result = run("validate", "-w", root)
    assert result.exit_code == 0, result.output
    assert ("CẢNH BÁO: meetings/xh.yaml, cột chi_dao.don_vi: đơn vị được giao nhiệm vụ không có trong Nơi nhận của "
            'thong-bao (issuers."thong-bao.xa".recipients) (giá trị: '
            "'Trung tâm Phục vụ hành chính công phường')") in result.output
    assert "(giá trị: 'Trung tâm Phục vụ hành chính công xã')" in result.output
    assert "meetings/ld.yaml, cột chi_dao.don_vi" not in result.output  # the province's are recipients
    out = tmp_path / "o"
    assert run("build", "-w", root, "-o", out, "-u", "LD-XH", "-k", "thong-bao", "-f", "docx").exit_code == 0
    assert "- Trung tâm Phục vụ hành chính công phường;" not in recipients(out / "2026-Q1/LD-XH/thong-bao.docx")


# ---- the notice's shortcomings -------------------------------------------------------------

def test_the_shortcomings_sentence_is_written_from_the_late_files_and_the_meeting(out):
    text = flat(docx_text(out / "LD-LB" / "thong-bao.docx"))
    assert ("Bên cạnh kết quả đạt được, công tác CCHC quý I năm 2026 còn một số hạn chế: xã Lạc Dương còn 07 hồ sơ "
            "giải quyết quá hạn, 03 hồ sơ đang giải quyết đã quá hạn; một số công chức chưa thành thạo phần mềm "
            "một cửa điện tử.") in text
    province = flat(docx_text(out / "LD" / "thong-bao.docx"))
    assert ("còn một số hạn chế: cấp tỉnh còn 04 hồ sơ giải quyết quá hạn, 05 hồ sơ đang giải quyết đã quá hạn; "
            "cấp xã còn 07 hồ sơ giải quyết quá hạn (xã Lạc Dương 07 hồ sơ), 03 hồ sơ đang giải quyết đã quá hạn "
            "(xã Lạc Dương 03 hồ sơ).") in province


def test_no_shortcomings_sentence_without_late_files_or_listed_shortcomings(out):
    text = flat(docx_text(out / "LD-XH" / "thong-bao.docx"))
    assert "hạn chế" not in text and "không có hồ sơ giải quyết quá hạn" in text


def test_the_shortcomings_the_meeting_lists_alone(tmp_path):
    ward = WARD.replace("tac_gia: {ho_ten", "han_che: [hạ tầng mạng chưa ổn định]\ntac_gia: {ho_ten")
    root = write(tmp_path / "ws", meetings={"xh.yaml": ward})
    out = tmp_path / "o"
    result = run("build", "-w", root, "-o", out, "-u", "LD-XH", "-k", "thong-bao", "-f", "docx")
    assert result.exit_code == 0, result.output
    assert ("Bên cạnh kết quả đạt được, công tác CCHC quý I năm 2026 còn một số hạn chế: hạ tầng mạng chưa ổn "
            "định.") in flat(docx_text(out / "2026-Q1/LD-XH/thong-bao.docx"))


# ---- 3. news that reads like news ----------------------------------------------------------

def test_the_chair_has_an_honorific_first_and_the_title_after(out):
    text = fragment(out, "LD-XH")
    assert "Sáng 12/3, bà Phạm Thị Lan, Chủ tịch Ủy ban nhân dân (UBND) phường Xuân Hương chủ trì cuộc họp" in text
    assert "Phát biểu tại cuộc họp, Chủ tịch UBND phường đề nghị các cơ quan, đơn vị:" in text
    assert text.count("Phạm Thị Lan") == 1
    commune = fragment(out, "LD-LB")
    assert "Chiều 13/3, ông K'Brơi Ha, Chủ tịch Ủy ban nhân dân (UBND) xã Lạc Dương chủ trì hội nghị" in commune
    assert "Phát biểu tại hội nghị, Chủ tịch UBND xã đề nghị" in commune and commune.count("K'Brơi Ha") == 1


def test_comrade_and_document_dates_when_the_config_says_so(tmp_path):
    config = CONFIG + '\n[news]\nhonorific = "dong_chi"\ndates = "document"\nbyline = { xa = "Đài Truyền thanh {don_vi}" }\n'
    root = write(tmp_path / "ws", config, {"xh.yaml": WARD})
    out = tmp_path / "o"
    assert run("build", "-w", root, "-o", out, "-k", "tin-tuc", "-f", "html").exit_code == 0
    text = fragment(out / "2026-Q1", "LD-XH")
    assert ("Sáng ngày 12 tháng 3 năm 2026, đồng chí Phạm Thị Lan, Chủ tịch Ủy ban nhân dân (UBND) phường Xuân "
            "Hương") in text
    assert "Phát biểu tại cuộc họp, đồng chí Chủ tịch UBND phường đề nghị" in text
    assert text.count("Phạm Thị Lan") == 1 and " bà " not in text
    assert text.endswith("Minh Thư, Đài Truyền thanh phường Xuân Hương ")


def test_the_byline_unit_by_level_names_no_district_body(out):
    assert fragment(out, "LD-XH").endswith("Minh Thư, UBND phường Xuân Hương ")
    assert fragment(out, "LD").endswith("Thu Hà, Văn phòng UBND tỉnh Lâm Đồng ")
    assert fragment(out, "LD-LB").endswith("Y Liêng, Đài Truyền thanh xã Lạc Dương ")  # tac_gia.don_vi


def test_the_unit_is_named_once_in_a_sentence(out):
    text = fragment(out, "LD-XH")
    lead = text.split(". ")[0]
    assert lead.count("phường Xuân Hương") == 1 and "Bưu điện phường." in text
    assert "toàn phường tiếp nhận" in text


def test_the_headline_states_a_result_the_figures_show_or_the_event(out):
    assert fragment(out, "LD-XH").startswith(
        " PHƯỜNG XUÂN HƯƠNG: 100% hồ sơ thủ tục hành chính quý I năm 2026 được giải quyết đúng và trước hạn ")
    assert fragment(out, "LD-LB").startswith(
        " XÃ LẠC DƯƠNG: Hội nghị đánh giá kết quả thực hiện cải cách hành chính quý I năm 2026 ")
    assert fragment(out, "LD").startswith(
        " TỈNH LÂM ĐỒNG: Cuộc họp đánh giá kết quả thực hiện cải cách hành chính quý I năm 2026 ")


def _report_figures(path: Path) -> list[tuple[str, str, str]]:
    """(received, resolved, on-time share) of each level, as the report states them."""
    text = flat(docx_text(path))
    received = re.findall(r"Tổng số hồ sơ tiếp nhận: ([\d.]+) hồ sơ", text)
    resolved = re.findall(r"Số hồ sơ đã giải quyết: ([\d.]+) hồ sơ", text)
    shares = re.findall(r"Số hồ sơ đã giải quyết: [^;]*; tỷ lệ giải quyết hồ sơ đúng và trước hạn đạt ([\d,]+%)", text)
    return list(zip(received, resolved, shares))


@pytest.mark.parametrize("unit, expected", [
    ("LD-XH", [("1.750", "1.700", "100%")]),                          # every file on time
    ("LD-LB", [("400", "387", "98,19%")]),                            # late files
    ("LD", [("4.600", "4.400", "99,91%"), ("2.150", "2.087", "99,66%")]),  # both levels, late files
])
def test_the_lead_states_the_reports_figures(out, unit, expected):
    assert _report_figures(out / unit / "bao-cao.docx") == expected
    lead = fragment(out, unit).split("Trong quý I năm 2026, ")[1].split(". ")[0]
    stated = re.findall(r"tiếp nhận ([\d.]+) hồ sơ(?: thủ tục hành chính \(TTHC\))?, đã giải quyết ([\d.]+) hồ sơ, "
                        r"tỷ lệ giải quyết hồ sơ đúng và trước hạn đạt ([\d,]+%)", lead)
    assert stated == expected
    assert "trên 98%" not in fragment(out, unit)


def test_a_caption_only_with_its_photo_in_every_format(out):
    caption = "(Quang cảnh cuộc họp. Ảnh: Ngọc Ánh)"
    ward = out / "LD-XH"
    raw = (ward / "tin-tuc.fragment.html").read_text(encoding="utf-8")
    assert ('<figure><img src="tin-tuc.anh.jpg" alt="Quang cảnh cuộc họp"><figcaption>(Quang cảnh cuộc họp. '
            "Ảnh: Ngọc Ánh)</figcaption></figure>") in raw
    assert "<figcaption>" + caption[:-1] in (ward / "tin-tuc.html").read_text(encoding="utf-8")
    assert caption in flat(pdf_text(ward / "tin-tuc.pdf"))
    assert caption in flat(docx_text(ward / "tin-tuc.docx"))
    assert len(Document(str(ward / "tin-tuc.docx")).inline_shapes) == 1
    # the commune's meeting file has a caption but no photo: no caption anywhere
    commune = out / "LD-LB"
    page = (commune / "tin-tuc.html").read_text(encoding="utf-8")
    for text in (fragment(out, "LD-LB"), page[page.index("<article"):],
                 flat(pdf_text(commune / "tin-tuc.pdf")), flat(docx_text(commune / "tin-tuc.docx"))):
        assert "Quang cảnh" not in text and "figcaption" not in text and "photo-caption" not in text
    assert len(Document(str(commune / "tin-tuc.docx")).inline_shapes) == 0


def test_a_caption_calling_the_meeting_otherwise_is_warned_about(tmp_path):
    ward = WARD.replace("anh: {tep: anh/hop.jpg, tac_gia: Ngọc Ánh}", "anh: {tep: anh/hop.jpg, chu_thich: Quang cảnh hội nghị}")
    result = run("validate", "-w", write(tmp_path / "ws", meetings={"xh.yaml": ward}))
    assert result.exit_code == 0, result.output
    assert ("CẢNH BÁO: meetings/xh.yaml, dòng 12, cột anh.chu_thich: chú thích ảnh gọi là 'hội nghị' nhưng loai_hop "
            "là 'cuộc họp': dùng một cách gọi trong cả bài (giá trị: 'Quang cảnh hội nghị')") in result.output


# ---- the two-tier sample -------------------------------------------------------------------

def test_the_two_tier_samples_notices_and_bulletins_say_nothing_they_must_not(tmp_path):
    sample = Path(__file__).resolve().parents[2] / "inputs" / "mau-2025"
    result = run("validate", "-w", sample)
    assert result.exit_code == 0 and "CẢNH BÁO" not in result.output, result.output
    out = tmp_path / "o"
    assert run("build", "-w", sample, "-o", out, "-k", "thong-bao", "-k", "tin-tuc").exit_code == 0
    built = sorted(p for p in out.rglob("*") if p.suffix in (".pdf", ".docx", ".html"))
    assert len(built) == 2 * 2 + 2 * 4  # two notices (docx, pdf), two bulletins (docx, pdf, page, fragment)
    for path in built:
        text = flat({".pdf": pdf_text, ".docx": docx_text}.get(path.suffix, lambda p: p.read_text(encoding="utf-8"))(path))
        assert "Bộ phận Một cửa phường" not in text, path
        assert "huyện" not in text.lower() and "trên 98%" not in text and "Quang cảnh" not in text, path
        if path.name == "thong-bao.docx":
            office = any("VĂN PHÒNG" in line for line in header(path))
            assert office == ("TL. CHỦ TỊCH" not in signature(path)), path  # TL. only under the Committee's header
    assert header(out / "2025-Q4/AG-LX/thong-bao.docx")[0] == "ỦY BAN NHÂN DÂN\nPHƯỜNG LONG XUYÊN"
    assert header(out / "2025-Q4/AG/thong-bao.docx")[:2] == ["UBND TỈNH AN GIANG", "VĂN PHÒNG"]
    assert "- Trung tâm Phục vụ hành chính công phường;" in recipients(out / "2025-Q4/AG-LX/thong-bao.docx")
