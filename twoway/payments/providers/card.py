"""Sandbox card payments for US consumers (USD), behind the same ``PaymentProvider`` interface.

Protocol (modelled on the common card-processor webhook shape):

* ``create_payment`` returns a POST form to the processor's pay page
  (``/payments/sandbox/card/pay/`` in the sandbox). Its fields carry ``signature``, an
  HMAC-SHA256 (hex) over the other fields sorted by name (``k=v`` joined by ``&``), so the pay
  page can refuse a tampered amount.
* The processor then POSTs a JSON notification to the notify URL with two headers:
  ``Twoway-Card-Timestamp`` (Unix seconds) and ``Twoway-Card-Signature``
  (hex HMAC-SHA256 of ``"<timestamp>.<raw body>"``). A signature that does not match, or a
  timestamp more than ``tolerance_seconds`` from now (replay), is refused before the body is read.
* The body: ``{"id": event id, "type": "payment.succeeded" | "payment.failed",
  "data": {"transaction_id", "out_trade_no", "amount": "40.00", "currency": "USD",
  "app_id", "merchant_id", "status": "succeeded" | "failed", "paid_at": RFC 3339, "card_last4"}}``.
* Acknowledge with any 2xx; anything else makes the processor retry.

Pure Python (no Django): the secret is handed in (``twoway.payments.keys`` style loading is in
``card_secret``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from .base import (
    STATUS_FAILED,
    STATUS_PAID,
    STATUS_PARTIALLY_REFUNDED,
    STATUS_REFUND_FAILED,
    STATUS_REFUNDED,
    Clock,
    NotificationMalformed,
    PaymentInputInvalid,
    PaymentRedirect,
    PaymentRequest,
    SignatureInvalid,
    VerifiedNotification,
    header,
    parse_rfc3339,
    require_fen,
    utc_now,
)

NAME = "card"
CURRENCY = "USD"
SANDBOX_PAY_PATH = "/payments/sandbox/card/pay/"
SIGNATURE_HEADER = "Twoway-Card-Signature"
TIMESTAMP_HEADER = "Twoway-Card-Timestamp"
DEFAULT_APP_ID = "twoway-card-sandbox"
DEFAULT_MERCHANT_ID = "acct_twoway_sandbox"
TOLERANCE_SECONDS = 300
SECRET_FILE = "payments-card-secret"  # noqa: S105 — the name of the key file, not a secret
#: Sandbox test cards: number → outcome.
TEST_CARDS = {"4242424242424242": "succeeded", "4000000000000002": "failed"}
_EVENT_STATUS = {
    "succeeded": STATUS_PAID,
    "failed": STATUS_FAILED,
    "refunded": STATUS_REFUNDED,
    "partially_refunded": STATUS_PARTIALLY_REFUNDED,
    "refund_failed": STATUS_REFUND_FAILED,
}


@dataclass(frozen=True)
class CardPaymentRequest:
    """What checkout asks the card processor to collect: USD with cent precision."""

    out_trade_no: str
    amount: Decimal
    currency: str
    subject: str
    notify_url: str
    return_url: str
    buyer_name: str = ""

    def __post_init__(self) -> None:
        require_fen(self.amount)
        if self.currency != CURRENCY:
            raise PaymentInputInvalid(
                "currency", "usd_only", "The card processor collects USD only."
            )
        if not self.out_trade_no or len(self.out_trade_no) > 32:
            raise PaymentInputInvalid(
                "out_trade_no", "length", "out_trade_no must be 1 to 32 characters."
            )
        if not self.subject:
            raise PaymentInputInvalid("subject", "required", "subject is required.")


def _hmac(secret: bytes, message: bytes) -> str:
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _canonical(fields: Mapping[str, str]) -> bytes:
    return "&".join(f"{k}={fields[k]}" for k in sorted(fields) if k != "signature").encode()


def sign_fields(secret: bytes, fields: Mapping[str, str]) -> str:
    return _hmac(secret, _canonical(fields))


def sign_body(secret: bytes, timestamp: str, raw_body: bytes) -> str:
    return _hmac(secret, timestamp.encode() + b"." + raw_body)


class CardProvider:
    """The merchant's side: build the pay form, verify notifications, acknowledge."""

    name = NAME

    def __init__(
        self,
        *,
        app_id: str,
        secret: bytes,
        gateway_url: str = SANDBOX_PAY_PATH,
        clock: Clock = utc_now,
        tolerance_seconds: int = TOLERANCE_SECONDS,
        merchant_id: str = DEFAULT_MERCHANT_ID,
    ) -> None:
        if len(secret) < 16:
            raise ValueError("the card webhook secret must have at least 16 bytes")
        self.app_id = app_id
        self.merchant_id: str | None = merchant_id
        self._secret = secret
        self.gateway_url = gateway_url
        self._clock = clock
        self._tolerance = tolerance_seconds

    def create_payment(self, request: PaymentRequest | CardPaymentRequest) -> PaymentRedirect:
        if not isinstance(request, CardPaymentRequest):
            raise PaymentInputInvalid(
                "currency", "usd_only", "The card processor collects USD only."
            )
        fields = {
            "app_id": self.app_id,
            "out_trade_no": request.out_trade_no,
            "amount": f"{request.amount:.2f}",
            "currency": request.currency,
            "subject": request.subject,
            "notify_url": request.notify_url,
            "return_url": request.return_url,
            "timestamp": str(int(self._clock().timestamp())),
        }
        fields["signature"] = sign_fields(self._secret, fields)
        return PaymentRedirect(provider=NAME, url=self.gateway_url, method="POST", fields=fields)

    def verify_request_fields(self, fields: Mapping[str, str]) -> bool:
        """True when a pay form's fields carry our signature (the sandbox pay page checks this)."""
        given = fields.get("signature", "")
        return bool(given) and hmac.compare_digest(given, sign_fields(self._secret, fields))

    def verify_notification(
        self, raw_body: bytes, headers: Mapping[str, str]
    ) -> VerifiedNotification:
        timestamp = header(headers, TIMESTAMP_HEADER)
        signature = header(headers, SIGNATURE_HEADER)
        if not timestamp or not signature:
            raise SignatureInvalid(
                "missing signature or timestamp header", rule="signature_missing"
            )
        if not timestamp.isdigit():
            raise SignatureInvalid("timestamp is not Unix seconds", rule="timestamp_invalid")
        if not hmac.compare_digest(signature, sign_body(self._secret, timestamp, raw_body)):
            raise SignatureInvalid("signature does not match the body")
        if abs(self._clock().timestamp() - int(timestamp)) > self._tolerance:
            raise SignatureInvalid(
                "timestamp outside the tolerance (replayed or delayed)", rule="timestamp_stale"
            )
        try:
            body = json.loads(raw_body)
            data = body["data"]
            event_id, event_type = str(body["id"]), str(body["type"])
        except (ValueError, KeyError, TypeError) as exc:
            raise NotificationMalformed("body is not a card event") from exc
        if not isinstance(data, dict):
            raise NotificationMalformed("data is not an object")
        try:
            amount = Decimal(str(data["amount"]))
            status_word = str(data["status"])
        except (KeyError, ArithmeticError) as exc:
            raise NotificationMalformed("amount or status missing", field_name="data") from exc
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
            raise NotificationMalformed("amount is not a cent amount", field_name="amount")
        paid_at = (
            parse_rfc3339(data["paid_at"], field_name="paid_at") if data.get("paid_at") else None
        )
        last4 = str(data.get("card_last4") or "")
        return VerifiedNotification(
            provider=NAME,
            event_id=event_id,
            event_type=event_type,
            provider_txn_id=str(data.get("transaction_id") or ""),
            out_trade_no=str(data.get("out_trade_no") or ""),
            amount=amount,
            currency=str(data.get("currency") or ""),
            app_id=str(data.get("app_id") or ""),
            merchant_id=str(data.get("merchant_id") or "") or None,
            status=_EVENT_STATUS.get(status_word, status_word),
            provider_status=status_word,
            paid_at=paid_at,
            payer_account_masked=f"•••• {last4}" if last4 else None,
            refund_id=str(data.get("refund_id") or "") or None,
            refund_amount=(
                Decimal(str(data["refund_amount"])) if data.get("refund_amount") else None
            ),
            out_refund_no=str(data.get("out_refund_no") or "") or None,
            raw=body,
        )

    def ack(
        self, success: bool, *, message: str | None = None, status_code: int | None = None
    ) -> tuple[int, bytes, str]:
        code = status_code or (200 if success else 400)
        payload = {"received": success} | ({"message": message} if message else {})
        return code, json.dumps(payload).encode(), "application/json"

    def customs_declaration(self, **_kwargs: Any):
        raise PaymentInputInvalid(
            "provider",
            "not_supported",
            "Card payments are for US imports: no China customs declaration.",
        )


