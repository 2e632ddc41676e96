"""Realistic starting points for the journeys, written through the product's own services
(sign-up, identity registration, purchase placement, the order state machine) so the state obeys
every rule a real history would: quota consumed, stock taken, events and ledger entries written.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from django.utils import timezone

import twoway.compliance
from twoway.businesses.models import Business, Membership
from twoway.catalog.models import Product
from twoway.checkout import services as checkout
from twoway.checkout.channels import EXPORT, IMPORT
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
        purchase = checkout.purchase_place(
            channel=IMPORT, buyer=buyer, items=items, consignee_state=state, consignee=consignee
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


# --- shared set-up of the journeys (fixtures in conftest.py use these) ------------------------

CSL_SAMPLE = Path(twoway.compliance.__file__).parent / "data" / "csl_sample.csv"
WEBHOOK_SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "webhook_receiver.py"


def screening_list_load() -> None:
    """The consolidated screening list sample shipped with compliance (buyers and sellers are
    screened against it at checkout)."""
    from twoway.compliance.services import csl_load

    csl_load(path=CSL_SAMPLE)


def run_scheduled(*names: str) -> list[str]:
    """What `twoway worker --once` does for the named jobs of the schedule (Celery beat in
    production); every job must end "ok". Returns each run's line."""
    from twoway.config.schedule import SCHEDULE
    from twoway.operations.scheduler import Scheduler

    entries = [e for e in SCHEDULE if e.name in names]
    assert {e.name for e in entries} == set(names), names
    runs = Scheduler(entries, persist=False).tick()
    assert [r.outcome for r in runs] == ["ok"] * len(names), [r.line() for r in runs]
    return [r.line() for r in runs]


def buyer_cn(
    username: str, full_name: str, id_number: str, language: str = "zh-hans"
) -> tuple[User, RealNameIdentity]:
    """A consumer in China with a saved real-name identity."""
    buyer = person(username, "consumer_cn", language)
    return buyer, identity_for(buyer, full_name, id_number)


def silk_road_shirt() -> tuple[Business, Product]:
    """A Zhejiang garment maker (owner export@silkroad.example) and its men's oxford shirt for
    US buyers (an import, listed through the product's own service)."""
    cn = cn_seller(
        "Hangzhou Silk Road Garments Co., Ltd.",
        "杭州丝路服饰有限公司",
        "33",
        11,
        staff="export@silkroad.example",
    )
    shirt = import_product(
        cn,
        sku="OX-33",
        title_en="Men's cotton oxford shirt",
        title_zh="男士纯棉牛津纺衬衫",
        hts="6205202066",
        price="39.00",
        stock=40,
    )
    return cn, shirt


def sample_verify():
    """``verify`` of the sample receiver in docs/examples/webhook_receiver.py."""
    return _sample_module().verify


def _sample_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("webhook_receiver", WEBHOOK_SAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Received(NamedTuple):
    """One request the sample receiver answered."""

    kind: str  # the Twoway-Event header
    event_id: str
    status: int  # what the receiver answered: 204 verified, 400 refused
    body: bytes
    signature: str  # the Twoway-Signature header


class SampleReceiver:
    """The docs' sample receiver on a local port: its own handler verifies each request with
    ``secret`` (set it once the seller has the endpoint's secret) and answers 204, or 400 when
    the signature does not verify. ``received`` holds every request and the answer."""

    def __init__(self) -> None:
        import threading
        from http.server import ThreadingHTTPServer

        sample = _sample_module()
        owner = self
        self.received: list[Received] = []

        class Handler(sample.Receiver):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                self._twoway_body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.rfile = io.BytesIO(self._twoway_body)  # the sample's handler reads it again
                super().do_POST()

            def send_response(self, code, message=None) -> None:
                # Recorded before the answer goes out: the sender sees it only once it is here.
                owner.received.append(
                    Received(
                        self.headers.get("Twoway-Event", ""),
                        self.headers.get("Twoway-Event-Id", ""),
                        code,
                        self._twoway_body,
                        self.headers.get("Twoway-Signature", ""),
                    )
                )
                super().send_response(code, message)

            def log_message(self, *args) -> None:
                pass

        self.handler = Handler
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/twoway"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def secret(self) -> str:
        return self.handler.secret

    @secret.setter
    def secret(self, value: str) -> None:
        self.handler.secret = value

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
