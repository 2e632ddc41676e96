"""Read models for the checkout pages of both channels, in the reader's language.

Export (buyers in China): the landed price of one product, the cart broken down per seller
shipment, problems placed next to what they concern. Import (buyers in the US): the product
page's duty stack, risk panel, alternatives and trade impact; the import cart.

Reads only: pricing goes through the channel policies (``checkout.channels``).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import gettext as _

from twoway.catalog.models import Product
from twoway.catalog.selectors import ProductCard, group_ids_of
from twoway.checkout import services
from twoway.checkout.channels import EXPORT, CartItem
from twoway.checkout.channels.export import ExportQuote, QuoteLine, SellerQuote, export_quote
from twoway.checkout.channels.us_import import (
    ImportQuote,
    UsLandedCost,
    import_quote,
    shipping_for_one,
    us_landed_cost_for,
)
from twoway.checkout.errors import CheckoutErrorCode
from twoway.checkout.models import CartLine, Direction, Order, OrderStatus, Purchase
from twoway.checkout.rules.landed_price import cny_from_usd
from twoway.compliance.eligibility import cbec_eligibility
from twoway.core.errors import DomainError, FieldProblem
from twoway.identity.models import RealNameIdentity, User
from twoway.reference import labels
from twoway.reference import selectors as reference
from twoway.reference.models import CbecTaxCategory, ExchangeRate

logger = logging.getLogger(__name__)

#: Statuses during which the tracking page refreshes itself (customs is working on the order).
POLLING_STATUSES = frozenset({OrderStatus.PAID, OrderStatus.DECLARED})


def _cny(amount: Decimal) -> str:
    return f"¥{amount:,.2f}"


# --- the product page -----------------------------------------------------------------------


@dataclass(frozen=True)
class LandedPrice:
    """One unit of a product delivered to a buyer in China, as the product page shows it."""

    eligible: bool
    eligibility_message: str
    list_partial: bool
    rate: ExchangeRate | None = None
    unit_price_cny: Decimal | None = None
    line: QuoteLine | None = None
    shipment: SellerQuote | None = None
    category: CbecTaxCategory | None = None
    freight_base_usd: Decimal | None = None
    freight_per_kg_usd: Decimal | None = None
    factor: Decimal | None = None
    unavailable: str = ""

    @property
    def total(self) -> Decimal | None:
        return self.shipment.total_payable if self.shipment else None


def landed_price_for(*, product: Product, day: dt.date | None = None) -> LandedPrice:
    """Goods at the rate in force, CBEC tax for one unit with its category, freight, eligibility."""
    day = day or timezone.now().date()
    eligibility = cbec_eligibility(product=product)
    base: dict[str, Any] = {
        "eligible": eligibility.eligible,
        "eligibility_message": eligibility.message,
        "list_partial": eligibility.list_partial,
    }
    try:
        rate = reference.rate_on(day)
        category = reference.cbec_category_for(tariff_line=product.cn_tariff_line or "", day=day)
    except DomainError:
        return LandedPrice(
            **base, unavailable=_("No exchange rate or tax category is in force today.")
        )
    freight = reference.freight_rate_on("US-CN", day)
    result = LandedPrice(
        **base,
        rate=rate,
        unit_price_cny=cny_from_usd(product.unit_price, rate.rate),
        category=category,
        freight_base_usd=freight.base_per_shipment,
        freight_per_kg_usd=freight.per_kg,
    )
    if not eligibility.eligible:
        return result
    quote = export_quote(items=[CartItem(product, 1)], day=day, quota_used=Decimal("0.00"))
    if not quote.sellers:
        return result
    shipment = quote.sellers[0]
    return LandedPrice(
        **{
            **result.__dict__,
            "shipment": shipment,
            "line": shipment.lines[0],
            "factor": quote.limits.within_limit_factor,
        },
    )


def card_prices_cny(*, products: list[Product], day: dt.date | None = None) -> dict[int, Decimal]:
    """What one unit costs a buyer in China delivered (goods, freight, CBEC tax), per product id,
    for the storefront cards; ineligible products are absent. Reference rows are cached, so this
    prices a page of cards without a query per card."""
    if not products:
        return {}
    day = day or timezone.now().date()
    try:
        reference.rate_on(day)
    except DomainError:
        return {}
    prices: dict[int, Decimal] = {}
    for product in products:
        quote = export_quote(items=[CartItem(product, 1)], day=day, quota_used=Decimal("0.00"))
        if quote.sellers and not quote.problems:
            prices[product.pk] = quote.sellers[0].total_payable
    return prices


@dataclass(frozen=True)
class CardPriceCny:
    """A storefront card's price for a buyer in China: the lowest of its options, delivered."""

    amount: Decimal
    varies: bool  # the card's options cost different amounts ("from ¥…")


