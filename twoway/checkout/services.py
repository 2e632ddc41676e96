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
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from twoway.catalog.models import Product, ProductStatus
from twoway.core.errors import DomainError, FieldProblem
from twoway.identity.models import RealNameIdentity, User
from twoway.ledger.rules.keys import flow_places
from twoway.ledger.services import TradeFlowInput, trade_flows_post, trade_flows_reverse

from . import lock_objects, writes
from .channels import ChannelPolicy, Consignee
from .errors import CheckoutErrorCode, caps_check
from .models import (
    Cart,
    CartLine,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Purchase,
    QuotaUsage,
    to_fen,
)
from .rules import order_status as pipeline
from .selectors import quota_used

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from twoway.reference.models import ReturnPolicy

    from .channels import Delivery
    from .models import ReturnRequest

logger = logging.getLogger(__name__)
ZERO = Decimal("0.00")


# --- cart ---------------------------------------------------------------------------------


def cart_line_set(*, channel: ChannelPolicy, buyer: User, product: Product, quantity: int) -> Cart:
    """Set the quantity of a product in the buyer's cart (0 removes it); the channel says whether
    the product may go into its cart."""
    if quantity < 0:
        raise DomainError.one("quantity", "not_negative", "Quantity cannot be negative.")
    channel.cart_line_check(product, quantity)
    with transaction.atomic():
        cart, _created = Cart.objects.get_or_create(
            buyer=buyer, defaults={"direction": channel.direction}
        )
        if quantity == 0:
            CartLine.objects.filter(cart=cart, product=product).delete()
        else:
            CartLine.objects.update_or_create(
                cart=cart, product=product, defaults={"quantity": quantity}
            )
        if cart.direction != channel.direction:
            Cart.objects.filter(pk=cart.pk).update(direction=channel.direction)
    return cart


def cart_clear(*, buyer: User) -> None:
    CartLine.objects.filter(cart__buyer=buyer).delete()


def cart_lines_remove(*, buyer: User, product_ids: Iterable[int]) -> None:
    """Take these products out of the buyer's cart (what a placed purchase bought)."""
    CartLine.objects.filter(cart__buyer=buyer, product_id__in=list(product_ids)).delete()


# --- quota ---------------------------------------------------------------------------------


