"""Wording lives in templates: the sentences Python needs (subjects, headline, chart title) and
the phrases the templates share are macros of templates/phrases.html.j2, fed with values;
a workspace's templates/phrases.html.j2 rewords them."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from openpyxl import load_workbook

from reportgen import batch
from reportgen.charts import online_share_chart
from reportgen.errors import TemplateFailure
from reportgen.job import Job
from reportgen.kinds import build_context
from reportgen.periods import Period
from reportgen.resources import BUILTIN_TEMPLATES
from reportgen.templating import phrase
from reportgen.vi import count_change, percent, share_change
from reportgen.workspace import load_workspace
from tests.conftest import replace_in
from tests.readback import docx_text, flat, pdf_text


def test_bulletin_headline_states_a_result_or_the_event_never_a_trend():
    labels = {"online_services": "dịch vụ công trực tuyến"}
    q1 = Period(2022, 1)
    assert phrase("bulletin_headline", news={"all_on_time": True}, labels=labels, period=q1) == \
        "100% hồ sơ thủ tục hành chính quý I năm 2022 được giải quyết đúng và trước hạn"
    assert phrase("bulletin_headline", news={"all_on_time": False}, labels=labels, period=q1) == \
        "Cuộc họp đánh giá kết quả thực hiện cải cách hành chính quý I năm 2022"
    assert phrase("bulletin_headline", news={"all_on_time": False}, labels=labels, period=q1, event="hội nghị") == \
        "Hội nghị đánh giá kết quả thực hiện cải cách hành chính quý I năm 2022"


def test_subjects_chart_title_and_chair():
    unit = {"name": "Huyện Tháp Mười & Co", "name_lower": "huyện Tháp Mười", "level_word": "huyện"}
    q3 = Period(2023, 3)
    assert phrase("report_subject", period=q3) == "Kết quả tiếp nhận, giải quyết thủ tục hành chính quý III năm 2023"
    assert phrase("notice_subject", unit=unit, period=q3) == (
        "Kết luận của Chủ tịch Ủy ban nhân dân huyện Tháp Mười tại cuộc họp đánh giá kết quả thực hiện cải cách "
        "hành chính quý III năm 2023 và triển khai nhiệm vụ trọng tâm năm 2023")
    assert phrase("chart_title", level={"label": "cấp xã"}, period=q3) == \
        "Tỷ lệ hồ sơ tiếp nhận trực tuyến cấp xã, quý III năm 2023"
    assert phrase("chair_short", unit=unit) == "Chủ tịch Ủy ban nhân dân huyện"
    assert phrase("chair_short", unit={**unit, "level_word": ""}) == "Chủ tịch Ủy ban nhân dân"
    # plain text (the document template escapes it when it prints it)
    assert phrase("bulletin_subject", unit=unit, headline="A < B") == "HUYỆN THÁP MƯỜI & CO: A < B"


def test_a_missing_macro_is_a_template_failure():
    with pytest.raises(TemplateFailure, match="không có macro 'no_such_sentence'"):
        phrase("no_such_sentence")


def test_a_workspace_rewords_the_phrases(workspace, tmp_path):
    own = workspace / "templates"
    own.mkdir()
    shutil.copy(BUILTIN_TEMPLATES / "phrases.html.j2", own / "phrases.html.j2")
    replace_in(own / "phrases.html.j2", "Kết quả tiếp nhận, giải quyết thủ tục hành chính {{ period|period }}",
               "Tình hình giải quyết hồ sơ {{ period|period }}")
    replace_in(own / "phrases.html.j2", "Chủ tịch Ủy ban nhân dân{% if unit.level_word %}",
               "Đồng chí Chủ tịch Ủy ban nhân dân{% if unit.level_word %}")
    replace_in(own / "phrases.html.j2", "Tỷ lệ hồ sơ tiếp nhận trực tuyến {{ level.label }}, {{ period|period }}",
               "Trực tuyến {{ level.label }}")
    ws = load_workspace(workspace)
    report, notice = Job("bao-cao", "TM", Period.parse("2022-Q1")), Job("thong-bao", "TM", Period.parse("2022-Q1"))
    outputs = batch.build(ws, [report, notice], tmp_path / "out", ("pdf", "docx"))
    assert {o.status for o in outputs} == {"built"}
    report_text = flat(pdf_text(tmp_path / "out/2022-Q1/TM/bao-cao.pdf"))
    assert "Tình hình giải quyết hồ sơ quý I năm 2022" in report_text
    assert "Kết quả tiếp nhận, giải quyết thủ tục hành chính quý I" not in report_text
    notice_text = flat(docx_text(tmp_path / "out/2022-Q1/TM/thong-bao.docx"))
    assert "thảo luận của các đại biểu dự họp, Đồng chí Chủ tịch UBND huyện kết luận như sau:" in notice_text
    _, context, assets = build_context(ws, report)
    assert context["doc"]["subject"] == "Tình hình giải quyết hồ sơ quý I năm 2022"
    shutil.rmtree(own)
    _, _, plain_assets = build_context(load_workspace(workspace), report)
    assert assets["ty-le-truc-tuyen.png"] != plain_assets["ty-le-truc-tuyen.png"]  # the chart's title changed


# ---- comparisons, the appendix's title and note, the chart's labels (issue 13 item 4) -------------

def test_comparisons_are_worded_by_macros_from_values():
    assert phrase("count_compared", c=count_change(91, 79), reference="cùng kỳ năm 2021") == \
        "tăng 12 hồ sơ (15,2%) so với cùng kỳ năm 2021"
    assert phrase("count_compared", c=count_change(0, 7), reference="quý IV năm 2021") == \
        "giảm 07 hồ sơ (100%) so với quý IV năm 2021"
    assert phrase("count_compared", c=count_change(12, 0), reference="quý IV năm 2021", noun="") == \
        "tăng 12 so với quý IV năm 2021"
    assert phrase("share_compared", c=share_change(0.99, 0.97), reference="quý IV năm 2021") == \
        "tăng 2 điểm phần trăm so với quý IV năm 2021"
    assert phrase("share_compared", c=share_change(0.9851, 0.985), reference="quý IV năm 2021") == \
        "bằng quý IV năm 2021"


def test_appendix_and_chart_phrases():
    doc = {"number": 1234, "symbol": "BC-UBND", "date": dt.date(2022, 3, 9)}
    unit = {"name_lower": "huyện Tháp Mười"}
    assert phrase("appendix_title", period=Period(2022, 1)) == \
        "BIỂU TỔNG HỢP TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH QUÝ I NĂM 2022"
    assert phrase("appendix_note", doc=doc, unit=unit) == \
        "(Kèm theo Báo cáo số 1234/BC-UBND ngày 09/3/2022 của Ủy ban nhân dân huyện Tháp Mười)"
    assert phrase("appendix_note", doc={**doc, "number": None}, unit=unit) == \
        "(Kèm theo Báo cáo số \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-UBND ngày 09/3/2022 của Ủy ban nhân dân huyện Tháp Mười)"
    assert phrase("chart_target", target=0.5) == "Mục tiêu 50%"
    assert phrase("chart_target", target=0.355) == "Mục tiêu 35,5%"
    assert phrase("chart_no_data") == "chưa có số liệu"


REWORDED = {
    # macro: (built-in text, the workspace's text)
    "count_compared": ("{% endif %} so với {{ reference }}{% endif %}", "{% endif %} khi so sánh với {{ reference }}{% endif %}"),
    "share_compared": ("điểm phần trăm so với {{ reference }}", "điểm % so với {{ reference }}"),
    "appendix_title": ("BIỂU TỔNG HỢP TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH {{ period|period_upper }}",
                       "PHỤ LỤC SỐ LIỆU {{ period|period_upper }}"),
    "appendix_note": ("(Kèm theo Báo cáo số {{ number(doc) }}", "(Phụ lục của Báo cáo số {{ number(doc) }}"),
    "chart_target": ("Mục tiêu {{ target|percent }}", "Chỉ tiêu {{ target|percent }}"),
    "chart_no_data": ("chưa có số liệu\n", "không báo cáo\n"),
}


def test_a_workspace_rewords_comparisons_appendix_and_chart(workspace, tmp_path):
    own = workspace / "templates"
    own.mkdir()
    shutil.copy(BUILTIN_TEMPLATES / "phrases.html.j2", own / "phrases.html.j2")
    for old, new in REWORDED.values():
        replace_in(own / "phrases.html.j2", old, new)
    ws = load_workspace(workspace)
    report = Job("bao-cao", "TM", Period.parse("2022-Q1"))
    outputs = batch.build(ws, [report], tmp_path / "out", ("pdf", "xlsx"))
    assert {o.status for o in outputs} == {"built"}
    text = flat(pdf_text(tmp_path / "out/2022-Q1/TM/bao-cao.pdf"))
    assert "khi so sánh với cùng kỳ năm 2021" in text
    assert " so với cùng kỳ năm 2021" not in text.replace("khi so sánh với", "")
    assert "PHỤ LỤC SỐ LIỆU QUÝ I NĂM 2022" in text
    assert "BIỂU TỔNG HỢP" not in text
    assert "(Phụ lục của Báo cáo số /BC-UBND ngày 09/3/2022 của Ủy ban nhân dân huyện Tháp Mười)" in text
    sheet = load_workbook(tmp_path / "out/2022-Q1/TM/bao-cao.xlsx").active
    assert sheet["A4"].value == "PHỤ LỤC SỐ LIỆU QUÝ I NĂM 2022"
    assert sheet["A5"].value == ("(Phụ lục của Báo cáo số \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-UBND ngày 09/3/2022 "
                                 "của Ủy ban nhân dân huyện Tháp Mười)")
    assert phrase("share_compared", own, c=share_change(0.99, 0.97), reference="quý IV năm 2021") == \
        "tăng 2 điểm % so với quý IV năm 2021"
    assert phrase("chart_target", own, target=0.5) == "Chỉ tiêu 50%"
    assert phrase("chart_no_data", own) == "không báo cáo"
    # the chart is drawn with the workspace's labels
    _, context, assets = build_context(ws, report)
    level = next(lv for lv in context["fig"]["levels"] if len(lv["units"]) > 1)
    title = phrase("chart_title", own, level=level, period=context["fig"]["period"])
    drawn = online_share_chart([u["name"] for u in level["units"]], [u["online_share"] for u in level["units"]],
                               level["online_target"], title, "Chỉ tiêu " + percent(level["online_target"]),
                               "không báo cáo")
    assert assets["ty-le-truc-tuyen.png"] == drawn


def test_the_chart_prints_the_labels_it_is_given(monkeypatch):
    online_share_chart(["Xã A"], [0.5], None, "Tỷ lệ", "", "")  # loads matplotlib
    import matplotlib.text

    drawn, original = [], matplotlib.text.Text.draw

    def spy(self, renderer):
        drawn.append(self.get_text())
        return original(self, renderer)

    monkeypatch.setattr(matplotlib.text.Text, "draw", spy)
    online_share_chart(["Xã A", "Xã B"], [0.5, None], 0.6, "Tỷ lệ", "Chỉ tiêu 60%", "không báo cáo")
    assert "Chỉ tiêu 60%" in drawn
    assert " không báo cáo" in drawn
    assert not any("Mục tiêu" in text or "chưa có số liệu" in text for text in drawn)


# ---- a sentence names at most units_named_max units (issue 9: province-scale reports) ----------

def _named(name, **values):
    return {"name_lower": name, **values}


def test_unit_lists_name_the_worst_units_and_count_the_others():
    late = [_named("xã A", count=1), _named("xã B", count=3), _named("xã C", count=1), _named("xã D", count=2)]
    assert phrase("unit_counts", items=late, limit=2) == \
        "xã B 03 hồ sơ, xã D 02 hồ sơ và 02 đơn vị khác (chi tiết tại Biểu tổng hợp kèm theo)"
    # at or under the limit (or with none) every unit is named, in the order given
    assert phrase("unit_counts", items=late, limit=4) == "xã A 01 hồ sơ, xã B 03 hồ sơ, xã C 01 hồ sơ, xã D 02 hồ sơ"
    assert phrase("unit_counts", items=late) == "xã A 01 hồ sơ, xã B 03 hồ sơ, xã C 01 hồ sơ, xã D 02 hồ sơ"
    # ties keep the given order
    assert phrase("unit_counts", items=late, limit=3).startswith("xã B 03 hồ sơ, xã D 02 hồ sơ, xã A 01 hồ sơ và 01")
    below = [_named("xã A", share=0.009), _named("xã B", share=0.0), _named("xã C", share=0.005)]
    assert phrase("unit_shares", items=below, target=0.01, limit=1) == \
        "xã B (0%) và 02 đơn vị khác (chi tiết tại Biểu tổng hợp kèm theo)"
    assert phrase("unit_shares", items=below, target=0.01) == "xã A (0,9%); xã B (0%); xã C (0,5%)"


def test_a_report_names_at_most_units_named_max_units(workspace, tmp_path):
    replace_in(workspace / "reportgen.toml", 'province = "Đồng Tháp"', 'province = "Đồng Tháp"\nunits_named_max = 2')
    ws = load_workspace(workspace)
    outputs = batch.build(ws, [Job("bao-cao", "TM", Period.parse("2021-Q1"))], tmp_path / "out", ("pdf", "docx"))
    assert {o.status for o in outputs} == {"built"}
    for text in (flat(pdf_text(tmp_path / "out/2021-Q1/TM/bao-cao.pdf")),
                 flat(docx_text(tmp_path / "out/2021-Q1/TM/bao-cao.docx"))):
        assert ("Cấp xã còn 05 hồ sơ giải quyết quá hạn, gồm: xã Trường Xuân 02 hồ sơ, xã Mỹ An 01 hồ sơ "
                "và 02 đơn vị khác (chi tiết tại Biểu tổng hợp kèm theo).") in text
        # one unit is under the limit: named as before
        assert "Cấp xã còn 01 hồ sơ đang giải quyết đã quá hạn, gồm: xã Trường Xuân 01 hồ sơ." in text
        assert ("Cấp xã có 07 đơn vị có tỷ lệ hồ sơ tiếp nhận trực tuyến chưa đạt mục tiêu 1%: xã Hưng Thạnh (0%); "
                "xã Láng Biển (0%) và 05 đơn vị khác (chi tiết tại Biểu tổng hợp kèm theo).") in text
        assert "Xã Đốc Binh Kiều" in text  # the appendix still lists every unit


def test_units_named_max_is_checked(workspace, cli):
    replace_in(workspace / "reportgen.toml", 'province = "Đồng Tháp"', 'province = "Đồng Tháp"\nunits_named_max = 0')
    result = cli("validate", "--workspace", str(workspace))
    assert result.exit_code == 2
    assert "LỖI: reportgen.toml, cột units_named_max: giá trị không hợp lệ: Input should be greater than or equal to 1 " \
        "(giá trị: '0')" in result.output + result.stderr