def card_prices_cny_for(
    *, cards: list[ProductCard], day: dt.date | None = None
) -> dict[int, CardPriceCny]:
    """``card_prices_cny`` per card (keyed by the card's product id): a variant group's lowest
    delivered price among its options; cards with no option sold cross-border are absent."""
    prices = card_prices_cny(products=[v for card in cards for v in card.options], day=day)
    out: dict[int, CardPriceCny] = {}
    for card in cards:
        found = [prices[v.pk] for v in card.options if v.pk in prices]
        if found:
            out[card.product.pk] = CardPriceCny(amount=min(found), varies=len(set(found)) > 1)
    return out


# --- problems in words ----------------------------------------------------------------------


def problem_text(
    problem: FieldProblem,
    *,
    product: Product | None = None,
    quantity: int | None = None,
    shipment: SellerQuote | None = None,
    quote: ExportQuote | None = None,
) -> str:
    """The problem in the reader's language, with the figures that explain it."""
    rule = problem.rule
    if rule == CheckoutErrorCode.OUT_OF_STOCK and product is not None:
        return _("Only %(stock)s left in stock; you asked for %(quantity)s.") % {
            "stock": product.stock_on_hand,
            "quantity": quantity if quantity is not None else "?",
        }
    if rule == CheckoutErrorCode.OVER_TRANSACTION_LIMIT and shipment and quote:
        return _(
            "This shipment's dutiable value (goods + freight) is %(value)s, over the %(limit)s "
            "per-order CBEC limit. Only a single indivisible item (quantity 1, the only item of "
            "its shipment) may go over the limit, and it then pays the full tax: tariff, VAT and "
            "consumption tax at 100%%. Lower the quantity or buy in separate orders."
        ) % {"value": _cny(shipment.dutiable_value), "limit": _cny(quote.limits.per_transaction)}
    if rule == CheckoutErrorCode.OVER_ANNUAL_QUOTA and quote is not None:
        return _(
            "Over your annual CBEC quota: %(left)s left of %(annual)s this year; this purchase "
            "needs %(amount)s."
        ) % {
            "left": _cny(quote.quota_remaining_before),
            "annual": _cny(quote.limits.annual),
            "amount": _cny(shipment.dutiable_value if shipment else quote.quota_amount),
        }
    if rule == CheckoutErrorCode.EMPTY_CART:
        return _("Your cart is empty.")
    if rule in ("not_on_positive_list", "wrong_market", "not_for_sale") and product is not None:
        return cbec_eligibility(product=product).message
    return problem.message


# --- the cart -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CartLineView:
    product: Product
    quantity: int
    quote: QuoteLine | None
    problems: list[str]


@dataclass(frozen=True)
class ShipmentView:
    quote: SellerQuote
    lines: list[CartLineView]
    refusal: str
    full_tax: bool


@dataclass(frozen=True)
class CartPage:
    lines: list[CartLineView]
    quote: ExportQuote | None
    shipments: list[ShipmentView]
    excluded: list[CartLineView]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.quote and self.quote.ok and self.lines)

    @property
    def items(self) -> dict[int, int]:
        return {line.product.pk: line.quantity for line in self.lines}


def cart_items(*, buyer: User) -> dict[int, int]:
    return dict(CartLine.objects.filter(cart__buyer=buyer).values_list("product_id", "quantity"))


def cart_quantity(*, buyer: User, product_id: int) -> int:
    return cart_items(buyer=buyer).get(product_id, 0)


def cart_page_for(*, buyer: User, identity: RealNameIdentity | None = None) -> CartPage:
    """The buyer's cart priced per seller shipment, each problem next to the line it concerns."""
    rows = list(
        CartLine.objects.filter(cart__buyer=buyer)
        .select_related("product", "product__business")
        .order_by("product_id")
    )
    if not rows:
        return CartPage(lines=[], quote=None, shipments=[], excluded=[])
    products = {row.product_id: row.product for row in rows}
    quantities = {row.product_id: row.quantity for row in rows}
    try:
        quote = services.cart_quote(channel=EXPORT, items=quantities, identity=identity)
    except DomainError as exc:
        views = [CartLineView(products[p], q, None, []) for p, q in quantities.items()]
        return CartPage(
            lines=views, quote=None, shipments=[], excluded=views, problems=[exc.message]
        )
    by_field: dict[str, list[FieldProblem]] = {}
    for problem in quote.problems:
        by_field.setdefault(problem.field, []).append(problem)

    def texts(product_id: int) -> list[str]:
        return [
            problem_text(
                p, product=products[product_id], quantity=quantities[product_id], quote=quote
            )
            for p in by_field.get(f"items.{product_id}", [])
        ]

    shipments: list[ShipmentView] = []
    priced: set[int] = set()
    for shipment in quote.sellers:
        lines = []
        for q in shipment.lines:
            priced.add(q.product_id)
            lines.append(CartLineView(products[q.product_id], q.quantity, q, texts(q.product_id)))
        refusal = (
            problem_text(shipment.refusal, shipment=shipment, quote=quote)
            if shipment.refusal
            else ""
        )
        shipments.append(
            ShipmentView(
                quote=shipment,
                lines=lines,
                refusal=refusal,
                full_tax=shipment.channel == "full_tax_single_item",
            )
        )
    excluded = [
        CartLineView(products[p], quantities[p], None, texts(p))
        for p in quantities
        if p not in priced
    ]
    all_lines = [line for s in shipments for line in s.lines] + excluded
    general = [
        problem_text(p, quote=quote) for p in quote.problems if not p.field.startswith("items.")
    ]
    return CartPage(
        lines=all_lines, quote=quote, shipments=shipments, excluded=excluded, problems=general
    )