def _quota_consume(*, id_number_hash: str, year: int, amount: Decimal, annual: Decimal) -> None:
    """Add ``amount`` to the person's year only if the total stays within ``annual``.

    One conditional upsert on the per-person-per-year row (INSERT … ON CONFLICT DO UPDATE …
    WHERE): two concurrent orders by one person serialize on that row, and the second is judged
    on the first's committed amount.
    """
    amount_fen, annual_fen = to_fen(amount), to_fen(annual)
    row = None
    if amount_fen <= annual_fen:
        sql, params = writes.quota_consume_statement(
            id_number_hash,
            year,
            amount_fen,
            annual_fen,
            connection.ops.adapt_datetimefield_value(timezone.now()),
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
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


def _quota_give_back(*, id_number_hash: str, year: int, amount: Decimal) -> None:
    if amount:
        QuotaUsage.objects.filter(id_number_hash=id_number_hash, year=year).update(
            used_fen=F("used_fen") - to_fen(amount)
        )


def _quota_release(order: Order) -> None:
    """Give back what the order still holds of the buyer's annual quota (returns may have given
    part of it back already)."""
    if order.quota_year and order.quota_amount and not order.quota_released:
        _quota_give_back(
            id_number_hash=order.buyer_id_hash,
            year=order.quota_year,
            amount=order.quota_amount - order.quota_returned,
        )
        order.quota_released = True


# --- stock ---------------------------------------------------------------------------------


def _stock_take(quantities: dict[int, int]) -> None:
    """Decrement stock for every line in one statement, locking rows in product-id order (no
    deadlocks between multi-line orders); one error lists every short line."""
    short = writes.stock_take(quantities)
    if short:
        raise DomainError(
            "Some items are out of stock.",
            [
                FieldProblem(
                    f"items.{product_id}",
                    CheckoutErrorCode.OUT_OF_STOCK,
                    f"Not enough stock for product {product_id} (asked for {quantities[product_id]}).",
                )
                for product_id in sorted(short)
            ],
            status=409,
        )


def _stock_release(order: Order) -> None:
    if order.stock_released:
        return
    for line in order.lines.all().order_by("product_id"):
        Product.objects.filter(pk=line.product_id).update(
            stock_on_hand=F("stock_on_hand") + line.quantity
        )
    order.stock_released = True


# --- placing a purchase --------------------------------------------------------------------


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


def _place_once(
    *, buyer: User, idempotency_key: str, fingerprint: str, write: Callable[[], Purchase]
) -> Purchase:
    """Run ``write()`` (one transaction) unless this key already placed the purchase; a retry,
    even a concurrent one, gets the first purchase back. ``purchase.created`` says which.

    The key is not read first: the purchase row's unique (buyer, key), written first inside
    ``write()``, claims it, and a retry learns of the first purchase from the conflict (or from
    a refusal) — one round trip less for every placement, a quote more for a retry."""
    existing = None
    if existing is None:
        try:
            purchase = write()
        except DomainError:
            # A concurrent request with the same key may have placed it (and taken the stock
            # this one was refused for) while this one was quoting: answer with that purchase.
            existing = _existing_for_key(buyer, idempotency_key, fingerprint)
            if existing is None:
                raise
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


def cart_quote(
    *,
    channel: ChannelPolicy,
    items: dict[int, int],
    identity: RealNameIdentity | None = None,
    day: dt.date | None = None,
) -> Any:
    """Price a cart in ``channel`` (read-only); with ``identity`` the export quote counts the
    buyer's quota used this year."""
    return channel.quote_for(items=items, identity=identity, day=day or timezone.now().date())


def purchase_place(
    *,
    channel: ChannelPolicy,
    buyer: User,
    items: dict[int, int],
    consignee: Consignee,
    identity: RealNameIdentity | None = None,
    consignee_state: str = "",
    idempotency_key: str = "",
    now: dt.datetime | None = None,
) -> Purchase:
    """Place a purchase in ``channel``: export (a buyer in China from US sellers, CBEC: needs the
    buyer's own real-name ``identity``) or import (a consumer in the US from Chinese sellers: needs
    ``consignee_state``).

    Prices on today's date (the rate and rows in force are locked on the orders), refuses what
    the channel refuses (eligibility, limits), reserves stock and the channel's quota and writes
    one order per seller, all in one transaction. No provider call. A retry with the same
    ``idempotency_key`` returns the same purchase (``purchase.created`` says which).
    """
    now = now or timezone.now()
    channel.buyer_check(buyer=buyer, identity=identity)
    if not items or any(q < 1 for q in items.values()):
        raise DomainError.one(
            "items", CheckoutErrorCode.EMPTY_CART, "Add at least one item (quantity ≥ 1)."
        )
    caps_check(items)  # issue 9: lines per purchase, quantity per product (merged lines)
    delivery = channel.delivery_check(consignee=consignee, identity=identity, state=consignee_state)
    fingerprint = _fingerprint(items, delivery.fingerprint)

    def write() -> Purchase:
        # The quota is not read here: the conditional upsert inside the transaction decides, on
        # the committed amount (a read now could be stale by the time the row is locked).
        priced = channel.quote_for(items=items, identity=None, day=now.date())
        if not priced.ok:
            problems = priced.all_problems
            raise DomainError("; ".join(p.message for p in problems), problems, status=409)
        with transaction.atomic():
            # The purchase row is written first: its unique (buyer, Idempotency-Key) claims the
            # key, so a concurrent retry waits on it and then returns this purchase instead of
            # racing for the stock (and answering out_of_stock).
            purchase = _purchase_claim(
                buyer=buyer,
                direction=channel.direction,
                currency=channel.currency,
                total_payable=priced.total_payable,
                idempotency_key=idempotency_key,
                fingerprint=fingerprint,
                now=now,
            )
            _stock_take(items)
            claim = channel.quota_claim(quote=priced, delivery=delivery, year=now.year)
            if claim is not None:
                _quota_consume(
                    id_number_hash=claim.id_number_hash,
                    year=claim.year,
                    amount=claim.amount,
                    annual=claim.annual,
                )
            _purchase_write(
                channel=channel,
                purchase=purchase,
                buyer=buyer,
                quote=priced,
                delivery=delivery,
                now=now,
            )
        logger.info("%s purchase %s placed by user %s", channel.code, purchase.number, buyer.pk)
        return purchase

    return _place_once(
        buyer=buyer, idempotency_key=idempotency_key, fingerprint=fingerprint, write=write
    )


def _purchase_claim(
    *,
    buyer: User,
    direction: str,
    currency: str,
    total_payable: Decimal,
    idempotency_key: str,
    fingerprint: str,
    now: dt.datetime,
) -> Purchase:
    """Insert the purchase row (the first write of a placement; claims the Idempotency-Key)."""
    purchase = Purchase(
        number=_number("TP", now),
        buyer=buyer,
        direction=direction,
        currency=currency,
        total_payable=total_payable,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint,
        reserved_until=now + dt.timedelta(minutes=settings.TWOWAY_RESERVATION_MINUTES),
    )
    writes.row_insert(purchase)  # one plain INSERT, as the bench's raw client sends it
    return purchase


def _purchase_write(
    *,
    channel: ChannelPolicy,
    purchase: Purchase,
    buyer: User,
    quote: Any,
    delivery: Delivery,
    now: dt.datetime,
) -> Purchase:
    """The orders (one per seller), their lines and first events, as the channel writes them."""
    reserved_until = purchase.reserved_until
    if reserved_until is None:
        raise ValueError(f"Purchase {purchase.number} has no reserved_until.")
    orders = [
        channel.order_for(
            purchase=purchase,
            buyer=buyer,
            seller=seller,
            quote=quote,
            delivery=delivery,
            number=_number("TW", now),
            now=now,
        )
        for seller in quote.sellers
    ]
    lines_by_order = [
        channel.lines_for(order=order, seller=seller)
        for order, seller in zip(orders, quote.sellers, strict=True)
    ]
    events = [
        OrderEvent(
            order=order,
            from_status="",
            to_status=OrderStatus.CREATED,
            actor=buyer,
            actor_label="buyer",
            reason=channel.placed_reason(order=order, reserved_until=reserved_until, now=now),
            created_at=now,
        )
        for order in orders
    ]
    writes.orders_insert(  # one statement on PostgreSQL
        orders=orders, lines=[line for lines in lines_by_order for line in lines], events=events
    )
    # What was just written is what a caller shows: no re-read (the API answers from these).
    for order, seller, lines, event in zip(
        orders, quote.sellers, lines_by_order, events, strict=True
    ):
        if seller.business is not None:
            order.business = seller.business
        order._prefetched_objects_cache = {  # type: ignore[attr-defined]  # private, not stubbed
            "lines": _as_prefetched(OrderLine.objects.filter(order=order), lines),
            "events": _as_prefetched(OrderEvent.objects.filter(order=order), [event]),
        }
    purchase._prefetched_objects_cache = {  # type: ignore[attr-defined]  # private, not stubbed
        "orders": _as_prefetched(Order.objects.filter(purchase=purchase), orders)
    }
    return purchase


def _as_prefetched(queryset: QuerySet[Any], rows: list[Any]) -> QuerySet[Any]:
    """A queryset already holding ``rows``, as Django's prefetch cache keeps them (``.all()``
    reads them; ``.get()``/``.filter()`` still query)."""
    queryset._result_cache = rows
    queryset._prefetch_done = True  # type: ignore[attr-defined]  # private, not in the stubs
    return queryset


# --- the state machine ---------------------------------------------------------------------


#: Sent inside the transaction that moves an order (after its event row is written):
#: ``order`` (locked, new status set), ``from_status``, ``to_status``, ``now``. Contexts above
#: (integrations' webhooks) record what they need in the same transaction; checkout imports none.
order_status_changed = Signal()


def order_transition(  # noqa: C901 — every transition's side effects (stock, quota, ledger, holds) in one place, ADR 0003
    *,
    order: Order,
    to: str,
    actor: User | None = None,
    actor_label: str = "system",
    reason: str = "",
    now: dt.datetime | None = None,
    hold_code: str = "",
    expect_from: str = "",
) -> Order:
    """Move one order to ``to`` (checked against the pipeline) and append its event.

    Side effects that belong to the transition happen in the same transaction: stock and quota
    go back on cancel/refund; the trade ledger posts on shipment and reverses on refund/return;
    a hold remembers where the order was, and a release returns it there.
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
        if expect_from and previous != expect_from:  # e.g. a hold landed while customs worked
            raise DomainError.one(
                "status",
                CheckoutErrorCode.ILLEGAL_TRANSITION,
                f"The order is {previous}, not {expect_from}: not moved to {to}.",
                status=409,
            )
        update_fields = ["status", "updated_at"]
        if to == OrderStatus.PAID and locked.paid_at is None:
            locked.paid_at = now
            update_fields.append("paid_at")
        if to == OrderStatus.CLEARED:
            locked.cleared_at = now
            update_fields.append("cleared_at")
        if to == OrderStatus.SHIPPED:
            _check_still_sellable(locked)
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
            if not reason.strip():
                raise DomainError.one("reason", "required", "A hold needs a reason.")
            locked.hold_reason = reason
            locked.hold_code = hold_code or "operator"
            locked.held_from = previous
            update_fields += ["hold_reason", "hold_code", "held_from"]
        elif previous == OrderStatus.HELD:
            locked.held_from = ""
            locked.hold_code = ""
            update_fields += ["held_from", "hold_code"]
        locked.status = to
        locked.save(update_fields=update_fields)
        OrderEvent.objects.create(
            order=locked,
            from_status=previous,
            to_status=to,
            actor=actor,
            actor_label=actor_label if actor is None else (actor_label or "user"),
            reason=reason,
            created_at=now,
        )
        # The trade ledger, in this transaction: if posting fails, the order is not shipped.
        if to == OrderStatus.SHIPPED:
            trade_flows_post(lines=_trade_flow_lines(locked), kind="shipment", posted_at=now)
        elif (
            to in (OrderStatus.REFUNDED, OrderStatus.RETURNED)
            and previous in pipeline.SHIPPED_STATES
        ):
            trade_flows_reverse(order_id=locked.pk, posted_at=now)  # idempotent
        order_status_changed.send(
            sender=Order, order=locked, from_status=previous, to_status=to, now=now
        )
    order.refresh_from_db()
    return order


def _check_still_sellable(order: Order) -> None:
    """Shipping re-checks: goods whose listing was blocked or suspended since the sale stay."""
    stopped = list(
        Product.objects.filter(pk__in=order.lines.values("product_id"))
        .exclude(status=ProductStatus.ACTIVE)
        .values_list("sku", "status")
    )
    if stopped:
        raise DomainError.one(
            "status",
            CheckoutErrorCode.NOT_FOR_SALE,
            "Not shipped: "
            + ", ".join(f"{sku} is {status}" for sku, status in stopped)
            + " (a regulator or an operator stopped the listing after the sale).",
            status=409,
        )


def _trade_flow_lines(order: Order) -> list[TradeFlowInput]:
    """The order's lines as the ledger takes them (plain values; the ledger never imports us)."""
    business = order.business
    return [
        TradeFlowInput(
            direction=order.direction,
            order_id=order.pk,
            order_number=order.number,
            order_line_id=line.pk,
            business_id=business.pk,
            business_country=business.country,
            hs_code=line.hs_code,
            quantity=line.quantity,
            customs_value_usd=line.customs_value_usd,
            **dict(
                zip(
                    ("us_state", "cn_province"),
                    flow_places(
                        direction=order.direction,
                        origin_state=line.origin_state,
                        origin_province=line.origin_province,
                        consignee_district=order.consignee_district,
                        consignee_state=order.consignee_state,
                        business_us_state=business.us_state_id or "",
                        business_cn_province=business.cn_province_id or "",
                    ),
                    strict=True,
                )
            ),
        )
        for line in order.lines.order_by("pk")
    ]


def purchase_mark_paid(
    *, purchase: Purchase, now: dt.datetime, actor_label: str, reason: str
) -> None:
    """Move every created order of a paid purchase to ``paid`` (idempotent)."""
    with transaction.atomic():
        locked = lock_objects.purchase_for_update(purchase.pk).get()
        if locked.paid_at is None:
            locked.paid_at = now
            locked.save(update_fields=["paid_at", "updated_at"])
        for order in lock_objects.orders_for_update(purchase.pk):
            if order.status == OrderStatus.CREATED:
                order_transition(
                    order=order,
                    to=OrderStatus.PAID,
                    actor_label=actor_label,
                    reason=reason,
                    now=now,
                )


def purchase_payable(
    purchase: Purchase, *, now: dt.datetime | None = None, deadline: bool = True
) -> tuple[bool, str]:
    """Whether money for ``purchase`` may be taken now, and if not, the buyer-facing reason.

    Read inside the transaction that records a payment (orders locked), and before the buyer is
    sent to a provider: a held, cancelled or expired purchase is never paid."""
    now = now or timezone.now()
    statuses = list(Order.objects.filter(purchase_id=purchase.pk).values_list("status", flat=True))
    if not statuses:
        return False, _("This purchase has no orders.")
    if any(s == OrderStatus.HELD for s in statuses):
        return False, _("This purchase is on hold for a compliance review and cannot be paid now.")
    if any(s != OrderStatus.CREATED for s in statuses):
        return False, _(
            "This purchase can no longer be paid (it was cancelled or its reservation expired)."
        )
    # A payment that arrives after the deadline but before the expiry job ran still finds the
    # stock and quota reserved: it is taken (``deadline=False``); a new attempt to pay is not.
    if deadline and purchase.reserved_until and purchase.reserved_until < now:
        return False, _("The reservation expired; place the order again.")
    return True, ""


def reservations_expire(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Cancel unpaid purchases whose reservation ran out (also those held while unpaid); stock
    and quota go back. Returns the number of orders cancelled."""
    now = now or timezone.now()
    unpaid = Q(orders__status=OrderStatus.CREATED) | Q(
        orders__status=OrderStatus.HELD, orders__held_from=OrderStatus.CREATED
    )
    due = list(
        Purchase.objects.filter(unpaid, reserved_until__lt=now, paid_at__isnull=True)
        .distinct()
        .values_list("pk", flat=True)[:limit]
    )
    expired = 0
    for purchase_id in due:
        with transaction.atomic():
            purchase = lock_objects.purchase_for_update(purchase_id).get()
            if purchase.paid_at is not None:  # the payment won the race: nothing to expire
                continue
            for order in lock_objects.orders_for_update(purchase_id):
                if pipeline.is_unpaid(order.status, order.held_from):
                    order_transition(
                        order=order,
                        to=OrderStatus.CANCELLED,
                        actor_label="system",
                        reason="Payment not received before the reservation expired; "
                        "stock and quota were given back.",
                        now=now,
                    )
                    expired += 1
    if expired:
        logger.info("reservations expired: %s orders cancelled", expired)
    return expired


def order_cancel(*, order: Order, by: User, reason: str = "") -> Order:
    """The buyer (or an operator) cancels an order that is not paid. Paid orders are cancelled
    with a refund through ``payments.services.order_cancel_with_refund``."""
    if order.buyer_id != by.pk and not by.is_operator:
        from twoway.core.errors import PermissionDenied

        raise PermissionDenied("Only the buyer or an operator can cancel this order.")
    return order_transition(
        order=order,
        to=OrderStatus.CANCELLED,
        actor=by,
        actor_label="buyer",
        reason=reason or "Cancelled by the buyer before payment.",
    )


def tracking_number_check(*, carrier: str, tracking_number: str, day: dt.date | None = None) -> str:
    """The tracking number, normalised, if it has the form (and check digit) of one of the
    carrier's formats in force (reference rows); else a DomainError naming the field and rule."""
    from twoway.reference.selectors import carrier_formats_on

    from .rules.tracking import TrackingFormat, tracking_check

    rows = carrier_formats_on(day or timezone.now().date())
    formats = [
        TrackingFormat(
            carrier=r.carrier,
            name=r.format_name,
            pattern=r.pattern,
            checksum=r.checksum,
            evens_multiplier=r.evens_multiplier,
            odds_multiplier=r.odds_multiplier,
            weightings=tuple(int(w) for w in r.weightings.split()),
        )
        for r in rows
    ]
    result = tracking_check(tracking_number, carrier=carrier, formats=formats)
    if result.ok:
        return result.normalized
    mine = [r for r in rows if r.carrier == carrier]
    if result.rule == "carrier":
        raise DomainError.one("carrier", "carrier_known", _("Choose a carrier from the list."))
    examples = ", ".join(r.example for r in mine)
    chinese = (get_language() or "").startswith("zh")
    name = (
        mine[0].carrier_name_zh if chinese and mine[0].carrier_name_zh else mine[0].carrier_name_en
    )
    if result.rule == "check_digit":
        message = _(
            "%(number)s is not a valid %(carrier)s tracking number: its check digit should be "
            "%(digit)s. Check the number for a typo."
        ) % {"number": result.normalized, "carrier": name, "digit": result.expected_check}
    else:
        message = _(
            "%(number)s does not look like a %(carrier)s tracking number (for example %(examples)s)."
        ) % {"number": result.normalized or "—", "carrier": name, "examples": examples}
    raise DomainError.one("tracking_number", f"tracking_{result.rule}", message)


def order_ship(
    *, order: Order, by: User, tracking_number: str, carrier: str | None = None
) -> Order:
    """The seller hands the parcel to the carrier (only once customs has cleared an export).

    With ``carrier`` (the seller's pages and API), the number must have that carrier's form and
    check digit; without it (internal callers, the demo) it is kept as given."""
    if carrier is not None:
        tracking_number = tracking_number_check(carrier=carrier, tracking_number=tracking_number)
    with transaction.atomic():
        Order.objects.filter(pk=order.pk).update(
            tracking_number=tracking_number, carrier=carrier or ""
        )
        return order_transition(
            order=order,
            to=OrderStatus.SHIPPED,
            actor=by,
            actor_label="seller",
            reason=f"Handed to the carrier, tracking {tracking_number}.",
        )


def order_receipt_confirm(*, order: Order, by: User) -> Order:
    """The buyer confirms receipt of a shipped parcel: the order is delivered."""
    if order.buyer_id != by.pk:
        from twoway.core.errors import PermissionDenied

        raise PermissionDenied("Only the buyer can confirm receipt.")
    return order_transition(
        order=order,
        to=OrderStatus.DELIVERED,
        actor=by,
        actor_label="buyer",
        reason="The buyer confirmed receipt.",
    )


def order_refund(*, order: Order, by: User | None, reason: str) -> Order:
    """Refund an order: stock back (unless it shipped and did not come back), quota back,
    ledger reversal when it had shipped. The money goes back through
    ``payments.services`` (which calls this inside its own transaction)."""
    return order_transition(
        order=order,
        to=OrderStatus.REFUNDED,
        actor=by,
        actor_label="operator" if by else "system",
        reason=reason,
    )


# --- holds: a blocked listing holds every open order on it ----------------------------------


HOLD_LISTING_BLOCKED = "listing_blocked"
HOLD_CSL = "csl"
HOLD_CUSTOMS = "customs"


def orders_hold_for_products(
    *, product_ids: list[int], reason: str, now: dt.datetime | None = None
) -> list[Order]:
    """Hold every open order (created, paid, declared, cleared) with a line of these products.

    Runs in the caller's transaction (the one that blocks the listing), so no order on a
    blocked listing can be paid or shipped in between. Returns the orders held."""
    now = now or timezone.now()
    held = []
    with transaction.atomic():
        order_ids = sorted(
            set(
                OrderLine.objects.filter(
                    product_id__in=product_ids, order__status__in=pipeline.HOLDABLE_STATES
                ).values_list("order_id", flat=True)
            )
        )
        for order_id in order_ids:
            order = lock_objects.order_for_update(order_id).get()
            if order.status in pipeline.HOLDABLE_STATES:
                held.append(
                    order_transition(
                        order=order,
                        to=OrderStatus.HELD,
                        actor_label="compliance",
                        reason=reason,
                        now=now,
                        hold_code=HOLD_LISTING_BLOCKED,
                    )
                )
    if held:
        logger.warning("%s open orders held: %s", len(held), reason)
    return held


def orders_release_for_products(
    *,
    product_ids: list[int],
    reason: str,
    actor: User | None = None,
    now: dt.datetime | None = None,
) -> list[Order]:
    """Return orders held because of these listings to where they were, once none of their
    products is still blocked. Orders held for another reason (CSL, customs) stay held."""
    now = now or timezone.now()
    released = []
    with transaction.atomic():
        order_ids = sorted(
            set(
                OrderLine.objects.filter(
                    product_id__in=product_ids,
                    order__status=OrderStatus.HELD,
                    order__hold_code=HOLD_LISTING_BLOCKED,
                ).values_list("order_id", flat=True)
            )
        )
        for order_id in order_ids:
            order = lock_objects.order_for_update(order_id).get()
            if order.status != OrderStatus.HELD or order.hold_code != HOLD_LISTING_BLOCKED:
                continue
            still_blocked = (
                Product.objects.filter(pk__in=order.lines.values("product_id"))
                .exclude(status=ProductStatus.ACTIVE)
                .exists()
            )
            if still_blocked or order.held_from not in pipeline.RELEASABLE_TO:
                continue
            released.append(order_hold_release(order=order, actor=actor, reason=reason, now=now))
    return released


def order_hold_release(
    *, order: Order, actor: User | None, reason: str, now: dt.datetime | None = None
) -> Order:
    """A person releases a hold: the order goes back to the status it was held from."""
    fresh = Order.objects.get(pk=order.pk)
    if fresh.status != OrderStatus.HELD:
        raise DomainError.one(
            "status", CheckoutErrorCode.ILLEGAL_TRANSITION, "This order is not on hold.", status=409
        )
    back = fresh.held_from if fresh.held_from in pipeline.RELEASABLE_TO else OrderStatus.PAID
    if fresh.hold_code == HOLD_CUSTOMS and back != OrderStatus.CREATED:
        back = OrderStatus.PAID  # fixed by a person: declared again by the customs sweep
    return order_transition(
        order=fresh,
        to=back,
        actor=actor,
        actor_label="regulator" if actor else "compliance",
        reason=reason or "Hold released.",
        now=now,
    )


# --- returns: a delivered order comes back, in whole or in part -----------------------------


def _return_terms(order: Order, day: dt.date) -> ReturnPolicy:
    from twoway.reference.selectors import return_policy_on

    return return_policy_on(order.direction, day)


def return_window_end(order: Order) -> dt.datetime | None:
    """When the buyer's right to ask for a return ends (None: not started yet)."""
    policy = _return_terms(order, (order.delivered_at or timezone.now()).date())
    start = order.cleared_at if policy.window_starts == "customs_release" else order.delivered_at
    if start is None and policy.window_starts == "customs_release":
        start = order.shipped_at  # orders cleared before cleared_at was recorded
    return start + dt.timedelta(days=policy.window_days) if start else None


def _returned_units(order_line_ids: Iterable[int]) -> dict[int, int]:
    from django.db.models import Sum

    from .models import ReturnLine, ReturnStatus

    rows = (
        ReturnLine.objects.filter(order_line_id__in=list(order_line_ids))
        .exclude(return_request__status=ReturnStatus.REJECTED)
        .values("order_line_id")
        .annotate(n=Sum("quantity"))
    )
    return {r["order_line_id"]: r["n"] for r in rows}


def return_request_create(
    *,
    order: Order,
    by: User,
    reason: str,
    lines: dict[int, int] | None = None,
    now: dt.datetime | None = None,
) -> ReturnRequest:
    """The buyer asks to return ``lines`` ({order line id: units}; None = everything left) of a
    delivered order, within the return window in force. Amounts are fixed now by the pure rule."""
    from .models import ReturnLine, ReturnRequest
    from .rules.refunds import LineValues, ReturnPolicyTerms, return_amounts

    now = now or timezone.now()
    if order.buyer_id != by.pk:
        from twoway.core.errors import PermissionDenied

        raise PermissionDenied("Only the buyer can ask to return this order.")
    if not reason.strip():
        raise DomainError.one("reason", "required", _("Say why you are returning the goods."))
    with transaction.atomic():
        locked = lock_objects.order_for_update(order.pk).get()
        if locked.status not in pipeline.RETURNABLE_STATES:
            raise DomainError.one(
                "status",
                "not_returnable",
                _("Only delivered orders can be returned (confirm receipt first)."),
                status=409,
            )
        if ReturnRequest.objects.filter(
            order=locked, status__in=("requested", "approved")
        ).exists():
            raise DomainError.one(
                "order", "return_open", _("A return for this order is already open."), status=409
            )
        policy = _return_terms(locked, now.date())
        window_end = return_window_end(locked)
        if window_end is None or now > window_end:
            raise DomainError.one(
                "order",
                "return_window_closed",
                _("The return window of %(days)s days closed on %(date)s.")
                % {
                    "days": policy.window_days,
                    "date": f"{window_end:%Y-%m-%d}" if window_end else "—",
                },
                status=409,
            )
        order_lines = {ln.pk: ln for ln in locked.lines.order_by("pk")}
        before = _returned_units(order_lines)
        wanted = (
            {pk: ln.quantity - before.get(pk, 0) for pk, ln in order_lines.items()}
            if lines is None
            else dict(lines)
        )
        wanted = {pk: q for pk, q in wanted.items() if q}
        if not wanted:
            raise DomainError.one("lines", "required", _("Choose at least one item to return."))
        terms = ReturnPolicyTerms(
            refunds_tax=policy.refunds_tax,
            refunds_freight=policy.refunds_freight,
            restores_quota=policy.restores_quota,
        )
        request = ReturnRequest.objects.create(
            number=_number("RT", now),
            order=locked,
            reason=reason.strip()[:2000],
            window_ends_at=window_end,
            policy_source=f"{policy.source} ({policy.effective_from})",
            requested_by=by,
            requested_at=now,
        )
        rows = []
        for pk, units in sorted(wanted.items()):
            line = order_lines.get(pk)
            if line is None:
                raise DomainError.one(f"lines.{pk}", "unknown_line", "Not a line of this order.")
            left = line.quantity - before.get(pk, 0)
            if units < 1 or units > left:
                raise DomainError.one(
                    f"lines.{pk}",
                    "quantity",
                    _("You can return 1 to %(left)s of %(sku)s.") % {"left": left, "sku": line.sku},
                )
            amounts = return_amounts(
                LineValues(
                    quantity=line.quantity,
                    goods_value=line.goods_value,
                    tax_total=line.tax_total,
                    freight_share=line.freight_share,
                    customs_value_usd=line.customs_value_usd,
                ),
                units=units,
                returned_before=before.get(pk, 0),
                terms=terms,
            )
            rows.append(
                ReturnLine(
                    return_request=request,
                    order_line=line,
                    quantity=units,
                    goods_amount=amounts.goods,
                    tax_amount=amounts.tax + amounts.freight,
                    refund_amount=amounts.refund,
                    quota_amount=amounts.quota,
                    customs_value_usd=amounts.customs_value_usd,
                )
            )
        ReturnLine.objects.bulk_create(rows)
        OrderEvent.objects.create(
            order=locked,
            from_status=locked.status,
            to_status=locked.status,
            actor=by,
            actor_label="buyer",
            reason=f"Return {request.number} requested: {reason.strip()[:300]}",
            created_at=now,
        )
    return request


def can_decide_return(user: User, order: Order) -> bool:
    """The seller's staff with the fulfilment role (or the owner) or an operator decide and
    receive returns."""
    from twoway.businesses.permissions import has_seller_permission

    return bool(
        user.is_operator
        or user.is_superuser
        or has_seller_permission(user, order.business, "fulfilment")
    )


def return_decide(
    *,
    return_request: ReturnRequest,
    by: User,
    approve: bool,
    note: str = "",
    now: dt.datetime | None = None,
) -> ReturnRequest:
    """The seller (or an operator) approves or rejects a requested return."""
    from .models import ReturnRequest, ReturnStatus

    now = now or timezone.now()
    if not can_decide_return(by, return_request.order):
        from twoway.core.errors import PermissionDenied

        raise PermissionDenied("Only the seller's staff or an operator can decide a return.")
    if not approve and not note.strip():
        raise DomainError.one("note", "required", _("Say why the return is rejected."))
    with transaction.atomic():
        locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
        if locked.status != ReturnStatus.REQUESTED:
            raise DomainError.one(
                "status", "already_decided", f"This return is already {locked.status}.", status=409
            )
        locked.status = ReturnStatus.APPROVED if approve else ReturnStatus.REJECTED
        locked.decided_by, locked.decided_at, locked.decision_note = by, now, note.strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        OrderEvent.objects.create(
            order_id=locked.order_id,
            from_status=locked.order.status,
            to_status=locked.order.status,
            actor=by,
            actor_label="seller",
            reason=f"Return {locked.number} {'approved' if approve else 'rejected'}"
            + (f": {note.strip()[:300]}" if note.strip() else "."),
            created_at=now,
        )
    return locked


def return_receive(
    *, return_request: ReturnRequest, by: User, now: dt.datetime | None = None
) -> ReturnRequest:
    """The returned goods arrived back: stock restored, the ledger reversed for what came back,
    the buyer's CBEC quota given back; the order becomes ``returned`` once everything is back.
    The refund is issued by ``payments.services.return_receive_and_refund`` in the same
    transaction."""
    from .models import ReturnRequest, ReturnStatus

    now = now or timezone.now()
    if not can_decide_return(by, return_request.order):
        from twoway.core.errors import PermissionDenied

        raise PermissionDenied("Only the seller's staff or an operator can receive a return.")
    with transaction.atomic():
        locked = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
        if locked.status != ReturnStatus.APPROVED:
            raise DomainError.one(
                "status",
                "not_approved",
                f"Only an approved return can be received (this one is {locked.status}).",
                status=409,
            )
        order = lock_objects.order_for_update(locked.order_id).get()
        lines = list(locked.lines.select_related("order_line").order_by("order_line__product_id"))
        for rl in lines:
            Product.objects.filter(pk=rl.order_line.product_id).update(
                stock_on_hand=F("stock_on_hand") + rl.quantity
            )
        quota_back = sum((rl.quota_amount for rl in lines), ZERO)
        locked.status, locked.received_at = ReturnStatus.RECEIVED, now
        locked.save(update_fields=["status", "received_at"])
        trade_flows_reverse(
            order_id=order.pk,
            posted_at=now,
            lines={rl.order_line_id: (rl.quantity, rl.customs_value_usd) for rl in lines},
        )
        order_lines = list(order.lines.all())
        back = _returned_units(ln.pk for ln in order_lines)
        everything_back = all(back.get(ln.pk, 0) >= ln.quantity for ln in order_lines)
        update = {}
        if order.quota_year and not order.quota_released:
            if everything_back:  # the last return gives back whatever is left (no rounding leak)
                quota_back = order.quota_amount - order.quota_returned
                update["quota_released"] = True
            quota_back = min(quota_back, order.quota_amount - order.quota_returned)
            _quota_give_back(
                id_number_hash=order.buyer_id_hash, year=order.quota_year, amount=quota_back
            )
            update["quota_returned"] = order.quota_returned + quota_back
        if everything_back:
            update["stock_released"] = True
        if update:
            Order.objects.filter(pk=order.pk).update(**update)
        reason = f"Return {locked.number}: goods received back, stock restored."
        if everything_back:
            order_transition(
                order=order,
                to=OrderStatus.RETURNED,
                actor=by,
                actor_label="seller",
                reason=reason,
                now=now,
            )
        else:
            OrderEvent.objects.create(
                order=order,
                from_status=order.status,
                to_status=order.status,
                actor=by,
                actor_label="seller",
                reason=reason,
                created_at=now,
            )
    return locked


def on_listing_status_changed(
    *,
    product_ids: Iterable[int],
    status: str,
    reason: str,
    now: dt.datetime | None = None,
    **_kwargs: Any,
) -> None:
    """Catalog's listing_status_changed signal (inside the transaction that changed them)."""
    if status in (ProductStatus.BLOCKED, ProductStatus.SUSPENDED):
        orders_hold_for_products(product_ids=list(product_ids), reason=reason, now=now)
    elif status == ProductStatus.ACTIVE:
        orders_release_for_products(product_ids=list(product_ids), reason=reason, now=now)
