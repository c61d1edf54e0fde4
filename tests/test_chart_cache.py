"""A chart is drawn once, and not again while its data and words stay the same (issue 20, item 3):
reportgen.chart_cache in memory and in the output store, with the bytes of a fresh draw."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from reportgen import chart_cache
from reportgen.charts import online_share_chart

SAMPLE = Path(__file__).resolve().parent.parent / "inputs"
NAMES = ["Xã Mỹ An", "Xã Mỹ Hòa", "Thị trấn Mỹ An"]
WORDS = ("Tỷ lệ hồ sơ trực tuyến", "Chỉ tiêu 30%", "chưa có số liệu")


@pytest.fixture
def draws(monkeypatch) -> list[Figure]:
    """Every figure matplotlib draws (Figure.draw) from here on; the process's memory of charts emptied."""
    chart_cache.clear_memory()
    drawn = []
    real = Figure.draw

    def counting(self, renderer):
        drawn.append(self)
        return real(self, renderer)

    monkeypatch.setattr(Figure, "draw", counting)
    yield drawn
    chart_cache.clear_memory()


def test_a_chart_is_drawn_once(draws):
    png = online_share_chart(NAMES, [0.5, None, 0.25], 0.3, *WORDS)
    assert png.startswith(b"\x89PNG")
    assert len(draws) == 1  # savefig with a layout engine draws twice; the layout is computed first


def test_the_same_chart_again_is_the_same_bytes_without_a_draw_and_a_change_draws_it(draws):
    first = online_share_chart(NAMES, [0.5, None, 0.25], 0.3, *WORDS)
    assert online_share_chart(list(NAMES), [0.5, None, 0.25], 0.3, *WORDS) == first
    assert len(draws) == 1
    chart_cache.clear_memory()
    assert online_share_chart(NAMES, [0.5, None, 0.25], 0.3, *WORDS) == first  # a fresh draw: same bytes
    assert len(draws) == 2
    changed = [online_share_chart(NAMES, [0.5, None, 0.26], 0.3, *WORDS),  # a share
               online_share_chart(NAMES, [0.5, 0.0, 0.25], 0.3, *WORDS),  # none -> 0
               online_share_chart(NAMES, [0.5, None, 0.25], 0.31, *WORDS),  # the target
               online_share_chart(NAMES, [0.5, None, 0.25], None, *WORDS),  # no target
               online_share_chart(NAMES[:2] + ["Xã Mỹ Đông"], [0.5, None, 0.25], 0.3, *WORDS),  # a name
               online_share_chart(NAMES, [0.5, None, 0.25], 0.3, "Tỷ lệ", *WORDS[1:])]  # the title
    assert len(draws) == 2 + len(changed)
    assert len({first, *changed}) == 1 + len(changed)


def test_the_store_is_keyed_by_the_environment_and_a_damaged_file_is_drawn_again(draws, tmp_path):
    with chart_cache.stored_in(tmp_path, "environment A"):
        png = online_share_chart(NAMES, [0.5, None, 0.25], 0.3, *WORDS)
        drawn = chart_cache.take_drawn()
        assert list(drawn.values()) == [png] and not list(tmp_path.iterdir())  # nothing written while reading
        (tmp_path / "run").mkdir()
        chart_cache.save(drawn, tmp_path / "run")
    stored = tmp_path / chart_cache.FOLDER / next(iter(drawn))
    assert stored.read_bytes() == png
    for environment, damage, expected_draws in (("environment A", None, 1),  # from the store: no draw
                                                ("environment B", None, 2),  # another reportgen, fonts, ...
                                                ("environment A", png[:-12], 3),  # cut short
                                                ("environment A", b"", 4)):
        chart_cache.clear_memory()
        if damage is not None:
            stored.write_bytes(damage)
        with chart_cache.stored_in(tmp_path, environment):
            assert online_share_chart(NAMES, [0.5, None, 0.25], 0.3, *WORDS) == png
            assert len(draws) == expected_draws
            assert bool(chart_cache.take_drawn()) == (expected_draws > 1 and environment == "environment B"
                                                      or damage is not None)


def test_a_link_in_the_store_is_not_followed(draws, tmp_path):
    with chart_cache.stored_in(tmp_path, "env"):
        png = online_share_chart(NAMES, [0.5, None, 0.25], 0.3, *WORDS)
        name = next(iter(chart_cache.take_drawn()))
    elsewhere = tmp_path / "elsewhere.png"
    elsewhere.write_bytes(online_share_chart(NAMES, [0.1, 0.1, 0.1], 0.3, *WORDS))
    (tmp_path / chart_cache.FOLDER).mkdir()
    (tmp_path / chart_cache.FOLDER / name).symlink_to(elsewhere)
    chart_cache.clear_memory()
    with chart_cache.stored_in(tmp_path, "env"):
        assert online_share_chart(NAMES, [0.5, None, 0.25], 0.3, *WORDS) == png


def test_the_store_keeps_under_its_size_the_least_recently_used_going_first(draws, tmp_path, monkeypatch):
    with chart_cache.stored_in(tmp_path, "env"):
        for i in range(3):
            online_share_chart(NAMES, [0.1 * i, None, 0.25], 0.3, *WORDS)
            (tmp_path / f"run{i}").mkdir()
            chart_cache.save(chart_cache.take_drawn(), tmp_path / f"run{i}")
    folder = tmp_path / chart_cache.FOLDER
    files = sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime_ns)
    assert len(files) == 3
    newest = online_share_chart(NAMES, [0.9, None, 0.25], 0.3, *WORDS)  # its size: room for it and two others
    monkeypatch.setattr(chart_cache, "STORE_BYTES", len(newest) + sum(files[i].stat().st_size for i in (0, 2)))
    with chart_cache.stored_in(tmp_path, "env"):
        chart_cache.clear_memory()
        online_share_chart(NAMES, [0.0, None, 0.25], 0.3, *WORDS)  # the oldest, read: now the newest
        assert len(draws) == 4
        assert online_share_chart(NAMES, [0.9, None, 0.25], 0.3, *WORDS) == newest
        (tmp_path / "run3").mkdir()
        chart_cache.save(chart_cache.take_drawn(), tmp_path / "run3")
    left = sorted(p.name for p in folder.iterdir())
    assert files[0].name in left and files[1].name not in left and len(left) == 3


def _image(docx: Path) -> bytes:
    with zipfile.ZipFile(docx) as archive:
        (name,) = [n for n in archive.namelist() if n.startswith("word/media/")]
        return archive.read(name)


def test_a_rebuild_takes_the_report_chart_from_the_output_store(draws, tmp_path, cli):
    out = tmp_path / "out"
    args = ("build", "-w", SAMPLE, "-o", out, "-p", "2022-Q1", "-u", "TM", "-k", "bao-cao", "-f", "docx",
            "--jobs", "1", "--force")
    assert cli(*args).exit_code == 0
    docx = out / "2022-Q1" / "TM" / "bao-cao.docx"
    first = docx.read_bytes()
    (stored,) = (out / ".reportgen" / chart_cache.FOLDER).iterdir()
    assert stored.read_bytes() == _image(docx) and len(draws) == 1
    chart_cache.clear_memory()  # as a new process would start
    assert cli(*args).exit_code == 0
    assert len(draws) == 1 and docx.read_bytes() == first
