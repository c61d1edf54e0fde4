"""A template's memory is bounded (issue 11, item 4; defect D3 of the attack run).

The sandbox refuses any value whose text would exceed ``MAX_OUTPUT_CHARS`` before it is
made, whatever builds it: ``~``, ``+``, ``join``, a block set, a macro, ``caller()``, a
filter block, ``self.block()``, ``%`` and ``format`` repeating an argument, a container
printed (a list holding one long string many times is small in memory but huge as text),
list growth. Each is reported as the document's template error naming the template and
line. The strings here are 10 million characters: the first doubling (20 million) is
allowed, the second is refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen import templating
from reportgen.errors import TemplateFailure
from reportgen.templating import render_html
from tests.contexts import render_failure, write_template

SETUP = '{% set ns = namespace(s="a" * 10000000, l=["a" * 10000000], x=[1]) %}'
DOUBLED = "giá trị quá lớn (40.000.000 phần tử; giới hạn 20.000.000) / value too large"



def shown(line: str) -> str:
    """A source line as the message quotes it (shortened past 120 characters)."""
    return line if len(line) <= 120 else line[:117] + "..."


def failure(folder: Path, line: str) -> str:
    (folder / "x.html.j2").write_text(f"{SETUP}\n{line}\n", encoding="utf-8")
    with pytest.raises(TemplateFailure) as info:
        render_html("x.html.j2", {}, workspace_templates=folder)
    return str(info.value)


@pytest.mark.parametrize("line", [
    "{% for i in range(7) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "{% for i in range(7) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
    "{% for i in range(7) %}{% set ns.s = [ns.s, ns.s]|join %}{% endfor %}",
    "{% for i in range(7) %}{% set ns.s = ''.join([ns.s, ns.s]) %}{% endfor %}",
    "{% for i in range(7) %}{% set ns.s %}{{ ns.s }}{{ ns.s }}{% endset %}{% endfor %}",
    "{% macro d(s) %}{{ s }}{{ s }}{% endmacro %}{% for i in range(7) %}{% set ns.s = d(ns.s) %}{% endfor %}",
    "{% macro d() %}{{ caller() }}{{ caller() }}{% endmacro %}"
    "{% for i in range(7) %}{% set ns.s %}{% call d() %}{{ ns.s }}{% endcall %}{% endset %}{% endfor %}",
    "{% for i in range(7) %}{% set ns.s %}{% filter upper %}{{ ns.s }}{{ ns.s }}{% endfilter %}{% endset %}"
    "{% endfor %}",
    "{% block b %}{{ ns.s }}{{ ns.s }}{% endblock %}{% for i in range(7) %}{% set ns.s = self.b() %}{% endfor %}",
    "{% for i in range(7) %}{% set ns.s = ns.s.replace('a', 'aa') %}{% endfor %}",
])
def test_doubling_a_string_is_refused_at_the_second_doubling(folder, line):
    assert failure(folder, line) == f"Mẫu {folder}/x.html.j2, dòng 2: {DOUBLED} [{shown(line)}]"


@pytest.mark.parametrize(("line", "size"), [
    ("{{ '%s%s' % (ns.s, ns.s) }}", "20.000.004"),  # format string + 2 fields x the longest argument
    ("{{ '{0}{0}'.format(ns.s) }}", "20.000.006"),
    ("{{ '%s%s'|format(ns.s, ns.s) }}", "20.000.004"),
    ("{{ ns.l * 1000 }}", "20.000.010"),  # [ 'aaa…', 'aaa…' ]: counted item by item, stopped past the limit
    ("{{ (ns.l * 1000)|string }}", "20.000.010"),
    ("{{ (ns.l * 1000) ~ '' }}", "20.000.010"),
    ("{{ (ns.l * 1000)|tojson }}", "20.000.010"),
    ("{{ dict(a=ns.l * 1000) }}", "20.000.017"),
    ("{{ namespace(a=ns.l * 1000) }}", "20.000.017"),
    ("{% set l = [] %}{% for i in range(3) %}{% set _ = l.append(ns.s) %}{% endfor %}{{ l }}", "20.000.010"),
    ("{{ ['x', 'y', 'z']|join(ns.s) }}", "20.000.001"),  # 2 separators, then the first item
    ("{{ ('\\t' * 10)|string|attr('expandtabs')(10000000) }}", "100.000.010"),
    ("{{ ('a' * 10)|string|attr('translate')({97: ns.s}) }}", "100.000.000"),
    ("{{ ('a\\n' * 1000)|indent(ns.s[:100000]) }}", "200.000.000"),
    ("{{ ('a ' * 1000)|wordwrap(1, wrapstring=ns.s[:100000]) }}", "200.000.000"),
    ("{% for i in range(30) %}{% set _ = ns.x.extend(ns.x) %}{% endfor %}", "33.554.432"),
    ("{% for i in range(30) %}{% set ns.x = ns.x + ns.x %}{% endfor %}", "33.554.432"),
    ("{% for i in range(30) %}{% set ns.x = [ns.x, ns.x]|sum(start=[]) %}{% endfor %}", "33.554.432"),
    ("{{ [1]|batch(1000000000, 'x')|list|length }}", "1.000.000.000"),
    ("{{ lipsum(10000000) }}", "12.000.000.000"),
])
def test_text_made_by_repetition_is_refused_before_it_is_made(folder, line, size):
    assert failure(folder, line) == (f"Mẫu {folder}/x.html.j2, dòng 2: giá trị quá lớn ({size} phần tử; "
                                     f"giới hạn 20.000.000) / value too large [{shown(line)}]")


def test_an_imported_template_is_bounded_by_its_output(folder):
    (folder / "mod.j2").write_text('{% set s = "a" * 10000000 %}{% for i in range(1000) %}{{ s }}{% endfor %}',
                                   encoding="utf-8")
    (folder / "x.html.j2").write_text("<p>a</p>\n{% import 'mod.j2' as m %}{{ m }}\n", encoding="utf-8")
    with pytest.raises(TemplateFailure) as info:
        render_html("x.html.j2", {}, workspace_templates=folder)
    assert str(info.value) == (f"Mẫu {folder}/x.html.j2, dòng 2: văn bản dựng ra vượt 20.000.000 ký tự, đã dừng "
                               "/ output too large [{% import 'mod.j2' as m %}{{ m }}]")


def test_squaring_an_integer_is_refused(folder):
    line = "{% set ns.x = 7 %}{% for i in range(40) %}{% set ns.x = ns.x * ns.x %}{% endfor %}"
    assert failure(folder, line) == (f"Mẫu {folder}/x.html.j2, dòng 2: tích quá lớn (quá 4096 bit) "
                                     f"/ product too large [{line}]")


def test_ordinary_joins_and_sums_still_work(folder):
    (folder / "ok.html.j2").write_text(
        "{% set ns = namespace(s='ab') %}{% macro m(x) %}[{{ x }}]{% endmacro %}"
        "{{ ns.s ~ 1 ~ 'c' }} {{ 'x' + 'y' }} {{ 1 + 2 }} {{ [1] + [2] }} {{ ['a', 'b']|join('-') }} "
        "{{ '-'.join(['c', 'd']) }} {{ m(ns.s) }} {{ [[1], [2]]|sum(start=[]) }} {{ [1, 2]|sum }} "
        "{{ '%s/%s' % (1, 2) }} {{ 12 * 3 }}{% set l = [] %}{% set _ = l.append(3) %} {{ l }} "
        "{{ 'a b'|wordwrap(1) }}\n", encoding="utf-8")
    assert render_html("ok.html.j2", {}, workspace_templates=folder) == (
        "ab1c xy 3 [1, 2] a-b c-d [ab] [1, 2] 3 1/2 36 [3] a\nb\n")


def test_the_issue_attack_fails_that_document_with_exit_1(cli, workspace, tmp_path):
    """The attack run's repro: 7 doublings of 10 million characters with ``~`` (2 GB, exit 0 before)."""
    (workspace / "templates").mkdir()
    path = workspace / "templates" / "bao-cao.html.j2"
    loop = ('{% set ns = namespace(s="a" * 10000000) %}{% for i in range(7) %}{% set ns.s = ns.s ~ ns.s %}'
            "{% endfor %}<p>{{ ns.s|length }}</p>")
    path.write_text(f'{{% extends "base.html.j2" %}}\n{{% block body %}}\n{loop}\n{{% endblock %}}\n',
                    encoding="utf-8")
    out = tmp_path / "o"
    result = cli("build", "-w", workspace, "-o", out, "-p", "2022-Q1", "-u", "TM", "-k", "bao-cao", "-f", "docx",
                 "-j", "1")
    assert result.exit_code == 1
    assert result.stderr == f"LỖI: 2022-Q1 TM bao-cao: Mẫu {path}, dòng 3: {DOUBLED} [{loop[:117]}...]\n"
    assert not [p for p in out.rglob("*") if p.is_file() and ".reportgen" not in p.parts]


