"""The online-share chart: named bars up to charts.LABELLED_MAX units, a bounded distribution above."""

import io

from PIL import Image

from reportgen.charts import LABELLED_MAX, online_share_chart


def _size(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(png)).size


def test_chart_height_grows_with_named_bars_up_to_the_limit():
    small = _size(online_share_chart(["Xã A", "Xã B"], [0.1, 0.2], 0.05, "T", "Mục tiêu", "chưa có số liệu"))
    limit = _size(online_share_chart([f"Xã {i}" for i in range(LABELLED_MAX)], [0.01 * i for i in range(LABELLED_MAX)],
                                     0.05, "T", "Mục tiêu", "chưa có số liệu"))
    assert small == (944, 354)  # 16 x 6 cm at 150 dpi
    assert limit == (944, int((0.55 * LABELLED_MAX + 3) / 2.54 * 150))


def test_many_units_make_a_chart_of_bounded_size_sorted_highest_first():
    count = 3000
    shares = [None if i % 97 == 0 else (i * 37 % 1000) / 4000 for i in range(count)]
    png = online_share_chart([f"Xã {i}" for i in range(count)], shares, 0.1, "T", "Mục tiêu", "chưa có số liệu")
    image = Image.open(io.BytesIO(png)).convert("RGB")
    limit = _size(online_share_chart([f"Xã {i}" for i in range(LABELLED_MAX)], [0.1] * LABELLED_MAX, 0.1, "T", "Mục tiêu", "chưa có số liệu"))
    assert image.size == limit  # as tall as LABELLED_MAX named bars, not 3000
    assert png == online_share_chart([f"Xã {i}" for i in range(count)], shares, 0.1, "T", "Mục tiêu", "chưa có số liệu")  # reproducible
    # sorted highest first: the bar area's filled width shrinks from top to bottom
    width, height = image.size

    def filled(y: int) -> int:
        return sum(1 for x in range(width) if image.getpixel((x, y)) == (0x3B, 0x6E, 0xA5))

    top, bottom = filled(height // 5), filled(height * 4 // 5)
    assert top > bottom > 0


def test_vietnamese_labels_are_drawn_with_a_font_that_has_their_letters():
    """Liberation Serif 1.x (no Vietnamese; LibreOffice's packages install it) beside 2.x must not
    be picked by matplotlib: every glyph of a Vietnamese name is found (no 'Glyph … missing')."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = online_share_chart(["Phường Hưng Yên", "Xã Đắk Mil", "Đặc khu Phú Quốc"], [0.5, 0.25, None], 0.98,
                                 "Tỷ lệ hồ sơ trực tuyến", "Chỉ tiêu", "chưa có số liệu")
    assert png.startswith(b"\x89PNG")
    from matplotlib import font_manager

    drawn = font_manager.findfont(font_manager.FontProperties(family="Liberation Serif"))
    assert "liberation2" in drawn or "Times" in drawn, drawn
