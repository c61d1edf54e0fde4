"""Third-party conformance checks of the files reportgen writes.

DOCX: ``openxml-audit`` (a Python port of Microsoft's Open XML SDK validator, format
``microsoft365``: the schema Word itself holds) over every DOCX that the sample workspaces
and a second district produce, and over ``templates/base.docx``: no finding at all. The same
files' XML parts against the ECMA-376 transitional XSDs (tests/ooxml_xsd.py): no message.

PDF/A records: qpdf (pikepdf's ``check_pdf_syntax``) reports nothing, and Apache PDFBox
Preflight (a PDF/A-1b validator, installed by ``make test``) reports nothing but the codes
where PDF/A-1b is stricter than PDF/A-3b, listed with their reasons in docs/archive.md.
"""

from __future__ import annotations

import io
import os
import subprocess
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from xml.etree import ElementTree as ET

import pikepdf
import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree
from openxml_audit import FileFormat, OpenXmlValidator

from reportgen.cli import main
from reportgen.render import docx_parts as parts
from reportgen.render.docx_styles import BASE_DOCX
from reportgen.render.to_docx import render_docx
from tests import chau_thanh
from tests import ooxml_xsd as xsd
from tests.conftest import SAMPLE
from tests.pages import PROPS, page
from tests.preflight import A1B_ONLY, PREFLIGHT_CLASSPATH, needs_preflight


