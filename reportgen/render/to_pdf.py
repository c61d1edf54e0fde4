"""HTML to PDF with WeasyPrint: layout (``HTML.render``), then export (``Document.write_pdf``).

WeasyPrint gets the page the HTML subset rebuilt (:mod:`reportgen.render.subset`): the head's
metadata and the checked article, its images as inline ``data:`` URLs of the bytes the subset
read (so the URL, WeasyPrint's image cache key and the image's name in the PDF change exactly
when the image does). Its :class:`RestrictedFetcher` serves those and ``file:`` URLs inside
``allowed_roots`` only; a refused or missing resource fails the render
(:class:`~reportgen.errors.TemplateFailure`, naming every such URL). reportgen's own user
stylesheet sets the document's margins (a landscape section's rotated: the binding edge on
top) and keeps every image uninterpolated (PDF/A). The PDF carries no clock time (its dates
come from the document's metadata). The process shares one ``FontConfiguration``, one image
cache and each stylesheet parsed once (again only when its file changes) across its
documents (docs/architecture.md, "One source, three outputs").
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import mimetypes
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pydyf
import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from reportgen.errors import TemplateFailure
from reportgen.files import write_atomic
from reportgen.render import subset
from reportgen.render.fonts import ensure_vietnamese_font
from reportgen.templating import link_outside, refused_file_message

LOG = logging.getLogger("reportgen.render")
_METADATA_FIELDS = ("title", "description", "generator", "lang")
# A render changes process-wide state (WeasyPrint's logger, SOURCE_DATE_EPOCH): one at a
# time per process. Build in parallel with processes, not threads.
_PROCESS_STATE = threading.Lock()
# WeasyPrint warnings about this machine, not about the document: logged at DEBUG.
_BENIGN_WARNINGS = ("Using fontTools instead of HarfBuzz-Subset",)
# Shared by every document this process renders (WeasyPrint's "Improve Rendering Speed"):
# one font configuration, one image cache (emptied past _IMAGE_CACHE_LIMIT entries), and
# each stylesheet parsed once: path -> ((mtime_ns, size), CSS).
_FONT_CONFIG: FontConfiguration | None = None
_IMAGE_CACHE: dict = {}
_IMAGE_CACHE_LIMIT = 512
_STYLESHEETS: dict[Path, tuple[tuple[int, int], weasyprint.CSS]] = {}


class RestrictedFetcher(URLFetcher):
    """Serve ``data:`` URLs and ``file:`` URLs under the allowed roots; refuse the rest.

    A relative URL missing under ``base_dir`` (``print.css``, ``charts/x.png``) is looked
    up with the same relative path in each allowed root, in order, the way templates are
    found: the workspace's ``templates/`` before the built-in one; a workspace file that is
    a link leading outside its folder is refused, never passed over. Every refused or
    missing URL is recorded in :attr:`problems`.
    """

    def __init__(self, base_dir: Path, allowed_roots: list[Path]):
        super().__init__(timeout=1, allowed_protocols=("data",), allow_redirects=False)
        self.base_dir = Path(base_dir).resolve()
        self.roots = [Path(root).resolve() for root in allowed_roots]
        self.problems: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            return self._fetch_file(url)
        return self._refuse(url, "chỉ cho phép tệp trong thư mục mẫu và thư mục làm việc, không truy cập mạng")

    def _fetch_file(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return self._refuse(url, "tệp trên máy khác")
        path = self._locate(Path(url2pathname(parts.path)).resolve())
        if path is None:
            return self._refuse(url, "tệp nằm ngoài các thư mục được phép")
        if not path.is_file():
            return self._refuse(url, "không tìm thấy tệp")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})

    def _locate(self, path: Path) -> Path | None:
        """The allowed file for ``path``: itself, or the same path relative to ``base_dir`` in a root.

        A root's file that is a link leading outside that root is refused (PermissionError,
        recorded in :attr:`problems`), not skipped for the next root's file of that name.
        """
        if path.exists() and self._allowed(path):
            return path
        if path.is_relative_to(self.base_dir):
            relative = path.relative_to(self.base_dir)
            for root in self.roots:
                real = link_outside(root, root / relative)
                if real is not None:
                    self.problems.append(refused_file_message(relative.as_posix(), root / relative, root, real))
                    raise PermissionError(self.problems[-1])
                candidate = (root / relative).resolve()
                if candidate.exists() and self._allowed(candidate):
                    return candidate
        return path if self._allowed(path) else None

    def locate_relative(self, href: str) -> Path | None:
        """The allowed file for a relative URL: ``href`` in the first root that has it
        (PermissionError when it is a link leading out of its root)."""
        return self._locate((self.base_dir / url2pathname(urlsplit(href).path)).resolve())

    def _allowed(self, path: Path) -> bool:
        return any(path.is_relative_to(root) for root in self.roots)

    def _refuse(self, url: str, reason: str) -> URLFetcherResponse:
        self.problems.append(f"{url} ({reason})")
        raise PermissionError(f"reportgen refused {url}: {reason}")


@dataclass(frozen=True)
class PdfAttachment:
    """A file embedded in the PDF (``/EmbeddedFiles``; a PDF/A-3 associated file).

    ``relationship`` is the ``/AFRelationship`` of ISO 32000-2, 7.11.3: ``Source``,
    ``Data``, ``Alternative``, ``Supplement`` or ``Unspecified``.
    """

    name: str
    data: bytes
    mime_type: str
    relationship: str = "Unspecified"
    description: str | None = None


def render_pdf(html: str | subset.Document, base_dir: Path, allowed_roots: list[Path], out_path: Path | None = None,
               pdf_variant: str | None = None, metadata: Mapping[str, object] | None = None,
               attachments: Sequence[PdfAttachment] = (),
               xmp: Callable[[int], bytes] | None = None) -> bytes:
    """Lay out ``html`` and return the PDF bytes (also written atomically to ``out_path``).

    ``html``: a document read through the subset, or HTML, read here through it (its
    images from ``base_dir``). ``base_dir``: the folder relative URLs resolve against. ``allowed_roots``: the only
    folders files may be read from (templates folders, workspace, the document's assets).
    ``pdf_variant``: a WeasyPrint variant such as ``"pdf/a-3b"``. ``metadata``: optional
    ``title``, ``description``, ``authors`` (list), ``keywords`` (list), ``generator``,
    ``lang``, ``created``/``modified`` (date, datetime or ISO string; ``modified``
    defaults to ``created``); they override what the HTML head says.
    ``attachments``: files to embed, dated with the document's date (reproducible).
    ``xmp``: called with the page count, returns an ``rdf:RDF`` element (UTF-8 XML) that
    WeasyPrint adds to its XMP packet (its public ``xmp_metadata`` option).
    Raises TemplateFailure (refused resource, bad markup) or MissingSystemDependency (font).
    """
    return render_pdf_pages(html, base_dir, allowed_roots, out_path, pdf_variant, metadata, attachments, xmp)[0]


def render_pdf_pages(html: str | subset.Document, base_dir: Path, allowed_roots: list[Path],
                     out_path: Path | None = None, pdf_variant: str | None = None,
                     metadata: Mapping[str, object] | None = None, attachments: Sequence[PdfAttachment] = (),
                     xmp: Callable[[int], bytes] | None = None) -> tuple[bytes, int]:
    """:func:`render_pdf`, and the page count of the layout (not read back from the PDF)."""
    document = html if isinstance(html, subset.Document) else subset.read(html, "(HTML)", base_dir)
    ensure_vietnamese_font()
    with _PROCESS_STATE:
        pdf, pages = _render(document, base_dir, RestrictedFetcher(base_dir, allowed_roots), pdf_variant,
                             metadata or {}, attachments, xmp)
    if out_path is not None:
        write_atomic(Path(out_path), pdf)
    return pdf, pages


def _render(source: subset.Document, base_dir: Path, fetcher: RestrictedFetcher, pdf_variant: str | None,
            metadata: Mapping[str, object], attachments: Sequence[PdfAttachment] = (),
            xmp: Callable[[int], bytes] | None = None) -> tuple[bytes, int]:
    cache = _image_cache()  # emptied, if full, only here: between documents, never within one
    document = _layout(source, base_dir, fetcher, cache)
    _apply_metadata(document.metadata, metadata)
    extra = {}
    if xmp is not None:  # WeasyPrint's public hook: fetched through our fetcher, added to x:xmpmeta
        packet = base64.b64encode(xmp(len(document.pages))).decode("ascii")
        extra["xmp_metadata"] = [f"data:application/rdf+xml;base64,{packet}"]
    files = [_attachment(item, document.metadata.created) for item in attachments]
    with _weasyprint_errors() as errors, _reproducible_fonts(document.metadata.created):
        pdf = document.write_pdf(pdf_variant=pdf_variant, attachments=files or None,
                                 finisher=_unique_associated_files if files else None, cache=cache,
                                 **extra)
    _raise_errors(errors, "khi xuất PDF")
    return pdf, len(document.pages)


def _unique_associated_files(document: weasyprint.Document, pdf: pydyf.PDF) -> None:
    """WeasyPrint 70 lists each PDF/A-3 associated file twice in the catalog's ``/AF``: keep one."""
    if "AF" in pdf.catalog:
        pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(pdf.catalog["AF"]))


