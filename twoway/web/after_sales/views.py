"""After-sales pages (the buyer cancels or returns, the seller decides and receives) and the
payment providers' notify endpoint (raw body, no session, no CSRF), which hands the notification
to ``payments.services.notification_receive`` — the same service the sandbox wallet's delivery
calls. Thin: parse, authorize, call one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from twoway.businesses.permissions import (
    SellerNotMember,
    SellerPermissionDenied,
    require_seller_permission,
)
from twoway.checkout import services as checkout
from twoway.checkout.models import Order, ReturnRequest
from twoway.core.errors import DomainError, PermissionDenied
from twoway.payments import services
from twoway.payments.providers import PROVIDER_NAMES
from twoway.web.seller.access import forbidden


@csrf_exempt
@require_POST
def notify(request, provider: str):
    if provider not in PROVIDER_NAMES:
        return HttpResponseBadRequest("unknown provider")
    try:
        ack = services.notification_receive(
            provider_name=provider, raw_body=request.body, headers=request.headers
        )
    except DomainError as exc:  # e.g. the card channel is closed in production
        return JsonResponse(exc.as_dict(), status=exc.status)
    return HttpResponse(ack.body, status=ack.status_code, content_type=ack.content_type)


# --- after-sales: the buyer cancels or returns, the seller decides and receives --------------


def _order_page(order) -> str:
    name = "checkout:purchase" if order.direction == "us_export" else "us_import:purchase"
    return reverse(name, args=[order.purchase.number])


def _after_sales_error(request, order, exc):
    messages.error(request, exc.message)
    return redirect(_order_page(order))


@login_required
@require_POST
def order_cancel(request, number: str):
    """The buyer cancels an order: unpaid → cancelled; paid and not yet declared/shipped →
    refunded in full through the provider that took the money."""
    order = (
        Order.objects.filter(number=number, buyer=request.user).select_related("purchase").first()
    )
    if order is None:
        raise Http404
    try:
        services.order_cancel(
            order=order, by=request.user, reason=request.POST.get("reason", "").strip()[:500]
        )
    except DomainError as exc:
        return _after_sales_error(request, order, exc)
    messages.success(request, _("Order %(number)s cancelled.") % {"number": number})
    return redirect(_order_page(order))


@login_required
@require_POST
def order_return(request, number: str):
    """The buyer asks to return some or all of a delivered order."""
    order = (
        Order.objects.filter(number=number, buyer=request.user).select_related("purchase").first()
    )
    if order is None:
        raise Http404
    lines = {}
    for line in order.lines.all():
        raw = request.POST.get(f"qty_{line.pk}", "0").strip() or "0"
        if not raw.isdigit() or len(raw) > 6:
            return _after_sales_error(
                request,
                order,
                DomainError.one(
                    f"qty_{line.pk}", "quantity", _("Enter a whole number of items to return.")
                ),
            )
        if int(raw):
            lines[line.pk] = int(raw)
    try:
        request_ = checkout.return_request_create(
            order=order, by=request.user, lines=lines or {}, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        return _after_sales_error(request, order, exc)
    messages.success(
        request,
        _("Return %(number)s requested; the seller will answer.") % {"number": request_.number},
    )
    return redirect(_order_page(order))


@login_required
@require_POST
def seller_return(request, number: str, action: str):
    """The seller approves, rejects or receives a return (staff of the order's business)."""
    ret = ReturnRequest.objects.filter(number=number).select_related("order__business").first()
    if ret is None or action not in ("approve", "reject", "receive"):
        raise Http404
    try:  # another business's return does not exist for this person; a role without it: 403
        require_seller_permission(request.user, ret.order.business, "fulfilment")
    except SellerNotMember:
        raise Http404 from None
    except SellerPermissionDenied as exc:
        return forbidden(request, exc)
    try:
        if action == "receive":
            services.return_receive_and_refund(return_request=ret, by=request.user)
        else:
            checkout.return_decide(
                return_request=ret,
                by=request.user,
                approve=action == "approve",
                note=request.POST.get("note", ""),
            )
    except (DomainError, PermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    else:
        messages.success(request, _("Return %(number)s updated.") % {"number": number})
    return redirect(reverse("checkout:seller_orders") + f"?status={ret.order.status}")
