"""docs/architecture.md's "Adding a column / a kind / a format" examples are the code their tests run.

Each section says which test runs its example; this test reads the section's code blocks and
finds every line of them in that test file (white space aside, and under the names the test
gives them), so the documented recipe and the exercised one cannot drift apart.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

# section -> (the test file that runs its example, the test's names for the example's names)
EXAMPLES = {
    "Adding a column": ("tests/behaviour/test_indicator_columns.py", {}),
    "Adding a kind": ("tests/kinds/test_kinds.py", {"KIND": "SUMMARY", "defbuild(": "def_build_summary(",
                                                     "build=build": "build=_build_summary"}),
    # the test's Format also declares a template file of its own (template_files=...)
    "Adding a format": ("tests/test_formats.py", {'"reportgen.render.documents:write_txt")': 'f"{__name__}:write_txt",',
                                                   "defwrite_txt(r):": "defwrite_txt(r:Rendering)"}),
}


def _section(name: str) -> str:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    start = text.index(f"### {name}\n")
    end = min(i for i in (text.find("\n## ", start), text.find("\n### ", start + 4), len(text)) if i > 0)
    return text[start:end]


def _code_lines(section: str) -> list[str]:
    """The code lines of the section's blocks: no comment, docstring or import line (the test
    file imports from its own place), without white space or a trailing comma."""
    lines = []
    for block in re.findall(r"```(?:python|jinja)\n(.*?)```", section, re.S):
        for line in block.splitlines():
            code = line.split("  #")[0].strip()
            if code and not code.startswith(('"""', "from ", "import ")):
                lines.append(re.sub(r"\s+", "", code).rstrip(","))
    return lines


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_every_line_of_the_example_is_in_its_test(name):
    test_file, renamed = EXAMPLES[name]
    section = _section(name)
    assert test_file in section  # the section names the test that runs it
    test_code = re.sub(r"\s+", "", (ROOT / test_file).read_text(encoding="utf-8"))
    lines = _code_lines(section)
    assert len(lines) >= 2
    missing = []
    for line in lines:
        for doc_name, test_name in renamed.items():
            line = line.replace(doc_name, test_name)
        if line not in test_code:
            missing.append(line)
    assert missing == []
