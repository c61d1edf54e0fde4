"""The render time limit (reportgen/templating/time_limit.py; issue 11, item 4): an endless loop
stops at the deadline as a TemplateFailure naming the template and line, in the main thread or
another, and the timer is cleared after every render."""

from __future__ import annotations

from reportgen import templating
from reportgen.templating import render_html
from tests.contexts import render_failure, write_template


def test_render_time_is_bounded(folder, monkeypatch):
    monkeypatch.setattr(templating.time_limit, "RENDER_SECONDS", 0.5)
    write_template(folder, "loop.html.j2",
          "<p>a</p>\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n")
    assert render_failure("loop.html.j2", folder) == (
        f"Mẫu {folder}/loop.html.j2, dòng 2: dựng văn bản quá 0.5 giây, đã dừng (vòng lặp quá lớn?) "
        "/ render timed out [{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}]")


def test_render_time_is_bounded_outside_the_main_thread(folder, monkeypatch):
    import threading

    monkeypatch.setattr(templating.time_limit, "RENDER_SECONDS", 0.5)
    write_template(folder, "loop.html.j2", "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")
    found = []
    thread = threading.Thread(target=lambda: found.append(render_failure("loop.html.j2", folder)))
    thread.start()
    thread.join(60)
    assert found and "dựng văn bản quá 0.5 giây, đã dừng" in found[0]


def test_the_timer_is_cleared_after_a_render(folder):
    import signal

    write_template(folder, "ok.html.j2", "<p>a</p>\n")
    render_html("ok.html.j2", {}, workspace_templates=folder)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL

