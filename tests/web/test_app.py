"""The web page (issue 12), through Starlette's test client: every route, its errors and its guards."""

from __future__ import annotations

import io
import re
import threading
from pathlib import Path

import pytest
import yaml
from starlette.testclient import TestClient

from reportgen.errors import InvalidInput
from reportgen.periods import Period
from reportgen.web import app as web_app
from reportgen.web import create_app
from reportgen.workspace import load_workspace
from tests.conftest import replace_in
from tests.web.conftest import BASE, token

SAMPLE_ROW = "2022-Q2,TM-MH,8,201,3,12,150,60,0,14,0\n"
HEADER = "ky,ma_don_vi,truc_tuyen,truc_tiep,buu_chinh,ky_truoc,truoc_han,dung_han,qua_han,dang_trong_han,dang_qua_han\n"


def upload(client, name: str, data: bytes, **fields):
    return client.post("/so-lieu", data={"csrf": token(client), **fields}, files={"tep": (name, data, "text/csv")})


def row(*cells: str) -> str:
    """A problem's row as the page writes it: each cell with its label (rows become cards on a phone)."""
    labels = ("Mức", "Tệp", "Ô / dòng", "Cột", "Giá trị", "Cần sửa")
    return "".join(f'<td data-label="{label}">{cell}</td>' for label, cell in zip(labels, cells))


def accepted(client, page) -> str:
    """The page an accepted upload redirects to (POST -> redirect -> GET)."""
    assert page.status_code == 303, page.text
    assert page.headers["location"].startswith("/so-lieu?ket-qua=")
    return client.get(page.headers["location"]).text


def field_values(html: str, name: str) -> list[str]:
    """The value of every input named ``name``, in the page's order."""
    return re.findall(rf'<input [^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', html)


def figures(ws: Path) -> list[str]:
    return sorted(p.name for p in (ws / "figures").iterdir())


# ---- overview -----------------------------------------------------------------------------------

def test_overview_lists_units_as_a_tree_periods_meetings_and_the_plan(site):
    client, _, _ = site
    page = client.get("/")
    assert page.status_code == 200
    html = page.text
    assert '<li class="depth-0">Huyện Tháp Mười <span class="muted">(cấp huyện; mã TM)</span></li>' in html
    assert '<li class="depth-1">Xã Mỹ Hòa <span class="muted">(cấp xã; mã TM-MH)</span></li>' in html
    assert html.index("mã TM-TT)") < html.index("mã TM-DBK)")  # units.csv's order, not the codes'
    assert re.findall(r'<span class="tag">([^<]+)</span>', html) == ["Quý I/2022", "Quý IV/2021", "Quý I/2021"]
    assert "Quý I/2022 · Huyện Tháp Mười</a> (họp ngày 09/03/2022)" in html
    assert "44 văn bản lập được, 0 chưa đủ dữ liệu để lập." in html
    assert page.headers["content-security-policy"].startswith("default-src 'self'")


def steps(html: str) -> list[tuple[str, str, str]]:
    return [(title, state, link) for title, state, link in re.findall(
        r'<span class="step-title">([^<]+)</span>\s*<span class="step-state">([^<]+)</span>\s*'
        r'(?:<a class="step-link" href="([^"]+)")?', html)]


def test_the_overview_is_the_clerks_steps_for_the_newest_period(site):
    client, ws, tmp_path = site
    html = client.get("/").text
    assert "<h1>Các bước của Quý I/2022</h1>" in html
    assert steps(html) == [
        ("Số liệu", "✓ đã có số liệu Quý I/2022 của 14/14 đơn vị", "/so-lieu"),
        ("Cuộc họp", "✓ đã có cuộc họp của 1 đơn vị: Huyện Tháp Mười", "/cuoc-hop?ky=2022-Q1&amp;don_vi=TM"),
        ("Nội dung báo cáo", "✓ chưa có nội dung riêng: báo cáo dùng nội dung mặc định theo cấp trong reportgen.toml",
         "/noi-dung?ky=2022-Q1&amp;don_vi=TM"),
        ("Lập văn bản", "đã lập 0/16 văn bản", "/lap?ky=2022-Q1"),
        ("Lưu trữ", "chưa đưa văn bản nào vào kho", "/luu-tru?ky=2022-Q1")]
    (ws / "noi-dung").mkdir()
    (ws / "noi-dung" / "my-hoa.yaml").write_text("don_vi: TM-MH\nky: 2022-Q1\nde_xuat:\n- Cấp thêm 01 máy quét\n",
                                                  encoding="utf-8")
    assert steps(client.get("/").text)[2] == (
        "Nội dung báo cáo", "✓ đã có nội dung riêng của 1 đơn vị: Xã Mỹ Hòa; đơn vị khác dùng nội dung mặc định "
        "theo cấp trong reportgen.toml", "/noi-dung?ky=2022-Q1&amp;don_vi=TM")
    (ws / "meetings" / "2022-q1-thap-muoi.yaml").unlink()
    assert steps(client.get("/").text)[1] == ("Cuộc họp", "chưa có cuộc họp", "/cuoc-hop?ky=2022-Q1&amp;don_vi=TM")
    assert 'selected>Quý I/2022</option>' in client.get("/lap?ky=2022-Q1").text


def test_overview_lists_validation_problems_as_the_cli_does(site):
    client, ws, _ = site
    path = ws / "figures" / "mot-cua-2022-q1.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2022-Q1,TM-MH,7,", "2022-Q1,TM-MH,bảy,"), encoding="utf-8")
    html = client.get("/").text
    with pytest.raises(InvalidInput) as raised:
        load_workspace(ws)
    (problem,) = raised.value.problems
    assert str(problem).startswith("figures/mot-cua-2022-q1.csv, dòng 5, cột truc_tuyen: không phải số")
    assert row("Lỗi", "figures/mot-cua-2022-q1.csv", "dòng 5",
               'Số hồ sơ nhận giải quyết / Trực tuyến <span class="hint">truc_tuyen</span>',
               '<code class="value">bảy</code>', problem.message) in html


# ---- figures upload ------------------------------------------------------------------------------

def test_a_valid_upload_is_kept_under_a_generated_name(site):
    client, ws, _ = site
    before = figures(ws)
    html = accepted(client, upload(client, "so lieu quy 2.csv", (HEADER + SAMPLE_ROW).encode("utf-8")))
    written = re.search(r"Đã nhận tệp <strong>so lieu quy 2.csv</strong> \(lưu là <code>figures/(tai-len-[0-9-]+\.csv)"
                        r"</code>\)", html).group(1)
    assert ("Nhận ra: số liệu Quý II/2022 của 1 đơn vị; tổng số hồ sơ nhận giải quyết 224, đã giải quyết 210, "
            "đang giải quyết 14.") in html
    assert figures(ws) == sorted(before + [written, written + ".ten-goc.txt"])
    assert (ws / "figures" / (written + ".ten-goc.txt")).read_text(encoding="utf-8") == "so lieu quy 2.csv"
    assert (ws / "figures" / written).read_bytes() == (HEADER + SAMPLE_ROW).encode("utf-8")
    assert "2022-Q2" in client.get("/").text


