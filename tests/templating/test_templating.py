"""Templating: sandbox, autoescape, StrictUndefined messages, lookup order, the Decree 30 macros."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import lxml.html
import pytest

from reportgen.errors import TemplateFailure
from reportgen.templating import BUILTIN_TEMPLATES, check_templates, make_environment, render_html
from tests.contexts import sample_context, sample_doc, write_template

SAMPLE = "van-ban-mau.html.j2"

# Elements and classes allowed inside <article class="document"> (docs/html-subset.md).
SUBSET_ELEMENTS = {
    "p", "h1", "h2", "h3", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td",
    "figure", "img", "figcaption", "div", "section", "b", "strong", "i", "em", "u", "br", "span",
}
SUBSET_CLASSES = {
    "no-indent", "center", "right", "plus", "alpha", "data", "total", "num", "text", "page-break",
    "landscape", "header-block", "issuer", "national", "parent-body", "issuing-body", "number",
    "national-title", "motto", "date-line", "doc-type", "subject", "closing", "recipients",
    "recipients-title", "recipient", "signature", "authority", "signer-title", "signature-space",
    "signer-name", "appendix-title", "appendix-note", "headline", "photo-caption", "byline", "nowrap",
}


def article(html: str):
    return lxml.html.fromstring(html.encode("utf-8")).find(".//article")


# ---- environment ----------------------------------------------------------------------

def test_builtin_templates_folder_is_the_repository_templates():
    assert BUILTIN_TEMPLATES == Path(__file__).resolve().parents[2] / "templates"
    assert (BUILTIN_TEMPLATES / "macros.html.j2").is_file()


def test_environment_is_sandboxed_strict_and_autoescaped(tmp_path):
    env = make_environment(tmp_path)
    assert env.sandboxed
    assert env.autoescape is True or env.autoescape("x.html.j2")
    assert env.undefined.__name__ == "StrictUndefined"
    assert {"number", "percent", "date_line", "number_line", "period"} <= set(env.filters)


# ---- sandbox and escaping -------------------------------------------------------------

@pytest.mark.parametrize("expression", [
    "''.__class__.__mro__",
    "''.__class__.__mro__[1].__subclasses__()",
    "cycler.__init__.__globals__",
    "abbr.__init__.__globals__",
    "doc.__class__",
])
def test_sandbox_refuses_attribute_escapes(tmp_path, expression):
    write_template(tmp_path, "evil.html.j2", "<p>ok</p>\n<p>{{ " + expression + " }}</p>\n")
    with pytest.raises(TemplateFailure) as info:
        render_html("evil.html.j2", {"doc": {}}, workspace_templates=tmp_path)
    message = str(info.value)
    assert "evil.html.j2" in message
    assert "dòng 2" in message


def test_data_is_escaped_and_never_evaluated():
    hostile = '<img src="file:///etc/passwd"> {{ 7*7 }} {% raw %}'
    html = render_html(SAMPLE, sample_context(subject=hostile))
    body = html[html.index("<article"):]
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt; {{ 7*7 }} {% raw %}" in body
    assert "<img" not in body
    # the parsed document shows the text literally
    subject = article(html).find_class("subject")[0]
    assert subject.text_content() == hostile


def test_output_is_nfc_even_from_nfd_data():
    decomposed = unicodedata.normalize("NFD", "Ủy ban nhân dân xã Mỹ Hòa")
    html = render_html(SAMPLE, sample_context(subject=decomposed))
    assert unicodedata.is_normalized("NFC", html)
    assert "Ủy ban nhân dân xã Mỹ Hòa" in html


# ---- error messages -------------------------------------------------------------------

def test_undefined_variable_names_template_line_and_variable(tmp_path):
    write_template(tmp_path, "report.html.j2", "<p>a</p>\n<p>b</p>\n<p>{{ figures.total }}</p>\n")
    with pytest.raises(TemplateFailure) as info:
        render_html("report.html.j2", {}, workspace_templates=tmp_path)
    message = str(info.value)
    assert "report.html.j2" in message
    assert "dòng 3" in message
    assert "'figures'" in message


def test_missing_key_names_the_attribute(tmp_path):
    write_template(tmp_path, "report.html.j2", "<p>{{ fig.total.received }}</p>\n")
    with pytest.raises(TemplateFailure, match=r"dòng 1.*'received'"):
        render_html("report.html.j2", {"fig": {"total": {}}}, workspace_templates=tmp_path)


def test_undefined_inside_a_builtin_macro_points_at_the_macro_line():
    context = sample_context()
    del context["doc"]["place"]
    with pytest.raises(TemplateFailure) as info:
        render_html(SAMPLE, context)
    message = str(info.value)
    assert "macros.html.j2" in message
    assert "'place'" in message
    assert "dòng " in message


def test_printing_none_is_an_error(tmp_path):
    write_template(tmp_path, "none.html.j2", "<p>{{ value }}</p>\n")
    with pytest.raises(TemplateFailure, match=r"none\.html\.j2, dòng 1.*None"):
        render_html("none.html.j2", {"value": None}, workspace_templates=tmp_path)


def test_syntax_error_names_template_and_line(tmp_path):
    write_template(tmp_path, "broken.html.j2", "<p>a</p>\n{% if x %}\n<p>b</p>\n")
    with pytest.raises(TemplateFailure, match=r"broken\.html\.j2, dòng \d"):
        render_html("broken.html.j2", {"x": 1}, workspace_templates=tmp_path)


def test_filter_error_is_a_template_failure(tmp_path):
    write_template(tmp_path, "f.html.j2", "<p>{{ 'abc' | number }}</p>\n")
    with pytest.raises(TemplateFailure, match=r"f\.html\.j2, dòng 1"):
        render_html("f.html.j2", {}, workspace_templates=tmp_path)


def test_unknown_template_lists_the_folders(tmp_path):
    with pytest.raises(TemplateFailure) as info:
        render_html("khong-co.html.j2", {}, workspace_templates=tmp_path)
    assert "khong-co.html.j2" in str(info.value)
    assert str(tmp_path) in str(info.value)


def test_missing_include_names_the_including_template(tmp_path):
    write_template(tmp_path, "outer.html.j2", "<p>a</p>\n{% include 'khong-co.html.j2' %}\n")
    with pytest.raises(TemplateFailure, match=r"outer\.html\.j2, dòng 2.*khong-co\.html\.j2"):
        render_html("outer.html.j2", {}, workspace_templates=tmp_path)


# ---- lookup order -----------------------------------------------------------------------

def test_workspace_template_overrides_builtin(tmp_path):
    write_template(tmp_path, SAMPLE, "<p>mẫu riêng của huyện</p>\n")
    assert render_html(SAMPLE, {}, workspace_templates=tmp_path) == "<p>mẫu riêng của huyện</p>\n"
    assert "header-block" in render_html(SAMPLE, sample_context())


def test_missing_workspace_folder_falls_back_to_builtin(tmp_path):
    assert "header-block" in render_html(SAMPLE, sample_context(), workspace_templates=tmp_path / "khong-co")


def test_workspace_template_uses_builtin_base_and_macros(tmp_path):
    write_template(tmp_path, "rieng.html.j2", (
        '{% extends "base.html.j2" %}{% import "macros.html.j2" as d30 %}'
        "{% block body %}{{ d30.header_block(doc) }}<p>{{ abbr('CCHC') }}</p>{% endblock %}\n"))
    html = render_html("rieng.html.j2", {"doc": sample_doc()}, workspace_templates=tmp_path)
    assert 'class="header-block"' in html
    assert "cải cách hành chính (CCHC)" in html


def test_workspace_macros_override_builtin_macros(tmp_path):
    write_template(tmp_path, "macros.html.j2", (
        "{% macro header_block(doc) %}<p>KHỐI RIÊNG</p>{% endmacro %}"
        "{% macro doc_title(doc) %}{% endmacro %}{% macro closing(doc) %}{% endmacro %}"))
    html = render_html(SAMPLE, sample_context(), workspace_templates=tmp_path)
    assert "KHỐI RIÊNG" in html
    assert "header-block" not in html


# ---- abbreviations --------------------------------------------------------------------------

def test_abbreviations_restart_with_every_render():
    for _ in range(2):
        html = render_html(SAMPLE, sample_context())
        assert html.count("Ủy ban nhân dân (UBND)") == 1
        assert html.count("thủ tục hành chính (TTHC)") == 1
        assert "TTHC quý I năm 2022./." in html


def test_custom_abbreviations(tmp_path):
    write_template(tmp_path, "a.html.j2", "<p>{{ abbr('BCĐ') }}, {{ abbr('BCĐ') }}</p>\n")
    html = render_html("a.html.j2", {}, workspace_templates=tmp_path, abbreviations={"BCĐ": "Ban Chỉ đạo"})
    assert html == "<p>Ban Chỉ đạo (BCĐ), BCĐ</p>\n"


# ---- the Decree 30 blocks ---------------------------------------------------------------------

def test_skeleton_head_and_article():
    html = render_html(SAMPLE, sample_context())
    root = lxml.html.fromstring(html.encode("utf-8"))
    assert html.startswith("<!DOCTYPE html>")
    assert root.get("lang") == "vi"
    assert root.findtext(".//title") == "Kết quả giải quyết thủ tục hành chính quý I năm 2022"
    metas = {m.get("name"): m.get("content") for m in root.iter("meta") if m.get("name")}
    assert metas["reportgen:kind"] == "van-ban-mau"
    assert metas["reportgen:margins"] == "20 15 20 30"
    assert root.find(".//link").get("href") == "print.css"
    assert root.find(".//article").get("class") == "document"
    assert root.find(".//article").get("data-kind") == "van-ban-mau"


def test_margins_come_from_the_document():
    html = render_html(SAMPLE, sample_context(margins={"top": 25, "right": 20, "bottom": 25, "left": 35}))
    assert '<meta name="reportgen:margins" content="25 20 25 35">' in html


def test_sample_uses_only_the_html_subset():
    doc = article(render_html(SAMPLE, sample_context()))
    for element in doc.iter():
        if element is doc:
            continue
        assert element.tag in SUBSET_ELEMENTS, element.tag
        classes = set((element.get("class") or "").split())
        assert classes <= SUBSET_CLASSES, (element.tag, classes)
        assert element.get("style") is None


def test_header_block():
    doc = article(render_html(SAMPLE, sample_context()))
    block = doc.find_class("header-block")[0]
    issuer, national = block.findall(".//td")
    assert issuer.get("class") == "issuer" and national.get("class") == "national"
    issuing = issuer.find_class("issuing-body")[0]
    assert [issuing.text, issuing[0].tag, issuing[0].tail] == ["ỦY BAN NHÂN DÂN", "br", "HUYỆN THÁP MƯỜI"]
    assert issuer.find_class("number")[0].text == "Số: 05/BC-UBND"
    assert not issuer.find_class("parent-body")
    assert national.find_class("national-title")[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert national.find_class("motto")[0].text == "Độc lập - Tự do - Hạnh phúc"
    assert national.find_class("date-line")[0].text == "Tháp Mười, ngày 09 tháng 3 năm 2022"


def test_parent_body_and_blank_number():
    context = sample_context(number=None, issuer={"parent": "Ủy ban nhân dân huyện Tháp Mười",
                                                  "lines": ["VĂN PHÒNG HĐND VÀ UBND"]})
    doc = article(render_html(SAMPLE, context))
    assert doc.find_class("parent-body")[0].text == "ỦY BAN NHÂN DÂN HUYỆN THÁP MƯỜI"
    assert doc.find_class("issuing-body")[0].text == "VĂN PHÒNG HĐND VÀ UBND"
    assert doc.find_class("number")[0].text == "Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-UBND"


def test_doc_title():
    doc = article(render_html(SAMPLE, sample_context()))
    assert doc.find_class("doc-type")[0].text == "BÁO CÁO"
    assert doc.find_class("subject")[0].text == "Kết quả giải quyết thủ tục hành chính quý I năm 2022"


def test_closing_block():
    context = sample_context(recipients=["UBND tỉnh (b/c);", " Sở Nội vụ "], archive="VT, VP")
    doc = article(render_html(SAMPLE, context))
    closing = doc.find_class("closing")[0]
    recipients, signature = closing.findall(".//td")
    assert recipients.get("class") == "recipients" and signature.get("class") == "signature"
    assert recipients.find_class("recipients-title")[0].text == "Nơi nhận:"
    assert [p.text for p in recipients.find_class("recipient")] == [
        "- UBND tỉnh (b/c);", "- Sở Nội vụ;", "- Lưu: VT, VP."]
    assert [p.get("class") for p in signature.findall("p")] == [
        "authority", "signer-title", "signature-space", "signer-name"]
    assert signature.find_class("authority")[0].text == "TM. ỦY BAN NHÂN DÂN"
    assert signature.find_class("signer-title")[0].text == "CHỦ TỊCH"
    assert signature.find_class("signer-name")[0].text == "Trần Thị Quý"


def test_closing_without_authority_and_default_archive():
    context = sample_context(signature={"authority": None, "title": "Chủ tịch", "name": "Trần Thị Quý"},
                             recipients=[], archive=None)
    doc = article(render_html(SAMPLE, context))
    assert not doc.find_class("authority")
    assert doc.find_class("signer-title")[0].text == "CHỦ TỊCH"
    assert [p.text for p in doc.find_class("recipient")] == ["- Lưu: VT."]


def test_sample_body():
    html = render_html(SAMPLE, sample_context())
    doc = article(html)
    assert [h.text for h in doc.iter("h1")] == [
        "I. KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", "II. NHIỆM VỤ QUÝ II NĂM 2022"]
    assert [h.text for h in doc.iter("h2")][0] == "1. Tiếp nhận hồ sơ"
    table = doc.find_class("data")[0]
    assert len(table.find("thead").findall("tr")) == 2
    assert table.find_class("total")[0].findtext("td") == "Tổng cộng"
    assert "7.479" in table.find_class("total")[0].text_content()
    assert doc.find(".//ul/li") is not None
    assert "số liệu tính từ ngày 15/12/2021 đến ngày 14/3/2022" in html
    last = [p for p in doc.iter("p") if not p.get("class")][-1]
    assert last.text.endswith("./.")


def test_check_templates_passes_the_builtin_templates():
    checked = check_templates(["bao-cao.html.j2", "thong-bao.html.j2", "tin-tuc.html.j2"])
    # the three documents, then what they extend, import and include, each once
    assert checked[:3] == ["bao-cao.html.j2", "thong-bao.html.j2", "tin-tuc.html.j2"]
    assert {"base.html.j2", "macros.html.j2", "phrases.html.j2"} <= set(checked[3:])
    assert len(checked) == len(set(checked))