def _attachment(item: PdfAttachment, created: str | None) -> weasyprint.Attachment:
    """A WeasyPrint attachment with an explicit MIME type and the document's date (not the clock)."""
    day = dt.datetime.fromtimestamp(_epoch_of(created), dt.timezone.utc).replace(tzinfo=None)
    url = f"data:{item.mime_type};base64,{base64.b64encode(item.data).decode('ascii')}"
    return weasyprint.Attachment(url=url, name=item.name, description=item.description, created=day,
                                 modified=day, relationship=item.relationship)


def _layout(source: subset.Document, base_dir: Path, fetcher: RestrictedFetcher, cache: dict) -> weasyprint.Document:
    html = weasyprint.HTML(string=source.pdf_html, base_url=_dir_url(base_dir), url_fetcher=fetcher)
    with _weasyprint_errors() as errors:
        sheets = [_stylesheet(href, fetcher) for href in source.stylesheets]
        _raise_refused(fetcher)
        page_css = weasyprint.CSS(string=page_margins_css(source.margins), font_config=_font_config())
        document = html.render(stylesheets=[*sheets, page_css], font_config=_font_config(), cache=cache)
    _raise_refused(fetcher)
    _raise_errors(errors, "khi dàn trang")
    return document


def _raise_refused(fetcher: RestrictedFetcher) -> None:
    if fetcher.problems:
        listed = "; ".join(dict.fromkeys(fetcher.problems))
        raise TemplateFailure(f"Tài nguyên bị từ chối hoặc không tìm thấy / refused resources: {listed}")


