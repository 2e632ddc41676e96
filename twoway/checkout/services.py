"""Checkout writes: carts, placing a purchase (stock, quota, orders split per seller), the order
state machine, expiry of unpaid reservations, cancellation and refunds.

Every function is one transaction. No payment-provider call happens inside any of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from twoway.catalog.models import Product, ProductStatus
from twoway.core.errors import DomainError, FieldProblem, NotFound
from twoway.identity.models import RealNameIdentity, User
from twoway.ledger.rules.keys import flow_places
from twoway.ledger.services import TradeFlowInput, trade_flows_post, trade_flows_reverse

from . import lock_objects
from .errors import CheckoutErrorCode, caps_check
from .models import (
    Cart,
    CartLine,
    Direction,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Purchase,
    QuotaUsage,
    TaxChannel,
    to_fen,
)
from .pricing import CartItem, ExportQuote, export_quote
from .rules import order_status as pipeline

logger = logging.getLogger(__name__)
ZERO = Decimal("0.00")


# --- cart ---------------------------------------------------------------------------------


def cart_line_set(*, buyer: User, product: Product, quantity: int) -> Cart:
    """Set the quantity of a product in the buyer's cart (0 removes it)."""
    if quantity < 0:
        raise DomainError.one("quantity", "not_negative", "Quantity cannot be negative.")
    if quantity > 0 and product.status != ProductStatus.ACTIVE:
        raise DomainError.one("product", CheckoutErrorCode.NOT_FOR_SALE, "This product is not on sale.")
    with transaction.atomic():
        cart, _ = Cart.objects.get_or_create(buyer=buyer)
        if quantity == 0:
            CartLine.objects.filter(cart=cart, product=product).delete()
        else:
            CartLine.objects.update_or_create(
                cart=cart, product=product, defaults={"quantity": quantity}
            )
    return cart


def cart_clear(*, buyer: User) -> None:
    CartLine.objects.filter(cart__buyer=buyer).delete()


# --- quota ---------------------------------------------------------------------------------


def quota_used(*, id_number_hash: str, year: int) -> Decimal:
    row = QuotaUsage.objects.filter(id_number_hash=id_number_hash, year=year).only("used_fen").first()
    return row.used_cny if row else ZERO


def _quota_consume(*, id_number_hash: str, year: int, amount: Decimal, annual: Decimal) -> None:
    """Add ``amount`` to the person's year only if the total stays within ``annual``.

    One conditional upsert on the per-person-per-year row (INSERT … ON CONFLICT DO UPDATE …
    WHERE): two concurrent orders by one person serialize on that row, and the second is judged
    on the first's committed amount.
    """
    amount_fen, annual_fen = to_fen(amount), to_fen(annual)
    row = None
    if amount_fen <= annual_fen:
        table = QuotaUsage._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (id_number_hash, year, used_fen, updated_at) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (id_number_hash, year) DO UPDATE SET "
                f"used_fen = {table}.used_fen + excluded.used_fen, updated_at = excluded.updated_at "
                f"WHERE {table}.used_fen + excluded.used_fen <= %s RETURNING used_fen",
                [id_number_hash, year, amount_fen,
                 connection.ops.adapt_datetimefield_value(timezone.now()), annual_fen],
            )
            row = cursor.fetchone()
    if row is None:
        remaining = max(annual - quota_used(id_number_hash=id_number_hash, year=year), ZERO)
        raise DomainError.one(
            "quota",
            CheckoutErrorCode.OVER_ANNUAL_QUOTA,
            f"This purchase (¥{amount:,.2f}) is over the annual CBEC quota: "
            f"¥{remaining:,.2f} remaining of ¥{annual:,.2f} for {year}.",
            status=409,
        )


def _quota_release(order: Order) -> None:
    if order.quota_year and order.quota_amount and not order.quota_released:
        QuotaUsage.objects.filter(id_number_hash=order.buyer_id_hash, year=order.quota_year).update(
            used_fen=F("used_fen") - to_fen(order.quota_amount)
        )
        order.quota_released = True


# --- stock ---------------------------------------------------------------------------------


