"""Document kinds: one module each, read through the registry by planning, the build, the CLI
and the archive; the example kind of docs/architecture.md works as documented; the document
number is written by one function everywhere (numbers >= 1000 included)."""

from __future__ import annotations

import pytest

from reportgen import batch, vi
from reportgen.archive.records import record_fields
from reportgen.context import common, document_frame
from reportgen.errors import InvalidInput
from reportgen.job import Job
from reportgen.kinds import KINDS, Kind, build_context
from reportgen.periods import PERIOD_FORMAT_MESSAGE, Period
from reportgen.plan import plan
from reportgen.render.to_xlsx import render_xlsx
from reportgen.resources import BUILTIN_TEMPLATES
from reportgen.schema import Issuer
from reportgen.workspace import load_workspace
from tests.conftest import SAMPLE, replace_in
from tests.readback import docx_text, flat, pdf_text

# ---- the registry --------------------------------------------------------------------------------

def test_every_kind_declares_itself_in_one_place():
    assert list(KINDS) == ["bao-cao", "thong-bao", "tin-tuc"]
    for name, kind in KINDS.items():
        assert kind.name == name
        assert (BUILTIN_TEMPLATES / kind.template).is_file()
        assert set(kind.formats) <= {"docx", "pdf", "html", "xlsx"}
    assert [k.needs_meeting for k in KINDS.values()] == [False, True, True]
    assert KINDS["bao-cao"].chair_signs and not KINDS["thong-bao"].chair_signs
    assert KINDS["thong-bao"].default_issuer("xa").symbol == "TB-UBND"
    assert KINDS["thong-bao"].default_issuer("huyen").symbol == "TB-VP"
    assert [k.record_type for k in KINDS.values()] == ["BÁO CÁO", "THÔNG BÁO", "TIN BÀI"]


def test_cli_offers_the_registry_kinds(cli):
    result = cli("build", "--help")
    assert "bao-cao, thong-bao, tin-tuc" in result.output


# ---- adding a kind: the example of docs/architecture.md --------------------------------------------

def _build_summary(ws, job):
    ctx = common(ws, job)
    ctx["doc"] = document_frame(ws, job, SUMMARY, "Tóm tắt số liệu một cửa", ctx["fig"]["cutoff"]["end"])
    return ctx, {}


SUMMARY = Kind(name="tom-tat", title="Tóm tắt số liệu một cửa", formats=("docx", "pdf"),
               template="tom-tat.html.j2", build=_build_summary, doc_type="TÓM TẮT",
               issuer=Issuer(symbol="TT-UBND"), signer=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), chair_signs=True)
SUMMARY_TEMPLATE = """\
{% extends "base.html.j2" %}
{% import "macros.html.j2" as m %}
{% block body %}
{{ m.header_block(doc) }}
{{ m.doc_title(doc) }}
{% for lv in fig.levels %}
<p>{{ lv.label|upper_first }}: tiếp nhận {{ lv.totals.received|count }} hồ sơ.</p>
{% endfor %}
{{ m.closing(doc) }}
{% endblock %}
"""


def test_a_new_kind_is_one_module_and_its_template(workspace, tmp_path, monkeypatch):
    (workspace / "templates").mkdir()
    (workspace / "templates" / "tom-tat.html.j2").write_text(SUMMARY_TEMPLATE, encoding="utf-8")
    monkeypatch.setitem(KINDS, "tom-tat", SUMMARY)
    ws = load_workspace(workspace)
    jobs = plan(ws, [Period.parse("2022-Q1")], ["TM"])
    assert [j.kind for j in jobs] == ["bao-cao", "thong-bao", "tin-tuc", "tom-tat"]
    outputs = batch.build(ws, [j for j in jobs if j.kind == "tom-tat"], tmp_path / "out")
    assert [(o.format, o.status) for o in outputs] == [("docx", "built"), ("pdf", "built")]
    for text in (flat(pdf_text(tmp_path / "out/2022-Q1/TM/tom-tat.pdf")),
                 flat(docx_text(tmp_path / "out/2022-Q1/TM/tom-tat.docx"))):
        assert "Số: /TT-UBND" in text and "TÓM TẮT" in text
        assert "Cấp huyện: tiếp nhận 2.570 hồ sơ." in text and "Cấp xã: tiếp nhận 4.909 hồ sơ." in text
        assert "Trần Thị Quý" in text
    with pytest.raises(InvalidInput) as raised:
        plan(ws, kinds=["tom-tat"], formats=["html"])
    assert str(raised.value.problems[0]) == "--format: tom-tat không có định dạng html; có: docx, pdf (giá trị: 'tom-tat')"


