"""Make one record: a PDF/A-3b of a document, with its sources embedded and its metadata in XMP.

The record is the document's HTML laid out by WeasyPrint as PDF/A-3b, exactly as the
build lays out its PDF, with the figure rows (CSV), the meeting file (YAML, where one
was used) and the DOCX of the build (same bytes) embedded, and the fields of
:func:`record_fields` in its XMP packet. Everything comes from the data, nothing from
the clock, so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from reportgen import __version__
from reportgen.archive import attachments, xmp
from reportgen.archive.pdf_facts import INTERPOLATED, interpolated_images
from reportgen.errors import TemplateFailure
from reportgen.job import Job
from reportgen.kinds import KINDS, build_context
from reportgen.render import documents
from reportgen.render.to_pdf import render_pdf
from reportgen.vi import document_number
from reportgen.vi.period_words import period as period_words
from reportgen.workspace import Workspace

PDF_VARIANT = "pdf/a-3b"
GENERATOR = "reportgen"


@dataclass(frozen=True)
class Record:
    """A record in memory: its bytes, page count, metadata fields and attachments."""

    job: Job
    pdf: bytes
    pages: int
    fields: dict[str, str]
    attachments: list[dict] = field(default_factory=list)  # name, sha256, size

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


def make_record(ws: Workspace, job: Job) -> Record:
    """Render ``job`` as a PDF/A-3b record. Raises ReportgenError like a build does."""
    template, context, assets = build_context(ws, job)
    fields = record_fields(context, job)
    with tempfile.TemporaryDirectory(prefix="reportgen-") as tmp:
        folder = Path(tmp)
        document = documents.read_document(template, context, assets, ws.templates_dir, folder)
        files = sorted(attachments.attachments(ws, job, documents.docx_bytes(document, context)), key=_name_tree_key)
        pdf = render_pdf(document, documents.ASSETS_BASE, documents.allowed_roots(ws.templates_dir, folder),
                         pdf_variant=PDF_VARIANT, metadata=documents.pdf_metadata(context), attachments=files,
                         xmp=lambda pages: xmp.rdf_xml(fields, pages))
    listed = [{"name": f.name, "sha256": hashlib.sha256(f.data).hexdigest()} for f in files]
    reader = PdfReader(io.BytesIO(pdf))
    interpolated = interpolated_images(reader)
    if interpolated:  # reportgen's own stylesheet prevents it, except in an SVG a workspace stylesheet uses
        raise TemplateFailure(f"bản lưu trữ có {interpolated} {INTERPOLATED}: ảnh trong một tệp SVG "
                              "mà print.css dùng; thay bằng PNG")
    return Record(job, pdf, len(reader.pages), fields, listed)


def _name_tree_key(item) -> bytes:
    """WeasyPrint lists the attachments in the ``/EmbeddedFiles`` name tree in the order given,
    keyed by the file name's UTF-8 bytes; a name tree's keys must be sorted in that byte
    order (ISO 32000-1, 7.9.6), or qpdf and validators report the tree broken."""
    return item.name.encode("utf-8", "ignore")


def record_fields(context: Mapping[str, Any], job: Job) -> dict[str, str]:
    """The metadata of a record, as text (a kind without issuer and signer, the bulletin, names its author)."""
    doc = context["doc"]
    signature = doc.get("signature") or {}
    author = (context.get("meeting") or {}).get("tac_gia") or {}
    return {
        "title": doc["subject"],
        "document_type": doc.get("type") or KINDS[job.kind].record_type,
        "number": document_number(doc.get("number")),
        "symbol": doc.get("symbol") or "",
        "date": _iso(doc["date"]),
        "issuer": (doc.get("issuer") or {}).get("name") or author.get("don_vi", ""),
        "signer": signature.get("name") or author.get("ho_ten", ""),
        "signer_title": signature.get("title") or "",
        "language": "vi",
        "generator": GENERATOR,
        "generator_version": __version__,
        "kind": job.kind,
        "unit": job.unit,
        "period": str(job.period),
        "period_name": period_words(job.period),
    }


def _iso(value: object) -> str:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)
