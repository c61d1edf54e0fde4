"""Inline content to ``w:r`` elements, built with lxml rather than python-docx's run objects.

The subset's inline pieces (text and format) become runs: HTML whitespace collapsed (no-break
spaces kept), a ``<br>`` a run holding ``w:br``, bold, italic and underline combined. The runs
are first worked out as plain tuples (:class:`Runs`), then written (:func:`write`), so a data
table can tell from their :func:`shape` that a row looks like one it has already written and
copy that one (:mod:`docx_tables`).

The elements are the ones python-docx made (``add_run``, then ``bold``/``italic``/
``underline`` set to True or None): every text run has a ``w:rPr``, empty when plain; a
line-break run has none unless the whole cell is bold; ``w:t`` keeps its spaces
(``xml:space="preserve"``) when it starts or ends with whitespace. A python-docx run
object and its property setters cost about 0.2 ms a run; a 3,000-row table has 45,000.
"""

from __future__ import annotations

from docx.oxml.ns import qn
from lxml.etree import SubElement

from reportgen.render.subset import SPACES  # HTML whitespace: collapsed; no-break spaces (U+00A0) are kept

_R, _RPR, _B, _I, _U, _T, _BR, _VAL = (qn(f"w:{name}") for name in ("r", "rPr", "b", "i", "u", "t", "br", "val"))
_XML_SPACE = qn("xml:space")
TEXT = _T  # the text elements' tag: a copied row's texts are found by it

# One run: (text, or None for a line break; bold, italic, underline)
Run = tuple[str | None, bool, bool, bool]


class Runs:
    """The runs of one paragraph, worked out from the subset's inline pieces."""

    def __init__(self, bold: bool = False):
        self.bold = bold  # every run bold (a total row's cells)
        self.runs: list[Run] = []
        self.pending_space = False
        self.started = False

    def add(self, inlines: tuple) -> Runs:
        """The subset's inline pieces: (text, format), or (None, format) for a line break."""
        for text, fmt in inlines:
            if text is None:
                self.runs.append((None, self.bold, False, False))
                self.pending_space, self.started = False, False
            else:
                self.text(text, fmt)
        return self

    def text(self, text: str | None, fmt: frozenset) -> None:
        if not text:
            return
        words = " ".join(words_of(text))
        if not words:
            self.pending_space = self.pending_space or self.started
            return
        if "nowrap" in fmt:
            words = words.replace(" ", "\u00a0")
        if (text[0] in SPACES or self.pending_space) and self.started:
            words = " " + words
        self.runs.append((words, self.bold or "bold" in fmt, "italic" in fmt, "underline" in fmt))
        self.started = True
        self.pending_space = text[-1] in SPACES


def words_of(text: str) -> list[str]:
    """HTML whitespace collapsing: split on the HTML spaces only (not on U+00A0)."""
    for space in SPACES[1:]:
        text = text.replace(space, " ")
    return [w for w in text.split(" ") if w]


def _preserve(text: str) -> bool:
    return len(text.strip()) < len(text)


def write(p, runs: list[Run]) -> None:
    """Append ``runs`` to the paragraph element ``p``. A text never holds a tab or line
    feed (:func:`words_of` made them spaces), so each is one ``w:t``."""
    for text, bold, italic, underline in runs:
        run = SubElement(p, _R)
        if text is None:
            if bold:
                SubElement(SubElement(run, _RPR), _B)
            SubElement(run, _BR)
            continue
        properties = SubElement(run, _RPR)
        if bold:
            SubElement(properties, _B)
        if italic:
            SubElement(properties, _I)
        if underline:
            SubElement(properties, _U).set(_VAL, "single")
        t = SubElement(run, _T)
        t.text = text
        if _preserve(text):
            t.set(_XML_SPACE, "preserve")


def shape(runs: list[Run]) -> tuple:
    """Everything :func:`write` makes of ``runs`` except the texts: equal shapes, equal
    elements once the ``w:t`` texts (:func:`texts`, in document order) are set."""
    return tuple((text is None, bold, italic, underline, text is not None and _preserve(text))
                 for text, bold, italic, underline in runs)


def texts(runs: list[Run]) -> list[str]:
    return [run[0] for run in runs if run[0] is not None]

