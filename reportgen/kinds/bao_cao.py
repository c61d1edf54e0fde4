"""The quarterly report (``bao-cao``) of a unit's People's Committee, with its appendix table
and a chart of the online share by unit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportgen.charts import online_share_chart
from reportgen.context import common, document_frame, figures_taken, own_text
from reportgen.context_types import ReportContext
from reportgen.kinds.kind import Kind
from reportgen.schema import Issuer
from reportgen.templating import phrase

if TYPE_CHECKING:
    from reportgen.job import Job
    from reportgen.workspace_types import Workspace


def build(ws: Workspace, job: Job) -> tuple[ReportContext, dict[str, bytes]]:
    """The context of template bao-cao.html.j2 (reportgen.context_types.ReportContext) and its assets."""
    ctx = common(ws, job)
    period = job.period
    meeting = ctx["meeting"]
    # the report goes to the meeting: dated as the meeting file says, else the meeting's
    # day; without a meeting, the day the figures are cut off (Decree 09/2019, art. 12)
    date = (meeting["ngay_bao_cao"] or meeting["ngay"]) if meeting else ctx["fig"]["cutoff"]["end"]
    # the window ends on the day the figures were taken, never after the report's date
    ctx["fig"]["cutoff"]["end"] = figures_taken(ws, job, date, ctx["fig"]["cutoff"]["end"])
    ctx["doc"] = document_frame(ws, job, KIND, phrase("report_subject", ws.templates_dir, period=period), date)
    ctx["text"] = own_text(ws, job, meeting)
    ctx["tasks"] = ctx["text"]["nhiem_vu"]
    ctx["units_named_max"] = ws.config.units_named_max
    assets = _chart(ctx["fig"], ws)
    ctx["chart"] = next(iter(assets), None)
    return ctx, assets


def _chart(fig: dict, ws) -> dict[str, bytes]:
    """One chart of the online share by unit, at the level with several units."""
    level = next((lv for lv in fig["levels"] if len(lv["units"]) > 1), None)
    if level is None:
        return {}
    title = phrase("chart_title", ws.templates_dir, level=level, period=fig["period"])
    target = level["online_target"]
    target_label = "" if target is None else phrase("chart_target", ws.templates_dir, target=target)
    png = online_share_chart([u["name"] for u in level["units"]], [u["online_share"] for u in level["units"]],
                             target, title, target_label, phrase("chart_no_data", ws.templates_dir))
    return {"ty-le-truc-tuyen.png": png}


KIND = Kind(
    name="bao-cao",
    title="Báo cáo kết quả giải quyết TTHC của UBND",
    short="Báo cáo",
    formats=("docx", "pdf", "xlsx"),  # xlsx: the appendix table as a workbook (render/to_xlsx.py)
    template="bao-cao.html.j2",
    build=build,
    doc_type="BÁO CÁO",
    issuer=Issuer(symbol="BC-UBND"),
    signer=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    chair_signs=True,
    uses_report_text=True,
)
