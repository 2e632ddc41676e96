"""A local HTTP receiver for webhook tests (127.0.0.1, a free port, answers as told)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Receiver:
    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.status = 204
        handler_owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                handler_owner.requests.append((dict(self.headers.items()), body))
                self.send_response(handler_owner.status)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/twoway"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def shop(db, make_seller, make_product, make_buyer, settings, tmp_path):
    """Business A (owner, fulfilment and catalogue staff), a product and a placed purchase;
    business B with its owner."""
    from twoway.businesses.models import Membership
    from twoway.checkout import services as checkout
    from twoway.checkout.channels import EXPORT
    from twoway.identity.models import User

    settings.TWOWAY_PAYMENT_KEY_DIR = str(tmp_path)
    a, b = make_seller(), make_seller("Hawkeye Oats LLC", "IA")
    people = {}
    for business, tag in ((a, "a"), (b, "b")):
        for role in ("owner", "catalogue", "fulfilment", "finance"):
            user = User.objects.create(
                username=f"{role}-{tag}", email=f"{role}@{tag}.example", role="seller_staff"
            )
            Membership.objects.create(user=user, business=business, role=role)
            people[f"{role}_{tag}"] = user
    product_a, product_b = make_product(a, stock=20), make_product(b, stock=20)
    buyer, identity = make_buyer()
    purchase = checkout.purchase_place(
        channel=EXPORT,
        buyer=buyer,
        items={product_a.pk: 1},
        identity=identity,
        consignee=checkout.Consignee("张三", "13800138000", "北京市东城区东长安街1号", "110101"),
    )
    return {
        "a": a,
        "b": b,
        "product_a": product_a,
        "product_b": product_b,
        "purchase": purchase,
        "order": purchase.orders.get(),
        **people,
    }
