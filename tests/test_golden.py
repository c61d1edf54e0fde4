"""Golden bytes: both samples build to exactly the files pinned in tests/golden/*.sha256.

Regenerate (only for a change meant to change the output, said in the commit message):
``.venv/bin/python scripts/golden.py --update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts import golden


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, dict[str, str]]:
    return golden.build_all(Path(tmp_path_factory.mktemp("golden")))


@pytest.mark.parametrize("name", ["sample", "mau-2025", "chau-thanh"])
def test_every_file_is_byte_identical(built, name):
    env = golden.environment()
    _, pinned = golden.read_golden(name)
    assert len(built[name]) == len(pinned)
    assert golden.differences(name, built[name], env) == []


def test_a_changed_or_missing_file_is_reported():
    env, pinned = golden.read_golden("chau-thanh")
    path = next(p for p in pinned if p.endswith("bao-cao.pdf"))
    changed = {**pinned, path: "0" * 64}
    assert golden.differences("chau-thanh", changed, env) == [f"chau-thanh: changed {path}"]
    fewer = {p: h for p, h in pinned.items() if p != path}
    assert golden.differences("chau-thanh", fewer, env) == [f"chau-thanh: missing {path}"]
    # another renderer or font: only the HTML files are compared
    html = next(p for p in pinned if p.endswith(".html"))
    assert golden.differences("chau-thanh", {**changed, html: "1" * 64}, "other") == [f"chau-thanh: changed {html}"]
