"""The news bulletin (``tin-tuc``) for the portal: a news item about the review meeting,
without the Decree 30 header; also written as the portal's HTML."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportgen.context import common
from reportgen.context_types import BulletinContext
from reportgen.kinds.kind import Kind
from reportgen.schema import DEFAULT_ON_TIME_TARGET, Issuer
from reportgen.templating import phrase

if TYPE_CHECKING:
    from reportgen.plan import Job
    from reportgen.workspace import Workspace


def build(ws: Workspace, job: Job) -> tuple[BulletinContext, dict[str, bytes]]:
    """The context of template tin-tuc.html.j2 (reportgen.context_types.BulletinContext) and its assets."""
    ctx = common(ws, job)
    meeting = ws.meetings[(job.period, job.unit)]
    ctx["news"] = _news(ctx["fig"])
    ctx["headline"] = phrase("bulletin_headline", ws.templates_dir, news=ctx["news"], labels=ctx["labels"],
                             period=ctx["fig"]["period"])
    ctx["doc"] = {"kind": KIND.name,
                  "subject": phrase("bulletin_subject", ws.templates_dir, unit=ctx["unit"], headline=ctx["headline"]),
                  "date": meeting.ngay, "margins": ws.config.page.model_dump()}
    assets = {}
    suffix = photo_suffix(ws, job)
    if suffix:
        assets[f"{KIND.name}.{suffix}"] = ws.photos[(job.period, job.unit)][1]
    ctx["photo"] = next(iter(assets), None)
    return ctx, assets


def photo_suffix(ws: Workspace, job: Job) -> str | None:
    """``anh.jpg`` / ``anh.png``: the photo is ``tin-tuc.anh.jpg`` in the document's assets and,
    written by the build, beside the HTML page and fragment that link it by that name."""
    photo = ws.photos.get((job.period, job.unit))
    return f"anh.{photo[0]}" if photo else None


def _news(fig: dict) -> dict:
    """What the bulletin says of the on-time share (phrases.html.j2: on_time_threshold) and
    whether the online share rose at every level (bulletin_headline).

    The threshold is the lowest on-time target of the levels (else the default); a level
    passes when its share is strictly above it.
    """
    levels = [lv for lv in fig["levels"] if lv["totals"]["on_time_share"] is not None]
    targets = [lv["on_time_target"] for lv in levels if lv["on_time_target"] is not None]
    threshold = min(targets) if targets else DEFAULT_ON_TIME_TARGET
    shares = [{"label": lv["name"], "share": lv["totals"]["on_time_share"],
               "above": lv["totals"]["on_time_share"] > threshold} for lv in levels]
    growth = [lv["totals"]["online_share"] > lv["previous"]["online_share"]
              for lv in fig["levels"]
              if lv["previous"]["online_share"] is not None and lv["totals"]["online_share"] is not None]
    return {
        "levels": shares,
        "threshold": threshold,
        "all_pass": bool(shares) and all(s["above"] for s in shares),
        "online_rose": bool(growth) and all(growth),
    }


KIND = Kind(
    name="tin-tuc",
    title="Tin bài đăng Cổng thông tin điện tử",
    formats=("docx", "pdf", "html"),
    template="tin-tuc.html.j2",
    build=build,
    archive_type="TIN BÀI",
    needs_meeting=True,
    issuer=Issuer(body=[], symbol=""),
)
