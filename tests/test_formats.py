"""Output formats: one registry (reportgen.formats) that rendering, the build, the fingerprints,
the CLI's checks and the web page read; a kind's extra files are its own (the bulletin's
photo); the example of docs/architecture.md ("Adding a format") works as documented."""

from __future__ import annotations

import dataclasses

import pytest
from PIL import Image
from starlette.testclient import TestClient

from reportgen import fingerprint as fp
from reportgen import layout
from reportgen.errors import MissingSystemDependency
from reportgen.formats import FORMATS, File, Format, format_of
from reportgen.job import Job
from reportgen.kinds import KINDS
from reportgen.periods import Period
from reportgen.render import subset
from reportgen.render.documents import Rendering
from reportgen.web import create_app
from reportgen.web.words import file_words
from reportgen.workspace import load_workspace
from tests.conftest import replace_in

OFFICE = "application/vnd.openxmlformats-officedocument."


# ---- the registry --------------------------------------------------------------------------------

def test_every_format_declares_itself_in_one_place():
    assert list(FORMATS) == ["docx", "pdf", "html", "xlsx"]  # the order a document's files are written in
    assert {name: [(f.suffix, f.media_type) for f in fmt.files] for name, fmt in FORMATS.items()} == {
        "docx": [("docx", OFFICE + "wordprocessingml.document")],
        "pdf": [("pdf", "application/pdf")],
        "html": [("html", "text/html; charset=utf-8"), ("fragment.html", "text/html; charset=utf-8")],
        "xlsx": [("xlsx", OFFICE + "spreadsheetml.sheet")]}
    assert {name: fmt.template_files for name, fmt in FORMATS.items() if fmt.template_files} == {"docx": ("base.docx",)}
    assert [name for name, fmt in FORMATS.items() if fmt.check] == ["pdf"]  # the Vietnamese font
    assert [name for name, fmt in FORMATS.items() if fmt.carries_assets] == ["html"]
    for kind in KINDS.values():
        assert set(kind.formats) <= set(FORMATS)
    assert format_of("fragment.html") is FORMATS["html"] and format_of("anh.jpg") is None


def test_the_bulletins_photo_is_an_extra_file_of_its_kind(workspace):
    bulletin, report = KINDS["tin-tuc"], KINDS["bao-cao"]
    job = Job("tin-tuc", "TM", Period.parse("2022-Q1"))
    assert bulletin.extra_suffixes(load_workspace(workspace), job, "html") == ()  # the sample has no photo
    Image.new("RGB", (40, 20), (200, 30, 30)).save(workspace / "anh.png")
    replace_in(workspace / "meetings/2022-q1-thap-muoi.yaml", "  chu_thich: Quang cảnh", "  tep: anh.png\n  chu_thich: Quang cảnh")
    ws = load_workspace(workspace)
    assert bulletin.extra_suffixes(ws, job, "html") == ("anh.png",)
    assert bulletin.extra_suffixes(ws, job, "pdf") == ()
    assert bulletin.extra_format("anh.png") == "html" and bulletin.extra_format("anh.gif") is None
    assert report.extras == () and report.extra_suffixes(ws, Job("bao-cao", "TM", job.period), "html") == ()
    assert [file_words(n) for n in ("tin-tuc.anh.jpg", "tin-tuc.fragment.html", "bao-cao.xlsx")] == [
        "Ảnh", "Đoạn HTML dán vào Cổng thông tin", "Bảng tính Excel"]


def test_the_output_layout_has_one_home(tmp_path):
    job = Job("tin-tuc", "TM-MH", Period.parse("2022-Q1"))
    assert layout.relative_path(job, "fragment.html") == "2022-Q1/TM-MH/tin-tuc.fragment.html"
    assert layout.output_path(tmp_path, job, "pdf") == tmp_path / "2022-Q1" / "TM-MH" / "tin-tuc.pdf"
    assert layout.parse("2022-Q1/TM-MH/tin-tuc.anh.jpg", KINDS) == ("2022-Q1", "TM-MH", "tin-tuc", "anh.jpg")
    assert layout.parse("2022-Q1/tin-tuc.pdf", KINDS) is None


# ---- adding a format: the example of docs/architecture.md ---------------------------------------------

def write_txt(r: Rendering) -> dict[str, tuple[bytes, int | None]]:
    """The document as plain text: its paragraphs, one a line (docs/architecture.md's example)."""
    lines = [b.text for b in r.document.blocks if isinstance(b, subset.Paragraph)]
    return {"txt": ("\n".join(lines).encode("utf-8") + b"\n", None)}


