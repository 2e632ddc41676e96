"""Demo product photos: drawn with Pillow at seed time and stored through the product's own image
service (checked, re-encoded, thumbnailed, saved through Django's storage), so the demo storefront
is not text-only. Deterministic per SKU; nothing is downloaded."""

from __future__ import annotations

import hashlib
import io

from django.db.models import Min
from PIL import Image, ImageDraw, ImageFont

from twoway.catalog.models import Product, ProductImage, ProductStatus
from twoway.catalog.services import product_image_add
from twoway.identity.models import Role, User

#: Background colours per HS chapter group (food greens and ambers, textiles blues ...).
_PALETTES = {
    "0": ((241, 226, 196), (190, 137, 74)),  # animal and vegetable products
    "1": ((236, 230, 206), (150, 118, 60)),  # foods, sugars, beverages
    "2": ((222, 232, 240), (70, 110, 150)),  # minerals, chemicals
    "3": ((230, 236, 228), (86, 126, 92)),  # chemicals, plastics
    "6": ((226, 231, 246), (64, 84, 160)),  # textiles, apparel
    "9": ((240, 230, 238), (140, 74, 120)),  # misc manufactured
}


def _palette(hs_code: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    return _PALETTES.get(hs_code[:1], ((232, 234, 238), (90, 98, 112)))


def demo_photo(
    *,
    title: str,
    hs_code: str,
    seed: str,
    size: tuple[int, int] = (960, 720),
    colour: tuple[int, int, int] | None = None,
) -> bytes:
    """A still life of the product: a lit background, a jar/box silhouette, the product's name
    (``colour``: the goods' own colour, for a variant of that colour). Returned as a JPEG (the
    image service turns it into WebP with thumbnails, like an upload)."""
    light, dark = _palette(hs_code)
    digest = hashlib.sha256(seed.encode()).digest()
    width, height = size
    img = Image.new("RGB", size, light)
    draw = ImageDraw.Draw(img)
    for y in range(height):  # a soft vertical gradient
        t = y / height
        row = tuple(int(light[i] * (1 - 0.25 * t) + dark[i] * 0.25 * t) for i in range(3))
        draw.line([(0, y), (width, y)], fill=row)
    shade = colour or tuple(max(0, c - 40 + digest[i] % 30) for i, c in enumerate(dark))
    cx, base = width // 2, int(height * 0.78)
    w, h = 220 + digest[3] % 120, 260 + digest[4] % 140
    draw.ellipse([cx - w // 2 - 30, base - 18, cx + w // 2 + 30, base + 22], fill=(0, 0, 0, 40))
    if digest[5] % 2:  # a jar
        draw.rounded_rectangle([cx - w // 2, base - h, cx + w // 2, base], radius=40, fill=shade)
        draw.rectangle([cx - w // 3, base - h - 40, cx + w // 3, base - h + 10], fill=dark)
    else:  # a box
        draw.rectangle([cx - w // 2, base - h, cx + w // 2, base], fill=shade)
        draw.polygon(
            [
                (cx - w // 2, base - h),
                (cx - w // 2 + 40, base - h - 40),
                (cx + w // 2 + 40, base - h - 40),
                (cx + w // 2, base - h),
            ],
            fill=dark,
        )
    label = (title or "")[:28]
    try:
        font = ImageFont.load_default(size=34)
    except TypeError:  # Pillow < 10.1
        font = ImageFont.load_default()
    draw.rounded_rectangle(
        [cx - w // 2 + 16, base - h // 2 - 30, cx + w // 2 - 16, base - h // 2 + 30],
        radius=8,
        fill=(255, 255, 255),
    )
    text = label.split(",")[0][:14]
    box = draw.textbbox((0, 0), text, font=font)
    draw.text(
        (cx - (box[2] - box[0]) // 2, base - h // 2 - (box[3] - box[1]) // 2 - 4),
        text,
        fill=dark,
        font=font,
    )
    out = io.BytesIO()
    img.save(out, "JPEG", quality=88)
    return out.getvalue()


def demo_images_seed(*, per_line: int = 2, limit: int = 80) -> int:
    """Photos for the first active listings of each product line (SKU prefix), and for every
    listing of the two demo seller accounts' businesses; returns how many were added."""
    operator = User.objects.filter(role=Role.OPERATOR).order_by("id").first()
    if operator is None:
        return 0
    demo_businesses = list(
        User.objects.filter(
            username__in=["seller@demo.twoway", "seller-cn@demo.twoway"]
        ).values_list("memberships__business_id", flat=True)
    )
    have = set(ProductImage.objects.values_list("product_id", flat=True))
    chosen: list[Product] = list(
        Product.objects.filter(business_id__in=[b for b in demo_businesses if b]).order_by("id")[
            :24
        ]
    )
    per_prefix: dict[str, int] = {}
    first_ids = (
        Product.objects.filter(status=ProductStatus.ACTIVE)
        .values("business_id")
        .annotate(first=Min("id"))
        .values_list("first", flat=True)[:400]
    )
    for product in Product.objects.filter(pk__in=list(first_ids)).order_by("id"):
        prefix = product.sku.split("-")[0]
        if per_prefix.get(prefix, 0) < per_line:
            per_prefix[prefix] = per_prefix.get(prefix, 0) + 1
            chosen.append(product)
    added = 0
    seen: set[int] = set()
    for product in chosen:
        if added >= limit or product.pk in seen or product.pk in have:
            continue
        seen.add(product.pk)
        data = demo_photo(title=product.title_en, hs_code=product.hs_code, seed=product.sku)
        product_image_add(
            product=product,
            by=operator,
            data=data,
            alt_en=f"{product.title_en} (illustration)"[:200],
            alt_zh=f"{product.title_zh}(示意图)"[:120] if product.title_zh else "",
        )
        added += 1
    return added
