"""Declaring a paid export order to China customs: screen (CSL), flag EEI, build CEB311/411/511,
check the three-document match, submit through the configured gateway, and apply the replies.

The declaration's state lives on ``CustomsDeclaration`` (one per order); the order itself is moved
only through ``checkout.services.order_transition`` (declared, cleared, held).

The buyer's ID number is decrypted here, through the identity context's single decryption call,
only to put it into the messages; what is stored keeps it masked.
"""

from __future__ import annotations

import datetime as dt
import logging
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from twoway.checkout import services as checkout
from twoway.checkout.models import Order, OrderStatus
from twoway.core.errors import DomainError
from twoway.identity.crypto import decrypt_id_number, mask_id_number

from .ceb import (
    BaseTransfer,
    CebLogistics,
    CebOrder,
    CebOrderItem,
    CebPayment,
    MessageType,
    build_ceb311,
    build_ceb411,
    build_ceb511,
)
from .errors import CustomsMessageInvalid
from .gateways import (
    CustomsGateway,
    CustomsGatewayUnavailable,
    DeclarationDocuments,
    GatewayResult,
    get_gateway,
)
from .models import CustomsDeclaration, CustomsMessage, DeclarationStatus
from .rules.eei import ExportLine
from .rules.three_document_match import three_document_match
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


