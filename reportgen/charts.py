"""Charts for the documents: matplotlib, Vietnamese labels, the documents' serif font.

Output is deterministic (no timestamp or version metadata in the PNG), so a rebuild gives
byte-identical documents. matplotlib is imported on the first chart drawn, not with this
module, so that planning (which reads the kinds) and the CLI's quick commands never load it.

A chart is drawn once: its constrained layout is computed, then the figure is drawn once
into the PNG (``savefig`` with a layout engine draws the figure twice, the first time only
to lay it out). A chart whose data and words have not changed is not drawn again: it comes
from :mod:`reportgen.chart_cache` (this process's memory, or the build's output store),
with the same bytes.
"""

from __future__ import annotations

import io

from reportgen import chart_cache
from reportgen.vi import percent, share

FONT = ["Times New Roman", "Liberation Serif", "DejaVu Serif"]
# Above this many units a bar per unit cannot carry a readable name: the chart shows the
# units' shares sorted (a distribution, one thin bar each, no names; the appendix table
# names them) at the height of LABELLED_MAX labelled bars, so its size and cost stay bounded.
LABELLED_MAX = 40
DPI = 150


def _height_cm(count: int) -> float:
    return max(6, 0.55 * min(count, LABELLED_MAX) + 3)


def online_share_chart(names: list[str], shares: list[float | None], target: float | None, title: str,
                       target_label: str, no_data: str) -> bytes:
    """A horizontal bar chart of the online share by unit, as PNG bytes (150 dpi, 16 cm wide).

    Up to LABELLED_MAX units: one named bar each, in the given order, with its value. More:
    the shares sorted from highest to lowest, bars without names or values.
    The words are the caller's (macros of templates/phrases.html.j2): ``title``, the legend of
    the target line ``target_label`` and ``no_data``, the label of a unit without a share.
    """
    key = chart_cache.key("online_share_chart", LABELLED_MAX, FONT, names,
                          [None if s is None else float(s) for s in shares],
                          None if target is None else float(target), title, target_label, no_data)
    png = chart_cache.get(key)
    if png is None:
        png = _draw_online_share(names, shares, target, title, target_label, no_data)
        chart_cache.put(key, png)
    return png


def _draw_online_share(names: list[str], shares: list[float | None], target: float | None, title: str,
                       target_label: str, no_data: str) -> bytes:
    plt, FuncFormatter = _pyplot()
    values = [0.0 if s is None else s * 100 for s in shares]
    labelled = len(names) <= LABELLED_MAX
    # Names come from data: "$" must never start matplotlib's mathtext, nor TeX run.
    with plt.rc_context({"font.family": "serif", "font.serif": FONT, "font.size": 9,
                         "svg.hashsalt": "reportgen", "axes.unicode_minus": False,
                         "text.parse_math": False, "text.usetex": False,
                         "figure.autolayout": False, "figure.constrained_layout.use": False}):
        # constrained layout: the legend sits outside the axes, under them, so it never
        # covers a bar or a bar's value label. The figure is made at the PNG's resolution,
        # so that the layout computed before savefig is the one savefig would compute.
        fig, ax = plt.subplots(figsize=(16 / 2.54, _height_cm(len(names)) / 2.54), layout="constrained", dpi=DPI)
        if labelled:
            bars = ax.barh(range(len(names)), values, color="#3b6ea5")
            ax.set_yticks(range(len(names)), labels=names)
            for bar, ratio in zip(bars, shares):
                label = no_data if ratio is None else share(ratio, "online_share")
                ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, " " + label, va="center", fontsize=8)
        else:  # one bar per unit as a single step outline: cheap at any count
            ordered = sorted(values, reverse=True)
            ax.fill_betweenx(range(len(ordered) + 1), [*ordered, ordered[-1]], step="post", color="#3b6ea5",
                             linewidth=0)
            ax.set_ylim(0, len(ordered))
            ax.set_yticks([])
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(v / 100, 1)))
        if target is not None:
            ax.axvline(target * 100, color="#b22222", linestyle="--", linewidth=1,
                       label=target_label)
            fig.legend(loc="outside lower center", frameon=False, fontsize=8)
        ax.set_xlim(0, max(values + [(target or 0) * 100]) * 1.25 or 1)
        ax.set_title(title, fontsize=10, fontweight="bold")
        ax.spines[["top", "right"]].set_visible(False)
        # Lay out once, then take the engine away: savefig then draws once (with an engine it
        # draws the whole figure a first time just to run it). Same bytes as savefig alone.
        fig.get_layout_engine().execute(fig)
        fig.set_layout_engine(None)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
        plt.close(fig)
    return buffer.getvalue()


def _pyplot():
    """matplotlib's pyplot on the Agg backend, and its FuncFormatter (imported once, when needed)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager, pyplot
    from matplotlib.ticker import FuncFormatter

    _only_vietnamese_files(font_manager)
    return pyplot, FuncFormatter


def _only_vietnamese_files(font_manager) -> None:
    """Let matplotlib draw FONT's families only from the files fontconfig says cover Vietnamese.

    matplotlib keeps its own font list. Where Liberation Serif 1.x (no Vietnamese; LibreOffice's
    packages pull it in) sits beside 2.x, it may take 1.x: missing glyphs, and other PNG bytes than
    the same build elsewhere. The PDF's text already goes through fontconfig (render/fonts.py).
    """
    import subprocess

    try:
        listed = subprocess.run(["fc-list", ":lang=vi", "-f", "%{file}\t%{family}\n"],
                                capture_output=True, text=True, check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return  # no fontconfig: matplotlib's own choice, as before
    wanted = {family.casefold() for family in FONT}
    files = {path for path, _, families in (line.partition("\t") for line in listed.splitlines())
             if wanted & {f.strip().casefold() for f in families.split(",")}}
    manager = font_manager.fontManager
    manager.ttflist = [entry for entry in manager.ttflist
                       if entry.name.casefold() not in wanted or entry.fname in files]
    known = {entry.fname for entry in manager.ttflist}
    for path in sorted(files - known):
        manager.addfont(path)
    manager._findfont_cached.cache_clear()  # choices made before the list changed
