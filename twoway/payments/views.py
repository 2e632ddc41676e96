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
    from django.test import RequestFactory

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
            body, headers = processor.notification(pay_request, card_number=card_number)
            notify_path = urlparse(pay_request.notify_url).path
            extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()
                     if k.lower() != "content-type"}
            notify(RequestFactory().post(notify_path, data=body, content_type="application/json",
                                         **extra), "card")
            return redirect(urlparse(pay_request.return_url).path)
    return render(request, "payments/sandbox_card_pay.html",
                  {"pay_request": pay_request, "fields": fields, "error": error,
                   "card_number": card_number or "4242 4242 4242 4242"})
