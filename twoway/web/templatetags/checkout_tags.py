"""Template helpers of the checkout pages: money, masked names, status and actor labels."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django import template
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

register = template.Library()

#: Short status names for the buyer's and seller's pages (the steps of the timeline).
STATUS_LABELS: dict[str, StrOrPromise] = {
    "created": pgettext_lazy("order status", "Awaiting payment"),
    "paid": pgettext_lazy("order status", "Paid"),
    "held": pgettext_lazy("order status", "Held for compliance review"),
    "declared": pgettext_lazy("order status", "Declared to customs"),
    "cleared": pgettext_lazy("order status", "Cleared customs"),
    "shipped": pgettext_lazy("order status", "Shipped"),
    "delivered": pgettext_lazy("order status", "Delivered"),
    "cancelled": pgettext_lazy("order status", "Cancelled"),
    "refunded": pgettext_lazy("order status", "Refunded"),
    "returned": pgettext_lazy("order status", "Returned"),
}

#: What an event did, when it differs from the status it left the order in.
EVENT_LABELS: dict[str, StrOrPromise] = {"created": pgettext_lazy("order event", "Order placed")}

#: The normal path of an export order, drawn as steps.
EXPORT_STEPS = ["created", "paid", "declared", "cleared", "shipped", "delivered"]

ACTOR_LABELS = {
    "buyer": _("you (the buyer)"),
    "seller": _("the seller"),
    "customs": _("China customs"),
    "compliance": _("Twoway compliance screening"),
    "system": _("Twoway"),
    "carrier": _("the carrier"),
    "operator": _("Twoway operations"),
    "provider:alipay": _("Alipay"),
    "provider:wechat": _("WeChat Pay"),
    "provider:card": _("the card processor"),
}

CUSTOMS_LABELS = {
    "": _("not declared yet"),
    "pending": _("not declared yet"),
    "not_submitted": _("waiting for the customs connection"),
    "build_failed": _("could not be prepared"),
    "submitted": _("sent, waiting for customs"),
    "submit_failed": _("sending failed, will retry"),
    "accepted": _("accepted, released"),
    "rejected": _("rejected"),
    "match_failed": _("documents do not match, not sent"),
}


MINUS = "\u2212"  # a typographic minus: "−$3,132.82", never "$-3,132.82"


def _money(symbol: str, amount) -> str:
    if amount is None or amount == "":
        return ""
    value = Decimal(amount)
    sign = MINUS if value < 0 else ""
    return f"{sign}{symbol}{abs(value):,.2f}"


@register.filter
def millions(amount) -> str:
    """USD millions with one decimal, grouped, typographic minus: −273,041.7."""
    if amount is None or amount == "":
        return ""
    value = Decimal(amount).quantize(Decimal("0.1"))
    return f"{MINUS if value < 0 else ''}{abs(value):,.1f}"


@register.filter
def cny(amount) -> str:
    return _money("¥", amount)


@register.filter
def usd(amount) -> str:
    return _money("$", amount)


@register.filter
def amount(value) -> str:
    """Money without a currency sign, to the cent, grouped, typographic minus: −1,234.50 (a
    column whose currency the heading names)."""
    return _money("", value)


@register.filter
def plain(value) -> str:
    """A Decimal without trailing zeros and without localisation: 7.188400 → '7.1884'."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value).normalize():f}"


@register.filter
def percent(rate) -> str:
    """0.091 → '9.1%' (a fraction shown as a percentage, trailing zeros dropped)."""
    if rate is None:
        return ""
    value = (Decimal(rate) * 100).quantize(Decimal("0.01")).normalize()
    return f"{value:f}%"


@register.filter
def mask_name(name: str) -> str:
    """'张三' → '张*', 'Li Xiaoming' → 'L**********': the family name's first character only."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)


@register.filter
def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@register.filter
def event_label(status: str) -> str:
    return str(EVENT_LABELS.get(status) or STATUS_LABELS.get(status, status))


@register.filter
def actor_label(label: str) -> str:
    return str(ACTOR_LABELS.get(label, label))


@register.filter
def customs_label(status: str) -> str:
    return str(CUSTOMS_LABELS.get(status or "", status))


@register.simple_tag
def order_steps(order) -> list[dict]:
    """The export steps with done/current flags; an order off the normal path shows its status."""
    reached = {e.to_status for e in order.events.all()} | {order.status}
    steps = []
    for code in EXPORT_STEPS:
        steps.append(
            {
                "code": code,
                "label": EVENT_LABELS.get(code) or STATUS_LABELS[code],
                "done": code in reached,
                "current": code == order.status,
            }
        )
    return steps


_CJK = ("\u4e00", "\u9fff")


@register.filter
def for_reader(text: str) -> str:
    """Free text written by a system in English (event reasons, a sandbox's customs reply) is
    shown to an English reader; a Chinese reader gets it only when it is in Chinese (the
    translated status and timeline labels already say what happened)."""
    from twoway.checkout.event_reasons import translate_reason

    text = text or ""
    known = translate_reason(text)  # the system's own reasons, in the reader's language
    if known is not None:
        return known
    if not translation.get_language() or not translation.get_language().startswith("zh"):
        return text
    return text if any(_CJK[0] <= ch <= _CJK[1] for ch in text) else ""
