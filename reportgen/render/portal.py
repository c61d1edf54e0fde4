"""The news bulletin for the district portal: a fragment for the portal's editor and a page.

Both come from the same document HTML as the PDF and DOCX. The fragment is the article's
content only (no head, no styles, no classes the portal does not know); the standalone
page wraps it with a small screen stylesheet.
"""

from __future__ import annotations

from html import escape

from lxml import html as lxml_html

from reportgen.errors import TemplateFailure
from reportgen.templating import BUILTIN_TEMPLATES

STYLE_FILE = BUILTIN_TEMPLATES / "portal.css"


def _article(html: str):
    root = lxml_html.document_fromstring(html)
    found = root.xpath('//article[contains(concat(" ", normalize-space(@class), " "), " document ")]')
    if not found:
        raise TemplateFailure("mẫu không tạo ra <article class=\"document\"> (docs/html-subset.md)")
    return root, found[0]


def portal_fragment(html: str) -> str:
    """The article's inner HTML, ready to paste into the portal's editor."""
    _, article = _article(html)
    parts = [lxml_html.tostring(child, encoding="unicode", method="html") for child in article]
    return "".join(parts).strip() + "\n"


def portal_page(html: str) -> str:
    """A standalone HTML page of the article with a screen stylesheet."""
    root, article = _article(html)
    title = root.findtext(".//title") or ""
    style = STYLE_FILE.read_text(encoding="utf-8")
    body = lxml_html.tostring(article, encoding="unicode", method="html")
    return (f'<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>\n{style}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")