# --- purchases and orders -------------------------------------------------------------------


def purchase_by_idempotency_key(*, buyer: User, key: str) -> Purchase | None:
    if not key:
        return None
    return Purchase.objects.filter(buyer=buyer, idempotency_key=key).first()


def purchase_is_polling(purchase: Purchase) -> bool:
    return any(order.status in POLLING_STATUSES for order in purchase.orders.all())


def purchase_is_payable(purchase: Purchase) -> bool:
    orders = list(purchase.orders.all())
    return (
        purchase.paid_at is None
        and bool(orders)
        and all(o.status == OrderStatus.CREATED for o in orders)
        and (purchase.reserved_until is None or purchase.reserved_until >= timezone.now())
    )


def seller_business_id(*, user: User) -> int | None:
    membership = user.memberships.order_by("pk").first() if user.is_authenticated else None
    return membership.business_id if membership else None


def seller_order_get(*, business_id: int, number: str) -> Order | None:
    return Order.objects.filter(business_id=business_id, number=number).first()


# --- the import channel (buyers in the US) -------------------------------------------------

RISK_PANEL_TEMPLATE = "compliance/_risk_panel.html"


def _template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def risk_panel(product: Product) -> tuple[Any | None, str | None]:
    """(panel, include template) from the compliance context, or (None, None) while it is not
    there yet (the page then says the assessment is loading)."""
    try:
        from twoway.compliance.selectors import risk_panel_for
    except ImportError:
        return None, None
    panel = risk_panel_for(product=product)
    return panel, (RISK_PANEL_TEMPLATE if _template_exists(RISK_PANEL_TEMPLATE) else None)


def alternatives(product: Product, buyer_state: str | None, k: int = 5) -> list | None:
    """US-made alternatives (None while the alternatives context is not available)."""
    try:
        from twoway.alternatives.selectors import alternatives_for
    except ImportError:
        return None
    try:
        # A list of several: variants of one US-made group count once (the best ranked), so a
        # few more are read than asked (one query more). The best alone needs neither.
        found = alternatives_for(product=product, buyer_state=buyer_state, k=k + 3 if k > 1 else k)
    except Exception:  # a read model being rebuilt must not take the product page down
        logger.exception("alternatives for product %s failed", product.pk)
        return None
    if len(found) < 2:
        return found[:k]
    groups = group_ids_of(product_ids=[a.product_id for a in found])
    seen: set[int] = set()
    kept = []
    for alt in found:
        group = groups.get(alt.product_id)
        if group is not None and group in seen:
            continue
        if group is not None:
            seen.add(group)
        kept.append(alt)
    return kept[:k]


def trade_impact(import_value_usd: Decimal, alternative, origin_country: str = "CN"):
    try:
        from twoway.alternatives.selectors import trade_impact_for
    except ImportError:
        return None
    return trade_impact_for(
        import_value_usd=import_value_usd, alternative=alternative, origin_country=origin_country
    )


def buyer_state_for(user, requested: str | None) -> str | None:
    """The state alternatives are ranked for: ?state=, else the buyer's last import delivery."""
    code = (requested or "").strip().upper()
    if len(code) == 2 and code.isalpha():
        return code
    if user is not None and user.is_authenticated:
        last = (
            Order.objects.filter(buyer=user, direction=Direction.US_IMPORT)
            .exclude(consignee_state="")
            .order_by("-created_at")
            .values_list("consignee_state", flat=True)
            .first()
        )
        return last or None
    return None