def test_an_upload_with_errors_shows_every_problem_and_writes_nothing(site):
    client, ws, _ = site
    before = figures(ws)
    bad = HEADER + "2022-Q2,TM-XX,8,201,3,12,150,60,0,14,0\n2022-Q2,TM-MH,8,1,198.5,12,150,60,0,14,0\n"
    page = upload(client, "quy2.csv", bad.encode("utf-8"))
    assert page.status_code == 422
    assert "Tệp chưa được lưu" in page.text
    assert row("Lỗi", "quy2.csv", "dòng 2", 'Mã đơn vị <span class="hint">ma_don_vi</span>', '<code class="value">TM-XX</code>',
               "mã đơn vị không có trong units.csv") in page.text
    assert row("Lỗi", "quy2.csv", "dòng 3", 'Số hồ sơ nhận giải quyết / Bưu chính <span class="hint">buu_chinh</span>',
               '<code class="value">198.5</code>') in page.text
    assert page.text.index("TM-XX") < page.text.index("198.5")  # in row order
    assert figures(ws) == before


def test_html_and_jinja_in_uploaded_data_are_shown_literally(site):
    client, ws, _ = site
    bad = HEADER + "2022-Q2,<script>alert(1)</script>{{ 7*7 }},8,201,3,12,150,60,0,14,0\n"
    page = upload(client, "<b>x</b>.csv", bad.encode("utf-8"))
    assert page.status_code == 422
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}" in page.text
    assert "&lt;b&gt;x&lt;/b&gt;.csv" in page.text and "<b>x</b>" not in page.text
    assert "49" not in re.sub(r"\d{2,}", "", page.text.split("Kết quả kiểm tra")[1])


@pytest.mark.parametrize("name, data, message", [
    ("quy2.pdf", b"%PDF-1.7", "chỉ nhận tệp .csv hoặc .xlsx"),
    ("quy2.xlsx", b"ky,ma_don_vi\n", "không phải tệp Excel .xlsx (nội dung không đúng định dạng)"),
    ("quy2.csv", b"ky\x00\x00", "không phải tệp văn bản CSV (có byte NUL)"),
    ("quy2.csv", b"", "tệp rỗng"),
])
def test_wrongly_typed_uploads_are_refused(site, name, data, message):
    client, ws, _ = site
    before = figures(ws)
    page = upload(client, name, data)
    assert page.status_code == 422
    assert message in page.text
    assert figures(ws) == before


def test_an_oversized_upload_is_refused(workspace, tmp_path):
    client = TestClient(create_app(workspace, tmp_path / "out", tmp_path / "a", upload_limit=1024 * 1024), base_url=BASE)
    before = figures(workspace)
    page = upload(client, "lon.csv", (HEADER + SAMPLE_ROW * 30000).encode("utf-8"))
    assert page.status_code == 422
    assert "tệp quá lớn: tối đa 1 MB" in page.text
    assert figures(workspace) == before


def test_replacing_a_file_asks_for_confirmation_and_keeps_a_dated_copy(site):
    client, ws, _ = site
    old = ws / "figures" / "mot-cua-2021-q1.csv"
    text = old.read_text(encoding="utf-8").replace("2021-Q1,TM,", "2021-Q1,TM,", 1)
    unconfirmed = upload(client, "q1.csv", text.encode("utf-8"), thay_the="mot-cua-2021-q1.csv")
    assert unconfirmed.status_code == 422
    assert "hãy đánh dấu ô xác nhận để thay thế tệp mot-cua-2021-q1.csv" in unconfirmed.text
    assert old.is_file()
    html = accepted(client, upload(client, "q1.csv", text.encode("utf-8"), thay_the="mot-cua-2021-q1.csv", xac_nhan="on"))
    kept = re.search(r"Tệp cũ được giữ tại <code>(luu-cu/figures/mot-cua-2021-q1-[0-9-]+\.csv)</code>", html).group(1)
    assert (ws / kept).read_text(encoding="utf-8") == text
    assert not old.exists()


def test_without_replacing_a_duplicate_upload_is_an_error(site):
    client, ws, _ = site
    text = (ws / "figures" / "mot-cua-2021-q1.csv").read_bytes()
    page = upload(client, "q1.csv", text)
    assert page.status_code == 422
    assert ("<p>Số liệu Quý I/2021 đã có trong tệp <strong>mot-cua-2021-q1.csv</strong>. Nếu tệp mới thay cho tệp đó, "
            "hãy chọn lại tệp, đánh dấu ô xác nhận thay thế bên dưới rồi gửi: tệp cũ được giữ lại một bản.</p>") in page.text
    assert "trùng kỳ và đơn vị" not in page.text  # one sentence, not one row per unit
    assert '<option value="mot-cua-2021-q1.csv" selected>' in page.text  # the replacement offered


def test_replace_names_only_an_existing_figures_file(site):
    client, ws, _ = site
    page = upload(client, "q1.csv", (HEADER + SAMPLE_ROW).encode(), thay_the="../units.csv", xac_nhan="on")
    assert page.status_code == 404
    assert (ws / "units.csv").is_file()


# ---- CSRF -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("csrf", [None, "sai-ma"])
def test_every_form_needs_the_csrf_token(site, csrf):
    client, ws, _ = site
    client.get("/")
    data = {} if csrf is None else {"csrf": csrf}
    for path in ("/so-lieu", "/cuoc-hop", "/lap", "/luu-tru", "/dang-xuat"):
        page = client.post(path, data=data)
        assert page.status_code == 403, path
        assert "thiếu mã CSRF" in page.text
    assert not (ws / "meetings" / "2022-Q1-TM.yaml").exists()


def post_routes(app) -> list[str]:
    """Every path of ``app`` that takes a POST: a form added later is covered without listing it."""
    return sorted(route.path for route in app.routes if "POST" in (getattr(route, "methods", None) or ()))


@pytest.mark.parametrize("password", [None, "mật khẩu 1"])
@pytest.mark.parametrize("csrf", [None, "", "sai-ma"])
def test_a_post_from_a_fresh_session_is_refused_on_every_form(workspace, tmp_path, password, csrf):
    """What a cross-site POST looks like: a session that holds no token yet, nothing or a made-up
    token in the form. Refused on every form, /dang-nhap included, with the right password."""
    app = create_app(workspace, tmp_path / "out", tmp_path / "archive", password=password)
    paths = post_routes(app)
    # every form of the page (a form added later, like /ky-so, is in the loop without listing it)
    assert {"/cuoc-hop", "/dang-nhap", "/dang-xuat", "/lap", "/luu-tru", "/so-lieu"} <= set(paths)
    before = sorted(p.relative_to(workspace) for p in workspace.rglob("*"))
    forms = {"/dang-nhap": {"mat_khau": "mật khẩu 1"}, "/cuoc-hop": MEETING_FORM,
             "/lap": {"ky": "2022-Q1", "don_vi": "TM-MH"}, "/luu-tru": {"ky": "2022-Q1", "don_vi": "TM-MH"}}
    for path in paths:
        client = TestClient(app, base_url=BASE, raise_server_exceptions=False, follow_redirects=False)  # a fresh session each
        data = {**forms.get(path, {}), **({} if csrf is None else {"csrf": csrf})}
        files = {"tep": ("a.csv", (HEADER + SAMPLE_ROW).encode(), "text/csv")} if path == "/so-lieu" else None
        page = client.post(path, data=data, files=files)
        if password and path != "/dang-nhap":  # not logged in: sent to the login page before anything else
            assert (page.status_code, page.headers["location"]) == (303, "/dang-nhap"), path
            continue
        assert page.status_code == 403, (path, page.status_code)
        assert "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ (thiếu mã CSRF)" in page.text, path
    assert sorted(p.relative_to(workspace) for p in workspace.rglob("*")) == before
    assert not (tmp_path / "out").exists() and not (tmp_path / "archive").exists()
    if password:  # the refused login did not log anybody in
        client = TestClient(app, base_url=BASE, follow_redirects=False)
        client.post("/dang-nhap", data={"mat_khau": "mật khẩu 1"})
        assert client.get("/").headers["location"] == "/dang-nhap"


