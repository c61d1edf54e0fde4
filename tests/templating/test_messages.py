"""Template messages (reportgen/templating/messages.py): what went wrong, as the clerk reads it,
naming the template (its path for a workspace's), the line and the source line; endless
recursion and a syntax error or missing template found by check_templates alike."""

from __future__ import annotations

import pytest

from reportgen.errors import TemplateFailure
from reportgen.templating import check_templates
from tests.contexts import render_failure, write_template

RECURSION = "mẫu gọi lại chính nó không dừng (include hoặc macro đệ quy) / endless template recursion"


def test_a_self_including_template_is_named(folder):
    write_template(folder, "self.html.j2", "<p>a</p>\n{% include 'self.html.j2' %}\n")
    assert render_failure("self.html.j2", folder) == (
        f"Mẫu {folder}/self.html.j2, dòng 2: {RECURSION} [{{% include 'self.html.j2' %}}]")


def test_a_recursive_macro_is_named(folder):
    write_template(folder, "rec.html.j2", "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}\n{{ f(1) }}\n")
    assert render_failure("rec.html.j2", folder) == (
        f"Mẫu {folder}/rec.html.j2, dòng 1: {RECURSION} [{{% macro f(n) %}}{{{{ f(n + 1) }}}}{{% endmacro %}}]")


def test_check_templates_finds_a_syntax_error_in_an_imported_template(folder):
    write_template(folder, "macros.html.j2", "{% macro x() %}\n{% if %}\n{% endmacro %}\n")
    with pytest.raises(TemplateFailure) as info:
        check_templates(["bao-cao.html.j2"], folder)
    assert str(info.value) == f"Mẫu {folder}/macros.html.j2, dòng 2: lỗi cú pháp: Expected an expression, got 'end of statement block'"


def test_check_templates_names_the_template_that_includes_a_missing_one(folder):
    write_template(folder, "doc.html.j2", "{% include 'khong-co.html.j2' %}{% include 'tuy-chon.j2' ignore missing %}\n")
    with pytest.raises(TemplateFailure) as info:
        check_templates(["doc.html.j2"], folder)
    assert str(info.value).startswith(f"Mẫu {folder}/doc.html.j2: Không tìm thấy mẫu 'khong-co.html.j2' (đã tìm trong: ")