@dataclass(frozen=True)
class ImportProductPage:
    product: Product
    cost: UsLandedCost
    shipping: Decimal
    delivered_total: Decimal
    risk: Any | None
    risk_template: str | None
    alternatives: list | None
    impact: Any | None
    buyer_state: str | None

    @property
    def can_buy(self) -> bool:
        return self.product.status == "active" and self.product.stock_on_hand > 0


def product_page_for(
    *, product: Product, user, state: str | None, day: dt.date
) -> ImportProductPage:
    cost = us_landed_cost_for(product=product, quantity=1, day=day)
    shipping = shipping_for_one(product=product, day=day)
    buyer_state = buyer_state_for(user, state)
    alts = alternatives(product, buyer_state)
    panel, panel_template = risk_panel(product)
    return ImportProductPage(
        product=product,
        cost=cost,
        shipping=shipping,
        delivered_total=cost.total_landed + shipping,
        risk=panel,
        risk_template=panel_template,
        alternatives=alts,
        impact=trade_impact(
            cost.customs_value_usd, alts[0] if alts else None, product.origin_country
        ),
        buyer_state=buyer_state,
    )


@dataclass(frozen=True)
class ImportCartLine:
    line: Any  # ImportQuoteLine
    alternative: Any | None
    impact: Any | None


@dataclass(frozen=True)
class ImportCartPage:
    quote: ImportQuote | None
    lines: list[ImportCartLine]
    deficit_added_usd: Decimal
    kept_with_alternatives_usd: Decimal
    alternatives_available: bool


def import_cart_items(*, buyer) -> dict[int, int]:
    """Product id → quantity of the import products in the buyer's cart."""
    return dict(
        CartLine.objects.filter(cart__buyer=buyer, product__market_us_import=True)
        .order_by("product_id")
        .values_list("product_id", "quantity")
    )


def import_cart_page_for(*, buyer, day: dt.date) -> ImportCartPage:
    lines = list(
        CartLine.objects.filter(cart__buyer=buyer, product__market_us_import=True)
        .select_related("product", "product__business", "product__origin_cn_province")
        .order_by("product_id")
    )
    if not lines:
        return ImportCartPage(None, [], Decimal("0.00"), Decimal("0.00"), False)
    quote = import_quote(items=[CartItem(cl.product, cl.quantity) for cl in lines], day=day)
    state = buyer_state_for(buyer, None)
    rows: list[ImportCartLine] = []
    kept = Decimal("0.00")
    available = False
    for line in quote.lines:
        alts = alternatives(line.product, state, k=1)
        alt = alts[0] if alts else None
        available = available or alts is not None
        if alt is not None:
            kept += alt.price_usd * line.quantity
        rows.append(
            ImportCartLine(
                line=line,
                alternative=alt,
                impact=trade_impact(
                    line.goods_value,
                    replace(alt, price_usd=alt.price_usd * line.quantity) if alt else None,
                    line.product.origin_country,
                ),
            )
        )
    return ImportCartPage(
        quote=quote,
        lines=rows,
        deficit_added_usd=quote.customs_value_usd,
        kept_with_alternatives_usd=kept,
        alternatives_available=available,
    )


@dataclass(frozen=True)
class UsMadePick:
    product_id: int
    title_en: str
    title_zh: str
    price_usd: Decimal  # a variant group's lowest among the variants read
    price_varies: bool
    state_name: str
    seller_name: str


def us_made_picks(*, chapter: str | None, limit: int = 6) -> list[UsMadePick]:
    """US-made products for the import storefront's "prefer US-made" filter (the alternatives
    read model; empty while it is not available), newest first, a variant group once (its
    newest variant, "from" the lowest price read). One query."""
    try:
        from twoway.alternatives.models import UsMadeCandidate
    except ImportError:
        return []
    qs = UsMadeCandidate.objects.all()
    if chapter:
        qs = qs.filter(hs_chapter=chapter)
    rows = qs.order_by("-product_id").values_list(
        "product_id", "product__group_id", "title_en", "title_zh", "price_usd", "state_name",
        "seller_name", "state_code",
    )[: limit * 4]  # fmt: skip
    picks: dict[object, list[tuple]] = {}
    for row in rows:
        key = ("group", row[1]) if row[1] else ("product", row[0])
        if key in picks or len(picks) < limit:
            picks.setdefault(key, []).append(row)
    out = []
    for variants in picks.values():
        pid, _group, title_en, title_zh, _price, state_name, seller_name, state = variants[0]
        prices = {v[4] for v in variants}
        out.append(
            UsMadePick(
                product_id=pid,
                title_en=title_en,
                title_zh=title_zh,
                price_usd=min(prices),
                price_varies=len(prices) > 1,
                state_name=labels.state_name(state, state_name),
                seller_name=seller_name,
            )  # fmt: skip
        )
    return out
