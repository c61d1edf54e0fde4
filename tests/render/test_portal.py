"""The bulletin for the portal (reportgen/render/portal.py): a fragment for the editor and a
page, both from the article the subset checked, sanitised a second time with nh3."""

from __future__ import annotations

from reportgen.render import portal, subset


def page(body: str, outside: str = "") -> str:
    return ('<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Thử</title></head>'
            f'<body>{outside}<article class="document" data-kind="thu">{body}</article></body></html>')


def test_the_portal_html_is_sanitised_again_with_nh3():
    assert portal.sanitise('<p class="center" onclick="x()" style="color:red" id="a">a<script>b</script></p>'
                           '<a href="javascript:x()">c</a><img src="javascript:alert(1)">') == '<p class="center">a</p>c<img>'


def test_portal_page_and_fragment_come_from_the_checked_article():
    document = subset.read(page('<p class="headline">Tin</p><p>Nội <b>dung</b></p>'), "t")
    assert portal.portal_fragment(document) == '<p class="headline">Tin</p><p>Nội <b>dung</b></p>\n'
    html = portal.portal_page(document)
    assert '<title>Thử</title>' in html and '<article class="document" data-kind="thu">' in html


def test_the_page_carries_the_portal_stylesheet_and_the_figure_style_only_with_a_figure(tmp_path):
    style = portal.STYLE_FILE.read_text(encoding="utf-8")
    plain = portal.portal_page(subset.read(page("<p>a</p>"), "t"))
    assert plain == ('<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
                     '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                     f'<title>Thử</title>\n<style>\n{style}</style>\n</head>\n<body>\n'
                     '<article class="document" data-kind="thu"><p>a</p></article>\n\n</body>\n</html>\n')
    (tmp_path / "tin-tuc.anh.jpg").write_bytes(b"\xff\xd8\xff\xe0 a JPEG")
    with_figure = portal.portal_page(subset.read(
        page('<figure><img src="tin-tuc.anh.jpg"><figcaption>Quang cảnh</figcaption></figure>'), "t", tmp_path))
    assert f"<style>\n{style}{portal.FIGURE_STYLE}</style>" in with_figure
    assert '<img src="tin-tuc.anh.jpg">' in with_figure
