"""Carts, purchases, orders split per seller, reservations, quotas and the order state machine.

A *purchase* is what the buyer pays once; it is split into one *order* per seller (the unit of
the customs order message CEB311 and of the seller's queue). Every status change of an order is
an append-only ``OrderEvent``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from twoway.businesses.models import Business
from twoway.catalog.models import Product
from twoway.core.models import TimeStamped, money_field
from twoway.identity.models import RealNameIdentity


class Direction(models.TextChoices):
    US_EXPORT = "us_export", _("US export to China (CBEC)")
    US_IMPORT = "us_import", _("US import from China")


class Cart(TimeStamped):
    buyer = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cart"
    )
    direction = models.CharField(
        max_length=12, choices=Direction.choices, default=Direction.US_EXPORT
    )


class CartLine(TimeStamped):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="cart_line_one_per_product"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="cart_line_qty_positive"
            ),
        ]


class OrderStatus(models.TextChoices):
    CREATED = "created", _("created, awaiting payment")
    PAID = "paid", _("paid")
    HELD = "held", _("held for compliance review")
    DECLARED = "declared", _("declared to customs")
    CLEARED = "cleared", _("cleared by customs")
    SHIPPED = "shipped", _("shipped")
    DELIVERED = "delivered", _("delivered")
    CANCELLED = "cancelled", _("cancelled")
    REFUNDED = "refunded", _("refunded")
    RETURNED = "returned", _("returned")


class TaxChannel(models.TextChoices):
    # xgettext:no-python-format
    CBEC_WITHIN_LIMITS = (
        "cbec_within_limits",
        _("CBEC, within limits (70% of VAT and CT, tariff 0)"),
    )
    CBEC_FULL_TAX_SINGLE_ITEM = "cbec_full_tax_single_item", _("CBEC single item, full tax")
    US_IMPORT = "us_import", _("US import duties")


class Purchase(TimeStamped):
    """What the buyer pays once. Split into one Order per seller."""

    number = models.CharField(_("purchase number"), max_length=32, unique=True)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="purchases"
    )
    direction = models.CharField(max_length=12, choices=Direction.choices)
    currency = models.CharField(max_length=3)
    total_payable = money_field(_("total payable"))
    idempotency_key = models.CharField(max_length=100, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)
    reserved_until = models.DateTimeField(_("reserved until"), null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    #: Not a column: set by ``services.purchase_place`` (whether this call placed it).
    created: bool

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="purchase_idempotency_key_per_buyer",
            )
        ]

    def __str__(self) -> str:
        return self.number


class Order(TimeStamped):
    """One seller's part of a purchase: the customs order (CEB311) and the seller's queue item."""

    number = models.CharField(_("order number"), max_length=32)  # unique: see Meta
    guid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    purchase = models.ForeignKey(Purchase, on_delete=models.PROTECT, related_name="orders")
    # No single-column indexes on buyer, business and status: the composite indexes in Meta lead
    # with them (the order row is the placement's hot insert: every index is written each time).
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders", db_index=False
    )
    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="orders", db_index=False
    )
    direction = models.CharField(max_length=12, choices=Direction.choices)
    status = models.CharField(
        max_length=12, choices=OrderStatus.choices, default=OrderStatus.CREATED
    )
    # Real name (export to China): identity row + what customs gets. The clear ID number is only
    # ever decrypted by the identity context when building the customs message.
    identity = models.ForeignKey(
        RealNameIdentity, on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    buyer_name = models.CharField(max_length=64, blank=True)
    buyer_id_masked = models.CharField(max_length=18, blank=True)
    buyer_id_hash = models.CharField(max_length=64, blank=True)  # indexed in Meta
    consignee_name = models.CharField(max_length=64, blank=True)
    consignee_phone = models.CharField(max_length=30, blank=True)
    consignee_address = models.CharField(max_length=200, blank=True)
    consignee_district = models.CharField(max_length=6, blank=True)
    consignee_state = models.CharField(max_length=2, blank=True)
    # Prices. Currency of the buyer (CNY for exports, USD for imports).
    currency = models.CharField(max_length=3)
    exchange_rate = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    exchange_rate_source = models.CharField(max_length=300, blank=True)
    goods_value = money_field(_("goods value"))
    freight = money_field(_("freight"))
    insurance = money_field(_("insurance"), default=0)
    discount = money_field(_("discount"), default=0)
    tax_total = money_field(_("tax and duty"))
    total_payable = money_field(_("total payable"))
    customs_value_usd = money_field(_("customs value (USD)"))
    tax_channel = models.CharField(max_length=32, choices=TaxChannel.choices)
    quota_year = models.PositiveSmallIntegerField(null=True, blank=True)
    quota_amount = money_field(_("quota consumed"), default=0)
    quota_released = models.BooleanField(default=False)
    stock_released = models.BooleanField(default=False)
    hold_reason = models.TextField(blank=True)
    hold_code = models.CharField(
        _("hold kind"),
        max_length=24,
        blank=True,
        help_text=_("listing_blocked, csl, customs or operator: who may release it."),
    )
    held_from = models.CharField(
        _("status before the hold"),
        max_length=12,
        blank=True,
        help_text=_("Where a release returns the order."),
    )
    quota_returned = money_field(_("quota given back by returns"), default=0)
    carrier = models.SlugField(
        _("carrier"),
        max_length=24,
        blank=True,
        help_text=_("The carrier of the tracking number (reference: carrier tracking formats)."),
    )
    tracking_number = models.CharField(max_length=40, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["business", "status", "-created_at"], name="order_seller_queue"),
            models.Index(fields=["buyer", "-created_at"], name="order_buyer_recent"),
            models.Index(fields=["status", "purchase"], name="order_status_purchase"),
            models.Index(fields=["buyer_id_hash"], name="order_buyer_id_hash"),
        ]
        # A constraint, not unique=True: PostgreSQL then gets no second (LIKE pattern) index.
        constraints = [models.UniqueConstraint(fields=["number"], name="order_number_unique")]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    sku = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    title_zh = models.CharField(max_length=120, blank=True)
    #: the variant bought, as the buyer chose it ("454 g · Orange"): the product's size and
    #: colour at placement (60 + " · " + 60 characters); empty for a product without variants
    variant_label = models.CharField(max_length=123, blank=True)
    #: the same in Chinese as the product showed it then (the English one when it had none)
    variant_label_zh = models.CharField(max_length=123, blank=True)
    hs_code = models.CharField(max_length=6)
    national_line = models.CharField(max_length=10, blank=True)
    origin_state = models.CharField(max_length=2, blank=True)
    origin_province = models.CharField(max_length=2, blank=True)
    quantity = models.PositiveIntegerField()
    unit_price_usd = money_field(_("unit price (USD)"))
    unit_price = money_field(_("unit price"))
    goods_value = money_field(_("goods value"))
    freight_share = money_field(_("freight share"), default=0)
    tariff = money_field(_("tariff"), default=0)
    consumption_tax = money_field(_("consumption tax"), default=0)
    vat = money_field(_("import VAT"), default=0)
    tax_total = money_field(_("tax and duty"), default=0)
    tax_category = models.CharField(max_length=48, blank=True)
    customs_value_usd = money_field(_("customs value (USD)"))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="order_line_qty_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"


class OrderEvent(models.Model):
    """Append-only: who moved which order from what to what, when and why."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    actor_label = models.CharField(max_length=64, help_text=_("user, system, customs, provider"))
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '—'} → {self.to_status}"


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    APPROVED = "approved", _("approved: send the goods back")
    REJECTED = "rejected", _("rejected")
    RECEIVED = "received", _("goods received back")


