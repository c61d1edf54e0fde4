"""Reading built files back as text, shared by the tests: PDF (pdfplumber), DOCX (python-docx),
XLSX (openpyxl), every output of a build at once, a DOCX laid out by LibreOffice; and what no
output may contain (``LEFTOVERS``)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from docx import Document

LEFTOVERS = re.compile(r"\{\{|\}\}|\{%|%\}|\bNone\b|\bnan\b|\bNaN\b|\(\s*\)|\[\s*\]|undefined")


def pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def xlsx_text(path: Path) -> str:
    """Every cell of the written workbook, as text."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    return " ".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                    for v in row if v is not None)


def docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts += [p.text for p in cell.paragraphs]
    return "\n".join(parts)


def flat(text: str) -> str:
    """Text with line breaks and runs of spaces collapsed (PDF lines wrap anywhere)."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))



def texts(out: Path) -> dict[str, str]:
    """The flattened text of every built file (PDF, DOCX, HTML), by path under out."""
    result = {}
    for path in sorted(out.rglob("*")):
        if path.suffix == ".pdf":
            result[str(path.relative_to(out))] = flat(pdf_text(path))
        elif path.suffix == ".docx":
            result[str(path.relative_to(out))] = flat(docx_text(path))
        elif path.suffix == ".html":
            result[str(path.relative_to(out))] = flat(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))
    return result



def soffice_pdf(docx: Path, out: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) not installed: the DOCX cannot be laid out here "
                    "(apt-get install libreoffice-writer-nogui)")
    done = subprocess.run([soffice, f"-env:UserInstallation=file://{out}/lo-profile", "--headless",
                           "--convert-to", "pdf", "--outdir", str(out), str(docx)],
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    return out / (docx.stem + ".pdf")
