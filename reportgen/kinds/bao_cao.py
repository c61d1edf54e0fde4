"""The quarterly report (``bao-cao``) of a unit's People's Committee, with its appendix table
and a chart of the online share by unit."""

from __future__ import annotations

from reportgen import vi
from reportgen.charts import online_share_chart
from reportgen.context import common, document_frame
from reportgen.kinds.kind import Kind
from reportgen.periods import Period
from reportgen.schema import Issuer


def build(ws, job):
    ctx = common(ws, job)
    period = Period.parse(job.period)
    meeting = ctx["meeting"]
    # the report goes to the meeting: dated as the meeting file says, else the meeting's
    # day; without a meeting, the day the figures are cut off (Decree 09/2019, art. 12)
    date = (meeting["ngay_bao_cao"] or meeting["ngay"]) if meeting else ctx["fig"]["cutoff"]["end"]
    ctx["doc"] = document_frame(ws, job, KIND, f"Kết quả tiếp nhận, giải quyết thủ tục hành chính {vi.period(period)}",
                                date)
    ctx["tasks"] = (meeting or {}).get("nhiem_vu") or ws.config.tasks_next_quarter
    assets = _chart(ctx["fig"])
    ctx["chart"] = next(iter(assets), None)
    return ctx, assets


def _chart(fig: dict) -> dict[str, bytes]:
    """One chart of the online share by unit, at the level with several units."""
    level = next((lv for lv in fig["levels"] if len(lv["units"]) > 1), None)
    if level is None:
        return {}
    title = f"Tỷ lệ hồ sơ tiếp nhận trực tuyến {level['label']}, {vi.period(fig['period'])}"
    png = online_share_chart([u["name"] for u in level["units"]], [u["online_share"] for u in level["units"]],
                             level["online_target"], title)
    return {"ty-le-truc-tuyen.png": png}


KIND = Kind(
    name="bao-cao",
    title="Báo cáo kết quả giải quyết TTHC của UBND",
    formats=("docx", "pdf"),
    template="bao-cao.html.j2",
    build=build,
    doc_type="BÁO CÁO",
    issuer=Issuer(symbol="BC-UBND"),
    signer=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    chair_signs=True,
)