def _stock_take(quantities: dict[int, int]) -> None:
    """Decrement stock for every line, locking rows in product-id order (no deadlocks between
    multi-line orders); one error lists every short line."""
    short: list[FieldProblem] = []
    table = Product._meta.db_table
    sql = (
        f"UPDATE {table} SET stock_on_hand = stock_on_hand - %s "
        "WHERE id = %s AND stock_on_hand >= %s AND status = %s"
    )
    with connection.cursor() as cursor:  # the hot path: one plain statement per line
        for product_id in sorted(quantities):
            qty = quantities[product_id]
            cursor.execute(sql, [qty, product_id, qty, ProductStatus.ACTIVE.value])
            if cursor.rowcount != 1:
                short.append(
                    FieldProblem(
                        f"items.{product_id}",
                        CheckoutErrorCode.OUT_OF_STOCK,
                        f"Not enough stock for product {product_id} (asked for {qty}).",
                    )
                )
    if short:
        raise DomainError("Some items are out of stock.", short, status=409)


def _stock_release(order: Order) -> None:
    if order.stock_released:
        return
    for line in order.lines.all().order_by("product_id"):
        Product.objects.filter(pk=line.product_id).update(
            stock_on_hand=F("stock_on_hand") + line.quantity
        )
    order.stock_released = True


# --- placing a purchase --------------------------------------------------------------------


@dataclass(frozen=True)
class Consignee:
    name: str
    phone: str
    address: str
    district: str = ""  # 6-digit GB/T 2260 code

    def __post_init__(self) -> None:  # issue 9: one text validator; names NFKC, trimmed
        from twoway.core.text import clean_fields

        clean = clean_fields({"consignee.name": self.name, "consignee.phone": self.phone,
                              "consignee.address": self.address, "consignee.district": self.district},
                             names={"consignee.name"})
        for attr in ("name", "phone", "address", "district"):
            object.__setattr__(self, attr, clean[f"consignee.{attr}"])


def _number(prefix: str, now: dt.datetime) -> str:
    return f"{prefix}{now:%y%m%d}{secrets.token_hex(5).upper()}"


