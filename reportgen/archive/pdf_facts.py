"""What verification needs to know about a PDF, read with pypdf."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import ArrayObject, BooleanObject, DictionaryObject, IndirectObject

from reportgen.archive.xmp import read_xmp

FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
INTERPOLATED = "ảnh nội suy (/Interpolate true), PDF/A không cho phép (ISO 19005-3, 6.2.8)"


@dataclass
class PdfFacts:
    pages: int
    xmp: dict[str, str] | None        # None: no XMP packet in the catalog
    unembedded_fonts: list[str]       # BaseFont names without a font file
    attachments: dict[str, bytes]     # EmbeddedFiles: name -> content
    interpolated_images: int = 0      # images (soft masks included) with /Interpolate true


def read_pdf(data: bytes) -> PdfFacts:
    """Read ``data`` strictly; raise (pypdf or XML errors) when it is not a readable PDF."""
    reader = PdfReader(io.BytesIO(data), strict=True)
    pages = len(reader.pages)
    files = {name: contents[0] for name, contents in reader.attachments.items() if contents}
    return PdfFacts(pages, _xmp(reader), unembedded_fonts(reader), files, interpolated_images(reader))


def _xmp(reader: PdfReader) -> dict[str, str] | None:
    metadata = reader.trailer["/Root"].get("/Metadata")
    if metadata is None:
        return None
    return read_xmp(metadata.get_object().get_data())


def unembedded_fonts(reader: PdfReader) -> list[str]:
    """Every font used by a page (or a form it draws) whose program is not in the file."""
    missing: list[str] = []
    seen: set[int] = set()
    for page in reader.pages:
        _walk_resources(page.get("/Resources"), missing, seen)
    return sorted(set(missing))


def _walk_resources(resources, missing: list[str], seen: set[int]) -> None:
    resources = _resolve(resources)
    if not isinstance(resources, DictionaryObject) or id(resources) in seen:
        return
    seen.add(id(resources))
    for font in (_resolve(resources.get("/Font")) or {}).values():
        missing += _font_problems(_resolve(font))
    for xobject in (_resolve(resources.get("/XObject")) or {}).values():
        xobject = _resolve(xobject)
        if xobject.get("/Subtype") == "/Form":
            _walk_resources(xobject.get("/Resources"), missing, seen)


def _font_problems(font: DictionaryObject) -> list[str]:
    subtype = font.get("/Subtype")
    if subtype == "/Type3":  # glyphs are content streams inside the PDF
        return []
    if subtype == "/Type0":
        return [name for child in _resolve(font.get("/DescendantFonts")) or []
                for name in _font_problems(_resolve(child))]
    descriptor = _resolve(font.get("/FontDescriptor"))
    if descriptor is not None and any(key in descriptor for key in FONT_FILES):
        return []
    return [str(font.get("/BaseFont", "?")).lstrip("/")]


def interpolated_images(reader: PdfReader) -> int:
    """How many images say ``/Interpolate true`` (PDF/A forbids it: ISO 19005-2/3, 6.2.8).

    Every object reachable from the catalog is visited (page resources, forms, patterns,
    soft masks, annotations' appearances), stream data aside.
    """
    count, seen, todo = 0, set(), [reader.trailer["/Root"]]
    while todo:
        value = todo.pop()
        if isinstance(value, IndirectObject):
            if value.idnum in seen:
                continue
            seen.add(value.idnum)
            value = value.get_object()
        if isinstance(value, DictionaryObject):
            interpolate = value.get("/Interpolate")
            if value.get("/Subtype") == "/Image" and isinstance(interpolate, BooleanObject) and interpolate.value:
                count += 1
            todo += [item for key, item in value.items() if key != "/Parent"]
        elif isinstance(value, ArrayObject):
            todo += list(value)
    return count


def _resolve(value):
    return value.get_object() if value is not None and hasattr(value, "get_object") else value