def documents_for(
    order: Order, *, now: datetime | None = None
) -> tuple[CebOrder, CebPayment, CebLogistics, str]:
    """The three documents of one paid order, from the order, its payment and its waybill."""
    payment = order.purchase.payments.order_by("pk").first()
    if payment is None:
        raise ValueError(f"order {order.number} has no payment")
    if order.identity is None:
        raise ValueError(f"order {order.number} has no real-name identity")
    id_number = decrypt_id_number(bytes(order.identity.id_number_encrypted))
    platform = _platform()
    now = now or timezone.now()
    lines = list(order.lines.order_by("pk"))
    items = [
        CebOrderItem(
            gnum=i,
            item_no=line.sku,
            item_name=line.title_zh or line.title,
            # brand and specification: the variant (size, colour) is part of the specification,
            # in Chinese where the seller gave it (older lines have the English label only)
            g_model=(
                f"{order.business.legal_name} {line.title} "
                f"{line.variant_label_zh or line.variant_label}"
            ).strip()[:250],
            unit=UNIT_PIECE,
            qty=Decimal(line.quantity),
            price=line.unit_price,
            total_price=line.goods_value,
            country=US_COUNTRY_CODE,
        )
        for i, line in enumerate(lines, start=1)
    ]
    pay_code = _setting("TWOWAY_CUSTOMS_PAY_CODE", "3120960PAY")
    pay_name = {"alipay": "支付宝(中国)网络技术有限公司", "wechat": "财付通支付科技有限公司"}.get(
        payment.provider, payment.provider
    )
    ceb_order = CebOrder(
        order_no=order.number,
        ebp_code=platform.cop_code,
        ebp_name=platform.cop_name,
        ebc_code=f"US{order.business_id:08d}",
        ebc_name=order.business.legal_name[:100],
        goods_value=order.goods_value,
        freight=order.freight + order.insurance,
        discount=order.discount,
        tax_total=order.tax_total,
        actural_paid=order.total_payable,
        buyer_reg_no=f"user-{order.buyer_id}",
        buyer_name=order.buyer_name,
        buyer_telephone=order.consignee_phone,
        buyer_id_number=id_number,
        consignee=order.consignee_name,
        consignee_telephone=order.consignee_phone,
        consignee_address=order.consignee_address,
        consignee_district=order.consignee_district,
        items=items,
        app_time=now,
        transfer=platform,
        pay_code=pay_code,
        pay_name=pay_name,
        pay_transaction_id=payment.provider_txn_id,
    )
    ceb_payment = CebPayment(
        pay_code=pay_code,
        pay_name=pay_name,
        pay_transaction_id=payment.provider_txn_id,
        order_no=order.number,
        ebp_code=platform.cop_code,
        ebp_name=platform.cop_name,
        payer_id_number=id_number,
        payer_name=order.buyer_name,
        amount_paid=order.total_payable,
        pay_time=payment.paid_at,
        app_time=now,
        transfer=BaseTransfer(cop_code=pay_code, cop_name=pay_name, dxp_id="DXPENT0000000002"),
    )
    weight = sum((line.product.weight_kg * line.quantity for line in lines), Decimal("0"))
    logistics_code = _setting("TWOWAY_CUSTOMS_LOGISTICS_CODE", "3301980LOG")
    ceb_logistics = CebLogistics(
        logistics_code=logistics_code,
        logistics_name="Twoway Sandbox Express",
        logistics_no=f"TWL{order.number[2:]}",
        order_no=order.number,
        freight=order.freight + order.insurance,
        weight=weight.quantize(Decimal("0.001")),
        consignee=order.consignee_name,
        consignee_address=order.consignee_address,
        consignee_telephone=order.consignee_phone,
        app_time=now,
        transfer=BaseTransfer(
            cop_code=logistics_code, cop_name="Twoway Sandbox Express", dxp_id="DXPENT0000000003"
        ),
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


def _declaration(order: Order) -> CustomsDeclaration:
    declaration, _created = CustomsDeclaration.objects.get_or_create(order=order)
    return declaration


def _record(declaration: CustomsDeclaration, **fields) -> None:
    """Write some fields of the declaration (and its ``updated_at``: the sweep's clock)."""
    for name, value in fields.items():
        setattr(declaration, name, value)
    declaration.updated_at = timezone.now()
    CustomsDeclaration.objects.filter(pk=declaration.pk).update(
        **fields, updated_at=declaration.updated_at
    )


def _hold(
    order: Order,
    declaration: CustomsDeclaration,
    reason: str,
    code: str,
    now: datetime | None = None,
    **fields,
) -> Order:
    logger.warning("order %s held: %s", order.number, reason)
    with transaction.atomic():
        _record(declaration, info=reason[:2000], **fields)
        return checkout.order_transition(
            order=order,
            to=OrderStatus.HELD,
            actor_label="customs",
            reason=reason,
            hold_code=code,
            now=now,
        )


def _build(order: Order, now: datetime) -> tuple[DeclarationDocuments, str]:
    """The three documents and their XML; ``CustomsMessageInvalid``/``ValueError`` when they
    cannot be built. Returns the clear ID number too (to mask what is stored; never stored)."""
    ceb_order, ceb_payment, ceb_logistics, id_number = documents_for(order, now=now)
    messages = {
        MessageType.ORDER: build_ceb311(ceb_order),
        MessageType.PAYMENT: build_ceb411(ceb_payment),
        MessageType.LOGISTICS: build_ceb511(ceb_logistics),
    }
    return DeclarationDocuments(
        order=ceb_order, payment=ceb_payment, logistics=ceb_logistics, messages=messages
    ), id_number


def order_declare(*, order_id: int, now: datetime | None = None) -> Order:
    """Screen, flag EEI, build and validate the three documents of a paid export order, mark it
    declared with the messages stored (a short transaction), then submit them through the
    customs gateway after that commit — never inside the transaction holding the order lock. A
    message that cannot be built, a failed match or a rejection holds the order with the reason;
    a gateway that cannot be reached (or is not configured) leaves it for the scheduled sweep.
    ``now`` (default: the clock) dates the messages and the transitions (the demo's history)."""
    now = now or timezone.now()
    order = Order.objects.select_related("business", "identity", "purchase").get(pk=order_id)
    if order.status != OrderStatus.PAID:
        return order
    declaration = _declaration(order)
    hold = _screen(order)
    if hold:
        return _hold(
            order, declaration, f"Consolidated Screening List: {hold}", checkout.HOLD_CSL, now
        )
    decision = eei_check(
        lines=[
            ExportLine(
                schedule_b=line.hs_code, value_usd=line.customs_value_usd, description=line.title
            )
            for line in order.lines.all()
        ],
        destination_country="CN",
        day=now.date(),
    )
    _record(
        declaration,
        eei_required=decision.required,
        eei_reason=f"{decision.rule}: {decision.citation}"[:300],
    )
    try:
        gateway = get_gateway()
    except CustomsGatewayUnavailable as exc:  # e.g. production without its Single Window keys
        _record(declaration, status=DeclarationStatus.NOT_SUBMITTED, info=str(exc)[:2000])
        logger.warning("order %s not declared: %s", order.number, exc)
        return Order.objects.get(pk=order.pk)
    id_number = ""
    try:
        documents, id_number = _build(order, now)
    except (CustomsMessageInvalid, ValueError) as exc:
        text = str(exc)
        if id_number:
            text = text.replace(id_number, mask_id_number(id_number))
        return _hold(
            order,
            declaration,
            f"The customs declaration could not be built: {text}",
            checkout.HOLD_CUSTOMS,
            now,
            status=DeclarationStatus.BUILD_FAILED,
        )
    match = three_document_match(documents.order, documents.payment, documents.logistics)
    if not match.ok:
        return _hold(
            order,
            declaration,
            f"Three-document match failed: {match.summary()}",
            checkout.HOLD_CUSTOMS,
            now,
            status=DeclarationStatus.MATCH_FAILED,
        )
    masked = mask_id_number(id_number)
    kinds: dict[MessageType, CebOrder | CebPayment | CebLogistics] = {
        MessageType.ORDER: documents.order,
        MessageType.PAYMENT: documents.payment,
        MessageType.LOGISTICS: documents.logistics,
    }
    try:
        with transaction.atomic():
            checkout.order_transition(
                order=order,
                to=OrderStatus.DECLARED,
                actor_label="customs",
                reason="CEB311 order, CEB411 payment and CEB511 waybill agree (three-document match).",
                now=now,
                expect_from=OrderStatus.PAID,
            )
            for kind, xml in documents.messages.items():
                CustomsMessage.objects.create(
                    order=order,
                    message_type=str(kind),
                    guid=kinds[kind].guid,
                    xml_masked=xml.decode("utf-8").replace(id_number, masked),
                    sent_at=now,
                )
            _record(
                declaration,
                status=DeclarationStatus.SUBMITTED,
                info="",
                gateway=gateway.name,
                guid=documents.order.guid,
                reference="",
                submitted_at=None,
                reply_code="",
                reply_text="",
                replied_at=None,
            )
    except DomainError as exc:  # held (or cancelled) while the documents were being built
        logger.warning("order %s not declared: %s", order.number, exc.message)
        return Order.objects.get(pk=order.pk)
    return _submit(order, declaration, documents, gateway, now=now)


def _submit(
    order: Order,
    declaration: CustomsDeclaration,
    documents: DeclarationDocuments,
    gateway: CustomsGateway,
    *,
    now: datetime | None = None,
) -> Order:
    """Send the stored declaration through the gateway (outside any order lock) and apply the
    receipts that came back."""
    now = now or timezone.now()
    attempts = declaration.attempts + 1
    try:
        result = gateway.submit(documents, now=now)
    except CustomsGatewayUnavailable as exc:
        _record(
            declaration,
            status=DeclarationStatus.SUBMIT_FAILED,
            info=str(exc)[:2000],
            attempts=attempts,
        )
        logger.warning("order %s: customs submission failed, will retry: %s", order.number, exc)
        return Order.objects.get(pk=order.pk)
    with transaction.atomic():
        _record(
            declaration,
            attempts=attempts,
            submitted_at=now,
            reference=result.reference[:64],
            gateway=result.gateway,
        )
        return receipts_apply(order=order, result=result, now=now)


def receipts_apply(*, order: Order, result: GatewayResult, now: datetime | None = None) -> Order:
    """Customs' receipts for an order's messages: stored on the messages and the declaration; once
    customs has decided, the order is cleared or held with the reason."""
    now = now or timezone.now()
    declaration = _declaration(order)
    with transaction.atomic():
        for kind, reply in result.replies.items():
            CustomsMessage.objects.filter(order=order, message_type=str(kind)).update(
                reply_code=reply.code,
                reply_status=str(reply.status),
                reply_info=reply.info,
                replied_at=now,
            )
        lead = result.replies.get(MessageType.ORDER) or next(iter(result.replies.values()), None)
        if lead is not None:
            _record(declaration, reply_code=lead.code, reply_text=lead.info[:2000], replied_at=now)
        if not result.decided:  # sent; customs answers later
            return Order.objects.get(pk=order.pk)
        try:
            return customs_reply_apply(
                order=order,
                accepted=result.accepted,
                info="; ".join(result.reasons) or "Released (code 120).",
                now=now,
            )
        except DomainError as exc:  # held while customs answered: the hold stands
            logger.warning("order %s: customs reply not applied: %s", order.number, exc.message)
            return Order.objects.get(pk=order.pk)


def declarations_sweep(*, now=None, grace_minutes: int = 1, limit: int = 200) -> int:
    """Declare paid export orders that have waited past the grace period (a lost task, a broker
    outage, a gateway that was down or not configured), and send again declared orders whose
    submission failed or never left. Returns how many were attempted."""
    now = now or timezone.now()
    before = now - dt.timedelta(minutes=grace_minutes)
    due = list(
        Order.objects.filter(direction="us_export", status=OrderStatus.PAID, paid_at__lt=before)
        .exclude(
            customs_declaration__status__in=(
                DeclarationStatus.SUBMITTED,
                DeclarationStatus.ACCEPTED,
            )
        )
        .order_by("paid_at")
        .values_list("pk", flat=True)[:limit]
    )
    # Declared, but the gateway failed (or the process died before it was asked): send again.
    unsent = list(
        CustomsDeclaration.objects.filter(order__status=OrderStatus.DECLARED, updated_at__lt=before)
        .filter(
            models.Q(status=DeclarationStatus.SUBMIT_FAILED)
            | models.Q(status=DeclarationStatus.SUBMITTED, submitted_at__isnull=True)
        )
        .order_by("updated_at")
        .values_list("order_id", flat=True)[:limit]
    )
    for order_id in due:
        try:
            order_declare(order_id=order_id)
        except Exception:  # noqa: BLE001 - one bad order must not stop the others
            logger.exception("declaring order %s failed", order_id)
    for order_id in unsent:
        try:
            order = Order.objects.select_related("business", "identity", "purchase").get(
                pk=order_id
            )
            documents, _id = _build(order, timezone.now())
            _submit(order, _declaration(order), documents, get_gateway())
        except Exception:  # noqa: BLE001
            logger.exception("resubmitting order %s failed", order_id)
    return len(due) + len(unsent)


def customs_reply_apply(
    *, order: Order, accepted: bool, info: str, now: datetime | None = None
) -> Order:
    """Customs answered: cleared, or held with the reason so a person can fix and release it."""
    with transaction.atomic():
        _record(
            _declaration(order),
            status=DeclarationStatus.ACCEPTED if accepted else DeclarationStatus.REJECTED,
            info=info[:2000],
        )
        if accepted:
            return checkout.order_transition(
                order=order,
                to=OrderStatus.CLEARED,
                actor_label="customs",
                reason=f"Customs accepted: {info}",
                now=now,
                expect_from=OrderStatus.DECLARED,
            )
        return checkout.order_transition(
            order=order,
            to=OrderStatus.HELD,
            actor_label="customs",
            reason=f"Customs rejected the declaration: {info}",
            hold_code=checkout.HOLD_CUSTOMS,
            now=now,
            expect_from=OrderStatus.DECLARED,
        )
