"""One document to all its formats: context -> HTML (Jinja2) -> PDF, DOCX, portal HTML.

Everything is rendered in memory; the caller writes the files only when every format of
the document succeeded.
"""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader

from reportgen import __version__
from reportgen.render.portal import portal_fragment, portal_page
from reportgen.render.to_docx import render_docx
from reportgen.render.to_pdf import render_pdf
from reportgen.templating import BUILTIN_TEMPLATES, render_html
from reportgen.workspace import Workspace

# The folder relative URLs (the chart) resolve against in the PDF. WeasyPrint names an
# image after the MD5 of its absolute URL, so a random temporary folder would change the
# bytes of every PDF with a chart. This folder does not exist: the confined fetcher finds
# ``<it>/chart.png`` as ``chart.png`` in the first allowed root that has it (the assets).
ASSETS_BASE = Path("/reportgen-assets")


def html_and_docx(template: str, context: dict, assets: dict[str, bytes], ws: Workspace,
                  assets_dir: Path) -> tuple[str, bytes]:
    """The document's HTML (its assets written to ``assets_dir``) and its DOCX.

    The DOCX walk is also the check that the HTML stays inside the subset, so every caller
    runs it, even when only PDF or HTML is wanted: no format can carry markup the others drop.
    """
    for name, data in assets.items():
        (assets_dir / name).write_bytes(data)
    html = render_html(template, context, ws.templates_dir)
    docx = render_docx(html, template_name=template, base_dir=assets_dir, properties=docx_properties(context))
    return html, docx


def allowed_roots(ws: Workspace, assets_dir: Path) -> list[Path]:
    """The only folders the PDF renderer may read: the document's assets, then the templates."""
    return [assets_dir, ws.templates_dir, BUILTIN_TEMPLATES]


def render_all(template: str, context: dict, assets: dict[str, bytes], formats: list[str],
               ws: Workspace, assets_dir: Path) -> dict[str, tuple[bytes, int | None]]:
    """Render ``formats`` (docx, pdf, html); return file suffix -> (bytes, PDF page count)."""
    html, docx = html_and_docx(template, context, assets, ws, assets_dir)
    out: dict[str, tuple[bytes, int | None]] = {}
    if "docx" in formats:
        out["docx"] = (docx, None)
    if "pdf" in formats:
        pdf = render_pdf(html, ASSETS_BASE, allowed_roots(ws, assets_dir), metadata=pdf_metadata(context))
        out["pdf"] = (pdf, len(PdfReader(io.BytesIO(pdf)).pages))
    if "html" in formats:
        out["html"] = (portal_page(html).encode("utf-8"), None)
        out["fragment.html"] = (portal_fragment(html).encode("utf-8"), None)
    return out


def _author(doc: dict) -> str:
    issuer = doc.get("issuer") or {}
    return " ".join(issuer.get("lines") or []) or (doc.get("author") or "")


def docx_properties(context: dict) -> dict:
    doc = context["doc"]
    return {
        "title": doc["subject"],
        "subject": doc.get("type") or doc["kind"],
        "author": _author(doc),
        "keywords": ", ".join(["reportgen", doc["kind"], str(context["fig"]["period"])]),
        "language": "vi-VN",
        "date": doc["date"],
    }


def pdf_metadata(context: dict) -> dict:
    doc = context["doc"]
    return {
        "title": doc["subject"],
        "description": doc.get("type") or doc["kind"],
        "authors": [_author(doc)] if _author(doc) else [],
        "keywords": ["reportgen", doc["kind"], str(context["fig"]["period"])],
        "generator": f"reportgen {__version__}",
        "lang": "vi",
        "created": doc["date"],
    }
