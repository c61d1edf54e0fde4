"""A name within the limit but without a space stays on the page (issue 11, item 4; defect D6).

"Xã " and 97 W's is a valid 100-character name; as a unit name, place and signer it used to
run the PDF's header block, title, paragraphs, signature and figures table off the right
edge. Every character of every page must now lie inside the right margin, in the PDF and
in the DOCX as LibreOffice lays it out; the figures table keeps its numbers whole.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from reportgen.page import DEFAULT_MARGINS
from tests.conftest import replace_in
from tests.readback import soffice_pdf

NAME = "Xã " + "W" * 97
MM = 72 / 25.4


def past_the_right_margin(pdf_path: Path) -> list[str]:
    """``page N: text`` of every line with a character right of the right margin (+1 pt)."""
    found = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            margins = DEFAULT_MARGINS if page.width < page.height else DEFAULT_MARGINS.landscape()
            edge = page.width - margins.right * MM + 1
            over = [c for c in page.chars if c["x1"] > edge]
            found += [f"page {number}: {''.join(c['text'] for c in over)[:40]}"] if over else []
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    import shutil

    from click.testing import CliRunner

    from reportgen.cli import main
    from tests.conftest import SAMPLE

    base = tmp_path_factory.mktemp("long-names")
    workspace = base / "ws"
    shutil.copytree(SAMPLE, workspace)
    units = workspace / "units.csv"
    replace_in(units, "TM,Huyện Tháp Mười,huyen,,Tháp Mười,Trần Thị Quý", f"TM,{NAME},huyen,,{NAME},{NAME}")
    replace_in(units, "TM-MA,Xã Mỹ An,", f"TM-MA,{NAME},")
    out = base / "out"
    result = CliRunner().invoke(main, ["build", "-w", str(workspace), "-o", str(out), "-p", "2022-Q1", "-u", "TM",
                                       "-f", "pdf", "-f", "docx"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out / "2022-Q1" / "TM"


@pytest.mark.parametrize("kind", ["bao-cao", "thong-bao", "tin-tuc"])
def test_the_pdf_keeps_an_unbreakable_name_inside_the_margins(built, kind):
    path = built / f"{kind}.pdf"
    assert past_the_right_margin(path) == []
    with pdfplumber.open(path) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert text.count("W") >= 97  # the name is there, broken across lines, not cut


def test_the_figures_table_keeps_its_numbers_whole(built):
    with pdfplumber.open(built / "bao-cao.pdf") as pdf:
        words = {w["text"] for page in pdf.pages for w in page.extract_words()}
    assert {"2.570", "1.850", "2.452", "1.716", "99,51"} <= words  # the district's row, beside the long label


def test_libreoffice_lays_the_docx_out_inside_the_margins(built, tmp_path):
    assert past_the_right_margin(soffice_pdf(built / "bao-cao.docx", tmp_path)) == []


