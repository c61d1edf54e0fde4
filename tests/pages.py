"""A page of the HTML subset (docs/html-subset.md) to render, and the core properties the
DOCX tests give it."""

from __future__ import annotations

import datetime as dt

DATE = dt.date(2022, 3, 9)
PROPS = {"title": "Kết quả thử", "subject": "BÁO CÁO", "author": "ỦY BAN NHÂN DÂN HUYỆN THỬ",
         "keywords": "reportgen, thử", "language": "vi-VN", "date": DATE}



def page(body: str, margins: str = "20 15 20 30", title: str = "t") -> str:
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta name="reportgen:margins" content="{margins}"></head><body>'
            f'<article class="document" data-kind="x">{body}</article></body></html>')
