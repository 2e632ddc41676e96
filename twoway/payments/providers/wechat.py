"""WeChat Pay API v3, sandbox-shaped: signed headers and an AES-256-GCM encrypted resource.

Protocol (cn_wallet_protocols.md §2): JSON POST; ``Wechatpay-Signature`` is base64 SHA256withRSA
(PKCS#1 v1.5) by the platform key named in ``Wechatpay-Serial`` over
``"{Wechatpay-Timestamp}\\n{Wechatpay-Nonce}\\n{raw body}\\n"``; timestamps 5 minutes or more
away from now are refused; ``resource`` is AEAD_AES_256_GCM under the APIv3 key with
``resource.nonce`` and ``resource.associated_data``. Amounts are integer fen. Success = HTTP 2xx.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .base import (
    STATUS_CLOSED,
    STATUS_FAILED,
    STATUS_PAID,
    STATUS_PARTIALLY_REFUNDED,
    STATUS_PENDING,
    STATUS_REFUND_FAILED,
    STATUS_REFUND_PENDING,
    STATUS_REFUNDED,
    Clock,
    CustomsDeclaration,
    NotificationMalformed,
    PaymentInputInvalid,
    PaymentRedirect,
    PaymentRequest,
    SignatureInvalid,
    VerifiedNotification,
    from_fen,
    header,
    parse_rfc3339,
    refuse_clear_id_number,
    require_fen,
    require_fields,
    to_fen,
    utc_now,
)
from .signing import rsa_sign, rsa_verify

NAME = "wechat"
SANDBOX_GATEWAY_URL = "/payments/sandbox/wechat/pay/"
SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
ALGORITHM = "AEAD_AES_256_GCM"
MAX_CLOCK_SKEW = timedelta(minutes=5)
PROBE_PREFIX = "WECHATPAY/SIGNTEST/"
NATIVE_PAY_PATH = "/v3/pay/transactions/native"
CUSTOMS = (
    "ZONGSHU",
    "GUANGZHOU_ZS",
    "HANGZHOU_ZS",
    "NINGBO",
    "ZHENGZHOU_BS",
    "CHONGQING",
    "SHANGHAI_ZS",
    "SHENZHEN",
    "ZHENGZHOU_ZH_ZS",
    "TIANJIN",
)
_TRADE_STATES = {
    "SUCCESS": STATUS_PAID,
    "REFUND": STATUS_REFUNDED,
    "NOTPAY": STATUS_PENDING,
    "USERPAYING": STATUS_PENDING,
    "CLOSED": STATUS_CLOSED,
    "REVOKED": STATUS_CLOSED,
    "PAYERROR": STATUS_FAILED,
}


def signature_message(timestamp: str, nonce: str, body: bytes) -> bytes:
    """The three LF-terminated lines both sides sign: timestamp, nonce, raw body."""
    return f"{timestamp}\n{nonce}\n".encode() + body + b"\n"


def request_signature_message(
    method: str, path: str, timestamp: str, nonce: str, body: str
) -> bytes:
    """What a merchant signs for an API v3 request (method, URL path, timestamp, nonce, body)."""
    return f"{method}\n{path}\n{timestamp}\n{nonce}\n{body}\n".encode()


def encrypt_resource(
    apiv3_key: bytes, plaintext: bytes, *, nonce: str, associated_data: str
) -> str:
    """Wallet side of §2.3: base64(ciphertext ‖ 16-byte tag)."""
    sealed = AESGCM(apiv3_key).encrypt(nonce.encode(), plaintext, associated_data.encode())
    return base64.b64encode(sealed).decode("ascii")


def decrypt_resource(apiv3_key: bytes, resource: Mapping[str, Any]) -> bytes:
    """Merchant side of §2.3. Raises SignatureInvalid when the tag does not check."""
    if resource.get("algorithm") != ALGORITHM:
        raise NotificationMalformed(
            f"resource.algorithm is not {ALGORITHM}", field_name="resource.algorithm"
        )
    nonce = resource.get("nonce")
    associated_data = resource.get("associated_data") or ""
    ciphertext = resource.get("ciphertext")
    if not isinstance(nonce, str) or len(nonce.encode()) != 12:
        raise NotificationMalformed("resource.nonce must be 12 bytes", field_name="resource.nonce")
    if not isinstance(associated_data, str) or not isinstance(ciphertext, str):
        raise NotificationMalformed("resource fields must be strings", field_name="resource")
    try:
        sealed = base64.b64decode(ciphertext.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise NotificationMalformed(
            "resource.ciphertext is not base64", field_name="resource.ciphertext"
        ) from exc
    try:
        return AESGCM(apiv3_key).decrypt(nonce.encode(), sealed, associated_data.encode())
    except InvalidTag as exc:
        raise SignatureInvalid(
            "resource does not decrypt with the APIv3 key (tampered or wrong key)",
            rule="decrypt_failed",
        ) from exc


class WechatPayProvider:
    """WeChat Pay v3 (sandbox-shaped). ``platform_public_keys`` maps ``Wechatpay-Serial`` to the
    platform key (or WeChat Pay public key) that signs notifications."""

    name = NAME

    def __init__(
        self,
        *,
        app_id: str,
        mch_id: str,
        apiv3_key: bytes,
        platform_public_keys: Mapping[str, rsa.RSAPublicKey],
        merchant_private_key: rsa.RSAPrivateKey,
        merchant_serial: str,
        gateway_url: str = SANDBOX_GATEWAY_URL,
        clock: Clock = utc_now,
        max_clock_skew: timedelta = MAX_CLOCK_SKEW,
    ) -> None:
        if len(apiv3_key) != 32:
            raise ValueError("the APIv3 key must be 32 bytes")
        self.app_id = app_id
        self.merchant_id = mch_id
        self.gateway_url = gateway_url
        self._apiv3_key = apiv3_key
        self._platform_public_keys = dict(platform_public_keys)
        self._merchant_private_key = merchant_private_key
        self._merchant_serial = merchant_serial
        self._clock = clock
        self._max_clock_skew = max_clock_skew

    # -- buyer redirect ------------------------------------------------------------------------

    def create_payment(self, request: PaymentRequest) -> PaymentRedirect:
        """A Native-pay order, signed as an API v3 request, posted to the sandbox pay page."""
        body = json.dumps(
            {
                "appid": self.app_id,
                "mchid": self.merchant_id,
                "description": request.subject,
                "out_trade_no": request.out_trade_no,
                "notify_url": request.notify_url,
                "amount": {"total": to_fen(request.amount), "currency": request.currency},
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        timestamp = str(int(self._clock().timestamp()))
        nonce = secrets.token_hex(16)
        signature = rsa_sign(
            self._merchant_private_key,
            request_signature_message("POST", NATIVE_PAY_PATH, timestamp, nonce, body),
        )
        return PaymentRedirect(
            provider=self.name,
            url=self.gateway_url,
            method="POST",
            fields={
                "body": body,
                "mchid": str(self.merchant_id),
                "serial_no": self._merchant_serial,
                "timestamp": timestamp,
                "nonce_str": nonce,
                "signature": signature,
                "return_url": request.return_url,
            },
        )

    # -- notifications -------------------------------------------------------------------------

    def verify_notification(
        self, raw_body: bytes, headers: Mapping[str, str]
    ) -> VerifiedNotification:
        self._verify_signature(raw_body, headers)
        try:
            envelope = json.loads(raw_body)
        except (UnicodeDecodeError, ValueError) as exc:
            raise NotificationMalformed("body is not JSON") from exc
        if not isinstance(envelope, dict) or not isinstance(envelope.get("resource"), dict):
            raise NotificationMalformed("body has no resource object", field_name="resource")
        event_id = envelope.get("id")
        event_type = envelope.get("event_type")
        if not isinstance(event_id, str) or not event_id:
            raise NotificationMalformed("id is missing", rule="required", field_name="id")
        plaintext = decrypt_resource(self._apiv3_key, envelope["resource"])
        try:
            data = json.loads(plaintext)
        except (UnicodeDecodeError, ValueError) as exc:
            raise NotificationMalformed("resource is not JSON", field_name="resource") from exc
        if not isinstance(data, dict):
            raise NotificationMalformed("resource is not an object", field_name="resource")
        raw = {"envelope": envelope, "resource": data}
        if event_type == "TRANSACTION.SUCCESS":
            return self._transaction(event_id, event_type, data, raw)
        if isinstance(event_type, str) and event_type.startswith("REFUND."):
            return self._refund(event_id, event_type, data, raw)
        raise NotificationMalformed(
            f"unknown event_type {event_type!r}", rule="unknown_event", field_name="event_type"
        )

    def _verify_signature(self, raw_body: bytes, headers: Mapping[str, str]) -> None:
        values = {}
        for name in (
            "Wechatpay-Timestamp",
            "Wechatpay-Nonce",
            "Wechatpay-Signature",
            "Wechatpay-Serial",
        ):
            value = header(headers, name)
            if not value:
                raise SignatureInvalid(f"header {name} is missing", rule="signature_missing")
            values[name] = value
        signature_type = header(headers, "Wechatpay-Signature-Type")
        if signature_type and signature_type != SIGNATURE_TYPE:
            raise SignatureInvalid(
                f"Wechatpay-Signature-Type {signature_type!r} is not supported", rule="sign_type"
            )
        signature = values["Wechatpay-Signature"]
        if signature.startswith(PROBE_PREFIX):
            raise SignatureInvalid("signature probe (WECHATPAY/SIGNTEST/)", rule="signature_probe")
        key = self._platform_public_keys.get(values["Wechatpay-Serial"])
        if key is None:
            raise SignatureInvalid(
                f"unknown platform serial {values['Wechatpay-Serial']!r}", rule="unknown_serial"
            )
        timestamp = values["Wechatpay-Timestamp"]
        if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
            raise SignatureInvalid("Wechatpay-Timestamp is not Unix seconds", rule="timestamp")
        skew = abs(self._clock().timestamp() - int(timestamp))
        if skew >= self._max_clock_skew.total_seconds():
            raise SignatureInvalid(
                f"Wechatpay-Timestamp is {int(skew)} s away from now (limit "
                f"{int(self._max_clock_skew.total_seconds())} s)",
                rule="stale_timestamp",
            )
        message = signature_message(timestamp, values["Wechatpay-Nonce"], raw_body)
        if not rsa_verify(key, message, signature):
            raise SignatureInvalid("Wechatpay-Signature does not verify with the platform key")

    def _transaction(
        self, event_id: str, event_type: str, data: dict[str, Any], raw: dict[str, Any]
    ) -> VerifiedNotification:
        for name in ("appid", "mchid", "out_trade_no", "transaction_id", "trade_state"):
            if not isinstance(data.get(name), str) or not data[name]:
                raise NotificationMalformed(f"{name} is missing", rule="required", field_name=name)
        amount = _amount_block(data)
        total = _fen(amount, "total")
        payer_total = _fen(amount, "payer_total") if "payer_total" in amount else None
        state = data["trade_state"]
        status = _TRADE_STATES.get(state)
        if status is None:
            raise NotificationMalformed(
                f"unknown trade_state {state!r}", rule="unknown_status", field_name="trade_state"
            )
        paid_at = None
        if status == STATUS_PAID:
            if not data.get("success_time"):
                raise NotificationMalformed(
                    "success_time is missing", rule="required", field_name="success_time"
                )
            paid_at = parse_rfc3339(data["success_time"], field_name="success_time")
        raw_payer = data.get("payer")
        payer = raw_payer if isinstance(raw_payer, dict) else {}
        return VerifiedNotification(
            provider=self.name,
            event_id=event_id,
            event_type=event_type,
            provider_txn_id=data["transaction_id"],
            out_trade_no=data["out_trade_no"],
            amount=from_fen(total),
            currency=_currency(amount),
            app_id=data["appid"],
            merchant_id=data["mchid"],
            status=status,
            provider_status=state,
            paid_at=paid_at,
            payer_id=payer.get("openid") or None,
            payer_total=from_fen(payer_total) if payer_total is not None else None,
            raw=raw,
        )

    def _refund(
        self, event_id: str, event_type: str, data: dict[str, Any], raw: dict[str, Any]
    ) -> VerifiedNotification:
        for name in ("mchid", "out_trade_no", "transaction_id", "refund_id", "refund_status"):
            if not isinstance(data.get(name), str) or not data[name]:
                raise NotificationMalformed(f"{name} is missing", rule="required", field_name=name)
        amount = _amount_block(data)
        total, refund = _fen(amount, "total"), _fen(amount, "refund")
        refund_status = data["refund_status"]
        if refund_status == "SUCCESS":
            status = STATUS_REFUNDED if refund >= total else STATUS_PARTIALLY_REFUNDED
        elif refund_status == "CLOSED":
            status = STATUS_REFUND_FAILED
        elif refund_status == "ABNORMAL":
            status = STATUS_REFUND_PENDING
        else:
            raise NotificationMalformed(
                f"unknown refund_status {refund_status!r}",
                rule="unknown_status",
                field_name="refund_status",
            )
        return VerifiedNotification(
            provider=self.name,
            event_id=event_id,
            event_type=event_type,
            provider_txn_id=data["transaction_id"],
            out_trade_no=data["out_trade_no"],
            amount=from_fen(total),
            currency=_currency(amount),
            app_id=data.get("appid") or "",  # refund notices carry no appid (§4.2)
            merchant_id=data["mchid"],
            status=status,
            provider_status=refund_status,
            paid_at=None,
            payer_total=from_fen(_fen(amount, "payer_total")) if "payer_total" in amount else None,
            refund_id=data["refund_id"],
            refund_amount=from_fen(refund),
            out_refund_no=data.get("out_refund_no") or None,
            raw=raw,
        )

    def ack(
        self, success: bool, *, message: str | None = None, status_code: int | None = None
    ) -> tuple[int, bytes, str]:
        """2xx with no body = received; otherwise 4XX/5XX + {"code":"FAIL","message":...}."""
        if success:
            return status_code or 200, b"", "text/plain; charset=utf-8"
        code = status_code or 500
        if not 400 <= code <= 599:
            raise ValueError("a failure reply must be 4XX or 5XX")
        body = json.dumps(
            {"code": "FAIL", "message": message or "失败"}, ensure_ascii=False
        ).encode()
        return code, body, "application/json; charset=utf-8"

    # -- customs -------------------------------------------------------------------------------

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
    ) -> CustomsDeclaration:
        """v2 ``customdeclareorder`` (§3.2). Split declarations (``sub_order_no``) must give
        ``product_fee`` + ``transport_fee`` = ``amount``; ``out_request_no`` is kept for our own
        idempotency (WeChat keys declarations on out_trade_no/sub_order_no)."""
        amount = require_fen(amount)
        require_fields(
            out_request_no=out_request_no,
            out_trade_no=out_trade_no,
            provider_txn_id=provider_txn_id,
            merchant_customs_code=merchant_customs_code,
            buyer_name=buyer_name,
            buyer_id_number_masked_or_token=buyer_id_number_masked_or_token,
        )
        refuse_clear_id_number(
            buyer_id_number_masked_or_token, field_name="buyer_id_number_masked_or_token"
        )
        place = customs.upper()
        if place not in CUSTOMS:
            raise PaymentInputInvalid(
                "customs", "unknown_customs", f"WeChat Pay declares only to: {', '.join(CUSTOMS)}."
            )
        if action not in ("ADD", "MODIFY"):
            raise PaymentInputInvalid("action", "choice", "action must be ADD or MODIFY.")
        fields = {
            "appid": self.app_id,
            "mch_id": str(self.merchant_id),
            "out_trade_no": out_trade_no,
            "transaction_id": provider_txn_id,
            "customs": place,
            "mch_customs_no": merchant_customs_code,
            "action_type": action,
            "cert_type": "IDCARD",
            "cert_id": buyer_id_number_masked_or_token,
            "name": buyer_name,
        }
        if sub_order_no:
            if product_fee is None or transport_fee is None:
                raise PaymentInputInvalid(
                    "product_fee",
                    "required",
                    "A split declaration needs product and transport fees.",
                )
            product_fee = require_fen(product_fee, field_name="product_fee")
            transport_fee = (
                require_fen(transport_fee, field_name="transport_fee")
                if transport_fee != 0
                else Decimal("0.00")
            )
            if product_fee + transport_fee != amount:
                raise PaymentInputInvalid(
                    "amount", "fee_sum", "order_fee must equal product_fee + transport_fee."
                )
            fields.update(
                sub_order_no=sub_order_no,
                fee_type="CNY",
                order_fee=str(to_fen(amount)),
                product_fee=str(to_fen(product_fee)),
                transport_fee=str(to_fen(transport_fee)),
            )
        return CustomsDeclaration(
            provider=self.name,
            method="customdeclareorder",
            out_request_no=out_request_no,
            out_trade_no=out_trade_no,
            provider_txn_id=provider_txn_id,
            customs=place,
            merchant_customs_code=merchant_customs_code,
            merchant_customs_name=merchant_customs_name,
            amount=amount,
            currency="CNY",
            buyer_name=buyer_name,
            buyer_id_number_masked_or_token=buyer_id_number_masked_or_token,
            sub_order_no=sub_order_no or None,
            fields=fields,
        )


def _amount_block(data: Mapping[str, Any]) -> dict[str, Any]:
    amount = data.get("amount")
    if not isinstance(amount, dict):
        raise NotificationMalformed("amount is missing", rule="required", field_name="amount")
    return amount


def _fen(amount: Mapping[str, Any], name: str) -> int:
    value = amount.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise NotificationMalformed(
            f"amount.{name} must be a non-negative integer of fen", field_name=f"amount.{name}"
        )
    return value


def _currency(amount: Mapping[str, Any]) -> str:
    """Passed through as sent (checkout compares it with the order); CNY when absent."""
    currency = amount.get("currency", "CNY")
    if not isinstance(currency, str) or not currency:
        raise NotificationMalformed("amount.currency is not a code", field_name="amount.currency")
    return currency