def _fingerprint(items: dict[int, int], extra: str) -> str:
    payload = json.dumps({"items": sorted(items.items()), "extra": extra}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _existing_for_key(buyer: User, key: str, fingerprint: str) -> Purchase | None:
    if not key:
        return None
    existing = Purchase.objects.filter(buyer=buyer, idempotency_key=key).first()
    if existing and existing.request_fingerprint != fingerprint:
        raise DomainError.one(
            "Idempotency-Key",
            CheckoutErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This Idempotency-Key was already used for a different request.",
            status=422,
        )
    return existing


def _place_once(*, buyer: User, idempotency_key: str, fingerprint: str, write) -> Purchase:
    """Run ``write()`` (one transaction) unless this key already placed the purchase; a retry,
    even a concurrent one, gets the first purchase back. ``purchase.created`` says which."""
    existing = _existing_for_key(buyer, idempotency_key, fingerprint)
    if existing is None:
        try:
            purchase = write()
        except IntegrityError:
            # A concurrent retry with the same key won the race: return what it wrote.
            existing = _existing_for_key(buyer, idempotency_key, fingerprint)
            if existing is None:
                raise
        else:
            purchase.created = True
            return purchase
    existing.created = False
    return existing


def export_quote_for(
    *, items: dict[int, int], identity: RealNameIdentity | None, day: dt.date | None = None
) -> ExportQuote:
    """Price a cart for a buyer in China (read-only)."""
    day = day or timezone.now().date()
    products = {
        p.pk: p
        for p in Product.objects.select_related("business").filter(pk__in=list(items))
    }
    missing = [pid for pid in items if pid not in products]
    if missing:
        raise NotFound(f"Product {missing[0]}")
    used = quota_used(id_number_hash=identity.id_number_hash, year=day.year) if identity else ZERO
    return export_quote(
        items=[CartItem(products[pid], qty) for pid, qty in items.items()],
        day=day,
        quota_used=used,
    )


def purchase_place_export(
    *,
    buyer: User,
    items: dict[int, int],
    identity: RealNameIdentity,
    consignee: Consignee,
    idempotency_key: str = "",
    now: dt.datetime | None = None,
) -> Purchase:
    """Place a purchase from US sellers by a buyer in China (CBEC retail import).

    Prices at the rate in force (locked on the orders), checks eligibility, limits and quota,
    reserves stock and quota, and writes one order per seller, all in one transaction. A retry
    with the same ``idempotency_key`` returns the same purchase.
    """
    now = now or timezone.now()
    if identity.user_id != buyer.pk:
        raise DomainError.one(
            "identity", CheckoutErrorCode.PAYER_NOT_BUYER, "The real-name identity must be the buyer's own."
        )
    if not items or any(q < 1 for q in items.values()):
        raise DomainError.one("items", CheckoutErrorCode.EMPTY_CART, "Add at least one item (quantity ≥ 1).")
    caps_check(items)  # issue 9: lines per purchase, quantity per product (merged lines)
    for field_name, value in (("consignee.name", consignee.name), ("consignee.phone", consignee.phone),
                              ("consignee.address", consignee.address)):
        if not value.strip():
            raise DomainError.one(field_name, "required", f"{field_name} is required for customs.")
    fingerprint = _fingerprint(items, f"{identity.pk}|{consignee}")

    def write() -> Purchase:
        # The quota is not read here: the conditional upsert inside the transaction decides, on
        # the committed amount (a read now could be stale by the time the row is locked).
        quote = export_quote_for(items=items, identity=None, day=now.date())
        if not quote.ok:
            problems = quote.all_problems
            raise DomainError("; ".join(p.message for p in problems), problems, status=409)
        with transaction.atomic():
            _stock_take(items)
            _quota_consume(
                id_number_hash=identity.id_number_hash,
                year=now.year,
                amount=quote.quota_amount,
                annual=quote.limits.annual,
            )
            purchase = _purchase_write(
                buyer=buyer, quote=quote, identity=identity, consignee=consignee,
                idempotency_key=idempotency_key, fingerprint=fingerprint, now=now,
            )
        logger.info("purchase %s placed by user %s", purchase.number, buyer.pk)
        return purchase

    return _place_once(buyer=buyer, idempotency_key=idempotency_key, fingerprint=fingerprint,
                       write=write)


def _purchase_write(
    *, buyer: User, quote: ExportQuote, identity: RealNameIdentity, consignee: Consignee,
    idempotency_key: str, fingerprint: str, now: dt.datetime,
) -> Purchase:
    reserved_until = now + dt.timedelta(minutes=settings.TWOWAY_RESERVATION_MINUTES)
    purchase = Purchase.objects.create(
        number=_number("TP", now), buyer=buyer, direction=Direction.US_EXPORT, currency="CNY",
        total_payable=quote.total_payable, idempotency_key=idempotency_key,
        request_fingerprint=fingerprint, reserved_until=reserved_until,
    )
    orders = [
        Order(
            number=_number("TW", now), purchase=purchase, buyer=buyer, business_id=seller.business_id,
            direction=Direction.US_EXPORT, status=OrderStatus.CREATED, identity=identity,
            buyer_name=identity.full_name, buyer_id_masked=identity.id_number_masked,
            buyer_id_hash=identity.id_number_hash, consignee_name=consignee.name,
            consignee_phone=consignee.phone, consignee_address=consignee.address,
            consignee_district=consignee.district, currency="CNY", exchange_rate=quote.rate,
            exchange_rate_source=quote.rate_source[:300], goods_value=seller.goods_value,
            freight=seller.freight, insurance=seller.insurance, discount=ZERO,
            tax_total=seller.tax_total, total_payable=seller.total_payable,
            customs_value_usd=seller.customs_value_usd,
            tax_channel=(
                TaxChannel.CBEC_FULL_TAX_SINGLE_ITEM
                if seller.channel == "full_tax_single_item"
                else TaxChannel.CBEC_WITHIN_LIMITS
            ),
            quota_year=now.year, quota_amount=seller.dutiable_value,
            created_at=now,
        )
        for seller in quote.sellers
    ]
    Order.objects.bulk_create(orders)
    lines = []
    for order, seller in zip(orders, quote.sellers, strict=True):
        lines.extend(
            OrderLine(
                order=order, product_id=q.product_id, sku=q.sku, title=q.title, title_zh=q.title_zh,
                hs_code=q.hs_code, national_line=q.national_line, origin_state=q.origin_state,
                quantity=q.quantity, unit_price_usd=q.unit_price_usd, unit_price=q.unit_price,
                goods_value=q.goods_value, freight_share=q.freight_share, tariff=q.tariff,
                consumption_tax=q.consumption_tax, vat=q.vat, tax_total=q.tax_total,
                tax_category=q.tax_category, customs_value_usd=q.customs_value_usd,
            )
            for q in seller.lines
        )
    OrderLine.objects.bulk_create(lines)
    events = OrderEvent.objects.bulk_create(
        OrderEvent(
            order=order, from_status="", to_status=OrderStatus.CREATED, actor=buyer,
            actor_label="buyer", reason=f"placed; stock and quota reserved until {reserved_until:%Y-%m-%d %H:%M} UTC",
            created_at=now,
        )
        for order in orders
    )
    # What was just written is what a caller shows: no re-read (the API answers from these).
    for order, seller, event in zip(orders, quote.sellers, events, strict=True):
        if seller.business is not None:
            order.business = seller.business
        order._prefetched_objects_cache = {
            "lines": _as_prefetched(OrderLine.objects.filter(order=order),
                                    [ln for ln in lines if ln.order is order]),
            "events": _as_prefetched(OrderEvent.objects.filter(order=order), [event]),
        }
    purchase._prefetched_objects_cache = {
        "orders": _as_prefetched(Order.objects.filter(purchase=purchase), orders)
    }
    return purchase


def _as_prefetched(queryset, rows: list):
    """A queryset already holding ``rows``, as Django's prefetch cache keeps them (``.all()``
    reads them; ``.get()``/``.filter()`` still query)."""
    queryset._result_cache = rows
    queryset._prefetch_done = True
    return queryset


# --- the state machine ---------------------------------------------------------------------


def order_transition(
    *,
    order: Order,
    to: str,
    actor: User | None = None,
    actor_label: str = "system",
    reason: str = "",
    now: dt.datetime | None = None,
) -> Order:
    """Move one order to ``to`` (checked against the pipeline) and append its event.

    Side effects that belong to the transition happen in the same transaction: stock and quota
    go back on cancel/refund; the trade ledger posts on shipment and reverses on refund/return.
    Call inside ``transaction.atomic()`` with the order locked, or let this function lock it.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_objects.order_for_update(order.pk).get()
        try:
            pipeline.check_transition(locked.direction, locked.status, to)
        except pipeline.IllegalTransition as exc:
            raise DomainError.one(
                "status", CheckoutErrorCode.ILLEGAL_TRANSITION, str(exc), status=409
            ) from None
        previous = locked.status
        update_fields = ["status", "updated_at"]
        if to == OrderStatus.PAID and locked.paid_at is None:
            locked.paid_at = now
            update_fields.append("paid_at")
        if to == OrderStatus.SHIPPED:
            locked.shipped_at = now
            update_fields.append("shipped_at")
        if to == OrderStatus.DELIVERED:
            locked.delivered_at = now
            update_fields.append("delivered_at")
        if to in (OrderStatus.CANCELLED, OrderStatus.REFUNDED):
            if previous not in pipeline.SHIPPED_STATES or previous == OrderStatus.RETURNED:
                _stock_release(locked)
            _quota_release(locked)
            update_fields += ["stock_released", "quota_released"]
        if to == OrderStatus.HELD:
            locked.hold_reason = reason
            update_fields.append("hold_reason")
        locked.status = to
        locked.save(update_fields=update_fields)
        OrderEvent.objects.create(
            order=locked, from_status=previous, to_status=to, actor=actor,
            actor_label=actor_label if actor is None else (actor_label or "user"),
            reason=reason, created_at=now,
        )
        # The trade ledger, in this transaction: if posting fails, the order is not shipped.
        if to == OrderStatus.SHIPPED:
            trade_flows_post(lines=_trade_flow_lines(locked), kind="shipment", posted_at=now)
        elif to in (OrderStatus.REFUNDED, OrderStatus.RETURNED) and previous in pipeline.SHIPPED_STATES:
            trade_flows_reverse(order_id=locked.pk, posted_at=now)  # idempotent
    order.refresh_from_db()
    return order


def _trade_flow_lines(order: Order) -> list[TradeFlowInput]:
    """The order's lines as the ledger takes them (plain values; the ledger never imports us)."""
    business = order.business
    return [
        TradeFlowInput(
            direction=order.direction, order_id=order.pk, order_number=order.number,
            order_line_id=line.pk, business_id=business.pk, business_country=business.country,
            hs_code=line.hs_code, quantity=line.quantity, customs_value_usd=line.customs_value_usd,
            **dict(zip(("us_state", "cn_province"), flow_places(
                direction=order.direction, origin_state=line.origin_state,
                origin_province=line.origin_province, consignee_district=order.consignee_district,
                consignee_state=order.consignee_state, business_us_state=business.us_state_id or "",
                business_cn_province=business.cn_province_id or "",
            ), strict=True)),
        )
        for line in order.lines.order_by("pk")
    ]


def purchase_mark_paid(*, purchase: Purchase, now: dt.datetime, actor_label: str, reason: str) -> None:
    """Move every created order of a paid purchase to ``paid`` (idempotent)."""
    with transaction.atomic():
        locked = lock_objects.purchase_for_update(purchase.pk).get()
        if locked.paid_at is None:
            locked.paid_at = now
            locked.save(update_fields=["paid_at", "updated_at"])
        for order in lock_objects.orders_for_update(purchase.pk):
            if order.status == OrderStatus.CREATED:
                order_transition(order=order, to=OrderStatus.PAID, actor_label=actor_label,
                                 reason=reason, now=now)


def reservations_expire(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Cancel unpaid purchases whose reservation ran out; stock and quota go back. Returns count."""
    now = now or timezone.now()
    due = list(
        Purchase.objects.filter(
            reserved_until__lt=now, paid_at__isnull=True, orders__status=OrderStatus.CREATED
        )
        .distinct()
        .values_list("pk", flat=True)[:limit]
    )
    expired = 0
    for purchase_id in due:
        with transaction.atomic():
            for order in lock_objects.orders_for_update(purchase_id):
                if order.status == OrderStatus.CREATED:
                    order_transition(
                        order=order, to=OrderStatus.CANCELLED, actor_label="system",
                        reason="Payment not received before the reservation expired.", now=now,
                    )
                    expired += 1
    return expired


def order_cancel(*, order: Order, by: User, reason: str = "") -> Order:
    if order.buyer_id != by.pk and not by.is_operator:
        from twoway.core.errors import PermissionDenied

        raise PermissionDenied("Only the buyer or an operator can cancel this order.")
    return order_transition(order=order, to=OrderStatus.CANCELLED, actor=by, actor_label="buyer",
                            reason=reason or "Cancelled by the buyer before payment.")


def order_ship(*, order: Order, by: User, tracking_number: str) -> Order:
    """The seller hands the parcel to the carrier (only once customs has cleared an export)."""
    with transaction.atomic():
        Order.objects.filter(pk=order.pk).update(tracking_number=tracking_number)
        return order_transition(order=order, to=OrderStatus.SHIPPED, actor=by, actor_label="seller",
                                reason=f"Handed to the carrier, tracking {tracking_number}.")


def order_receipt_confirm(*, order: Order, by: User) -> Order:
    """The buyer confirms receipt of a shipped parcel: the order is delivered."""
    if order.buyer_id != by.pk:
        from twoway.core.errors import PermissionDenied

        raise PermissionDenied("Only the buyer can confirm receipt.")
    return order_transition(order=order, to=OrderStatus.DELIVERED, actor=by, actor_label="buyer",
                            reason="The buyer confirmed receipt.")


def order_refund(*, order: Order, by: User | None, reason: str) -> Order:
    """Refund an order: stock back (unless it shipped and did not come back), quota back,
    ledger reversal when it had shipped."""
    return order_transition(order=order, to=OrderStatus.REFUNDED, actor=by,
                            actor_label="operator" if by else "system", reason=reason)


# --- imports: US consumers buying from Chinese sellers (issue 5) -----------------------------


def import_cart_line_set(*, buyer: User, product: Product, quantity: int) -> Cart:
    """Set the quantity of an import product in a US consumer's cart (0 removes it)."""
    from .import_pricing import import_problems

    if quantity > 0:
        problems = [
            p for p in import_problems(product, quantity) if p.rule != CheckoutErrorCode.OUT_OF_STOCK
        ]
        if problems:
            raise DomainError(problems[0].message, [FieldProblem("product", problems[0].rule,
                                                                 problems[0].message)])
    cart = cart_line_set(buyer=buyer, product=product, quantity=quantity)
    if cart.direction != Direction.US_IMPORT:
        Cart.objects.filter(pk=cart.pk).update(direction=Direction.US_IMPORT)
    return cart


def purchase_place_import(
    *,
    buyer: User,
    items: dict[int, int],
    consignee_state: str,
    consignee: Consignee,
    idempotency_key: str = "",
    now: dt.datetime | None = None,
) -> Purchase:
    """Place a purchase from Chinese sellers by a consumer in the US.

    Prices in USD on today's date (goods + CN-US freight per seller shipment + each duty and fee
    in force), refuses lines not listed for import or blocked, reserves stock and writes one
    order per seller (``TaxChannel.US_IMPORT``, duties in ``tax_total``), all in one transaction.
    No quota. A retry with the same ``idempotency_key`` returns the same purchase.
    """
    from twoway.reference.models import UsState

    from .import_pricing import ImportQuote, import_quote_for

    now = now or timezone.now()
    if not items or any(q < 1 for q in items.values()):
        raise DomainError.one("items", CheckoutErrorCode.EMPTY_CART, "Add at least one item (quantity ≥ 1).")
    caps_check(items)  # issue 9: lines per purchase, quantity per product (merged lines)
    for field_name, value in (("consignee.name", consignee.name), ("consignee.address", consignee.address)):
        if not value.strip():
            raise DomainError.one(field_name, "required", f"{field_name} is required for delivery.")
    state = (consignee_state or "").strip().upper()
    if not UsState.objects.filter(pk=state).exists():
        raise DomainError.one("consignee_state", "state_unknown", "Choose the US state of delivery.")
    fingerprint = _fingerprint(items, f"import|{state}|{consignee}")

    def write() -> Purchase:
        quote: ImportQuote = import_quote_for(items=items, day=now.date())
        if not quote.ok:
            problems = list(quote.problems)
            raise DomainError("; ".join(p.message for p in problems), problems, status=409)
        with transaction.atomic():
            _stock_take(items)
            purchase = _import_purchase_write(
                buyer=buyer, quote=quote, consignee=consignee, consignee_state=state,
                idempotency_key=idempotency_key, fingerprint=fingerprint, now=now,
            )
        logger.info("import purchase %s placed by user %s", purchase.number, buyer.pk)
        return purchase

    return _place_once(buyer=buyer, idempotency_key=idempotency_key, fingerprint=fingerprint,
                       write=write)


def _import_purchase_write(
    *, buyer: User, quote, consignee: Consignee, consignee_state: str, idempotency_key: str,
    fingerprint: str, now: dt.datetime,
) -> Purchase:
    reserved_until = now + dt.timedelta(minutes=settings.TWOWAY_RESERVATION_MINUTES)
    purchase = Purchase.objects.create(
        number=_number("TP", now), buyer=buyer, direction=Direction.US_IMPORT, currency="USD",
        total_payable=quote.total_payable, idempotency_key=idempotency_key,
        request_fingerprint=fingerprint, reserved_until=reserved_until,
    )
    orders = [
        Order(
            number=_number("TW", now), purchase=purchase, buyer=buyer, business_id=seller.business_id,
            direction=Direction.US_IMPORT, status=OrderStatus.CREATED, buyer_name=consignee.name,
            consignee_name=consignee.name, consignee_phone=consignee.phone,
            consignee_address=consignee.address, consignee_state=consignee_state, currency="USD",
            goods_value=seller.goods_value, freight=seller.freight, insurance=ZERO, discount=ZERO,
            tax_total=seller.duty_total, total_payable=seller.total_payable,
            customs_value_usd=seller.customs_value_usd, tax_channel=TaxChannel.US_IMPORT,
            created_at=now,
        )
        for seller in quote.sellers
    ]
    Order.objects.bulk_create(orders)
    lines = []
    for order, seller in zip(orders, quote.sellers, strict=True):
        for q in seller.lines:
            product = q.product
            lines.append(
                OrderLine(
                    order=order, product_id=product.pk, sku=product.sku, title=product.title_en,
                    title_zh=product.title_zh, hs_code=product.hs_code,
                    national_line=product.us_hts_line,
                    origin_province=product.origin_cn_province_id or "", quantity=q.quantity,
                    unit_price_usd=q.unit_price_usd, unit_price=q.unit_price_usd,
                    goods_value=q.goods_value, freight_share=q.freight_share, tariff=q.duty,
                    tax_total=q.duty + q.fees, tax_category=" ".join(q.cost.measure_ids)[:48],
                    customs_value_usd=q.goods_value,
                )
            )
    OrderLine.objects.bulk_create(lines)
    OrderEvent.objects.bulk_create(
        OrderEvent(
            order=order, from_status="", to_status=OrderStatus.CREATED, actor=buyer,
            actor_label="buyer",
            reason=f"placed; stock reserved until {reserved_until:%Y-%m-%d %H:%M} UTC; "
                   f"US duties ${order.tax_total} as of {now:%Y-%m-%d}",
            created_at=now,
        )
        for order in orders
    )
    return purchase
