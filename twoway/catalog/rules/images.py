"""Check and re-encode an uploaded product image (pure: Pillow, no Django).

An upload is accepted only when its *content* is JPEG, PNG or WebP (the name and the declared
type are not trusted), it is at most ``max_bytes`` long and at most ``max_pixels`` pixels (checked
from the header before any pixel is decoded: a decompression bomb is refused, not inflated). It is
then decoded, turned upright (EXIF orientation), converted to sRGB (an embedded ICC profile is
honoured), and written again as WebP without any metadata (EXIF, GPS, XMP, ICC all dropped), with
thumbnails whose longest side is each of ``thumb_sides``.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
OUTPUT_FORMAT = "WEBP"
OUTPUT_CONTENT_TYPE = "image/webp"
QUALITY = 85


class ImageRejected(Exception):
    """``rule`` names what was broken; the caller words it for the person."""

    def __init__(self, rule: str, **figures: object) -> None:
        super().__init__(rule)
        self.rule = rule
        self.figures = figures


@dataclass(frozen=True)
class ProcessedImage:
    full: bytes
    width: int
    height: int
    source_format: str
    thumbs: dict[int, bytes] = field(default_factory=dict)
    content_type: str = OUTPUT_CONTENT_TYPE
    extension: str = "webp"


def _to_srgb(img: Image.Image) -> Image.Image:
    icc = img.info.get("icc_profile")
    mode = "RGBA" if ("A" in img.getbands() or "transparency" in img.info) else "RGB"
    if icc:
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            dst = ImageCms.createProfile("sRGB")
            if img.mode not in ("RGB", "RGBA"):
                img = img.convert(mode)
            converted = ImageCms.profileToProfile(img, src, dst, outputMode=img.mode)
            if converted is None:  # only with inPlace=True
                raise RuntimeError("ImageCms.profileToProfile gave no image")
            return converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: treat the pixels as sRGB
    return img.convert(mode)


def _encode(img: Image.Image) -> bytes:
    out = io.BytesIO()
    # No exif=, no icc_profile=: nothing but pixels is written.
    img.save(out, OUTPUT_FORMAT, quality=QUALITY, method=4)
    return out.getvalue()


def process_image(
    data: bytes,
    *,
    max_bytes: int,
    max_pixels: int,
    max_side: int,
    thumb_sides: tuple[int, ...],
) -> ProcessedImage:
    if not data:
        raise ImageRejected("empty")
    if len(data) > max_bytes:
        raise ImageRejected("too_large", size=len(data), max=max_bytes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img: Image.Image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageRejected("too_many_pixels", max=max_pixels) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ImageRejected("not_an_image") from None
    if img.format not in ALLOWED_FORMATS:
        raise ImageRejected("wrong_type", found=img.format or "?")
    width, height = img.size
    if width < 1 or height < 1 or width * height > max_pixels:
        raise ImageRejected("too_many_pixels", width=width, height=height, max=max_pixels)
    source_format = img.format
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img.load()
            img = ImageOps.exif_transpose(img)
            img = _to_srgb(img)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageRejected("too_many_pixels", max=max_pixels) from None
    except (OSError, ValueError, SyntaxError):
        raise ImageRejected("not_an_image") from None
    img.info.clear()
    if max(img.size) > max_side:
        img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    thumbs: dict[int, bytes] = {}
    for side in thumb_sides:
        small = img.copy()
        small.thumbnail((side, side), Image.Resampling.LANCZOS)
        thumbs[side] = _encode(small)
    return ProcessedImage(
        full=_encode(img),
        width=img.size[0],
        height=img.size[1],
        source_format=source_format,
        thumbs=thumbs,
    )
