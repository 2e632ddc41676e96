"""Alipay open platform (``alipay.trade.*``), sandbox-shaped: RSA2 form notifications.

Protocol (see cn_wallet_protocols.md §1): the wallet POSTs ``application/x-www-form-urlencoded``
fields to ``notify_url``; ``sign`` is SHA256withRSA by the *Alipay* key over every other parameter
except ``sign`` and ``sign_type``, form-decoded, sorted by name, joined ``k=v`` with ``&`` (empty
values kept, as the SDK verifier ``rsaCheckV1`` does), encoded in ``charset``. The merchant answers
exactly ``success``; ``notify_id`` stays the same on every resend.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import parse_qsl

from cryptography.hazmat.primitives.asymmetric import rsa

from .base import (
    STATUS_CLOSED,
    STATUS_PAID,
    STATUS_PARTIALLY_REFUNDED,
    STATUS_PENDING,
    STATUS_REFUNDED,
    Clock,
    CustomsDeclaration,
    NotificationMalformed,
    PaymentInputInvalid,
    PaymentRedirect,
    PaymentRequest,
    SignatureInvalid,
    VerifiedNotification,
    beijing_str,
    parse_beijing,
    parse_yuan,
    refuse_clear_id_number,
    require_fen,
    require_fields,
    utc_now,
    yuan_str,
)
from .signing import rsa_sign, rsa_verify

NAME = "alipay"
SANDBOX_GATEWAY_URL = "/payments/sandbox/alipay/gateway.do"
CHARSETS = ("utf-8", "gbk", "gb2312")
PAID_STATUSES = ("TRADE_SUCCESS", "TRADE_FINISHED")
NOTIFY_EXCLUDED = ("sign", "sign_type")
_CHARSET_IN_BODY = re.compile(rb"(?:^|&)charset=([A-Za-z0-9_-]{1,20})(?:&|$)")
_MAX_FIELDS = 200


def sign_content(
    params: Mapping[str, str],
    *,
    exclude: tuple[str, ...] = NOTIFY_EXCLUDED,
    skip_empty: bool = False,
) -> str:
    """The string Alipay signs: drop ``exclude``, (optionally) empty values, sort, join ``k=v``."""
    items = sorted(
        (k, v) for k, v in params.items() if k not in exclude and not (skip_empty and v == "")
    )
    return "&".join(f"{k}={v}" for k, v in items)


def sign_notification(params: Mapping[str, str], private_key: rsa.RSAPrivateKey) -> str:
    """Wallet side: the ``sign`` value for a notification (the exact mirror of the verifier)."""
    charset = params.get("charset", "utf-8")
    return rsa_sign(private_key, sign_content(params).encode(charset))


def sign_request(params: Mapping[str, str], private_key: rsa.RSAPrivateKey) -> str:
    """Merchant side: the ``sign`` of a gateway request (drops only ``sign``, skips empty values)."""
    charset = params.get("charset", "utf-8")
    content = sign_content(params, exclude=("sign",), skip_empty=True)
    return rsa_sign(private_key, content.encode(charset))


def parse_form(raw_body: bytes) -> dict[str, str]:
    """Form-decode a notification body in the charset it declares; refuse duplicates."""
    match = _CHARSET_IN_BODY.search(raw_body)
    charset = match.group(1).decode("ascii").lower() if match else "utf-8"
    if charset not in CHARSETS:
        raise NotificationMalformed(f"unsupported charset {charset!r}", field_name="charset")
    try:
        text = raw_body.decode(charset)
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            strict_parsing=True,
            encoding=charset,
            errors="strict",
            max_num_fields=_MAX_FIELDS,
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise NotificationMalformed("body is not a form in its declared charset") from exc
    if not pairs:
        raise NotificationMalformed("body is empty")
    params: dict[str, str] = {}
    for key, value in pairs:
        if key in params:
            raise NotificationMalformed(f"parameter {key!r} appears twice", field_name=key)
        params[key] = value
    return params


class AlipayProvider:
    """Alipay (sandbox-shaped). Verifies with the Alipay public key, signs requests with the app's
    private key. ``clock`` returns an aware UTC datetime (tests freeze it)."""

    name = NAME

    def __init__(
        self,
        *,
        app_id: str,
        alipay_public_key: rsa.RSAPublicKey,
        app_private_key: rsa.RSAPrivateKey,
        seller_id: str | None = None,
        gateway_url: str = SANDBOX_GATEWAY_URL,
        sign_type: str = "RSA2",
        clock: Clock = utc_now,
    ) -> None:
        if sign_type != "RSA2":
            raise ValueError("only RSA2 (SHA256withRSA) is supported")
        self.app_id = app_id
        self.merchant_id = seller_id
        self.gateway_url = gateway_url
        self.sign_type = sign_type
        self._alipay_public_key = alipay_public_key
        self._app_private_key = app_private_key
        self._clock = clock

    # -- buyer redirect ------------------------------------------------------------------------

    def create_payment(self, request: PaymentRequest) -> PaymentRedirect:
        """``alipay.trade.page.pay``: a signed form the buyer's browser POSTs to the gateway."""
        biz_content = {
            "out_trade_no": request.out_trade_no,
            "total_amount": yuan_str(request.amount),
            "subject": request.subject,
            "product_code": "FAST_INSTANT_TRADE_PAY",
        }
        params = {
            "app_id": self.app_id,
            "method": "alipay.trade.page.pay",
            "format": "JSON",
            "charset": "utf-8",
            "sign_type": self.sign_type,
            "timestamp": beijing_str(self._clock()),
            "version": "1.0",
            "notify_url": request.notify_url,
            "return_url": request.return_url,
            "biz_content": json.dumps(biz_content, ensure_ascii=False, separators=(",", ":")),
        }
        params["sign"] = sign_request(params, self._app_private_key)
        return PaymentRedirect(
            provider=self.name, url=self.gateway_url, method="POST", fields=params
        )

    # -- notifications -------------------------------------------------------------------------

    def verify_notification(
        self, raw_body: bytes, headers: Mapping[str, str]
    ) -> VerifiedNotification:
        params = parse_form(raw_body)
        signature = params.get("sign", "")
        if not signature:
            raise SignatureInvalid("notification has no sign", rule="signature_missing")
        if params.get("sign_type") != self.sign_type:
            raise SignatureInvalid(
                f"sign_type {params.get('sign_type')!r} is not {self.sign_type}", rule="sign_type"
            )
        charset = params.get("charset", "utf-8").lower()
        if charset not in CHARSETS:
            raise NotificationMalformed(f"unsupported charset {charset!r}", field_name="charset")
        try:
            signed = sign_content(params).encode(charset)
        except UnicodeEncodeError as exc:
            raise SignatureInvalid("parameters do not fit the declared charset") from exc
        if not rsa_verify(self._alipay_public_key, signed, signature):
            raise SignatureInvalid("sign does not verify with the Alipay public key")
        # Authentic from here on; now the fields must be usable.
        for name in ("notify_id", "app_id", "trade_no", "out_trade_no", "trade_status"):
            if not params.get(name):
                raise NotificationMalformed(f"{name} is missing", rule="required", field_name=name)
        amount = parse_yuan(params.get("total_amount", ""), field_name="total_amount")
        refund_amount = (
            parse_yuan(params["refund_fee"], field_name="refund_fee")
            if params.get("refund_fee")
            else None
        )
        trade_status = params["trade_status"]
        status = _status(trade_status, refunded=refund_amount is not None)
        paid_at = (
            parse_beijing(params["gmt_payment"], field_name="gmt_payment")
            if params.get("gmt_payment")
            else None
        )
        if status == STATUS_PAID and paid_at is None:
            raise NotificationMalformed(
                "a paid notification needs gmt_payment", rule="required", field_name="gmt_payment"
            )
        payer_total = (
            parse_yuan(params["buyer_pay_amount"], field_name="buyer_pay_amount")
            if params.get("buyer_pay_amount")
            else None
        )
        return VerifiedNotification(
            provider=self.name,
            event_id=params["notify_id"],
            event_type=params.get("notify_type", ""),
            provider_txn_id=params["trade_no"],
            out_trade_no=params["out_trade_no"],
            amount=amount,
            currency="CNY",
            app_id=params["app_id"],
            merchant_id=params.get("seller_id") or None,
            status=status,
            provider_status=trade_status,
            paid_at=paid_at,
            payer_id=params.get("buyer_id") or None,
            payer_account_masked=params.get("buyer_logon_id") or None,
            payer_total=payer_total,
            refund_id=params.get("out_biz_no") or None,
            refund_amount=refund_amount,
            out_refund_no=params.get("out_biz_no") or None,
            raw=dict(params),
        )

    def ack(
        self, success: bool, *, message: str | None = None, status_code: int | None = None
    ) -> tuple[int, bytes, str]:
        """Alipay reads the body only: exactly ``success``, anything else means "send again"."""
        if success:
            return 200, b"success", "text/plain; charset=utf-8"
        return status_code or 500, b"fail", "text/plain; charset=utf-8"

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
        """``alipay.trade.customs.declare`` (open platform, §3.1). ``product_fee``,
        ``transport_fee`` and ``action`` are WeChat-only and ignored here."""
        amount = require_fen(amount)
        if not 6 <= len(out_request_no) <= 64:
            raise PaymentInputInvalid(
                "out_request_no", "length", "out_request_no must be 6 to 64 characters."
            )
        require_fields(
            provider_txn_id=provider_txn_id,
            customs=customs,
            merchant_customs_code=merchant_customs_code,
            merchant_customs_name=merchant_customs_name,
            buyer_name=buyer_name,
            buyer_id_number_masked_or_token=buyer_id_number_masked_or_token,
        )
        refuse_clear_id_number(
            buyer_id_number_masked_or_token, field_name="buyer_id_number_masked_or_token"
        )
        place = customs.upper()
        fields = {
            "out_request_no": out_request_no,
            "trade_no": provider_txn_id,
            "merchant_customs_code": merchant_customs_code,
            "merchant_customs_name": merchant_customs_name,
            "amount": yuan_str(amount),
            "customs_place": place,
            "buyer_info": json.dumps(
                {"buyer_name": buyer_name, "buyer_cert_no": buyer_id_number_masked_or_token},
                ensure_ascii=False,
                separators=(",", ":"),
            ),
        }
        if sub_order_no:
            fields["is_split"] = "T"
            fields["sub_out_biz_no"] = sub_order_no
        return CustomsDeclaration(
            provider=self.name,
            method="alipay.trade.customs.declare",
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


def _status(trade_status: str, *, refunded: bool) -> str:
    if trade_status == "TRADE_FINISHED":
        return STATUS_PAID
    if trade_status == "TRADE_SUCCESS":
        # A partial refund re-notifies with TRADE_SUCCESS plus refund_fee/out_biz_no (§4.1).
        return STATUS_PARTIALLY_REFUNDED if refunded else STATUS_PAID
    if trade_status == "TRADE_CLOSED":
        # Full refund: TRADE_CLOSED with refund_fee; unpaid timeout: without it (§4.1).
        return STATUS_REFUNDED if refunded else STATUS_CLOSED
    if trade_status == "WAIT_BUYER_PAY":
        return STATUS_PENDING
    raise NotificationMalformed(
        f"unknown trade_status {trade_status!r}", rule="unknown_status", field_name="trade_status"
    )
