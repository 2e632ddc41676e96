"""The export channel (CBEC retail import): a buyer in China buys from US sellers.

Chooses the rows in force (rate, limits, categories, freight), checks positive-list
eligibility, and runs the pure rules ``cbec_tax`` (tax, limits, quota) and
``export_landed_price`` (what the buyer pays). Nothing here writes except through
``checkout.services`` (which calls the policy inside its transaction).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from twoway.catalog.models import Product, ProductStatus
from twoway.core.errors import DomainError, FieldProblem
from twoway.identity.models import Role
from twoway.reference import selectors as reference

from ..errors import CheckoutErrorCode
from ..models import Direction, Order, OrderLine, OrderStatus, TaxChannel
from ..rules.cbec_tax import CbecChannel, CbecTaxResult, DutiableLine, TaxRates, cbec_tax
from ..rules.landed_price import LandedPrice, cny_from_usd, export_landed_price
from ..rules.money import FEN, quantize_cny
from ..rules.quota import CbecLimits
from .base import CartItem, ChannelPolicy, Consignee, Delivery, QuotaClaim

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class QuoteLine:
    product_id: int
    sku: str
    title: str
    title_zh: str
    hs_code: str
    national_line: str
    origin_state: str
    quantity: int
    unit_price_usd: Decimal
    unit_price: Decimal
    goods_value: Decimal
    freight_share: Decimal
    tariff: Decimal
    consumption_tax: Decimal
    vat: Decimal
    tax_total: Decimal
    tax_category: str
    tax_category_source: str
    comprehensive_rate: Decimal
    customs_value_usd: Decimal
    #: the variant bought ("454 g · Orange"), empty for a product without variants
    variant_label: str = ""
    variant_label_zh: str = ""


@dataclass(frozen=True)
class SellerQuote:
    """One seller's shipment: one customs order (one CBEC transaction)."""

    business_id: int
    business_name: str
    lines: tuple[QuoteLine, ...]
    goods_value: Decimal
    freight: Decimal
    freight_usd: Decimal
    insurance: Decimal
    tax_total: Decimal
    total_payable: Decimal
    dutiable_value: Decimal
    customs_value_usd: Decimal
    channel: str
    refusal: FieldProblem | None = None
    business: object | None = field(default=None, compare=False, repr=False)  # the seller row
    #: What the buyer pays, from the pure rule ``export_landed_price`` (None when refused).
    landed: LandedPrice | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ExportQuote:
    day: dt.date
    rate: Decimal
    rate_source: str
    rate_effective_from: dt.date | None
    limits: CbecLimits
    limits_source: str
    freight_source: str
    sellers: tuple[SellerQuote, ...]
    quota_used: Decimal
    problems: tuple[FieldProblem, ...] = field(default_factory=tuple)

    @property
    def goods_value(self) -> Decimal:
        return sum((s.goods_value for s in self.sellers), Decimal("0.00"))

    @property
    def freight(self) -> Decimal:
        return sum((s.freight for s in self.sellers), Decimal("0.00"))

    @property
    def tax_total(self) -> Decimal:
        return sum((s.tax_total for s in self.sellers), Decimal("0.00"))

    @property
    def total_payable(self) -> Decimal:
        return sum((s.total_payable for s in self.sellers), Decimal("0.00"))

    @property
    def quota_amount(self) -> Decimal:
        return sum((s.dutiable_value for s in self.sellers), Decimal("0.00"))

    @property
    def quota_remaining_before(self) -> Decimal:
        return max(self.limits.annual - self.quota_used, Decimal("0.00"))

    @property
    def quota_remaining_after(self) -> Decimal:
        return max(self.limits.annual - self.quota_used - self.quota_amount, Decimal("0.00"))

    @property
    def ok(self) -> bool:
        return not self.problems and all(s.refusal is None for s in self.sellers)

    @property
    def all_problems(self) -> list[FieldProblem]:
        return list(self.problems) + [s.refusal for s in self.sellers if s.refusal]


def _limits(day: dt.date) -> tuple[CbecLimits, str]:
    row = reference.limits_on(day)
    return (
        CbecLimits(
            per_transaction=row.per_transaction_cny,
            annual=row.annual_cny,
            within_limit_factor=row.within_limit_factor,
        ),
        row.source,
    )