class SandboxCardProcessor:
    """The processor's side, for the demo and tests: accept a pay form, sign notifications."""

    def __init__(
        self,
        *,
        app_id: str,
        secret: bytes,
        clock: Clock = utc_now,
        merchant_id: str = DEFAULT_MERCHANT_ID,
    ) -> None:
        self.app_id = app_id
        self.merchant_id = merchant_id
        self._secret = secret
        self._clock = clock

    def accept_payment(self, fields: Mapping[str, str]) -> CardPaymentRequest:
        """The merchant's signed pay form → what to charge; SignatureInvalid if tampered."""
        given = fields.get("signature", "")
        if not given or not hmac.compare_digest(given, sign_fields(self._secret, fields)):
            raise SignatureInvalid("the merchant's payment request does not verify")
        return CardPaymentRequest(
            out_trade_no=fields["out_trade_no"],
            amount=Decimal(fields["amount"]),
            currency=fields["currency"],
            subject=fields["subject"],
            notify_url=fields["notify_url"],
            return_url=fields["return_url"],
        )

    def notification(
        self,
        request: CardPaymentRequest,
        *,
        card_number: str = "4242424242424242",
        transaction_id: str | None = None,
        event_id: str | None = None,
        at: datetime | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """A signed notification for ``request`` charged to ``card_number`` (body, headers)."""
        outcome = TEST_CARDS.get(card_number.replace(" ", ""), "failed")
        moment = at or self._clock()
        body = {
            "id": event_id or f"evt_{secrets.token_hex(12)}",
            "type": f"payment.{outcome}",
            "created": int(moment.timestamp()),
            "data": {
                "transaction_id": transaction_id or f"ch_{secrets.token_hex(12)}",
                "out_trade_no": request.out_trade_no,
                "amount": f"{request.amount:.2f}",
                "currency": request.currency,
                "app_id": self.app_id,
                "merchant_id": self.merchant_id,
                "status": outcome,
                "paid_at": moment.isoformat() if outcome == "succeeded" else None,
                "card_last4": card_number[-4:],
            },
        }
        raw = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
        timestamp = str(int(moment.timestamp()))
        return raw, {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign_body(self._secret, timestamp, raw),
        }


def sandbox_refund_notification(
    processor: SandboxCardProcessor,
    *,
    out_trade_no: str,
    transaction_id: str,
    amount: Decimal,
    refund_amount: Decimal,
    out_refund_no: str,
    refund_id: str | None = None,
    app_id: str,
    at: datetime | None = None,
) -> tuple[bytes, dict[str, str]]:
    """A signed ``refund.succeeded`` event for a refund of ``transaction_id`` (body, headers)."""
    moment = at or processor._clock()
    outcome = "refunded" if refund_amount >= amount else "partially_refunded"
    body = {
        "id": f"evt_{secrets.token_hex(12)}",
        "type": "refund.succeeded",
        "created": int(moment.timestamp()),
        "data": {
            "transaction_id": transaction_id,
            "out_trade_no": out_trade_no,
            "amount": f"{amount:.2f}",
            "currency": CURRENCY,
            "app_id": app_id,
            "status": outcome,
            "refund_id": refund_id or f"re_{secrets.token_hex(12)}",
            "out_refund_no": out_refund_no,
            "refund_amount": f"{refund_amount:.2f}",
        },
    }
    raw = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
    timestamp = str(int(moment.timestamp()))
    return raw, {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign_body(processor._secret, timestamp, raw),
    }


def card_secret(directory: Path | None = None) -> bytes:
    """The webhook secret: ``CARD_WEBHOOK_SECRET`` (setting or environment), else a sandbox
    secret generated once in the payment key directory (refused when the sandbox is off)."""
    from django.core.exceptions import ImproperlyConfigured

    from twoway.payments import keys

    configured = keys._setting("CARD_WEBHOOK_SECRET")
    if configured:
        return str(configured).encode()
    if directory is None and not keys.sandbox_allowed():
        raise ImproperlyConfigured("Set CARD_WEBHOOK_SECRET (the card sandbox is disabled).")
    folder = Path(directory) if directory is not None else keys.key_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / SECRET_FILE
    if not path.exists():
        keys._write_new(path, secrets.token_hex(32).encode())
    return path.read_bytes().strip()


def card_app_id() -> str:
    from twoway.payments import keys

    return str(keys._setting("CARD_APP_ID", DEFAULT_APP_ID))


CHANNEL_CLOSED_MESSAGE = (
    "Card payment is not available yet: Twoway has no card processor connected. "
    "Your purchase is kept until its reservation ends; nothing has been charged."
)


def card_channel_open() -> bool:
    """The card channel is open only where the sandbox processor may run.

    No real card processor is integrated yet (the sandbox is shaped like a hosted checkout with
    signed webhooks, so one can be added behind ``CardProvider``); under production settings
    (sandbox off) the channel is closed: ``get_provider("card")`` refuses with
    ``channel_closed`` and the pay page says so, rather than sending buyers to a sandbox page."""
    from twoway.payments import keys

    return keys.sandbox_allowed()


def card_merchant_id() -> str:
    """The merchant account every card notification must name (``CARD_MERCHANT_ID``)."""
    from twoway.payments import keys

    return str(keys._setting("CARD_MERCHANT_ID", DEFAULT_MERCHANT_ID))
