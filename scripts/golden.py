"""Golden hashes: the SHA-256 of every file both sample workspaces build, pinned in tests/golden/.

A refactor must not change one byte of the documents. This script builds

- ``sample``: the sample workspace ``inputs/`` (every period, unit and kind),
- ``mau-2025``: the two-tier province sample ``inputs/mau-2025/``, and
- ``chau-thanh``: the second district of tests/test_documents_other_district.py (every
  period, unit and kind), plus its archive records (PDF/A-3b),

and compares the SHA-256 of every file with ``tests/golden/<name>.sha256`` (the format of
``sha256sum``). tests/test_golden.py runs the same comparison.

    .venv/bin/python scripts/golden.py            # compare; exit 1 and list the differences
    .venv/bin/python scripts/golden.py --update   # rebuild and rewrite tests/golden/*.sha256

Regenerate only when a change is meant to change the output, and say why in the commit.
PDF, DOCX and PNG bytes depend on the renderers and the font: the golden files record
those (``# environment:`` line); where they differ, only the HTML files are compared.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# the packages whose versions change PDF, DOCX, XLSX or PNG bytes
RENDERERS = ("weasyprint", "pydyf", "fonttools", "pillow", "python-docx", "lxml", "matplotlib", "pypdf", "pikepdf",
             "openpyxl")
TEXT_SUFFIXES = (".html",)


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


def write_chau_thanh(root: Path) -> Path:
    """The second district's workspace (tests/test_documents_other_district.py) under ``root``."""
    from tests.conftest import write_workspace
    from tests.test_documents_other_district import CONFIG, FIGURES, MEETING, UNITS

    return write_workspace(root, CONFIG, UNITS, {"xuat-mot-cua.csv": FIGURES}, {"q3.yaml": MEETING})


def _cli(*args: str) -> None:
    from click.testing import CliRunner

    from reportgen.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    if result.exit_code != 0:
        raise RuntimeError(f"reportgen {' '.join(map(str, args))} exited {result.exit_code}:\n{result.output}")


def _hashes(folder: Path, prefix: str, pattern: str = "*") -> dict[str, str]:
    """Digests of the documents (not the build's own state in ``.reportgen/``)."""
    return {f"{prefix}/{p.relative_to(folder).as_posix()}": hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob(pattern))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)}


def build_all(tmp: Path) -> dict[str, dict[str, str]]:
    """Build both samples under ``tmp``; name -> (path -> sha256)."""
    _cli("build", "-w", ROOT / "inputs", "-o", tmp / "sample-out")
    _cli("build", "-w", ROOT / "inputs" / "mau-2025", "-o", tmp / "mau-2025-out")
    chau_thanh = write_chau_thanh(tmp / "chau-thanh")
    _cli("build", "-w", chau_thanh, "-o", tmp / "chau-thanh-out")
    _cli("archive", "-w", chau_thanh, "-a", tmp / "chau-thanh-archive", "--built", tmp / "chau-thanh-out")
    return {
        "sample": _hashes(tmp / "sample-out", "outputs"),
        "mau-2025": _hashes(tmp / "mau-2025-out", "outputs"),
        "chau-thanh": {**_hashes(tmp / "chau-thanh-out", "outputs"),
                       **_hashes(tmp / "chau-thanh-archive", "archive", "*.pdf")},
    }


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


def write_golden(name: str, hashes: dict[str, str], env: str) -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    lines = [f"# sha256 of every file of the {name!r} sample; regenerate: python scripts/golden.py --update",
             f"# environment: {env}"]
    lines += [f"{digest}  {path}" for path, digest in sorted(hashes.items())]
    (GOLDEN / f"{name}.sha256").write_text("\n".join(lines) + "\n", encoding="utf-8")


def differences(name: str, built: dict[str, str], env: str) -> list[str]:
    """What differs from the golden file (only the HTML files when the environment differs)."""
    golden_env, golden = read_golden(name)
    if golden_env != env:
        golden = {p: h for p, h in golden.items() if p.endswith(TEXT_SUFFIXES)}
        built = {p: h for p, h in built.items() if p.endswith(TEXT_SUFFIXES)}
    out = [f"{name}: missing {p}" for p in sorted(set(golden) - set(built))]
    out += [f"{name}: new file {p}" for p in sorted(set(built) - set(golden))]
    out += [f"{name}: changed {p}" for p in sorted(set(golden) & set(built)) if golden[p] != built[p]]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="rewrite tests/golden/*.sha256")
    args = parser.parse_args()
    env = environment()
    with tempfile.TemporaryDirectory(prefix="reportgen-golden-") as tmp:
        built = build_all(Path(tmp))
    if args.update:
        for name, hashes in built.items():
            write_golden(name, hashes, env)
            print(f"tests/golden/{name}.sha256: {len(hashes)} files")
        return 0
    problems = [line for name, hashes in built.items() for line in differences(name, hashes, env)]
    for line in problems:
        print(line)
    print(f"{sum(map(len, built.values()))} files, {len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
