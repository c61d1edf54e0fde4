"""The report's table written as a workbook (issue 10, part 2): its layout read back with
openpyxl, its figures as LibreOffice lays it out against the PDF's, and the round trip of
the communes' workbooks into a province's figures."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from openpyxl import load_workbook

from reportgen.job import Job
from reportgen.kinds import build_context
from reportgen.periods import Period
from reportgen.render import documents
from reportgen.render.to_xlsx import render_xlsx
from reportgen.templating import render_html
from reportgen.validate import COUNTS
from reportgen.workspace import load_workspace

SAMPLE = Path(__file__).resolve().parents[2] / "inputs"


@pytest.fixture(scope="module")
def sample():
    return load_workspace(SAMPLE)


def xlsx_of(ws, unit: str, period: Period = Period(2022, 1)) -> bytes:
    return render_xlsx(build_context(ws, Job("bao-cao", unit, period))[1])


def test_layout_of_the_district_table(sample, tmp_path: Path):
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(xlsx_of(sample, "TM"))
    sheet = load_workbook(path).active
    assert sheet.title == "Biểu tổng hợp"
    assert [sheet.cell(r, 1).value for r in (1, 2)] == ["ỦY BAN NHÂN DÂN", "HUYỆN THÁP MƯỜI"]
    assert [sheet.cell(r, 6).value for r in (1, 2)] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                                        "Độc lập - Tự do - Hạnh phúc"]
    assert sheet["A4"].value == "BIỂU TỔNG HỢP TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH QUÝ I NĂM 2022"
    # the report's own note (macro appendix_note): the blank number is its six no-break spaces
    assert sheet["A5"].value == ("(Kèm theo Báo cáo số \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-UBND ngày 09/3/2022 "
                                 "của Ủy ban nhân dân huyện Tháp Mười)")
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A7:A8", "B7:B8", "C7:G7", "H7:K7", "L7:N7", "O7:O8", "A4:O4"} <= merged
    assert [c.value for c in sheet[8]][2:14] == ["Tổng số", "Trực tuyến", "Trực tiếp", "Bưu chính", "Kỳ trước",
                                                 "Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn",
                                                 "Tổng số", "Trong hạn", "Quá hạn"]
    assert [c.value for c in sheet[9]] == [f"({i})" for i in range(1, 16)]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=10)]
    assert rows[0][:2] == ["I", "Cấp huyện"] and rows[2][:2] == ["II", "Cấp xã"]
    assert rows[1] == [1, "Huyện Tháp Mười", 2570, 336, 1850, 264, 120, 2452, 1716, 724, 12, 118, 115, 3, 99.51]
    assert rows[-2] == [None, "Cộng cấp xã", 4909, 90, 4713, 40, 66, 4792, 3189, 1600, 3, 117, 116, 1, 99.94]
    assert rows[-1] == [None, "Tổng cộng", 7479, 426, 6563, 304, 186, 7244, 4905, 2324, 15, 235, 231, 4, 99.79]
    assert len(rows) == 3 + 13 + 2
    assert sheet["C11"].number_format == "[$-42A]#,##0"  # 1.850 whatever the viewer's locale
    assert sheet["B11"].font.name == sheet["C7"].font.name == "Times New Roman"
    assert sheet["C7"].font.b and sheet["A4"].font.sz == 14
    assert sheet["O27"].border.bottom.style == sheet["A7"].border.top.style == "thin"
    assert sheet.freeze_panes == "C10"
    assert sheet.print_title_rows == "$7:$9"
    assert (sheet.page_setup.orientation, sheet.page_setup.paperSize) == ("landscape", 9)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToHeight == 0
    assert sheet.column_dimensions["B"].width == 24


def test_a_commune_table_has_its_own_row_only(sample, tmp_path: Path):
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(xlsx_of(sample, "TM-MH"))
    sheet = load_workbook(path).active
    assert [sheet.cell(r, 1).value for r in (1, 2)] == ["ỦY BAN NHÂN DÂN", "XÃ MỸ HÒA"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=10)]
    assert rows == [[1, "Xã Mỹ Hòa", 211, 7, 198, 3, 3, 199, 145, 54, 0, 12, 12, 0, 100.0]]


def test_same_inputs_same_bytes_dated_by_the_document(sample):
    data = xlsx_of(sample, "TM")
    assert data == xlsx_of(sample, "TM")
    package = zipfile.ZipFile(io.BytesIO(data))
    assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = package.read("docProps/core.xml").decode()
    assert "2022-03-09T00:00:00Z</dcterms:created>" in core and "2022-03-09T00:00:00Z</dcterms:modified>" in core
    book = load_workbook(io.BytesIO(data))
    assert book.properties.modified == dt.datetime(2022, 3, 9)


def test_the_written_table_reads_back_as_input(sample, workspace: Path):
    """The district's own bao-cao.xlsx, put in place of its CSV, gives the same figures."""
    (workspace / "figures" / "mot-cua-2022-q1.csv").unlink()
    (workspace / "figures" / "bao-cao-2022-q1.xlsx").write_bytes(xlsx_of(sample, "TM"))
    ws = load_workspace(workspace)
    assert ws.warnings == []
    assert _figures(ws, "2022-Q1") == _figures(sample, "2022-Q1")


