"""The confined loader (reportgen/templating/loader.py; issue 11, item 3): nothing is read
outside the template folders, whatever link leads there; the templates folder itself may not
lead out of the workspace. Each is refused as a TemplateFailure naming the template."""

from __future__ import annotations

import os

import pytest

from reportgen.errors import TemplateFailure
from reportgen.templating import check_templates, render_html
from tests.contexts import render_failure, write_template

OUTSIDE = "không đọc / template leads outside the template folder, refused"


# ---- nothing is read outside the template folders -------------------------------------------

def test_a_template_linked_to_etc_passwd_is_refused(folder):
    (folder / "passwd.j2").symlink_to("/etc/passwd")
    assert render_failure("passwd.j2", folder) == (
        f"Mẫu 'passwd.j2' ({folder}/passwd.j2) dẫn ra ngoài thư mục mẫu {folder} (tới /etc/passwd): {OUTSIDE}")


def test_an_include_through_a_link_names_the_including_template(folder):
    (folder / "passwd.j2").symlink_to("/etc/passwd")
    write_template(folder, "doc.html.j2", "<p>a</p>\n{% include 'passwd.j2' %}\n")
    assert render_failure("doc.html.j2", folder) == (
        f"Mẫu {folder}/doc.html.j2, dòng 2: Mẫu 'passwd.j2' ({folder}/passwd.j2) dẫn ra ngoài thư mục mẫu "
        f"{folder} (tới /etc/passwd): {OUTSIDE}")


def test_a_folder_linked_to_etc_is_refused(folder):
    (folder / "sub").symlink_to("/etc")
    write_template(folder, "doc.html.j2", "{% include 'sub/hostname' %}\n")
    assert render_failure("doc.html.j2", folder) == (
        f"Mẫu {folder}/doc.html.j2, dòng 1: Mẫu 'sub/hostname' ({folder}/sub/hostname) dẫn ra ngoài thư mục mẫu "
        f"{folder} (tới {os.path.realpath('/etc/hostname')}): {OUTSIDE}")


def test_a_dangling_link_is_refused_not_looked_up_elsewhere(folder):
    (folder / "base.html.j2").symlink_to("/nonexistent/base.html.j2")  # would shadow the built-in one
    assert "dẫn ra ngoài thư mục mẫu" in render_failure("base.html.j2", folder)


def test_a_link_inside_the_folder_is_allowed(folder):
    write_template(folder, "real.html.j2", "<p>thật</p>\n")
    (folder / "alias.html.j2").symlink_to(folder / "real.html.j2")
    assert render_html("alias.html.j2", {}, workspace_templates=folder) == "<p>thật</p>\n"


def test_parent_paths_are_not_templates(folder):
    write_template(folder.parent, "secret.j2", "bí mật\n")
    write_template(folder, "doc.html.j2", "{% include '../secret.j2' %}\n")
    assert "Không tìm thấy mẫu '../secret.j2'" in render_failure("doc.html.j2", folder)


def test_a_templates_folder_linked_out_of_the_workspace_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    write_template(elsewhere, "doc.html.j2", "<p>a</p>\n")
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "templates").symlink_to(elsewhere)
    with pytest.raises(TemplateFailure) as info:
        render_html("doc.html.j2", {}, workspace_templates=tmp_path / "ws" / "templates")
    assert str(info.value) == (f"Thư mục mẫu {tmp_path}/ws/templates dẫn ra ngoài {tmp_path}/ws (tới {elsewhere}): "
                               "không đọc / templates folder leads outside the workspace, refused")


# ---- values and output bounded ----------------------------------------------------------------

# ---- check_templates: what a build loads before rendering ----------------------------------

def test_check_templates_refuses_a_linked_include(folder):
    (folder / "passwd.j2").symlink_to("/etc/passwd")
    write_template(folder, "doc.html.j2", "{% include 'passwd.j2' %}\n")
    with pytest.raises(TemplateFailure, match="dẫn ra ngoài thư mục mẫu"):
        check_templates(["doc.html.j2"], folder)
