"""The buyer's checkout steps, one set for both channels: cart, checkout, pay, purchases, one
purchase, receipt. The URL prefix picks the channel (``/cn/`` export, ``/us/`` import; see
``urls.py``); ``steps.py`` says what each channel shows. Also the import product page.
Thin: parse, authorize, call one service or selector, render."""

from __future__ import annotations

from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twoway.catalog.models import ProductStatus
from twoway.catalog.selectors import (
    images_for_display,
    product_get,
    variant_choice,
    variants_of,
)
from twoway.checkout import selectors, services
from twoway.core.errors import DomainError, NotFound
from twoway.identity.permissions import role_required
from twoway.payments.services import payment_start
from twoway.search.services import search_purchase_attribute
from twoway.web.auth import signed_in_user

from . import page_data
from .steps import STEPS, Steps

MAX_QUANTITY = 999


def buyer_only(view):
    """The URL's ``channel`` ("cn"/"us") → its ``Steps``; only that channel's buyers get in."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, channel: str, **kwargs):
        steps = STEPS[channel]
        guarded = role_required(steps.channel.buyer_role)(view)
        return guarded(request, *args, steps=steps, **kwargs)

    return wrapped


def _quantity(value: str | None, default: int) -> int | None:
    try:
        quantity = int(value) if value not in (None, "") else default
    except ValueError:
        return None
    return quantity if 0 <= quantity <= MAX_QUANTITY else None


def _url(steps: Steps, name: str) -> str:
    return f"{steps.namespace}:{name}"


# --- cart ------------------------------------------------------------------------------------


def _render_cart(
    request: HttpRequest, steps: Steps, *, error: str = "", status: int = 200
) -> HttpResponse:
    context = {**steps.cart_context(request), "error": error}
    return render(request, steps.templates["cart"], context, status=status)


@buyer_only
def cart(request: HttpRequest, steps: Steps) -> HttpResponse:
    return _render_cart(request, steps)


@buyer_only
@require_POST
def cart_add(request: HttpRequest, steps: Steps) -> HttpResponse:
    try:
        product = product_get(product_id=int(request.POST.get("product_id", "")))
    except ValueError:
        raise Http404 from None
    if product is None:
        raise Http404
    quantity = _quantity(request.POST.get("quantity"), 1)
    if not quantity:
        return _render_cart(request, steps, error=_("Choose a quantity from 1 to 999."), status=400)
    current = steps.cart_items(request).get(product.pk, 0)
    try:
        services.cart_line_set(
            channel=steps.channel,
            buyer=signed_in_user(request),
            product=product,
            quantity=min(current + quantity, MAX_QUANTITY),
        )
    except DomainError as exc:
        return _render_cart(request, steps, error=steps.cart_error(exc), status=409)
    return redirect(_url(steps, "cart"))


@buyer_only
@require_POST
def cart_line_update(request: HttpRequest, steps: Steps, product_id: int) -> HttpResponse:
    product = product_get(product_id=product_id)
    if product is None:
        raise Http404
    quantity = 0 if "remove" in request.POST else _quantity(request.POST.get("quantity"), 0)
    if quantity is None:
        return _render_cart(request, steps, error=_("Choose a quantity from 0 to 999."), status=400)
    try:
        services.cart_line_set(
            channel=steps.channel, buyer=signed_in_user(request), product=product, quantity=quantity
        )
    except DomainError as exc:
        return _render_cart(request, steps, error=steps.cart_error(exc), status=409)
    return redirect(_url(steps, "cart"))


# --- checkout --------------------------------------------------------------------------------


@buyer_only
def checkout(request: HttpRequest, steps: Steps) -> HttpResponse:
    template = steps.templates["checkout"]
    buyer = signed_in_user(request)
    if request.method == "POST":
        # A second submit of the same page (double click, back + resubmit) finds the first purchase.
        existing = page_data.purchase_by_idempotency_key(
            buyer=buyer, key=request.POST.get("idempotency_key", "")
        )
        if existing is not None:
            return redirect(_url(steps, "pay"), number=existing.number)
    form = steps.checkout_form(request)
    context = steps.checkout_context(request, form)
    items = context.pop("items")
    if not items:
        return redirect(_url(steps, "cart"))
    if request.method != "POST":
        return render(request, template, context)
    if not form.is_valid():
        return render(request, template, context, status=400)
    try:
        purchase = services.purchase_place(
            channel=steps.channel,
            buyer=buyer,
            items=items,
            idempotency_key=form.cleaned_data["idempotency_key"],
            **steps.place_kwargs(request, form),
        )
    except DomainError as exc:
        steps.place_errors(form, exc, context)
        return render(request, template, context, status=exc.status)
    services.cart_lines_remove(buyer=buyer, product_ids=items)
    search_purchase_attribute(session=request.session, product_ids=list(items))
    return redirect(_url(steps, "pay"), number=purchase.number)


# --- pay -------------------------------------------------------------------------------------


def _purchase_or_404(request: HttpRequest, steps: Steps, number: str):
    try:
        purchase = selectors.purchase_get_for_buyer(number=number, buyer=signed_in_user(request))
    except NotFound:
        raise Http404 from None
    if purchase.direction != steps.channel.direction:
        raise Http404
    return purchase


@buyer_only
def pay(request: HttpRequest, steps: Steps, number: str) -> HttpResponse:
    purchase = _purchase_or_404(request, steps, number)
    if purchase.paid_at is not None:
        return redirect(_url(steps, "purchase"), number=purchase.number)
    payable = page_data.purchase_is_payable(purchase)
    form = steps.pay_form(request.POST or None)
    context = {"purchase": purchase, "form": form, "payable": payable}
    closed = steps.pay_closed()
    if closed:
        context.update(channel_closed=True, error=closed)
        return render(request, steps.templates["pay"], context, status=503)
    if request.method == "POST" and payable and form.is_valid():
        try:
            redirect_to = payment_start(
                purchase=purchase,
                buyer=signed_in_user(request),
                provider_name=form.cleaned_data["provider"],
            )
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, steps.templates["pay"], context, status=exc.status)
        return render(
            request,
            steps.templates["pay_redirect"],
            {"purchase": purchase, "redirect": redirect_to},
        )
    return render(request, steps.templates["pay"], context, status=400 if form.is_bound else 200)


# --- tracking --------------------------------------------------------------------------------


@buyer_only
def purchase_detail(request: HttpRequest, steps: Steps, number: str) -> HttpResponse:
    purchase = _purchase_or_404(request, steps, number)
    context = {
        "purchase": purchase,
        "orders": list(purchase.orders.all()),
        "polling": page_data.purchase_is_polling(purchase),
        "payable": page_data.purchase_is_payable(purchase),
    }
    htmx = request.headers.get("HX-Request") == "true"
    template = (steps.partial_template if htmx else None) or steps.templates["purchase"]
    response = render(request, template, context)
    if steps.partial_template:
        patch_vary_headers(response, ["HX-Request"])
    return response


@buyer_only
@require_POST
def order_receipt(request: HttpRequest, steps: Steps, number: str) -> HttpResponse:
    """The buyer confirms the parcel arrived (确认收货): shipped → delivered."""
    try:
        order = selectors.order_get(number=number)
    except NotFound:
        raise Http404 from None
    buyer = signed_in_user(request)
    if order.buyer_id != buyer.pk:
        raise Http404
    try:
        services.order_receipt_confirm(order=order, by=buyer)
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status)
    return redirect(_url(steps, "purchase"), number=order.purchase.number)


@buyer_only
def purchase_list(request: HttpRequest, steps: Steps) -> HttpResponse:
    purchases = [
        p
        for p in selectors.purchase_list_for_buyer(buyer=signed_in_user(request))
        if p.direction == steps.channel.direction
    ]
    return render(request, steps.templates["purchases"], {"purchases": purchases})


# --- the import product page ----------------------------------------------------------------


def product(request: HttpRequest, product_id: int) -> HttpResponse:
    item = product_get(product_id=product_id)
    if item is None or not item.market_us_import:
        raise Http404
    if item.status not in (ProductStatus.ACTIVE, ProductStatus.BLOCKED):
        raise Http404
    page = page_data.product_page_for(
        product=item, user=request.user, state=request.GET.get("state"), day=timezone.now().date()
    )
    return render(
        request,
        "checkout/import/product.html",
        {
            "page": page,
            "product": item,
            "images": images_for_display(product=item),
            "choice": variant_choice(
                product=item, variants=variants_of(product=item, market="us_import")
            ),
        },
    )
