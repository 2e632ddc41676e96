"""The provider-facing side of payments: one interface for every wallet, plain values in and out.

Pure Python plus ``cryptography``: no Django ORM and no settings here (``twoway.payments.keys``
reads settings and hands keys in). The checkout/orders context talks to a wallet only through
``PaymentProvider`` and the dataclasses below; see docs/adr/0001-payments-notifications.md for the
order in which a notification must be handled.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Protocol, runtime_checkable

from twoway.core.errors import DomainError, FieldProblem

Clock = Callable[[], datetime]
FEN = Decimal("0.01")
MAX_AMOUNT = Decimal("99999999.99")  # Alipay Number(9,2) fits; WeChat fen fits an int64 easily.
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")  # no DST since 1991

# Normalised notification statuses (VerifiedNotification.status).
STATUS_PENDING = (
    "pending"  # created, not paid yet (Alipay WAIT_BUYER_PAY, WeChat NOTPAY/USERPAYING)
)
STATUS_PAID = "paid"  # money received (Alipay TRADE_SUCCESS/TRADE_FINISHED, WeChat SUCCESS)
STATUS_CLOSED = "closed"  # closed unpaid (timeout or revoked)
STATUS_FAILED = "failed"  # payment error (WeChat PAYERROR)
STATUS_REFUNDED = "refunded"  # fully refunded
STATUS_PARTIALLY_REFUNDED = "partially_refunded"
STATUS_REFUND_FAILED = "refund_failed"  # WeChat REFUND.CLOSED
STATUS_REFUND_PENDING = "refund_pending"  # WeChat REFUND.ABNORMAL (not final)
STATUSES = (
    STATUS_PENDING,
    STATUS_PAID,
    STATUS_CLOSED,
    STATUS_FAILED,
    STATUS_REFUNDED,
    STATUS_PARTIALLY_REFUNDED,
    STATUS_REFUND_FAILED,
    STATUS_REFUND_PENDING,
)


def utc_now() -> datetime:
    return datetime.now(UTC)


# --- errors ---------------------------------------------------------------------------------


class NotificationRejected(DomainError):
    """A notification that must not be acted on. ``reason`` says why, ``rule`` names the check."""

    def __init__(
        self, reason: str, *, rule: str = "invalid", field_name: str = "notification"
    ) -> None:
        self.reason = reason
        self.rule = rule
        super().__init__(reason, [FieldProblem(field_name, rule, reason)], 400)


class SignatureInvalid(NotificationRejected):
    """Not provably from the wallet: bad or missing signature, unknown key, stale timestamp,
    undecryptable resource. Nothing in the body may be trusted."""

    def __init__(self, reason: str, *, rule: str = "signature_invalid") -> None:
        super().__init__(reason, rule=rule, field_name="signature")


class NotificationMalformed(NotificationRejected):
    """Authentic (or not yet checked) but unusable: missing field, unparsable amount or time."""

    def __init__(self, reason: str, *, rule: str = "malformed", field_name: str = "body") -> None:
        super().__init__(reason, rule=rule, field_name=field_name)


class PaymentInputInvalid(DomainError):
    """A PaymentRequest or customs declaration this wallet cannot accept."""

    def __init__(self, field_name: str, rule: str, message: str) -> None:
        super().__init__(message, [FieldProblem(field_name, rule, message)], 400)


# --- money and time helpers ---------------------------------------------------------------------


def require_fen(amount: Decimal, *, field_name: str = "amount") -> Decimal:
    """Return ``amount`` quantized to fen; refuse values that would lose precision or are <= 0."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise PaymentInputInvalid(field_name, "decimal", "Amount must be a finite Decimal.")
    quantized = amount.quantize(FEN, rounding=ROUND_HALF_UP)
    if quantized != amount:
        raise PaymentInputInvalid(field_name, "fen_precision", "Amount has more than 2 decimals.")
    if quantized <= 0 or quantized > MAX_AMOUNT:
        raise PaymentInputInvalid(
            field_name, "range", f"Amount must be between 0.01 and {MAX_AMOUNT}."
        )
    return quantized


def to_fen(amount: Decimal) -> int:
    """Decimal yuan (already fen-exact) → integer fen."""
    return int((amount.quantize(FEN, rounding=ROUND_HALF_UP) * 100).to_integral_exact())


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)


