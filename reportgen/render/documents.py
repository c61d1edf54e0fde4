"""One document to the formats asked: context -> HTML (Jinja2) -> the subset -> each format's writer.

Everything is rendered in memory; the caller writes the files only when every format of
the document succeeded. The formats and their writers are declared in
:mod:`reportgen.formats`; the writers here import their renderer when first called.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen import __version__
from reportgen.formats import FORMATS
from reportgen.render import subset
from reportgen.templating import BUILTIN_TEMPLATES, render_html

# The folder relative URLs resolve against in the PDF (its images are inline data: URLs;
# print.css is found in the templates folders). It does not exist: a fixed name keeps the
# PDF's bytes independent of the temporary folder the document's assets were written to.
ASSETS_BASE = Path("/reportgen-assets")


@dataclass(frozen=True)
class Rendering:
    """What a format's writer is given: the checked document and what it was made from."""

    document: subset.Document
    context: dict
    assets: dict[str, bytes]   # the document's own files, ``<kind>.<suffix>`` -> bytes
    templates_dir: Path        # the workspace's templates folder (the built-in one comes after it)
    assets_dir: Path           # where the assets were written for the renderers to read

    @property
    def kind(self) -> str:
        return self.context["doc"]["kind"]


def read_document(template: str, context: Mapping[str, Any], assets: dict[str, bytes], templates_dir: Path,
                  assets_dir: Path) -> subset.Document:
    """The document's HTML read through the subset (its assets written to ``assets_dir`` first).

    Every format is made from the result, and the subset check runs whatever formats were
    asked for: no format can carry markup the others drop.
    """
    for name, data in assets.items():
        (assets_dir / name).write_bytes(data)
    return subset.read(render_html(template, context, templates_dir), template, assets_dir)


def docx_bytes(document: subset.Document, context: Mapping[str, Any]) -> bytes:
    from reportgen.render.to_docx import docx_of  # python-docx only when a DOCX is wanted

    return docx_of(document, docx_properties(context))


def allowed_roots(templates_dir: Path, assets_dir: Path) -> list[Path]:
    """The only folders the PDF renderer may read: the document's assets, then the templates."""
    return [assets_dir, templates_dir, BUILTIN_TEMPLATES]


def render_all(template: str, context: dict, assets: dict[str, bytes], formats: list[str],
               templates_dir: Path, assets_dir: Path) -> dict[str, tuple[bytes, int | None]]:
    """Render ``formats``; return file suffix -> (bytes, PDF page count), in the registry's order.

    Only the formats asked for are rendered: ``--format pdf`` makes no DOCX. A format that
    carries the document's assets (the HTML page links the bulletin's photo by name) also
    returns them, ``<kind>.<suffix>`` as ``<suffix>``, to be written beside it.
    """
    rendering = Rendering(read_document(template, context, assets, templates_dir, assets_dir), context,
                          assets, templates_dir, assets_dir)
    out: dict[str, tuple[bytes, int | None]] = {}
    for fmt in FORMATS.values():
        if fmt.name in formats:
            out |= fmt.write(rendering)
            if fmt.carries_assets:
                prefix = rendering.kind + "."
                out |= {name[len(prefix):]: (data, None) for name, data in assets.items() if name.startswith(prefix)}
    return out


# ---- the writers of reportgen.formats.FORMATS ------------------------------------------------------

def write_docx(r: Rendering) -> dict[str, tuple[bytes, int | None]]:
    return {"docx": (docx_bytes(r.document, r.context), None)}


def write_pdf(r: Rendering) -> dict[str, tuple[bytes, int | None]]:
    from reportgen.render.to_pdf import render_pdf_pages  # noqa: PLC0415 (WeasyPrint only when a PDF is wanted)

    return {"pdf": render_pdf_pages(r.document, ASSETS_BASE, allowed_roots(r.templates_dir, r.assets_dir),
                                    metadata=pdf_metadata(r.context))}


def write_html(r: Rendering) -> dict[str, tuple[bytes, int | None]]:
    from reportgen.render.portal import portal_fragment, portal_page  # noqa: PLC0415

    return {"html": (portal_page(r.document).encode("utf-8"), None),
            "fragment.html": (portal_fragment(r.document).encode("utf-8"), None)}


def write_xlsx(r: Rendering) -> dict[str, tuple[bytes, int | None]]:
    from reportgen.render.to_xlsx import render_xlsx  # noqa: PLC0415 (openpyxl)

    return {"xlsx": (render_xlsx(r.context, r.templates_dir), None)}


def _author(doc: dict) -> str:
    issuer = doc.get("issuer") or {}
    return " ".join(issuer.get("lines") or []) or (doc.get("author") or "")


def docx_properties(context: Mapping[str, Any]) -> dict:
    doc = context["doc"]
    return {
        "title": doc["subject"],
        "subject": doc.get("type") or doc["kind"],
        "author": _author(doc),
        "keywords": ", ".join(["reportgen", doc["kind"], str(context["fig"]["period"])]),
        "language": "vi-VN",
        "date": doc["date"],
    }


def pdf_metadata(context: Mapping[str, Any]) -> dict:
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