# ---- meeting form ---------------------------------------------------------------------------------

MEETING_FORM = {
    "don_vi": "TM-MH", "ky": "2022-Q1", "ngay": "2022-03-10", "buoi": "chieu",
    "chu_tri.ho_ten": "Phạm Văn Tài", "chu_tri.danh_xung": "ông", "chu_tri.chuc_vu": "Chủ tịch UBND xã Mỹ Hòa",
    "thanh_phan": ["công chức Bộ phận Một cửa xã", "", "Bưu điện xã"],
    "ket_qua": ["niêm yết thủ tục hành chính"],
    "thao_luan.noi_dung": ["hồ sơ trễ hạn", ""], "thao_luan.con_nua": "on",
    "chi_dao.noi_dung": ["giải quyết hồ sơ đúng hạn", ""], "chi_dao.don_vi": ["Bộ phận Một cửa", ""],
    "chi_dao.thoi_han": ["2022-03-31", ""],
    "khen_thuong.hinh_thuc": "", "khen_thuong.tap_the": "", "khen_thuong.ca_nhan": "", "khen_thuong.noi_dung": "",
    "anh.chu_thich": "Quang cảnh cuộc họp", "nguyen_nhan": [""], "nhiem_vu": [""],
    "tac_gia.ho_ten": "Lê Thị Hoa", "tac_gia.don_vi": "UBND xã Mỹ Hòa",
    "bao_cao_boi": "", "ngay_bao_cao": "", "ngay_thong_bao": "",
}

EXPECTED_YAML = """# Cuộc họp đánh giá kết quả giải quyết TTHC kỳ 2022-Q1 của Xã Mỹ Hòa
don_vi: TM-MH
ky: 2022-Q1
ngay: 2022-03-10
buoi: chieu
chu_tri:
  ho_ten: Phạm Văn Tài
  danh_xung: ông
  chuc_vu: Chủ tịch UBND xã Mỹ Hòa
thanh_phan:
- công chức Bộ phận Một cửa xã
- Bưu điện xã
ket_qua:
- niêm yết thủ tục hành chính
thao_luan:
  noi_dung:
  - hồ sơ trễ hạn
  con_nua: true
chi_dao:
- noi_dung: giải quyết hồ sơ đúng hạn
  don_vi: Bộ phận Một cửa
  thoi_han: 2022-03-31
anh:
  chu_thich: Quang cảnh cuộc họp
tac_gia:
  ho_ten: Lê Thị Hoa
  don_vi: UBND xã Mỹ Hòa
"""


def test_the_meeting_form_writes_the_file_as_a_person_would(site, cli):
    client, ws, tmp_path = site
    page = client.post("/cuoc-hop", data={"csrf": token(client), **MEETING_FORM})
    assert page.status_code == 303
    assert page.headers["location"] == "/cuoc-hop?ky=2022-Q1&don_vi=TM-MH&da_luu=1"
    path = ws / "meetings" / "2022-Q1-TM-MH.yaml"
    assert path.read_text(encoding="utf-8") == EXPECTED_YAML
    assert cli("validate", "--workspace", ws).exit_code == 0
    assert "Đã lưu tệp cuộc họp." in client.get(page.headers["location"]).text


def test_an_existing_meeting_opens_for_editing_and_is_saved_in_its_own_file(site):
    client, ws, _ = site
    html = client.get("/cuoc-hop?ky=2022-Q1&don_vi=TM").text
    assert 'name="chu_tri.ho_ten" type="text" value="Trần Thị Quý"' in html
    assert 'value="Bưu điện huyện"' in html
    assert 'name="chi_dao.thoi_han" type="text" inputmode="numeric" placeholder="dd/mm/yyyy" autocomplete="off" class="date" value="31/03/2022"' in html
    form = {**MEETING_FORM, "don_vi": "TM", "chu_tri.ho_ten": "Trần Thị Quý", "chu_tri.danh_xung": "bà",
            "chu_tri.chuc_vu": "Chủ tịch Ủy ban nhân dân huyện Tháp Mười"}
    page = client.post("/cuoc-hop", data={"csrf": token(client), **form})
    assert page.status_code == 303
    assert sorted(p.name for p in (ws / "meetings").iterdir()) == ["2022-q1-thap-muoi.yaml"]
    saved = yaml.safe_load((ws / "meetings" / "2022-q1-thap-muoi.yaml").read_text(encoding="utf-8"))
    assert saved["ngay"].isoformat() == "2022-03-10" and saved["thanh_phan"] == ["công chức Bộ phận Một cửa xã", "Bưu điện xã"]


def test_meeting_errors_come_back_next_to_their_field_and_nothing_is_written(site):
    client, ws, _ = site
    form = {**MEETING_FORM, "ngay": "2022-02-30", "chu_tri.ho_ten": "", "thanh_phan": ["", ""],
            "chi_dao.thoi_han": ["32/03/2022", ""]}
    page = client.post("/cuoc-hop", data={"csrf": token(client), **form})
    assert page.status_code == 422
    html = page.text
    assert 'aria-invalid="true" aria-describedby="loi-ngay">\n  <span class="field-error" id="loi-ngay">ngày không hợp lệ' in html
    assert '<span class="field-error" id="loi-chu_tri-ho_ten">cần nhập mục này</span>' in html
    assert '<span class="field-error" id="loi-thanh_phan">cần nhập mục này</span>' in html
    assert '<span class="field-error" id="loi-chi_dao-thoi_han">ngày không hợp lệ' in html
    # what was typed stays, as typed, the emptied field included; nothing is filled in from elsewhere
    assert field_values(html, "chu_tri.ho_ten") == [""]
    assert "Phạm Văn Tài" not in html
    assert field_values(html, "tac_gia.ho_ten") == ["Lê Thị Hoa"]
    assert field_values(html, "ngay") == ["30/02/2022"]  # dates are shown day first (issue 21)
    assert field_values(html, "chi_dao.thoi_han") == ["32/03/2022", ""]
    assert field_values(html, "thanh_phan") == ["", ""]
    assert not (ws / "meetings" / "2022-Q1-TM-MH.yaml").exists()


@pytest.mark.parametrize("query", ["ky=../../etc&don_vi=TM", "ky=2022-Q1&don_vi=../../x", "ky=2022-Q1&don_vi=TM%2F..%2F.."])
def test_meeting_parameters_name_only_known_periods_and_units(site, query):
    client, _, _ = site
    page = client.get(f"/cuoc-hop?{query}")
    assert page.status_code == 404
    assert "Không có" in page.text


def test_a_meeting_for_an_unknown_unit_is_refused_next_to_the_field(site):
    client, ws, _ = site
    form = {**MEETING_FORM, "don_vi": "../../tmp/x"}
    page = client.post("/cuoc-hop", data={"csrf": token(client), **form})
    assert page.status_code == 422
    assert '<span class="field-error" id="loi-don_vi">mã đơn vị không có trong units.csv</span>' in page.text
    assert sorted(p.name for p in (ws / "meetings").iterdir()) == ["2022-q1-thap-muoi.yaml"]


# ---- build, preview, download ---------------------------------------------------------------------

def _wait(client: TestClient) -> dict:
    app = client.app
    thread = app.state.site.runner.thread
    thread.join(timeout=300)
    return client.get("/lap/trang-thai").json()