class ReturnRequest(models.Model):
    """A buyer asks to send some or all of a delivered order back; the seller or an operator
    approves; the goods are received back (stock restored, ledger reversed, quota given back) and
    the refund follows through the payment provider."""

    number = models.CharField(_("return number"), max_length=32, unique=True)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="returns")
    status = models.CharField(
        max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.REQUESTED
    )
    reason = models.TextField(_("reason"))
    window_ends_at = models.DateTimeField(_("return window ends"))
    policy_source = models.TextField(_("return policy source"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "requested_at"], name="return_status_requested")]

    def __str__(self) -> str:
        return self.number


class ReturnLine(models.Model):
    """How much of one order line goes back, and what that is worth (fixed when requested)."""

    return_request = models.ForeignKey(
        ReturnRequest, on_delete=models.CASCADE, related_name="lines"
    )
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="return_lines")
    quantity = models.PositiveIntegerField()
    goods_amount = money_field(_("goods refunded"))
    tax_amount = money_field(_("tax and duty refunded"))
    refund_amount = money_field(_("refund"))
    quota_amount = money_field(_("quota given back"), default=0)
    customs_value_usd = money_field(_("customs value returned (USD)"))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="return_line_qty_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × line {self.order_line_id}"


class QuotaUsage(models.Model):
    """CBEC annual quota used by one person (keyed hash of the ID number) in one calendar year.

    Kept in whole fen (an integer) so the conditional UPDATE that consumes it is exact on every
    database (SQLite does decimal arithmetic in floating point)."""

    id_number_hash = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    used_fen = models.BigIntegerField(_("used (fen)"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash", "year"], name="quota_per_person_year"
            ),
            models.CheckConstraint(condition=models.Q(used_fen__gte=0), name="quota_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: ¥{self.used_cny}"

    @property
    def used_cny(self) -> Decimal:
        return Decimal(self.used_fen) / 100

    @used_cny.setter
    def used_cny(self, value: Decimal) -> None:
        self.used_fen = to_fen(value)


def to_fen(amount: Decimal) -> int:
    """CNY → whole fen; refuses amounts that are not whole fen."""
    fen = Decimal(amount) * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of fen")
    return int(fen)
