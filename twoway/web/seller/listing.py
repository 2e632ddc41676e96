"""The seller center's listing editor (issue 13): one editor for US sellers (export to China)
and Chinese sellers (import to the US) — the channel decides the fields and the live checks.

Thin views: parse, authorize (seller role + the business's "catalogue" permission; another
business's product is a 404), call a read model or one service, render. htmx endpoints answer
partials: the HS picker, the live checks, the generated text draft.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from twoway.businesses.models import Business
from twoway.businesses.permissions import require_seller_permission
from twoway.catalog import selectors as catalog
from twoway.catalog.models import Product, ProductImage, ProductStatus
from twoway.catalog.rules.listing import needs_chinese
from twoway.catalog.services import (
    product_create,
    product_image_add,
    product_image_delete,
    product_update,
    product_variant_add,
)
from twoway.compliance.eligibility import cbec_line_eligibility
from twoway.compliance.selectors import risk_panel_for
from twoway.core.errors import DomainError
from twoway.identity.models import Role
from twoway.identity.permissions import role_required
from twoway.reference import labels
from twoway.web import selectors
from twoway.web.account.views import _put_errors
from twoway.web.auth import signed_in_user

from . import listing_data
from .access import current_membership
from .channels import channel_for
from .forms import ImageForm, ListingForm, VariantForm

seller_only = role_required(Role.SELLER_STAFF)
EDITOR = "seller/listing_editor.html"
MAX_ID = 2**63 - 1  # a bigint: a larger "product_id" names no product


def _business(request: HttpRequest) -> Business | None:
    """The business the seller is working for (chosen in the seller center), if their role may
    edit its catalogue (403 otherwise)."""
    membership = current_membership(request)
    if membership is None:
        return None
    require_seller_permission(request.user, membership.business, "catalogue")
    return membership.business


def _own_product(request: HttpRequest, product_id: int) -> tuple[Business, Product]:
    business = _business(request)
    if business is None:
        raise Http404
    product = (
        Product.objects.select_related("business", "origin_us_state", "origin_cn_province", "group")
        .filter(pk=product_id, business=business)
        .first()
    )
    if product is None:
        raise Http404
    return business, product


def _shared_by(business: Business, product_id: int | None) -> int:
    """How many variants share the name of the listing ``product_id`` (its group's, itself
    included); 0 for a new listing or one without variants."""
    if product_id is None or product_id > MAX_ID:
        return 0
    group_id = (
        Product.objects.filter(pk=product_id, business=business)
        .values_list("group_id", flat=True)
        .first()
    )
    if group_id is None:
        return 0
    return Product.objects.filter(group_id=group_id, business=business).count()


def _initial_of(product: Product) -> dict:
    initial = {
        name: getattr(product, name)
        for name in (
            "sku",
            "title_en",
            "title_zh",
            "description_en",
            "description_zh",
            "hs_code",
            "cn_tariff_line",
            "us_hts_line",
            "unit_price",
            "weight_kg",
            "length_cm",
            "width_cm",
            "height_cm",
            "variant_size",
            "variant_colour",
            "variant_size_zh",
            "variant_colour_zh",
            "market_cn_export",
            "market_us_domestic",
            "made_in_usa_attested",
            "manufacturer",
            "raw_material_suppliers",
            "status",
        )
    }
    initial["origin_us_state"] = product.origin_us_state_id or ""
    initial["origin_cn_province"] = product.origin_cn_province_id or ""
    initial["text_is_draft"] = "1" if product.zh_is_draft else ""
    return initial


def _editor(request: HttpRequest, *, business: Business, product: Product | None) -> HttpResponse:
    channel = channel_for(business)
    if product is None:
        initial = {
            "origin_us_state": business.us_state_id or "",
            "origin_cn_province": business.cn_province_id or "",
            "status": "active" if business.is_verified else "draft",
            "market_cn_export": True,
            "made_in_usa_attested": business.made_in_usa_attested,
        }
    else:
        initial = _initial_of(product)
    shared_by = _shared_by(business, product.pk if product else None)
    form = ListingForm(
        request.POST or None,
        initial=initial,
        channel=channel,
        editing=product is not None,
        variants=shared_by,
    )
    data = request.POST if request.method == "POST" else initial
    context = {
        "form": form,
        "business": business,
        "product": product,
        "channel": channel,
        "errors": [],
        "checks": listing_data.live_checks(business=business, channel=channel, data=data),
        "is_draft_text": (data.get("text_is_draft") == "1"),
    }
    if request.method != "POST":
        return render(request, EDITOR, context)
    if request.POST.get("action") == "check":
        # Without JavaScript the checks come back with the form as typed, nothing saved.
        typed = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        context["form"] = ListingForm(
            initial=typed, channel=channel, editing=product is not None, variants=shared_by
        )
        return render(request, EDITOR, context)
    if not form.is_valid():
        return render(request, EDITOR, context, status=400)
    fields = form.service_fields()
    try:
        if product is None:
            saved = product_create(business=business, by=signed_in_user(request), **fields)
        else:
            saved = product_update(product=product, by=signed_in_user(request), **fields)
    except DomainError as exc:
        context["errors"] = _put_errors(form, exc, {"zh_is_draft": "text_confirmed"})
        return render(request, EDITOR, context, status=exc.status)
    for notice in getattr(saved, "notices", []):
        messages.info(request, notice)
    flag = "created" if product is None else "saved"
    return redirect(f"/seller/products/{saved.pk}/?{flag}=1")


@seller_only
def seller_products(request: HttpRequest) -> HttpResponse:
    business = _business(request)
    if business is None:
        return redirect("web:seller_business")
    drafts_only = request.GET.get("text") == "draft"
    center = selectors.seller_center_for(
        membership=current_membership(request), zh_drafts_only=drafts_only
    )
    images = catalog.images_for(product_ids=[p.pk for p in center.products])
    rows = [
        (p, center.status_labels.get(p.pk, ""), images[p.pk][0] if images.get(p.pk) else None)
        for p in center.products
    ]
    return render(
        request,
        "seller/product_list.html",
        {
            "business": business,
            "rows": rows,
            "truncated": center.truncated,
            "drafts_only": drafts_only,
            "drafts_count": selectors.zh_drafts_count(business=business),
        },
    )


@seller_only
def seller_product_new(request: HttpRequest) -> HttpResponse:
    business = _business(request)
    if business is None:
        return redirect("web:seller_business")
    return _editor(request, business=business, product=None)


@seller_only
def seller_product_edit(request: HttpRequest, product_id: int) -> HttpResponse:
    business, product = _own_product(request, product_id)
    return _editor(request, business=business, product=product)


@seller_only
def seller_product(request: HttpRequest, product_id: int) -> HttpResponse:
    business, product = _own_product(request, product_id)
    listing = selectors.seller_listing_get(business=business, product_id=product.pk)
    eligibility = (
        cbec_line_eligibility(cn_tariff_line=product.cn_tariff_line)
        if product.market_cn_export
        else None
    )
    variants = catalog.variants_of(product=product, active_only=False)
    return render(
        request,
        "seller/product_detail.html",
        {
            "risk": risk_panel_for(product=product) if product.market_us_import else None,
            "listing": listing,
            "product": product,
            "business": business,
            "eligibility": eligibility,
            "china": listing_data.china_checks(product=product),
            "chapter_title": labels.chapter_title(product.hs_chapter),
            "created": request.GET.get("created") == "1",
            "saved": request.GET.get("saved") == "1",
            "images": list(product.images.all()),
            "variants": variants,
            "image_form": ImageForm(),
            "variant_form": VariantForm(initial={"unit_price": product.unit_price}),
            "errors": [],
        },
    )


def _detail_with_errors(
    request, business, product, *, image_form=None, variant_form=None, errors, status
):
    """The product page again, with the failing form bound (errors next to their fields)."""
    return render(
        request,
        "seller/product_detail.html",
        {
            "listing": selectors.seller_listing_get(business=business, product_id=product.pk),
            "product": product,
            "business": business,
            "eligibility": None,
            "chapter_title": labels.chapter_title(product.hs_chapter),
            "images": list(product.images.all()),
            "variants": catalog.variants_of(product=product, active_only=False),
            "image_form": image_form or ImageForm(),
            "variant_form": variant_form or VariantForm(initial={"unit_price": product.unit_price}),
            "errors": errors,
        },
        status=status,
    )


@seller_only
@require_POST
def seller_product_image_add(request: HttpRequest, product_id: int) -> HttpResponse:
    business, product = _own_product(request, product_id)
    form = ImageForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail_with_errors(
            request, business, product, image_form=form, errors=[], status=400
        )
    upload = form.cleaned_data["image"]
    # Read at most one byte over the limit: the service refuses it by size without reading more.
    data = upload.read(settings.TWOWAY_IMAGE_MAX_BYTES + 1)
    try:
        product_image_add(
            product=product,
            by=signed_in_user(request),
            data=data,
            alt_en=form.cleaned_data["alt_en"],
            alt_zh=form.cleaned_data["alt_zh"],
        )
    except DomainError as exc:
        errors = _put_errors(form, exc)
        return _detail_with_errors(
            request, business, product, image_form=form, errors=errors, status=exc.status
        )
    return redirect(f"/seller/products/{product.pk}/#images")


@seller_only
@require_POST
def seller_product_image_delete(
    request: HttpRequest, product_id: int, image_id: int
) -> HttpResponse:
    _business_, product = _own_product(request, product_id)
    image = (
        ProductImage.objects.filter(pk=image_id, product=product)
        .select_related("product__business")
        .first()
    )
    if image is None:
        raise Http404
    product_image_delete(image=image, by=signed_in_user(request))
    return redirect(f"/seller/products/{product.pk}/#images")


@seller_only
@require_POST
def seller_product_variant_add(request: HttpRequest, product_id: int) -> HttpResponse:
    business, product = _own_product(request, product_id)
    form = VariantForm(request.POST)
    if not form.is_valid():
        return _detail_with_errors(
            request, business, product, variant_form=form, errors=[], status=400
        )
    try:
        product_variant_add(product=product, by=signed_in_user(request), **form.cleaned_data)
    except DomainError as exc:
        errors = _put_errors(form, exc)
        return _detail_with_errors(
            request, business, product, variant_form=form, errors=errors, status=exc.status
        )
    return redirect(f"/seller/products/{product.pk}/#variants")


@seller_only
@require_POST
def seller_product_publish(request: HttpRequest, product_id: int) -> HttpResponse:
    """Put the product and its variants on sale (each through product_update's rules)."""
    business, product = _own_product(request, product_id)
    targets = catalog.variants_of(product=product, active_only=False) or [product]
    try:
        for item in targets:
            if item.status == ProductStatus.DRAFT:
                product_update(
                    product=item, by=signed_in_user(request), status=ProductStatus.ACTIVE
                )
    except DomainError as exc:
        return _detail_with_errors(
            request, business, product, errors=[exc.message], status=exc.status
        )
    product.refresh_from_db()
    flag = "published=1" if product.status == ProductStatus.ACTIVE else "saved=1"
    return redirect(f"/seller/products/{product.pk}/?{flag}")


# --- htmx partials --------------------------------------------------------------------------


@seller_only
@require_GET
def listing_hs_search(request: HttpRequest) -> HttpResponse:
    if _business(request) is None:
        raise Http404
    query = (request.GET.get("q") or "").strip()[:100]
    hits = listing_data.hs_results(query) if query else []
    return render(request, "seller/_hs_results.html", {"hits": hits, "query": query})


@seller_only
@require_GET
def listing_hs_pick(request: HttpRequest) -> HttpResponse:
    business = _business(request)
    if business is None:
        raise Http404
    choice = listing_data.hs_choice(request.GET.get("code") or "")
    if choice is None:
        return HttpResponse(_("Not a 6-digit HS subheading."), status=400)
    channel = channel_for(business)
    initial = {
        "hs_code": choice.code,
        "cn_tariff_line": choice.cn_lines[0].line if choice.cn_lines else "",
        "us_hts_line": choice.us_lines[0].line if choice.us_lines else "",
    }
    form = ListingForm(initial=initial, channel=channel)
    response = render(
        request, "seller/_hs_fields.html", {"form": form, "choice": choice, "channel": channel}
    )
    response["HX-Trigger-After-Settle"] = "listing-changed"
    return response


@seller_only
@require_POST
def listing_check(request: HttpRequest) -> HttpResponse:
    business = _business(request)
    if business is None:
        raise Http404
    channel = channel_for(business)
    checks = listing_data.live_checks(business=business, channel=channel, data=request.POST)
    return render(request, "seller/_live_checks.html", {"checks": checks, "channel": channel})


@seller_only
@require_POST
def listing_draft(request: HttpRequest) -> HttpResponse:
    business = _business(request)
    if business is None:
        raise Http404
    channel = channel_for(business)
    exclude = request.POST.get("product_id") or ""
    draft = listing_data.text_draft(
        business=business,
        channel=channel,
        data=request.POST,
        exclude_id=int(exclude) if exclude.isdigit() else None,
    )
    values = {
        k: request.POST.get(k, "")
        for k in ("title_en", "title_zh", "description_en", "description_zh")
    }
    variant_keys = ("variant_size", "variant_colour", "variant_size_zh", "variant_colour_zh")
    values.update({k: request.POST.get(k, "") for k in variant_keys})
    if channel.source_language == "zh":
        values["title_en"] = draft.title
    else:
        values["title_zh"] = draft.title[:120]
        values["description_zh"] = draft.description
        # The size and colour in Chinese too, where the seller left them empty ("Orange" → 橙色).
        for name in ("variant_size", "variant_colour"):
            if needs_chinese(values[name]) and not values[f"{name}_zh"].strip():
                values[f"{name}_zh"] = catalog.variant_zh_draft(values[name][:60])
    values["text_is_draft"] = "1"
    form = ListingForm(
        initial=values,
        channel=channel,
        variants=_shared_by(business, int(exclude) if exclude.isdigit() else None),
    )
    return render(
        request,
        "seller/_text_fields.html",
        {
            "form": form,
            "draft": draft,
            "channel": channel,
            "is_draft_text": True,
            "variant_fields_oob": True,
        },
    )
