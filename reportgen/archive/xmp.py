"""The record's XMP metadata: what WeasyPrint writes, plus the administrative-document fields.

WeasyPrint writes the PDF/A identification (``pdfaid:part``, ``pdfaid:conformance``),
``dc:title`` (the subject line), ``dc:creator`` (the issuing body), ``dc:description``
(the document type), ``xmp:CreatorTool`` (``reportgen <version>``) and the dates. This
module makes a second ``rdf:RDF`` that WeasyPrint adds to the same ``x:xmpmeta`` through
its public ``xmp_metadata`` option (WeasyPrint 68+), with:

- ``dc:language`` (``vi``) and ``xmpTPg:NPages`` (page count), from standard schemas;
- the ``vb:`` properties (namespace :data:`VB`): ``documentType``, ``number``, ``symbol``,
  ``issueDate``, ``issuer``, ``signer``, ``signerTitle``, ``kind``, ``unit``, ``period``,
  ``periodName`` (the period in words, as the title says it), ``generator``, ``generatorVersion``;
- the PDF/A extension schema that declares the ``vb:`` properties, as PDF/A requires for
  properties outside its predefined schemas.
"""

from __future__ import annotations

from collections.abc import Mapping
from xml.etree import ElementTree as ET

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"
XMP_TPG = "http://ns.adobe.com/xap/1.0/t/pg/"
PDFAID = "http://www.aiim.org/pdfa/ns/id/"
PDFA_EXTENSION = "http://www.aiim.org/pdfa/ns/extension/"
PDFA_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
PDFA_PROPERTY = "http://www.aiim.org/pdfa/ns/property#"
VB = "https://reportgen.invalid/ns/van-ban/1.0/"
SCHEMA_NAME = "reportgen: văn bản hành chính (Nghị định 30/2020)"
PREFIXES = {
    "rdf": RDF, "dc": DC, "xmpTPg": XMP_TPG, "pdfaid": PDFAID, "vb": VB,
    "pdfaExtension": PDFA_EXTENSION, "pdfaSchema": PDFA_SCHEMA, "pdfaProperty": PDFA_PROPERTY,
    "xmp": "http://ns.adobe.com/xap/1.0/", "pdf": "http://ns.adobe.com/pdf/1.3/",
}
for _prefix, _uri in PREFIXES.items():
    ET.register_namespace(_prefix, _uri)

# vb: property -> (record field, description)
VB_FIELDS = {
    "documentType": ("document_type", "Tên loại văn bản (BÁO CÁO, THÔNG BÁO...)"),
    "number": ("number", "Số của văn bản (trống nếu chưa cấp số)"),
    "symbol": ("symbol", "Ký hiệu của văn bản (BC-UBND...)"),
    "issueDate": ("date", "Ngày ban hành (ISO 8601)"),
    "issuer": ("issuer", "Cơ quan, tổ chức ban hành"),
    "signer": ("signer", "Người ký"),
    "signerTitle": ("signer_title", "Chức vụ người ký"),
    "kind": ("kind", "Loại văn bản trong reportgen"),
    "unit": ("unit", "Mã đơn vị"),
    "period": ("period", "Kỳ báo cáo (2022-Q1)"),
    "periodName": ("period_name", "Kỳ báo cáo bằng chữ (quý I năm 2022, 6 tháng đầu năm 2026)"),
    "generator": ("generator", "Phần mềm lập văn bản"),
    "generatorVersion": ("generator_version", "Phiên bản phần mềm"),
}


def _q(prefix: str, name: str) -> str:
    return f"{{{PREFIXES[prefix]}}}{name}"


def _description(parent: ET.Element | None = None) -> ET.Element:
    attrib = {_q("rdf", "about"): ""}
    return ET.Element(_q("rdf", "Description"), attrib) if parent is None else \
        ET.SubElement(parent, _q("rdf", "Description"), attrib)


def rdf_xml(fields: Mapping[str, str], pages: int) -> bytes:
    """The ``rdf:RDF`` element to add to the packet, as UTF-8 XML."""
    rdf = ET.Element(_q("rdf", "RDF"))
    rdf.extend([_standard(fields, pages), _vb(fields), _extension_schema()])
    return ET.tostring(rdf, encoding="unicode").encode("utf-8")


def _standard(fields: Mapping[str, str], pages: int) -> ET.Element:
    element = _description()
    bag = ET.SubElement(ET.SubElement(element, _q("dc", "language")), _q("rdf", "Bag"))
    ET.SubElement(bag, _q("rdf", "li")).text = fields["language"]
    ET.SubElement(element, _q("xmpTPg", "NPages")).text = str(pages)
    return element


def _vb(fields: Mapping[str, str]) -> ET.Element:
    element = _description()
    for name, (field, _) in VB_FIELDS.items():
        ET.SubElement(element, _q("vb", name)).text = str(fields.get(field) or "")
    return element


def _extension_schema() -> ET.Element:
    element = _description()
    bag = ET.SubElement(ET.SubElement(element, _q("pdfaExtension", "schemas")), _q("rdf", "Bag"))
    schema = ET.SubElement(bag, _q("rdf", "li"), {_q("rdf", "parseType"): "Resource"})
    ET.SubElement(schema, _q("pdfaSchema", "schema")).text = SCHEMA_NAME
    ET.SubElement(schema, _q("pdfaSchema", "namespaceURI")).text = VB
    ET.SubElement(schema, _q("pdfaSchema", "prefix")).text = "vb"
    seq = ET.SubElement(ET.SubElement(schema, _q("pdfaSchema", "property")), _q("rdf", "Seq"))
    for name, (_, text) in VB_FIELDS.items():
        prop = ET.SubElement(seq, _q("rdf", "li"), {_q("rdf", "parseType"): "Resource"})
        ET.SubElement(prop, _q("pdfaProperty", "name")).text = name
        ET.SubElement(prop, _q("pdfaProperty", "valueType")).text = "Text"
        ET.SubElement(prop, _q("pdfaProperty", "category")).text = "external"
        ET.SubElement(prop, _q("pdfaProperty", "description")).text = text
    return element


def read_xmp(packet: bytes) -> dict[str, str]:
    """Flatten an XMP packet: ``"prefix:name"`` -> text (list values joined with ``"; "``).

    Simple properties may be attributes of ``rdf:Description`` (as WeasyPrint writes
    ``pdfaid:part``) or child elements; ``rdf:Alt``/``Seq``/``Bag`` give their items.
    Raises ``ET.ParseError`` on malformed XML.
    """
    root = ET.fromstring(packet)
    names = {uri: prefix for prefix, uri in PREFIXES.items()}
    found: dict[str, str] = {}
    for description in root.iter(_q("rdf", "Description")):
        for key, value in description.attrib.items():
            found.setdefault(_short(key, names), value)
        for child in description:
            found.setdefault(_short(child.tag, names), _text(child))
    return found


def _short(tag: str, names: Mapping[str, str]) -> str:
    uri, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return f"{names.get(uri, uri)}:{local}"


def _text(element: ET.Element) -> str:
    items = [li.text or "" for li in element.iter(_q("rdf", "li")) if len(li) == 0]
    return "; ".join(items) if items else (element.text or "")