def export_quote(*, items: list[CartItem], day: dt.date, quota_used: Decimal) -> ExportQuote:
    """Price a cart for a buyer in China: CNY at the rate in force, freight per seller shipment,
    CBEC comprehensive tax per line, limits and the annual quota (``quota_used`` this year)."""
    from twoway.compliance.eligibility import cbec_eligibility_many  # sibling context's read

    rate_row = reference.rate_on(day)
    rate = rate_row.rate
    limits, limits_source = _limits(day)
    freight_rate = reference.freight_rate_on("US-CN", day)
    problems: list[FieldProblem] = []
    by_seller: dict[int, list[CartItem]] = defaultdict(list)
    eligibility_by_id = cbec_eligibility_many(products=[i.product for i in items])
    for item in sorted(items, key=lambda i: i.product.pk):
        product = item.product
        eligibility = eligibility_by_id[product.pk]
        if not eligibility.eligible:
            problems.append(
                FieldProblem(f"items.{product.pk}", eligibility.rule, eligibility.message)
            )
            continue
        if item.quantity > product.stock_on_hand:
            problems.append(
                FieldProblem(
                    f"items.{product.pk}",
                    CheckoutErrorCode.OUT_OF_STOCK,
                    f"Only {product.stock_on_hand} of '{product.title_en}' left; "
                    f"you asked for {item.quantity}.",
                )
            )
        by_seller[product.business_id].append(item)

    sellers: list[SellerQuote] = []
    categories_in_force = reference.cbec_categories_in_force(day)
    used_running = quota_used
    for business_id, seller_items in sorted(by_seller.items()):
        categories = {
            item.product.pk: reference.cbec_category_for(
                tariff_line=item.product.cn_tariff_line, day=day, categories=categories_in_force
            )
            for item in seller_items
        }
        lines = [
            DutiableLine(
                line_id=str(item.product.pk),
                unit_price=cny_from_usd(item.product.unit_price, rate),
                quantity=item.quantity,
                rates=TaxRates(
                    vat=categories[item.product.pk].vat_rate,
                    consumption=categories[item.product.pk].consumption_tax_rate,
                    tariff=categories[item.product.pk].mfn_tariff_rate,
                ),
            )
            for item in seller_items
        ]
        weight = sum((i.product.weight_kg * i.quantity for i in seller_items), Decimal("0"))
        freight_usd = freight_rate.price(weight)
        freight = cny_from_usd(freight_usd, rate)
        result: CbecTaxResult = cbec_tax(
            lines,
            freight=freight,
            insurance=Decimal("0.00"),
            limits=limits,
            used_this_year=used_running,
        )
        refusal = None
        if result.channel == CbecChannel.REFUSED:
            rule = (
                CheckoutErrorCode.OVER_ANNUAL_QUOTA
                if result.reason_code == "over_annual_limit"
                else CheckoutErrorCode.OVER_TRANSACTION_LIMIT
            )
            refusal = FieldProblem(f"sellers.{business_id}", rule, result.message or rule)
        else:
            used_running += result.dutiable_total
        quote_lines = []
        for item, line_tax in zip(seller_items, result.lines, strict=True):
            product, category = item.product, categories[item.product.pk]
            quote_lines.append(
                QuoteLine(
                    product_id=product.pk,
                    sku=product.sku,
                    title=product.title_en,
                    title_zh=product.title_zh,
                    hs_code=product.hs_code,
                    national_line=product.cn_tariff_line,
                    origin_state=product.origin_us_state_id or "",
                    quantity=item.quantity,
                    unit_price_usd=product.unit_price,
                    unit_price=cny_from_usd(product.unit_price, rate),
                    goods_value=line_tax.goods_value,
                    freight_share=line_tax.freight_share,
                    tariff=line_tax.tariff,
                    consumption_tax=line_tax.consumption_tax,
                    vat=line_tax.vat,
                    tax_total=line_tax.tax,
                    tax_category=category.code,
                    tax_category_source=category.source,
                    comprehensive_rate=line_tax.comprehensive_rate,
                    customs_value_usd=(product.unit_price * item.quantity).quantize(CENT),
                    variant_label=product.variant_label,
                    variant_label_zh=product.variant_label_zh,
                )
            )
        business = seller_items[0].product.business
        landed = None
        if refusal is None:
            # The tested rule prices what the buyer pays (CEB311: goods + freight + tax).
            landed = export_landed_price(
                result, item_names={str(q.product_id): q.title for q in quote_lines}
            )
            total_payable = landed.total_payable
        else:
            # The rule prices no refused order; the cart still shows what it would come to.
            total_payable = quantize_cny(result.goods_total + result.freight + result.insurance)
        sellers.append(
            SellerQuote(
                business_id=business_id,
                business_name=business.legal_name,
                business=business,
                landed=landed,
                lines=tuple(quote_lines),
                goods_value=result.goods_total,
                freight=result.freight,
                freight_usd=freight_usd,
                insurance=result.insurance,
                tax_total=result.tax_total,
                total_payable=total_payable,
                dutiable_value=result.dutiable_total,
                customs_value_usd=sum((q.customs_value_usd for q in quote_lines), Decimal("0.00")),
                channel=str(result.channel),
                refusal=refusal,
            )
        )
    if not items:
        problems.append(FieldProblem("items", CheckoutErrorCode.EMPTY_CART, "The cart is empty."))
    return ExportQuote(
        day=day,
        rate=rate,
        rate_source=rate_row.source,
        rate_effective_from=rate_row.effective_from,
        limits=limits,
        limits_source=limits_source,
        freight_source=freight_rate.source,
        sellers=tuple(sellers),
        quota_used=quota_used,
        problems=tuple(problems),
    )