def _figures(ws, period: Period) -> dict:
    rows = ws.figures[ws.figures["ky"] == str(period)]
    return {r["ma_don_vi"]: tuple(int(r[c]) for c in COUNTS) for _, r in rows.iterrows()}


# --- the round trip into a province ----------------------------------------------------

def _province(root: Path, communes: list[tuple[str, str, str]]) -> Path:
    """A province (two-tier, 2025 on) with the sample's communes under it."""
    (root / "figures").mkdir(parents=True)
    shutil.copy(SAMPLE / "reportgen.toml", root / "reportgen.toml")
    with open(root / "units.csv", "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["ma_don_vi", "ten_don_vi", "cap", "ma_cap_tren", "dia_danh", "nguoi_ky"])
        out.writerow(["DT", "Tỉnh Đồng Tháp", "tinh", "", "Đồng Tháp", "Phạm Thiện Nghĩa"])
        for code, name, signer in communes:
            out.writerow([code, name, "xa", "DT", "", signer])
    return root


def test_communes_workbooks_build_the_province_report(sample, tmp_path: Path):
    communes = [(c, sample.units.at[c, "ten_don_vi"], sample.units.at[c, "nguoi_ky"])
                for c in sample.units.index if sample.units.at[c, "cap"] == "xa"]
    from_csv = _province(tmp_path / "csv", communes)
    from_xlsx = _province(tmp_path / "xlsx", communes)
    commune_codes = {c for c, _, _ in communes}
    for source in sorted((SAMPLE / "figures").glob("*.csv")):
        lines = source.read_text(encoding="utf-8").splitlines()
        keep = [lines[0]] + [line for line in lines[1:] if line.split(",")[1] in commune_codes]
        (from_csv / "figures" / source.name).write_text("\n".join(keep) + "\n", encoding="utf-8")
    for period in sample.periods:
        for code in sorted(commune_codes):  # each commune's report, as built, dropped into figures/
            (from_xlsx / "figures" / f"{period}-{code}-bao-cao.xlsx").write_bytes(xlsx_of(sample, code, period))
    ws_csv, ws_xlsx = load_workspace(from_csv), load_workspace(from_xlsx)
    assert ws_xlsx.warnings == []
    assert len(list((from_xlsx / "figures").iterdir())) == 39
    for period in sample.periods:
        assert _figures(ws_xlsx, period) == _figures(ws_csv, period)
        assert len(_figures(ws_xlsx, period)) == 13
    html = [render_html(*build_context(ws, Job("bao-cao", "DT", Period.parse("2022-Q1")))[:2], ws.templates_dir)
            for ws in (ws_csv, ws_xlsx)]
    assert html[0] == html[1]
    assert "Xã Mỹ Hòa" in html[0] and "4.909" in html[0]


# --- LibreOffice: the same figures as the PDF ------------------------------------------

def soffice_convert(source: Path, out: Path, target: str) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) not installed (apt-get install libreoffice-calc-nogui)")
    done = subprocess.run([soffice, f"-env:UserInstallation=file://{out}/lo-profile", "--headless",
                           "--convert-to", target, "--outdir", str(out), str(source)],
                          capture_output=True, text=True, timeout=240)
    if "source file could not be loaded" in done.stderr + done.stdout:
        pytest.skip("LibreOffice has no spreadsheet module (apt-get install libreoffice-calc-nogui)")
    assert done.returncode == 0, done.stderr
    return out / f"{source.stem}.{target}"


