"""Checkout pages: cart, checkout (real name, consignee, quota), pay, purchase tracking, and the
seller's order queue. Thin: parse, authorize, call one service or selector, render."""

from __future__ import annotations

import uuid

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twoway.catalog.selectors import product_get
from twoway.core.errors import DomainError, NotFound
from twoway.identity.models import Role
from twoway.identity.permissions import role_required
from twoway.identity.services import real_name_identity_register
from twoway.payments.services import payment_start
from twoway.search.services import search_purchase_attribute

from . import page_data, selectors, services
from .forms import DOMAIN_FIELDS, NEW_IDENTITY, CheckoutForm, PayForm, ShipForm
from .models import OrderStatus

consumer_only = role_required(Role.CONSUMER_CN)
seller_only = role_required(Role.SELLER_STAFF)
MAX_QUANTITY = 999
QUEUE_PAGE_SIZE = 25
QUEUE_LIMIT = 10_000  # pages reach this far back; older orders are in the admin


def _quantity(value: str | None, default: int) -> int | None:
    try:
        quantity = int(value) if value not in (None, "") else default
    except ValueError:
        return None
    return quantity if 0 <= quantity <= MAX_QUANTITY else None


# --- cart ------------------------------------------------------------------------------------


def _render_cart(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    identities = selectors.identities_for(user=request.user)
    cart = page_data.cart_page_for(
        buyer=request.user, identity=identities[0] if identities else None
    )
    return render(request, "checkout/cart.html", {"cart": cart, "error": error}, status=status)


@consumer_only
def cart(request: HttpRequest) -> HttpResponse:
    return _render_cart(request)


@consumer_only
@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    try:
        product_id = int(request.POST.get("product_id", ""))
    except ValueError:
        raise Http404 from None
    product = product_get(product_id=product_id)
    quantity = _quantity(request.POST.get("quantity"), 1)
    if product is None:
        raise Http404
    if not quantity:
        return _render_cart(request, error=_("Choose a quantity from 1 to 999."), status=400)
    current = page_data.cart_quantity(buyer=request.user, product_id=product.pk)
    try:
        services.cart_line_set(
            buyer=request.user, product=product, quantity=min(current + quantity, MAX_QUANTITY)
        )
    except DomainError:
        return _render_cart(request, error=_("This product is not on sale."), status=409)
    return redirect("checkout:cart")


@consumer_only
@require_POST
def cart_line_update(request: HttpRequest, product_id: int) -> HttpResponse:
    product = product_get(product_id=product_id)
    if product is None:
        raise Http404
    quantity = 0 if "remove" in request.POST else _quantity(request.POST.get("quantity"), 0)
    if quantity is None:
        return _render_cart(request, error=_("Choose a quantity from 0 to 999."), status=400)
    try:
        services.cart_line_set(buyer=request.user, product=product, quantity=quantity)
    except DomainError:
        return _render_cart(request, error=_("This product is not on sale."), status=409)
    return redirect("checkout:cart")


# --- checkout --------------------------------------------------------------------------------


def _checkout_context(request: HttpRequest, form: CheckoutForm, identities: list) -> dict:
    chosen = form.chosen_identity() if form.is_bound and hasattr(form, "cleaned_data") else None
    if chosen is None and form.is_bound:
        chosen = form.identities.get(form.data.get("identity", ""))
    if chosen is None and not form.is_bound and identities:
        chosen = identities[0]
    cart_page = page_data.cart_page_for(buyer=request.user, identity=chosen)
    return {
        "form": form,
        "cart": cart_page,
        "identity": chosen,
        "identities": identities,
        "quote": cart_page.quote,
    }


def _place_errors(form: CheckoutForm, exc: DomainError, cart_page) -> list[str]:
    """Put each problem next to the field it names; return those that belong to no field."""
    other: list[str] = []
    for problem in exc.problems or []:
        target = DOMAIN_FIELDS.get(problem.field)
        if target:
            form.add_error(target, problem.message)
        elif problem.field == "quota":
            other.append(page_data.problem_text(problem, quote=cart_page.quote))
        elif problem.field.startswith("items."):
            line = next(
                (ln for ln in cart_page.lines if f"items.{ln.product.pk}" == problem.field), None
            )
            text = page_data.problem_text(
                problem,
                product=line.product if line else None,
                quantity=line.quantity if line else None,
                quote=cart_page.quote,
            )
            other.append(
                f"{line.product.title_zh or line.product.title_en}: {text}" if line else text
            )
        else:
            other.append(page_data.problem_text(problem, quote=cart_page.quote))
    if not exc.problems:
        other.append(exc.message)
    return other


@consumer_only
def checkout(request: HttpRequest) -> HttpResponse:
    identities = selectors.identities_for(user=request.user)
    if request.method != "POST":
        initial = {
            "idempotency_key": uuid.uuid4().hex,
            "identity": str(identities[0].pk) if identities else NEW_IDENTITY,
        }
        form = CheckoutForm(initial=initial, identities=identities)
        context = _checkout_context(request, form, identities)
        if not context["cart"].lines:
            return redirect("checkout:cart")
        return render(request, "checkout/checkout.html", context)

    form = CheckoutForm(request.POST, identities=identities)
    key = request.POST.get("idempotency_key", "")
    # A second submit of the same page (double click, back + resubmit) finds the first purchase.
    existing = page_data.purchase_by_idempotency_key(buyer=request.user, key=key)
    if existing is not None:
        return redirect("checkout:pay", number=existing.number)
    if not form.is_valid():
        return render(
            request,
            "checkout/checkout.html",
            _checkout_context(request, form, identities),
            status=400,
        )
    context = _checkout_context(request, form, identities)
    cart_page = context["cart"]
    data = form.cleaned_data
    try:
        identity = form.chosen_identity()
        if data["identity"] == NEW_IDENTITY:
            identity = real_name_identity_register(
                user=request.user, full_name=data["full_name"], id_number=data["id_number"]
            )
        purchase = services.purchase_place_export(
            buyer=request.user,
            items=cart_page.items,
            identity=identity,
            consignee=services.Consignee(
                name=data["consignee_name"].strip(),
                phone=data["consignee_phone"].strip(),
                address=data["consignee_address"].strip(),
                district=data["consignee_district"],
            ),
            idempotency_key=data["idempotency_key"],
        )
    except DomainError as exc:
        context["errors"] = _place_errors(form, exc, cart_page)
        return render(request, "checkout/checkout.html", context, status=exc.status)
    services.cart_clear(buyer=request.user)
    search_purchase_attribute(session=request.session, product_ids=list(cart_page.items))
    return redirect("checkout:pay", number=purchase.number)


# --- pay -------------------------------------------------------------------------------------


def _purchase_or_404(request: HttpRequest, number: str):
    try:
        return selectors.purchase_get_for_buyer(number=number, buyer=request.user)
    except NotFound:
        raise Http404 from None


@consumer_only
def pay(request: HttpRequest, number: str) -> HttpResponse:
    purchase = _purchase_or_404(request, number)
    if purchase.paid_at is not None:
        return redirect("checkout:purchase", number=purchase.number)
    payable = page_data.purchase_is_payable(purchase)
    form = PayForm(request.POST or None)
    context = {"purchase": purchase, "form": form, "payable": payable}
    if request.method == "POST" and payable and form.is_valid():
        try:
            redirect_to = payment_start(
                purchase=purchase, buyer=request.user, provider_name=form.cleaned_data["provider"]
            )
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "checkout/pay.html", context, status=exc.status)
        return render(
            request, "checkout/pay_redirect.html", {"purchase": purchase, "redirect": redirect_to}
        )
    return render(request, "checkout/pay.html", context, status=400 if form.is_bound else 200)


