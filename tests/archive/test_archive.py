"""The archive: PDF/A-3b records with their sources inside, written once, a manifest, a verifier.

Records of the sample workspace (2022-Q1, Huyện Tháp Mười) are made once per module and
copied for the tests that change or tamper with them; every record is read back with pypdf
and its XMP parsed here with ElementTree, independently of the library's reader.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from reportgen import __version__, batch
from reportgen.archive import ManifestError, archive, manifest, verify
from reportgen.job import Job
from reportgen.periods import Period
from reportgen.plan import plan
from reportgen.workspace import load_workspace
from tests.conftest import SAMPLE, replace_in

REPORT = "2022/2022-Q1/TM/BC-UBND_bao-cao.pdf"
NOTICE = "2022/2022-Q1/TM/TB-VP_thong-bao.pdf"
BULLETIN = "2022/2022-Q1/TM/tin-tuc.pdf"
REPORT_TITLE = "Kết quả tiếp nhận, giải quyết thủ tục hành chính quý I năm 2022"
DISTRICT_ROW = "2022-Q1,TM,336,1850,264,120,1716,724,12,115,3"
FIGURES_HEADER = ("ky,ma_don_vi,truc_tuyen,truc_tiep,buu_chinh,ky_truoc,truoc_han,dung_han,qua_han,"
                  "dang_trong_han,dang_qua_han")
NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/", "xmpTPg": "http://ns.adobe.com/xap/1.0/t/pg/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/", "vb": "https://reportgen.invalid/ns/van-ban/1.0/",
}


def sample_jobs(ws, kinds=("bao-cao", "thong-bao", "tin-tuc")) -> list[Job]:
    return plan(ws, [Period.parse("2022-Q1")], ["TM"], list(kinds))


@pytest.fixture(scope="module")
def sample_ws():
    return load_workspace(SAMPLE)


@pytest.fixture(scope="module")
def archived(tmp_path_factory, sample_ws):
    """The sample's three 2022-Q1 documents of Huyện Tháp Mười, archived once (read-only use)."""
    root = tmp_path_factory.mktemp("archive")
    results = archive(sample_ws, sample_jobs(sample_ws), root)
    return root, results


@pytest.fixture
def copy_of(archived, tmp_path):
    """A private copy of the module's archive, for tests that change it."""
    target = tmp_path / "archive"
    shutil.copytree(archived[0], target)
    return target


def writable(path: Path) -> Path:
    path.chmod(0o644)
    return path


def xmp_tree(pdf: Path) -> ET.Element:
    reader = PdfReader(pdf)
    return ET.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())


def xmp_value(tree: ET.Element, prop: str) -> str | None:
    """A simple property (attribute or element) or the items of an Alt/Seq/Bag, joined with '; '."""
    prefix, name = prop.split(":")
    key = f"{{{NS[prefix]}}}{name}"
    for description in tree.iter(f"{{{NS['rdf']}}}Description"):
        if key in description.attrib:
            return description.attrib[key]
        element = description.find(key)
        if element is not None:
            items = [li.text or "" for li in element.iter(f"{{{NS['rdf']}}}li")]
            return "; ".join(items) if items else (element.text or "")
    return None


def fonts_without_program(reader: PdfReader) -> list[str]:
    found = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            leaves = [d.get_object() for d in font["/DescendantFonts"]] if font["/Subtype"] == "/Type0" else [font]
            for leaf in leaves:
                descriptor = leaf["/FontDescriptor"].get_object()
                if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    found.append(leaf["/BaseFont"])
    return found


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def messages(root: Path) -> list[str]:
    return [str(m) for m in verify(root)]


# ---- what a record is --------------------------------------------------------------------------

def test_results_and_layout(archived):
    root, results = archived
    assert [(r.kind, r.status, r.path, r.version) for r in results] == [
        ("bao-cao", "archived", REPORT, 1), ("thong-bao", "archived", NOTICE, 1), ("tin-tuc", "archived", BULLETIN, 1)]
    on_disk = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert on_disk == sorted([REPORT, NOTICE, BULLETIN, ".archive.lock", "manifest.csv", "manifest.jsonl"])
    assert all(r.sha256 == sha256((root / r.path).read_bytes()) for r in results)
    assert (root / REPORT).stat().st_mode & 0o777 == 0o444  # records are read-only