# ---- values and output bounded (issue 11, items 3 and 4) -------------------------------------
TOO_BIG = "giá trị quá lớn (1.000.000.000 phần tử; giới hạn 20.000.000) / value too large"


@pytest.mark.parametrize("expression", [
    "'a' * 10**9",
    "10**9 * 'a'",
    "['a'] * 10**9",
    "'a'.ljust(10**9)",
    "'a'|center(10**9)",
    "'a'.zfill(10**9)",
    "'%1000000000s' % 'a'",
    "'%*s' % (10**9, 'a')",
    "'%1000000000s'|format('a')",
    "'{:>1000000000}'.format('a')",
    "'{:>{}}'.format('a', 10**9)",
])
def test_a_huge_value_is_refused_before_it_is_made(folder, expression):
    write_template(folder, "big.html.j2", f"<p>a</p>\n<p>{{{{ {expression} }}}}</p>\n")
    assert render_failure("big.html.j2", folder) == (
        f"Mẫu {folder}/big.html.j2, dòng 2: {TOO_BIG} [<p>{{{{ {expression} }}}}</p>]")


def test_a_huge_replacement_is_refused(folder):
    write_template(folder, "big.html.j2", "{{ ('ab' * 10**6)|replace('a', 'a' * 1000) }}\n")
    assert "giá trị quá lớn (1.001.000.000 phần tử; giới hạn 20.000.000)" in render_failure("big.html.j2", folder)


