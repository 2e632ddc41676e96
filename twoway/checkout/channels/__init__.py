"""Channel policies: what differs between the two trade directions in one checkout.

``EXPORT`` (buyers in China, US sellers, CBEC) and ``IMPORT`` (buyers in the US, Chinese
sellers, US landed cost) are the two policies; ``checkout.services`` runs one cart and one
placement path with either. See ``channels.base.ChannelPolicy`` for what a policy supplies.
"""

from __future__ import annotations

from .base import CartItem, ChannelPolicy, Consignee, Delivery, QuotaClaim
from .export import ExportChannel
from .us_import import ImportChannel

EXPORT = ExportChannel()
IMPORT = ImportChannel()
CHANNELS: dict[str, ChannelPolicy] = {EXPORT.code: EXPORT, IMPORT.code: IMPORT}


def channel_for(code_or_direction: str) -> ChannelPolicy:
    """The policy for a URL prefix ("cn", "us") or an order's direction."""
    for channel in CHANNELS.values():
        if code_or_direction in (channel.code, channel.direction):
            return channel
    raise KeyError(code_or_direction)


def channel_of_seller(business) -> ChannelPolicy:
    """The channel a business sells through: Chinese sellers to US consumers (import), US
    sellers to consumers in China (export)."""
    for channel in CHANNELS.values():
        if channel.seller_country == business.country:
            return channel
    return EXPORT


__all__ = [
    "CHANNELS",
    "EXPORT",
    "IMPORT",
    "CartItem",
    "ChannelPolicy",
    "Consignee",
    "Delivery",
    "ExportChannel",
    "ImportChannel",
    "QuotaClaim",
    "channel_for",
    "channel_of_seller",
]