def test_record_is_pdfa3b_with_document_metadata(archived):
    root, _ = archived
    pages = len(PdfReader(root / REPORT).pages)
    tree = xmp_tree(root / REPORT)
    assert xmp_value(tree, "pdfaid:part") == "3"
    assert xmp_value(tree, "pdfaid:conformance") == "B"
    expected = {
        "dc:title": REPORT_TITLE, "dc:language": "vi", "xmpTPg:NPages": str(pages),
        "vb:signer": "Trần Thị Quý", "vb:signerTitle": "CHỦ TỊCH", "vb:documentType": "BÁO CÁO",
        "vb:number": "", "vb:symbol": "BC-UBND", "vb:issueDate": "2022-03-09",
        "vb:issuer": "Ủy ban nhân dân huyện Tháp Mười", "vb:kind": "bao-cao", "vb:unit": "TM",
        "vb:period": "2022-Q1", "vb:periodName": "quý I năm 2022", "vb:generator": "reportgen", "vb:generatorVersion": __version__,
        "xmp:CreatorTool": f"reportgen {__version__}", "xmp:CreateDate": "2022-03-09",
    }
    assert {prop: xmp_value(tree, prop) for prop in expected} == expected
    assert pages >= 2
    # the vb: properties are declared in a PDF/A extension schema
    assert b"<pdfaSchema:namespaceURI>https://reportgen.invalid/ns/van-ban/1.0/</pdfaSchema:namespaceURI>" in \
        ET.tostring(tree)


def test_notice_and_bulletin_metadata(archived):
    root, _ = archived
    notice, bulletin = xmp_tree(root / NOTICE), xmp_tree(root / BULLETIN)
    assert xmp_value(notice, "vb:signer") == "Nguyễn Văn Thành"
    assert xmp_value(notice, "vb:symbol") == "TB-VP"
    assert xmp_value(notice, "vb:documentType") == "THÔNG BÁO"
    assert xmp_value(bulletin, "vb:signer") == "Hoàng Kha"          # the bulletin's author
    assert xmp_value(bulletin, "vb:symbol") == ""
    assert xmp_value(bulletin, "pdfaid:part") == "3"


def test_record_embeds_figure_rows_meeting_file_and_docx(archived, sample_ws, tmp_path):
    root, _ = archived
    reader = PdfReader(root / REPORT)
    files = {name: data[0] for name, data in reader.attachments.items()}
    assert sorted(files) == ["bao-cao_2022-Q1_TM.docx", "cuoc-hop_2022-Q1_TM.yaml", "so-lieu_2022-Q1_TM.csv"]
    rows = files["so-lieu_2022-Q1_TM.csv"].decode("utf-8").splitlines()
    assert rows[0] == FIGURES_HEADER                      # no _file/_row columns
    assert DISTRICT_ROW in rows
    current = [r for r in rows if r.startswith("2022-Q1,")]
    assert len(current) == 14 and current[1] == "2022-Q1,TM-TT,14,690,3,3,447,253,0,10,0"
    # the periods the report compares with come along: previous quarter and a year before
    assert {r.split(",")[0] for r in rows[1:]} == {"2021-Q1", "2021-Q4", "2022-Q1"}
    assert files["cuoc-hop_2022-Q1_TM.yaml"] == (SAMPLE / "meetings" / "2022-q1-thap-muoi.yaml").read_bytes()
    built = batch.build(sample_ws, sample_jobs(sample_ws, ["bao-cao"]), tmp_path / "out", ("docx",))
    assert files["bao-cao_2022-Q1_TM.docx"] == Path(built[0].path).read_bytes()
    relationships = sorted(str(f.get_object()["/AFRelationship"]) for f in reader.trailer["/Root"]["/AF"])
    assert relationships == ["/Alternative", "/Source", "/Source"]


