"""What a record carries inside it: the figure rows, the meeting file and the DOCX.

Attachment names are built from validated codes only (period, unit, kind):
``so-lieu_2022-Q1_TM.csv``, ``cuoc-hop_2022-Q1_TM.yaml``, ``bao-cao_2022-Q1_TM.docx``.
"""

from __future__ import annotations

import csv
import io

from reportgen.cells import neutralise
from reportgen.columns import BY_KEY, OPTIONAL, POINTS
from reportgen.indicators import scope_of
from reportgen.job import Job
from reportgen.kinds import KINDS
from reportgen.periods import Period
from reportgen.render.to_pdf import PdfAttachment
from reportgen.workspace import Workspace

CSV_TYPE = "text/csv"
YAML_TYPE = "application/yaml"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def figures_name(job: Job) -> str:
    return f"so-lieu_{job.period}_{job.unit}.csv"


def meeting_name(job: Job) -> str:
    return f"cuoc-hop_{job.period}_{job.unit}.yaml"


def text_name(job: Job) -> str:
    return f"noi-dung_{job.period}_{job.unit}.yaml"


def docx_name(job: Job) -> str:
    return f"{job.kind}_{job.period}_{job.unit}.docx"


def used_periods(period: Period) -> list[Period]:
    """The periods a document's figures come from: a year before, the previous period, its own."""
    return [period.year_before(), period.previous(), period]


def figure_rows_csv(ws: Workspace, job: Job) -> bytes:
    """The rows of ``ws.figures`` the document is made from, as UTF-8 CSV (no _file/_row),
    text cells neutralised against formulas (:mod:`reportgen.cells`).

    The unit and every unit below it, in the document's period and in the two periods it is
    compared with (previous quarter, same quarter a year before), in the order of the workspace.
    """
    units = set(scope_of(ws.units, job.unit).codes)
    frame = ws.figures
    order = {str(p): i for i, p in enumerate(sorted(used_periods(job.period)))}  # ky holds canonical spellings
    rows = frame[frame["ma_don_vi"].isin(units) & frame["ky"].isin(order)]
    rows = rows.sort_values("ky", kind="stable", key=lambda ky: ky.map(order))
    # an optional column (reportgen.columns) only when one of these rows gives it
    columns = [c for c in frame.columns if not str(c).startswith("_")
               and (c not in OPTIONAL or rows[c].notna().any())]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([neutralise(v) if isinstance(v, str) else v for v in (_cell(c, v) for c, v in zip(columns, row))]
                     for row in rows[columns].itertuples(index=False, name=None))
    return out.getvalue().encode("utf-8")


def _cell(column: str, value):
    """A value as the figures file gives it: an optional count as a whole number, empty when not given."""
    if column not in OPTIONAL:
        return value
    if value != value:
        return ""
    return value if BY_KEY[column].kind == POINTS else int(value)


def attachments(ws: Workspace, job: Job, docx: bytes) -> list[PdfAttachment]:
    """The files embedded in a record, in a fixed order."""
    periods = ", ".join(map(str, used_periods(job.period)))
    files = [PdfAttachment(figures_name(job), figure_rows_csv(ws, job), CSV_TYPE, "Source",
                           f"Số liệu một cửa dùng để lập văn bản ({job.unit}, {periods})")]
    meeting = ws.meeting_files.get((job.period, job.unit))
    if meeting is not None:
        files.append(PdfAttachment(meeting_name(job), meeting.read_bytes(), YAML_TYPE, "Source",
                                   f"Tệp cuộc họp (meetings/{meeting.name})"))
    text = ws.text_files.get((job.period, job.unit))
    if text is not None and KINDS[job.kind].uses_report_text:
        files.append(PdfAttachment(text_name(job), text.read_bytes(), YAML_TYPE, "Source",
                                   f"Nội dung báo cáo (noi-dung/{text.name})"))
    files.append(PdfAttachment(docx_name(job), docx, DOCX_TYPE, "Alternative", "Văn bản dạng DOCX"))
    return files
