"""Validate the XML parts of a DOCX against the ECMA-376 transitional XSDs (ISO/IEC 29500-4:2016).

The schemas come from the PyPI package ``claude-skills==0.0.1`` (a test-only dependency, see
docs/architecture.md): no Debian or npm package ships them. Each file used is pinned by its
SHA-256 below, so a changed package is reported as such instead of being trusted.

Before validation each part goes through Markup Compatibility processing (ECMA-376 Part 3), as a
conforming consumer does: Word writes ``mc:Ignorable="w14"`` and elements and attributes from
Office 2010+ namespaces that the transitional schemas do not define. Only those namespaces are
dropped; anything else stays and is validated.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import zipfile
from functools import cache
from pathlib import Path

from lxml import etree

PACKAGE = "claude-skills"
VERSION = "0.0.1"
SCHEMAS = "claude_skills/skills/xlsx/scripts/office/schemas"
ISO = "ISO-IEC29500-4_2016"
OPC = "ecma/fouth-edition"  # sic: the package's own folder name

# every file that the five schemas below load (their imports included) with its SHA-256; loading
# any other is refused (_PinnedOnly)
PINNED = {
    f"{ISO}/wml.xsd": "c2dd9f61f892deae6acd8d20771ea79b12018af25f3bf8d06639c8542d218cfd",
    f"{ISO}/dml-main.xsd": "5375417f0f5394b8dd1a7035b9679151f19a6b65df309dec10cfb4a420cb00e9",
    f"{ISO}/dml-wordprocessingDrawing.xsd": "bdad416b096b61d37b71603b2c949484f9070c830bdaeba93bf35e15c8900614",
    f"{ISO}/dml-picture.xsd": "5d389d42befbebd91945d620242347caecd3367f9a3a7cf8d97949507ae1f53c",
    f"{ISO}/dml-diagram.xsd": "29b254ee0d10414a8504b5a08149c7baec35a60d5ff607d6b3f492aa36815f40",
    f"{ISO}/dml-chart.xsd": "41b93bd8857cc68b1e43be2806a872d736a9bdd6566900062d8fdb57d7bbb354",
    f"{ISO}/dml-chartDrawing.xsd": "3fd0586f2637b98bb9886f0e0b67d89e1cc987c2d158cc7deb5f5b9890ced412",
    f"{ISO}/dml-lockedCanvas.xsd": "5cb76dabd8b97d1e9308a1700b90c20139be4d50792d21a7f09789f5cccd6026",
    f"{ISO}/shared-math.xsd": "3213ef1631606250f5010b42cad7ef716f7c59426367798e33c374c0ec391d3a",
    f"{ISO}/shared-relationshipReference.xsd": "12264f3c03d738311cd9237d212f1c07479e70f0cbe1ae725d29b36539aef637",
    f"{ISO}/shared-commonSimpleTypes.xsd": "e2abacbb9a55ce1365f8961bc1b1395bbc811e512b111000d8c333f98458dece",
    f"{ISO}/shared-customXmlSchemaProperties.xsd": "0d103b99a4a8652f8871552a69d42d2a3760ac6a5e3ef02d979c4273257ff6a4",
    f"{ISO}/shared-documentPropertiesExtended.xsd": "bc92e36ccd233722d4c5869bec71ddc7b12e2df56059942cce5a39065cc9c368",
    f"{ISO}/shared-documentPropertiesVariantTypes.xsd": "7b5b7413e2c895b1e148e82e292a117d53c7ec65b0696c992edca57b61b4a74b",
    f"{ISO}/xml.xsd": "a539aa2fb154fa50e0f5cc97e6ad7cbc66f8ec3e3746f61ec6a8b0d5d15ecdf2",
    "mce/mc.xsd": "3a37e461ecf5a8670fdec34029703401f8728ab9c96ec1739a6ae58d55212413",
    f"{OPC}/opc-contentTypes.xsd": "9e0b7209fc69ab11987900404540969976000c5ebe4d4f58c43dc3842886bf3a",
    f"{OPC}/opc-relationships.xsd": "f565adfef5a502044abc3a9153e157edc25af78304d335994afb958874b15e26",
}

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML = "http://www.w3.org/XML/1998/namespace"

# the schema for each part, by the namespace of its root element
SCHEMA_FOR_ROOT = {
    W: f"{ISO}/wml.xsd",  # document, styles, settings, webSettings, fontTable, numbering, hdr, ftr, ...
    "http://schemas.openxmlformats.org/drawingml/2006/main": f"{ISO}/dml-main.xsd",  # the theme
    "http://schemas.openxmlformats.org/package/2006/content-types": f"{OPC}/opc-contentTypes.xsd",
    "http://schemas.openxmlformats.org/package/2006/relationships": f"{OPC}/opc-relationships.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties":
        f"{ISO}/shared-documentPropertiesExtended.xsd",  # docProps/app.xml
}
# docProps/core.xml is not validated: opc-coreProperties.xsd imports the Dublin Core schemas by
# their web address, and no package ships them (tests run offline).
NOT_VALIDATED = {"docProps/core.xml"}


class SchemaPackageChanged(AssertionError):
    pass


def schema_root() -> Path:
    dist = importlib.metadata.distribution(PACKAGE)  # located, never imported: we only read its files
    if dist.version != VERSION:
        raise SchemaPackageChanged(f"{PACKAGE} {dist.version} is installed; the pinned schemas are from {VERSION}")
    return Path(dist.locate_file(SCHEMAS))


@cache
def checked_schema_root() -> Path:
    """The schema folder, once every pinned file is found to be exactly the one reviewed."""
    root = schema_root()
    changed = [f"{name}: sha256 {hashlib.sha256((root / name).read_bytes()).hexdigest()}, pinned {digest}"
               for name, digest in PINNED.items()
               if not (root / name).is_file() or hashlib.sha256((root / name).read_bytes()).hexdigest() != digest]
    if changed:
        raise SchemaPackageChanged(f"the ECMA-376 schemas of {PACKAGE}=={VERSION} are not the reviewed ones "
                                   f"(in {root}):\n" + "\n".join(changed))
    return root


class _PinnedOnly(etree.Resolver):
    """A schema may load only the pinned files (checked above): no network, nothing unreviewed."""

    def __init__(self, root: Path):
        super().__init__()
        self.root = root.resolve()
        self.refused: list[str] = []

    def resolve(self, url, pubid, context):
        path = Path(url.removeprefix("file://")).resolve()
        name = path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else url
        if name not in PINNED:  # libxml2 turns an exception here into a bare "failed to parse"
            self.refused.append(name)
            return self.resolve_string("", context)  # so the refusal is kept and reported by schema()
        return None  # the default loader reads the local file


@cache
def schema(name: str) -> etree.XMLSchema:
    root = checked_schema_root()
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    resolver = _PinnedOnly(root)
    parser.resolvers.add(resolver)
    try:
        return etree.XMLSchema(etree.parse(str(root / name), parser))
    except etree.XMLSchemaParseError:
        if resolver.refused:
            raise SchemaPackageChanged(f"{name} loads {', '.join(resolver.refused)}, not among the pinned files")
        raise


@cache
def understood() -> frozenset[str]:
    """The namespaces the transitional schemas in use define (each pinned file's targetNamespace),
    plus xml:. Markup Compatibility treats every other namespace as not understood."""
    root = checked_schema_root()
    return frozenset({etree.parse(str(root / name)).getroot().get("targetNamespace") for name in PINNED} | {XML})


def _namespaces(prefixes: str, element: etree._Element) -> set[str]:
    return {element.nsmap[p] for p in prefixes.split()}


def mce_process(element: etree._Element, ignorable: frozenset[str] = frozenset()) -> None:
    """ECMA-376 Part 3 preprocessing in place, for an element whose parent is already processed.

    - mc:Ignorable (inherited by descendants) lists namespaces a consumer may ignore: an element or
      attribute from such a namespace that is not understood is removed, with its content.
    - mc:AlternateContent is replaced by the content of its first mc:Choice whose Requires
      namespaces are all understood, otherwise by its mc:Fallback's, otherwise by nothing.
    - the mc: attributes themselves are removed (mc:ProcessContent, mc:MustUnderstand and any not
      understood namespace that is not ignorable stay, so that the schema reports them).
    """
    known = understood()
    if (value := element.get(f"{{{MC}}}Ignorable")) is not None:
        ignorable = ignorable | _namespaces(value, element)
        del element.attrib[f"{{{MC}}}Ignorable"]
    for name in list(element.attrib):
        space = etree.QName(name).namespace
        if space and space not in known and space in ignorable:
            del element.attrib[name]
    for child in list(element):
        if not isinstance(child.tag, str):  # comments, processing instructions
            continue
        space = etree.QName(child).namespace
        if child.tag == f"{{{MC}}}AlternateContent":
            chosen = next((c for c in child if c.tag == f"{{{MC}}}Choice"
                           and _namespaces(c.get("Requires", ""), c) <= known), None)
            if chosen is None:
                chosen = child.find(f"{{{MC}}}Fallback")
            replacement = [] if chosen is None else list(chosen)
            index = element.index(child)
            element.remove(child)
            for offset, item in enumerate(replacement):
                element.insert(index + offset, item)
                if isinstance(item.tag, str):
                    mce_process(item, ignorable)
        elif space and space not in known and space in ignorable:
            element.remove(child)
        else:
            mce_process(child, ignorable)


def xml_parts(docx: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(docx) as package:
        return {name: package.read(name) for name in package.namelist() if name.endswith((".xml", ".rels"))}


@cache  # the same bytes recur in many documents (styles, theme, settings, ...): checked once
def validate_part(data: bytes) -> tuple[str, ...]:
    """The schema's messages for one part after Markup Compatibility processing (() when valid)."""
    tree = etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False))
    space = etree.QName(tree).namespace
    if space not in SCHEMA_FOR_ROOT:
        return (f"no schema for a root element in {space}",)
    mce_process(tree)
    checker = schema(SCHEMA_FOR_ROOT[space])
    if checker.validate(tree):
        return ()
    return tuple(f"line {e.line}: {e.message}" for e in checker.error_log)


def validate_docx(docx: Path) -> dict[str, tuple[str, ...]]:
    """Every XML part of the package (but docProps/core.xml) with the schema's messages, if any."""
    return {name: messages for name, data in xml_parts(docx).items()
            if name not in NOT_VALIDATED and (messages := validate_part(data))}
