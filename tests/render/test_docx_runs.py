"""Inline content to ``w:r`` elements (reportgen/render/docx_runs.py): HTML whitespace collapsed,
no-break spaces kept, formats combined, a line break its own run; the shape of a row's runs."""

from __future__ import annotations

from docx.oxml import OxmlElement
from lxml import etree

from reportgen.render.docx_runs import Runs, shape, texts, words_of, write

PLAIN, BOLD, NOWRAP = frozenset(), frozenset({"bold"}), frozenset({"nowrap"})
INLINES = ((" Kết  quả ", PLAIN), ("quý I", BOLD), (None, PLAIN), ("năm\u00a02022 ", frozenset({"italic", "underline"})),
           ("a b", NOWRAP))
RUNS = [("Kết quả", False, False, False), (" quý I", True, False, False), (None, False, False, False),
        ("năm\u00a02022", False, True, True), (" a\u00a0b", False, False, False)]


def test_whitespace_collapses_between_runs_and_a_line_break_restarts_the_line():
    assert Runs().add(INLINES).runs == RUNS


def test_only_html_spaces_split_words():
    assert words_of("a\tb\n c\u00a0d  ") == ["a", "b", "c\u00a0d"]


def test_a_bold_cell_makes_every_run_bold_even_its_line_breaks():
    assert Runs(bold=True).add(((None, PLAIN), ("x", PLAIN))).runs == [(None, True, False, False), ("x", True, False, False)]
    assert Runs().add((("  ", PLAIN), ("", PLAIN))).runs == []


def test_the_elements_written():
    p = OxmlElement("w:p")
    write(p, RUNS)
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    assert etree.tostring(p, encoding="unicode") == (
        f'<w:p {w}><w:r><w:rPr/><w:t>Kết quả</w:t></w:r>'
        '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve"> quý I</w:t></w:r>'
        '<w:r><w:br/></w:r>'
        '<w:r><w:rPr><w:i/><w:u w:val="single"/></w:rPr><w:t>năm\u00a02022</w:t></w:r>'
        '<w:r><w:rPr/><w:t xml:space="preserve"> a\u00a0b</w:t></w:r></w:p>')


def test_the_shape_is_everything_but_the_texts():
    assert shape(RUNS) == ((False, False, False, False, False), (False, True, False, False, True),
                           (True, False, False, False, False), (False, False, True, True, False),
                           (False, False, False, False, True))
    assert shape([("Xã A", True, False, False)]) == shape([("Xã Mỹ Hòa", True, False, False)])
    assert texts(RUNS) == ["Kết quả", " quý I", "năm\u00a02022", " a\u00a0b"]