# ---- the document number: one function ----------------------------------------------------------------

@pytest.mark.parametrize("number, expected", [(None, ""), ("", ""), (5, "05"), (10, "10"), (999, "999"),
                                              (1000, "1000"), (1234, "1234"), ("1234", "1234"), (12345, "12345")])
def test_document_number(number, expected):
    assert vi.document_number(number) == expected


def test_document_number_rejects():
    for bad in (0, -3, "12a", 1.5):
        with pytest.raises(ValueError):
            vi.document_number(bad)


def test_number_from_1000_up_is_written_the_same_everywhere(workspace, tmp_path):
    replace_in(workspace / "reportgen.toml", 'symbol = "BC-UBND"\nrecipients = ["UBND tỉnh (b/c)"',
               'symbol = "BC-UBND"\nnumber = 1234\nrecipients = ["UBND tỉnh (b/c)"')
    ws = load_workspace(workspace)
    job = Job("bao-cao", "TM", Period.parse("2022-Q1"))
    batch.build(ws, [job], tmp_path / "out")
    for text in (flat(pdf_text(tmp_path / "out/2022-Q1/TM/bao-cao.pdf")),
                 flat(docx_text(tmp_path / "out/2022-Q1/TM/bao-cao.docx"))):
        assert "Số: 1234/BC-UBND" in text
        assert "(Kèm theo Báo cáo số 1234/BC-UBND ngày 09/3/2022 của Ủy ban nhân dân huyện Tháp Mười)" in text
        assert "1.234" not in text
    _, context, _ = build_context(ws, job)
    assert record_fields(context, job)["number"] == "1234"
    import io

    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(render_xlsx(context))).active
    notes = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "Kèm theo" in c.value]
    assert notes == ["(Kèm theo Báo cáo số 1234/BC-UBND ngày 09/3/2022 của Ủy ban nhân dân huyện Tháp Mười)"]


# ---- the period's format: one message -----------------------------------------------------------------

def test_period_message_is_one():
    assert PERIOD_FORMAT_MESSAGE == "kỳ sai định dạng: cần NĂM-Qn (quý n), NĂM-6T (6 tháng), NĂM-9T (9 tháng) hoặc NĂM (cả năm), ví dụ 2026-Q1, 2026-6T, 2026"
    with pytest.raises(ValueError, match="kỳ sai định dạng: cần NĂM-Qn \\(quý n\\), NĂM-6T \\(6 tháng\\), NĂM-9T \\(9 tháng\\) hoặc NĂM \\(cả năm\\), ví dụ 2026-Q1, 2026-6T, 2026 \\(giá trị: '2022-Q5'\\)"):
        Period.parse("2022-Q5")


# ---- planning indexes the figures once ----------------------------------------------------------------

def test_a_six_month_record_names_its_period_in_words():
    """An archived record's metadata states the period as the title does (issue 19: "the archive
    metadata use the words"), beside the period's code the archive's folders use."""
    ws = load_workspace(SAMPLE / "mau-2025")
    job = Job("bao-cao", "AG-LX", Period.parse("2026-6t"))
    _, context, _ = build_context(ws, job)
    fields = record_fields(context, job)
    assert (fields["period"], fields["period_name"]) == ("2026-6T", "6 tháng đầu năm 2026")
    assert "6 THÁNG ĐẦU NĂM 2026" in fields["title"].upper()