# --- tracking --------------------------------------------------------------------------------


@consumer_only
def purchase_detail(request: HttpRequest, number: str) -> HttpResponse:
    purchase = _purchase_or_404(request, number)
    context = {
        "purchase": purchase,
        "orders": list(purchase.orders.all()),
        "polling": page_data.purchase_is_polling(purchase),
        "payable": page_data.purchase_is_payable(purchase),
    }
    partial = request.headers.get("HX-Request") == "true"
    template = "checkout/_purchase_orders.html" if partial else "checkout/purchase_detail.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@consumer_only
@require_POST
def order_receipt(request: HttpRequest, number: str) -> HttpResponse:
    """The buyer confirms the parcel arrived (确认收货): shipped → delivered."""
    try:
        order = selectors.order_get(number=number)
    except NotFound:
        raise Http404 from None
    if order.buyer_id != request.user.pk:
        raise Http404
    try:
        services.order_receipt_confirm(order=order, by=request.user)
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status)
    return redirect("checkout:purchase", number=order.purchase.number)


@consumer_only
def purchase_list(request: HttpRequest) -> HttpResponse:
    purchases = selectors.purchase_list_for_buyer(buyer=request.user)
    return render(request, "checkout/purchase_list.html", {"purchases": purchases})


# --- the seller's order queue ---------------------------------------------------------------


def _queue(
    request: HttpRequest,
    *,
    business_id: int | None,
    ship_errors: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    chosen = request.GET.get("status", "")
    chosen = chosen if chosen in OrderStatus.values else ""
    queue = (
        selectors.order_queue_for_seller(
            business_id=business_id, status=chosen or None, limit=QUEUE_LIMIT
        )
        if business_id
        else []
    )
    # One page of the queue at a time (a busy seller has thousands of orders).
    page = Paginator(queue, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "orders": list(page.object_list),
        "page": page,
        "business_id": business_id,
        "status": chosen,
        "statuses": OrderStatus.choices,
        "ship_errors": ship_errors or {},
        "shipped": request.GET.get("shipped", ""),
    }
    return render(request, "checkout/seller_orders.html", context, status=status)


@seller_only
def seller_orders(request: HttpRequest) -> HttpResponse:
    return _queue(request, business_id=page_data.seller_business_id(user=request.user))


@seller_only
@require_POST
def seller_order_ship(request: HttpRequest, number: str) -> HttpResponse:
    business_id = page_data.seller_business_id(user=request.user)
    order = (
        page_data.seller_order_get(business_id=business_id, number=number) if business_id else None
    )
    if order is None:
        raise Http404
    form = ShipForm(request.POST)
    if order.status != OrderStatus.CLEARED:
        error = _("Only orders cleared by customs can be shipped; this one is: %(status)s.") % {
            "status": order.get_status_display()
        }
        return _queue(request, business_id=business_id, ship_errors={number: error}, status=409)
    if not form.is_valid():
        error = _("Enter the carrier's tracking number (4 to 40 characters).")
        return _queue(request, business_id=business_id, ship_errors={number: error}, status=400)
    try:
        services.order_ship(
            order=order,
            by=request.user,
            tracking_number=form.cleaned_data["tracking_number"].strip(),
            carrier=request.POST.get("carrier", ""),
        )
    except DomainError as exc:
        return _queue(
            request, business_id=business_id, ship_errors={number: exc.message}, status=exc.status
        )
    return redirect(reverse("checkout:seller_orders") + f"?shipped={order.number}")
