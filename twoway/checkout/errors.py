"""Checkout error codes (the `rule` of a DomainError)."""

from __future__ import annotations

from enum import StrEnum


class CheckoutErrorCode(StrEnum):
    OUT_OF_STOCK = "out_of_stock"
    NOT_FOR_SALE = "not_for_sale"
    NOT_ON_POSITIVE_LIST = "not_on_positive_list"
    OVER_TRANSACTION_LIMIT = "over_transaction_limit"
    OVER_ANNUAL_QUOTA = "over_annual_quota"
    EMPTY_CART = "empty_cart"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    PAYER_NOT_BUYER = "payer_not_buyer"
    ILLEGAL_TRANSITION = "illegal_transition"
    WRONG_MARKET = "wrong_market"
    BLOCKED_LISTING = "blocked_listing"


def caps_check(items: dict[int, int]) -> None:
    """Refuse a purchase over the caps of ``rules.caps`` (settings documented in the README)."""
    from django.conf import settings
    from django.utils.translation import gettext as _

    from twoway.core.errors import DomainError, FieldProblem

    from .rules.caps import RULE_LINES, cap_problems

    max_quantity = int(getattr(settings, "TWOWAY_MAX_QUANTITY_PER_PRODUCT", 999))
    max_lines = int(getattr(settings, "TWOWAY_MAX_LINES_PER_ORDER", 50))
    problems = cap_problems(items, max_quantity=max_quantity, max_lines=max_lines)
    if not problems:
        return
    shown = []
    for p in problems:
        if p.rule == RULE_LINES:
            text = _("At most %(max)d different products in one purchase (%(asked)d asked).") % {
                "max": max_lines,
                "asked": len(items),
            }
        else:
            asked = items[int(p.field.split(".", 1)[1])]
            text = _(
                "At most %(max)d of one product in one purchase (%(asked)d asked, repeated lines "
                "added up)."
            ) % {"max": max_quantity, "asked": asked}
        shown.append(FieldProblem(p.field, p.rule, text))
    raise DomainError("; ".join(p.message for p in shown), shown)