def yuan_str(amount: Decimal) -> str:
    """Alipay's money format: ``Decimal("20") → "20.00"``."""
    return f"{amount.quantize(FEN, rounding=ROUND_HALF_UP):.2f}"


def parse_yuan(text: str, *, field_name: str) -> Decimal:
    """Parse an Alipay decimal string exactly (``"20.00"``, ``"20.5"``, ``"20"``)."""
    if not text or not all(c.isdigit() or c == "." for c in text) or text.count(".") > 1:
        raise NotificationMalformed(f"{field_name} is not a decimal amount", field_name=field_name)
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise NotificationMalformed(
            f"{field_name} is not a decimal amount", field_name=field_name
        ) from exc
    if value != value.quantize(FEN):
        raise NotificationMalformed(f"{field_name} has more than 2 decimals", field_name=field_name)
    return value.quantize(FEN)


def beijing_str(moment: datetime) -> str:
    """Alipay's time format: ``yyyy-MM-dd HH:mm:ss`` in Beijing time, no offset."""
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def parse_beijing(text: str, *, field_name: str) -> datetime:
    try:
        naive = datetime.strptime(text, "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007 (offset added below)
    except ValueError as exc:
        raise NotificationMalformed(
            f"{field_name} is not yyyy-MM-dd HH:mm:ss", field_name=field_name
        ) from exc
    return naive.replace(tzinfo=BEIJING).astimezone(UTC)


def parse_rfc3339(text: str, *, field_name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise NotificationMalformed(
            f"{field_name} is not an RFC 3339 time", field_name=field_name
        ) from exc
    if moment.tzinfo is None:
        raise NotificationMalformed(f"{field_name} has no UTC offset", field_name=field_name)
    return moment.astimezone(UTC)


def header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup (Django's request.headers, a plain dict, WSGI-ish keys)."""
    wanted = name.lower()
    for key, value in headers.items():
        k = key.lower()
        if k.startswith("http_"):
            k = k[5:].replace("_", "-")
        if k == wanted:
            return value
    return None


def require_fields(**values: str) -> None:
    """Refuse empty required inputs, naming the first one missing."""
    for name, value in values.items():
        if not value:
            raise PaymentInputInvalid(name, "required", f"{name} is required.")


_CLEAR_ID = re.compile(r"^\d{17}[\dXx]$")


def refuse_clear_id_number(value: str, *, field_name: str) -> None:
    """Resident ID numbers stay inside the identity context: refuse a clear one here."""
    if _CLEAR_ID.match("".join(value.split())):
        raise PaymentInputInvalid(
            field_name, "clear_id_number", "Pass the masked ID number or a token, not the number."
        )


# --- the interface ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentRequest:
    """What checkout asks a wallet to collect. ``amount`` is CNY with fen precision.

    ``buyer_id_number_masked_or_token`` must never be a clear ID number (see DESIGN.md invariants):
    pass the identity context's masked form or a token it can resolve.
    """

    out_trade_no: str
    amount: Decimal
    currency: str
    subject: str
    buyer_name: str
    buyer_id_number_masked_or_token: str
    notify_url: str
    return_url: str

    def __post_init__(self) -> None:
        require_fen(self.amount)
        if self.currency != "CNY":
            raise PaymentInputInvalid("currency", "cny_only", "Chinese wallets collect CNY only.")
        if not self.out_trade_no or len(self.out_trade_no) > 32:
            raise PaymentInputInvalid(
                "out_trade_no", "length", "out_trade_no must be 1 to 32 characters."
            )
        if not all(c.isascii() and (c.isalnum() or c in "_-|*") for c in self.out_trade_no):
            raise PaymentInputInvalid(
                "out_trade_no", "charset", "out_trade_no may hold letters, digits and _-|* only."
            )
        if not self.subject:
            raise PaymentInputInvalid("subject", "required", "subject is required.")
        refuse_clear_id_number(
            self.buyer_id_number_masked_or_token, field_name="buyer_id_number_masked_or_token"
        )


@dataclass(frozen=True)
class PaymentRedirect:
    """Where to send the buyer: POST (or GET) ``fields`` to ``url`` (an auto-submitting form)."""

    provider: str
    url: str
    method: str
    fields: dict[str, str]


@dataclass(frozen=True)
class VerifiedNotification:
    """A notification whose signature (and, for WeChat, decryption) checked out.

    Authentic is not the same as acceptable: checkout still compares ``out_trade_no``, ``amount``,
    ``currency``, ``app_id`` and ``merchant_id`` with its own order (``notification_mismatches``).
    """

    provider: str
    event_id: str  # Alipay notify_id (stable across resends); WeChat envelope id
    event_type: str  # "trade_status_sync" / "TRANSACTION.SUCCESS" / "REFUND.SUCCESS" ...
    provider_txn_id: str  # Alipay trade_no / WeChat transaction_id
    out_trade_no: str
    amount: Decimal  # order total, CNY, fen precision
    currency: str
    app_id: str
    merchant_id: str | None  # Alipay seller_id / WeChat mchid
    status: str  # one of STATUSES
    provider_status: str  # the wallet's own word (TRADE_SUCCESS, SUCCESS, ...)
    paid_at: datetime | None  # aware UTC
    payer_id: str | None = None  # Alipay buyer_id (2088...) / WeChat payer.openid
    payer_account_masked: str | None = None  # Alipay buyer_logon_id
    payer_total: Decimal | None = None  # what the payer paid after discounts
    refund_id: str | None = None  # Alipay out_biz_no / WeChat refund_id
    refund_amount: Decimal | None = None  # Alipay refund_fee (cumulative) / WeChat amount.refund
    out_refund_no: str | None = None  # our refund number (Alipay out_biz_no / WeChat out_refund_no)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def is_paid(self) -> bool:
        return self.status == STATUS_PAID


@dataclass(frozen=True)
class CustomsDeclaration:
    """The wallet's customs payment declaration request (the wallet then sends CEB411).

    ``fields`` are the wire parameters of the wallet's declare API. The buyer certificate field
    carries ``buyer_id_number_masked_or_token``; the transport that calls the real wallet swaps in
    the clear number from the identity context at send time, so it is never stored here.
    """

    provider: str
    method: str
    out_request_no: str
    out_trade_no: str
    provider_txn_id: str
    customs: str
    merchant_customs_code: str
    merchant_customs_name: str
    amount: Decimal
    currency: str
    buyer_name: str
    buyer_id_number_masked_or_token: str
    sub_order_no: str | None
    fields: dict[str, str]


@runtime_checkable
class PaymentProvider(Protocol):
    name: str
    app_id: str

    @property
    def merchant_id(self) -> str | None: ...  # read-only here, so a provider may narrow it to str

    def create_payment(self, request: PaymentRequest) -> PaymentRedirect: ...

    def verify_notification(
        self, raw_body: bytes, headers: Mapping[str, str]
    ) -> VerifiedNotification: ...

    def ack(
        self, success: bool, *, message: str | None = None, status_code: int | None = None
    ) -> tuple[int, bytes, str]: ...

    def customs_declaration(
        self,
        *,
        out_request_no: str,
        out_trade_no: str,
        provider_txn_id: str,
        amount: Decimal,
        customs: str,
        merchant_customs_code: str,
        merchant_customs_name: str,
        buyer_name: str,
        buyer_id_number_masked_or_token: str,
        sub_order_no: str | None = None,
        product_fee: Decimal | None = None,
        transport_fee: Decimal | None = None,
        action: str = "ADD",
    ) -> CustomsDeclaration: ...


def notification_mismatches(
    notification: VerifiedNotification,
    *,
    out_trade_no: str,
    amount: Decimal,
    currency: str,
    app_id: str,
    merchant_id: str | None = None,
) -> list[FieldProblem]:
    """Compare an authentic notification with the merchant's own order (Alipay's four checks).

    Returns every mismatch; an empty list means the notification belongs to this order.
    """
    problems: list[FieldProblem] = []
    if notification.out_trade_no != out_trade_no:
        problems.append(
            FieldProblem("out_trade_no", "unknown_order", "Notification is for another order.")
        )
    if notification.amount != amount:
        problems.append(
            FieldProblem(
                "amount",
                "amount_mismatch",
                f"Notified amount {notification.amount} differs from the order's {amount}.",
            )
        )
    if notification.currency != currency:
        problems.append(FieldProblem("currency", "currency_mismatch", "Notified currency differs."))
    if notification.app_id != app_id:
        problems.append(FieldProblem("app_id", "app_mismatch", "Notification is for another app."))
    if merchant_id is not None and notification.merchant_id != merchant_id:
        problems.append(
            FieldProblem(
                "merchant_id", "merchant_mismatch", "Notification is for another merchant."
            )
        )
    return problems
