"""The lines the clerk fills: text fields over the number line, the date line and the appendix note.

The signer's revision adds them empty (an appearance that draws nothing, so the page shows
through: ``Số:      /BC-UBND`` and the drafted date); the office's revision fills them: a
value and an appearance that paints the line's box white and writes the whole line again,
centred where it was, in its font and size (``Số: 05/BC-UBND``,
``Tháp Mười, ngày 15 tháng 3 năm 2022``). Filling fields is what DocMDP level 2 (form
filling and signing) lets a later revision do, so the signer's signature stays valid.
"""

from __future__ import annotations

import re
from datetime import date

from reportgen.signing import appearance
from reportgen.signing.locate import Layout, Line
from reportgen.vi.dates import date_line, date_table
from reportgen.vi.prose import document_number

NUMBER, DATE, APPENDIX = "so_ky_hieu", "ngay_ban_hanh", "phu_luc_so_ngay"
PAD = 2.0  # points around the line's text


def _rect(line: Line, widest: str) -> tuple[float, float, float, float]:
    """The box of a line: wide enough for its text now and filled, centred where it is."""
    from reportgen.signing.locate import text_width

    half = max(line.width, text_width(widest, line.size, line.style)) / 2 + PAD
    return (line.center - half, line.y - line.size * 0.3, line.center + half, line.y + line.size * 0.95)


def filled_texts(layout: Layout, number: int, on: date) -> dict[str, tuple[Line, str]]:
    """Each field's line and the text it holds once filled."""
    texts = {}
    if layout.number is not None:
        symbol = layout.number.text.split("/", 1)[1].strip()
        texts[NUMBER] = (layout.number, f"Số: {document_number(number)}/{symbol}")
    if layout.date is not None:
        place = layout.date.text.split(", ngày", 1)[0]
        texts[DATE] = (layout.date, date_line(place, on))
    if layout.appendix is not None:
        text = re.sub(r"số\s*[\d\u00a0 ]*/", f"số {document_number(number)}/", layout.appendix.text, count=1)
        text = re.sub(r"ngày \d{1,2}/\d{1,2}/\d{4}", f"ngày {date_table(on)}", text, count=1)
        texts[APPENDIX] = (layout.appendix, text)
    return texts


def add_empty_fields(writer, layout: Layout) -> None:
    """Add the fillable fields, empty, in the writer's revision (the signer's, before it signs)."""
    placeholder = filled_texts(layout, 8888, date(2000, 12, 28))
    for name, (line, widest) in placeholder.items():
        _new_field(writer, name, line, _rect(line, widest))


def existing_fields(reader) -> dict[str, object]:
    """The text fields reportgen added, by name."""
    form = reader.root.get("/AcroForm")
    found = {}
    if form is None:
        return found
    for ref in form.get_object().get("/Fields", []):
        field = ref.get_object()
        if field.get("/FT") == "/Tx" and str(field.get("/T")) in (NUMBER, DATE, APPENDIX):
            found[str(field["/T"])] = ref
    return found


def values(reader) -> dict[str, str]:
    """What the clerk filled in: field name -> value ("" where empty)."""
    return {name: str(ref.get_object().get("/V", "")) for name, ref in existing_fields(reader).items()}


def fill(writer, layout: Layout, number: int, on: date) -> None:
    """Fill the number, the date and the appendix note (adding the fields first where there are none)."""
    from pyhanko.pdf_utils import generic

    present = existing_fields(writer.prev)
    for name, (line, text) in filled_texts(layout, number, on).items():
        if name not in present:
            present[name] = _new_field(writer, name, line, _rect(line, text))
        field = present[name].get_object()
        x0, y0, x1, y1 = (float(v) for v in field["/Rect"])
        drawing = appearance.Drawing(x1 - x0, y1 - y0, (appearance.Text(
            text, (x1 - x0) / 2, line.size * 0.3, line.size, line.style, centred=True),), white=True)
        field["/V"] = generic.TextStringObject(text)
        field["/AP"] = generic.DictionaryObject({generic.pdf_name("/N"): _appearance(writer, drawing)})
        writer.update_container(field)


def _appearance(writer, drawing):
    _, stamp = appearance.render(drawing, writer)
    return stamp.register()


def _new_field(writer, name: str, line: Line, rect) -> object:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    page_ref, _ = writer.find_page_for_modification(line.page)
    empty = appearance.Drawing(rect[2] - rect[0], rect[3] - rect[1])
    field = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Annot"),
        pdf_name("/Subtype"): pdf_name("/Widget"),
        pdf_name("/FT"): pdf_name("/Tx"),
        pdf_name("/T"): generic.TextStringObject(name),
        pdf_name("/V"): generic.TextStringObject(""),
        pdf_name("/F"): generic.NumberObject(4),  # Print (PDF/A: printed as shown)
        pdf_name("/Ff"): generic.NumberObject(1),  # ReadOnly: only reportgen fills it, at issuance
        pdf_name("/Rect"): generic.ArrayObject(generic.FloatObject(round(v, 2)) for v in rect),
        pdf_name("/P"): page_ref,
        pdf_name("/DA"): generic.TextStringObject(f"/Helv {line.size:g} Tf 0 g"),
        pdf_name("/AP"): generic.DictionaryObject({pdf_name("/N"): _appearance(writer, empty)}),
    })
    ref = writer.add_object(field)
    page = page_ref.get_object()
    annots = page.get("/Annots")
    if annots is None:
        page["/Annots"] = generic.ArrayObject([ref])
    else:
        annots.get_object().append(ref)
        if isinstance(annots, generic.IndirectObject):
            writer.update_container(annots)
    writer.update_container(page)
    root = writer.root
    form = root.get("/AcroForm")
    if form is None:
        root["/AcroForm"] = writer.add_object(generic.DictionaryObject({pdf_name("/Fields"): generic.ArrayObject()}))
        writer.update_root()
        form = root["/AcroForm"]
    form = form.get_object()
    form["/Fields"].append(ref)
    writer.update_container(form)
    return ref
