"""Golden files: the three samples build to exactly the files pinned in tests/golden/.

With requirements.lock installed (make test) every file is compared byte for byte; in another
environment each file is compared by its text, and the test says so (a GoldenNarrowed warning
naming what was compared and which versions differ). In CI the environment must be the
golden one. Regenerate (only for a change meant to change the output, said in the commit):
``.venv/bin/python scripts/golden.py --update`` (shows the diff), then ``--update --yes``.
"""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

import pytest

from scripts import golden

ROOT = Path(__file__).resolve().parents[2]


class GoldenNarrowed(UserWarning):
    """The golden comparison could not compare bytes: what it compared instead."""


@pytest.fixture(scope="module")
def built(sample_builds) -> dict[str, dict[str, Path]]:
    return sample_builds[1]


@pytest.mark.parametrize("name", golden.NAMES)
def test_every_file_matches_the_golden_one(built, name):
    env = golden.environment()
    golden_env, pinned = golden.read_golden(name)
    assert len(pinned) >= 40
    assert sorted(built[name]) == sorted(pinned)
    if os.environ.get("CI"):
        assert env == golden_env, ("CI installs requirements.lock, whose renderers are the golden files' ones: "
                                   f"{golden.environment_changes(golden_env, env)}")
    comparison = golden.compare(name, built[name], env)
    print(comparison.note)
    if not comparison.byte_for_byte:
        warnings.warn(comparison.note, GoldenNarrowed)
    assert comparison.problems == []


@pytest.mark.parametrize("name", golden.NAMES)
def test_the_text_golden_file_describes_the_same_files(built, name):
    """The .text file lists every file of the .sha256 one, and says what one built file of each
    format says (all of them are compared when the environment differs)."""
    _, pinned = golden.read_golden(name)
    texts = golden.read_texts(name)
    assert sorted(texts) == sorted(pinned)
    for suffix in (".pdf", ".docx", ".xlsx", ".html"):
        path = next((p for p in sorted(pinned) if p.endswith(suffix)), None)
        if path is not None:
            assert golden.extract(built[name][path]) == texts[path], path


def test_a_changed_or_missing_file_is_reported(built, tmp_path):
    files = built["chau-thanh"]
    env, pinned = golden.read_golden("chau-thanh")
    path = next(p for p in pinned if p.endswith("bao-cao.pdf"))
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(files[path].read_bytes() + b"\n")
    comparison = golden.compare("chau-thanh", {**files, path: changed}, env)
    assert comparison.byte_for_byte
    assert comparison.problems == [f"chau-thanh: changed {path}"]
    assert comparison.note == f"chau-thanh: {len(pinned)} files compared byte for byte (the environment is the golden files' one)"
    fewer = {p: f for p, f in files.items() if p != path}
    assert golden.compare("chau-thanh", fewer, env).problems == [f"chau-thanh: missing {path}"]
    # another renderer: the appended byte changes no text, so nothing is reported, and the note says why
    other = env.replace("fonttools=", "fonttools=0.0.0+")
    narrowed = golden.compare("chau-thanh", {**files, path: changed}, other)
    assert not narrowed.byte_for_byte
    assert narrowed.problems == []
    assert narrowed.note.startswith(f"chau-thanh: the environment differs from the golden files' (fonttools "
                                    f"{golden.environment_changes(env, other).split(' ', 1)[1]}), so bytes cannot be "
                                    f"compared: {len(pinned) - 1} of {len(pinned)} files are byte-identical anyway, "
                                    "the other 1 were compared by what does not depend on versions: the text of every "
                                    "PDF page")


@pytest.fixture(scope="module")
def hidden_signature(tmp_path_factory) -> dict[str, Path]:
    """The second district's PDFs built with `table.closing{display:none}` in a copied print.css."""
    tmp = tmp_path_factory.mktemp("hidden-signature")
    ws = golden.write_chau_thanh(tmp / "ws")
    (ws / "templates").mkdir(exist_ok=True)
    css = (ROOT / "templates" / "print.css").read_text(encoding="utf-8")
    (ws / "templates" / "print.css").write_text(css + "\ntable.closing{display:none}\n", encoding="utf-8")
    golden.cli("build", "-w", ws, "-o", tmp / "out", "-f", "pdf")
    return golden.files_of(tmp / "out", "outputs")


def test_hiding_the_signature_block_fails_the_golden_comparison(hidden_signature):
    env, pinned = golden.read_golden("chau-thanh")
    signed = sorted(p for p in pinned if p.startswith("outputs/") and p.endswith(("bao-cao.pdf", "thong-bao.pdf")))
    assert len(signed) == 9
    assert sorted(hidden_signature) == sorted(p for p in pinned if p.startswith("outputs/") and p.endswith(".pdf"))
    for environment in (env, "another renderer"):
        comparison = golden.compare("chau-thanh", hidden_signature, environment)
        changed = sorted(line.split(" ")[2] for line in comparison.problems if " changed " in line)
        assert changed == signed, environment
    # the text that went missing is the signature block's: the signer's title and name
    texts = golden.read_texts("chau-thanh")
    report = next(p for p in signed if p.endswith("/CT/bao-cao.pdf"))
    gone = set(texts[report].splitlines()) - set(golden.extract(hidden_signature[report]).splitlines())
    assert {"CHỦ TỊCH", "Nguyễn Văn Bình"} <= gone


def test_update_shows_the_diff_and_writes_nothing_without_yes(hidden_signature, monkeypatch):
    before = {p.name: p.read_bytes() for p in golden.GOLDEN.iterdir()}
    env, _ = golden.read_golden("chau-thanh")
    report = next(p for p in hidden_signature if p.endswith("/CT/bao-cao.pdf"))
    out = io.StringIO()
    assert golden.update({"chau-thanh": {report: hidden_signature[report]}}, env, write=False, out=out) == 1
    text = out.getvalue()
    assert f"--- golden/{report}\n+++ built/{report}\n" in text
    assert "\n-CHỦ TỊCH\n" in text and "\n-Nguyễn Văn Bình\n" in text
    assert "chau-thanh: missing outputs/2023-Q2/CT/bao-cao.docx\n" in text
    assert text.endswith("files differ from tests/golden/; nothing written: "
                         "run again with --update --yes to rewrite the golden files\n")
    assert {p.name: p.read_bytes() for p in golden.GOLDEN.iterdir()} == before
    monkeypatch.setattr("sys.argv", ["golden.py", "--yes"])
    with pytest.raises(SystemExit) as stop:
        golden.main()
    assert stop.value.code == 2
