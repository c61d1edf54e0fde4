"""The bulletin's photo (``anh.tep`` of a meeting file): read through the workspace
boundary (:mod:`reportgen.sources.boundary`), checked to be a JPEG or PNG that Pillow opens,
and prepared once for every format: turned upright (EXIF orientation), shrunk to at most
:data:`MAX_SIDE` pixels on its longer side, and re-encoded without any metadata (no EXIF,
no GPS, no ICC profile, no text chunks). The same bytes give the same prepared photo.
"""

from __future__ import annotations

import io
import os
import warnings

from PIL import Image, ImageOps

from reportgen.sources.boundary import Refused, check_inside, check_size, read_inside

MAX_SIDE = 1600  # pixels; about 2.5 times the bulletin's text width at 150 dpi
JPEG_QUALITY = 88
FORMATS = {"JPEG": "jpg", "PNG": "png"}  # Pillow's format name -> the prepared file's extension


def load_photo(root, relative: str, limit: int, data: bytes | None = None) -> tuple[str, bytes]:
    """(extension, prepared bytes) of the photo ``relative`` to the workspace ``root``; Refused if
    it is missing, unreadable, larger than ``limit`` bytes or not a JPEG/PNG image.
    ``data``: the photo's bytes when it is not written yet (checked at the same path)."""
    path = check_inside(root, relative)
    if data is None:
        if not os.path.lexists(path):
            raise Refused("không có tệp này trong thư mục dữ liệu")
        data = read_inside(root, relative, limit, "photo_file_mb")
    return prepare(check_size(data, limit, "photo_file_mb"))


def prepare(data: bytes) -> tuple[str, bytes]:
    """(extension, bytes) of ``data`` upright, at most MAX_SIDE px, without metadata."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                kind = opened.format
                if kind not in FORMATS:
                    raise Refused(f"định dạng {kind}: chỉ nhận ảnh JPEG hoặc PNG")
                opened.load()
                image = ImageOps.exif_transpose(opened)
    except (OSError, SyntaxError, ValueError, EOFError,
            Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise Refused("không phải tệp ảnh đọc được: cần ảnh JPEG hoặc PNG") from exc
    if image.mode not in ("RGB", "L"):
        image = _flattened(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    image.info = {}  # nothing of the original's metadata is carried over
    out = io.BytesIO()
    if kind == "JPEG":
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        image.save(out, "PNG")
    return FORMATS[kind], out.getvalue()


def _flattened(image: Image.Image) -> Image.Image:
    """RGB on white: transparency, palettes, CMYK and 16-bit modes become plain RGB."""
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background
