"""What a business API key may do: its scopes, each with a description (data, not code paths).

An endpoint names the one scope it needs; a key without it gets 403 naming the scope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ORDERS_READ = "orders:read"
PRODUCTS_WRITE = "products:write"
SHIPMENTS_WRITE = "shipments:write"

#: scope → (what it opens, for the seller choosing; the seller permission the issuer needs)
SCOPES: dict[str, tuple[StrOrPromise, str]] = {
    ORDERS_READ: (
        _("Read orders: the order queue and each order of this business, and its returns."),
        "fulfilment",
    ),
    PRODUCTS_WRITE: (
        _("Write products: create and change listings, and adjust stock."),
        "catalogue",
    ),
    SHIPMENTS_WRITE: (
        _(
            "Write shipments: mark orders shipped with the carrier's tracking number (orders "
            "to China once customs cleared them, orders to the US once paid)."
        ),
        "fulfilment",
    ),
}

#: webhook event → what it tells (for the seller choosing what to receive)
EVENTS: dict[str, StrOrPromise] = {
    "order.paid": _("An order was paid."),
    "order.cleared": _("China customs cleared an order to China: it can be shipped."),
    "order.shipped": _("An order was shipped: the carrier and tracking number are in it."),
    "order.cancelled": _("An order was cancelled."),
    "refund.requested": _("A refund of an order was requested."),
    "listing.blocked": _("A listing was blocked by a regulator or an operator."),
}


def scope_choices() -> list[tuple[str, str]]:
    return [(name, str(text)) for name, (text, _perm) in SCOPES.items()]


def event_choices() -> list[tuple[str, str]]:
    return [(name, str(text)) for name, text in EVENTS.items()]
