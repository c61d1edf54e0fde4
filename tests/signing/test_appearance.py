"""reportgen.signing.appearance: the signature and seal images read (PNG only, said in words) and
fitted in their box. The appearances drawn in a signed PDF are in test_sign.py."""

from __future__ import annotations

import pytest
from PIL import Image

from reportgen.errors import InvalidInput
from reportgen.signing.appearance import fit, load_png


def refusal(raised) -> tuple[str, str]:
    [problem] = raised.value.problems
    return problem.file, problem.message


def test_a_png_is_read_with_its_transparency(tmp_path):
    path = tmp_path / "chu-ky.png"
    Image.new("LA", (40, 20), (0, 0)).save(path)
    image = load_png(path, "chữ ký")
    assert (image.mode, image.size) == ("RGBA", (40, 20))
    assert image.getpixel((0, 0))[3] == 0


def test_another_image_or_no_image_is_refused_in_words(tmp_path):
    jpeg = tmp_path / "con-dau.png"  # the name does not make it a PNG
    Image.new("RGB", (4, 4)).save(jpeg, format="JPEG")
    with pytest.raises(InvalidInput) as raised:
        load_png(jpeg, "con dấu")
    assert refusal(raised) == (str(jpeg), "con dấu phải là ảnh PNG nền trong suốt (tệp này là JPEG)")
    text = tmp_path / "chu-ky.png"
    text.write_text("không phải ảnh", encoding="utf-8")
    with pytest.raises(InvalidInput) as raised:
        load_png(text, "chữ ký")
    assert refusal(raised) == (str(text), "không đọc được ảnh chữ ký (cần tệp PNG nền trong suốt)")
    with pytest.raises(InvalidInput) as raised:
        load_png(tmp_path / "khong-co.png", "chữ ký")
    assert refusal(raised)[1] == "không đọc được ảnh chữ ký (cần tệp PNG nền trong suốt)"


@pytest.mark.parametrize("size, box, fitted", [((400, 200), (140, 70), (140, 70)), ((400, 100), (140, 70), (140, 35)),
                                               ((100, 200), (140, 70), (35, 70)), ((10, 10), (140, 70), (70, 70))])
def test_an_image_fills_its_box_keeping_its_shape(size, box, fitted):
    assert fit(size, *box) == fitted
