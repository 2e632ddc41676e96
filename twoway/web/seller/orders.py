"""The seller's order queue (both channels) and the ship action. Thin: parse, authorize, call
one service or selector, render."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twoway.checkout import selectors, services
from twoway.checkout.models import Direction, Order, OrderStatus
from twoway.checkout.rules.order_status import PIPELINES, is_ready_to_ship
from twoway.core.errors import DomainError
from twoway.web.auth import SellerRequest, signed_in_user
from twoway.web.checkout import page_data
from twoway.web.seller.access import seller_page

from .forms import ShipForm

QUEUE_PAGE_SIZE = 25
QUEUE_LIMIT = 10_000  # pages reach this far back; older orders are in the admin


def _queue(
    request: HttpRequest,
    *,
    business_id: int | None,
    ship_errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    chosen = request.GET.get("status", "")
    chosen = chosen if chosen in OrderStatus.values else ""
    queue: QuerySet[Order] | list[Order] = (
        selectors.order_queue_for_seller(
            business_id=business_id, status=chosen or None, limit=QUEUE_LIMIT
        )
        if business_id
        else []
    )
    # One page of the queue at a time (a busy seller has thousands of orders).
    page = Paginator(queue, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    business = getattr(request, "seller_business", None)
    # The statuses this seller's orders pass through (a Chinese seller's imports never meet
    # China customs), in the state machine's order.
    direction = Direction.US_IMPORT if business and business.country == "CN" else None
    statuses = [
        (code, label)
        for code, label in OrderStatus.choices
        if direction is None or code in PIPELINES[direction]
    ]
    context = {
        "orders": list(page.object_list),
        "page": page,
        "business_id": business_id,
        "status": chosen,
        "statuses": statuses,
        "ship_errors": ship_errors or {},
        "shipped": request.GET.get("shipped", ""),
        "business": business,
    }
    return render(request, "checkout/seller_orders.html", context, status=status)


@seller_page("fulfilment")
def seller_orders(request: SellerRequest) -> HttpResponse:
    return _queue(request, business_id=request.seller_business.pk)


@seller_page("fulfilment")
@require_POST
def seller_order_ship(request: SellerRequest, number: str) -> HttpResponse:
    business_id = request.seller_business.pk
    order = (
        page_data.seller_order_get(business_id=business_id, number=number) if business_id else None
    )
    if order is None:
        raise Http404
    form = ShipForm(request.POST)
    if not is_ready_to_ship(order.direction, order.status):
        if order.direction == Direction.US_IMPORT:
            error = _("Only paid orders can be shipped; this one is: %(status)s.")
        else:
            error = _("Only orders cleared by customs can be shipped; this one is: %(status)s.")
        error = error % {"status": order.get_status_display()}
        return _queue(request, business_id=business_id, ship_errors={number: error}, status=409)
    if not form.is_valid():
        error = _("Enter the carrier's tracking number (4 to 40 characters).")
        return _queue(request, business_id=business_id, ship_errors={number: error}, status=400)
    try:
        services.order_ship(
            order=order,
            by=signed_in_user(request),
            tracking_number=form.cleaned_data["tracking_number"].strip(),
            carrier=request.POST.get("carrier", ""),
        )
    except DomainError as exc:
        return _queue(
            request, business_id=business_id, ship_errors={number: exc.message}, status=exc.status
        )
    return redirect(reverse("checkout:seller_orders") + f"?shipped={order.number}")
