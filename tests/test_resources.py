"""Built-in templates and the sample workspace are found in a checkout and in a regular install."""

from __future__ import annotations

import sys
from pathlib import Path

from reportgen import resources


def test_source_checkout_uses_the_repository_folders():
    assert resources.shared("templates") == Path(__file__).resolve().parent.parent / "templates"
    assert (resources.BUILTIN_TEMPLATES / "bao-cao.html.j2").is_file()
    assert (resources.SAMPLE_WORKSPACE / "reportgen.toml").is_file()


def test_regular_install_uses_the_shared_data_folder(monkeypatch, tmp_path):
    monkeypatch.setattr(resources, "SOURCE_ROOT", tmp_path / "site-packages")
    assert resources.shared("templates") == Path(sys.prefix) / "share" / "reportgen" / "templates"


def test_every_template_is_shipped_in_the_wheel_data():
    import tomllib

    config = tomllib.loads((resources.SOURCE_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = config["tool"]["setuptools"]["data-files"]
    assert shipped["share/reportgen/templates"] == ["templates/*"]
    assert sorted(shipped) == ["share/reportgen/inputs", "share/reportgen/inputs/figures",
                               "share/reportgen/inputs/mau-2025", "share/reportgen/inputs/mau-2025/figures",
                               "share/reportgen/inputs/mau-2025/meetings",
                               "share/reportgen/inputs/meetings", "share/reportgen/templates"]
    for folder in ("figures", "meetings"):  # every sample file is listed
        for sample, prefix in (("inputs", "share/reportgen/inputs"), ("inputs/mau-2025", "share/reportgen/inputs/mau-2025")):
            assert shipped[f"{prefix}/{folder}"] == [f"{sample}/{folder}/*"]
    assert not [p for p in (resources.SOURCE_ROOT / "templates").iterdir() if p.is_dir()]  # "*" takes all
