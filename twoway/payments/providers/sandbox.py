"""The wallet's side, for the demo and tests: sign notifications, resend them on the real schedule.

``SandboxWallet`` holds the *wallet's* private key (and the WeChat APIv3 key), so what it builds is
byte-for-byte what ``AlipayProvider``/``WechatPayProvider`` must accept. ``deliver()`` plays the
wallet's retry loop against a ``send(body, headers) -> (status, body)`` callable (a Django test
client, an HTTP client, or the view function) until the merchant acknowledges per the protocol.
Tamper helpers produce the notifications an attacker or a broken proxy would.
"""

from __future__ import annotations

import base64
import json
import secrets
import string
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from . import alipay, wechat
from .base import (
    BEIJING,
    Clock,
    PaymentRedirect,
    PaymentRequest,
    SignatureInvalid,
    beijing_str,
    from_fen,
    require_fen,
    to_fen,
    utc_now,
    yuan_str,
)
from .signing import rsa_sign, rsa_verify

if TYPE_CHECKING:
    from twoway.payments.keys import SandboxKeys

Sender = Callable[[bytes, dict[str, str]], tuple[int, bytes]]
Sleeper = Callable[[float], None]

# cn_wallet_protocols.md §0/§1.4: 8 sends in ~25 h (China open-platform text, first gap 4m;
# Alipay Global/Antom give 2m — ALIPAY_GLOBAL_RETRY_INTERVALS).
ALIPAY_RETRY_INTERVALS = (
    timedelta(minutes=4),
    timedelta(minutes=10),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=15),
)
ALIPAY_GLOBAL_RETRY_INTERVALS = (timedelta(minutes=2), *ALIPAY_RETRY_INTERVALS[1:])
# §0/§2.5: 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h = 24 h 4 min.
WECHAT_RETRY_INTERVALS = (
    timedelta(seconds=15),
    timedelta(seconds=15),
    timedelta(seconds=30),
    timedelta(minutes=3),
    timedelta(minutes=10),
    timedelta(minutes=20),
    timedelta(minutes=30),
    timedelta(minutes=30),
    timedelta(minutes=30),
    timedelta(minutes=60),
    timedelta(hours=3),
    timedelta(hours=3),
    timedelta(hours=3),
    timedelta(hours=6),
    timedelta(hours=6),
)
RETRY_INTERVALS = {alipay.NAME: ALIPAY_RETRY_INTERVALS, wechat.NAME: WECHAT_RETRY_INTERVALS}
OUTCOMES = {
    alipay.NAME: ("paid", "finished", "closed", "refunded", "partially_refunded"),
    wechat.NAME: ("paid", "refunded", "partially_refunded"),  # WeChat notifies successes only
}


def alipay_acknowledged(status_code: int, body: bytes) -> bool:
    """Alipay reads the body only: exactly ``success`` (case-sensitive, nothing around it)."""
    return body == b"success"


def wechat_acknowledged(status_code: int, body: bytes) -> bool:
    """WeChat Pay: any 2xx (200 or 204, body ignored)."""
    return 200 <= status_code < 300


ACKNOWLEDGED = {alipay.NAME: alipay_acknowledged, wechat.NAME: wechat_acknowledged}


@dataclass(frozen=True)
class NotificationSchedule:
    """When the wallet sends: at once, then after each interval. ``multiplier`` scales the real
    sleeps (0.001 turns 24 h into ~86 s; 0 makes them instant) without changing the offsets."""

    intervals: tuple[timedelta, ...]
    multiplier: float = 1.0

    @classmethod
    def for_provider(cls, name: str, *, multiplier: float = 1.0) -> NotificationSchedule:
        return cls(RETRY_INTERVALS[name], multiplier)

    @property
    def attempts(self) -> int:
        return len(self.intervals) + 1

    @property
    def total(self) -> timedelta:
        return sum(self.intervals, timedelta())

    def offsets(self) -> list[timedelta]:
        """Unscaled time of each send after the first (first = 0)."""
        result = [timedelta()]
        for interval in self.intervals:
            result.append(result[-1] + interval)
        return result

    def sleeps(self) -> list[float]:
        """Scaled seconds to wait before each send (first = 0)."""
        return [0.0] + [i.total_seconds() * self.multiplier for i in self.intervals]


