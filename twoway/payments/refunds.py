"""How a refund reaches the wallet that took the money (the refund *transport*).

The refund API of each wallet is called outside any database transaction: Alipay's
``alipay.trade.refund`` answers synchronously (``fund_change=Y``: refunded), WeChat Pay v3's
``POST /v3/refund/domestic/refunds`` answers ``PROCESSING`` and confirms later with a signed
``REFUND.SUCCESS`` notification, and the card processor answers ``pending`` and confirms with a
signed ``refund.succeeded`` webhook. In the demo and tests the sandbox wallets play the other side
(and send the signed confirmations to our own notification handler); with the sandbox off and no
live credentials configured a refund is refused clearly and stays pending for retry, visible to
operators (``twoway reconcile`` names it once it is overdue).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

logger = logging.getLogger(__name__)

#: The wallet's words for a refund request's answer.
ANSWER_SUCCEEDED = "succeeded"
ANSWER_PROCESSING = "processing"


@dataclass(frozen=True)
class RefundCall:
    provider: str
    out_trade_no: str  # our purchase number
    provider_txn_id: str  # the wallet's transaction id of the payment
    out_refund_no: str  # our refund number (idempotency key at the wallet)
    amount: Decimal  # this refund
    refunded_before: Decimal  # earlier successful refunds of the same payment
    total: Decimal  # the payment
    currency: str
    reason: str


@dataclass(frozen=True)
class RefundAnswer:
    status: str  # ANSWER_SUCCEEDED or ANSWER_PROCESSING
    provider_refund_id: str


class RefundUnavailable(Exception):
    """The wallet could not be asked (not configured, unreachable, refused): try again later."""


def refund_send(call: RefundCall) -> RefundAnswer:
    from .keys import sandbox_allowed

    if sandbox_allowed():
        return _sandbox_send(call)
    raise RefundUnavailable(
        f"The live {call.provider} refund API is not configured on this server "
        "(TWOWAY_PAYMENTS_SANDBOX is off); the refund stays pending for an operator."
    )


def _sandbox_send(call: RefundCall) -> RefundAnswer:
    prefix = {"alipay": "2088RF", "wechat": "5030", "card": "re_"}.get(call.provider, "RF")
    provider_refund_id = prefix + secrets.token_hex(10)
    # The wallet confirms asynchronously with a signed notification, once our refund row is
    # committed (so the confirmation never races the row it confirms).
    transaction.on_commit(lambda: _sandbox_confirm(call, provider_refund_id), robust=True)
    status = ANSWER_SUCCEEDED if call.provider == "alipay" else ANSWER_PROCESSING
    return RefundAnswer(status=status, provider_refund_id=provider_refund_id)


def _sandbox_confirm(call: RefundCall, provider_refund_id: str) -> None:
    from .tasks import sandbox_refund_notify

    sandbox_refund_notify.delay(
        call.provider,
        call.out_trade_no,
        call.provider_txn_id,
        call.out_refund_no,
        provider_refund_id,
        str(call.amount),
        str(call.refunded_before),
        str(call.total),
    )
