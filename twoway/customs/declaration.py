"""Declaring a paid export order to China customs: screen (CSL), flag EEI, build CEB311/411/511,
check the three-document match, submit, and apply the replies to the order.

The buyer's ID number is decrypted here, through the identity context's single decryption call,
only to put it into the messages; what is stored keeps it masked.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from twoway.checkout import services as checkout
from twoway.checkout.models import Order, OrderStatus
from twoway.identity.crypto import decrypt_id_number, mask_id_number

from .ceb import BaseTransfer, CebLogistics, CebOrder, CebOrderItem, CebPayment
from .models import CustomsMessage
from .rules.eei import ExportLine
from .rules.three_document_match import three_document_match
from .sandbox import sandbox_declare
from .services import eei_check

logger = logging.getLogger(__name__)

US_COUNTRY_CODE = "502"  # JGS-20 country code of the USA (ceb_messages.md §3.2)
UNIT_PIECE = "011"  # JGS-20 unit "piece"


def _setting(name: str, default: str) -> str:
    return getattr(settings, name, default)


def _platform() -> BaseTransfer:
    return BaseTransfer(
        cop_code=_setting("TWOWAY_CUSTOMS_EBP_CODE", "3301960TWO"),
        cop_name=_setting("TWOWAY_CUSTOMS_EBP_NAME", "Twoway 跨境平台"),
        dxp_id=_setting("TWOWAY_CUSTOMS_DXP_ID", "DXPENT0000000001"),
    )


def documents_for(order: Order, *, now: datetime | None = None):
    """The three documents of one paid order, from the order, its payment and its waybill."""
    payment = order.purchase.payments.order_by("pk").first()
    if payment is None:
        raise ValueError(f"order {order.number} has no payment")
    id_number = decrypt_id_number(order.identity.id_number_encrypted)
    platform = _platform()
    now = now or timezone.now()
    lines = list(order.lines.order_by("pk"))
    items = [
        CebOrderItem(
            gnum=i, item_no=line.sku, item_name=line.title_zh or line.title,
            g_model=f"{order.business.legal_name} {line.title}"[:250], unit=UNIT_PIECE,
            qty=Decimal(line.quantity), price=line.unit_price,
            total_price=line.goods_value, country=US_COUNTRY_CODE,
        )
        for i, line in enumerate(lines, start=1)
    ]
    pay_code = _setting("TWOWAY_CUSTOMS_PAY_CODE", "3120960PAY")
    pay_name = {"alipay": "支付宝(中国)网络技术有限公司", "wechat": "财付通支付科技有限公司"}.get(
        payment.provider, payment.provider
    )
    ceb_order = CebOrder(
        order_no=order.number, ebp_code=platform.cop_code, ebp_name=platform.cop_name,
        ebc_code=f"US{order.business_id:08d}", ebc_name=order.business.legal_name[:100],
        goods_value=order.goods_value, freight=order.freight + order.insurance,
        discount=order.discount, tax_total=order.tax_total, actural_paid=order.total_payable,
        buyer_reg_no=f"user-{order.buyer_id}", buyer_name=order.buyer_name,
        buyer_telephone=order.consignee_phone, buyer_id_number=id_number,
        consignee=order.consignee_name, consignee_telephone=order.consignee_phone,
        consignee_address=order.consignee_address, consignee_district=order.consignee_district,
        items=items, app_time=now, transfer=platform, pay_code=pay_code, pay_name=pay_name,
        pay_transaction_id=payment.provider_txn_id,
    )
    ceb_payment = CebPayment(
        pay_code=pay_code, pay_name=pay_name, pay_transaction_id=payment.provider_txn_id,
        order_no=order.number, ebp_code=platform.cop_code, ebp_name=platform.cop_name,
        payer_id_number=id_number, payer_name=order.buyer_name, amount_paid=order.total_payable,
        pay_time=payment.paid_at, app_time=now,
        transfer=BaseTransfer(cop_code=pay_code, cop_name=pay_name, dxp_id="DXPENT0000000002"),
    )
    weight = sum((line.product.weight_kg * line.quantity for line in lines), Decimal("0"))
    logistics_code = _setting("TWOWAY_CUSTOMS_LOGISTICS_CODE", "3301980LOG")
    ceb_logistics = CebLogistics(
        logistics_code=logistics_code, logistics_name="Twoway Sandbox Express",
        logistics_no=f"TWL{order.number[2:]}", order_no=order.number,
        freight=order.freight + order.insurance, weight=weight.quantize(Decimal("0.001")),
        consignee=order.consignee_name, consignee_address=order.consignee_address,
        consignee_telephone=order.consignee_phone, app_time=now,
        transfer=BaseTransfer(cop_code=logistics_code, cop_name="Twoway Sandbox Express",
                              dxp_id="DXPENT0000000003"),
    )
    return ceb_order, ceb_payment, ceb_logistics, id_number


def _screen(order: Order) -> str | None:
    """CSL screening of the seller and the consignee; a reason to hold, or None."""
    from twoway.compliance.services import csl_screen

    result = csl_screen(
        names=[("seller", order.business.legal_name), ("consignee", order.consignee_name)],
        countries=["US", "CN"],
    )
    if not result.list_loaded:
        return "The Consolidated Screening List is not loaded, so screening could not run."
    if result.hit:
        return "; ".join(
            f"{m.role} '{m.name}' matches '{m.entity_name}' on {m.source_list} (score {m.score:.0f})"
            for m in result.matches
        )
    return None


def order_declare(*, order_id: int, now: datetime | None = None) -> Order:
    """Screen, flag EEI, build and submit the three documents of a paid export order.

    ``now`` (default: the clock) dates the messages and the transitions (the demo's history)."""
    now = now or timezone.now()
    order = Order.objects.select_related("business", "identity", "purchase").get(pk=order_id)
    if order.status != OrderStatus.PAID:
        return order
    hold = _screen(order)
    if hold:
        logger.warning("order %s held for compliance review", order.number)
        return checkout.order_transition(order=order, to=OrderStatus.HELD, actor_label="compliance",
                                         reason=f"Consolidated Screening List: {hold}", now=now)
    decision = eei_check(
        lines=[ExportLine(schedule_b=line.hs_code, value_usd=line.customs_value_usd,
                          description=line.title) for line in order.lines.all()],
        destination_country="CN", day=now.date(),
    )
    Order.objects.filter(pk=order.pk).update(
        eei_required=decision.required, eei_reason=f"{decision.rule}: {decision.citation}"[:300]
    )
    ceb_order, ceb_payment, ceb_logistics, id_number = documents_for(order, now=now)
    match = three_document_match(ceb_order, ceb_payment, ceb_logistics)
    if not match.ok:
        Order.objects.filter(pk=order.pk).update(customs_status="match_failed",
                                                 customs_info=match.summary()[:2000])
        logger.warning("order %s: three-document match failed: %s", order.number, match.summary())
        return Order.objects.get(pk=order.pk)
    with transaction.atomic():
        checkout.order_transition(
            order=order, to=OrderStatus.DECLARED, actor_label="customs",
            reason="CEB311 order, CEB411 payment and CEB511 waybill agree (three-document match).",
            now=now,
        )
        result = sandbox_declare(order=ceb_order, payment=ceb_payment, logistics=ceb_logistics, now=now)
        masked = mask_id_number(id_number)
        documents = {"CEB311": ceb_order, "CEB411": ceb_payment, "CEB511": ceb_logistics}
        for kind, xml in result.messages.items():
            reply = result.replies.get(kind)
            CustomsMessage.objects.create(
                order=order, message_type=str(kind), guid=documents[str(kind)].guid,
                xml_masked=xml.decode("utf-8").replace(id_number, masked), sent_at=now,
                reply_code=reply.code if reply else "",
                reply_status=str(reply.status) if reply else "",
                reply_info=reply.info if reply else "", replied_at=now if reply else None,
            )
        return customs_reply_apply(order=order, accepted=result.accepted,
                                   info="; ".join(result.reasons) or "Released (code 120).",
                                   now=now)


def customs_reply_apply(
    *, order: Order, accepted: bool, info: str, now: datetime | None = None
) -> Order:
    """Customs answered: cleared, or back to paid with the reason so it can be fixed and resent."""
    Order.objects.filter(pk=order.pk).update(
        customs_status="accepted" if accepted else "rejected", customs_info=info[:2000]
    )
    if accepted:
        return checkout.order_transition(order=order, to=OrderStatus.CLEARED, actor_label="customs",
                                         reason=f"Customs accepted: {info}", now=now)
    return checkout.order_transition(order=order, to=OrderStatus.PAID, actor_label="customs",
                                     reason=f"Customs rejected: {info}", now=now)