def test_every_font_is_embedded(archived):
    root, _ = archived
    for name in (REPORT, NOTICE, BULLETIN):
        assert fonts_without_program(PdfReader(root / name)) == [], name


# ---- the manifest --------------------------------------------------------------------------------

def test_manifest_rows_match_files(archived):
    root, _ = archived
    rows = [json.loads(line) for line in (root / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["path"] for r in rows] == [REPORT, NOTICE, BULLETIN]
    for row in rows:
        data = (root / row["path"]).read_bytes()
        assert (row["sha256"], row["size"]) == (sha256(data), len(data))
        embedded = {n: d[0] for n, d in PdfReader(io.BytesIO(data)).attachments.items()}
        assert row["attachments"] == [{"name": n, "sha256": sha256(d)} for n, d in embedded.items()]
    report = rows[0]
    assert {k: report[k] for k in ("kind", "unit", "period", "version", "title", "document_type", "number",
                                   "symbol", "date", "issuer", "signer", "language", "generator")} == {
        "kind": "bao-cao", "unit": "TM", "period": "2022-Q1", "version": 1, "title": REPORT_TITLE,
        "document_type": "BÁO CÁO", "number": "", "symbol": "BC-UBND", "date": "2022-03-09",
        "issuer": "Ủy ban nhân dân huyện Tháp Mười", "signer": "Trần Thị Quý", "language": "vi",
        "generator": f"reportgen {__version__}"}
    assert report["pages"] == len(PdfReader(root / REPORT).pages)
    with open(root / "manifest.csv", encoding="utf-8-sig", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert list(table[0]) == list(manifest.COLUMNS)
    assert [(t["path"], t["sha256"], t["size"], t["signer"]) for t in table] == \
        [(r["path"], r["sha256"], str(r["size"]), r["signer"]) for r in rows]
    assert table[0]["attachments"] == ";".join(f"{a['name']}:{a['sha256']}" for a in report["attachments"])
    assert verify(root) == []


def test_archiving_again_is_a_no_op(copy_of, sample_ws):
    before = {p: p.read_bytes() for p in copy_of.rglob("*") if p.is_file()}
    results = archive(sample_ws, sample_jobs(sample_ws), copy_of)
    assert [(r.status, r.path) for r in results] == [("unchanged", REPORT), ("unchanged", NOTICE),
                                                      ("unchanged", BULLETIN)]
    assert {p: p.read_bytes() for p in copy_of.rglob("*") if p.is_file()} == before


def test_changed_figures_make_a_second_version(copy_of, workspace):
    replace_in(workspace / "figures" / "mot-cua-2022-q1.csv", DISTRICT_ROW, DISTRICT_ROW.replace(",336,", ",337,"))
    ws = load_workspace(workspace)
    first = (copy_of / REPORT).read_bytes()
    [result] = archive(ws, sample_jobs(ws, ["bao-cao"]), copy_of)
    assert (result.status, result.path, result.version) == ("new-version", REPORT.replace(".pdf", "_v2.pdf"), 2)
    assert (copy_of / REPORT).read_bytes() == first
    rows, _ = manifest.read_jsonl(copy_of)
    assert [(r["path"], r["version"]) for r in rows if r["kind"] == "bao-cao"] == [(REPORT, 1), (result.path, 2)]
    csv_text = (copy_of / "manifest.csv").read_text(encoding="utf-8-sig")
    assert REPORT in csv_text and result.path in csv_text
    embedded = PdfReader(copy_of / result.path).attachments["so-lieu_2022-Q1_TM.csv"][0].decode()
    assert "2022-Q1,TM,337,1850,264,120,1716,724,12,115,3" in embedded.splitlines()
    assert verify(copy_of) == []


# ---- verification: tampering -------------------------------------------------------------------

def test_one_changed_byte_is_caught(copy_of):
    path = writable(copy_of / REPORT)
    original = sha256(path.read_bytes())
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    found = verify(copy_of)
    assert f"{REPORT}: SHA-256 {sha256(bytes(data))} khác manifest ({original})" in [str(m) for m in found]
    assert {m.path for m in found} == {REPORT}
    assert not any(m.check == "size" for m in found)


def test_truncated_file_is_caught(copy_of):
    path = writable(copy_of / REPORT)
    size = path.stat().st_size
    path.write_bytes(path.read_bytes()[: size // 2])
    found = messages(copy_of)
    assert f"{REPORT}: kích thước {size // 2} byte, manifest ghi {size} byte" in found
    assert any(m.startswith(f"{REPORT}: SHA-256 ") for m in found)
    assert any(m.startswith(f"{REPORT}: không đọc được như PDF (") for m in found)


def test_deleted_file_is_caught(copy_of):
    (copy_of / NOTICE).unlink()
    assert messages(copy_of) == [f"{NOTICE}: có trong manifest nhưng không có tệp"]


def test_added_file_is_caught(copy_of):
    (copy_of / "2022" / "2022-Q1" / "TM" / "ghi-chu.pdf").write_bytes(b"%PDF-1.7\n")
    assert messages(copy_of) == ["2022/2022-Q1/TM/ghi-chu.pdf: tệp không có trong manifest"]


def test_edited_csv_row_is_caught(copy_of):
    replace_in(writable(copy_of / "manifest.csv"), "Trần Thị Quý", "Trần Văn Quý")
    assert messages(copy_of) == [
        "manifest.csv: dòng 2: cột signer khác manifest.jsonl ('Trần Văn Quý' ≠ 'Trần Thị Quý')"]


def test_row_edited_in_both_manifests_is_caught_by_the_record(copy_of):
    rows, _ = manifest.read_jsonl(copy_of)
    rows[0]["signer"] = "Trần Văn Quý"
    manifest.save(copy_of, rows)
    assert messages(copy_of) == [
        f"{REPORT}: signer trong manifest ('Trần Văn Quý') khác tệp ('Trần Thị Quý')"]


def test_malformed_jsonl_line_is_caught(copy_of):
    path = writable(copy_of / "manifest.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0] + lines[1][:40] + "\n" + lines[2], encoding="utf-8")
    found = messages(copy_of)
    assert found[0].startswith("manifest.jsonl: dòng 2: không đọc được JSON (")
    assert found[1:] == [f"{NOTICE}: tệp không có trong manifest"]


def test_rewritten_pdf_without_fonts_attachment_and_pdfa_id_is_caught(copy_of):
    """A PDF rewritten with matching checksums in the manifest: the content checks still catch it."""
    path = writable(copy_of / REPORT)
    writer = PdfWriter(clone_from=PdfReader(path))
    font = next(iter(writer.pages[0]["/Resources"]["/Font"].values())).get_object()
    descendant = font["/DescendantFonts"][0].get_object()
    del descendant["/FontDescriptor"].get_object()[NameObject("/FontFile2")]
    del writer._root_object[NameObject("/Metadata")]
    names = writer._root_object["/Names"]["/EmbeddedFiles"].get_object()["/Names"]
    del names[2:4]  # the meeting file
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    path.write_bytes(data)
    rows, _ = manifest.read_jsonl(copy_of)
    rows[0].update(sha256=sha256(data), size=len(data))
    manifest.save(copy_of, rows)
    found = [m for m in verify(copy_of) if m.check != "metadata"]
    assert [str(m) for m in found] == [
        f"{REPORT}: không có nhận dạng PDF/A-3b trong XMP (pdfaid:part=3, conformance=B)",
        f"{REPORT}: phông chữ {str(descendant['/BaseFont']).lstrip('/')} không được nhúng",
        f"{REPORT}: thiếu tệp đính kèm cuoc-hop_2022-Q1_TM.yaml",
    ]


def test_verify_cli_lists_mismatches_and_exits_1(copy_of, cli):
    (copy_of / NOTICE).unlink()
    result = cli("verify", copy_of)
    assert result.exit_code == 1
    assert result.stdout == f"KHÔNG KHỚP: {NOTICE}: có trong manifest nhưng không có tệp\n"
    assert result.stderr == f"Kho lưu trữ {copy_of}: 1 điểm không khớp.\n"


def test_verify_cli_ok_summary(archived, cli):
    result = cli("verify", archived[0])
    assert result.exit_code == 0
    assert result.stdout == f"Kho lưu trữ {archived[0]}: 3 hồ sơ, tất cả khớp manifest.\n"


def test_archive_refuses_a_tampered_manifest(copy_of, sample_ws, cli):
    replace_in(writable(copy_of / "manifest.csv"), "Trần Thị Quý", "Trần Văn Quý")
    with pytest.raises(ManifestError, match="manifest.csv dòng 2: cột signer"):
        archive(sample_ws, sample_jobs(sample_ws), copy_of)
    result = cli("archive", "--workspace", SAMPLE, "--archive", copy_of, "--period", "2022-Q1", "--unit", "TM")
    assert result.exit_code == 1
    assert result.stderr.startswith("Lỗi: Manifest hỏng, hãy kiểm tra bằng reportgen verify: manifest.csv dòng 2")


# ---- the command ---------------------------------------------------------------------------------

def test_archive_cli_prints_each_record_and_a_summary(cli, tmp_path):
    root, built = tmp_path / "luu-tru", tmp_path / "outputs"
    selection = ("--workspace", SAMPLE, "--period", "2022-Q1", "--unit", "TM", "--kind", "thong-bao")
    assert cli("build", *selection, "--out", built, "--format", "docx").exit_code == 0
    args = ("archive", *selection, "--archive", root, "--built", built)
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"đã lưu trữ: {root / NOTICE}\n"
                             "Tổng kết: 1 hồ sơ đã lưu trữ, 0 phiên bản mới, 0 không đổi, 0 không lập được, 0 lỗi.\n")
    again = cli(*args)
    assert again.stdout == (f"không đổi: {root / NOTICE}\n"
                            "Tổng kết: 0 hồ sơ đã lưu trữ, 0 phiên bản mới, 1 không đổi, 0 không lập được, 0 lỗi.\n")


def test_archive_refuses_what_was_not_built(cli, tmp_path):
    root, built = tmp_path / "luu-tru", tmp_path / "outputs"
    result = cli("archive", "--workspace", SAMPLE, "--archive", root, "--built", built, "--period", "2022-Q1",
                 "--unit", "TM", "--kind", "bao-cao")
    assert result.exit_code == 1
    assert (f"LỖI: 2022-Q1 TM bao-cao: chưa lập văn bản: không có {built / '2022-Q1/TM/bao-cao.docx'}; "
            "chạy reportgen build trước khi lưu trữ") in result.stderr
    assert not list(root.rglob("*.pdf"))


def test_archive_refuses_a_document_built_from_other_data(cli, workspace, tmp_path):
    root, built = tmp_path / "luu-tru", tmp_path / "outputs"
    selection = ("--workspace", workspace, "--period", "2022-Q1", "--unit", "TM-MH", "--kind", "bao-cao")
    assert cli("build", *selection, "--out", built, "--format", "docx").exit_code == 0
    figures = workspace / "figures" / "mot-cua-2022-q1.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace("2022-Q1,TM-MH,7,", "2022-Q1,TM-MH,8,"),
                       encoding="utf-8")
    result = cli("archive", *selection, "--archive", root, "--built", built)
    assert result.exit_code == 1
    assert ("không phải văn bản đã lập: figures/mot-cua-2022-q1.csv: dữ liệu của văn bản này đã đổi sau lần lập"
            in result.stderr)
    assert not list(root.rglob("*.pdf"))


def test_archive_cli_invalid_input_exits_2(cli, tmp_path):
    result = cli("archive", "--workspace", SAMPLE, "--archive", tmp_path / "a", "--unit", "XX")
    assert result.exit_code == 2
    assert not (tmp_path / "a").exists()


# An interrupted run (killed at each step, then repaired): tests/behaviour/test_archive_integrity.py
