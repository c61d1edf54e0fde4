"""The web page's report text form (/noi-dung): it writes the unit's noi-dung file as the meeting
form writes a meeting file, and refuses what the workspace loader would refuse."""

from __future__ import annotations

import pytest
import yaml

from tests.readback import flat, pdf_text
from tests.web.conftest import token

FORM = {
    "don_vi": "TM-MH", "ky": "2022-Q1",
    "chi_dao_dieu_hanh": ["UBND xã ban hành kế hoạch kiểm soát thủ tục hành chính năm 2022", ""],
    "cong_khai": ["Niêm yết công khai 120 thủ tục hành chính tại {mot_cua}", "  "],
    "ra_soat": [""], "phan_anh_kien_nghi": [""], "ton_tai": [""],
    "nguyen_nhan": ["máy tính của {mot_cua} đã cũ", ""],
    "nhiem_vu": ["Số hóa hồ sơ hộ tịch của {don_vi}", ""],
    "de_xuat": ["Đề nghị UBND huyện cấp thêm 01 máy quét", ""],
}
EXPECTED_YAML = """\
# Nội dung báo cáo kỳ 2022-Q1 của Xã Mỹ Hòa (docs/workspace.md); mục để trống lấy [noi_dung] trong reportgen.toml
don_vi: TM-MH
ky: 2022-Q1
chi_dao_dieu_hanh:
- UBND xã ban hành kế hoạch kiểm soát thủ tục hành chính năm 2022
cong_khai:
- Niêm yết công khai 120 thủ tục hành chính tại {mot_cua}
nguyen_nhan:
- máy tính của {mot_cua} đã cũ
nhiem_vu:
- Số hóa hồ sơ hộ tịch của {don_vi}
de_xuat:
- Đề nghị UBND huyện cấp thêm 01 máy quét
"""


def test_the_form_writes_the_text_file_and_the_report_states_it(site, cli):  # noqa: F811
    client, ws, tmp_path = site
    page = client.post("/noi-dung", data={"csrf": token(client), **FORM})
    assert page.status_code == 303
    assert page.headers["location"] == "/noi-dung?ky=2022-Q1&don_vi=TM-MH&da_luu=1"
    path = ws / "noi-dung" / "2022-Q1-TM-MH.yaml"
    assert path.read_text(encoding="utf-8") == EXPECTED_YAML
    assert cli("validate", "--workspace", ws).exit_code == 0
    html = client.get(page.headers["location"]).text
    assert "Đã lưu nội dung báo cáo." in html
    assert ">Niêm yết công khai 120 thủ tục hành chính tại {mot_cua}</textarea>" in html
    out = tmp_path / "out-cli"
    result = cli("build", "-w", ws, "-o", out, "--period", "2022-Q1", "--unit", "TM-MH", "--kind", "bao-cao",
                 "--format", "pdf")
    assert result.exit_code == 0, result.output
    text = flat(pdf_text(out / "2022-Q1" / "TM-MH" / "bao-cao.pdf"))
    assert "2. Công tác kiểm soát thủ tục hành chính Niêm yết công khai 120 TTHC tại Bộ phận Một cửa xã." in text
    assert "1. Số hóa hồ sơ hộ tịch của xã Mỹ Hòa." in text
    assert "IV. ĐỀ XUẤT, KIẾN NGHỊ Đề nghị UBND huyện cấp thêm 01 máy quét." in text


