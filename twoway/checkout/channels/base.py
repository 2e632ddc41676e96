"""What a trade channel decides in checkout (the strategy of django-oscar's ``partner.strategy``):
one cart service and one placement service (``checkout.services``) ask the channel policy for
everything that differs between a buyer in China buying from US sellers (export, CBEC) and a
buyer in the US buying from Chinese sellers (import, US landed cost).

A policy supplies:

* ``quote_for(items=…, day=…, identity=…)`` — the cart priced per seller shipment (read-only):
  an object with ``ok``, ``all_problems``, ``total_payable`` and ``sellers``;
* ``cart_line_check(product, quantity)`` — why a product cannot go into this channel's cart;
* ``buyer_check`` / ``delivery_check`` — who may buy and where it may go (real-name identity
  and a consignee for customs; a US state of delivery);
* ``quota_claim(quote, delivery, year)`` — the per-person annual limit to reserve (or None);
* ``order_for`` / ``lines_for`` / ``placed_reason`` — the order columns, the order lines and the
  first event's words this channel writes.

Policies hold no state; ``EXPORT`` and ``IMPORT`` (in ``checkout.channels``) are the instances.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from twoway.catalog.models import Product

if TYPE_CHECKING:
    from twoway.identity.models import RealNameIdentity, User

    from ..models import Order, OrderLine, Purchase


@dataclass(frozen=True)
class CartItem:
    product: Product
    quantity: int


@dataclass(frozen=True)
class Consignee:
    name: str
    phone: str
    address: str
    district: str = ""  # 6-digit GB/T 2260 code

    def __post_init__(self) -> None:  # issue 9: one text validator; names NFKC, trimmed
        from twoway.core.text import clean_fields

        clean = clean_fields(
            {
                "consignee.name": self.name,
                "consignee.phone": self.phone,
                "consignee.address": self.address,
                "consignee.district": self.district,
            },
            names={"consignee.name"},
        )
        for attr in ("name", "phone", "address", "district"):
            object.__setattr__(self, attr, clean[f"consignee.{attr}"])


@dataclass(frozen=True)
class Delivery:
    """Who the purchase is for and where it goes, checked by the channel."""

    consignee: Consignee
    identity: RealNameIdentity | None = None  # export: the buyer's real name for customs
    state: str = ""  # import: the US state of delivery

    @property
    def fingerprint(self) -> str:
        """What besides the items makes two placements the same request."""
        if self.identity is not None:
            return f"{self.identity.pk}|{self.consignee}"
        return f"import|{self.state}|{self.consignee}"


@dataclass(frozen=True)
class QuotaClaim:
    """A per-person annual amount to reserve in the placement transaction."""

    id_number_hash: str
    year: int
    amount: Decimal
    annual: Decimal


class ChannelPolicy:
    """Base of the channel policies. Subclasses set the class attributes and the methods."""

    #: "export" or "import": the channel's name in the API.
    name: ClassVar[str]
    #: "cn" (buyers in China) or "us" (buyers in the US): the URL prefix of the buyer's pages.
    code: ClassVar[str]
    #: ``checkout.models.Direction`` of the purchases and orders written.
    direction: ClassVar[str]
    #: Currency the buyer pays in.
    currency: ClassVar[str]
    #: ``identity.models.Role`` of the buyers.
    buyer_role: ClassVar[str]
    #: URL namespace of the buyer's pages.
    namespace: ClassVar[str]
    #: ``businesses.Country`` of the sellers who sell through this channel.
    seller_country: ClassVar[str]
    #: The catalogue market (storefront) the channel's buyers browse and search in.
    market: ClassVar[str]

    # --- reads ------------------------------------------------------------------------------

    def quote(
        self, *, items: list[CartItem], day: dt.date, identity: RealNameIdentity | None = None
    ) -> Any:
        raise NotImplementedError

    def quote_for(
        self, *, items: dict[int, int], day: dt.date, identity: RealNameIdentity | None = None
    ) -> Any:
        """``quote`` from product ids and quantities (read-only); an unknown id is NotFound."""
        from twoway.core.errors import NotFound

        products = {
            p.pk: p for p in Product.objects.select_related("business").filter(pk__in=list(items))
        }
        missing = [pid for pid in items if pid not in products]
        if missing:
            raise NotFound(f"Product {missing[0]}")
        return self.quote(
            items=[CartItem(products[pid], qty) for pid, qty in items.items()],
            day=day,
            identity=identity,
        )

    def cart_line_check(self, product: Product, quantity: int) -> None:
        """Raise DomainError when ``product`` cannot be put in this channel's cart."""
        raise NotImplementedError

    # --- placement --------------------------------------------------------------------------

    def buyer_check(self, *, buyer: User, identity: RealNameIdentity | None) -> None:
        """Checks on the buyer made before anything else (the first error a placement gives)."""

    def delivery_check(
        self, *, consignee: Consignee, identity: RealNameIdentity | None, state: str
    ) -> Delivery:
        raise NotImplementedError

    def quota_claim(self, *, quote: Any, delivery: Delivery, year: int) -> QuotaClaim | None:
        return None

    def order_for(
        self,
        *,
        purchase: Purchase,
        buyer: User,
        seller: Any,
        quote: Any,
        delivery: Delivery,
        number: str,
        now: dt.datetime,
    ) -> Order:
        raise NotImplementedError

    def lines_for(self, *, order: Order, seller: Any) -> list[OrderLine]:
        raise NotImplementedError

    def placed_reason(self, *, order: Order, reserved_until: dt.datetime, now: dt.datetime) -> str:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code}>"
