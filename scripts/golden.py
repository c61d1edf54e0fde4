"""Golden files: every file both sample workspaces build, pinned in tests/golden/.

A refactor must not change one byte of the documents. This script builds

- ``sample``: the sample workspace ``inputs/`` (every period, unit and kind),
- ``mau-2025``: the two-tier province sample ``inputs/mau-2025/``, and
- ``chau-thanh``: the second district of tests/chau_thanh.py (every
  period, unit and kind), plus its archive records (PDF/A-3b),

and compares them with two golden files per sample:

- ``tests/golden/<name>.sha256``: the SHA-256 of every file (``sha256sum``'s format), with the
  ``# environment:`` line: the renderers' versions and the font the bytes depend on;
- ``tests/golden/<name>.text``: what each file says, independent of those versions: the text of
  every PDF page, every DOCX paragraph and table cell (headers and footers included), every
  workbook cell's value and the merged ranges, an archive record's metadata (document
  information, XMP, the names of its attachments and the hashes of those reportgen writes
  itself), an HTML file's text.

In the environment of ``requirements.lock`` (``make test``) the environment line matches and
every file is compared byte for byte. Elsewhere (another version of a renderer, another font)
the bytes cannot match, so each file is compared by its text instead, and the comparison says
so: ``Comparison.note`` names what was compared and which versions differ. It never narrows in
silence.

    .venv/bin/python scripts/golden.py                  # compare; exit 1 and list the differences
    .venv/bin/python scripts/golden.py --update         # show a text diff of every changed file
    .venv/bin/python scripts/golden.py --update --yes   # ... and rewrite tests/golden/*

Regenerate only when a change is meant to change the output, and say why in the commit.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import io
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NAMES = ("sample", "mau-2025", "chau-thanh")
# the packages whose versions change PDF, DOCX, XLSX or PNG bytes
RENDERERS = ("weasyprint", "pydyf", "fonttools", "pillow", "python-docx", "lxml", "matplotlib", "pypdf", "pikepdf",
             "openpyxl")
WHAT_TEXT_COMPARES = ("the text of every PDF page, DOCX paragraph and table cell, every workbook value, "
                      "the archive records' metadata and every HTML file")
# document information and XMP entries that name a renderer's version
VERSIONED_METADATA = ("/Producer", "Producer")


def environment() -> str:
    """What binary outputs depend on besides reportgen: renderer versions and the font file."""
    versions = []
    for name in RENDERERS:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    from reportgen.render.fonts import ensure_vietnamese_font
    family = ensure_vietnamese_font()
    import subprocess
    font = subprocess.run(["fc-match", "-f", "%{file}", f"{family}:lang=vi"], capture_output=True,
                          text=True, check=False).stdout.strip()
    digest = hashlib.sha256(Path(font).read_bytes()).hexdigest()[:16] if font and Path(font).is_file() else "?"
    return " ".join(versions + [f"font={Path(font).name}:{digest}"])


def environment_changes(golden_env: str, env: str) -> str:
    """'fonttools 4.68.0 -> 4.69.1, ...': what differs between two environment lines."""
    before = dict(item.split("=", 1) for item in golden_env.split() if "=" in item)
    after = dict(item.split("=", 1) for item in env.split() if "=" in item)
    changes = [f"{k} {before.get(k, 'absent')} -> {after.get(k, 'absent')}"
               for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
    return ", ".join(changes) or env


# --- building -----------------------------------------------------------------------------

def write_chau_thanh(root: Path) -> Path:
    """The second district's workspace (tests/chau_thanh.py) under ``root``."""
    from tests.chau_thanh import CONFIG, FIGURES, MEETING, UNITS
    from tests.conftest import write_workspace

    return write_workspace(root, CONFIG, UNITS, {"xuat-mot-cua.csv": FIGURES}, {"q3.yaml": MEETING})


def cli(*args: str) -> None:
    from click.testing import CliRunner

    from reportgen.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    if result.exit_code != 0:
        raise RuntimeError(f"reportgen {' '.join(map(str, args))} exited {result.exit_code}:\n{result.output}")


def files_of(folder: Path, prefix: str, pattern: str = "*") -> dict[str, Path]:
    """The documents under ``folder`` by golden path (not the build's own state in ``.reportgen/``)."""
    return {f"{prefix}/{p.relative_to(folder).as_posix()}": p
            for p in sorted(folder.rglob(pattern))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)}


def build_all(tmp: Path) -> dict[str, dict[str, Path]]:
    """Build the three samples under ``tmp``; name -> (golden path -> file)."""
    cli("build", "-w", ROOT / "inputs", "-o", tmp / "sample-out")
    cli("build", "-w", ROOT / "inputs" / "mau-2025", "-o", tmp / "mau-2025-out")
    chau_thanh = write_chau_thanh(tmp / "chau-thanh")
    cli("build", "-w", chau_thanh, "-o", tmp / "chau-thanh-out")
    cli("archive", "-w", chau_thanh, "-a", tmp / "chau-thanh-archive", "--built", tmp / "chau-thanh-out")
    return files_built(tmp)


