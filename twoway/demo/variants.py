"""Demo variant groups (issue 13): a listing sold in sizes and colours, each variant its own SKU
with its own price and stock, under one product group, so the storefronts show one card with
its options and the product page a size and colour selector.

Written through the catalogue's own services, as the demo sellers would in the listing editor:
``product_create`` for the first variant, ``product_variant_add`` for the others (which makes the
group), ``product_image_add`` for one photo per colour (drawn by ``images.demo_photo``).
Deterministic; a second run adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from twoway.businesses.models import Membership
from twoway.catalog.models import Product
from twoway.catalog.services import product_create, product_image_add, product_variant_add
from twoway.identity.models import User

from .images import demo_photo


@dataclass(frozen=True)
class DemoVariant:
    sku: str
    size: str
    colour: str
    price: str  # USD
    weight_kg: str
    stock: int
    size_zh: str = ""
    colour_zh: str = ""


@dataclass(frozen=True)
class DemoGroup:
    seller: str  # the demo login that owns the business
    fields: dict[str, object]  # the listing's shared fields (product_create's)
    variants: tuple[DemoVariant, ...]
    #: colour → the goods' colour in the generated photo
    photo_colours: dict[str, tuple[int, int, int]]


GROUPS = (
    # The Wisconsin creamery of seller@demo.twoway, to buyers in China (cheese is on the CBEC
    # positive list): three sizes, white or orange (annatto) cheddar; the largest orange block
    # is sold out.
    DemoGroup(
        seller="seller@demo.twoway",
        fields={
            "title_en": "Farmstead Cheddar Cheese Block",
            "title_zh": "农场切达奶酪块",
            "description_en": (
                "Cheddar made in small batches from the milk of neighbouring family farms and "
                "aged nine months in our cellar. White, or coloured orange with annatto as "
                "Wisconsin cheddar traditionally is. Vacuum-packed."
            ),
            "description_zh": (
                "采用邻近家庭牧场牛奶小批量制作,在自家酒窖熟成九个月的切达奶酪。"
                "有白色原味,也有按威斯康星传统用胭脂树橙着色的橙色款。真空包装。"
            ),
            "hs_code": "040690",
            "cn_tariff_line": "04069000",
            "origin_country": "US",
            "currency": "USD",
            "market_cn_export": True,
            "market_us_domestic": True,
            "status": "active",
            "made_in_usa_attested": True,
        },
        variants=(
            DemoVariant("CHEDDAR-BLOCK-227-W", "227 g", "White", "9.50", "0.260", 40, "", "白色"),
            DemoVariant("CHEDDAR-BLOCK-454-W", "454 g", "White", "17.00", "0.490", 30, "", "白色"),
            DemoVariant("CHEDDAR-BLOCK-907-W", "907 g", "White", "31.00", "0.950", 12, "", "白色"),
            DemoVariant("CHEDDAR-BLOCK-227-O", "227 g", "Orange", "9.50", "0.260", 35, "", "橙色"),
            DemoVariant("CHEDDAR-BLOCK-454-O", "454 g", "Orange", "17.00", "0.490", 20, "", "橙色"),
            DemoVariant("CHEDDAR-BLOCK-907-O", "907 g", "Orange", "31.00", "0.950", 0, "", "橙色"),
        ),
        photo_colours={"White": (242, 233, 204), "Orange": (232, 138, 42)},
    ),
    # The Zhejiang shirt maker of seller-cn@demo.twoway, imported to the US: four sizes in white,
    # three in blue (no blue XL).
    DemoGroup(
        seller="seller-cn@demo.twoway",
        fields={
            "title_en": "Men's Cotton Poplin Shirt",
            "title_zh": "男士纯棉府绸衬衫",
            "description_en": (
                "Long-sleeve shirt of 100% cotton poplin with a button-down collar, cut and "
                "sewn in our own workshop."
            ),
            "description_zh": "100%纯棉府绸长袖衬衫,纽扣领,在自家工坊裁剪缝制。",
            "hs_code": "620520",
            "us_hts_line": "6205202066",
            "origin_country": "CN",
            "currency": "USD",
            "market_us_import": True,
            "status": "active",
            "raw_material_suppliers": "Jiangsu Lianfa Textile Co., Ltd.",
        },
        variants=(
            DemoVariant("SHIRT-POPLIN-S-WHT", "S", "White", "22.00", "0.280", 30, "", "白色"),
            DemoVariant("SHIRT-POPLIN-M-WHT", "M", "White", "22.00", "0.290", 45, "", "白色"),
            DemoVariant("SHIRT-POPLIN-L-WHT", "L", "White", "24.00", "0.300", 40, "", "白色"),
            DemoVariant("SHIRT-POPLIN-XL-WHT", "XL", "White", "24.00", "0.310", 25, "", "白色"),
            DemoVariant("SHIRT-POPLIN-S-BLU", "S", "Blue", "22.00", "0.280", 20, "", "蓝色"),
            DemoVariant("SHIRT-POPLIN-M-BLU", "M", "Blue", "22.00", "0.290", 35, "", "蓝色"),
            DemoVariant("SHIRT-POPLIN-L-BLU", "L", "Blue", "24.00", "0.300", 30, "", "蓝色"),
        ),
        photo_colours={"White": (246, 246, 244), "Blue": (112, 152, 208)},
    ),
)


def demo_variants_seed() -> int:
    """The demo variant groups, each in the business its demo seller owns (skipped when that
    seller has none, e.g. a seed without Chinese sellers); returns how many variants were added."""
    added = 0
    for spec in GROUPS:
        membership = (
            Membership.objects.select_related("business", "user")
            .filter(user__username=spec.seller)
            .order_by("id")
            .first()
        )
        if membership is None:
            continue
        business, seller = membership.business, membership.user
        if Product.objects.filter(business=business, sku=spec.variants[0].sku).exists():
            continue
        added += _group_create(spec, business=business, seller=seller)
    return added


def _group_create(spec: DemoGroup, *, business, seller: User) -> int:
    origin = (
        {"origin_us_state": business.us_state_id}
        if spec.fields["origin_country"] == "US"
        else {"origin_cn_province": business.cn_province_id}
    )
    if spec.fields["origin_country"] == "CN":
        origin["manufacturer"] = business.legal_name
    first, *others = spec.variants
    base = product_create(
        business=business,
        by=seller,
        **spec.fields,
        **origin,
        sku=first.sku,
        unit_price=Decimal(first.price),
        weight_kg=Decimal(first.weight_kg),
        stock_on_hand=first.stock,
        variant_size=first.size,
        variant_colour=first.colour,
        variant_size_zh=first.size_zh,
        variant_colour_zh=first.colour_zh,
    )
    made = [base]
    for v in others:
        made.append(
            product_variant_add(
                product=base,
                by=seller,
                sku=v.sku,
                unit_price=Decimal(v.price),
                stock_on_hand=v.stock,
                variant_size=v.size,
                variant_colour=v.colour,
                variant_size_zh=v.size_zh,
                variant_colour_zh=v.colour_zh,
                weight_kg=Decimal(v.weight_kg),
            )
        )
    # One photo per colour, on that colour's first variant (the others show it: same colour).
    photographed: set[str] = set()
    for product in made:
        if product.variant_colour in photographed:
            continue
        photographed.add(product.variant_colour)
        product_image_add(
            product=product,
            by=seller,
            data=demo_photo(
                title=spec.fields["title_en"],  # type: ignore[arg-type]
                hs_code=product.hs_code,
                seed=product.sku,
                colour=spec.photo_colours.get(product.variant_colour),
            ),
            alt_en=f"{product.title_en}, {product.variant_colour} (illustration)"[:200],
            alt_zh=f"{product.title_zh},{product.colour_zh}(示意图)"[:120],
        )
    return len(made)
