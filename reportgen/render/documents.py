"""One document to all its formats: context -> HTML (Jinja2) -> PDF, DOCX, portal HTML.

Everything is rendered in memory; the caller writes the files only when every format of
the document succeeded.
"""

from __future__ import annotations

from pathlib import Path

from reportgen import __version__
from reportgen.render import subset
from reportgen.render.portal import portal_fragment, portal_page
from reportgen.render.to_pdf import render_pdf_pages
from reportgen.render.to_xlsx import render_xlsx
from reportgen.templating import BUILTIN_TEMPLATES, render_html
from reportgen.workspace import Workspace

# The folder relative URLs resolve against in the PDF (its images are inline data: URLs;
# print.css is found in the templates folders). It does not exist: a fixed name keeps the
# PDF's bytes independent of the temporary folder the document's assets were written to.
ASSETS_BASE = Path("/reportgen-assets")


def read_document(template: str, context: dict, assets: dict[str, bytes], ws: Workspace,
                  assets_dir: Path) -> subset.Document:
    """The document's HTML read through the subset (its assets written to ``assets_dir`` first).

    Every format is made from the result, and the subset check runs whatever formats were
    asked for: no format can carry markup the others drop.
    """
    for name, data in assets.items():
        (assets_dir / name).write_bytes(data)
    return subset.read(render_html(template, context, ws.templates_dir), template, assets_dir)


def docx_bytes(document: subset.Document, context: dict) -> bytes:
    from reportgen.render.to_docx import docx_of  # python-docx only when a DOCX is wanted

    return docx_of(document, docx_properties(context))


def allowed_roots(ws: Workspace, assets_dir: Path) -> list[Path]:
    """The only folders the PDF renderer may read: the document's assets, then the templates."""
    return [assets_dir, ws.templates_dir, BUILTIN_TEMPLATES]


def render_all(template: str, context: dict, assets: dict[str, bytes], formats: list[str],
               ws: Workspace, assets_dir: Path) -> dict[str, tuple[bytes, int | None]]:
    """Render ``formats`` (docx, pdf, html, xlsx); return file suffix -> (bytes, PDF page count).

    Only the formats asked for are rendered: ``--format pdf`` makes no DOCX.
    """
    document = read_document(template, context, assets, ws, assets_dir)
    out: dict[str, tuple[bytes, int | None]] = {}
    if "docx" in formats:
        out["docx"] = (docx_bytes(document, context), None)
    if "pdf" in formats:
        out["pdf"] = render_pdf_pages(document, ASSETS_BASE, allowed_roots(ws, assets_dir), metadata=pdf_metadata(context))
    if "html" in formats:
        out["html"] = (portal_page(document).encode("utf-8"), None)
        out["fragment.html"] = (portal_fragment(document).encode("utf-8"), None)
        prefix = context["doc"]["kind"] + "."
        for name, data in assets.items():  # the page and fragment link these by name: written beside them
            if name.startswith(prefix):
                out[name[len(prefix):]] = (data, None)
    if "xlsx" in formats:
        out["xlsx"] = (render_xlsx(context, ws.templates_dir), None)
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
