"""What a seller's insights look at, per trade channel (a policy object, not if-chains).

A US seller sells to consumers in China (export): its buyers are counted by Chinese province
(from the consignee's address code), its share is China's share of its revenue and its demand
is what people search for on the China storefront. A Chinese seller sells to US consumers
(import): buyers by US state (the order's state of delivery), the US share of revenue, searches
on the US import storefront. ``market_of(business)`` picks the policy through the seller's
checkout channel (``checkout.channels.channel_of_seller``); the selectors and the page ask it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from twoway.businesses.models import Business
from twoway.checkout.channels import EXPORT, IMPORT, ChannelPolicy, channel_of_seller
from twoway.reference import labels
from twoway.reference.models import ChinaProvince, UsState


def _province_names() -> dict[str, tuple[str, str]]:
    rows = ChinaProvince.objects.values_list("code", "name_en", "name_zh")
    return {code: (en, zh) for code, en, zh in rows}


def _state_names() -> dict[str, tuple[str, str]]:
    chinese = labels.state_names_zh()
    return {
        code: (name, chinese.get(code, name))
        for code, name in UsState.objects.values_list("code", "name")
    }


@dataclass(frozen=True)
class BuyerRegions:
    """Where a channel's buyers are, read off the order's delivery address (counts, no names)."""

    key: str  # "province" | "state": names the page's rows
    column: str  # the Order column holding it
    width: int  # how many leading characters of the column name the region
    names: Callable[[], dict[str, tuple[str, str]]]  # code -> (English, Chinese)


@dataclass(frozen=True)
class SellerMarket:
    """The buyers' market a seller's insights are about, and the page's words for it."""

    key: str  # "china" | "us"
    channel: ChannelPolicy
    regions: BuyerRegions
    share_label: Promise
    regions_title: Promise
    region_header: Promise
    regions_note: Promise
    regions_empty: Promise
    #: the language buyers search in (marks their queries up on the page)
    query_language: str
    #: where the demand figures come from ("" for the China storefront, whose page links it)
    demand_source: Promise | str = ""
    #: URL name of the page with the market's full demand report ("" when there is none)
    demand_page: str = ""
    demand_page_label: Promise | str = ""

    @property
    def search_market(self) -> str:
        return self.channel.market


CHINA = SellerMarket(
    key="china",
    channel=EXPORT,
    regions=BuyerRegions("province", "consignee_district", 2, _province_names),
    share_label=_("China's share of your revenue"),
    regions_title=_("Buyers by province"),
    region_header=_("Province"),
    regions_note=_("Counted from the province of each delivery address; no buyer is named."),
    regions_empty=_("No buyers in China in this period."),
    query_language="zh-Hans",
    demand_page="search:demand",
    demand_page_label=_("What buyers in China are looking for"),
)

US = SellerMarket(
    key="us",
    channel=IMPORT,
    regions=BuyerRegions("state", "consignee_state", 2, _state_names),
    share_label=_("US share of your revenue"),
    regions_title=_("Buyers by US state"),
    region_header=_("State"),
    regions_note=_("Counted from the state of each delivery address; no buyer is named."),
    regions_empty=_("No buyers in the US in this period."),
    query_language="en",
    demand_source=_("Searches on the US import storefront in the last 90 days."),
)

MARKETS: dict[str, SellerMarket] = {m.channel.direction: m for m in (CHINA, US)}


def market_of(business: Business) -> SellerMarket:
    """The market the business sells to, through its checkout channel."""
    return MARKETS[channel_of_seller(business).direction]