def files_built(tmp: Path) -> dict[str, dict[str, Path]]:
    """The files :func:`build_all` built under ``tmp``; name -> (golden path -> file)."""
    return {
        "sample": files_of(tmp / "sample-out", "outputs"),
        "mau-2025": files_of(tmp / "mau-2025-out", "outputs"),
        "chau-thanh": {**files_of(tmp / "chau-thanh-out", "outputs"),
                       **files_of(tmp / "chau-thanh-archive", "archive", "*.pdf")},
    }


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- what a file says, whatever the renderers' versions ----------------------------------------

def extract(path: Path) -> str:
    """The version-independent content of one built file, as lines of text (no trailing spaces)."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        text = _pdf_text(path.read_bytes())
    elif suffix == ".docx":
        text = _docx_text(path.read_bytes())
    elif suffix == ".xlsx":
        text = _xlsx_text(path.read_bytes())
    elif suffix in (".html", ".csv", ".json", ".jsonl", ".yaml", ".txt"):
        text = path.read_text(encoding="utf-8")
    else:
        text = f"{suffix} file, {path.stat().st_size} bytes (not compared by content)"
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    lines = []
    for number, page in enumerate(reader.pages, 1):
        box = [round(float(v)) for v in page.mediabox]
        lines.append(f"--- page {number} ({box[2] - box[0]} x {box[3] - box[1]} pt)")
        lines += [line.rstrip() for line in page.extract_text().splitlines()]
    return "\n".join(lines + _pdf_metadata(reader))


def _pdf_metadata(reader) -> list[str]:
    """Document information, XMP values and attachments (an archive record's), less the renderer's name."""
    from lxml import etree

    lines = ["--- document information"]
    lines += [f"{key}: {value}" for key, value in sorted((reader.metadata or {}).items())
              if key not in VERSIONED_METADATA]
    if "/Metadata" not in reader.trailer["/Root"]:
        return lines
    lines.append("--- XMP")
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    for element in etree.fromstring(xmp).iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        for attribute, value in sorted(element.attrib.items()):
            local = etree.QName(attribute).localname
            if local not in VERSIONED_METADATA and local not in ("about", "lang", "parseType"):
                lines.append(f"{local}: {value}")
        if element.text and element.text.strip() and name not in VERSIONED_METADATA:
            lines.append(f"{name}: {element.text.strip()}")
    if reader.attachments:
        lines.append("--- attachments")
    for name, contents in sorted(reader.attachments.items()):
        # a DOCX's bytes depend on python-docx and lxml; the other sources are reportgen's own bytes
        digest = "" if name.endswith(".docx") else f" sha256={hashlib.sha256(contents[0]).hexdigest()}"
        lines.append(f"{name}{digest}")
    return lines


def _docx_text(data: bytes) -> str:
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(io.BytesIO(data))

    def blocks(element) -> list[str]:
        out = []
        for child in element.iterchildren():
            if child.tag == qn("w:p"):
                out.append("".join(t.text or "" for t in child.iter(qn("w:t"))))
            elif child.tag == qn("w:tbl"):
                for row in child.iter(qn("w:tr")):
                    cells = [" / ".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in cell.iter(qn("w:p")))
                             for cell in row.iter(qn("w:tc"))]
                    out.append(" | ".join(cells))
        return out

    lines = ["--- body", *blocks(document.element.body)]
    for number, section in enumerate(document.sections, 1):
        lines.append(f"--- section {number}: {section.orientation.name.lower()}, "
                     f"{round(section.page_width.mm)} x {round(section.page_height.mm)} mm")
        for label, part in (("header", section.header), ("first-page header", section.first_page_header),
                            ("footer", section.footer), ("first-page footer", section.first_page_footer)):
            if not part.is_linked_to_previous:
                text = [line for line in blocks(part._element) if line]
                if text:
                    lines += [f"- {label}", *text]
    return "\n".join(lines)


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    lines = []
    for sheet in workbook.worksheets:
        lines.append(f"--- sheet {sheet.title}: {sheet.dimensions}, merged {sorted(map(str, sheet.merged_cells.ranges))}")
        for row in sheet.iter_rows():
            cells = [f"{cell.coordinate}={cell.value!r}" for cell in row if cell.value is not None]
            if cells:
                lines.append(" ".join(cells))
    return "\n".join(lines)


# --- golden files ----------------------------------------------------------------------------

def read_golden(name: str) -> tuple[str, dict[str, str]]:
    """(environment, path -> sha256) of ``tests/golden/<name>.sha256``."""
    env, hashes = "", {}
    for line in (GOLDEN / f"{name}.sha256").read_text(encoding="utf-8").splitlines():
        if line.startswith("# environment: "):
            env = line.removeprefix("# environment: ")
        elif line and not line.startswith("#"):
            digest, path = line.split("  ", 1)
            hashes[path] = digest
    return env, hashes


def read_texts(name: str) -> dict[str, str]:
    """path -> extracted text, from ``tests/golden/<name>.text`` (lines ``=== path`` then ``| text``)."""
    texts: dict[str, list[str]] = {}
    current = None
    for line in (GOLDEN / f"{name}.text").read_text(encoding="utf-8").splitlines():
        if line.startswith("=== "):
            current = texts.setdefault(line[4:], [])
        elif line.startswith("|") and current is not None:
            current.append(line[2:])
    return {path: "\n".join(lines) for path, lines in texts.items()}


def write_golden(name: str, hashes: dict[str, str], texts: dict[str, str], env: str) -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    lines = [f"# sha256 of every file of the {name!r} sample; regenerate: python scripts/golden.py --update",
             f"# environment: {env}"]
    lines += [f"{digest}  {path}" for path, digest in sorted(hashes.items())]
    (GOLDEN / f"{name}.sha256").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = [f"# what every file of the {name!r} sample says, whatever the renderers' versions "
             "(scripts/golden.py); compared when the environment is not the golden one"]
    for path, text in sorted(texts.items()):
        lines.append(f"=== {path}")
        lines += [f"| {line}" if line else "|" for line in text.split("\n")]
    (GOLDEN / f"{name}.text").write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass
class Comparison:
    problems: list[str]   # "<name>: changed|missing|new file <path>"
    note: str             # what was compared, and why
    byte_for_byte: bool


def compare(name: str, files: dict[str, Path], env: str) -> Comparison:
    """Compare built files with the golden ones: byte for byte in the golden environment, by
    their text (``extract``) in any other, saying which."""
    golden_env, golden = read_golden(name)
    built = {path: sha256(file) for path, file in files.items()}
    problems = [f"{name}: missing {p}" for p in sorted(set(golden) - set(built))]
    problems += [f"{name}: new file {p}" for p in sorted(set(built) - set(golden))]
    common = sorted(set(golden) & set(built))
    if golden_env == env:
        problems += [f"{name}: changed {p}" for p in common if golden[p] != built[p]]
        return Comparison(problems, f"{name}: {len(common)} files compared byte for byte "
                                    "(the environment is the golden files' one)", True)
    texts = read_texts(name)
    same_bytes = [p for p in common if golden[p] == built[p]]
    by_text = [p for p in common if golden[p] != built[p]]
    problems += [f"{name}: changed {p} (text)" for p in by_text if texts.get(p) != extract(files[p])]
    note = (f"{name}: the environment differs from the golden files' ({environment_changes(golden_env, env)}), "
            f"so bytes cannot be compared: {len(same_bytes)} of {len(common)} files are byte-identical anyway, "
            f"the other {len(by_text)} were compared by what does not depend on versions: {WHAT_TEXT_COMPARES}")
    return Comparison(problems, note, False)


def text_diff(name: str, path: str, old: str, new: str) -> str:
    lines = list(difflib.unified_diff(old.splitlines(), new.splitlines(), f"golden/{path}", f"built/{path}",
                                      lineterm="", n=2))
    return "\n".join(lines) if lines else f"{path}: bytes changed, text identical"


def update(built: dict[str, dict[str, Path]], env: str, write: bool, out=sys.stdout) -> int:
    """Print a text diff of every changed, new or missing file; rewrite the golden files if ``write``."""
    changed = 0
    for name, files in built.items():
        golden_env, golden = read_golden(name)
        old_texts = read_texts(name) if (GOLDEN / f"{name}.text").exists() else {}
        hashes = {path: sha256(file) for path, file in files.items()}
        texts = {path: extract(file) for path, file in files.items()}
        if golden_env != env:
            print(f"{name}: environment {environment_changes(golden_env, env)}", file=out)
        for path in sorted(set(golden) | set(hashes)):
            if golden.get(path) == hashes.get(path) and path in old_texts:
                continue
            changed += 1
            if path not in hashes:
                print(f"{name}: missing {path}", file=out)
            elif path not in golden:
                print(f"{name}: new file {path}", file=out)
            print(text_diff(name, path, old_texts.get(path, ""), texts.get(path, "")), file=out)
        if write:
            write_golden(name, hashes, texts, env)
            print(f"tests/golden/{name}.sha256, {name}.text: {len(hashes)} files", file=out)
    if not write:
        print(f"{changed} files differ from tests/golden/; nothing written: "
              "run again with --update --yes to rewrite the golden files", file=out)
        return 1 if changed else 0
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="show a text diff of every changed file")
    parser.add_argument("--yes", action="store_true", help="with --update: rewrite tests/golden/*")
    args = parser.parse_args()
    if args.yes and not args.update:
        parser.error("--yes goes with --update")
    env = environment()
    with tempfile.TemporaryDirectory(prefix="reportgen-golden-") as tmp:
        built = build_all(Path(tmp))
        if args.update:
            return update(built, env, write=args.yes)
        comparisons = [compare(name, files, env) for name, files in built.items()]
    for comparison in comparisons:
        print(comparison.note)
        for line in comparison.problems:
            print(line)
    problems = sum(len(c.problems) for c in comparisons)
    print(f"{sum(map(len, built.values()))} files, {problems} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
