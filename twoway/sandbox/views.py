"""The simulators' pages: the sandbox wallets' and card processor's checkout pages (a buyer
confirms a payment; the simulator sends its signed notification to our notification service) and
the sandbox customs page (operators see what the sandbox customs answered and run the sweep)."""

from __future__ import annotations

from urllib.parse import urlparse

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twoway.core.sandbox import sandbox_enabled
from twoway.customs.declaration import declarations_sweep
from twoway.customs.selectors import declarations_recent
from twoway.identity.models import Role
from twoway.identity.permissions import role_required
from twoway.payments.keys import ensure_sandbox_keys
from twoway.payments.providers import PROVIDER_NAMES, PaymentRedirect, SignatureInvalid
from twoway.payments.providers.card import (
    TEST_CARDS,
    SandboxCardProcessor,
    card_app_id,
    card_merchant_id,
    card_secret,
)
from twoway.payments.providers.sandbox import SandboxWallet

from .tasks import deliver, wallet_notification_deliver


@login_required
def wallet_pay_page(request, provider: str):
    """The sandbox wallet's checkout page. The merchant's signed request arrives as a form POST;
    the buyer confirms; the wallet then sends its signed asynchronous notification."""
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
        wallet_notification_deliver.delay(
            provider,
            pay_request.out_trade_no,
            str(pay_request.amount),
            urlparse(pay_request.notify_url).path,
            pay_request.return_url,
            pay_request.subject,
        )
        return redirect(urlparse(pay_request.return_url).path)
    return render(
        request,
        "sandbox/wallet_pay.html",
        {"provider": provider, "pay_request": pay_request, "fields": fields},
    )


@login_required
def card_pay_page(request):
    """The sandbox card processor's checkout page (USD). The merchant's signed form arrives as a
    POST; the buyer enters a test card and confirms; the processor then sends its signed JSON
    notification to our notification service and returns the buyer to the merchant."""
    if not sandbox_enabled():
        raise Http404
    if request.method != "POST":
        return HttpResponseBadRequest("Open this page from the Twoway pay page.")
    fields = {
        k: v
        for k, v in request.POST.items()
        if k not in ("csrfmiddlewaretoken", "confirm", "card_number")
    }
    processor = SandboxCardProcessor(
        app_id=card_app_id(), secret=card_secret(), merchant_id=card_merchant_id()
    )
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
            deliver("card", body, headers)
            return redirect(urlparse(pay_request.return_url).path)
    return render(
        request,
        "sandbox/card_pay.html",
        {
            "pay_request": pay_request,
            "fields": fields,
            "error": error,
            "card_number": card_number or "4242 4242 4242 4242",
        },
    )


@role_required(Role.OPERATOR)
def customs_page(request):
    """What the sandbox customs was sent and answered, newest first (operators)."""
    if not sandbox_enabled():
        raise Http404
    return render(request, "sandbox/customs.html", {"declarations": declarations_recent(limit=50)})


@role_required(Role.OPERATOR)
@require_POST
def customs_sweep(request):
    """Run the scheduled customs sweep now (declares paid orders that waited, resends failures)."""
    if not sandbox_enabled():
        raise Http404
    count = declarations_sweep(grace_minutes=0)
    messages.success(
        request, _("Customs sweep done: %(count)s orders attempted.") % {"count": count}
    )
    return redirect("sandbox:sandbox-customs")