class ExportChannel(ChannelPolicy):
    """CBEC retail import: CNY at the rate in force, CBEC tax, the per-order and annual limits,
    positive-list lines, the buyer's real name and a consignee for China Customs."""

    code = "cn"
    name = "export"
    direction = Direction.US_EXPORT
    currency = "CNY"
    buyer_role = Role.CONSUMER_CN
    namespace = "checkout"
    seller_country = "US"
    market = "cn_export"

    def quote(self, *, items: list[CartItem], day: dt.date, identity=None) -> ExportQuote:
        from ..selectors import quota_used

        used = (
            quota_used(id_number_hash=identity.id_number_hash, year=day.year) if identity else ZERO
        )
        return export_quote(items=items, day=day, quota_used=used)

    def cart_line_check(self, product: Product, quantity: int) -> None:
        if quantity > 0 and product.status != ProductStatus.ACTIVE:
            raise DomainError.one(
                "product", CheckoutErrorCode.NOT_FOR_SALE, "This product is not on sale."
            )

    def buyer_check(self, *, buyer, identity) -> None:
        if identity is None:
            raise DomainError.one(
                "identity", "required", "A real-name identity is required for China Customs."
            )
        if identity.user_id != buyer.pk:
            raise DomainError.one(
                "identity",
                CheckoutErrorCode.PAYER_NOT_BUYER,
                "The real-name identity must be the buyer's own.",
            )

    def delivery_check(self, *, consignee: Consignee, identity, state: str) -> Delivery:
        for field_name, value in (
            ("consignee.name", consignee.name),
            ("consignee.phone", consignee.phone),
            ("consignee.address", consignee.address),
        ):
            if not value.strip():
                raise DomainError.one(
                    field_name, "required", f"{field_name} is required for customs."
                )
        return Delivery(consignee=consignee, identity=identity)

    def quota_claim(self, *, quote: ExportQuote, delivery: Delivery, year: int) -> QuotaClaim:
        if delivery.identity is None:  # delivery_check refuses an export without one
            raise ValueError("an export delivery always has the buyer's real-name identity")
        return QuotaClaim(
            id_number_hash=delivery.identity.id_number_hash,
            year=year,
            amount=quote.quota_amount,
            annual=quote.limits.annual,
        )

    def order_for(
        self,
        *,
        purchase,
        buyer,
        seller: SellerQuote,
        quote: ExportQuote,
        delivery: Delivery,
        number: str,
        now: dt.datetime,
    ) -> Order:
        identity, consignee = delivery.identity, delivery.consignee
        if identity is None:  # delivery_check refuses an export without one
            raise ValueError("an export delivery always has the buyer's real-name identity")
        return Order(
            number=number,
            purchase=purchase,
            buyer=buyer,
            business_id=seller.business_id,
            direction=Direction.US_EXPORT,
            status=OrderStatus.CREATED,
            identity=identity,
            buyer_name=identity.full_name,
            buyer_id_masked=identity.id_number_masked,
            buyer_id_hash=identity.id_number_hash,
            consignee_name=consignee.name,
            consignee_phone=consignee.phone,
            consignee_address=consignee.address,
            consignee_district=consignee.district,
            currency="CNY",
            exchange_rate=quote.rate,
            exchange_rate_source=quote.rate_source[:300],
            goods_value=seller.goods_value,
            freight=seller.freight,
            insurance=seller.insurance,
            discount=ZERO,
            tax_total=seller.tax_total,
            total_payable=seller.total_payable,
            customs_value_usd=seller.customs_value_usd,
            tax_channel=(
                TaxChannel.CBEC_FULL_TAX_SINGLE_ITEM
                if seller.channel == "full_tax_single_item"
                else TaxChannel.CBEC_WITHIN_LIMITS
            ),
            quota_year=now.year,
            quota_amount=seller.dutiable_value,
            created_at=now,
        )

    def lines_for(self, *, order: Order, seller: SellerQuote) -> list[OrderLine]:
        return [
            OrderLine(
                order=order,
                product_id=q.product_id,
                sku=q.sku,
                title=q.title,
                title_zh=q.title_zh,
                variant_label=q.variant_label,
                variant_label_zh=q.variant_label_zh,
                hs_code=q.hs_code,
                national_line=q.national_line,
                origin_state=q.origin_state,
                quantity=q.quantity,
                unit_price_usd=q.unit_price_usd,
                unit_price=q.unit_price,
                goods_value=q.goods_value,
                freight_share=q.freight_share,
                tariff=q.tariff,
                consumption_tax=q.consumption_tax,
                vat=q.vat,
                tax_total=q.tax_total,
                tax_category=q.tax_category,
                customs_value_usd=q.customs_value_usd,
            )
            for q in seller.lines
        ]

    def placed_reason(self, *, order: Order, reserved_until: dt.datetime, now: dt.datetime) -> str:
        return f"placed; stock and quota reserved until {reserved_until:%Y-%m-%d %H:%M} UTC"


__all__ = [
    "FEN",
    "CartItem",
    "ExportChannel",
    "ExportQuote",
    "QuoteLine",
    "SellerQuote",
    "export_quote",
]