def test_build_lists_results_and_serves_preview_download_and_zip(site):
    client, ws, tmp_path = site
    page = client.post("/lap", data={"csrf": token(client, "/lap"), "ky": "2022-Q1", "don_vi": "TM-MH"})
    assert page.status_code == 303 and page.headers["location"] == "/lap"  # a refresh does not build again
    state = _wait(client)
    assert state == {"running": False, "done": 1, "total": 1, "label": "Quý I/2022, Xã Mỹ Hòa", "error": None}
    html = client.get("/lap").text
    assert "Kết quả lượt vừa lập: Quý I/2022, Xã Mỹ Hòa" in html
    zip_link = html.index('<a class="button" href="/tai-ky/2022-Q1">Tải tất cả văn bản của Quý I/2022 (một tệp ZIP)</a>')
    group = html.index("<h3>Xã Mỹ Hòa</h3>")
    assert zip_link < group
    document = html[group:].split("</li>")[0]
    assert '<span class="doc-title">Báo cáo</span>' in document and "đã lập" in document
    assert re.findall(r'<a class="file" href="([^"]+)">([^<]+)</a>', document) == [
        ("/tep/2022-Q1/TM-MH/bao-cao.docx", "Word"), ("/tep/2022-Q1/TM-MH/bao-cao.pdf", "PDF"),
        ("/tep/2022-Q1/TM-MH/bao-cao.xlsx", "Bảng tính Excel")]
    assert ('<a class="preview" target="_blank" rel="noopener" href="/tep/2022-Q1/TM-MH/bao-cao.pdf?xem=1">'
            "Xem trước bản PDF</a>") in document
    preview = client.get("/tep/2022-Q1/TM-MH/bao-cao.pdf?xem=1")
    assert preview.status_code == 200 and preview.headers["content-type"] == "application/pdf"
    assert preview.headers["content-disposition"].startswith("inline")
    assert preview.content == (tmp_path / "out" / "2022-Q1" / "TM-MH" / "bao-cao.pdf").read_bytes()
    download = client.get("/tep/2022-Q1/TM-MH/bao-cao.docx")
    assert download.headers["content-disposition"].startswith("attachment")
    import io
    import zipfile
    bundle = client.get("/tai-ky/2022-Q1")
    assert bundle.headers["content-type"] == "application/zip"
    assert sorted(zipfile.ZipFile(io.BytesIO(bundle.content)).namelist()) == [
        "2022-Q1/TM-MH/bao-cao.docx", "2022-Q1/TM-MH/bao-cao.pdf", "2022-Q1/TM-MH/bao-cao.xlsx"]
    assert client.get("/tai-ky/2022-Q1").content == bundle.content  # the same files, the same ZIP
    # another server on the same folders (a restart), and the overview's link: the period's documents listed
    restarted = TestClient(create_app(ws, tmp_path / "out", tmp_path / "archive"), base_url=BASE)
    for link in ("/lap", "/lap?ky=2022-Q1"):
        listed = restarted.get(link).text
        assert "<h2>Văn bản đã lập của Quý I/2022</h2>" in listed, link
        assert '<a class="button" href="/tai-ky/2022-Q1">' in listed
        document = listed[listed.index("<h3>Xã Mỹ Hòa</h3>"):].split("</li>")[0]
        assert re.findall(r'<a class="file" href="([^"]+)">([^<]+)</a>', document) == [
            ("/tep/2022-Q1/TM-MH/bao-cao.docx", "Word"), ("/tep/2022-Q1/TM-MH/bao-cao.pdf", "PDF"),
            ("/tep/2022-Q1/TM-MH/bao-cao.xlsx", "Bảng tính Excel")]
    assert "<p>Chưa lập văn bản nào của Quý IV/2021.</p>" in restarted.get("/lap?ky=2021-Q4").text


@pytest.mark.parametrize("path", [
    "/tep/2022-Q1/TM-MH/..%2F..%2F..%2Fetc%2Fpasswd", "/tep/..%2F..%2Fetc/TM/bao-cao.pdf",
    "/tep/2022-Q1/..%2F..%2F/bao-cao.pdf", "/tep/2022-Q1/TM/passwd", "/tep/2022-Q1/TM/bao-cao.pdf%00.txt",
    "/tai-ky/..%2F..%2Fetc", "/tai-ky/2099-Q1", "/static/..%2F..%2F..%2Fcli.py",
])
def test_no_request_path_leaves_the_output_folder(site, path):
    client, _, _ = site
    page = client.get(path)
    assert page.status_code == 404, path
    assert "root:" not in page.text and "import click" not in page.text


def test_a_file_not_built_yet_is_404_with_a_message(site):
    client, _, _ = site
    page = client.get("/tep/2022-Q1/TM/bao-cao.pdf")
    assert page.status_code == 404
    assert "Chưa lập tệp này; hãy lập văn bản trước." in page.text


def test_a_second_build_while_one_runs_is_told_so(site, monkeypatch):
    client, _, _ = site
    gate = threading.Event()
    real = web_app.build

    def gated(*args, **kwargs):
        gate.wait(timeout=60)
        return real(*args, **kwargs)

    monkeypatch.setattr(web_app, "build", gated)
    first = client.post("/lap", data={"csrf": token(client, "/lap"), "ky": "2022-Q1", "don_vi": "TM-MH"})
    assert first.status_code == 303
    running = client.get("/lap").text
    assert 'disabled aria-disabled="true">Đang lập văn bản…</button>' in running
    second = client.post("/lap", data={"csrf": token(client, "/lap"), "ky": "2021-Q1", "don_vi": "TM-MH"})
    assert second.status_code == 409
    assert "Đang có một lượt lập văn bản chạy; hãy chờ lượt đó xong rồi lập tiếp." in second.text
    assert client.get("/lap/trang-thai").json()["running"] is True
    gate.set()
    assert _wait(client)["done"] == 1


def test_a_full_disk_after_writing_is_said_in_words_with_the_documents_written(site, monkeypatch):
    import errno

    from reportgen.errors import DiskFault

    client, _, tmp_path = site
    folder = tmp_path / "out" / ".reportgen"
    from reportgen import batch  # the build use case (reportgen.build) calls batch.build

    real = batch.build

    def full_at_the_store(*args, **kwargs):  # the documents written, then the store's disk full
        outputs = real(*args, **kwargs)
        outputs.fault = DiskFault(errno.ENOSPC, folder)
        return outputs

    monkeypatch.setattr(batch, "build", full_at_the_store)
    client.post("/lap", data={"csrf": token(client, "/lap"), "ky": "2022-Q1", "don_vi": "TM-MH"})
    message = (f"Không ghi được vào thư mục {folder}: hết chỗ trên đĩa; hãy giải phóng chỗ trống trên đĩa chứa "
               "thư mục này rồi chạy lại lệnh")
    assert _wait(client)["error"] == message
    html = client.get("/lap").text
    assert f'<p class="error" role="alert">Lượt lập văn bản dừng vì lỗi: {message}</p>' in html
    assert "<h3>Xã Mỹ Hòa</h3>" in html  # the documents written are still listed


# ---- archive --------------------------------------------------------------------------------------

