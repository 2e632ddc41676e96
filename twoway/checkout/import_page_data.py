"""Reads for the import pages (US consumers): the product page's duty stack, risk panel,
alternatives and trade impact; the import cart. Plain dataclasses for the templates."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from twoway.catalog.models import Product

from .channels.export import CartItem
from .channels.us_import import (
    ImportQuote,
    UsLandedCost,
    import_quote,
    shipping_for_one,
    us_landed_cost_for,
)
from .models import CartLine, Direction, Order

logger = logging.getLogger(__name__)
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
        return alternatives_for(product=product, buyer_state=buyer_state, k=k)
    except Exception:  # a read model being rebuilt must not take the product page down
        logger.exception("alternatives for product %s failed", product.pk)
        return None


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


def cart_page_for(*, buyer, day: dt.date) -> ImportCartPage:
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


def us_made_picks(*, chapter: str | None, limit: int = 6) -> list:
    """US-made products for the import storefront's "prefer US-made" filter (the alternatives
    read model; empty while it is not available)."""
    try:
        from twoway.alternatives.models import UsMadeCandidate
    except ImportError:
        return []
    qs = UsMadeCandidate.objects.all()
    if chapter:
        qs = qs.filter(hs_chapter=chapter)
    return list(qs.order_by("-product_id")[:limit])
