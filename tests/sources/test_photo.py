"""The bulletin's photo (issue 14 item 3): ``anh.tep`` of a meeting file, in every format.

The photo is turned upright (EXIF orientation), stripped of its metadata, scaled to the
text width in the PDF and DOCX, shown with its caption under it in the HTML page, and
written beside the fragment that links it by name. A bad photo is an input error.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest
from docx import Document
from PIL import Image, PngImagePlugin
from pypdf import PdfReader

from tests.conftest import replace_in

MEETING = "meetings/2022-q1-thap-muoi.yaml"
CAPTION = "Quang cảnh Chủ tịch UBND huyện tặng Giấy khen cho các tập thể có thành tích tiêu biểu"
BUILD = ("-p", "2022-Q1", "-u", "TM", "-k", "tin-tuc")


def _with_photo(workspace: Path, tep: str) -> None:
    replace_in(workspace / MEETING, "  chu_thich: Quang cảnh", f"  tep: {tep}\n  chu_thich: Quang cảnh")


def _rotated_jpeg(path: Path, color=(200, 30, 30)) -> None:
    """A 400 x 200 JPEG whose EXIF says "rotate 90° clockwise" (orientation 6), with GPS data."""
    image = Image.new("RGB", (400, 200), color)
    exif = image.getexif()
    exif[0x0112] = 6
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (10.0, 45.0, 0.0)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, exif=exif)
    assert Image.open(path).getexif().get_ifd(0x8825)  # the test's photo does carry GPS data


def _pdf_images(path: Path) -> list[tuple[int, int]]:
    """(width, height) of each image XObject of the PDF (pages may share one)."""
    sizes = {}
    for page in PdfReader(path).pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        for ref in xobjects.values():
            obj = ref.get_object()
            if obj["/Subtype"] == "/Image":
                sizes[ref.idnum] = (int(obj["/Width"]), int(obj["/Height"]))
    return list(sizes.values())


def test_the_photo_upright_without_metadata_in_every_format(workspace, tmp_path, cli):
    _rotated_jpeg(workspace / "anh" / "hop-quy-1.jpg")
    _with_photo(workspace, "anh/hop-quy-1.jpg")
    out = tmp_path / "out"
    result = cli("build", "-w", workspace, "-o", out, *BUILD)
    assert result.exit_code == 0, result.output
    folder = out / "2022-Q1" / "TM"

    photo = folder / "tin-tuc.anh.jpg"  # beside the fragment, upright, without EXIF/GPS
    with Image.open(photo) as image:
        assert image.format == "JPEG"
        assert image.size == (200, 400)
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info
    assert b"Exif" not in photo.read_bytes()

    fragment = (folder / "tin-tuc.fragment.html").read_text(encoding="utf-8")
    assert (f'<figure><img src="tin-tuc.anh.jpg" alt="{CAPTION}"><figcaption>({CAPTION})</figcaption></figure>'
            in fragment)
    assert "photo-caption" not in fragment  # the caption is the figure's, not printed twice

    page = (folder / "tin-tuc.html").read_text(encoding="utf-8")
    assert f'<img src="tin-tuc.anh.jpg" alt="{CAPTION}"><figcaption>({CAPTION})</figcaption>' in page
    assert "article.document figure img { max-width: 100%; height: auto; }" in page

    assert _pdf_images(folder / "tin-tuc.pdf") == [(200, 400)]  # the rotated aspect ratio

    docx = Document(folder / "tin-tuc.docx")
    section = docx.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    (shape,) = docx.inline_shapes
    assert 0 < shape.width <= text_width
    assert shape.height == pytest.approx(2 * shape.width, rel=0.01)
    paragraphs = docx.paragraphs
    index = next(i for i, p in enumerate(paragraphs) if p._p.xpath(".//pic:pic"))
    caption = paragraphs[index + 1]
    assert caption.style.name == "Caption" and caption.text == f"({CAPTION})"
    blob = docx.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
    assert blob == photo.read_bytes()


def test_a_new_photo_under_the_same_name_rebuilds_the_bulletin(workspace, tmp_path, cli):
    _rotated_jpeg(workspace / "anh" / "hop.jpg")
    _with_photo(workspace, "anh/hop.jpg")
    out = tmp_path / "out"
    assert cli("build", "-w", workspace, "-o", out, *BUILD).exit_code == 0
    again = cli("build", "-w", workspace, "-o", out, *BUILD)
    assert "Tổng kết: 0 tệp đã ghi, 5 tệp không đổi" in again.output
    first = (out / "2022-Q1" / "TM" / "tin-tuc.anh.jpg").read_bytes()

    _rotated_jpeg(workspace / "anh" / "hop.jpg", color=(30, 30, 200))
    changed = cli("build", "-w", workspace, "-o", out, *BUILD)
    assert changed.exit_code == 0, changed.output
    assert "đã ghi: " + str(out / "2022-Q1" / "TM" / "tin-tuc.pdf") in changed.output
    assert (out / "2022-Q1" / "TM" / "tin-tuc.anh.jpg").read_bytes() != first

    (out / "2022-Q1" / "TM" / "tin-tuc.anh.jpg").unlink()  # a photo deleted by hand is written again
    restored = cli("build", "-w", workspace, "-o", out, *BUILD)
    assert (out / "2022-Q1" / "TM" / "tin-tuc.anh.jpg").is_file(), restored.output


def test_a_png_is_flattened_scaled_down_and_stripped(workspace, tmp_path, cli):
    (workspace / "anh").mkdir()
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "máy ảnh của ai đó")
    Image.new("RGBA", (2000, 1000), (0, 128, 0, 128)).save(workspace / "anh" / "hop.png", pnginfo=info)
    _with_photo(workspace, "anh/hop.png")
    out = tmp_path / "out"
    result = cli("build", "-w", workspace, "-o", out, *BUILD)
    assert result.exit_code == 0, result.output
    with Image.open(out / "2022-Q1" / "TM" / "tin-tuc.anh.png") as image:
        assert (image.format, image.mode, image.size) == ("PNG", "RGB", (1600, 800))
        assert image.text == {}
    assert 'src="tin-tuc.anh.png"' in (out / "2022-Q1" / "TM" / "tin-tuc.fragment.html").read_text("utf-8")


def _prepare(case: str, workspace: Path) -> str:
    folder = workspace / "anh"
    folder.mkdir()
    if case == "missing":
        return "anh/khong-co.jpg"
    if case == "not an image":
        (folder / "hong.jpg").write_text("không phải ảnh", encoding="utf-8")
        return "anh/hong.jpg"
    if case == "truncated":
        _rotated_jpeg(folder / "full.jpg")
        (folder / "cut.jpg").write_bytes((folder / "full.jpg").read_bytes()[:400])
        return "anh/cut.jpg"
    if case == "gif":
        Image.new("RGB", (10, 10)).save(folder / "hop.gif")
        return "anh/hop.gif"
    if case == "too large":
        with open(folder / "lon.jpg", "wb") as handle:
            handle.truncate(20 * 1024 * 1024 + 1)
        return "anh/lon.jpg"
    if case == "symlink":
        _rotated_jpeg(workspace.parent / "ngoai.jpg")
        os.symlink(workspace.parent / "ngoai.jpg", folder / "hop.jpg")
        return "anh/hop.jpg"
    if case in ("folder symlinked out", "subfolder symlinked out"):
        # a real photo in a folder outside, reached through a linked folder in the middle of the path
        outside = workspace.parent / "ngoai"
        _rotated_jpeg(outside / "hop.jpg")
        if case == "folder symlinked out":
            folder.rmdir()
            folder.symlink_to(outside)
            return "anh/hop.jpg"
        (folder / "2022").symlink_to(outside)
        return "anh/2022/hop.jpg"
    if case == "folder":
        return "anh"
    if case == "absolute":
        return "/etc/hostname"
    if case == "parent":
        return "../ngoai.jpg"
    raise AssertionError(case)


BAD = {
    "missing": ("anh/khong-co.jpg", "không có tệp này trong thư mục dữ liệu"),
    "not an image": ("anh/hong.jpg", "không phải tệp ảnh đọc được: cần ảnh JPEG hoặc PNG"),
    "truncated": ("anh/cut.jpg", "không phải tệp ảnh đọc được: cần ảnh JPEG hoặc PNG"),
    "gif": ("anh/hop.gif", "định dạng GIF: chỉ nhận ảnh JPEG hoặc PNG"),
    "too large": ("anh/lon.jpg", "tệp quá lớn: 20.971.521 byte, tối đa 20.971.520 byte "
                                 "(đặt [limits] photo_file_mb trong reportgen.toml để nâng)"),
    "symlink": ("anh/hop.jpg", "là liên kết tượng trưng (symlink): không đọc; "
                               "reportgen chỉ đọc tệp nằm thật trong thư mục dữ liệu"),
    "folder symlinked out": ("anh/hop.jpg", "là liên kết tượng trưng (symlink): không đọc; "
                                            "reportgen chỉ đọc tệp nằm thật trong thư mục dữ liệu"),
    "subfolder symlinked out": ("anh/2022/hop.jpg", "là liên kết tượng trưng (symlink): không đọc; "
                                                    "reportgen chỉ đọc tệp nằm thật trong thư mục dữ liệu"),
    "folder": ("anh", "không phải tệp thông thường (thư mục, thiết bị hoặc đường ống): không đọc"),
    "absolute": ("/etc/hostname", "đường dẫn ra ngoài thư mục dữ liệu: không đọc"),
    "parent": ("../ngoai.jpg", "đường dẫn ra ngoài thư mục dữ liệu: không đọc"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_photo_is_an_input_error_naming_file_key_and_value(case, workspace, tmp_path, cli):
    tep, why = BAD[case]
    assert _prepare(case, workspace) == tep
    _with_photo(workspace, tep)
    out = tmp_path / "out"
    result = cli("build", "-w", workspace, "-o", out)
    assert result.exit_code == 2, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("LỖI: ")]
    assert errors == [f"LỖI: {MEETING}, cột anh.tep: ảnh: {why} (giá trị: {tep!r})"]
    assert not out.exists()


def test_a_larger_limit_in_the_config_admits_a_larger_photo(workspace, tmp_path, cli):
    (workspace / "anh").mkdir()
    Image.effect_noise((600, 600), 100).convert("RGB").save(workspace / "anh" / "hop.jpg", quality=100)
    assert (workspace / "anh" / "hop.jpg").stat().st_size > 100 * 1024
    _with_photo(workspace, "anh/hop.jpg")
    config = workspace / "reportgen.toml"
    config.write_text(config.read_text("utf-8") + "\n[limits]\nphoto_file_mb = 0.1\n", encoding="utf-8")
    result = cli("validate", "-w", workspace)
    assert result.exit_code == 2
    assert "ảnh: tệp quá lớn:" in result.stderr and "tối đa 104.857 byte" in result.stderr
    config.write_text(config.read_text("utf-8").replace("photo_file_mb = 0.1", "photo_file_mb = 1"), "utf-8")
    assert cli("validate", "-w", workspace).exit_code == 0


PREPARE = ("import hashlib, sys; from reportgen.sources.photo import prepare; "
           "kind, data = prepare(open(sys.argv[1], 'rb').read()); print(kind, len(data), hashlib.sha256(data).hexdigest())")


def test_the_prepared_photo_is_reproducible(tmp_path):
    """The same photo gives the same bytes in separate processes (another hash seed each), and
    they are the photo scaled and stripped, not the original passed through."""
    import subprocess
    import sys

    source = tmp_path / "hop.jpg"
    image = Image.effect_noise((3000, 2000), 50).convert("RGB")
    exif = image.getexif()
    exif[0x010F] = "Máy ảnh"  # Make: metadata that must not survive
    image.save(source, "JPEG", exif=exif)
    runs = [subprocess.run([sys.executable, "-c", PREPARE, str(source)], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")]
    assert runs[0] == runs[1]
    kind, size, digest = runs[0].split()
    assert kind == "jpg" and len(digest) == 64
    from reportgen.sources.photo import MAX_SIDE, prepare
    _, data = prepare(source.read_bytes())
    assert (len(data), hashlib.sha256(data).hexdigest()) == (int(size), digest)
    assert data != source.read_bytes()
    with Image.open(io.BytesIO(data)) as prepared:
        assert prepared.size == (MAX_SIDE, 1067)  # 3000 x 2000 scaled to 1600 wide, rounded
        assert dict(prepared.getexif()) == {}
