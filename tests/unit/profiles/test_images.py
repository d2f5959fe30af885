"""Photo cleaning: only real JPEG/PNG/WebP images pass; what comes out has no EXIF or GPS,
stays upright, and has a 240px thumbnail and a 1080px display size."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from chalicelib.profiles.images import NotAnImage, clean


def _photo(fmt: str = "JPEG", size: tuple[int, int] = (1600, 1200), orientation: int | None = None) -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0), 3: "E", 4: (120.0, 8.0, 0.0)}   # GPS
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    Image.new("RGB", size, (10, 200, 30)).save(out, format=fmt, **({"exif": exif} if fmt == "JPEG" else {}))
    return out.getvalue()


def test_a_camera_photo_comes_out_without_exif_in_two_sizes():
    result = clean(_photo(), declared_type="image/jpeg")
    for data, side in ((result.thumb, 240), (result.display, 1080)):
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG" and max(image.size) == side
            assert not image.getexif() and "exif" not in image.info


def test_a_rotated_portrait_is_made_upright_before_the_exif_is_dropped():
    result = clean(_photo(size=(1200, 800), orientation=6), declared_type="image/jpeg")   # 6 = rotate 90°
    assert (result.width, result.height) == (800, 1200)


@pytest.mark.parametrize("data, declared, reason", [
    (_photo("GIF", size=(400, 400)), "image/jpeg", "只支持"),
    (b"not an image at all" * 100, "image/jpeg", "不是有效的图片"),
    (_photo()[:2000], "image/jpeg", "不是有效的图片"),                  # truncated
    (_photo("PNG"), "image/jpeg", "不符"),
    (_photo(size=(150, 150)), "image/jpeg", "太小"),
])
def test_files_that_are_not_acceptable_images_are_refused_with_a_reason(data, declared, reason):
    with pytest.raises(NotAnImage) as caught:
        clean(data, declared_type=declared)
    assert reason in caught.value.reason
