"""The notice (``thong-bao``) of the chair's conclusions at the quarterly review meeting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportgen.context import common, document_frame
from reportgen.context_types import NoticeContext
from reportgen.kinds.kind import Kind
from reportgen.periods import Period
from reportgen.schema import Issuer
from reportgen.templating import phrase

if TYPE_CHECKING:
    from reportgen.plan import Job
    from reportgen.workspace import Workspace


def build(ws: Workspace, job: Job) -> tuple[NoticeContext, dict[str, bytes]]:
    """The context of template thong-bao.html.j2 (reportgen.context_types.NoticeContext) and its assets."""
    ctx = common(ws, job)
    meeting = ws.meetings[(job.period, job.unit)]
    subject = phrase("notice_subject", ws.templates_dir, unit=ctx["unit"], period=Period.parse(job.period))
    ctx["doc"] = document_frame(ws, job, KIND, subject, meeting.ngay_thong_bao or meeting.ngay)
    return ctx, {}


KIND = Kind(
    name="thong-bao",
    title="Thông báo kết luận của Chủ tịch UBND tại cuộc họp",
    formats=("docx", "pdf"),
    template="thong-bao.html.j2",
    build=build,
    doc_type="THÔNG BÁO",
    needs_meeting=True,
    issuer=Issuer(parent="UBND {don_vi}", body=["VĂN PHÒNG HĐND VÀ UBND"], symbol="TB-VP",
                  name="Văn phòng HĐND và UBND {don_vi}"),
    # a commune has no office of its own: its People's Committee issues the notice
    issuer_by_level={"xa": Issuer(symbol="TB-UBND")},
    signer=("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"),
)
