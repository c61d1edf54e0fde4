"""PDFBox Preflight (PDF/A-1b, on a JRE) as the conformance and signing tests run it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

PREFLIGHT_CLASSPATH = ":".join(f"/usr/share/java/{name}.jar" for name in (
    "preflight", "pdfbox2", "fontbox2", "xmpbox", "commons-logging", "javax.activation", "jaxb-api"))


PREFLIGHT_PACKAGES = "default-jre-headless libpdfbox2-java libactivation-java libjaxb-api-java"


A1B_ONLY = {"1.2.7", "1.2.9", "1.4", "1.4.7", "2.2.2", "3.1.11"}


def needs_preflight() -> None:
    """Skip, saying what to install, when the JRE or PDFBox Preflight is missing (make test
    installs them as root: scripts/system-deps.sh test)."""
    missing = [] if shutil.which("java") else ["java"]
    missing += [Path(jar).name for jar in PREFLIGHT_CLASSPATH.split(":") if not Path(jar).exists()]
    if missing:
        pytest.skip(f"the PDF/A check (PDFBox Preflight on a JRE) cannot run: no {', '.join(missing)} "
                    f"(apt-get install {PREFLIGHT_PACKAGES})")
