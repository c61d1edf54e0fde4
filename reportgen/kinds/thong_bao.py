"""The notice (``thong-bao``) of the chair's conclusions at the quarterly review meeting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportgen.context import common, document_frame
from reportgen.context_types import NoticeContext
from reportgen.kinds.kind import Kind
from reportgen.schema import LEVELS, Issuer
from reportgen.templating import phrase
from reportgen.validate import issuer_names, unreached_bodies
from reportgen.vi import upper_first

if TYPE_CHECKING:
    from reportgen.job import Job
    from reportgen.workspace_types import Workspace


def build(ws: Workspace, job: Job) -> tuple[NoticeContext, dict[str, bytes]]:
    """The context of template thong-bao.html.j2 (reportgen.context_types.NoticeContext) and its assets."""
    ctx = common(ws, job)
    meeting = ws.meetings[(job.period, job.unit)]
    unit = ctx["unit"]
    subject = phrase("notice_subject", ws.templates_dir, unit=unit, period=job.period,
                     event=meeting.loai_hop)
    ctx["doc"] = document_frame(ws, job, KIND, subject, meeting.ngay_thong_bao or meeting.ngay)
    issuer, _ = KIND.issuer_for(ws.config.issuers, unit["level"])
    if issuer.task_recipients == "add":  # with "warn", validate lists them instead
        ctx["doc"]["recipients"] += [upper_first(body) for body in unreached_bodies(
            meeting.chi_dao, ctx["doc"]["recipients"], issuer_names(issuer, unit["name"]))]
    # who reported to the meeting: the meeting file says, else the office (never the Committee
    # itself, when it issues the notice)
    ctx["reporter"] = meeting.bao_cao_boi or KIND.issuer_forms["office"][unit["level"]].name.replace(
        "{don_vi}", unit["name_lower"])
    ctx["units_named_max"] = ws.config.units_named_max
    return ctx, {}


# Decree 30/2020, art. 13: a document signed "TL." (by order of the chair) is the People's
# Committee's, with its header, number and seal; the office issues in its own name only what
# its head (or "KT." a deputy) signs as such.
COMMITTEE = Issuer(issued_by="committee", body=["ỦY BAN NHÂN DÂN", "{don_vi}"], name="Ủy ban nhân dân {don_vi}",
                   symbol="TB-UBND")


def _office(level: str) -> Issuer:
    """The office of the People's Committee at ``level``: a province's is "Văn phòng UBND", a
    district's or commune's "Văn phòng HĐND và UBND"."""
    if level == "tinh":
        return Issuer(issued_by="office", parent="UBND {don_vi}", body=["VĂN PHÒNG"], name="Văn phòng UBND {don_vi}",
                      symbol="TB-VP")
    return Issuer(issued_by="office", parent="UBND {don_vi}", body=["VĂN PHÒNG HĐND VÀ UBND"],
                  name="Văn phòng HĐND và UBND {don_vi}", symbol="TB-VP")


KIND = Kind(
    name="thong-bao",
    title="Thông báo kết luận của Chủ tịch UBND tại cuộc họp",
    short="Thông báo kết luận",
    formats=("docx", "pdf"),
    template="thong-bao.html.j2",
    build=build,
    doc_type="THÔNG BÁO",
    needs_meeting=True,
    issuer=_office("huyen"),
    issuer_forms={"committee": {level: COMMITTEE for level in LEVELS},
                  "office": {level: _office(level) for level in LEVELS}},
    # since July 2025 a commune's office has no seal of its own: its People's Committee issues
    # the notice; a district or province office usually issues it in its own name
    default_forms={"xa": "committee", "huyen": "office", "tinh": "office"},
    issuer_by_level={"xa": COMMITTEE},
    signer=("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"),
)
