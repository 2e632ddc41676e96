"""Import pages for US consumers (product page with duty stack, risk panel, alternatives and
trade impact; cart; checkout; card payment; tracking) and the Chinese seller's listing form.
Thin: parse, authorize, call one service or selector, render."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twoway.catalog.models import ProductStatus
from twoway.catalog.selectors import images_for_display, product_get, variants_of
from twoway.core.errors import DomainError, NotFound
from twoway.identity.models import Role
from twoway.identity.permissions import role_required
from twoway.payments.providers.card import card_channel_open
from twoway.payments.services import payment_start
from twoway.search.services import search_purchase_attribute

from . import import_page_data, selectors, services
from .import_forms import DOMAIN_FIELDS, ImportCheckoutForm, ImportPayForm
from .models import Direction, OrderStatus
from .views import MAX_QUANTITY, _quantity

consumer_only = role_required(Role.CONSUMER_US)
seller_only = role_required(Role.SELLER_STAFF)


def _today():
    return timezone.now().date()


# --- product page ----------------------------------------------------------------------------


def product(request: HttpRequest, product_id: int) -> HttpResponse:
    item = product_get(product_id=product_id)
    if item is None or not item.market_us_import:
        raise Http404
    if item.status not in (ProductStatus.ACTIVE, ProductStatus.BLOCKED):
        raise Http404
    page = import_page_data.product_page_for(
        product=item, user=request.user, state=request.GET.get("state"), day=_today()
    )
    return render(request, "checkout/import/product.html", {
        "page": page, "product": item, "images": images_for_display(product=item),
        "variants": variants_of(product=item),
    })


# --- cart ------------------------------------------------------------------------------------


def _render_cart(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    cart = import_page_data.cart_page_for(buyer=request.user, day=_today())
    return render(
        request, "checkout/import/cart.html", {"cart": cart, "error": error}, status=status
    )


@consumer_only
def cart(request: HttpRequest) -> HttpResponse:
    return _render_cart(request)


@consumer_only
@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    try:
        item = product_get(product_id=int(request.POST.get("product_id", "")))
    except ValueError:
        raise Http404 from None
    if item is None:
        raise Http404
    quantity = _quantity(request.POST.get("quantity"), 1)
    if not quantity:
        return _render_cart(request, error=_("Choose a quantity from 1 to 999."), status=400)
    current = import_page_data.import_cart_items(buyer=request.user).get(item.pk, 0)
    try:
        services.import_cart_line_set(
            buyer=request.user, product=item, quantity=min(current + quantity, MAX_QUANTITY)
        )
    except DomainError as exc:
        return _render_cart(request, error=exc.message, status=409)
    return redirect("us_import:cart")


@consumer_only
@require_POST
def cart_line_update(request: HttpRequest, product_id: int) -> HttpResponse:
    item = product_get(product_id=product_id)
    quantity = _quantity(request.POST.get("quantity"), 0)
    if item is None:
        raise Http404
    if quantity is None:
        return _render_cart(request, error=_("Choose a quantity from 0 to 999."), status=400)
    try:
        services.import_cart_line_set(buyer=request.user, product=item, quantity=quantity)
    except DomainError as exc:
        return _render_cart(request, error=exc.message, status=409)
    return redirect("us_import:cart")


# --- checkout --------------------------------------------------------------------------------


@consumer_only
def checkout(request: HttpRequest) -> HttpResponse:
    items = import_page_data.import_cart_items(buyer=request.user)
    if not items:
        return redirect("us_import:cart")
    form = ImportCheckoutForm(request.POST or None, initial={"idempotency_key": uuid.uuid4().hex})
    cart_page = import_page_data.cart_page_for(buyer=request.user, day=_today())
    context = {"form": form, "cart": cart_page}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            purchase = services.purchase_place_import(
                buyer=request.user,
                items=items,
                consignee_state=data["consignee_state"],
                consignee=services.Consignee(
                    name=data["consignee_name"],
                    phone=data["consignee_phone"],
                    address=data["consignee_address"],
                ),
                idempotency_key=data["idempotency_key"],
            )
        except DomainError as exc:
            for problem in exc.problems:
                name = DOMAIN_FIELDS.get(problem.field)
                if name:
                    form.add_error(name, problem.message)
            context["error"] = exc.message
            return render(request, "checkout/import/checkout.html", context, status=exc.status)
        for product_id in items:
            services.cart_line_set(
                buyer=request.user, product=product_get(product_id=product_id), quantity=0
            )
        search_purchase_attribute(session=request.session, product_ids=list(items))
        return redirect("us_import:pay", number=purchase.number)
    status = 400 if form.is_bound else 200
    return render(request, "checkout/import/checkout.html", context, status=status)


# --- pay and track ---------------------------------------------------------------------------


def _purchase_or_404(request: HttpRequest, number: str):
    try:
        purchase = selectors.purchase_get_for_buyer(number=number, buyer=request.user)
    except NotFound:
        raise Http404 from None
    if purchase.direction != Direction.US_IMPORT:
        raise Http404
    return purchase


def _payable(purchase) -> bool:
    orders = list(purchase.orders.all())
    return (
        purchase.paid_at is None
        and bool(orders)
        and all(o.status == OrderStatus.CREATED for o in orders)
        and (purchase.reserved_until is None or purchase.reserved_until >= timezone.now())
    )


@consumer_only
def pay(request: HttpRequest, number: str) -> HttpResponse:
    purchase = _purchase_or_404(request, number)
    if purchase.paid_at is not None:
        return redirect("us_import:purchase", number=purchase.number)
    payable = _payable(purchase)
    form = ImportPayForm(request.POST or None)
    context = {"purchase": purchase, "form": form, "payable": payable}
    if not card_channel_open():  # production without a card processor: say so, take nothing
        context.update(channel_closed=True, error=_(
            "Card payment is not available yet: Twoway has no card processor connected. "
            "Nothing has been charged."))
        return render(request, "checkout/import/pay.html", context, status=503)
    if request.method == "POST" and payable and form.is_valid():
        try:
            redirect_to = payment_start(
                purchase=purchase, buyer=request.user, provider_name=form.cleaned_data["provider"]
            )
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "checkout/import/pay.html", context, status=exc.status)
        return render(
            request,
            "checkout/import/pay_redirect.html",
            {"purchase": purchase, "redirect": redirect_to},
        )
    return render(
        request, "checkout/import/pay.html", context, status=400 if form.is_bound else 200
    )


@consumer_only
def purchase_detail(request: HttpRequest, number: str) -> HttpResponse:
    purchase = _purchase_or_404(request, number)
    orders = list(purchase.orders.all())
    context = {"purchase": purchase, "orders": orders, "payable": _payable(purchase)}
    return render(request, "checkout/import/purchase_detail.html", context)


@consumer_only
def purchase_list(request: HttpRequest) -> HttpResponse:
    purchases = [
        p
        for p in selectors.purchase_list_for_buyer(buyer=request.user)
        if p.direction == Direction.US_IMPORT
    ]
    return render(request, "checkout/import/purchase_list.html", {"purchases": purchases})
