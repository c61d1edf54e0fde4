"""A record is what was built (issue 15, item 1): every input of the document is checked
against the build in outputs/ (its fingerprints, reportgen/fingerprint.py), not only the
DOCX bytes, and a difference is refused with the file that changed named.

One build of the sample's 2022-Q1 district report per test; each change is then tried
with `reportgen archive`, which refuses before rendering anything.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from reportgen.resources import BUILTIN_TEMPLATES
from reportgen.store import STATE_DIR, STORE_FILE
from tests.conftest import replace_in

REPORT = "2022/2022-Q1/TM/BC-UBND_bao-cao.pdf"
DISTRICT_ROW = "2022-Q1,TM,336,1850,264,120,1716,724,12,115,3"
EDIT = '\np.doc-type::before{content:"SỬA "}\n'
RERUN = "chạy lại reportgen build rồi lưu trữ"


@pytest.fixture
def built(workspace, tmp_path, cli):
    """The sample workspace (a copy) with its 2022-Q1 district report built; (workspace, outputs, selection)."""
    out = tmp_path / "outputs"
    selection = ("--workspace", workspace, "--period", "2022-Q1", "--unit", "TM", "--kind", "bao-cao")
    result = cli("build", *selection, "--out", out)
    assert result.exit_code == 0, result.output
    return workspace, out, selection


def archive(cli, selection, root: Path, out: Path):
    return cli("archive", *selection, "--archive", root, "--built", out)


def refused(result, *reasons: str) -> None:
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if not line.startswith("CẢNH BÁO: ")]
    assert errors == [f"LỖI: 2022-Q1 TM bao-cao: không phải văn bản đã lập: {'; '.join(reasons)}; {RERUN}"]


def first_page_text(pdf: Path) -> str:
    return PdfReader(pdf).pages[0].extract_text()


def test_a_stylesheet_added_after_the_build_is_refused_with_the_file_named(built, tmp_path, cli):
    workspace, out, selection = built
    root = tmp_path / "luu-tru"
    (workspace / "templates").mkdir(exist_ok=True)
    (workspace / "templates" / "print.css").write_text(
        (BUILTIN_TEMPLATES / "print.css").read_text(encoding="utf-8") + EDIT, encoding="utf-8")
    refused(archive(cli, selection, root, out), "mẫu print.css: lúc lập dùng mẫu có sẵn, nay dùng mẫu workspace")
    assert not list(root.rglob("*.pdf"))
    # what it would have filed: a record that reads "SỬA BÁO CÁO" where the issued PDF reads "BÁO CÁO"
    unchecked = cli("archive", *selection, "--archive", tmp_path / "khong-kiem-tra", "--without-build")
    assert unchecked.exit_code == 0, unchecked.output
    assert "SỬA BÁO CÁO" in first_page_text(tmp_path / "khong-kiem-tra" / REPORT)
    assert "SỬA" not in first_page_text(out / "2022-Q1" / "TM" / "bao-cao.pdf")
    # built again, it is what was built, and it is archived
    assert cli("build", *selection, "--out", out).exit_code == 0
    result = archive(cli, selection, root, out)
    assert result.exit_code == 0, result.output
    assert "SỬA BÁO CÁO" in first_page_text(root / REPORT)
    assert "SỬA BÁO CÁO" in first_page_text(out / "2022-Q1" / "TM" / "bao-cao.pdf")


def test_a_workspace_stylesheet_edited_after_the_build_is_refused(workspace, tmp_path, cli):
    (workspace / "templates").mkdir(exist_ok=True)
    css = workspace / "templates" / "print.css"
    shutil.copy(BUILTIN_TEMPLATES / "print.css", css)
    out = tmp_path / "outputs"
    selection = ("--workspace", workspace, "--period", "2022-Q1", "--unit", "TM", "--kind", "bao-cao")
    assert cli("build", *selection, "--out", out).exit_code == 0
    with open(css, "a", encoding="utf-8") as handle:
        handle.write(EDIT)
    refused(archive(cli, selection, tmp_path / "luu-tru", out), "mẫu print.css (workspace) đã sửa sau lần lập")


def test_every_other_input_is_checked_and_named(built, tmp_path, cli):
    workspace, out, selection = built
    root = tmp_path / "luu-tru"
    figures = workspace / "figures" / "mot-cua-2022-q1.csv"
    meeting = workspace / "meetings" / "2022-q1-thap-muoi.yaml"
    config = workspace / "reportgen.toml"
    originals = {path: path.read_bytes() for path in (figures, meeting, config)}

    replace_in(figures, DISTRICT_ROW, DISTRICT_ROW.replace(",336,", ",337,"))
    refused(archive(cli, selection, root, out), "figures/mot-cua-2022-q1.csv: dữ liệu của văn bản này đã đổi sau lần lập")
    figures.write_bytes(originals[figures])

    replace_in(meeting, "ho_ten: Trần Thị Quý", "ho_ten: Trần Thị Quy")
    refused(archive(cli, selection, root, out),
            "meetings/2022-q1-thap-muoi.yaml: dữ liệu của văn bản này đã đổi sau lần lập")
    meeting.write_bytes(originals[meeting])

    replace_in(config, "left = 30", "left = 35")
    refused(archive(cli, selection, root, out), "reportgen.toml: dữ liệu của văn bản này đã đổi sau lần lập")
    config.write_bytes(originals[config])

    (workspace / "templates").mkdir(exist_ok=True)
    shutil.copy(BUILTIN_TEMPLATES / "base.docx", workspace / "templates" / "base.docx")
    refused(archive(cli, selection, root, out), "mẫu base.docx: lúc lập dùng mẫu có sẵn, nay dùng mẫu workspace")
    (workspace / "templates" / "base.docx").unlink()

    docx = out / "2022-Q1" / "TM" / "bao-cao.docx"
    kept = docx.read_bytes()
    docx.write_bytes(kept + b"\0")
    refused(archive(cli, selection, root, out), f"{docx}: tệp đã bị sửa sau khi lập")
    docx.write_bytes(kept)

    # a build made with other fonts, or by another reportgen, as its fingerprints say
    store = out / STATE_DIR / STORE_FILE
    saved = store.read_bytes()
    data = json.loads(saved)
    for item in data["files"].values():
        item["parts"]["phông chữ"] = "0" * 64
        item["parts"]["reportgen"] = "1" * 64
    store.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    refused(archive(cli, selection, root, out), "phông chữ của máy đã đổi kể từ lần lập",
            "phiên bản reportgen hoặc thư viện dựng văn bản đã đổi kể từ lần lập "
            f"(lập bằng reportgen {data['reportgen']})")
    store.write_bytes(saved)

    assert not list(root.rglob("*.pdf"))
    result = archive(cli, selection, root, out)       # everything as built: archived
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"đã lưu trữ: {root / REPORT}\n")


def test_a_build_without_fingerprints_is_not_trusted(built, tmp_path, cli):
    workspace, out, selection = built
    store = out / STATE_DIR / STORE_FILE
    store.unlink()
    refused(archive(cli, selection, tmp_path / "luu-tru", out),
            f"{out / '2022-Q1/TM/bao-cao.docx'}: chưa được lập (không có trong {store})")
