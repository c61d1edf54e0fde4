"""Shared fixtures: a copy of the sample workspace to break, and a CLI runner."""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "inputs"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A fresh copy of the sample workspace."""
    target = tmp_path / "ws"
    shutil.copytree(SAMPLE, target)
    return target


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty templates/ folder of a workspace (inside the workspace folder)."""
    path = tmp_path / "ws" / "templates"
    path.mkdir(parents=True)
    return path


@pytest.fixture
def cli():
    """Run the CLI in-process; returns click's Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run


def write_workspace(root: Path, config: str, units: str, figures: dict[str, str],
                    meetings: dict[str, str]) -> Path:
    """A workspace written from text: reportgen.toml, units.csv, figures/<name>, meetings/<name>."""
    (root / "figures").mkdir(parents=True)
    (root / "meetings").mkdir()
    (root / "reportgen.toml").write_text(config, encoding="utf-8")
    (root / "units.csv").write_text(units, encoding="utf-8")
    for folder, files in (("figures", figures), ("meetings", meetings)):
        for name, text in files.items():
            (root / folder / name).write_text(text, encoding="utf-8")
    return root


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    """Edit a text file in place, failing loudly if ``old`` is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def bump_online(ws: Path, unit: str, period: str = "2022-Q1") -> None:
    """One unit's figures changed in a synthetic workspace: seven more files received online
    (``truc_tuyen``) and seven more carried over from the period before (``ky_truoc``)."""
    figures = ws / "figures" / f"mot-cua-{period.lower()}.csv"
    lines = figures.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith(f"{period},{unit},"))
    cells = lines[row].split(",")
    cells[2] = str(int(cells[2]) + 7)  # truc_tuyen
    cells[5] = str(int(cells[5]) + 7)  # ky_truoc
    lines[row] = ",".join(cells)
    figures.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="session")
def sample_builds(tmp_path_factory) -> tuple[Path, dict[str, dict[str, Path]]]:
    """The golden samples built once per run (scripts/golden.build_all): the folder they were built
    in (``<tmp>/mau-2025-out`` ...) and their files; read-only for every test that shares them.

    With pytest-xdist (make test) the workers share one build: the first to need it builds under
    a lock in the run's common temporary folder, the others wait for it and read the same files."""
    from scripts import golden

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each worker's own
    tmp, done = shared / "samples", shared / "samples.done"
    with open(shared / "samples.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(tmp, ignore_errors=True)  # a worker's build that failed: built afresh
            tmp.mkdir()
            golden.build_all(tmp)
            done.touch()
    return tmp, golden.files_built(tmp)
