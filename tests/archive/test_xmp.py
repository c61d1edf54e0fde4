"""reportgen.archive.xmp: the record's XMP fields (standard, vb:, and the PDF/A extension schema
declaring the vb: properties), and the packet read back flat."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest

from reportgen.archive import xmp
from tests.tiny_pdf import FIELDS

NS = {"rdf": xmp.RDF, "pdfaExtension": xmp.PDFA_EXTENSION, "pdfaSchema": xmp.PDFA_SCHEMA,
      "pdfaProperty": xmp.PDFA_PROPERTY}


def packet(rdf: bytes) -> bytes:
    return b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + rdf + b"</x:xmpmeta>"


def test_the_fields_read_back_as_written():
    found = xmp.read_xmp(packet(xmp.rdf_xml(FIELDS, 3)))
    assert found["dc:language"] == "vi" and found["xmpTPg:NPages"] == "3"
    assert {name: found[f"vb:{name}"] for name in xmp.VB_FIELDS} == {
        "documentType": "THÔNG BÁO", "number": "", "symbol": "TB-VP", "issueDate": "2022-03-15",
        "issuer": "Văn phòng HĐND và UBND huyện", "signer": "Trần Thị Quý", "signerTitle": "Chánh Văn phòng",
        "kind": "thong-bao", "unit": "TM", "period": "2022-Q1", "periodName": "quý I năm 2022",
        "generator": "reportgen", "generatorVersion": "1.0"}


def test_a_missing_or_empty_field_is_written_empty_and_values_are_escaped():
    found = xmp.read_xmp(packet(xmp.rdf_xml({"language": "vi", "number": None, "signer": "<A & B>"}, 1)))
    assert (found["vb:number"], found["vb:symbol"], found["vb:signer"]) == ("", "", "<A & B>")


def test_the_extension_schema_declares_every_vb_property_as_external_text():
    rdf = ET.fromstring(xmp.rdf_xml(FIELDS, 1))
    [schema] = rdf.findall(".//pdfaExtension:schemas/rdf:Bag/rdf:li", NS)
    assert schema.find("pdfaSchema:schema", NS).text == "reportgen: văn bản hành chính (Nghị định 30/2020)"
    assert schema.find("pdfaSchema:namespaceURI", NS).text == xmp.VB
    assert schema.find("pdfaSchema:prefix", NS).text == "vb"
    properties = schema.findall("pdfaSchema:property/rdf:Seq/rdf:li", NS)
    assert [p.find("pdfaProperty:name", NS).text for p in properties] == list(xmp.VB_FIELDS)
    assert {(p.find("pdfaProperty:valueType", NS).text, p.find("pdfaProperty:category", NS).text)
            for p in properties} == {("Text", "external")}
    assert properties[0].find("pdfaProperty:description", NS).text == "Tên loại văn bản (BÁO CÁO, THÔNG BÁO...)"


def test_read_xmp_takes_attributes_and_lists_and_keeps_the_first_value():
    found = xmp.read_xmp(packet(
        f'<rdf:RDF xmlns:rdf="{xmp.RDF}" xmlns:dc="{xmp.DC}" xmlns:pdfaid="{xmp.PDFAID}" xmlns:o="urn:other">'
        '<rdf:Description rdf:about="" pdfaid:part="3" pdfaid:conformance="B">'
        '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Báo cáo</rdf:li></rdf:Alt></dc:title>'
        '<dc:creator><rdf:Seq><rdf:li>UBND</rdf:li><rdf:li>VP</rdf:li></rdf:Seq></dc:creator>'
        '<o:thing>x</o:thing></rdf:Description>'
        '<rdf:Description rdf:about="" pdfaid:part="2"><dc:title>khác</dc:title></rdf:Description>'
        '</rdf:RDF>'.encode()))
    assert found == {"rdf:about": "", "pdfaid:part": "3", "pdfaid:conformance": "B", "dc:title": "Báo cáo",
                     "dc:creator": "UBND; VP", "urn:other:thing": "x"}


def test_a_malformed_packet_raises():
    with pytest.raises(ET.ParseError):
        xmp.read_xmp(b"<x:xmpmeta")