@dataclass(frozen=True)
class SignedNotification:
    """What the wallet POSTs: ``body`` exactly as sent and its ``headers``. ``payload`` is the
    decoded content (Alipay form params; WeChat ``{"envelope": ..., "resource": ...}``)."""

    provider: str
    body: bytes
    headers: dict[str, str]
    event_id: str
    provider_txn_id: str
    out_trade_no: str
    amount: Decimal
    payload: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class DeliveryAttempt:
    number: int  # 1-based
    offset: timedelta  # real-schedule time after the first send
    slept_seconds: float  # what the sleeper was asked to wait before this send
    status_code: int | None  # None when send() raised
    body: bytes
    acknowledged: bool
    error: str | None = None


@dataclass
class DeliveryLog:
    provider: str
    event_id: str
    attempts: list[DeliveryAttempt] = field(default_factory=list)
    acknowledged: bool = False

    @property
    def attempt_count(self) -> int:
        return len(self.attempts)


def _digits(n: int) -> str:
    return "".join(secrets.choice(string.digits) for _ in range(n))


def _alnum(n: int) -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(n))


def _flip_b64(value: str) -> str:
    raw = bytearray(base64.b64decode(value))
    raw[len(raw) // 2] ^= 0x01
    return base64.b64encode(bytes(raw)).decode("ascii")


class SandboxWallet:
    """Plays Alipay or WeChat Pay against our own provider code."""

    def __init__(
        self,
        provider: str,
        keys: SandboxKeys,
        *,
        clock: Clock = utc_now,
        schedule: NotificationSchedule | None = None,
    ) -> None:
        if provider not in RETRY_INTERVALS:
            raise ValueError(f"unknown provider {provider!r}")
        self.provider = provider
        self.keys = keys
        self.clock = clock
        self.schedule = schedule or NotificationSchedule.for_provider(provider)

    # -- the pay page: check what the merchant sent --------------------------------------------

    def accept_payment(self, redirect: PaymentRedirect) -> PaymentRequest:
        """Verify the merchant's signature on a ``create_payment`` redirect and read the order.

        Buyer name/ID are not part of the wallet request; they come back empty."""
        f = redirect.fields
        if self.provider == alipay.NAME:
            content = alipay.sign_content(f, exclude=("sign",), skip_empty=True)
            if not rsa_verify(self.keys.merchant_public_key, content.encode(), f.get("sign", "")):
                raise SignatureInvalid("merchant request signature does not verify")
            biz = json.loads(f["biz_content"])
            out_trade_no, subject = biz["out_trade_no"], biz["subject"]
            amount = Decimal(biz["total_amount"])
            notify_url, return_url = f["notify_url"], f["return_url"]
        else:
            message = wechat.request_signature_message(
                "POST", wechat.NATIVE_PAY_PATH, f["timestamp"], f["nonce_str"], f["body"]
            )
            if f.get("serial_no") != self.keys.merchant_serial or not rsa_verify(
                self.keys.merchant_public_key, message, f.get("signature", "")
            ):
                raise SignatureInvalid("merchant request signature does not verify")
            body = json.loads(f["body"])
            out_trade_no, subject = body["out_trade_no"], body["description"]
            amount = from_fen(body["amount"]["total"])
            notify_url, return_url = body["notify_url"], f["return_url"]
        return PaymentRequest(
            out_trade_no=out_trade_no,
            amount=amount,
            currency="CNY",
            subject=subject,
            buyer_name="",
            buyer_id_number_masked_or_token="",
            notify_url=notify_url,
            return_url=return_url,
        )

    # -- building notifications ----------------------------------------------------------------

    def notification(
        self,
        request: PaymentRequest,
        outcome: str = "paid",
        *,
        provider_txn_id: str | None = None,
        event_id: str | None = None,
        amount: Decimal | None = None,
        refund_amount: Decimal | None = None,
        app_id: str | None = None,
        merchant_id: str | None = None,
        paid_at: datetime | None = None,
        extra: dict[str, str] | None = None,
        out_refund_no: str | None = None,
    ) -> SignedNotification:
        """A correctly signed notification for ``request`` with ``outcome``.

        ``amount``/``app_id``/``merchant_id`` override what is signed (a genuine wallet message
        that does not match the order); ``extra`` adds Alipay form fields (empty values allowed).
        """
        if outcome not in OUTCOMES[self.provider]:
            raise ValueError(f"{self.provider} cannot notify {outcome!r}")
        amount = require_fen(amount if amount is not None else request.amount)
        if outcome in ("refunded", "partially_refunded"):
            refund_amount = require_fen(
                refund_amount if refund_amount is not None else amount, field_name="refund_amount"
            )
        now = self.clock()
        paid_at = (paid_at or now).replace(microsecond=0)
        if self.provider == alipay.NAME:
            extra = dict(extra or {})
            if out_refund_no:
                extra["out_biz_no"] = out_refund_no
            return self._alipay(
                request, outcome, now, paid_at, amount, refund_amount,
                provider_txn_id, event_id, app_id, merchant_id, extra,
            )  # fmt: skip
        return self._wechat(
            request, outcome, now, paid_at, amount, refund_amount,
            provider_txn_id, event_id, app_id, merchant_id, out_refund_no=out_refund_no,
        )  # fmt: skip

    def _alipay(
        self, request, outcome, now, paid_at, amount, refund_amount, txn_id, event_id, app_id,
        merchant_id, extra,
    ) -> SignedNotification:  # fmt: skip
        txn_id = txn_id or now.astimezone(BEIJING).strftime("%Y%m%d") + "22001" + _digits(15)
        total = yuan_str(amount)
        params: dict[str, str] = {
            "notify_time": beijing_str(now),
            "notify_type": "trade_status_sync",
            "notify_id": event_id or secrets.token_hex(18),
            "app_id": app_id or self.keys.alipay_app_id,
            "charset": "utf-8",
            "version": "1.0",
            "sign_type": "RSA2",
            "trade_no": txn_id,
            "out_trade_no": request.out_trade_no,
            "buyer_id": "2088" + _digits(12),
            "buyer_logon_id": "138****" + _digits(4),
            "seller_id": merchant_id or self.keys.alipay_seller_id,
            "total_amount": total,
            "subject": request.subject,
            "gmt_create": beijing_str(paid_at - timedelta(minutes=1)),
        }
        if outcome != "closed":
            params.update(
                receipt_amount=total,
                invoice_amount=total,
                buyer_pay_amount=total,
                point_amount="0.00",
                gmt_payment=beijing_str(paid_at),
                fund_bill_list=json.dumps(
                    [{"amount": total, "fundChannel": "ALIPAYACCOUNT"}], separators=(",", ":")
                ),
            )
        status = {
            "paid": "TRADE_SUCCESS",
            "finished": "TRADE_FINISHED",
            "closed": "TRADE_CLOSED",
            "refunded": "TRADE_CLOSED",
            "partially_refunded": "TRADE_SUCCESS",
        }[outcome]
        params["trade_status"] = status
        if outcome in ("finished", "closed", "refunded"):
            params["gmt_close"] = beijing_str(now)
        if outcome in ("refunded", "partially_refunded"):
            params.update(
                refund_fee=yuan_str(refund_amount),
                gmt_refund=beijing_str(now),
                out_biz_no="RF" + _digits(14),
            )
        params.update(extra)
        params["sign"] = alipay.sign_notification(params, self.keys.wallet_private_key)
        return self._alipay_signed(params, request.out_trade_no, amount)

    def _alipay_signed(
        self, params: dict[str, str], out_trade_no: str, amount: Decimal
    ) -> SignedNotification:
        return SignedNotification(
            provider=alipay.NAME,
            body=urlencode(params).encode("ascii"),
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            event_id=params["notify_id"],
            provider_txn_id=params["trade_no"],
            out_trade_no=out_trade_no,
            amount=amount,
            payload=params,
        )

    def _wechat(
        self, request, outcome, now, paid_at, amount, refund_amount, txn_id, event_id, app_id,
        merchant_id, *, out_refund_no=None,
    ) -> SignedNotification:  # fmt: skip
        txn_id = txn_id or "4200" + _digits(24)
        moment = paid_at.astimezone(BEIJING).isoformat(timespec="seconds")
        fen = to_fen(amount)
        mch_id = merchant_id or self.keys.wechat_mch_id
        if outcome == "paid":
            event_type, original_type, summary = "TRANSACTION.SUCCESS", "transaction", "支付成功"
            resource: dict[str, Any] = {
                "appid": app_id or self.keys.wechat_app_id,
                "mchid": mch_id,
                "out_trade_no": request.out_trade_no,
                "transaction_id": txn_id,
                "trade_type": "NATIVE",
                "trade_state": "SUCCESS",
                "trade_state_desc": "支付成功",
                "bank_type": "OTHERS",
                "attach": "",
                "success_time": moment,
                "payer": {"openid": "o" + _alnum(27)},
                "amount": {
                    "total": fen,
                    "payer_total": fen,
                    "currency": "CNY",
                    "payer_currency": "CNY",
                },
            }
        else:
            event_type, original_type, summary = "REFUND.SUCCESS", "refund", "退款成功"
            refund_fen = to_fen(refund_amount)
            resource = {
                "mchid": mch_id,
                "out_trade_no": request.out_trade_no,
                "transaction_id": txn_id,
                "out_refund_no": out_refund_no or "RF" + _digits(14),
                "refund_id": "5030" + _digits(24),
                "refund_status": "SUCCESS",
                "success_time": moment,
                "user_received_account": "支付用户零钱",
                "amount": {
                    "total": fen,
                    "refund": refund_fen,
                    "payer_total": fen,
                    "payer_refund": refund_fen,
                },
            }
        envelope = {
            "id": event_id or "EV-" + _digits(19),
            "create_time": now.astimezone(BEIJING).isoformat(timespec="seconds"),
            "resource_type": "encrypt-resource",
            "event_type": event_type,
            "summary": summary,
            "resource": self._encrypt(resource, original_type),
        }
        return self._wechat_signed(envelope, resource, request.out_trade_no, amount)

    def _encrypt(self, resource: dict[str, Any], original_type: str) -> dict[str, str]:
        nonce = _alnum(12)
        associated_data = original_type
        plaintext = json.dumps(resource, ensure_ascii=False, separators=(",", ":")).encode()
        return {
            "original_type": original_type,
            "algorithm": wechat.ALGORITHM,
            "ciphertext": wechat.encrypt_resource(
                self.keys.wechat_apiv3_key,
                plaintext,
                nonce=nonce,
                associated_data=associated_data,
            ),
            "associated_data": associated_data,
            "nonce": nonce,
        }

    def _wechat_signed(
        self,
        envelope: dict[str, Any],
        resource: dict[str, Any],
        out_trade_no: str,
        amount: Decimal,
        *,
        headers: dict[str, str] | None = None,
    ) -> SignedNotification:
        body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
        return SignedNotification(
            provider=wechat.NAME,
            body=body,
            headers=headers if headers is not None else self._wechat_headers(body),
            event_id=envelope["id"],
            provider_txn_id=resource["transaction_id"],
            out_trade_no=out_trade_no,
            amount=amount,
            payload={"envelope": envelope, "resource": resource},
        )

    def _wechat_headers(self, body: bytes) -> dict[str, str]:
        timestamp = str(int(self.clock().timestamp()))
        nonce = _alnum(32)
        signature = rsa_sign(
            self.keys.wallet_private_key, wechat.signature_message(timestamp, nonce, body)
        )
        return {
            "Content-Type": "application/json",
            "Request-ID": secrets.token_hex(16),
            "Wechatpay-Timestamp": timestamp,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Signature": signature,
            "Wechatpay-Serial": self.keys.wallet_serial,
            "Wechatpay-Signature-Type": wechat.SIGNATURE_TYPE,
        }

    def resigned(self, notification: SignedNotification) -> SignedNotification:
        """The same body as a resend: WeChat signs each send afresh (new timestamp and nonce);
        Alipay resends the identical form (same ``notify_id``)."""
        if notification.provider == wechat.NAME:
            return replace(notification, headers=self._wechat_headers(notification.body))
        return notification

    # -- delivery ------------------------------------------------------------------------------

    def deliver(
        self,
        notification: SignedNotification,
        send: Sender,
        *,
        schedule: NotificationSchedule | None = None,
        sleeper: Sleeper = time.sleep,
    ) -> DeliveryLog:
        """Send, then resend on the schedule until acknowledged or the schedule ends."""
        schedule = schedule or self.schedule
        acknowledged = ACKNOWLEDGED[notification.provider]
        log = DeliveryLog(provider=notification.provider, event_id=notification.event_id)
        for number, (offset, pause) in enumerate(
            zip(schedule.offsets(), schedule.sleeps(), strict=True), start=1
        ):
            if pause:
                sleeper(pause)
            current = self.resigned(notification) if number > 1 else notification
            try:
                status_code, body = send(current.body, dict(current.headers))
            except Exception as exc:  # a timeout or refused connection is a failed send
                log.attempts.append(
                    DeliveryAttempt(number, offset, pause, None, b"", False, repr(exc))
                )
                continue
            ok = acknowledged(status_code, body)
            log.attempts.append(DeliveryAttempt(number, offset, pause, status_code, body, ok))
            if ok:
                log.acknowledged = True
                break
        return log

    # -- tampering (tests) ---------------------------------------------------------------------

    def tampered_signature(self, notification: SignedNotification) -> SignedNotification:
        """Same body, one bit of the signature flipped."""
        if notification.provider == alipay.NAME:
            params = dict(notification.payload)
            params["sign"] = _flip_b64(params["sign"])
            return self._alipay_signed(params, notification.out_trade_no, notification.amount)
        headers = dict(notification.headers)
        headers["Wechatpay-Signature"] = _flip_b64(headers["Wechatpay-Signature"])
        return replace(notification, headers=headers)

    def tampered_amount(
        self, notification: SignedNotification, amount: Decimal
    ) -> SignedNotification:
        """The amount changed in transit; the signature is the original one (a forgery)."""
        if notification.provider == alipay.NAME:
            params = dict(notification.payload)
            params["total_amount"] = yuan_str(amount)
            return self._alipay_signed(params, notification.out_trade_no, amount)
        envelope = json.loads(json.dumps(notification.payload["envelope"]))
        resource = json.loads(json.dumps(notification.payload["resource"]))
        resource["amount"]["total"] = resource["amount"]["payer_total"] = to_fen(amount)
        envelope["resource"] = self._encrypt(resource, envelope["resource"]["original_type"])
        return self._wechat_signed(
            envelope,
            resource,
            notification.out_trade_no,
            amount,
            headers=dict(notification.headers),  # signed over the old body
        )

    def tampered_ciphertext(self, notification: SignedNotification) -> SignedNotification:
        """WeChat only: one ciphertext bit flipped, then *validly re-signed* — only the GCM tag
        can catch it (what a leaked platform key or a wrong APIv3 key looks like)."""
        if notification.provider != wechat.NAME:
            raise ValueError("only WeChat notifications are encrypted")
        envelope = json.loads(json.dumps(notification.payload["envelope"]))
        envelope["resource"]["ciphertext"] = _flip_b64(envelope["resource"]["ciphertext"])
        return self._wechat_signed(
            envelope, notification.payload["resource"], notification.out_trade_no,
            notification.amount,
        )  # fmt: skip