def test_a_huge_power_is_refused(folder):
    write_template(folder, "pow.html.j2", "{{ 7 ** 100000 }}\n")
    assert render_failure("pow.html.j2", folder) == (
        f"Mẫu {folder}/pow.html.j2, dòng 1: lũy thừa quá lớn (7 ** 100000) / power too large [{{{{ 7 ** 100000 }}}}]")


def test_ordinary_arithmetic_and_formatting_still_work(folder):
    write_template(folder, "ok.html.j2", "{{ 'ab' * 3 }} {{ 2 ** 10 }} {{ '%5s' % 'x' }} {{ '{:>4}|{}'.format('y', 10**9) }}"
                                " {{ 'xay'|replace('a', 'bb') }} {{ 'x'|center(5) }}\n")
    assert render_html("ok.html.j2", {}, workspace_templates=folder) == (
        "ababab 1024     x    y|1000000000 xbby   x  \n")


def test_output_size_is_bounded(folder, monkeypatch):
    monkeypatch.setattr(templating.sandbox, "MAX_OUTPUT_CHARS", 1000)
    write_template(folder, "long.html.j2", "{% for i in range(1000) %}<p>{{ i }}</p>\n{% endfor %}")
    assert render_failure("long.html.j2", folder) == (
        "Mẫu long.html.j2: văn bản dựng ra vượt 1.000 ký tự, đã dừng / output too large")

