"""Counts product page views for sellers' conversion figures (``insights``): after a product page
(China storefront or US import page) answered 200 to a GET, one view for the day, unless the
visitor is a robot or works for the seller. Nothing about the visitor is kept."""

from __future__ import annotations

import logging

from twoway.insights.services import product_view_record

logger = logging.getLogger(__name__)
PRODUCT_PAGES = {("web", "product_detail"), ("us_import", "product")}


class ProductViewCounterMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            request.method == "GET"
            and response.status_code == 200
            and match is not None
            and (match.namespace, match.url_name) in PRODUCT_PAGES
            and "product_id" in match.kwargs
            and not request.headers.get("HX-Request")
        ):
            user = getattr(request, "user", None)
            if (
                user is not None
                and user.is_authenticated
                and user.memberships.filter(
                    business__products__pk=match.kwargs["product_id"]
                ).exists()
            ):
                return response  # the seller's own staff looking at their listing
            try:
                product_view_record(
                    product_id=match.kwargs["product_id"],
                    user_agent=request.headers.get("User-Agent", ""),
                )
            except Exception:  # a counter must never break the page
                logger.exception("product view not counted")
        return response
