"""The tests are found from their module (issue 23, item 7; docs/testing.md, "Where the tests
are"): ``reportgen/X/Y.py`` is tested by ``tests/X/test_Y.py``, a package's face
(``reportgen/X/__init__.py``) by ``tests/X/test_X.py``; every module with logic has its file,
every such file names a module, and every folder of tests/ is a package."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE, TESTS = ROOT / "reportgen", ROOT / "tests"
# folders of tests/ that mirror no package: the tests of what no single module does, and data
NOT_MIRRORS = {"behaviour", "fixtures", "golden"}

# Modules with logic that have no test file of their own yet, each with the reason. A module
# without a function or class (a package's re-exports, a constant table, ``python -m``) has
# nothing to test alone and needs no entry.
EXCEPTIONS: dict[str, str] = {}


def mirror_of(module: Path) -> Path:
    """The test file that mirrors ``module`` (a path under reportgen/)."""
    parts = module.relative_to(PACKAGE).parts
    if parts[-1] == "__init__.py":
        return TESTS.joinpath(*parts[:-1], f"test_{parts[-2]}.py") if len(parts) > 1 else TESTS / "test_reportgen.py"
    return TESTS.joinpath(*parts[:-1], f"test_{Path(parts[-1]).stem}.py")


def has_logic(module: Path) -> bool:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for node in tree.body)


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_module_with_logic_has_its_test_file():
    missing = [f"{m.relative_to(ROOT)}: {mirror_of(m).relative_to(ROOT)}" for m in modules()
               if has_logic(m) and not mirror_of(m).exists() and str(m.relative_to(ROOT)) not in EXCEPTIONS]
    assert missing == [], "modules without their test file (tests/X/test_Y.py for reportgen/X/Y.py)"


def test_the_exceptions_are_still_true():
    known = {str(m.relative_to(ROOT)): m for m in modules()}
    stale = [name for name in EXCEPTIONS if name not in known or mirror_of(known[name]).exists()]
    assert stale == [], "take these off EXCEPTIONS in tests/behaviour/test_test_layout.py: they have their test file now"


def test_every_test_file_outside_behaviour_names_a_module():
    mirrored = {mirror_of(m) for m in modules()}
    orphans = [str(t.relative_to(ROOT)) for t in sorted(TESTS.rglob("test_*.py"))
               if t.relative_to(TESTS).parts[0] not in NOT_MIRRORS and t not in mirrored]
    assert orphans == [], "a test file outside tests/behaviour/ is named after the module it tests"


def test_every_folder_of_tests_is_a_package():
    folders = [d for d in [TESTS, *TESTS.rglob("*")] if d.is_dir() and d.name != "__pycache__"
               and not (set(d.relative_to(TESTS).parts[:1]) & (NOT_MIRRORS - {"behaviour"}))]
    assert [str(d.relative_to(ROOT)) for d in folders if not (d / "__init__.py").exists()] == []