def _font_config() -> FontConfiguration:
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


def _image_cache() -> dict:
    """The process's image cache; emptied when it holds more than _IMAGE_CACHE_LIMIT entries
    (WeasyPrint's lazy images read it back at export, so only between documents)."""
    if len(_IMAGE_CACHE) > _IMAGE_CACHE_LIMIT:
        _IMAGE_CACHE.clear()
    return _IMAGE_CACHE


def _stylesheet(href: str, fetcher: RestrictedFetcher) -> weasyprint.CSS | None:
    """The stylesheet ``href`` (relative: looked up like the templates, in the allowed roots),
    parsed once per process and again only when its file changes."""
    try:
        path = fetcher.locate_relative(href)
    except PermissionError:  # recorded in fetcher.problems
        return None
    if path is None:
        fetcher.problems.append(f"{href} (không tìm thấy tệp trong các thư mục mẫu)")
        return None
    stat = path.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _STYLESHEETS.get(path)
    if cached is None or cached[0] != key:
        css = weasyprint.CSS(string=path.read_text(encoding="utf-8"), base_url=path.parent.as_uri() + "/",
                             url_fetcher=fetcher, font_config=_font_config())
        cached = _STYLESHEETS[path] = (key, css)
    return cached[1]


def _raise_errors(errors: list[str], stage: str) -> None:
    if errors:
        raise TemplateFailure(f"WeasyPrint báo lỗi {stage}: " + "; ".join(dict.fromkeys(errors)))


