"""The news bulletin (``tin-tuc``) for the portal: a news item about the review meeting,
without the Decree 30 header; also written as the portal's HTML."""

from __future__ import annotations

from reportgen import vi
from reportgen.context import common
from reportgen.kinds.kind import Kind
from reportgen.schema import DEFAULT_ON_TIME_TARGET, Issuer


def build(ws, job):
    ctx = common(ws, job)
    meeting = ws.meetings[(job.period, job.unit)]
    ctx["news"] = _news(ctx["fig"], ws)
    ctx["headline"] = _headline(ctx["fig"], ctx["labels"], ctx["news"])
    ctx["doc"] = {"kind": KIND.name, "subject": f"{ctx['unit']['name'].upper()}: {ctx['headline']}",
                  "date": meeting.ngay, "margins": ws.config.page.model_dump()}
    return ctx, {}


def _news(fig: dict, ws) -> dict:
    """The on-time phrase of the bulletin: shares rounded down to a whole percent."""
    levels = [lv for lv in fig["levels"] if lv["totals"]["on_time_share"] is not None]
    targets = [lv["on_time_target"] for lv in levels if lv["on_time_target"] is not None]
    threshold = min(targets) if targets else DEFAULT_ON_TIME_TARGET
    shares = {lv["label"]: lv["totals"]["on_time_share"] for lv in levels}
    if not shares:
        return {"labels": [], "phrase": "chưa có hồ sơ đã giải quyết", "all_pass": False}
    return {
        "labels": list(shares),
        "phrase": vi.threshold_phrase(shares, threshold, digits=0, rounding="down"),
        "all_pass": all(share > threshold for share in shares.values()),
    }


def _headline(fig: dict, labels: dict, news: dict) -> str:
    """A sentence-case headline that states the outcome the figures support."""
    growth = [lv["totals"]["online_share"] > lv["previous"]["online_share"]
              for lv in fig["levels"]
              if lv["previous"]["online_share"] is not None and lv["totals"]["online_share"] is not None]
    if growth and all(growth):
        return f"Nâng cao tỷ lệ hồ sơ thực hiện {labels['online_services']}"
    if news["all_pass"]:
        return f"Tỷ lệ hồ sơ giải quyết đúng và trước hạn {news['phrase']}"
    return f"Đánh giá kết quả thực hiện cải cách hành chính {vi.period(fig['period'])}"


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
