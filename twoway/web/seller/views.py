"""The seller's listing pages: the listing form (US sellers here; Chinese sellers' import form
lives with the import channel) and the seller's own view of one listing. Thin views."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from twoway.catalog.services import product_create
from twoway.compliance.eligibility import cbec_line_eligibility
from twoway.core.errors import DomainError
from twoway.reference import labels
from twoway.web import selectors
from twoway.web.account.views import _put_errors
from twoway.web.seller import listing as cn_listing

from .access import seller_page
from .forms import UsListingForm


@seller_page("catalogue")
def seller_product_new(request: HttpRequest) -> HttpResponse:
    business = request.seller_business
    if business.country == "CN":
        return cn_listing.seller_product_new(request)
    initial = {
        "origin_us_state": business.us_state_id,
        "status": "active" if business.is_verified else "draft",
    }
    form = UsListingForm(request.POST or None, initial=initial)
    context = {"form": form, "business": business, "errors": [], "eligibility": None}
    if request.method != "POST":
        return render(request, "web/seller_product_new.html", context)
    line = request.POST.get("cn_tariff_line", "")
    if line.strip() and request.POST.get("market_cn_export"):
        context["eligibility"] = cbec_line_eligibility(cn_tariff_line=line)
    if request.POST.get("action") == "check":
        # Only the eligibility is asked for: the form comes back as typed, without errors.
        typed = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        typed.setdefault("market_cn_export", "")
        context["form"] = UsListingForm(initial=typed)
        return render(request, "web/seller_product_new.html", context)
    if not form.is_valid():
        return render(request, "web/seller_product_new.html", context, status=400)
    data = dict(form.cleaned_data)
    try:
        created = product_create(
            business=business, by=request.user, origin_country="US", currency="USD", **data
        )
    except DomainError as exc:
        context["errors"] = _put_errors(form, exc)
        return render(request, "web/seller_product_new.html", context, status=exc.status)
    return redirect(f"/seller/products/{created.pk}/?created=1")


@seller_page("catalogue")
def seller_product(request: HttpRequest, product_id: int) -> HttpResponse:
    business = request.seller_business
    listing = (
        selectors.seller_listing_get(business=business, product_id=product_id)
        if business
        else None
    )
    if listing is None:
        raise Http404
    product = listing.product
    eligibility = (
        cbec_line_eligibility(cn_tariff_line=product.cn_tariff_line)
        if product.market_cn_export
        else None
    )
    context = {
        "listing": listing,
        "product": product,
        "business": business,
        "eligibility": eligibility,
        "chapter_title": labels.chapter_title(product.hs_chapter),
        "created": request.GET.get("created") == "1",
    }
    return render(request, "web/seller_product.html", context)
