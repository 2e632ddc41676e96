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
