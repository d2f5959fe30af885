"""Image checks and sizes with Pillow. Pure: bytes in, bytes out.

An upload is accepted only if Pillow recognises it as JPEG, PNG or WebP, it is not a
decompression bomb, and it decodes completely. The result is re-encoded from pixels, so
EXIF (including GPS position), XMP and ICC blocks of the original are gone; the EXIF
orientation is applied first so portraits stay upright.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_PIXELS = 40_000_000
MIN_SIDE = 200
THUMB_SIDE = 240
DISPLAY_SIDE = 1080


class NotAnImage(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CleanImage:
    thumb: bytes
    display: bytes
    width: int
    height: int
    source_format: str


def _jpeg(image: Image.Image, side: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, format="JPEG", quality=85, optimize=True, progressive=True)  # no exif= → none written
    return out.getvalue()


def clean(data: bytes, *, declared_type: str) -> CleanImage:
    """Verify and re-encode; raise ``NotAnImage`` with a Chinese reason."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format or ""
            if fmt not in ALLOWED_FORMATS:
                raise NotAnImage("只支持 JPG、PNG、WebP 格式的照片")
            if probe.width * probe.height > MAX_PIXELS:
                raise NotAnImage("照片像素过大，请压缩后再上传")
            probe.verify()
        if ALLOWED_FORMATS[fmt] != declared_type:
            raise NotAnImage("照片的实际格式与声明的类型不符")
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            rgb = upright.convert("RGB")
    except NotAnImage:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise NotAnImage("文件不是有效的图片，或已损坏") from exc
    if min(rgb.width, rgb.height) < MIN_SIDE:
        raise NotAnImage(f"照片太小，短边至少 {MIN_SIDE} 像素")
    return CleanImage(thumb=_jpeg(rgb, THUMB_SIDE), display=_jpeg(rgb, DISPLAY_SIDE), width=rgb.width,
                      height=rgb.height, source_format=fmt)