def _table_lines(text: str) -> list[str]:
    """The unit and total rows of a laid-out table: lines that end with the on-time share."""
    import re

    return [line for line in text.splitlines() if re.search(r"\d+,\d\d$", line.strip())]


def test_libreoffice_shows_the_figures_of_the_pdf(sample, tmp_path: Path):
    template, context, assets = build_context(sample, Job("bao-cao", "TM", Period.parse("2022-Q1")))
    assets_dir = tmp_path / "assets"
    assets_dir.mkdir()
    pdf = documents.render_all(template, context, assets, ["pdf"], sample.templates_dir, assets_dir)["pdf"][0]
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        report_rows = _table_lines(document.pages[-1].extract_text())
    xlsx = tmp_path / "bao-cao.xlsx"
    xlsx.write_bytes(render_xlsx(context))
    laid_out = soffice_convert(xlsx, tmp_path, "pdf")
    with pdfplumber.open(laid_out) as document:
        assert len(document.pages) == 1
        page = document.pages[0]
        assert page.width > page.height  # A4 landscape
        text = page.extract_text()
    assert "BIỂU TỔNG HỢP TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH QUÝ I NĂM 2022" in text
    sheet_rows = _table_lines(text)
    assert len(report_rows) == 16
    assert sheet_rows == report_rows
    assert "1 Huyện Tháp Mười 2.570 336 1.850 264 120 2.452 1.716 724 12 118 115 3 99,51" in sheet_rows


def test_2025_province_built_from_its_communes_workbooks(tmp_path: Path, cli):
    """Two tiers (2025 on): the wards', communes' and special zone's bao-cao.xlsx, as
    ``reportgen build --format xlsx`` writes them, dropped into the province's figures/ in
    place of their CSV rows, give the province the same report."""
    original = load_workspace(SAMPLE / "mau-2025")
    quarters = [p for p in original.periods if p.is_quarter]  # the six months are made from them
    built = tmp_path / "built"
    result = cli("build", "--workspace", SAMPLE / "mau-2025", "--out", built, "--kind", "bao-cao", "--format", "xlsx",
                 "--json", *[arg for p in quarters for arg in ("--period", str(p))])
    assert result.exit_code == 0, result.stderr
    outputs = [json.loads(line) for line in result.stdout.splitlines()]
    assert {o["format"] for o in outputs} == {"xlsx"} and len(outputs) == 3 * len(original.units)
    root = tmp_path / "an-giang"
    shutil.copytree(SAMPLE / "mau-2025", root)
    province = "AG"
    for source in sorted((root / "figures").glob("*.csv")):
        lines = source.read_text(encoding="utf-8").splitlines()
        source.write_text("\n".join([lines[0]] + [x for x in lines[1:] if x.split(",")[1] == province]) + "\n",
                          encoding="utf-8")
    communes = [c for c in original.units.index if c != province]
    for period in quarters:
        for code in communes:
            shutil.copy(built / str(period) / code / "bao-cao.xlsx", root / "figures" / f"{code}-{period}.xlsx")
    rebuilt = load_workspace(root)
    assert rebuilt.warnings == []
    for period in quarters:
        assert _figures(rebuilt, period) == _figures(original, period)
        files = set(rebuilt.figures.loc[rebuilt.figures["ky"] == str(period), "_file"])
        assert len(files) == len(communes) + 1
    html = [render_html(*build_context(ws, Job("bao-cao", province, Period.parse("2025-Q4")))[:2], ws.templates_dir)
            for ws in (original, rebuilt)]
    assert html[0] == html[1]