def test_archive_files_the_built_documents_lists_them_and_shows_verify(site):
    client, _, tmp_path = site
    client.post("/lap", data={"csrf": token(client, "/lap"), "ky": "2022-Q1", "don_vi": "TM-MH"})
    assert _wait(client)["error"] is None
    page = client.post("/luu-tru", data={"csrf": token(client, "/luu-tru"), "ky": "2022-Q1", "don_vi": "TM-MH"})
    assert page.status_code == 200
    assert re.findall(r'<li class="ok-line">([^<]+)</li>', page.text) == ["Báo cáo, Xã Mỹ Hòa: đã đưa vào kho"]
    assert (tmp_path / "archive" / "2022/2022-Q1/TM-MH/BC-UBND_bao-cao.pdf").is_file()
    listed = client.get("/luu-tru?ky=2022-Q1").text
    assert "<h2>Hồ sơ trong kho của Quý I/2022</h2>" in listed
    row = listed.split("<tbody>")[1].split("</tr>")[0]
    assert '<td data-label="Văn bản">Báo cáo</td><td data-label="Đơn vị">Xã Mỹ Hòa</td>' in row
    assert '<td data-label="Phiên bản">1</td>' in row
    assert '<a href="/kho/2022/2022-Q1/TM-MH/BC-UBND_bao-cao.pdf">Tải hồ sơ PDF</a>' in row
    record = client.get("/kho/2022/2022-Q1/TM-MH/BC-UBND_bao-cao.pdf")
    assert record.content == (tmp_path / "archive" / "2022/2022-Q1/TM-MH/BC-UBND_bao-cao.pdf").read_bytes()
    assert client.get("/kho/manifest.jsonl").status_code == 404  # only the records the manifest lists
    assert client.get("/kho/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert "Kho lưu trữ nguyên vẹn: mọi hồ sơ khớp với sổ ghi của kho (manifest)" in listed
    again = client.post("/luu-tru", data={"csrf": token(client, "/luu-tru"), "ky": "2022-Q1", "don_vi": "TM"})
    refused = re.findall(r'<li class="error">([^:]+): không đưa vào kho được: chưa lập văn bản: hãy lập văn bản ở '
                         r"trang Lập văn bản trước khi lưu trữ</li>", again.text)
    assert refused == ["Báo cáo, Huyện Tháp Mười", "Thông báo kết luận, Huyện Tháp Mười", "Tin bài, Huyện Tháp Mười"]
    assert "reportgen build" not in again.text and str(tmp_path / "out") not in again.text.split("<footer")[0]
    (tmp_path / "archive" / "2022/2022-Q1/TM-MH/BC-UBND_bao-cao.pdf").write_bytes(b"%PDF-1.7 sua")
    changed = client.get("/luu-tru").text
    assert re.search(r"Có \d+ điểm không khớp với sổ ghi của kho \(manifest\)", changed) and "BC-UBND_bao-cao.pdf" in changed


def test_archive_page_says_when_there_is_no_archive_yet(site):
    client, _, tmp_path = site
    html = client.get("/luu-tru").text
    assert f"Chưa có kho lưu trữ: hồ sơ đầu tiên sẽ được ghi vào <code>{tmp_path / 'archive'}</code>." in html
    assert "<p>Chưa có hồ sơ nào của Quý I/2022 trong kho.</p>" in html


# ---- errors and the password mode -----------------------------------------------------------------

def test_server_errors_show_no_traceback(site, monkeypatch):
    client, _, _ = site
    monkeypatch.setattr(web_app, "plan", lambda *a, **k: 1 / 0)
    page = client.get("/")
    assert page.status_code == 500
    assert "Máy chủ gặp lỗi ngoài dự kiến" in page.text
    assert "Traceback" not in page.text and "ZeroDivisionError" not in page.text


def test_password_mode_needs_a_login(workspace, tmp_path):
    client = TestClient(create_app(workspace, tmp_path / "o", tmp_path / "a", password="mật khẩu 1"),
                        base_url=BASE, follow_redirects=False)
    assert client.get("/").headers["location"] == "/dang-nhap"
    assert client.get("/tep/2022-Q1/TM/bao-cao.pdf").status_code == 303
    wrong = client.post("/dang-nhap", data={"csrf": token(client, "/dang-nhap"), "mat_khau": "sai"})
    assert wrong.status_code == 401 and "Mật khẩu không đúng." in wrong.text
    right = client.post("/dang-nhap", data={"csrf": token(client, "/dang-nhap"), "mat_khau": "mật khẩu 1"})
    assert right.status_code == 303 and right.headers["location"] == "/"
    assert client.get("/").status_code == 200
    out = client.post("/dang-xuat", data={"csrf": token(client, "/")})
    assert out.headers["location"] == "/dang-nhap"
    assert client.get("/").status_code == 303


def test_serve_refuses_to_listen_beyond_loopback_without_a_password(cli, workspace, monkeypatch):
    monkeypatch.delenv("REPORTGEN_PASSWORD", raising=False)
    result = cli("serve", "--workspace", workspace, "--host", "0.0.0.0")
    assert result.exit_code == 2
    assert result.stderr.startswith("LỖI: --host: không mở trang trên địa chỉ này khi chưa có mật khẩu")
    assert "--password-file TỆP" in result.stderr and "(giá trị: '0.0.0.0')" in result.stderr
    assert result.stderr.endswith("Dữ liệu không hợp lệ: 1 lỗi. Không có tệp nào được ghi.\n")


def test_serve_on_a_missing_workspace_exits_2(cli, tmp_path):
    result = cli("serve", "--workspace", tmp_path / "khong-co")
    assert result.exit_code == 2
    assert f"LỖI: {tmp_path / 'khong-co'}: không tìm thấy thư mục dữ liệu (workspace)" in result.stderr


def _jpeg_with_exif() -> bytes:
    import io

    from PIL import Image
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90°
    exif[0x010F] = "May anh cua xa"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_photo_uploaded_with_the_meeting_is_kept_upright_without_metadata(site, cli):

    from PIL import Image
    client, ws, _ = site
    form = {**MEETING_FORM, "anh.tep": ""}
    page = client.post("/cuoc-hop", data={"csrf": token(client), **form},
                       files={"anh_moi": ("IMG_0001 của tôi.jpg", _jpeg_with_exif(), "image/jpeg")})
    assert page.status_code == 303, page.text
    saved = yaml.safe_load((ws / "meetings" / "2022-Q1-TM-MH.yaml").read_text(encoding="utf-8"))
    name = saved["anh"]["tep"]
    assert re.fullmatch(r"anh/2022-Q1-TM-MH-\d{8}-\d{6}\.jpg", name)
    assert saved["anh"]["chu_thich"] == "Quang cảnh cuộc họp"
    with Image.open(ws / name) as kept:
        assert kept.size == (20, 40) and not kept.getexif()
    form = {**MEETING_FORM, "anh.tep": name, "so_lieu_den": "2022-03-09"}  # saved again: the photo is kept
    assert client.post("/cuoc-hop", data={"csrf": token(client), **form}).status_code == 303
    saved = yaml.safe_load((ws / "meetings" / "2022-Q1-TM-MH.yaml").read_text(encoding="utf-8"))
    assert saved["anh"]["tep"] == name and saved["so_lieu_den"].isoformat() == "2022-03-09"
    assert cli("validate", "--workspace", ws).exit_code == 0
    html = client.get("/cuoc-hop?ky=2022-Q1&don_vi=TM-MH").text
    assert f'Ảnh hiện tại: IMG_0001 của tôi.jpg <span class="hint">(lưu là <code>{name}</code>)</span>' in html
    assert f'<input type="hidden" name="anh.tep" value="{name}">' in html


def test_the_bulletin_photo_is_served_beside_its_page(site):
    client, ws, tmp_path = site
    (ws / "anh.jpg").write_bytes(_jpeg_with_exif())  # the meeting's photo: the plan makes tin-tuc.anh.jpg
    replace_in(ws / "meetings" / "2022-q1-thap-muoi.yaml", "anh:\n", "anh:\n  tep: anh.jpg\n")
    folder = tmp_path / "out" / "2022-Q1" / "TM"
    folder.mkdir(parents=True)
    (folder / "tin-tuc.anh.jpg").write_bytes(_jpeg_with_exif())
    (folder / "tin-tuc.anh.png").write_bytes(b"an earlier photo")  # not of the current plan (issue 22)
    page = client.get("/tep/2022-Q1/TM/tin-tuc.anh.jpg?xem=1")
    assert page.status_code == 200 and page.headers["content-type"] == "image/jpeg"
    assert client.get("/tep/2022-Q1/TM/tin-tuc.anh.gif").status_code == 404
    stale = client.get("/tep/2022-Q1/TM/tin-tuc.anh.png")
    assert stale.status_code == 404 and "không còn trong kế hoạch lập" in stale.text
    import zipfile
    names = zipfile.ZipFile(io.BytesIO(client.get("/tai-ky/2022-Q1").content)).namelist()
    assert "2022-Q1/TM/tin-tuc.anh.jpg" in names and "2022-Q1/TM/tin-tuc.anh.png" not in names


def test_a_photo_that_is_not_an_image_is_refused_next_to_its_field(site):
    client, ws, _ = site
    page = client.post("/cuoc-hop", data={"csrf": token(client), **MEETING_FORM},
                       files={"anh_moi": ("anh.jpg", b"<?php system($_GET['c']); ?>", "image/jpeg")})
    assert page.status_code == 422
    assert ('<span class="field-error" id="loi-anh_moi">không phải tệp ảnh đọc được: cần ảnh JPEG hoặc PNG</span>'
            in page.text)
    assert not (ws / "meetings" / "2022-Q1-TM-MH.yaml").exists()
    assert not (ws / "anh").exists()


# ---- issue 21: uploads against the real workspace, stored names, meeting checks -------------------

def test_an_upload_after_a_meeting_photo_is_checked_with_the_photo_in_place(site, cli):
    client, ws, _ = site
    page = client.post("/cuoc-hop", data={"csrf": token(client), **MEETING_FORM, "anh.tep": ""},
                       files={"anh_moi": ("anh.jpg", _jpeg_with_exif(), "image/jpeg")})
    assert page.status_code == 303, page.text
    assert "Đã nhận tệp" in accepted(client, upload(client, "quy2.csv", (HEADER + SAMPLE_ROW).encode("utf-8")))
    assert "Đã nhận tệp" in accepted(client, upload(client, "q1.csv", (ws / "figures" / "mot-cua-2021-q1.csv").read_bytes(),
                                                    thay_the="mot-cua-2021-q1.csv", xac_nhan="on"))
    assert cli("validate", "--workspace", ws).exit_code == 0


class _SameSecond(__import__("datetime").datetime):
    @classmethod
    def now(cls, tz=None):
        return cls(2026, 12, 7, 13, 56, 56)


def test_two_uploads_in_the_same_second_keep_both_files(site, monkeypatch):
    import datetime
    import types
    client, ws, _ = site
    monkeypatch.setattr(web_app, "dt", types.SimpleNamespace(datetime=_SameSecond, date=datetime.date))
    first = upload(client, "quy 2.csv", (HEADER + SAMPLE_ROW).encode("utf-8"))
    second = upload(client, "quy 3.csv", (HEADER + SAMPLE_ROW.replace("2022-Q2", "2022-Q3")).encode("utf-8"))
    assert first.status_code == second.status_code == 303, second.text
    stored = sorted(p.name for p in (ws / "figures").glob("tai-len-*.csv"))
    assert stored == ["tai-len-20261207-135656-2.csv", "tai-len-20261207-135656.csv"]
    assert "2022-Q3" in (ws / "figures" / stored[0]).read_text(encoding="utf-8")
    assert "2022-Q2" in (ws / "figures" / stored[1]).read_text(encoding="utf-8")
    assert (ws / "figures" / (stored[0] + ".ten-goc.txt")).read_text(encoding="utf-8") == "quy 3.csv"


def test_a_stored_name_taken_meanwhile_is_never_overwritten(workspace):
    import datetime

    from reportgen.files import write_new
    from reportgen.web import figures_upload
    taken = workspace / "figures" / "tai-len-20261207-135656.csv"
    assert write_new(taken, b"old") and not write_new(taken, b"new")
    assert taken.read_bytes() == b"old"
    taken.unlink()
    outcome = figures_upload.accept(workspace, "q2.csv", (HEADER + SAMPLE_ROW).encode(), None,
                                    datetime.datetime(2026, 12, 7, 13, 56, 56))
    assert outcome.written == "figures/tai-len-20261207-135656.csv"


@pytest.mark.parametrize("field, value, label, message", [
    ("ngay", "10/03/2030", "Ngày họp", "ngày ngoài khoảng hợp lý của kỳ 2022-Q1: cần từ 01/01/2022 đến"),
    ("chu_tri.ho_ten", "Phạm " * 60, "Họ và tên người chủ trì", "tên quá dài: 299 ký tự, tối đa 100"),
    ("chu_tri.chuc_vu", "Chủ tịch\u202eUBND", "Chức vụ người chủ trì", "ký tự điều khiển U+202E ở vị trí 9"),
    ("anh.tep", "../../../etc/passwd", "Ảnh", "ảnh: đường dẫn ra ngoài thư mục dữ liệu: không đọc"),
    ("anh.tep", "anh/khong-co.jpg", "Ảnh", "ảnh: không có tệp này trong thư mục dữ liệu"),
    ("chi_dao.thoi_han", ["31/12/2031", ""], "Thời hạn thực hiện", "ngày ngoài khoảng hợp lý"),
])
def test_each_value_the_loader_refuses_is_refused_by_the_form(site, field, value, label, message):
    client, ws, _ = site
    before = sorted(p.name for p in (ws / "meetings").iterdir())
    page = client.post("/cuoc-hop", data={"csrf": token(client), **MEETING_FORM, field: value})
    assert page.status_code == 422, page.text
    summary = page.text.split('id="tom-tat-loi"')[1].split("</div>")[0]
    assert re.search(rf'<li><a href="#f-[a-z_-]+(-1)?">{label}</a>: [^<]*{re.escape(message)}', summary), summary
    assert sorted(p.name for p in (ws / "meetings").iterdir()) == before
    assert not (ws / "anh").exists()
    assert load_workspace(ws).meetings.keys() == {(Period(2022, 1), "TM")}


def test_dates_are_typed_and_shown_as_day_month_year(site):
    client, ws, _ = site
    page = client.post("/cuoc-hop", data={"csrf": token(client), **MEETING_FORM, "ngay": "10/3/2022",
                                          "chi_dao.thoi_han": ["31/03/2022", ""]})
    assert page.status_code == 303, page.text
    saved = yaml.safe_load((ws / "meetings" / "2022-Q1-TM-MH.yaml").read_text(encoding="utf-8"))
    assert saved["ngay"].isoformat() == "2022-03-10" and saved["chi_dao"][0]["thoi_han"].isoformat() == "2022-03-31"
    html = client.get("/cuoc-hop?ky=2022-Q1&don_vi=TM-MH").text
    assert 'name="ngay" type="text" inputmode="numeric" placeholder="dd/mm/yyyy" autocomplete="off" class="date" value="10/03/2022"' in html


def test_a_photo_chosen_with_an_error_elsewhere_is_said_to_be_chosen_again(site):
    client, ws, _ = site
    page = client.post("/cuoc-hop", data={"csrf": token(client), **MEETING_FORM, "tac_gia.ho_ten": ""},
                       files={"anh_moi": ("anh.jpg", _jpeg_with_exif(), "image/jpeg")})
    assert page.status_code == 422
    assert '<span class="field-error" id="loi-anh_moi">ảnh đã chọn chưa được lưu: hãy chọn lại ảnh trước khi lưu</span>' in page.text
    assert '<li><a href="#f-tac_gia-ho_ten">Tác giả</a>: cần nhập mục này</li>' in page.text
    assert not (ws / "anh").exists()


def _office_workbook(ws: Path, heading: str = "Qua dịch vụ bưu chính công ích", footer: bool = False) -> bytes:
    """The sample's 2022-Q1 figures as an office's workbook (tests/sources/test_workbook.py), as bytes."""
    import io

    from tests.workbooks import add_footer, office_sheet
    book, sheet = office_sheet(ws)
    for row in sheet.iter_rows(min_row=5, max_row=5):
        for cell in row:
            if cell.value == "Qua dịch vụ bưu chính công ích":
                cell.value = heading
    if footer:
        add_footer(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_office_workbook_with_its_footer_is_accepted(site):
    client, ws, _ = site
    data = _office_workbook(ws, footer=True)
    (ws / "figures" / "mot-cua-2022-q1.csv").unlink()
    html = accepted(client, client.post("/so-lieu", data={"csrf": token(client)}, files={
        "tep": ("Bieu tong hop Q1.xlsx", data, "application/octet-stream")}))
    assert "Nhận ra: số liệu Quý I/2022 của 14 đơn vị" in html


def test_an_unknown_heading_is_mapped_from_the_page_keeping_the_config_comments(site, cli):
    client, ws, _ = site
    data = _office_workbook(ws, heading="Qua BCCI")
    (ws / "figures" / "mot-cua-2022-q1.csv").unlink()
    page = client.post("/so-lieu", data={"csrf": token(client)}, files={"tep": ("bieu.xlsx", data, "application/octet-stream")})
    assert page.status_code == 422
    assert '<input type="hidden" name="tieu_de" value="Số hồ sơ nhận giải quyết / Qua BCCI">' in page.text
    before = (ws / "reportgen.toml").read_text(encoding="utf-8")
    mapped = client.post("/so-lieu/tieu-de", data={"csrf": token(client), "tieu_de": "Số hồ sơ nhận giải quyết / Qua BCCI",
                                                   "truong": "buu_chinh"})
    assert mapped.status_code == 303
    assert "Đã ghi tiêu đề “Số hồ sơ nhận giải quyết / Qua BCCI” vào tệp cấu hình reportgen.toml" in client.get(mapped.headers["location"]).text
    after = (ws / "reportgen.toml").read_text(encoding="utf-8")
    assert after.startswith(before)  # every line and comment kept, the table added at the end
    assert after[len(before):] == '\n[sources.columns]\n"Số hồ sơ nhận giải quyết / Qua BCCI" = "buu_chinh"\n'
    assert "Đã nhận tệp" in accepted(client, client.post("/so-lieu", data={"csrf": token(client)},
                                                        files={"tep": ("bieu.xlsx", data, "application/octet-stream")}))
    assert cli("validate", "--workspace", ws).exit_code == 0


@pytest.mark.parametrize("field, heading", [("khong-co", "Qua BCCI"), ("buu_chinh", "Qua\u202eBCCI"), ("buu_chinh", "")])
def test_a_heading_mapping_that_would_not_load_writes_nothing(site, field, heading):
    client, ws, _ = site
    before = (ws / "reportgen.toml").read_bytes()
    page = client.post("/so-lieu/tieu-de", data={"csrf": token(client), "tieu_de": heading, "truong": field})
    assert page.status_code == 422
    assert (ws / "reportgen.toml").read_bytes() == before


def test_the_replace_choice_survives_an_error(site):
    client, ws, _ = site
    page = upload(client, "q1.csv", b"ky,ma_don_vi\n", thay_the="mot-cua-2021-q1.csv", xac_nhan="on")
    assert page.status_code == 422
    assert '<option value="mot-cua-2021-q1.csv" selected>' in page.text
    assert '<input type="checkbox" name="xac_nhan" id="xac_nhan" checked>' in page.text
    assert "hãy chọn lại tệp" in page.text


@pytest.mark.parametrize("page", ["/lap", "/luu-tru", "/cuoc-hop", "/noi-dung", "/ky-so"])
def test_every_period_picker_defaults_to_the_newest_period_in_words(workspace, tmp_path, page):
    from reportgen.signing.keys import KeySource
    from reportgen.web.signing_form import OfficeKey

    office = OfficeKey(KeySource(p12=tmp_path / "khoa.p12"), tmp_path / "dau.png")  # the signing form shown
    client = TestClient(create_app(workspace, tmp_path / "out", tmp_path / "archive", office=office), base_url=BASE)
    html = client.get(page).text
    options = re.findall(r'<option value="(20\d\d-Q\d)"( selected)?>([^<]+)</option>', html)
    assert options == [("2022-Q1", " selected", "Quý I/2022"), ("2021-Q4", "", "Quý IV/2021"), ("2021-Q1", "", "Quý I/2021")]
    assert '<option value="TM-MH">Xã Mỹ Hòa</option>' in html


def test_an_upload_names_its_periods_in_the_cycle_order(site):
    """Periods are values: a six-month row comes after the second quarter, not before it as its code
    ("2022-6T" < "2022-Q2") would sort."""
    client, _, _ = site
    six_months = SAMPLE_ROW.replace("2022-Q2", "2022-6T").replace("TM-MH", "TM-MQ")
    html = accepted(client, upload(client, "hai ky.csv", (HEADER + six_months + SAMPLE_ROW).encode("utf-8")))
    assert "Nhận ra: số liệu Quý II/2022, 6 tháng đầu năm 2022 của 2 đơn vị;" in html


# ---- the clerk's words (issue 21, the audit's list) ------------------------------------------------

def test_a_workbook_problem_names_its_column_by_the_heading_the_file_writes(site):
    import io

    from tests.workbooks import office_sheet

    client, ws, _ = site
    book, sheet = office_sheet(ws)
    column = next(cell.column_letter for cell in sheet[5] if cell.value == "Trực tuyến")
    sheet[f"{column}10"] = "bảy"
    data = io.BytesIO()
    book.save(data)
    (ws / "figures" / "mot-cua-2022-q1.csv").unlink()
    page = client.post("/so-lieu", data={"csrf": token(client)},
                       files={"tep": ("Bieu Q1.xlsx", data.getvalue(), "application/octet-stream")})
    assert page.status_code == 422
    cells = re.search(rf'<td data-label="Ô / dòng">ô {column}10</td><td data-label="Cột">([^<]*)</td>', page.text)
    assert cells.group(1) == "Số hồ sơ nhận giải quyết / Trực tuyến"  # as the workbook heads it, no key


def test_a_csv_problem_names_its_column_in_words_with_the_key_as_a_hint(site):
    client, _, _ = site
    bad = HEADER + "2022-Q2,TM-XX,8,201,3,12,150,60,0,14,0\n"
    page = upload(client, "quy2.csv", bad.encode("utf-8"))
    assert row("Lỗi", "quy2.csv", "dòng 2", 'Mã đơn vị <span class="hint">ma_don_vi</span>',
               '<code class="value">TM-XX</code>', "mã đơn vị không có trong units.csv") in page.text


@pytest.mark.parametrize(("key", "words"), [
    ("truc_tuyen", "Số hồ sơ nhận giải quyết / Trực tuyến"), ("dung_han", "Số hồ sơ đã giải quyết / Đúng hạn"),
    ("anh.tep", "Tệp ảnh"), ("chu_tri.ho_ten", "Họ và tên người chủ trì"), ("chu_tri.chuc_vu", "Chức vụ người chủ trì"),
    ("khen_thuong.tap_the", "Số tập thể được khen"), ("khen_thuong.noi_dung", "Lý do khen thưởng"),
    ("chi_dao.0.thoi_han", "Thời hạn thực hiện"), ("ky, ma_don_vi", "Kỳ báo cáo, Mã đơn vị"), ("xyz", "xyz"),
])
def test_every_key_a_problem_names_has_its_words(key, words):
    from reportgen.web.words import column_words

    assert column_words(key) == words


def test_a_form_mistake_names_the_field_not_its_key(site):
    client, _, _ = site
    page = client.post("/so-lieu", data={"csrf": token(client)})
    assert page.status_code == 422
    assert row("Lỗi", "Tệp tải lên", "", "", '<code class="value"></code>',
               "hãy chọn một tệp số liệu (.csv hoặc .xlsx)") in page.text
    unconfirmed = upload(client, "q1.csv", (HEADER + SAMPLE_ROW).encode(), thay_the="mot-cua-2021-q1.csv")
    assert row("Lỗi", "Thay thế tệp", "", "", '<code class="value">figures/mot-cua-2021-q1.csv</code>',
               "hãy đánh dấu ô xác nhận để thay thế tệp mot-cua-2021-q1.csv") in unconfirmed.text


def test_uploaded_files_are_listed_by_their_original_name_first(site):
    client, ws, _ = site
    html = accepted(client, upload(client, "Số liệu quý 2.csv", (HEADER + SAMPLE_ROW).encode("utf-8")))
    stored = re.search(r"figures/(tai-len-[0-9-]+\.csv)", html).group(1)
    page = client.get("/so-lieu").text
    assert f'<option value="{stored}">Số liệu quý 2.csv (lưu là {stored})</option>' in page
    assert f'<li>Số liệu quý 2.csv <span class="hint">(lưu là <code>figures/{stored}</code>)</span></li>' in page
    assert "<li>mot-cua-2021-q1.csv</li>" in page  # a file put there by hand: its own name
    again = upload(client, "lan hai.csv", (HEADER + SAMPLE_ROW).encode("utf-8"))
    assert (f"đã có trong tệp <strong>Số liệu quý 2.csv</strong> <span class=\"hint\">(lưu là {stored})</span>."
            in again.text)


def test_duplicate_rows_are_one_problem_even_among_other_errors(site):
    client, ws, _ = site
    text = (ws / "figures" / "mot-cua-2021-q1.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    bad = "\n".join(lines + [lines[1].split(",")[0] + ",TM-XX," + ",".join(lines[1].split(",")[2:])]) + "\n"
    page = upload(client, "q1.csv", bad.encode("utf-8"))
    assert page.status_code == 422
    assert "trùng kỳ và đơn vị" not in page.text
    assert len(re.findall("đã có trong tệp mot-cua-2021-q1.csv", page.text)) == 1
    units = len(lines) - 1
    assert (f"số liệu Quý I/2021 của {units} đơn vị đã có trong tệp mot-cua-2021-q1.csv; nếu tệp mới thay cho tệp đó, "
            "hãy chọn tệp đó ở mục “Thay thế tệp đang có” và đánh dấu ô xác nhận") in page.text
    assert "mã đơn vị không có trong units.csv" in page.text  # the other error is listed too
    assert page.text.index("đã có trong tệp mot-cua-2021-q1.csv") < page.text.index("TM-XX")  # row order


def test_a_refused_heading_mapping_shows_the_page_with_its_files(site):
    client, ws, _ = site
    page = client.post("/so-lieu/tieu-de", data={"csrf": token(client), "tieu_de": "Qua BCCI", "truong": "khong-co"})
    assert page.status_code == 422
    assert "<li>mot-cua-2021-q1.csv</li>" in page.text and '<option value="mot-cua-2021-q1.csv">' in page.text


def test_a_heading_mapping_is_checked_with_every_figures_file(site):
    """Mapping a heading that a workbook in figures/ uses for another column would make that file
    read two columns as one field: refused, nothing written, the workbook named."""
    client, ws, _ = site
    (ws / "figures" / "bieu-q1.xlsx").write_bytes(_office_workbook(ws))
    (ws / "figures" / "mot-cua-2022-q1.csv").unlink()
    assert client.get("/").status_code == 200 and "Lỗi" not in client.get("/").text.split("<main")[1]
    before = (ws / "reportgen.toml").read_bytes()
    page = client.post("/so-lieu/tieu-de", data={"csrf": token(client), "tieu_de": "Số hồ sơ nhận giải quyết / Trực tiếp",
                                                 "truong": "truc_tuyen"})
    assert page.status_code == 422, page.text
    assert re.search(r'<td data-label="Tệp">figures/bieu-q1.xlsx</td>.*trùng nghĩa', page.text)
    assert (ws / "reportgen.toml").read_bytes() == before


def test_no_config_key_in_the_labels(site):
    client, _, _ = site
    meeting = client.get("/cuoc-hop?ky=2022-Q1&don_vi=TM-MH").text
    assert "[news.byline]" not in meeting
    assert "dùng đơn vị mặc định của tác giả tin bài trong reportgen.toml" in meeting


def test_the_footer_says_where_serve_writes(site):
    client, ws, tmp_path = site
    for page in ("/", "/so-lieu", "/cuoc-hop", "/noi-dung", "/lap", "/luu-tru", "/ky-so"):
        html = client.get(page).text
        footer = html.split('<footer class="where">')[1].split("</footer>")[0]
        assert (f"Dữ liệu: <code>{ws.resolve()}</code> · Văn bản lập vào: <code>{(tmp_path / 'out').resolve()}</code> · "
                f"Kho lưu trữ: <code>{(tmp_path / 'archive').resolve()}</code>") in footer, page


def test_long_meeting_texts_are_textareas(site):
    client, _, _ = site
    html = client.get("/cuoc-hop?ky=2022-Q1&don_vi=TM-MH").text
    for name in ("ket_qua", "thao_luan.noi_dung", "chi_dao.noi_dung", "khen_thuong.noi_dung", "nguyen_nhan",
                 "han_che", "nhiem_vu"):
        assert re.search(rf'<textarea [^>]*name="{re.escape(name)}"', html), name
        assert not re.search(rf'<input [^>]*name="{re.escape(name)}"', html), name


def test_a_form_with_too_many_fields_is_a_client_error(site):
    client, ws, _ = site
    before = figures(ws)
    fields = [("csrf", token(client))] + [(f"x{i}", "1") for i in range(web_app.MAX_FIELDS + 5)]
    page = client.post("/so-lieu", data=dict(fields), files={"tep": ("a.csv", (HEADER + SAMPLE_ROW).encode(), "text/csv")})
    assert page.status_code == 400
    assert "quá nhiều mục" in page.text
    assert figures(ws) == before


def test_the_period_zip_before_a_build_says_so_in_words(site):
    client, _, _ = site
    page = client.get("/tai-ky/2021-Q4")
    assert page.status_code == 404
    assert "Chưa có văn bản nào của Quý IV/2021; hãy lập văn bản trước (trang Lập văn bản)." in page.text


def test_the_build_page_keeps_the_chosen_period_and_unit_after_a_refusal(site, monkeypatch):
    client, _, _ = site
    monkeypatch.setattr(web_app, "plan", lambda *a, **k: [])  # nothing buildable for this choice
    page = client.post("/lap", data={"csrf": token(client, "/lap"), "ky": "2021-Q1", "don_vi": "TM-MH"})
    assert page.status_code == 422
    assert "Không có văn bản nào lập được cho lựa chọn này" in page.text
    assert '<option value="2021-Q1" selected>' in page.text and '<option value="2022-Q1">' in page.text
    assert '<option value="TM-MH" selected>Xã Mỹ Hòa</option>' in page.text
