"""The news bulletin (``tin-tuc``) for the portal: a news item about the review meeting,
without the Decree 30 header; also written as the portal's HTML."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportgen.context import common
from reportgen.context_types import BulletinContext
from reportgen.formats import File
from reportgen.kinds.kind import Extra, Kind
from reportgen.schema import DEFAULT_BYLINE, Issuer, Meeting
from reportgen.templating import phrase

if TYPE_CHECKING:
    from reportgen.job import Job
    from reportgen.workspace_types import Workspace


def build(ws: Workspace, job: Job) -> tuple[BulletinContext, dict[str, bytes]]:
    """The context of template tin-tuc.html.j2 (reportgen.context_types.BulletinContext) and its assets."""
    ctx = common(ws, job)
    meeting = ws.meetings[(job.period, job.unit)]
    ctx["news"] = _news(ws, ctx["fig"], ctx["unit"], meeting)
    ctx["headline"] = phrase("bulletin_headline", ws.templates_dir, news=ctx["news"], labels=ctx["labels"],
                             period=ctx["fig"]["period"], event=meeting.loai_hop)
    ctx["doc"] = {"kind": KIND.name,
                  "subject": phrase("bulletin_subject", ws.templates_dir, unit=ctx["unit"], headline=ctx["headline"]),
                  "date": meeting.ngay, "margins": ws.config.page.model_dump()}
    assets = {}
    suffix = photo_suffix(ws, job)
    if suffix:
        assets[f"{KIND.name}.{suffix}"] = ws.photos[(job.period, job.unit)][1]
    ctx["photo"] = next(iter(assets), None)
    return ctx, assets


PHOTO_PREFIX = "anh."
# the photo's suffixes (sources/photo.py keeps a JPEG or a PNG)
PHOTO_FILES = (File(f"{PHOTO_PREFIX}jpg", "image/jpeg", "Ảnh"), File(f"{PHOTO_PREFIX}png", "image/png", "Ảnh"))


def photo_suffix(ws: Workspace, job: Job) -> str | None:
    """``anh.jpg`` / ``anh.png``: the photo is ``tin-tuc.anh.jpg`` in the document's assets and,
    written by the build, beside the HTML page and fragment that link it by that name."""
    photo = ws.photos.get((job.period, job.unit))
    return f"{PHOTO_PREFIX}{photo[0]}" if photo else None


def _news(ws: Workspace, fig: dict, unit: dict, meeting: Meeting) -> dict:
    """What the bulletin's wording depends on ([news] of reportgen.toml and the figures).

    ``all_on_time``: every level resolved files and all of them early or on time (the report's
    100%), the one result the headline states; ``honorific``: the chair's at first mention;
    ``dates``: "news" ("Sáng 16/12") or "document"; ``byline``: the author's unit.
    """
    news = ws.config.news
    shares = [lv["totals"]["on_time_share"] for lv in fig["levels"]]
    byline = meeting.tac_gia.don_vi or news.byline.get(unit["level"], DEFAULT_BYLINE["xa"])
    return {
        "all_on_time": bool(shares) and all(share == 1 for share in shares),
        "honorific": "đồng chí" if news.honorific == "dong_chi" else meeting.chu_tri.danh_xung,
        "dates": news.dates,
        "byline": byline.replace("{don_vi}", unit["name_lower"]),
    }


KIND = Kind(
    name="tin-tuc",
    title="Tin bài đăng Cổng thông tin điện tử",
    short="Tin bài",
    formats=("docx", "pdf", "html"),
    template="tin-tuc.html.j2",
    build=build,
    archive_type="TIN BÀI",
    needs_meeting=True,
    issuer=Issuer(body=[], symbol=""),
    extras=(Extra("html", PHOTO_FILES, photo_suffix),),  # the page and fragment link the photo by name
)