def test_the_workspace_own_column_labels_read_back(workspace: Path):
    """[labels.columns] changes the written headings; the same workspace reads them back."""
    with open(workspace / "reportgen.toml", "a", encoding="utf-8") as handle:
        handle.write('\n[labels.columns]\ntruc_tuyen = "Nộp trực tuyến toàn trình"\nqua_han = "Trễ hẹn"\n')
    ws = load_workspace(workspace)
    data = xlsx_of(ws, "TM")
    assert "Nộp trực tuyến toàn trình" in [c.value for c in load_workbook(io.BytesIO(data)).active[8]]
    # the labels left out keep their defaults, in the workbook as in the report's own table
    assert "<th>Trực tiếp</th>" in render_html(*build_context(ws, Job("bao-cao", "TM", Period.parse("2022-Q1")))[:2],
                                               ws.templates_dir)
    expected = _figures(ws, "2022-Q1")
    (workspace / "figures" / "mot-cua-2022-q1.csv").unlink()
    (workspace / "figures" / "bao-cao.xlsx").write_bytes(data)
    assert _figures(load_workspace(workspace), "2022-Q1") == expected


def test_build_format_xlsx_only_for_the_report(workspace: Path, tmp_path: Path, cli):
    out = tmp_path / "out"
    result = cli("build", "--workspace", workspace, "--out", out, "--unit", "TM-MH", "--period", "2022-Q1",
                 "--format", "xlsx")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.glob("2022-Q1/*/*")) == ["2022-Q1/TM-MH/bao-cao.xlsx"]
    assert (out / "2022-Q1" / "TM-MH" / "bao-cao.xlsx").read_bytes() == xlsx_of(load_workspace(workspace), "TM-MH")
    result = cli("build", "--workspace", workspace, "--out", out, "--kind", "thong-bao", "--unit", "TM",
                 "--format", "xlsx")
    assert result.exit_code == 2
    assert "--format: thong-bao không có định dạng xlsx; có: docx, pdf" in result.stderr


FORMULAS = ["=HYPERLINK(\"http://x.invalid\",\"bấm\")", "+84 912", "-5+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


def test_a_formula_in_every_text_column_stays_text(sample, tmp_path: Path):
    """OWASP's formula starts (= + - @ tab return) in every text the workbook shows: issuing
    body, title, note, column labels, level labels, unit names. Each is a text cell with exactly
    that text; the sheet holds no formula."""
    context = copy.deepcopy(build_context(sample, Job("bao-cao", "TM", Period(2022, 1)))[1])
    texts = iter(FORMULAS * 10)
    context["doc"]["issuer"]["lines"] = [next(texts) for _ in context["doc"]["issuer"]["lines"]]
    labels = context["labels"]["columns"]
    for key in ("truc_tuyen", "truc_tiep", "buu_chinh", "ky_truoc", "truoc_han", "dung_han", "qua_han",
                "dang_trong_han", "dang_qua_han"):
        labels[key] = next(texts)
    for level in context["fig"]["levels"]:
        level["label"] = next(texts)
        for unit in level["units"]:
            unit["row_name"] = unit["name"] = next(texts)
    data = render_xlsx(context)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        sheet = package.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet
    book = load_workbook(io.BytesIO(data))
    cells = [c for row in book.active.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    shown = {c.value for c in cells if isinstance(c.value, str)}
    injected = {*context["doc"]["issuer"]["lines"], *(labels[k] for k in ("truc_tuyen", "qua_han", "dang_qua_han")),
                *(u["name"] for level in context["fig"]["levels"] for u in level["units"])}
    assert len(injected) == 6 and injected <= shown  # every start, exactly as written
    names = [c.value for c in book.active["B"] if isinstance(c.value, str) and c.value[:1] in "=+-@\t\r"]
    assert len(names) == sum(len(level["units"]) for level in context["fig"]["levels"]) + len(context["fig"]["levels"])
