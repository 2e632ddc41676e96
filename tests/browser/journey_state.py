"""Realistic starting points for the journeys, written through the product's own services
(sign-up, identity registration, purchase placement, the order state machine) so the state obeys
every rule a real history would: quota consumed, stock taken, events and ledger entries written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from twoway.businesses.models import Business, Membership
from twoway.catalog.models import Product
from twoway.checkout import services as checkout
from twoway.checkout.channels import EXPORT
from twoway.checkout.models import Order, OrderStatus, Purchase
from twoway.demo.generate import uscc_for
from twoway.identity.models import RealNameIdentity, User
from twoway.identity.services import real_name_identity_register
from twoway.reference.models import PositiveListEntry

from .journey import PASSWORD

EXPORT_PATH = [
    OrderStatus.PAID,
    OrderStatus.DECLARED,
    OrderStatus.CLEARED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
]


def person(username: str, role: str, language: str = "") -> User:
    user = User.objects.create(
        username=username, email=username, role=role, preferred_language=language
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def listed_line(prefix: str) -> str:
    entry = (
        PositiveListEntry.objects.filter(status="listed", hs_code_cn__startswith=prefix)
        .order_by("hs_code_cn")
        .first()
    )
    assert entry is not None, f"no positive-list line under {prefix}"
    return entry.hs_code_cn[:8]


def us_seller(
    name: str, name_zh: str, state: str, ein: str, *, staff: str | None = None
) -> Business:
    business = Business.objects.create(
        legal_name=name,
        display_name_zh=name_zh,
        country="US",
        us_state_id=state,
        city="Madison",
        postal_code="53703",
        employee_count=9,
        registration_number=ein,
        verification_status="verified",
        verified_at=timezone.now(),
        made_in_usa_attested=True,
        made_in_usa_attested_at=timezone.now(),
        made_in_usa_statement="Made in our own workshop from US materials.",
    )
    if staff:
        Membership.objects.create(
            user=person(staff, "seller_staff", "en"), business=business, role="owner"
        )
    return business


def cn_seller(name: str, name_zh: str, province: str, n: int, *, staff: str | None = None):
    business = Business.objects.create(
        legal_name=name,
        display_name_zh=name_zh,
        country="CN",
        cn_province_id=province,
        city="Hangzhou",
        postal_code="310000",
        employee_count=60,
        registration_number=uscc_for(n, 7, f"{province}0100"),
        verification_status="verified",
        verified_at=timezone.now(),
    )
    if staff:
        Membership.objects.create(
            user=person(staff, "seller_staff", "zh-hans"), business=business, role="owner"
        )
    return business


def export_product(
    business: Business,
    *,
    sku: str,
    title_en: str,
    title_zh: str,
    line: str,
    price: str,
    weight: str = "0.500",
    stock: int = 40,
) -> Product:
    return Product.objects.create(
        business=business,
        sku=sku,
        title_en=title_en,
        title_zh=title_zh,
        hs_code=line[:6],
        cn_tariff_line=line,
        origin_country="US",
        origin_us_state_id=business.us_state_id,
        unit_price=Decimal(price),
        currency="USD",
        weight_kg=Decimal(weight),
        stock_on_hand=stock,
        market_cn_export=True,
        market_us_domestic=True,
        status="active",
    )


def identity_for(user: User, name: str, id_number: str) -> RealNameIdentity:
    return real_name_identity_register(user=user, full_name=name, id_number=id_number)


CONSIGNEE = checkout.Consignee(
    name="李娜", phone="13900139000", address="上海市黄浦区南京东路100号", district="310101"
)


def past_export_order(
    *,
    buyer: User,
    identity: RealNameIdentity,
    items: dict[int, int],
    placed: dt.datetime,
    until: str = OrderStatus.DELIVERED,
    tracking: str = "SF1000000001",
) -> Purchase:
    """A purchase placed at ``placed`` and walked along the export path up to ``until``, each
    step a few hours or days later, through the same state machine a live order goes through."""
    purchase = checkout.purchase_place(
        channel=EXPORT, buyer=buyer, items=items, identity=identity, consignee=CONSIGNEE, now=placed
    )
    when = placed
    checkout.purchase_mark_paid(
        purchase=purchase,
        now=when + dt.timedelta(minutes=5),
        actor_label="provider:alipay",
        reason="Paid with Alipay.",
    )
    steps = {
        OrderStatus.DECLARED: ("customs", "Declared to China customs (CEB311/411/511)."),
        OrderStatus.CLEARED: ("customs", "Released by customs."),
        OrderStatus.SHIPPED: ("seller", f"Shipped, tracking {tracking}."),
        OrderStatus.DELIVERED: ("buyer", "Receipt confirmed."),
    }
    for order in Order.objects.filter(purchase=purchase):
        when = placed + dt.timedelta(minutes=5)
        for status in EXPORT_PATH[1:]:
            when += dt.timedelta(hours=20)
            actor, reason = steps[status]
            if status == OrderStatus.SHIPPED:
                Order.objects.filter(pk=order.pk).update(tracking_number=tracking)
            checkout.order_transition(
                order=order, to=status, actor_label=actor, reason=reason, now=when
            )
            if status == until:
                break
    return purchase


# --- the import direction: a Chinese seller's listings and orders from US consumers ----------

US_CONSIGNEE = checkout.Consignee(
    name="Maria Lopez", phone="608-555-0100", address="1 State St, Madison, WI 53703"
)


def import_product(
    business: Business,
    *,
    sku: str,
    title_en: str,
    title_zh: str,
    hts: str,
    price: str,
    province: str | None = None,
    suppliers: str = "Zhejiang Qiantang Cotton Spinning Co., Ltd.",
    weight: str = "0.300",
    stock: int = 60,
) -> Product:
    """A listing for US consumers, written as the listing editor writes it (product_create), so
    the labor-risk assessment runs: goods made in Xinjiang come back ``blocked``."""
    from twoway.catalog.services import product_create

    owner = Membership.objects.filter(business=business).select_related("user").first()
    assert owner is not None, f"{business} has no staff to list with"
    product = product_create(
        business=business,
        by=owner.user,
        sku=sku,
        title_en=title_en,
        title_zh=title_zh,
        hs_code=hts[:6],
        us_hts_line=hts,
        origin_country="CN",
        origin_cn_province=province or business.cn_province_id,
        unit_price=Decimal(price),
        currency="USD",
        weight_kg=Decimal(weight),
        stock_on_hand=stock,
        market_us_import=True,
        status="active",
        manufacturer=business.legal_name,
        raw_material_suppliers=suppliers,
    )
    product.refresh_from_db()
    return product


def past_import_order(
    *,
    buyer: User,
    items: dict[int, int],
    placed: dt.datetime,
    state: str = "WI",
    consignee: checkout.Consignee = US_CONSIGNEE,
    until: str = OrderStatus.DELIVERED,
    tracking: str = "EA123456785CN",
    carrier: str = "china_post",
) -> Order:
    """A US consumer's import order placed at ``placed``, paid by card (a real payment, so it can
    be refunded), then shipped by the seller with a checked tracking number and delivered, each
    step a day later, through the same services a live order goes through."""
    import time_machine

    from twoway.fulfilment.tests.fixtures import pay_import

    with time_machine.travel(placed, tick=False):
        purchase = checkout.purchase_place_import(
            buyer=buyer, items=items, consignee_state=state, consignee=consignee
        )
    with time_machine.travel(placed + dt.timedelta(minutes=4), tick=False):
        pay_import(purchase)
    order = Order.objects.get(purchase=purchase)
    if until in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        staff = Membership.objects.filter(business=order.business).first()
        assert staff is not None
        with time_machine.travel(placed + dt.timedelta(days=1), tick=False):
            checkout.order_ship(
                order=order, by=staff.user, tracking_number=tracking, carrier=carrier
            )
    if until == OrderStatus.DELIVERED:
        with time_machine.travel(placed + dt.timedelta(days=9), tick=False):
            checkout.order_receipt_confirm(order=order, by=buyer)
    order.refresh_from_db()
    return order
