"""How the signatures and the filled lines look: images and Times New Roman text in appearance streams.

Every appearance is a form XObject drawn from a list of :class:`Item`: an image (the
signature or the seal, PNG with its transparency) placed in a box, or a line of text in
Times New Roman (Liberation Serif where that is the font), with its font embedded as a
subset (PDF/A embeds every font, appearance streams included).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportgen.signing.locate import font_file, text_width

BLACK = (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Image:
    path: Path
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Text:
    text: str
    x: float  # left end of the baseline, or its centre with ``centred``
    y: float
    size: float
    style: str = "Regular"
    centred: bool = False
    colour: tuple[float, float, float] = BLACK


@dataclass(frozen=True)
class Drawing:
    """What one appearance holds, in a box of ``width`` x ``height`` points."""

    width: float
    height: float
    items: tuple = ()
    white: bool = False  # paint the box white first (covers the blank line it replaces)
    extra: dict = field(default_factory=dict)


def load_png(path: Path, where: str):
    """The PNG as a Pillow image (RGBA), or a clear refusal."""
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    from reportgen.signing.keys import refuse

    try:
        with PILImage.open(path) as img:
            if img.format != "PNG":
                raise refuse(str(path), f"{where} phải là ảnh PNG nền trong suốt (tệp này là {img.format})")
            return img.convert("RGBA")
    except (OSError, UnidentifiedImageError):
        raise refuse(str(path), f"không đọc được ảnh {where} (cần tệp PNG nền trong suốt)") from None


def fit(image_size: tuple[int, int], width: float, height: float) -> tuple[float, float]:
    """The largest size of that aspect ratio within ``width`` x ``height``."""
    w, h = image_size
    scale = min(width / w, height / h)
    return w * scale, h * scale


def _widths_in_thousandths(engine) -> None:
    """pyHanko 0.38 writes a TrueType font's /W widths in the font's units (2048 an em for Times New
    Roman and Liberation Serif) where PDF wants thousandths of an em: scale them as the subset is written."""
    units = engine.tt["head"].unitsPerEm
    prepare = engine.prepare_write

    def prepare_write():
        if not getattr(engine, "_reportgen_scaled", False):
            engine._glyphs = {gid: (cid, round(width * 1000 / units)) for gid, (cid, width) in engine._glyphs.items()}
            engine._reportgen_scaled = True
        prepare()

    engine.prepare_write = prepare_write


def render(drawing: Drawing, writer):
    """A pyHanko appearance for ``drawing`` (a :class:`pyhanko.pdf_utils.content.PdfContent`)."""
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.content import ResourceType
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.images import pil_image
    from pyhanko.pdf_utils.text import TextBox, TextBoxStyle
    from pyhanko.stamp.base import BaseStamp, BaseStampStyle

    images = {}

    class _Stamp(BaseStamp):
        def _render_inner_content(self):
            ops = []
            if drawing.white:
                ops.append(b"q 1 1 1 rg 0 0 %g %g re f Q" % (drawing.width, drawing.height))
            for number, item in enumerate(drawing.items):
                if isinstance(item, Image):
                    name = f"/Im{number}"
                    if item.path not in images:
                        images[item.path] = pil_image(load_png(item.path, "chữ ký"), writer)
                    self.set_resource(ResourceType.XOBJECT, pdf_name(name), images[item.path])
                    ops.append(b"q %g 0 0 %g %g %g cm %s Do Q" % (item.width, item.height, item.x, item.y,
                                                                 name.encode()))
                else:
                    style = TextBoxStyle(font=GlyphAccumulatorFactory(font_file(item.style)), font_size=item.size,
                                         border_width=0, box_layout_rule=None)
                    box = TextBox(style, writer, resources=self.resources, font_name=f"F{number}")
                    box.content = item.text
                    x = item.x - text_width(item.text, item.size, item.style) / 2 if item.centred else item.x
                    box.font_engine.font_size = item.size
                    _widths_in_thousandths(box.font_engine)
                    ops.append(b"q %g %g %g rg BT /F%d %g Tf 1 0 0 1 %g %g Tm %s ET Q" % (
                        *item.colour, number, item.size, x, item.y, box.font_engine.shape(item.text).graphics_ops))
                    self.set_resource(ResourceType.FONT, pdf_name(f"/F{number}"), box.font_engine.as_resource())
            return ops

    @dataclass(frozen=True)
    class _Style(BaseStampStyle):
        border_width: int = 0

        def create_stamp(self, writer, box, text_params):
            return _Stamp(writer=writer, style=self, box=box)

    return _Style(), _Stamp(writer=writer, style=_Style(), box=layout.BoxConstraints(drawing.width, drawing.height))