def no_converter() -> None:
    raise MissingSystemDependency("Máy chưa có công cụ chuyển văn bản thuần; hãy cài đặt trước khi lập.")


TXT = Format("txt", (File("txt", "text/plain; charset=utf-8", "Văn bản thuần"),), f"{__name__}:write_txt",
             template_files=("txt.cfg",))


@pytest.fixture
def txt(monkeypatch):
    """The plain-text format, declared, and the notice written in it too."""
    monkeypatch.setitem(FORMATS, "txt", TXT)
    notice = KINDS["thong-bao"]
    monkeypatch.setitem(KINDS, "thong-bao", dataclasses.replace(notice, formats=(*notice.formats, "txt")))
    return TXT


ONE = ("-p", "2022-Q1", "-u", "TM", "-k", "thong-bao")


def test_a_new_format_is_one_declaration_and_its_writer(txt, workspace, tmp_path, cli):
    out = tmp_path / "out"
    built = cli("build", "-w", workspace, "-o", out, *ONE, "-f", "txt")
    path = out / "2022-Q1" / "TM" / "thong-bao.txt"
    assert (built.exit_code, built.stdout) == (0, f"đã ghi: {path}\nTổng kết: 1 tệp đã ghi, 0 tệp không đổi, "
                                                  "0 văn bản không lập được, 0 văn bản lỗi.\n")
    text = path.read_text(encoding="utf-8").splitlines()  # the body's paragraphs (not the header and closing tables)
    assert len(text) == 15 and text[:2] == [
        "THÔNG BÁO", "Kết luận của Chủ tịch Ủy ban nhân dân huyện Tháp Mười tại cuộc họp đánh giá kết quả thực hiện "
        "cải cách hành chính quý I năm 2022 và triển khai nhiệm vụ trọng tâm năm 2022"]
    assert text[-1] == "Văn phòng HĐND và UBND huyện Tháp Mười thông báo để các cơ quan, đơn vị, địa phương biết, thực hiện./."
    assert sorted(p.name for p in path.parent.iterdir()) == ["thong-bao.txt"]  # only the format asked
    again = cli("build", "-w", workspace, "-o", out, *ONE, "-f", "txt")
    assert again.stdout.startswith(f"không đổi: {path}\n")
    # the web page serves it as its declared media type, under its clerk's word
    client = TestClient(create_app(workspace, out, tmp_path / "archive"), base_url="http://127.0.0.1:8080")
    page = client.get("/tep/2022-Q1/TM/thong-bao.txt")
    assert (page.status_code, page.headers["content-type"]) == (200, "text/plain; charset=utf-8")
    assert page.content == path.read_bytes()
    assert file_words("thong-bao.txt") == "Văn bản thuần"


def test_a_new_formats_own_template_file_is_part_of_its_fingerprint_only(txt, workspace):
    (workspace / "templates").mkdir()
    (workspace / "templates" / "txt.cfg").write_text("width = 72\n", encoding="utf-8")
    inputs = fp.Inputs(load_workspace(workspace))
    job = Job("thong-bao", "TM", Period.parse("2022-Q1"))
    parts = {suffix: inputs.fingerprint(job, suffix, "thong-bao.html.j2").parts for suffix in ("txt", "docx", "pdf")}
    assert parts["txt"]["mẫu txt.cfg"].startswith("workspace:")
    assert "mẫu txt.cfg" not in parts["docx"] and "mẫu txt.cfg" not in parts["pdf"]
    assert "mẫu base.docx" in parts["docx"] and "mẫu base.docx" not in parts["txt"]


def test_a_formats_check_stops_the_build_before_anything_is_written(txt, monkeypatch, workspace, tmp_path, cli):
    monkeypatch.setitem(FORMATS, "txt", dataclasses.replace(TXT, check=f"{__name__}:no_converter"))
    result = cli("build", "-w", workspace, "-o", tmp_path / "out", *ONE, "-f", "txt")
    assert (result.exit_code, result.stderr) == (
        4, "Lỗi: Máy chưa có công cụ chuyển văn bản thuần; hãy cài đặt trước khi lập.\n")
    assert not (tmp_path / "out").exists()
    assert cli("build", "-w", workspace, "-o", tmp_path / "out", *ONE, "-f", "docx").exit_code == 0  # not asked: not checked