def test_a_saved_text_opens_for_editing_and_is_saved_in_its_own_file(site):  # noqa: F811
    client, ws, _ = site
    (ws / "noi-dung").mkdir()
    (ws / "noi-dung" / "my-hoa.yaml").write_text(EXPECTED_YAML.replace("120", "121"), encoding="utf-8")
    html = client.get("/noi-dung?ky=2022-Q1&don_vi=TM-MH").text
    assert 'name="cong_khai" rows="3">Niêm yết công khai 121 thủ tục hành chính tại {mot_cua}</textarea>' in html
    page = client.post("/noi-dung", data={"csrf": token(client), **FORM})
    assert page.status_code == 303
    assert sorted(p.name for p in (ws / "noi-dung").iterdir()) == ["my-hoa.yaml"]
    saved = yaml.safe_load((ws / "noi-dung" / "my-hoa.yaml").read_text(encoding="utf-8"))
    assert saved["cong_khai"] == ["Niêm yết công khai 120 thủ tục hành chính tại {mot_cua}"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("nhiem_vu", "Số hóa hồ sơ tại {trung_tam}", "chỗ thay không có: {trung_tam}; chỉ dùng được {don_vi}, {mot_cua}"),
    ("de_xuat", "Đề nghị \u202ecấp máy", "ký tự điều khiển U+202E"),
    ("ton_tai", "x" * 5001, "đoạn văn quá dài: 5001 ký tự, tối đa 5000"),
    ("don_vi", "../../tmp/x", "mã đơn vị không có trong units.csv"),
    ("ky", "2030-Q1", "không có số liệu của kỳ này trong figures/"),
])
def test_a_value_the_workspace_would_refuse_is_shown_next_to_its_field_and_nothing_is_written(
        site, field, value, message):  # noqa: F811
    client, ws, _ = site
    form = {**FORM, field: [value] if field not in ("don_vi", "ky") else value}
    page = client.post("/noi-dung", data={"csrf": token(client), **form})
    assert page.status_code == 422
    error = page.text.split(f'<span class="field-error" id="loi-{field}">')[1].split("</span>")[0]
    assert message in error
    summary = page.text.split('<div class="error-summary" role="alert" id="tom-tat-loi">')[1].split("</div>")[0]
    assert "<p class=\"error\">Chưa lưu: hãy sửa 1 mục dưới đây.</p>" in summary
    named = {"nhiem_vu": '<a href="#f-nhiem_vu-1">III. Nhiệm vụ trọng tâm kỳ tới</a>',
             "de_xuat": '<a href="#f-de_xuat-1">IV. Đề xuất, kiến nghị</a>',
             "ton_tai": '<a href="#f-ton_tai-1">II. Tồn tại, hạn chế (sau những gì số liệu cho thấy)</a>',
             "don_vi": "Đơn vị", "ky": "Kỳ"}[field]  # the field in words, as the meeting page's summary names it
    assert f"<li>{named}: " in summary and message in summary
    assert "Số hóa hồ sơ hộ tịch của {don_vi}" in page.text or field == "nhiem_vu"  # what was typed stays
    assert not (ws / "noi-dung").exists()


@pytest.mark.parametrize("query", ["ky=../../etc&don_vi=TM", "ky=2022-Q1&don_vi=../../x"])
def test_the_page_names_only_known_periods_and_units(site, query):  # noqa: F811
    client, _, _ = site
    page = client.get(f"/noi-dung?{query}")
    assert page.status_code == 404


def test_an_empty_section_shows_what_the_report_says_without_it(site):  # noqa: F811
    client, _, _ = site
    html = client.get("/noi-dung?ky=2022-Q1&don_vi=TM-MH").text
    # the 2022 sample's communes take their tasks from [noi_dung.cap.xa]
    assert ('name="nhiem_vu" rows="3" placeholder="Để trống thì dùng: Tiếp tục rà soát, công khai đầy đủ, kịp thời '
            'thủ tục hành chính tại Bộ phận Một cửa các cấp / Đẩy mạnh') in html
    assert 'name="de_xuat" rows="3">' in html  # nothing to fall back on


def test_the_page_names_periods_and_units_in_words(site):  # noqa: F811
    """The chooser, the list of saved texts and the form's heading say "Quý I/2022" and the unit's
    name, newest period first, as the meeting page does; the codes stay only in values and links."""
    client, ws, _ = site
    (ws / "noi-dung").mkdir()
    (ws / "noi-dung" / "my-hoa.yaml").write_text(EXPECTED_YAML, encoding="utf-8")
    html = client.get("/noi-dung?ky=2022-Q1&don_vi=TM-MH").text
    assert '<option value="2022-Q1" selected>Quý I/2022</option>' in html
    assert '<a href="/noi-dung?ky=2022-Q1&amp;don_vi=TM-MH">Quý I/2022 · Xã Mỹ Hòa</a>' in html
    assert "<p>Đơn vị <strong>Xã Mỹ Hòa</strong>, kỳ <strong>Quý I/2022</strong>" in html
    assert ">2022-Q1<" not in html and "(TM-MH)" not in html
