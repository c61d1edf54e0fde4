"""A workspace's own stylesheet and the files beside it (issue 11, items 2 and 3).

- A file of the workspace's ``templates/`` folder that is a link leading outside it
  (``print.css -> /etc/passwd``, an image, a font) is refused with its name, exit 3,
  before anything is rendered; the PDF renderer refuses it too, never falling back to the
  built-in file of the same name.
- ``/Interpolate true`` (forbidden by PDF/A) never comes back through a workspace
  ``print.css``: reportgen's own user stylesheet forces ``image-rendering: crisp-edges``;
  ``verify`` reports a record that has it anyway, and ``archive`` refuses to file one.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from reportgen.archive import manifest
from reportgen.errors import TemplateFailure
from reportgen.render import subset, to_pdf
from reportgen.templating import BUILTIN_TEMPLATES, check_templates

ROOT = Path(__file__).resolve().parents[2]
REPORT = "2022/2022-Q1/TM/BC-UBND_bao-cao.pdf"
ONE = ("-p", "2022-Q1", "-u", "TM", "-k", "bao-cao")
REFUSED = "không đọc / file leads outside the template folder, refused"
INTERPOLATED = "ảnh nội suy (/Interpolate true), PDF/A không cho phép (ISO 19005-3, 6.2.8)"


def templates_of(workspace: Path) -> Path:
    folder = workspace / "templates"
    folder.mkdir(exist_ok=True)
    return folder


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def interpolate_flags(pdf: bytes) -> list[bool]:
    """/Interpolate of every image XObject (soft masks included), read with pikepdf."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return [bool(obj.get("/Interpolate", False)) for obj in document.objects
                if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"]


# ---- links out of the workspace's templates folder -----------------------------------------

@pytest.mark.parametrize("name", ["print.css", "logo.png", "fonts/chu.ttf"])
def test_a_file_linked_out_of_the_templates_folder_exits_3_naming_it(cli, workspace, tmp_path, name):
    folder = templates_of(workspace)
    (folder / name).parent.mkdir(exist_ok=True)
    (folder / name).symlink_to("/etc/passwd")
    out = tmp_path / "o"
    result = cli("build", "-w", workspace, "-o", out, *ONE, "-f", "pdf")
    assert result.exit_code == 3
    assert result.stderr == (f"Lỗi: Tệp {name!r} ({folder}/{name}) dẫn ra ngoài thư mục mẫu {folder} "
                             f"(tới /etc/passwd): {REFUSED}\n")
    assert not out.exists()
    assert "root:" not in result.output


def test_check_templates_refuses_a_linked_stylesheet(workspace):
    folder = templates_of(workspace)
    outside = workspace.parent / "khac.css"
    outside.write_text("p { color: red }\n", encoding="utf-8")
    (folder / "print.css").symlink_to(outside)
    with pytest.raises(TemplateFailure) as info:
        check_templates(["bao-cao.html.j2"], folder)
    assert str(info.value) == (f"Tệp 'print.css' ({folder}/print.css) dẫn ra ngoài thư mục mẫu {folder} "
                               f"(tới {outside}): {REFUSED}")


def test_the_pdf_renderer_refuses_a_linked_stylesheet_instead_of_the_builtin_one(tmp_path):
    folder = tmp_path / "ws" / "templates"
    folder.mkdir(parents=True)
    (folder / "print.css").symlink_to("/etc/passwd")
    document = subset.read('<html><head><link rel="stylesheet" href="print.css"></head><body>'
                           '<article class="document"><p>a</p></article></body></html>', "t")
    with pytest.raises(TemplateFailure) as info:
        to_pdf.render_pdf(document, Path("/reportgen-assets"), [folder, BUILTIN_TEMPLATES])
    assert str(info.value) == ("Tài nguyên bị từ chối hoặc không tìm thấy / refused resources: "
                               f"Tệp 'print.css' ({folder}/print.css) dẫn ra ngoài thư mục mẫu {folder} "
                               f"(tới /etc/passwd): {REFUSED}")


def test_a_stylesheet_linked_inside_the_folder_is_used(cli, workspace, tmp_path):
    folder = templates_of(workspace)
    css = (BUILTIN_TEMPLATES / "print.css").read_text(encoding="utf-8")
    (folder / "that-in.css").write_text(css + "p { color: #c00000 }\n", encoding="utf-8")
    (folder / "print.css").symlink_to(folder / "that-in.css")
    result = cli("build", "-w", workspace, "-o", tmp_path / "o", *ONE, "-f", "pdf")
    assert result.exit_code == 0, result.output
    import pdfplumber

    with pdfplumber.open(tmp_path / "o" / "2022-Q1" / "TM" / "bao-cao.pdf") as pdf:
        colours = {tuple(round(c, 2) for c in ch["non_stroking_color"] or ()) for ch in pdf.pages[0].chars}
    assert (0.75, 0.0, 0.0) in colours  # the linked stylesheet's rule, not the built-in one


