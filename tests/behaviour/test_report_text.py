"""The report's body as a commune or province signs it (issue 19, item 3).

- The sections of bao-cao-2026.md §3, in order, up to "IV. ĐỀ XUẤT, KIẾN NGHỊ", read back
  from the PDF (pdfplumber) and the DOCX (python-docx).
- The office's own text: one noi-dung/*.yaml per unit and period reaches the report; without
  one, [noi_dung] of reportgen.toml per unit, then per level; the top-level
  tasks_next_quarter belongs to the workspace's highest unit only.
- The unit's own office from [labels.office] ({mot_cua}).
- Bad text files: exact messages, exit code 2, nothing written.
- A commune's and the province's report of inputs/mau-2025 checked for text that must not
  appear in them; a notice thanks "các cơ quan, đơn vị, địa phương" only above communes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from reportgen.cli import main
from reportgen.context import own_text
from reportgen.job import Job
from reportgen.periods import PERIOD_FORMAT_MESSAGE, Period
from reportgen.workspace import load_workspace
from tests.conftest import replace_in
from tests.readback import flat, pdf_text

ROOT = Path(__file__).resolve().parents[2]
MAU = ROOT / "inputs" / "mau-2025"
OFFICE_WARD = "Trung tâm Phục vụ hành chính công phường"

# the headings of a report whose text has every section, in the order they must come
SECTIONS = [
    "I. KẾT QUẢ ĐẠT ĐƯỢC",
    "1. Công tác chỉ đạo, điều hành",
    "2. Công tác kiểm soát thủ tục hành chính",
    "a) Công bố, công khai thủ tục hành chính",
    "b) Rà soát, đơn giản hóa thủ tục hành chính",
    "c) Tiếp nhận, xử lý phản ánh, kiến nghị về quy định hành chính",
    "3. Tình hình tiếp nhận và giải quyết thủ tục hành chính",
    "4. Dịch vụ công trực tuyến",
    "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
    "III. NHIỆM VỤ TRỌNG TÂM",
    "IV. ĐỀ XUẤT, KIẾN NGHỊ",
    "Trên đây là báo cáo",
]


def _build(workspace: Path, out: Path, *args: str):
    return CliRunner().invoke(main, ["build", "--workspace", str(workspace), "--out", str(out), *args],
                              catch_exceptions=False)


@pytest.fixture(scope="module")
def mau(tmp_path_factory) -> dict[str, str]:
    """The flattened text of the 2025-Q4 report and notice of the province, the ward with its
    own text file (AG-LX) and a ward without one (AG-RG), PDF and DOCX."""
    out = tmp_path_factory.mktemp("mau-out")
    for units, kinds in ((("AG", "AG-LX"), ("bao-cao", "thong-bao")), (("AG-RG",), ("bao-cao",))):
        chosen = [a for u in units for a in ("--unit", u)] + [a for k in kinds for a in ("--kind", k)]
        result = _build(MAU, out, "--period", "2025-Q4", "--format", "pdf", "--format", "docx", *chosen)
        assert result.exit_code == 0, result.output
    texts = {}
    for path in sorted(out.rglob("*")):
        if path.suffix == ".pdf":
            texts[str(path.relative_to(out))] = flat(pdf_text(path))
        elif path.suffix == ".docx":
            texts[str(path.relative_to(out))] = flat(_docx_paragraphs(path))
    return texts


def _docx_paragraphs(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def _in_order(text: str, headings: list[str]) -> list[str]:
    """The headings found out of order or missing (each searched after the one before)."""
    wrong, at = [], 0
    for heading in headings:
        found = text.find(heading, at)
        if found < 0:
            wrong.append(heading)
        else:
            at = found + len(heading)
    return wrong


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_sections_come_in_the_order_of_a_2026_report(mau, fmt):
    for unit in ("AG-LX", "AG"):
        assert _in_order(mau[f"2025-Q4/{unit}/bao-cao.{fmt}"], SECTIONS) == [], unit


def test_the_docx_headings_are_headings(tmp_path):
    result = _build(MAU, tmp_path, "--period", "2025-Q4", "--unit", "AG-LX", "--kind", "bao-cao", "--format", "docx")
    assert result.exit_code == 0, result.output
    paragraphs = Document(str(tmp_path / "2025-Q4" / "AG-LX" / "bao-cao.docx")).paragraphs
    styles = {p.text: p.style.name for p in paragraphs}
    assert styles["IV. ĐỀ XUẤT, KIẾN NGHỊ"] == styles["I. KẾT QUẢ ĐẠT ĐƯỢC"] == styles["II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"]
    assert styles["2. Công tác kiểm soát thủ tục hành chính"] == styles["1. Công tác chỉ đạo, điều hành"]
    assert styles["a) Công bố, công khai thủ tục hành chính"] != styles["2. Công tác kiểm soát thủ tục hành chính"]


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_text_file_reaches_the_report(mau, fmt):
    """inputs/mau-2025/noi-dung/2025-Q4-AG-LX.yaml, placeholders replaced, abbreviations by the
    first-use rule (TTHC and UBND are spelled out in the opening paragraph)."""
    text = mau[f"2025-Q4/AG-LX/bao-cao.{fmt}"]
    for sentence in [
        f"UBND phường ban hành Kế hoạch kiểm soát TTHC năm 2025, phân công công chức {OFFICE_WARD} hướng dẫn "
        "người dân nộp hồ sơ trực tuyến toàn trình.",
        f"Niêm yết công khai 368 TTHC thuộc thẩm quyền giải quyết của UBND phường tại {OFFICE_WARD}, kèm mã QR "
        "dẫn tới Cổng Dịch vụ công quốc gia.",
        "Một số hồ sơ đất đai, hộ tịch chuyển từ UBND thành phố Long Xuyên cũ sang chưa được số hóa đầy đủ.",
        "Nguyên nhân: khối lượng hồ sơ tăng sau sắp xếp đơn vị hành chính; thiết bị số hóa của "
        f"{OFFICE_WARD} còn thiếu.",
        "1. Hoàn thành số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn tồn đọng trước ngày 31/3/2026.",
        "IV. ĐỀ XUẤT, KIẾN NGHỊ Đề nghị Sở Khoa học và Công nghệ hỗ trợ phường 02 máy quét tài liệu để số hóa "
        f"hồ sơ tại {OFFICE_WARD}.",
    ]:
        assert sentence in text, sentence
    # the file's sections replace the meeting's and the level's; the level's fill the others
    assert "tập trung tiếp nhận, giải quyết" not in text  # the meeting's ket_qua
    assert ("Rà soát quy trình nội bộ giải quyết TTHC; kịp thời phản ánh với các sở, ngành những TTHC còn "
            "vướng mắc") in text  # [noi_dung.cap.xa] ra_soat
    # no late file: the figures' sentence stays before the office's own shortcomings
    assert ("II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN Trong quý IV năm 2025, không có hồ sơ giải quyết quá hạn"
            in text)


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_ward_without_a_file_takes_its_levels_text_with_its_own_names(mau, fmt):
    text = mau[f"2025-Q4/AG-RG/bao-cao.{fmt}"]
    assert (f"1. Công tác chỉ đạo, điều hành UBND phường Rạch Giá chỉ đạo {OFFICE_WARD} thực hiện nghiêm việc "
            "tiếp nhận, giải quyết TTHC theo cơ chế một cửa") in text
    assert f"1. Tiếp tục rà soát, niêm yết công khai đầy đủ, kịp thời thủ tục hành chính tại {OFFICE_WARD}." in text
    assert "Đề nghị UBND tỉnh chỉ đạo các sở, ngành hướng dẫn, hỗ trợ kịp thời phường Rạch Giá" in text


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_province_keeps_its_own_task_list_and_level_text(mau, fmt):
    text = mau[f"2025-Q4/AG/bao-cao.{fmt}"]
    assert ("1. Tiếp tục rà soát, công khai đầy đủ, kịp thời thủ tục hành chính tại Trung tâm Phục vụ hành "
            "chính công tỉnh và các xã, phường, đặc khu.") in text
    assert ("IV. ĐỀ XUẤT, KIẾN NGHỊ Đề nghị Văn phòng Chính phủ tiếp tục hoàn thiện, kết nối, đồng bộ dữ liệu "
            "giữa Cổng Dịch vụ công quốc gia") in text
    assert ("Duy trì tiếp nhận phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành chính qua Cổng Dịch vụ "
            "công quốc gia, đường dây nóng và hộp thư góp ý tại Trung tâm Phục vụ hành chính công tỉnh.") in text


# Text that must not appear in a report of the two-tier sample: no district, no one-stop
# "Bộ phận" (Decree 118/2025), no 2022 terms; a ward never commits to the province's work.
FORBIDDEN_EVERYWHERE = ["Bộ phận Một cửa", "Một cửa các cấp", "huyện", "Huyện", "HUYỆN", "mức độ 3", "mức độ 4",
                        "thị trấn", "{don_vi}", "{mot_cua}", "{cap}"]
FORBIDDEN_COMMUNE = ["Trung tâm Phục vụ hành chính công tỉnh", "các xã, phường, đặc khu", "cấp xã", "cấp tỉnh",
                     "các cơ quan, đơn vị, địa phương"]


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("unit", ["AG-LX", "AG-RG", "AG"])
def test_no_forbidden_text_in_a_commune_or_the_province_report(mau, unit, fmt):
    forbidden = FORBIDDEN_EVERYWHERE + (FORBIDDEN_COMMUNE if unit != "AG" else [])
    found = [words for words in forbidden if words in mau[f"2025-Q4/{unit}/bao-cao.{fmt}"]]
    assert found == []


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_notice_thanks_localities_only_above_communes(mau, fmt):
    province, ward = mau[f"2025-Q4/AG/thong-bao.{fmt}"], mau[f"2025-Q4/AG-LX/thong-bao.{fmt}"]
    assert "sự nỗ lực của các cơ quan, đơn vị, địa phương trong thực hiện" in province
    assert "thông báo để các cơ quan, đơn vị, địa phương biết, thực hiện./." in province
    assert "sự nỗ lực của các cơ quan, đơn vị trong thực hiện" in ward
    assert "thông báo để các cơ quan, đơn vị biết, thực hiện./." in ward


# ---- precedence, on the context (no rendering) --------------------------------------------------

@pytest.fixture()
def workspace(tmp_path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(MAU, root)
    return root


def _text(root: Path, unit: str, period: str = "2025-Q4") -> dict[str, list[str]]:
    ws = load_workspace(root)
    period = Period.parse(period)
    meeting = ws.meetings.get((period, unit))
    return own_text(ws, Job("bao-cao", unit, period), meeting.model_dump() if meeting else None)


def test_each_section_from_the_first_source_that_has_it(workspace):
    text = _text(workspace, "AG-LX")
    assert text["nhiem_vu"][0] == "Hoàn thành số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn tồn đọng " \
                                  "trước ngày 31/3/2026"  # the file
    assert text["phan_anh_kien_nghi"] == [  # the level: the file leaves it out
        f"Công khai địa chỉ, số điện thoại, hộp thư tiếp nhận phản ánh, kiến nghị của cá nhân, tổ chức về quy "
        f"định hành chính tại {OFFICE_WARD}"]
    # without the file: the meeting's ket_qua (worded by the template), then the level's
    (workspace / "noi-dung" / "2025-Q4-AG-LX.yaml").unlink()
    text = _text(workspace, "AG-LX")
    assert text["chi_dao_dieu_hanh"] == []  # the meeting's ket_qua speaks
    assert text["nhiem_vu"][0] == f"Tiếp tục rà soát, niêm yết công khai đầy đủ, kịp thời thủ tục hành chính tại {OFFICE_WARD}"
    # a unit's own defaults come before its level's
    with (workspace / "reportgen.toml").open("a", encoding="utf-8") as config:
        config.write('\n[noi_dung.don_vi.AG-LX]\nnhiem_vu = ["Giữ {don_vi} không có hồ sơ trễ hạn"]\n')
    assert _text(workspace, "AG-LX")["nhiem_vu"] == ["Giữ phường Long Xuyên không có hồ sơ trễ hạn"]
    assert _text(workspace, "AG-RG")["nhiem_vu"][0].startswith("Tiếp tục rà soát, niêm yết")


def test_the_top_level_task_list_is_the_highest_units_only(workspace):
    province = _text(workspace, "AG")["nhiem_vu"]
    assert province[0].endswith("tại Trung tâm Phục vụ hành chính công tỉnh và các xã, phường, đặc khu")
    replace_in(workspace / "reportgen.toml", "\n[noi_dung.cap.xa]\n", "\n[noi_dung.don_vi.AG-PQ]\n")
    # a ward with neither a file nor defaults gets no task from the province's list
    assert _text(workspace, "AG-RG")["nhiem_vu"] == []
    assert _text(workspace, "AG")["nhiem_vu"] == province


def test_the_office_name_comes_from_labels_per_level(workspace):
    replace_in(workspace / "reportgen.toml", 'xa = "Trung tâm Phục vụ hành chính công {cap}"',
               'xa = "Bộ phận tiếp nhận và trả kết quả {don_vi}"')
    assert _text(workspace, "AG-OE")["cong_khai"] == [
        "Niêm yết, công khai đầy đủ, kịp thời thủ tục hành chính thuộc thẩm quyền giải quyết của Ủy ban nhân dân "
        "xã Óc Eo tại Bộ phận tiếp nhận và trả kết quả xã Óc Eo và trên Cổng Dịch vụ công quốc gia"]


def test_the_2022_sample_has_no_section_it_has_no_text_for(tmp_path):
    result = _build(ROOT / "inputs", tmp_path, "--period", "2022-Q1", "--unit", "TM-MH", "--kind", "bao-cao",
                    "--format", "pdf")
    assert result.exit_code == 0, result.output
    text = flat(pdf_text(tmp_path / "2022-Q1" / "TM-MH" / "bao-cao.pdf"))
    assert _in_order(text, ["1. Công tác chỉ đạo, điều hành", "2. Tình hình tiếp nhận và giải quyết thủ tục hành chính",
                            "3. Dịch vụ công trực tuyến", "III. NHIỆM VỤ TRỌNG TÂM QUÝ II NĂM 2022",
                            "1. Tiếp tục rà soát, công khai đầy đủ, kịp thời thủ tục hành chính tại Bộ phận Một cửa "
                            "các cấp."]) == []
    assert "kiểm soát thủ tục hành chính" not in text and "ĐỀ XUẤT, KIẾN NGHỊ" not in text


# ---- bad input -----------------------------------------------------------------------------------

TEXT = "noi-dung/2025-Q4-AG-LX.yaml"
BAD_TEXT = {
    "unknown key": ("de_xuat:", "de_xuatt:",
                    f"{TEXT}, dòng 20, cột de_xuatt: khóa không được hỗ trợ (xem docs/workspace.md)"),
    "empty paragraph": ("  - khối lượng hồ sơ tăng sau sắp xếp đơn vị hành chính", '  - ""',
                        f"{TEXT}, dòng 13, cột nguyen_nhan.0: giá trị không hợp lệ: đoạn văn trống: viết nội dung "
                        "hoặc xóa dòng đó (giá trị: '')"),
    "unknown placeholder": ("tại {mot_cua}, kèm mã QR", "tại {trung_tam}, kèm mã QR",
                            f"{TEXT}, dòng 9, cột cong_khai.0: giá trị không hợp lệ: chỗ thay không có: {{trung_tam}}; "
                            "chỉ dùng được {don_vi}, {mot_cua}"),
    "a list of lists": ("  - Đề nghị Sở Khoa học", "  - [Đề nghị Sở Khoa học",
                        f"{TEXT}, dòng 20: YAML sai cú pháp:"),
    "unknown unit": ("don_vi: AG-LX", "don_vi: AG-XX",
                     f"{TEXT}, cột don_vi: mã đơn vị không có trong units.csv (giá trị: 'AG-XX')"),
    "period without figures": ("ky: 2025-Q4", "ky: 2025-Q2",
                               f"{TEXT}, cột ky: không có số liệu của kỳ này trong figures/ (giá trị: '2025-Q2')"),
    "period misspelt": ("ky: 2025-Q4", "ky: Q4-2025",  # said by the loader, on its line, as a meeting's
                        f"{TEXT}, dòng 4, cột ky: {PERIOD_FORMAT_MESSAGE} (giá trị: 'Q4-2025')"),
}


@pytest.mark.parametrize("case", sorted(BAD_TEXT))
def test_a_bad_text_file_is_refused_exactly_and_nothing_is_written(workspace, tmp_path, case):
    old, new, expected = BAD_TEXT[case]
    replace_in(workspace / TEXT, old, new)
    result = CliRunner().invoke(main, ["validate", "--workspace", str(workspace)])
    assert result.exit_code == 2, result.output
    errors = [line[len("LỖI: "):] for line in result.output.splitlines() if line.startswith("LỖI: ")]
    assert any(line.startswith(expected) for line in errors), errors
    out = tmp_path / "out"
    assert _build(workspace, out).exit_code == 2
    assert not out.exists() or not any(p.is_file() for p in out.rglob("*"))


def test_the_same_unit_and_period_twice_is_refused(workspace):
    shutil.copy(workspace / TEXT, workspace / "noi-dung" / "ban-sao.yaml")
    result = CliRunner().invoke(main, ["validate", "--workspace", str(workspace)])
    assert result.exit_code == 2
    assert ("LỖI: noi-dung/ban-sao.yaml, cột ky, don_vi: trùng nội dung báo cáo với noi-dung/2025-Q4-AG-LX.yaml "
            "(giá trị: '2025-Q4, AG-LX')") in result.output


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("\n[noi_dung.cap.xa]\n", "\n[noi_dung.cap.xa2]\n",
     "reportgen.toml, cột noi_dung.cap: giá trị không hợp lệ: cấp không có: xa2; các cấp: tinh, huyen, xa"),
    ("\n[noi_dung.cap.xa]\n", "\n[noi_dung.don_vi.AG-ZZ]\n",
     "reportgen.toml, cột noi_dung.don_vi.AG-ZZ: mã đơn vị không có trong units.csv (giá trị: 'AG-ZZ')"),
    ('tinh = "Trung tâm Phục vụ hành chính công {cap}"   #', 'huyenn = "Bộ phận"   #',
     "reportgen.toml, cột labels.office: giá trị không hợp lệ: cấp không có: huyenn; các cấp: tinh, huyen, xa"),
    ("  \"Đề nghị Văn phòng Chính phủ", "  \"{tinh} Đề nghị Văn phòng Chính phủ",
     "reportgen.toml, cột noi_dung.cap.tinh.de_xuat.0: giá trị không hợp lệ: chỗ thay không có: {tinh}"),
])
def test_bad_defaults_in_the_config_are_refused(workspace, old, new, expected):
    replace_in(workspace / "reportgen.toml", old, new)
    result = CliRunner().invoke(main, ["validate", "--workspace", str(workspace)])
    assert result.exit_code == 2, result.output
    errors = [line[len("LỖI: "):] for line in result.output.splitlines() if line.startswith("LỖI: ")]
    assert any(line.startswith(expected) for line in errors), errors
