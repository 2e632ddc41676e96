"""Payment endpoints: the providers' notify URLs (raw body, no session, no CSRF) and the sandbox
wallet's pay page."""

from __future__ import annotations

from urllib.parse import urlparse

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from twoway.core.errors import DomainError
from twoway.core.sandbox import sandbox_enabled

from .providers import PROVIDER_NAMES, PaymentRedirect, SignatureInvalid
from .services import notification_receive


@csrf_exempt
@require_POST
def notify(request, provider: str):
    if provider not in PROVIDER_NAMES:
        return HttpResponseBadRequest("unknown provider")
    try:
        ack = notification_receive(provider_name=provider, raw_body=request.body,
                                   headers=request.headers)
    except DomainError as exc:  # e.g. the card channel is closed in production
        return JsonResponse(exc.as_dict(), status=exc.status)
    return HttpResponse(ack.body, status=ack.status_code, content_type=ack.content_type)


@login_required
def sandbox_pay_page(request, provider: str):
    """The sandbox wallet's checkout page. The merchant's signed request arrives as a form POST;
    the buyer confirms; the wallet then sends its signed asynchronous notification."""
    from .keys import ensure_sandbox_keys
    from .providers.sandbox import SandboxWallet
    from .tasks import sandbox_notification_deliver

    if not sandbox_enabled():
        raise Http404
    if request.method != "POST" or provider not in PROVIDER_NAMES:
        return HttpResponseBadRequest("Open this page from the Twoway pay page.")
    fields = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "confirm")}
    wallet = SandboxWallet(provider, ensure_sandbox_keys())
    try:
        pay_request = wallet.accept_payment(
            PaymentRedirect(provider=provider, url=request.path, method="POST", fields=fields)
        )
    except (SignatureInvalid, KeyError):
        return HttpResponseBadRequest("The merchant's payment request does not verify.")
    if request.POST.get("confirm") == "pay":
        sandbox_notification_deliver.delay(
            provider, pay_request.out_trade_no, str(pay_request.amount),
            urlparse(pay_request.notify_url).path, pay_request.return_url, pay_request.subject,
        )
        return redirect(urlparse(pay_request.return_url).path)
    return render(request, "payments/sandbox_pay.html",
                  {"provider": provider, "pay_request": pay_request, "fields": fields})


@login_required
def sandbox_card_pay_page(request):
    """The sandbox card processor's checkout page (USD). The merchant's signed form arrives as a
    POST; the buyer enters a test card and confirms; the processor then sends its signed JSON
    notification to our notify endpoint and returns the buyer to the merchant."""
    from .providers.card import (
        TEST_CARDS,
        SandboxCardProcessor,
        card_app_id,
        card_merchant_id,
        card_secret,
    )

    if not sandbox_enabled():
        raise Http404
    if request.method != "POST":
        return HttpResponseBadRequest("Open this page from the Twoway pay page.")
    fields = {k: v for k, v in request.POST.items()
              if k not in ("csrfmiddlewaretoken", "confirm", "card_number")}
    processor = SandboxCardProcessor(app_id=card_app_id(), secret=card_secret(),
                                     merchant_id=card_merchant_id())
    try:
        pay_request = processor.accept_payment(fields)
    except (SignatureInvalid, KeyError, ValueError):
        return HttpResponseBadRequest("The merchant's payment request does not verify.")
    card_number = "".join(request.POST.get("card_number", "").split())
    error = ""
    if request.POST.get("confirm") == "pay":
        if card_number not in TEST_CARDS:
            error = "Use a sandbox test card: 4242 4242 4242 4242 (succeeds) or 4000 0000 0000 0002 (declined)."
        else:
            from .tasks import _deliver

            body, headers = processor.notification(pay_request, card_number=card_number)
            _deliver("card", body, headers)
            return redirect(urlparse(pay_request.return_url).path)
    return render(request, "payments/sandbox_card_pay.html",
                  {"pay_request": pay_request, "fields": fields, "error": error,
                   "card_number": card_number or "4242 4242 4242 4242"})


# --- after-sales: the buyer cancels or returns, the seller decides and receives --------------


def _order_page(order) -> str:
    from django.urls import reverse

    name = "checkout:purchase" if order.direction == "us_export" else "us_import:purchase"
    return reverse(name, args=[order.purchase.number])


def _after_sales_error(request, order, exc):
    from django.contrib import messages

    messages.error(request, exc.message)
    return redirect(_order_page(order))


@login_required
@require_POST
def order_cancel(request, number: str):
    """The buyer cancels an order: unpaid → cancelled; paid and not yet declared/shipped →
    refunded in full through the provider that took the money."""
    from django.contrib import messages
    from django.http import Http404
    from django.utils.translation import gettext as _

    from twoway.checkout.models import Order
    from twoway.core.errors import DomainError

    from . import services

    order = Order.objects.filter(number=number, buyer=request.user).select_related("purchase").first()
    if order is None:
        raise Http404
    try:
        services.order_cancel(order=order, by=request.user,
                              reason=request.POST.get("reason", "").strip()[:500])
    except DomainError as exc:
        return _after_sales_error(request, order, exc)
    messages.success(request, _("Order %(number)s cancelled.") % {"number": number})
    return redirect(_order_page(order))


@login_required
@require_POST
def order_return(request, number: str):
    """The buyer asks to return some or all of a delivered order."""
    from django.contrib import messages
    from django.http import Http404
    from django.utils.translation import gettext as _

    from twoway.checkout import services as checkout
    from twoway.checkout.models import Order
    from twoway.core.errors import DomainError

    order = Order.objects.filter(number=number, buyer=request.user).select_related("purchase").first()
    if order is None:
        raise Http404
    lines = {}
    for line in order.lines.all():
        raw = request.POST.get(f"qty_{line.pk}", "0").strip() or "0"
        if not raw.isdigit() or len(raw) > 6:
            return _after_sales_error(request, order, DomainError.one(
                f"qty_{line.pk}", "quantity", _("Enter a whole number of items to return.")))
        if int(raw):
            lines[line.pk] = int(raw)
    try:
        request_ = checkout.return_request_create(order=order, by=request.user, lines=lines or {},
                                                  reason=request.POST.get("reason", ""))
    except DomainError as exc:
        return _after_sales_error(request, order, exc)
    messages.success(request, _("Return %(number)s requested; the seller will answer.")
                     % {"number": request_.number})
    return redirect(_order_page(order))


@login_required
@require_POST
def seller_return(request, number: str, action: str):
    """The seller approves, rejects or receives a return (staff of the order's business)."""
    from django.contrib import messages
    from django.http import Http404
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from twoway.businesses.permissions import (
        SellerNotMember,
        SellerPermissionDenied,
        require_seller_permission,
    )
    from twoway.checkout import services as checkout
    from twoway.checkout.models import ReturnRequest
    from twoway.core.errors import DomainError, PermissionDenied
    from twoway.web.seller.access import forbidden

    from . import services

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
            checkout.return_decide(return_request=ret, by=request.user, approve=action == "approve",
                                   note=request.POST.get("note", ""))
    except (DomainError, PermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    else:
        messages.success(request, _("Return %(number)s updated.") % {"number": number})
    return redirect(reverse("checkout:seller_orders") + f"?status={ret.order.status}")
