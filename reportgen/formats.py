"""Output formats: each declared once, in :data:`FORMATS`, and read by everything else.

A :class:`Format` says which files it writes (suffix, media type, the clerk's word for it),
which files of the template folders only it reads (``base.docx``: a fingerprint part of
the DOCX alone), what a build imports before forking its workers, what the machine must
have before anything is rendered (the PDF's Vietnamese font), and its writer. Rendering
(``render.documents.render_all``), the build (which files, what to preload), the
fingerprints, the build's machine check and the web page's downloads read it; no other
module keeps a list of formats. Writers and checks are named ``"module:function"`` and imported only
when called, so reading the registry loads no renderer.

Adding a format: one ``Format`` here and its writer, a function taking a
:class:`reportgen.render.documents.Rendering` (docs/architecture.md, "Adding a format").
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class File:
    """One file a document's format writes, ``<kind>.<suffix>``."""

    suffix: str      # "pdf", "fragment.html"
    media_type: str  # what the web page serves it as
    words: str       # what a clerk calls it


@dataclass(frozen=True)
class Format:
    """Everything about one output format."""

    name: str                      # the --format value
    files: tuple[File, ...]        # the files it writes; the first is named after the format
    writer: str                    # "module:function": Rendering -> {suffix: (bytes, PDF page count or None)}
    preload: tuple[str, ...] = ()  # modules a build imports before forking workers (shared, not re-imported)
    template_files: tuple[str, ...] = ()  # files of the template folders that only this format reads
    check: str | None = None       # "module:function" raising MissingSystemDependency, run before rendering
    carries_assets: bool = False   # the document's own files (a kind's extra files) are written beside it

    @property
    def suffixes(self) -> tuple[str, ...]:
        return tuple(f.suffix for f in self.files)

    def write(self, rendering) -> dict[str, tuple[bytes, int | None]]:
        return _function(self.writer)(rendering)


_OFFICE = "application/vnd.openxmlformats-officedocument."

# every format, in the order a document's files are rendered and reported
FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("docx", (File("docx", _OFFICE + "wordprocessingml.document", "Word"),),
           "reportgen.render.documents:write_docx", preload=("reportgen.render.to_docx",),
           template_files=("base.docx",)),
    Format("pdf", (File("pdf", "application/pdf", "PDF"),),
           "reportgen.render.documents:write_pdf", preload=("reportgen.render.to_pdf",),
           check="reportgen.render.fonts:ensure_vietnamese_font"),
    Format("html", (File("html", "text/html; charset=utf-8", "Trang tin (HTML)"),
                    File("fragment.html", "text/html; charset=utf-8", "Đoạn HTML dán vào Cổng thông tin")),
           "reportgen.render.documents:write_html", preload=("reportgen.render.portal",), carries_assets=True),
    Format("xlsx", (File("xlsx", _OFFICE + "spreadsheetml.sheet", "Bảng tính Excel"),),
           "reportgen.render.documents:write_xlsx", preload=("reportgen.render.to_xlsx",)),
)}


def files_of(name: str) -> tuple[str, ...]:
    """The suffixes format ``name`` writes (a name the registry does not know: itself)."""
    return FORMATS[name].suffixes if name in FORMATS else (name,)


def format_of(suffix: str) -> Format | None:
    """The format that writes files of ``suffix``; None for a kind's extra file."""
    return next((f for f in FORMATS.values() if suffix in f.suffixes), None)


def template_files(suffix: str) -> tuple[set[str], tuple[str, ...]]:
    """(the template-folder files every format but its own leaves out, those the file of
    ``suffix`` reads): ``base.docx`` is a part of the DOCX's fingerprint only."""
    own = format_of(suffix)
    return ({n for f in FORMATS.values() for n in f.template_files}, own.template_files if own else ())


def check_machine(names) -> None:
    """Raise MissingSystemDependency when the machine lacks what a format of ``names`` needs."""
    for name in names:
        if check := FORMATS[name].check:
            _function(check)()


def preload(names) -> None:
    """Import what the formats ``names`` render with (before workers are forked)."""
    for name in FORMATS:
        if name in names:
            for module in FORMATS[name].preload:
                importlib.import_module(module)


def _function(path: str) -> Callable:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


__all__ = ["FORMATS", "File", "Format", "check_machine", "files_of", "format_of", "preload", "template_files"]
