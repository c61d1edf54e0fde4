"""scripts/system-deps.sh: `make demo` asks only for what building documents needs; `make test`
without root goes on without the tests' own clients (those tests skip, saying so)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "system-deps.sh"
TEST_ONLY = ("java", "chromium", "chromedriver")


def run(tmp_path: Path, which: str, python: str = sys.executable) -> subprocess.CompletedProcess:
    """The script on a PATH that has this machine's tools but no JRE, Chromium, driver, apt-get or sudo."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in ("sh", "id", "grep", "cat", "fc-list", "ldconfig", "soffice", "pdftoppm", "pdftotext"):
        found = shutil.which(tool) or shutil.which(tool, path="/sbin:/usr/sbin")
        if found and not (bin_dir / tool).exists():
            (bin_dir / tool).symlink_to(found)
    env = {**os.environ, "PATH": str(bin_dir), "PYTHON": python}
    return subprocess.run([shutil.which("sh"), str(SCRIPT), which], capture_output=True, text=True, env=env,
                          timeout=60)


def test_demo_needs_no_jre_and_no_browser(tmp_path):
    done = run(tmp_path, "demo")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_test_set_without_root_names_the_tests_clients_and_goes_on(tmp_path):
    done = run(tmp_path, "test")
    assert done.returncode == 0 and done.stdout == ""
    first, second = done.stderr.splitlines()
    assert first.startswith("reportgen: the tests that read outputs with these are skipped, each saying so:")
    assert all(package in first.rpartition(":")[2].split() for package in ("default-jre-headless", "chromium",
                                                                           "chromium-driver"))
    assert second.startswith("To run them too, install as root:  sudo apt-get install ")


def test_what_building_needs_still_stops_the_demo(tmp_path):
    done = run(tmp_path, "demo", python="false")  # a Python without venv/ensurepip
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == "reportgen: missing system packages (demo): python3-venv"