@contextmanager
def _reproducible_fonts(created: str | None) -> Iterator[None]:
    """Pin the timestamp fontTools writes into subset fonts (``head.modified``).

    Without HarfBuzz-Subset, WeasyPrint subsets fonts with fontTools, which stamps them
    with the clock unless ``SOURCE_DATE_EPOCH`` is set. An existing value is kept;
    otherwise the document's date is used (1980-01-01 when there is none).
    """
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(_epoch_of(created))
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def _epoch_of(created: str | None) -> int:
    day = dt.date(1980, 1, 1)
    if created:
        try:
            day = dt.date.fromisoformat(created[:10])
        except ValueError:
            pass
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())


def _dir_url(base_dir: Path) -> str:
    return Path(base_dir).resolve().as_uri() + "/"


# PDF/A forbids /Interpolate true on images (ISO 19005-2/3, 6.2.8); WeasyPrint writes it for
# ``image-rendering: auto``. Set in reportgen's own (user-origin) stylesheet with !important,
# which beats any author rule, so no workspace print.css can bring it back.
NO_INTERPOLATION_CSS = ("*, ::before, ::after, ::marker { image-rendering: crisp-edges !important }\n"
                        "@page { image-rendering: crisp-edges !important }\n")


def page_margins_css(margins: subset.Margins) -> str:
    """The user stylesheet that sets this document's margins (portrait, and turned for landscape),
    and keeps every image uninterpolated (:data:`NO_INTERPOLATION_CSS`)."""
    portrait, landscape = (" ".join(f"{value:g}mm" for value in m.as_tuple())
                           for m in (margins, margins.landscape()))
    return (f"@page {{ margin: {portrait} !important }}\n"
            f"@page landscape {{ margin: {landscape} !important }}\n" + NO_INTERPOLATION_CSS)


@contextmanager
def _weasyprint_errors() -> Iterator[list[str]]:
    """Collect WeasyPrint's errors (raised afterwards); pass its warnings on to our logger.

    WeasyPrint's records do not propagate meanwhile, so each is reported once, through
    ``reportgen.render``.
    """
    errors: list[str] = []
    handler = _Collector(errors)
    logger = logging.getLogger("weasyprint")
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield errors
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


class _Collector(logging.Handler):
    def __init__(self, errors: list[str]):
        super().__init__(logging.WARNING)
        self.errors = errors

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= logging.ERROR:
            self.errors.append(message)
        elif message.startswith(_BENIGN_WARNINGS):
            LOG.debug("WeasyPrint: %s", message)
        else:
            LOG.warning("WeasyPrint: %s", message)


def _apply_metadata(target: object, metadata: Mapping[str, object]) -> None:
    for field in _METADATA_FIELDS:
        if metadata.get(field) is not None:
            setattr(target, field, str(metadata[field]))
    for field in ("authors", "keywords"):
        if metadata.get(field) is not None:
            setattr(target, field, [str(v) for v in metadata[field]])
    created = metadata.get("created")
    if created is not None:
        target.created = w3c_date(created)
    modified = metadata.get("modified", created)
    if modified is not None:
        target.modified = w3c_date(modified)


def w3c_date(value: object) -> str:
    """``date(2022, 3, 9)`` -> ``"2022-03-09"``; datetimes keep their time; strings pass."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