@pytest.fixture(scope="module")
def second(tmp_path_factory) -> Path:
    """The second district's workspace (tests/chau_thanh.py)."""
    root = tmp_path_factory.mktemp("chau-thanh")
    (root / "figures").mkdir()
    (root / "meetings").mkdir()
    (root / "reportgen.toml").write_text(chau_thanh.CONFIG, encoding="utf-8")
    (root / "units.csv").write_text(chau_thanh.UNITS, encoding="utf-8")
    (root / "figures" / "xuat-mot-cua.csv").write_text(chau_thanh.FIGURES, encoding="utf-8")
    (root / "meetings" / "q3.yaml").write_text(chau_thanh.MEETING, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def every_docx(sample_builds) -> list[Path]:
    """Every DOCX of the samples (inputs/ and the 2025 province of inputs/mau-2025, all periods and
    units) and of the second district, and base.docx: the golden test's builds, shared."""
    root = sample_builds[0]
    sample, province, district = (sorted((root / name).rglob("*.docx"))
                                  for name in ("sample-out", "mau-2025-out", "chau-thanh-out"))
    assert (len(sample), len(province), len(district)) == (44, 32, 10)  # mau-2025: 2026-Q1 and 2026-6T too
    return [BASE_DOCX, *sample, *province, *district]


def _audit(path: Path) -> tuple[str, list[str]]:
    """One DOCX through openxml-audit (a worker process's own validator)."""
    result = OpenXmlValidator(file_format=FileFormat.MICROSOFT_365, max_errors=0).validate(path)
    return path.name, [f"{e.severity.value}: {e.description} at {e.path}" for e in result.errors[:5]]


def test_openxml_audit_finds_nothing_in_any_docx(every_docx):
    # 87 files at ~0.6 s each: audited on every core (the suite's slowest test otherwise)
    with ProcessPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        audited = list(pool.map(_audit, every_docx))
    assert len(audited) == len(every_docx) == 87
    assert {name: errors for name, errors in audited if errors} == {}


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


# ---- the ECMA-376 transitional XSDs (ISO/IEC 29500-4:2016) -------------------------------
W_NS = f'xmlns:w="{xsd.W}" xmlns:mc="{xsd.MC}" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"'


def test_every_part_of_every_docx_is_valid_against_the_transitional_xsds(every_docx):
    findings, validated = {}, set()
    for path in every_docx:
        validated |= set(xsd.xml_parts(path)) - xsd.NOT_VALIDATED
        for name, messages in xsd.validate_docx(path).items():
            findings["/".join(path.parts[-3:]) + ":" + name] = messages[:5]
    assert findings == {}
    assert validated == {"[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "word/_rels/document.xml.rels",
                         "word/document.xml", "word/styles.xml", "word/settings.xml", "word/webSettings.xml",
                         "word/fontTable.xml", "word/numbering.xml", "word/theme/theme1.xml",
                         "word/header1.xml", "word/header2.xml"}


def test_the_xsd_check_reports_table_properties_out_of_order(every_docx):
    """The order issue 11 found (tblLook appended after python-docx's) is a schema error here too."""
    tree = etree.fromstring(xsd.xml_parts(every_docx[1])["word/document.xml"])
    assert xsd.validate_part(etree.tostring(tree)) == ()
    tbl_pr = tree.xpath("//w:tblPr[w:tblBorders and w:tblLook]", namespaces={"w": xsd.W})[0]
    tbl_pr.append(tbl_pr.find(qn("w:tblBorders")))  # tblW, tblLayout, tblCellMar, tblLook, tblBorders
    messages = xsd.validate_part(etree.tostring(tree))
    assert len(messages) == 1
    assert f"Element '{qn('w:tblBorders')}': This element is not expected." in messages[0]


def test_markup_compatibility_drops_only_what_is_declared_ignorable():
    body = ('<w:body><w:p w14:paraId="1A2B3C4D"><mc:AlternateContent>'
            '<mc:Choice Requires="w14"><w14:checkbox/></mc:Choice>'
            '<mc:Fallback><w:r><w:t>x</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p></w:body>')
    ignorable = f'<w:document {W_NS} mc:Ignorable="w14">{body}</w:document>'.encode()
    assert xsd.validate_part(ignorable) == ()  # w14 dropped, the Fallback's run kept
    tree = etree.fromstring(ignorable)
    xsd.mce_process(tree)
    assert etree.tostring(tree[0][0]) == f'<w:p {W_NS}><w:r><w:t>x</w:t></w:r></w:p>'.encode()
    strict = f'<w:document {W_NS}>{body}</w:document>'.encode()  # w14 not declared ignorable
    assert xsd.validate_part(strict) == (
        f"line 1: Element '{qn('w:p')}', attribute '{{http://schemas.microsoft.com/office/word/2010/wordml}}paraId': "
        "The attribute '{http://schemas.microsoft.com/office/word/2010/wordml}paraId' is not allowed.",)


def test_a_changed_schema_package_is_reported_not_trusted(tmp_path, monkeypatch):
    copy = tmp_path / "schemas"
    for name in xsd.PINNED:
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        (copy / name).write_bytes((xsd.schema_root() / name).read_bytes())
    wml = copy / xsd.ISO / "wml.xsd"
    wml.write_bytes(wml.read_bytes().replace(b'minOccurs="0"', b'minOccurs="1"', 1))
    monkeypatch.setattr(xsd, "schema_root", lambda: copy)
    with pytest.raises(xsd.SchemaPackageChanged, match=r"(?s)not the reviewed ones.*\nISO-IEC29500-4_2016/wml\.xsd: "
                       r"sha256 [0-9a-f]{64}, pinned c2dd9f61f892deae6acd8d20771ea79b12018af25f3bf8d06639c8542d218cfd$"):
        xsd.checked_schema_root.__wrapped__()


# ---- PDF/A-3b records -------------------------------------------------------------------
# where PDF/A-1b (what Preflight checks) is stricter than PDF/A-3b: docs/archive.md gives each reason


@pytest.fixture(scope="module")
def records(tmp_path_factory, second) -> list[Path]:
    """The archive records of the sample's 2022-Q1 and of the second district's 2023-Q3."""
    root = tmp_path_factory.mktemp("records")
    found = []
    for workspace, period in ((SAMPLE, "2022-Q1"), (second, "2023-Q3")):
        archive = root / period
        result = CliRunner().invoke(main, ["archive", "-w", str(workspace), "-a", str(archive), "-p", period,
                                           "--without-build"])
        assert result.exit_code == 0, result.output
        found += sorted(archive.rglob("*.pdf"))
    assert len(found) == 16 + 6
    return found


def test_qpdf_finds_nothing_in_any_record(records):
    problems = {}
    for path in records:
        with pikepdf.open(path) as pdf:
            if pdf.check_pdf_syntax():
                problems[path.name] = pdf.check_pdf_syntax()
    assert problems == {}


def test_preflight_reports_only_where_pdfa_1b_is_stricter_than_3b(records, tmp_path):
    needs_preflight()
    listing = tmp_path / "records.txt"
    listing.write_text("".join(f"{p}\n" for p in records), encoding="utf-8")
    run = subprocess.run(["java", "-cp", PREFLIGHT_CLASSPATH, "org.apache.pdfbox.preflight.Validator_A1b",
                          "xml", "group", str(listing)], capture_output=True, text=True, timeout=600)
    report = Path(f"{listing}.preflight.xml")  # "group" mode writes one report beside the list
    assert run.returncode == 0 and report.exists(), run.stdout + run.stderr
    results = ET.parse(report).getroot().findall("preflight")
    assert [r.get("name") for r in results] == [p.name for p in records]
    codes = {path.parent.name + "/" + path.name: {c.text for c in result.iter("code")}
             for path, result in zip(records, results)}
    assert {name: found - A1B_ONLY for name, found in codes.items() if found - A1B_ONLY} == {}
    # it really looked: every record has attachments, which PDF/A-1b forbids and PDF/A-3b allows
    assert all("1.4.7" in found for found in codes.values())
