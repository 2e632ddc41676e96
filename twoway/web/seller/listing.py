"""A Chinese seller lists a good for the US market (reached through /seller/products/new/,
which picks the form by the seller's country). Thin: parse, authorize, call one service."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from twoway.businesses.models import Membership
from twoway.catalog.services import product_create
from twoway.core.errors import DomainError

from .access import seller_page
from .forms import ImportListingForm


@seller_page("catalogue")
def seller_product_new(request: HttpRequest) -> HttpResponse:
    membership = (
        Membership.objects.select_related("business", "business__cn_province")
        .filter(user=request.user)
        .first()
    )
    business = membership.business if membership else None
    if business is None or business.country != "CN":
        # Reached through web's /seller/products/new/, which sends US sellers to their form.
        raise Http404
    form = ImportListingForm(
        request.POST or None, initial={"origin_cn_province": business.cn_province_id}
    )
    context = {"form": form, "business": business}
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            created = product_create(
                business=business,
                by=request.user,
                origin_country="CN",
                currency="USD",
                market_us_import=True,
                **data,
            )
        except DomainError as exc:
            for problem in exc.problems:
                if problem.field in form.fields:
                    form.add_error(problem.field, problem.message)
            context["error"] = exc.message
            return render(
                request, "checkout/import/seller_product_new.html", context, status=exc.status
            )
        # The seller's own view of the listing shows its real status (a labor-risk hold is
        # decided as the listing is saved).
        return redirect(f"/seller/products/{created.pk}/?created=1")
    status = 400 if form.is_bound else 200
    return render(request, "checkout/import/seller_product_new.html", context, status=status)
