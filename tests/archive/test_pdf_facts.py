"""reportgen.archive.pdf_facts: what verification reads from a PDF (pages, XMP, fonts without
their program, embedded files, interpolated images), on PDFs made by tests/tiny_pdf.py."""

from __future__ import annotations

import pytest
from pypdf.errors import PdfReadError

from reportgen.archive.pdf_facts import PdfFacts, read_pdf
from tests.tiny_pdf import FIELDS, tiny_pdf


def test_a_clean_record():
    facts = read_pdf(tiny_pdf(pages=2, attachments={"so-lieu.csv": b"ky\n", "hop.yaml": b"a: 1\n"}))
    assert (facts.pages, facts.unembedded_fonts, facts.interpolated_images) == (2, [], 0)
    assert facts.attachments == {"so-lieu.csv": b"ky\n", "hop.yaml": b"a: 1\n"}
    assert facts.xmp["pdfaid:part"] == "3" and facts.xmp["pdfaid:conformance"] == "B"
    assert facts.xmp["vb:signer"] == FIELDS["signer"] and facts.xmp["xmpTPg:NPages"] == "2"


def test_what_pdf_a_forbids_is_counted():
    facts = read_pdf(tiny_pdf(bare_font="Helvetica", interpolated=3))
    assert facts.unembedded_fonts == ["Helvetica"]
    assert facts.interpolated_images == 3


def test_no_xmp_packet_is_none():
    assert read_pdf(tiny_pdf(xmp_packet=False)) == PdfFacts(1, None, [], {}, 0)


@pytest.mark.parametrize("data", [b"", b"not a pdf", tiny_pdf()[:-200]])
def test_what_is_not_a_whole_pdf_raises(data):
    with pytest.raises(PdfReadError):
        read_pdf(data)