# ---- /Interpolate: never through a workspace print.css -------------------------------------

def crisp_edges_removed(workspace: Path) -> None:
    css = (BUILTIN_TEMPLATES / "print.css").read_text(encoding="utf-8")
    assert "image-rendering: crisp-edges; " in css
    (templates_of(workspace) / "print.css").write_text(css.replace("image-rendering: crisp-edges; ", ""),
                                                       encoding="utf-8")


def test_a_workspace_print_css_without_crisp_edges_builds_no_interpolated_image(cli, workspace, tmp_path):
    crisp_edges_removed(workspace)
    result = cli("build", "-w", workspace, "-o", tmp_path / "o", *ONE, "-f", "pdf")
    assert result.exit_code == 0, result.output
    flags = interpolate_flags((tmp_path / "o" / "2022-Q1" / "TM" / "bao-cao.pdf").read_bytes())
    assert len(flags) >= 2 and not any(flags)  # the chart and its soft mask


@pytest.fixture(scope="module")
def archived_without_crisp_edges(tmp_path_factory):
    """The 2022-Q1 report of Huyện Tháp Mười archived from a workspace whose print.css lacks
    ``image-rendering: crisp-edges`` (a copy from before the fix)."""
    import shutil

    from click.testing import CliRunner

    from reportgen.cli import main

    base = tmp_path_factory.mktemp("interpolate")
    workspace = base / "ws"
    shutil.copytree(ROOT / "inputs", workspace)
    crisp_edges_removed(workspace)
    root = base / "luu-tru"
    result = CliRunner().invoke(main, ["archive", "-w", str(workspace), "-a", str(root), *ONE, "--without-build"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root


def test_the_record_has_no_interpolated_image_and_verifies(archived_without_crisp_edges, cli):
    flags = interpolate_flags((archived_without_crisp_edges / REPORT).read_bytes())
    assert len(flags) >= 2 and not any(flags)
    result = cli("verify", archived_without_crisp_edges)
    assert result.exit_code == 0
    assert result.stdout == f"Kho lưu trữ {archived_without_crisp_edges}: 1 hồ sơ, tất cả khớp manifest.\n"


def test_verify_reports_a_record_with_interpolated_images(archived_without_crisp_edges, cli, tmp_path):
    import hashlib
    import shutil

    root = tmp_path / "luu-tru"
    shutil.copytree(archived_without_crisp_edges, root)
    path = root / REPORT
    path.chmod(0o644)
    with pikepdf.open(io.BytesIO(path.read_bytes())) as document:  # as WeasyPrint wrote it before the fix
        for obj in document.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
                obj.Interpolate = True
        out = io.BytesIO()
        document.save(out, static_id=True)
    path.write_bytes(out.getvalue())
    rows, _ = manifest.read_jsonl(root)
    rows[0].update(sha256=hashlib.sha256(out.getvalue()).hexdigest(), size=len(out.getvalue()))
    manifest.save(root, rows)
    result = cli("verify", root)
    assert result.exit_code == 1
    assert result.stdout == f"KHÔNG KHỚP: {REPORT}: 2 {INTERPOLATED}\n"


def test_archive_refuses_an_interpolated_image_from_an_svg_of_the_stylesheet(cli, workspace, tmp_path):
    """An SVG's own ``<image>`` ignores CSS; such a record is refused, not filed."""
    png = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 0, 0)).save(png, "PNG")
    folder = templates_of(workspace)
    (folder / "nen.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><image width="40" height="40" '
        f'href="data:image/png;base64,{base64.b64encode(png.getvalue()).decode()}"/></svg>', encoding="utf-8")
    css = (BUILTIN_TEMPLATES / "print.css").read_text(encoding="utf-8")
    (folder / "print.css").write_text(css + "article.document { background: url(nen.svg) no-repeat }\n",
                                      encoding="utf-8")
    root = tmp_path / "luu-tru"
    result = cli("archive", "-w", workspace, "-a", root, *ONE, "--without-build")
    assert result.exit_code == 1
    assert result.stderr == (f"LỖI: 2022-Q1 TM bao-cao: bản lưu trữ có 1 {INTERPOLATED}: ảnh trong một tệp SVG "
                             "mà print.css dùng; thay bằng PNG\n")
    assert not [p for p in files_under(root) if p.suffix == ".pdf"]
