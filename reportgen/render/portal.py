"""The news bulletin for the portal (since 2025 a commune's news goes on its page of the
provincial portal): a fragment for the portal's editor and a page.

Both come from the article the HTML subset checked (:mod:`reportgen.render.subset`), the
same one the PDF and DOCX are made of. The fragment is the article's content only (no
head, no styles); the standalone page wraps it with a small screen stylesheet. As a second
line behind the subset's allowlist, the article is sanitised with nh3 (the Rust ``ammonia``
sanitiser) keeping only the subset's elements and attributes: no script, no event handler,
no style, no link can reach the portal even if the subset let one through.
"""

from __future__ import annotations

from html import escape

import nh3

from reportgen.render import subset
from reportgen.templating import BUILTIN_TEMPLATES

STYLE_FILE = BUILTIN_TEMPLATES / "portal.css"
_ATTRIBUTES = {tag: set(subset.ATTRIBUTES.get(tag, subset.DEFAULT_ATTRIBUTES)) for tag in subset.SUBSET_TAGS}


def sanitise(html: str) -> str:
    """``html`` with only the subset's tags and attributes (nh3); anything else is removed."""
    return nh3.clean(html, tags=set(subset.SUBSET_TAGS), attributes=_ATTRIBUTES, url_schemes=set(),
                     link_rel=None, strip_comments=True)


def _article(document: subset.Document) -> str:
    return sanitise(document.article_html)


def portal_fragment(document: subset.Document) -> str:
    """The article's inner HTML, ready to paste into the portal's editor."""
    article = _article(document)
    inner = article[article.index(">") + 1:article.rindex("</article>")]
    return inner.strip() + "\n"


# Added to the page's style only when the article has a figure (pages without one keep their bytes).
FIGURE_STYLE = ("article.document figure { margin: 0 0 0.8em; text-align: center; }\n"
                "article.document figure img { max-width: 100%; height: auto; }\n"
                "article.document figcaption { font-style: italic; text-align: center; color: #444; }\n")


def portal_page(document: subset.Document) -> str:
    """A standalone HTML page of the article with a screen stylesheet; its images are
    linked by file name (written beside the page, as for the fragment)."""
    style = STYLE_FILE.read_text(encoding="utf-8")
    if any(isinstance(block, subset.Figure) for block in document.blocks):
        style += FIGURE_STYLE
    return (f'<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(document.title)}</title>\n<style>\n{style}</style>\n</head>\n<body>\n"
            f"{_article(document)}\n\n</body>\n</html>\n")
