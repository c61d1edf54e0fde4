"""Third-party conformance checks of the files reportgen writes.

DOCX: ``openxml-audit`` (a Python port of Microsoft's Open XML SDK validator, format
``microsoft365``: the schema Word itself holds) over every DOCX that the sample workspace
and a second district produce, and over ``templates/base.docx``: no finding at all.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from openxml_audit import FileFormat, OpenXmlValidator

from reportgen.cli import main
from reportgen.render import docx_parts as parts
from reportgen.render.docx_styles import BASE_DOCX
from reportgen.render.to_docx import render_docx
from tests import test_documents_other_district as other
from tests.conftest import SAMPLE
from tests.test_docx import PROPS, page


def _build(workspace: Path, out: Path, *args: str) -> list[Path]:
    result = CliRunner().invoke(main, ["build", "-w", str(workspace), "-o", str(out), "-f", "docx", *args])
    assert result.exit_code == 0, result.output
    return sorted(out.rglob("*.docx"))


@pytest.fixture(scope="module")
def every_docx(tmp_path_factory) -> list[Path]:
    """Every DOCX of the sample (all periods, all units) and of the second district, and base.docx."""
    root = tmp_path_factory.mktemp("conformance")
    second = root / "chau-thanh"
    (second / "figures").mkdir(parents=True)
    (second / "meetings").mkdir()
    (second / "reportgen.toml").write_text(other.CONFIG, encoding="utf-8")
    (second / "units.csv").write_text(other.UNITS, encoding="utf-8")
    (second / "figures" / "xuat-mot-cua.csv").write_text(other.FIGURES, encoding="utf-8")
    (second / "meetings" / "q3.yaml").write_text(other.MEETING, encoding="utf-8")
    sample = _build(SAMPLE, root / "sample")
    district = _build(second, root / "second")
    assert len(sample) == 44 and len(district) == 10
    return [BASE_DOCX, *sample, *district]


def test_openxml_audit_finds_nothing_in_any_docx(every_docx):
    validator = OpenXmlValidator(file_format=FileFormat.MICROSOFT_365, max_errors=0)
    findings = {}
    for path in every_docx:
        result = validator.validate(path)
        if result.errors:
            findings[path.name] = [f"{e.severity.value}: {e.description} at {e.path}" for e in result.errors[:5]]
    assert findings == {}


def test_elements_go_to_their_schema_place():
    tbl_pr = OxmlElement("w:tblPr")
    for tag in ("w:tblLook", "w:tblW", "w:tblCellMar", "w:tblLayout", "w:tblBorders", "w:tblStyle"):
        parts.child(tbl_pr, tag)
    assert [c.tag for c in tbl_pr] == [qn(t) for t in ("w:tblStyle", "w:tblW", "w:tblBorders", "w:tblLayout",
                                                       "w:tblCellMar", "w:tblLook")]
    assert parts.child(tbl_pr, "w:tblW") is tbl_pr[1]  # found, not added twice
    tr_pr = OxmlElement("w:trPr")
    parts.switch_on(tr_pr, "w:tblHeader")
    parts.switch_on(tr_pr, "w:cantSplit")
    assert [(c.tag, dict(c.attrib)) for c in tr_pr] == [(qn("w:cantSplit"), {}), (qn("w:tblHeader"), {})]
    with pytest.raises(KeyError):  # a pair no schema sequence lists is a programming error, not a guess
        parts.child(tr_pr, "w:tblLook")


def test_a_3000_row_table_keeps_its_header_and_whole_rows(tmp_path):
    """Filled row by row (no quadratic ``Table.cell``); speed is measured by scripts/bench.py."""
    rows = "".join(f'<tr><td class="text">Xã {i}</td><td class="num">{i}</td><td class="num">{3 * i}</td></tr>'
                   for i in range(3000))
    body = ('<table class="data"><thead><tr><th rowspan="2">Đơn vị</th><th colspan="2">Hồ sơ</th></tr>'
            f'<tr><th>Trực tuyến</th><th>Tổng</th></tr></thead><tbody>{rows}</tbody></table>')
    data = render_docx(page(body), template_name="thu.html.j2", base_dir=tmp_path, properties=PROPS)
    table = Document(io.BytesIO(data)).tables[0]
    trs = table._tbl.tr_lst
    assert len(trs) == 3002
    assert [tr.xpath("count(./w:trPr/w:tblHeader)") for tr in trs[:3]] == [1, 1, 0]
    assert all(tr.xpath("count(./w:trPr/w:cantSplit[not(@w:val)])") == 1 for tr in trs)
    assert table.cell(3001, 0).text == "Xã 2999" and table.cell(3001, 2).text == "8997"
    assert table.cell(0, 0).text == table.cell(1, 0).text == "Đơn vị"  # the row span, merged
    assert table.cell(0, 1).text == table.cell(0, 2).text == "Hồ sơ"   # the column span, merged
