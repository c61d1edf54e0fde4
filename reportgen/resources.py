"""Where the built-in templates, the sample workspace and reportgen's own files live.

In a source checkout (and the editable install `make` does) they are the repository's
top-level ``templates/`` and ``inputs/``; a regular install (``pip install .``) puts them
under ``<prefix>/share/reportgen/`` (``[tool.setuptools.data-files]`` in pyproject.toml).
"""

from __future__ import annotations

import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent  # reportgen's own files (fingerprinted, snapshotted by noop)
SOURCE_ROOT = PACKAGE_DIR.parent


def shared(name: str) -> Path:
    """The folder ``name`` (``templates`` or ``inputs``) of this installation."""
    source = SOURCE_ROOT / name
    if source.is_dir():
        return source
    return Path(sys.prefix) / "share" / "reportgen" / name


BUILTIN_TEMPLATES = shared("templates")
SAMPLE_WORKSPACE = shared("inputs")
